"""An initiative in the API's list is the same object as its own resource (issue 15: the list reads its terms from
one query and each process's copy of them, ``presentation.API_LISTS``; the resource prefetches every relation)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from initiatives import facet_terms, services
from initiatives.models import GuidingPrinciple, Link, SdgGoal, SdgTarget
from tests.factories import make_initiative

pytestmark = pytest.mark.django_db


def _filed_under_everything():
    initiative = make_initiative(
        title="Filed under every kind of term",
        themes=["remittances", "regular-pathways"],
        regions=["northern-africa"],
        countries=["ma", "tn"],
        tags=["diaspora", "vocational-training"],
        organisations=["ICMPD", "Neighbour Works"],
        publish=False,
    )
    initiative.principles.set(GuidingPrinciple.objects.filter(slug__in=["gender-responsive", "human-rights"]))
    initiative.sdg_goals.set(SdgGoal.objects.filter(number__in=[5]))
    initiative.sdg_targets.set(SdgTarget.objects.filter(code__in=["10.7", "8.8"]))
    Link.objects.create(initiative=initiative, title="Report", url="https://example.org/report")
    services.publish_initiative(initiative=initiative)
    return initiative


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_an_initiative_in_the_list_is_its_resource(client, language):
    initiative = _filed_under_everything()
    neighbour = make_initiative(title="A neighbour with none of them", themes=["data"])
    listed = client.get("/api/initiatives/", {"lang": language}).json()["results"]
    by_slug = {item["slug"]: item for item in listed}
    for shown in (initiative, neighbour):
        resource = client.get(f"/api/initiatives/{shown.slug}/", {"lang": language}).json()
        assert by_slug[shown.slug] == resource
    item = by_slug[initiative.slug]
    assert [goal["number"] for goal in item["sdg_goals"]] == [5, 8, 10]  # named, and the goals of its targets
    assert [(target["code"], target["goal"]) for target in item["sdg_targets"]] == [("8.8", 8), ("10.7", 10)]
    assert {principle["slug"] for principle in item["principles"]} == {"gender-responsive", "human-rights"}
    neighbour_item = by_slug[neighbour.slug]
    assert neighbour_item["sdg_goals"] == neighbour_item["sdg_targets"] == neighbour_item["principles"] == []


def test_the_targets_goals_come_with_the_terms(client):
    """The goal each SDG target names is given from the same copy of the terms as the targets: the page's first
    reading of them reads the goals once, not once per target."""
    _filed_under_everything()
    facet_terms.forget()
    with CaptureQueriesContext(connection) as queries:
        targets = client.get("/api/initiatives/").json()["results"][0]["sdg_targets"]
    assert [target["goal"] for target in targets] == [8, 10]
    goal_table = SdgGoal._meta.db_table
    assert len([q for q in queries.captured_queries if f'FROM "{goal_table}"' in q["sql"]]) == 1
