"""Each process's copy of the listing's order (issue 15, initiatives/listing_order.py): the pages past the first of
a large listing of facets and years, or of the whole collection, found in it equal those of the listing's own order
in SQL, through every kind of write; it is read once and then caught up from the changes; a copy that finds itself
wrong reads the order again."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from initiatives import facet_bitmaps, listing_order, services, views
from initiatives.listing import Listing
from initiatives.models import Initiative, Theme
from initiatives.taxonomies import BY_NAME
from tests.factories import make_initiative

pytestmark = pytest.mark.django_db

QUERIES = ["", "theme=remittances", "theme=remittances&theme=regular-pathways&region=europe", "year_from=2005"]
ORDER_READ = re.compile(  # listing_order.read's query
    r'^SELECT "initiatives_initiative"\."id" AS "pk" FROM "initiatives_initiative" WHERE [^(]* ORDER BY'
)


@pytest.fixture
def paged(settings, monkeypatch):
    settings.INITIATIVES_PAGE_SIZE = 2
    settings.ANONYMOUS_CACHE_MISSES_PER_MINUTE = 0  # every page asked for with the caches emptied
    monkeypatch.setattr(views, "FEW_RESULTS_FACTOR", 0)  # every listing of facets is "many": the order's path
    monkeypatch.setattr(listing_order, "RUN", 2)  # many runs, split as they grow: what a million makes
    return settings


def every_page(client, settings, query: str, sort: str) -> tuple[list[str], list[str]]:
    """The slugs of every page of a listing, in order, and the SQL of the queries made past the first page."""
    settings.FACET_BITMAPS = True
    cache.clear()
    slugs, statements, page = [], [], 1
    while True:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"/en/initiatives/?{query}&sort={sort}&page={page}")
        assert response.status_code == 200
        slugs += [initiative.slug for initiative in response.context["initiatives"]]
        if page > 1:
            statements += [q["sql"] for q in captured]
        if not response.context["page_obj"].has_next():
            return slugs, statements
        page += 1


def in_sql(settings, query: str, sort: str) -> list[str]:
    """The slugs of a listing's rows in its own order in SQL (``Listing.rows``, which the pages read without the
    bitmaps), read at once: what every page past the first, from the copy, must add up to."""
    settings.FACET_BITMAPS = False
    return list(Listing(QueryDict(query), sort=sort).rows.values_list("slug", flat=True))


def assert_pages_as_in_sql(client, settings, *, absent=(), queries=QUERIES):
    for query in queries:
        for sort in ("newest", "oldest"):
            in_order, statements = every_page(client, settings, query, sort)
            assert in_order == in_sql(settings, query, sort), (query, sort)
            assert not [sql for sql in statements if "OFFSET" in sql], (query, sort)  # the order's path was taken
            assert not set(absent) & set(in_order), (query, sort)
    settings.FACET_BITMAPS = True


def test_the_pages_equal_the_listings_order_through_every_kind_of_write(client, paged):
    """Published, published with an earlier date (in the middle of the order), re-dated as an import does, filed
    under another theme, unpublished, deleted: after each, every page of every listing (the whole collection,
    facets, years; newest and oldest first) is the listing's own order in SQL, and the order was read only once."""
    made = [
        make_initiative(themes=["remittances"], regions=["europe"], start_date=f"{2000 + n}-01-01") for n in range(6)
    ]
    with CaptureQueriesContext(connection) as captured:
        assert_pages_as_in_sql(client, paged)
        middle = make_initiative(themes=["regular-pathways"], regions=["europe"], publish=False)
        services.publish_initiative(initiative=middle, when=made[2].published_at - datetime.timedelta(seconds=1))
        assert_pages_as_in_sql(client, paged)

        redated = Initiative.objects.get(pk=made[4].pk)
        redated.published_at = timezone.now() - datetime.timedelta(days=3650)  # an import's date: the oldest now
        redated.save()
        services.initiative_written(initiative=redated)
        assert_pages_as_in_sql(client, paged)

        services.change_classification(
            initiatives=[made[0]], facet="theme", term=Theme.objects.get(slug="regular-pathways"), add=True
        )
        assert_pages_as_in_sql(client, paged)

        services.unpublish_initiative(initiative=Initiative.objects.get(pk=made[1].pk))
        assert_pages_as_in_sql(client, paged, absent=[made[1].slug])

        services.delete_initiative(initiative=Initiative.objects.get(pk=made[3].pk))
        assert_pages_as_in_sql(client, paged, absent=[made[1].slug, made[3].slug])

        services.publish_initiative(initiative=Initiative.objects.get(pk=made[1].pk))  # back, at its old date
        assert_pages_as_in_sql(client, paged, absent=[made[3].slug])
    assert len([q for q in captured if ORDER_READ.match(q["sql"])]) == 1  # read once, then caught up


def test_an_initiative_published_behind_the_services_back_makes_the_copy_read_the_order_again(client, paged):
    """An initiative published by a plain UPDATE (no ``FacetChange``) is not in a copy read before; when one written
    through the services belongs right after it, the copy knows itself wrong and reads the order again."""
    for n in range(5):
        make_initiative(themes=["remittances"], start_date=f"{2000 + n}-01-01")
    assert_pages_as_in_sql(client, paged)
    sneaked = make_initiative(themes=["remittances"], publish=False)
    # An hour ahead: a second before it is then after every other initiative too (all published in this test's
    # last seconds), so the one published through the services belongs right after it, however fast the test ran.
    sneaked_at = timezone.now() + datetime.timedelta(hours=1)
    Initiative.objects.filter(pk=sneaked.pk).update(status=Initiative.Status.PUBLISHED, published_at=sneaked_at)
    after = make_initiative(themes=["remittances"], publish=False)
    services.publish_initiative(initiative=after, when=sneaked_at - datetime.timedelta(seconds=1))
    # The whole collection's (the bitmaps do not hold it either: without rows, it is in no facet's listing).
    assert_pages_as_in_sql(client, paged, queries=[""])
    slugs, _ = every_page(client, paged, "", "newest")
    assert slugs.index(after.slug) == slugs.index(sneaked.slug) + 1


def test_a_deep_page_from_the_order_costs_as_many_queries_as_the_first(client, paged, django_assert_num_queries):
    """Once the order is read, a page deep in a large listing of facets reads the changes since (the bitmaps' one
    query) and its rows by primary key: as many queries as its first page, however deep."""
    for _n in range(9):
        make_initiative(themes=["remittances"], regions=["europe"])
    client.get("/en/initiatives/?theme=remittances&page=2")  # the order read, the templates loaded
    cache.clear()
    with CaptureQueriesContext(connection) as first:
        client.get("/en/initiatives/?theme=remittances")
    for page in (3, 5):
        cache.clear()
        with django_assert_num_queries(len(first)):
            response = client.get(f"/en/initiatives/?theme=remittances&page={page}")
        assert response.context["page_obj"].number == page


def test_a_first_page_of_facets_comes_from_the_order_too(client, settings):
    """Page 1 of a listing of facets, however few its results, newest or oldest first: from the order, no query
    putting the results in order (a rare combination's 8,000 ids sorted in SQL at a million); the same rows as SQL's."""
    settings.ANONYMOUS_CACHE_MISSES_PER_MINUTE = 0
    for n in range(4):
        make_initiative(themes=["remittances"], start_date=f"{2000 + n}-01-01")
    client.get("/en/initiatives/?theme=remittances&page=2")  # the order read
    for sort in ("newest", "oldest"):
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"/en/initiatives/?theme=remittances&sort={sort}")
        ordered = [q["sql"] for q in captured if 'ORDER BY "initiatives_initiative"."published_at"' in q["sql"]]
        assert not ordered, ordered
        shown = [initiative.slug for initiative in response.context["initiatives"]]
        theme = Theme.objects.get(slug="remittances")
        rows = Initiative.objects.published().filter(themes=theme)
        rows = rows.newest_first() if sort == "newest" else rows.order_by("published_at", "pk")
        assert shown == list(rows.values_list("slug", flat=True)[:20])


def test_another_sort_or_filter_is_paged_in_sql(client, paged):
    """By title, or with a filter the bitmaps cannot read (a status), the pages come from SQL as before."""
    for n in range(5):
        make_initiative(title=f"Paged {n}", themes=["remittances"], ongoing=True)
    for query in ("theme=remittances&sort=title", "theme=remittances&status=ongoing"):
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            client.get(f"/en/initiatives/?{query}&page=2")
        assert [q for q in captured if "OFFSET" in q["sql"]], query


def test_a_term_pages_deep_pages_come_from_the_order(client, paged):
    """A term page's results are its term's bitmap: its pages past the first come from the order too."""
    for n in range(6):
        make_initiative(themes=["remittances"], regions=["europe"] if n % 2 else [])
    remittances = Theme.objects.get(slug="remittances")
    with translation.override("en"):
        url = reverse(
            "initiatives:theme", kwargs={BY_NAME["theme"].lookup: getattr(remittances, BY_NAME["theme"].lookup)}
        )
    expected = list(Initiative.objects.published().filter(themes=remittances).newest_first().values_list("slug"))
    seen = []
    for page in (1, 2, 3, 4):
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"{url}?page={page}")
        if page > 1:
            assert not [q for q in captured if "OFFSET" in q["sql"]]
        seen += [initiative.slug for initiative in response.context["initiatives"]]
        if not response.context["page_obj"].has_next():
            break
    assert seen == [slug for (slug,) in expected]


def test_a_server_process_reads_the_order_before_its_first_request(client, paged):
    """A starting server reads the order with the bitmaps (``facet_bitmaps.warm_up``): no visitor's deep page
    waits for it (a second at a million)."""
    for _n in range(5):
        make_initiative(themes=["remittances"])
    facet_bitmaps.forget()
    assert facet_bitmaps.warm_up()
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/en/initiatives/?page=3")
    assert not [q for q in captured if ORDER_READ.match(q["sql"])]
    expected = list(Initiative.objects.published().newest_first().values_list("slug", flat=True)[4:6])
    assert [initiative.slug for initiative in response.context["initiatives"]] == expected


def test_the_order_is_walked_run_by_run():
    """``Order.page`` among a set, both ways, across runs; taking out and putting back splits what grows."""
    from pyroaring import BitMap

    order = listing_order.Order(range(100, 0, -1))  # ids 100 … 1, newest first
    evens = BitMap(range(2, 101, 2))
    assert order.page(None, 0, 3) == [100, 99, 98]
    assert order.page(None, 4095, 4100) == []
    assert order.page(evens, 10, 13) == [80, 78, 76]
    assert order.page(evens, 10, 13, reverse=True) == [22, 24, 26]
    assert order.page(evens, 48, 60) == [4, 2]
    order.take_out(BitMap([99, 98, 50]))
    assert order.page(None, 0, 3) == [100, 97, 96]
    assert 50 not in order.page(None, 0, 100) and len(order) == 97


def test_an_initiative_put_back_finds_its_neighbour_by_two_conditions_without_or(paged):
    """The initiative after one put back is read by two conditions, each a range of the order's index at scale (the
    same moment with a larger id, else the first later), not one with ``OR``: PostgreSQL tested that as a filter on
    every entry of the index (9 ms an initiative at 100,000, 90 at a million). A test table is too small for the
    planner to show the plan (CI's chose another index and a sort): the statement is checked, and the result."""
    from pyroaring import BitMap

    made = [make_initiative(themes=["remittances"]) for _n in range(3)]
    order = listing_order.read()
    order.take_out(BitMap([made[1].pk, made[2].pk]))
    with CaptureQueriesContext(connection) as captured:
        order.place()
    (statement,) = [q["sql"] for q in captured]
    assert " OR " not in statement, statement
    newest = list(Initiative.objects.published().newest_first().values_list("pk", flat=True))
    assert order.page(None, 0, len(order)) == newest


def test_a_copy_with_more_initiatives_to_put_back_than_reading_all_costs_reads_the_order_again(
    client, paged, monkeypatch
):
    """Initiatives written while no page needs the order wait to be put back; past ``REBUILD_ABOVE`` of them the copy
    drops the order and the next page reads it whole (bounded, where putting back grows with them)."""
    monkeypatch.setattr(facet_bitmaps, "REBUILD_ABOVE", 3)
    for _n in range(3):
        make_initiative(themes=["remittances"])
    every_page(client, paged, "", "newest")  # the order read
    for _n in range(2):
        make_initiative(themes=["remittances"])
    facet_bitmaps.snapshot()  # caught up: two waiting
    (held,) = facet_bitmaps._copies.values()
    assert len(held.order.moved) == 2
    for _n in range(2):
        make_initiative(themes=["remittances"])
    facet_bitmaps.snapshot()  # four waiting: the order dropped
    (held,) = facet_bitmaps._copies.values()
    assert held.order is None
    assert_pages_as_in_sql(client, paged, queries=["", "theme=remittances"])
