"""The list endpoints cost a fixed number of queries whatever the page size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from initiatives.models import Link
from tests.factories import make_initiative
from tests.shared_rows import shared_rows

pytestmark = pytest.mark.django_db

# page, then one each: the themes, regions and countries together (issue 15: which of them, in one query of their
# relation tables; the terms from each process's copy, presentation.card_terms), principles, tags, links,
# organisations (with involvements), SDGs covered and SDG targets (with their goals: issue 13, +2), attachments
# (issue 13: documents and images, one query for the whole page, +1); the
# number of results is counted once and then cached with the other counts (initiatives.counts), as is each page's
# representation (a request for the same address again makes none of these queries); and a computed page counts
# against the anonymous client's limit (1)
# Issue 15: the principles, the SDGs covered and the SDG targets are read with the themes, regions and countries
# (presentation.API_LISTS), their terms (and the targets' goals) from each process's copy: −3.
LIST_QUERIES = 7 - 1  # and the tags (taggit's rows, by content type): −1
# An initiative: its row, then one query for each of its relations (its themes, regions and countries each their own).
DETAIL_QUERIES = 11
EXTRA = 25


def _many():
    """More initiatives than a default page, each with several terms of every kind, links and organisations."""
    for n in range(EXTRA):
        initiative = make_initiative(
            themes=["remittances", "skills-development-and-recognition"],
            regions=["europe"],
            countries=["md", "tn"],
            tags=["diaspora", f"tag-{n}"],
            organisations=["ICMPD", f"Org {n}"],
        )
        Link.objects.create(initiative=initiative, title="Doc", url=f"https://example.org/{n}")


def count_queries(client, url):
    client.get(url)  # warm per-process caches (content types, cached term counts)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


class TestWithMany:
    """The 25 more initiatives, written once for both tests (tests/shared_rows.py), which only read."""

    @pytest.fixture(scope="class")
    def many(self, django_db_setup, django_db_blocker):
        yield from shared_rows(django_db_blocker, _many)

    def test_initiative_list_queries_are_pinned(
        self, client, many, django_assert_num_queries, subtests, miss_window_begun
    ):
        client.get("/api/initiatives/")
        for page_size in (1, 20, 100):
            with subtests.test(page_size=page_size), django_assert_num_queries(LIST_QUERIES):
                response = client.get(f"/api/initiatives/?page_size={page_size}")
                assert len(response.json()["results"]) == min(page_size, 7 + EXTRA)
        # Each facet in the query string looks its terms up once (as the listing does), whatever the page size.
        client.get("/api/initiatives/?theme=remittances&tag=diaspora")  # counts the results of this query once
        for page_size in (2, 100):
            with subtests.test(page_size=page_size, filtered=True), django_assert_num_queries(LIST_QUERIES + 2):
                client.get(f"/api/initiatives/?theme=remittances&tag=diaspora&page_size={page_size}")
        # A detail is the page query (and never counts, neither its results nor against the limit).
        with django_assert_num_queries(DETAIL_QUERIES):
            client.get("/api/initiatives/pare-1-1/")

    @pytest.mark.parametrize("language", ["en", "fr", "ar"])
    def test_a_listings_terms_are_those_of_each_initiatives_own_answer(self, client, many, language):
        """The themes, regions and countries a page of the listing gives each initiative (from one query and each
        process's terms) are those of its own answer (its relations), in the same order and language."""
        listed = client.get(f"/api/initiatives/?page_size=100&lang={language}").json()["results"]
        assert len(listed) == 7 + EXTRA
        for item in listed:
            own = client.get(f"/api/initiatives/{item['slug']}/?lang={language}").json()
            assert {name: item[name] for name in ("themes", "regions", "countries", "category")} == {
                name: own[name] for name in ("themes", "regions", "countries", "category")
            }, item["slug"]
        assert any(item["countries"] for item in listed) and any(item["themes"] for item in listed)

    def test_term_lists_are_fixed_too(self, client, many, subtests):
        for plural in ("regions", "countries", "themes", "principles", "categories", "organisations", "tags"):
            with subtests.test(plural=plural):
                small = count_queries(client, f"/api/{plural}/?page_size=2")
                assert small == count_queries(client, f"/api/{plural}/?page_size=100") <= 3
