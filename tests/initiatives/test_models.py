import datetime

import pytest
from django.db import IntegrityError, transaction

from initiatives.models import Category, Initiative, Involvement, Organisation, Region, Theme, format_partial_date
from tests.factories import make_initiative

pytestmark = pytest.mark.django_db


def _violates(**fields):
    category = Category.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Initiative.objects.create(title="X", slug="x-constraint", summary="S", category=category, **fields)


def test_status_must_be_one_of_the_states():
    _violates(status="deleted")


def test_published_initiative_needs_a_publication_date():
    _violates(status=Initiative.Status.PUBLISHED, published_at=None)


def test_end_cannot_precede_start():
    _violates(start_date=datetime.date(2020, 1, 1), end_date=datetime.date(2019, 1, 1))


def test_scope_and_honorific_are_constrained():
    _violates(scope="galactic")
    _violates(submitter_honorific="Sir")


def test_slug_is_unique():
    make_initiative(slug="same")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_initiative(slug="same")


def test_an_organisation_has_one_involvement_per_role():
    initiative = Initiative.objects.get(slug="thamm")
    ilo = Organisation.objects.get(slug="ilo")
    with pytest.raises(IntegrityError), transaction.atomic():
        Involvement.objects.create(initiative=initiative, organisation=ilo, role=Involvement.Role.IMPLEMENTER)
    Involvement.objects.create(initiative=initiative, organisation=ilo, role=Involvement.Role.FUNDER)


def test_region_level_and_parent_agree():
    africa = Region.objects.get(slug="africa")
    with pytest.raises(IntegrityError), transaction.atomic():
        Region.objects.create(name="Orphan", slug="orphan", m49_code="990", level=Region.Level.SUBREGION)
    with pytest.raises(IntegrityError), transaction.atomic():
        Region.objects.create(name="Sub", slug="sub", m49_code="991", level=Region.Level.REGION, parent=africa)


def test_theme_numbers_are_gcm_objectives():
    with pytest.raises(IntegrityError), transaction.atomic():
        Theme.objects.create(name="Objective 24", slug="o24", number=24)


def test_published_queryset_is_the_visibility_rule():
    draft = make_initiative(publish=False)
    archived = make_initiative()
    archived.status = Initiative.Status.ARCHIVED
    archived.save()
    published = set(Initiative.objects.published().values_list("slug", flat=True))
    assert draft.slug not in published and archived.slug not in published
    assert "thamm" in published


def test_str_and_urls():
    thamm = Initiative.objects.get(slug="thamm")
    assert str(thamm) == thamm.title
    assert thamm.get_absolute_url() == "/en/initiatives/thamm/"
    assert Region.objects.get(slug="europe").get_absolute_url() == "/en/regions/europe/"
    assert str(Theme.objects.get(number=20)) == "Objective 20: Remittances"
    assert Organisation.objects.get(slug="ilo").get_absolute_url() == "/en/organisations/ilo/"


def test_submitter_display_never_includes_the_email():
    initiative = make_initiative(
        submitter_honorific="Ms.", submitter_name="Ana Díaz", submitter_email="ana@example.org"
    )
    assert initiative.submitter_display == "Ms. Ana Díaz"


def test_partial_dates_show_only_what_is_known():
    day = datetime.date(2019, 6, 22)
    assert format_partial_date(day, "year") == "2019"
    assert format_partial_date(day, "month") == "June 2019"
    assert format_partial_date(day, "day") == "22 June 2019"
    assert format_partial_date(None, "day") == ""


def test_publishing_stamps_the_date_once_and_covers_ancestor_regions():
    initiative = make_initiative(countries=["ma"])
    first = initiative.published_at
    assert first is not None
    covered = set(initiative.covered_regions.values_list("slug", flat=True))
    assert covered == {"northern-africa", "africa"}
    from initiatives import services

    services.publish_initiative(initiative=initiative)
    initiative.refresh_from_db()
    assert initiative.published_at == first
