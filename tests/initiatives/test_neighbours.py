"""Rules that hold for the right rows *and* spare their nearest neighbours: drafts beside published
initiatives, initiatives just outside a year range, counts under the other filters."""

import datetime

import pytest

from initiatives import services
from initiatives.models import GuidingPrinciple
from tests.factories import make_initiative
from tests.shared_rows import shared_rows

pytestmark = pytest.mark.django_db

THEMES = ("regular-pathways", "recruitment-and-decent-work")
REGIONS = ("eastern-europe", "northern-africa")


# --- related initiatives -------------------------------------------------------------------------


def test_related_initiatives_are_published_ones_even_when_drafts_share_more_terms(client):
    """Drafts sharing every term, newer than the published ones (ties go to the newest), would win every
    slot if the ranking did not start from published(); only published initiatives may fill the four."""
    shown = make_initiative(title="Anchor initiative", themes=THEMES, regions=REGIONS)
    published = [make_initiative(title=f"Published neighbour {n}", themes=THEMES, regions=REGIONS) for n in range(4)]
    drafts = [make_initiative(title=f"Draft twin {n}", themes=THEMES, regions=REGIONS, publish=False) for n in range(5)]
    response = client.get(shown.get_absolute_url())
    related = [initiative.pk for initiative in response.context["related"]]
    assert sorted(related) == sorted(i.pk for i in published)
    body = response.content.decode()
    assert all(i.title in body for i in published)
    assert not any(d.title in body for d in drafts)
    assert not any(d.get_absolute_url() in body for d in drafts)


# --- facet counts under the other filters --------------------------------------------------------

FACET_TERMS = {
    "region": "eastern-europe",
    "country": "md",
    "theme": "regular-pathways",
    "principle": "human-rights",
    "category": "programmes-and-projects",
    "organisation": "neighbour-works",
    "tag": "neighbour-tag",
}


def _dated(title, start, end=None, *, ongoing=False, summary="A plain summary."):
    initiative = make_initiative(
        title=title,
        summary=summary,
        start_date=start,
        end_date=end,
        ongoing=ongoing,
        themes=[FACET_TERMS["theme"]],
        regions=[FACET_TERMS["region"]],
        countries=[FACET_TERMS["country"]],
        category=FACET_TERMS["category"],
        organisations=["Neighbour Works"],
        tags=["neighbour-tag"],
        publish=False,
    )
    initiative.principles.set(GuidingPrinciple.objects.filter(slug=FACET_TERMS["principle"]))
    services.publish_initiative(initiative=initiative)
    return initiative


def _facet_world():
    """Three initiatives carrying the same term of every facet, each matching a different filter."""
    return [
        _dated(
            "Old completed programme",
            datetime.date(1950, 1, 1),
            datetime.date(1951, 6, 30),
            summary="Work with the diaspora of seasonal workers.",
        ),
        _dated("Future ongoing programme", datetime.date(2090, 1, 1), ongoing=True),
        _dated("Nineties programme", datetime.date(1990, 1, 1), datetime.date(1995, 1, 1)),
    ]


def _count_of(response, facet_name: str, value: str) -> int:
    facet = next(f for f in response.context["facets"] if f.name == facet_name)

    def walk(options):
        for option in options:
            if option.value == value:
                return option.count
            found = walk(option.children)
            if found is not None:
                return found
        return None

    count = walk(facet.options)
    assert count is not None, f"{value} not among the options of {facet_name}"
    return count


FILTERS = ["q=diaspora", "year_to=1955", "year_from=2080", "status=ongoing", "status=completed"]


class TestFacetWorld:
    """The three initiatives, written once for the cases of the class (tests/shared_rows.py), which only read."""

    @pytest.fixture(scope="class")
    def facet_world(self, django_db_setup, django_db_blocker):
        yield from shared_rows(django_db_blocker, _facet_world)

    @pytest.mark.parametrize("facet_name", list(FACET_TERMS))
    @pytest.mark.parametrize("other_filter", FILTERS)
    def test_a_facet_option_counts_what_the_other_filters_let_through(
        self, client, facet_world, facet_name, other_filter
    ):
        """An option's count is the number of results choosing it gives, under the search, year and status;
        without that filter the same option counts more (the initiatives the filter leaves out)."""
        value = FACET_TERMS[facet_name]
        filtered = client.get(f"/en/initiatives/?{other_filter}&{facet_name}={value}")
        results = filtered.context["page_obj"].paginator.count
        assert results >= 1
        assert _count_of(filtered, facet_name, value) == results
        unfiltered = client.get(f"/en/initiatives/?{facet_name}={value}")
        assert _count_of(unfiltered, facet_name, value) == unfiltered.context["page_obj"].paginator.count > results


# --- year range bounds ---------------------------------------------------------------------------


def _listed(client, query) -> set[str]:
    response = client.get(f"/en/initiatives/?{query}")
    return {initiative.title for initiative in response.context["page_obj"].paginator.object_list}


def test_year_to_includes_initiatives_starting_that_year_and_not_the_next(client):
    make_initiative(title="Starts first day", start_date=datetime.date(1931, 1, 1))
    make_initiative(title="Starts last day", start_date=datetime.date(1931, 12, 31))
    make_initiative(title="Starts next year", start_date=datetime.date(1932, 1, 1))
    listed = _listed(client, "year_to=1931")
    assert {"Starts first day", "Starts last day"} <= listed
    assert "Starts next year" not in listed


def test_year_from_includes_initiatives_ending_that_year_and_not_the_year_before(client):
    start = datetime.date(1920, 1, 1)
    make_initiative(title="Ends first day", start_date=start, end_date=datetime.date(1931, 1, 1))
    make_initiative(title="Ends last day", start_date=start, end_date=datetime.date(1931, 12, 31))
    make_initiative(title="Ended the year before", start_date=start, end_date=datetime.date(1930, 12, 31))
    listed = _listed(client, "year_from=1931")
    assert {"Ends first day", "Ends last day"} <= listed
    assert "Ended the year before" not in listed


@pytest.mark.parametrize("bitmaps", [True, False], ids=["from the facet bitmaps", "in SQL"])
def test_until_its_list_is_computed_the_related_are_those_sharing_the_most_terms_newest_first(
    client, settings, bitmaps
):
    """The same neighbours whether counted in each process's bitmaps or in SQL: by how many of the initiative's
    themes and regions they share, the newest first among equals; the initiative itself, drafts and initiatives
    sharing nothing are never shown."""
    settings.FACET_BITMAPS = bitmaps
    anchor = make_initiative(title="Anchor initiative", themes=THEMES, regions=REGIONS)
    everything = make_initiative(title="Shares all four", themes=THEMES, regions=REGIONS)
    three_old = make_initiative(title="Shares three, older", themes=THEMES, regions=REGIONS[:1])
    three_new = make_initiative(title="Shares three, newer", themes=THEMES[:1], regions=REGIONS)
    make_initiative(title="Shares four, a draft", themes=THEMES, regions=REGIONS, publish=False)
    one = make_initiative(title="Shares one", themes=THEMES[:1])
    make_initiative(title="Shares one, not among the four", themes=THEMES[1:])
    make_initiative(title="Shares nothing", themes=("remittances",))
    related = client.get(anchor.get_absolute_url()).context["related"]
    assert [i.pk for i in related][:3] == [everything.pk, three_new.pk, three_old.pk]
    assert len(related) == 4 and related[3].pk != one.pk  # the newest of the two sharing one
    assert anchor.pk not in [i.pk for i in related]
