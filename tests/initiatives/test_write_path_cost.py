"""What the one write path spends (issue 15, CI under 12 minutes): publishing an initiative is what most tests and
every editor do, so the two costs cut from it are pinned here with what they must still do.

- The history's many-to-many rows are written from the through tables' keys (``InitiativeHistoricalRecords``), not by
  building the initiative again for each relation: each version still records every relation, and a revert reads them.
- Django's validation of the table's constraints gives each constraint only the columns it reads
  (``Initiative.validate_constraints``): every constraint is still checked, with Django's errors.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from initiatives import services
from initiatives.models import Initiative, SdgGoal, SdgTarget
from tests.factories import make_initiative

pytestmark = pytest.mark.django_db


def test_a_version_records_every_relation_and_only_this_initiatives():
    neighbour = make_initiative(themes=["remittances"], countries=["md"])
    neighbour_rows = neighbour.history.first().themes.count()
    initiative = make_initiative(themes=["remittances"], regions=["europe"], countries=["md", "ma"])
    initiative.sdg_goals.set(SdgGoal.objects.order_by("pk")[:2])
    initiative.sdg_targets.set(SdgTarget.objects.order_by("pk")[:1])
    services.publish_initiative(initiative=initiative)

    version = initiative.history.first()
    for relation in ("themes", "regions", "countries", "sdg_goals", "sdg_targets", "principles"):
        recorded = {row.pk for row in getattr(version, relation).all()}  # the history's rows, by their own keys
        through = getattr(Initiative, relation).through
        column = getattr(Initiative, relation).field.m2m_reverse_field_name()
        live = set(through.objects.filter(initiative=initiative).values_list(f"{column}_id", flat=True))
        assert {getattr(row, f"{column}_id") for row in getattr(version, relation).all()} == live, relation
        assert len(recorded) == len(live), relation
    assert {row.initiative_id for row in version.countries.all()} == {initiative.pk}
    assert version.sdg_goals.count() == 2
    # The neighbour's version is untouched.
    assert neighbour.history.first().themes.count() == neighbour_rows


def test_publishing_builds_no_initiative_for_the_history_and_checks_each_constraint_with_its_columns(monkeypatch):
    neighbour = make_initiative(publish=False, themes=["remittances"])
    initiative = make_initiative(publish=False, themes=["remittances"], countries=["md", "ma"], tags=["x"])
    neighbour_versions = neighbour.history.count()
    given = []
    check = Q.check

    def recording_check(self, against, using=DEFAULT_DB_ALIAS):
        given.append(len(against))
        return check(self, against, using=using)

    monkeypatch.setattr(Q, "check", recording_check)
    with CaptureQueriesContext(connection) as queries:
        services.publish_initiative(initiative=initiative)
    sql = [query["sql"] for query in queries.captured_queries]
    # Rebuilding the initiative for each relation read its excluded columns (search vectors, rendered descriptions,
    # dates) six times; nothing reads them now.
    assert not [q for q in sql if q.startswith("SELECT") and '"initiatives_initiative"."created_at"' in q]
    # Each relation is read once from its through table, without joining the initiative or the term.
    through_reads = [q for q in sql if q.startswith("SELECT") and 'FROM "initiatives_initiative_' in q]
    assert not [q for q in through_reads if "JOIN" in q and "historical" in q]
    # Six constraints (five checks, one conditional unique), each checked once, each with a few columns (Django
    # gave each about 110, every translation being a column).
    assert len([q for q in sql if '"_check"' in q]) == 6
    assert len(given) == 6
    assert max(given) <= 10
    # The draft neighbour was neither published nor recorded.
    neighbour.refresh_from_db()
    assert neighbour.status == Initiative.Status.DRAFT
    assert neighbour.history.count() == neighbour_versions


@pytest.mark.parametrize(
    ("fields", "message_part"),
    [
        ({"status": "hidden"}, "initiative_status_valid"),
        ({"scope": "galactic"}, "initiative_scope_valid"),
        ({"submitter_honorific": "Sir"}, "initiative_honorific_valid"),
        (
            {"start_date": datetime.date(2024, 5, 1), "end_date": datetime.date(2024, 4, 1)},
            "initiative_ends_after_start",
        ),
    ],
)
def test_every_check_constraint_is_still_validated(fields, message_part):
    initiative = make_initiative(publish=False)
    for name, value in fields.items():
        setattr(initiative, name, value)
    with pytest.raises(ValidationError) as raised:
        initiative.validate_constraints()
    assert message_part in str(raised.value)
    # Valid again, the same row passes.
    fresh = Initiative.objects.get(pk=initiative.pk)
    fresh.validate_constraints()


def test_a_published_initiative_needs_its_date():
    initiative = make_initiative()
    initiative.published_at = None
    with pytest.raises(ValidationError, match="initiative_published_has_date"):
        initiative.validate_constraints()


def test_the_conditional_unique_constraint_is_still_validated_and_names_its_field():
    make_initiative(external_id="ext-1")
    neighbour = make_initiative(external_id="")
    other = make_initiative(external_id="")  # two empty ids: the condition leaves them out
    other.validate_constraints()
    neighbour.external_id = "ext-1"
    with pytest.raises(ValidationError) as raised:
        neighbour.validate_constraints()
    assert "initiative_external_id_unique" in str(raised.value) or "external_id" in raised.value.message_dict
    # Excluding the field skips the constraint, as Django does.
    neighbour.validate_constraints(exclude={"external_id"})
