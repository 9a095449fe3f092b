"""The API lists exactly what the HTML listing lists for the same query string: same slugs, same order, same total."""

import pytest
from django.core.cache import cache

from initiatives import services
from initiatives.models import GuidingPrinciple
from tests.factories import make_initiative
from tests.shared_rows import shared_rows

pytestmark = pytest.mark.django_db

QUERIES = [
    "",
    "region=europe",
    "region=eastern-europe&region=south-eastern-asia",
    "country=md",
    "country=MA",
    "theme=remittances&theme=skills-development-and-recognition",
    "principle=gender-responsive",
    "category=regional-consultative-processes",
    "tag=diaspora",
    "organisation=icmpd",
    "theme=skills-development-and-recognition&region=northern-africa",
    "theme=skills-development-and-recognition&country=tn&tag=vocational-training",
    "q=migration",
    "q=labour migration&sort=title",
    'q="labour mobility"',
    "q=diaspora -Moldova",
    "q=migration&sort=relevance",
    "year_from=2013&year_to=2017",
    "year_from=2019",
    "year_to=2010",
    "status=ongoing",
    "status=completed",
    "sort=newest",
    "sort=oldest",
    "sort=title",
    "sort=relevance",
    "region=europe&status=ongoing&sort=title",
    "q=&region=&year_from=",
]


def html_listing(client, query):
    cache.clear()  # rendered, not served from the cache: equivalent addresses ("q=&region=" and "") share a page
    response = client.get(f"/en/initiatives/?{query}")
    assert response.status_code == 200
    page = response.context["page_obj"]
    assert not response.context["ignored"], query  # the query is valid for the listing too
    return [initiative.slug for initiative in page.object_list], page.paginator.count, page.paginator.num_pages


def api_listing(client, query):
    response = client.get(f"/api/initiatives/?{query}")
    assert response.status_code == 200, (query, response.json())
    data = response.json()
    return [item["slug"] for item in data["results"]], data["count"], data["num_pages"]


def _more_data():
    """More initiatives than a page, spread over facets, years and titles, so that order and pagination matter."""
    gender = GuidingPrinciple.objects.get(slug="gender-responsive")
    for n in range(30):
        initiative = make_initiative(
            title=f"{'Labour migration' if n % 3 == 0 else 'Diaspora bonds'} pilot {chr(65 + (n * 7) % 26)}{n}",
            themes=["remittances"] if n % 2 else ["skills-development-and-recognition"],
            regions=["europe"] if n % 4 == 0 else [],
            countries=["md"] if n % 5 == 0 else (["tn"] if n % 5 == 1 else []),
            tags=["diaspora"] if n % 3 == 1 else ["vocational-training"],
            organisations=["ICMPD"] if n % 6 == 0 else [],
            start_date=f"{2000 + n % 20}-01-01",
            end_date=f"{2005 + n % 20}-12-31" if n % 2 else None,
            ongoing=not n % 2,
        )
        if n % 7 == 0:
            initiative.principles.add(gender)
            services.initiative_written(initiative=initiative, reason="test")  # the end of every editing path


class TestWithMoreData:
    """The tests that read the 30 more initiatives, written once for them (tests/shared_rows.py)."""

    @pytest.fixture(scope="class")
    def more_data(self, django_db_setup, django_db_blocker):
        yield from shared_rows(django_db_blocker, _more_data)

    def test_api_lists_what_the_listing_lists(self, client, more_data, subtests):
        # One test over every query (building the data is the slow part), one subtest per query.
        for query in QUERIES:
            with subtests.test(query=query):
                assert api_listing(client, query) == html_listing(client, query)

    def test_pages_match_page_by_page(self, client, more_data, subtests):
        for query in ["", "q=pilot", "sort=title", "q=pilot&sort=relevance", "sort=oldest", "q=pilot&sort=oldest"]:
            with subtests.test(query=query):
                _, total, num_pages = html_listing(client, query)
                assert num_pages >= 2, "the data must span several pages"
                seen = []
                for page in range(1, num_pages + 2):
                    suffix = f"{query}&page={page}" if query else f"page={page}"
                    if page > num_pages:  # past the last page: the listing shows the last one, the API says 404
                        assert client.get(f"/api/initiatives/?{suffix}").status_code == 404
                        continue
                    html = html_listing(client, suffix)
                    assert api_listing(client, suffix) == html
                    seen += html[0]
                assert len(seen) == len(set(seen)) == total

    def test_bigger_api_pages_hold_the_listing_pages_in_order(self, client, more_data):
        html = html_listing(client, "sort=title")[0] + html_listing(client, "sort=title&page=2")[0]
        slugs, total, _ = api_listing(client, "sort=title&page_size=40")
        assert slugs == html[:40] and total == 37


def test_seed_only_parity_without_extra_data(client):
    for query in QUERIES:
        assert api_listing(client, query) == html_listing(client, query), query


def test_active_sort_is_reported(client):
    assert client.get("/api/initiatives/").json()["sort"] == "newest"
    assert client.get("/api/initiatives/?q=migration").json()["sort"] == "relevance"
    assert client.get("/api/initiatives/?sort=relevance").json()["sort"] == "newest"  # relevance needs q
    assert client.get("/api/initiatives/?sort=title").json()["sort"] == "title"
