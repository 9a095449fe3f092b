"""The facet-count tables (issue 15, initiatives/facet_counts.py): kept by the one write path so that they always
match a recount from the relations, and the listing's counts read from them equal counting the relations."""

import datetime
import io
import re
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.http import QueryDict

from initiatives import facet_counts, services
from initiatives.filters import InitiativeFilter
from initiatives.models import FacetMembership, Initiative, Organisation, TermTotal, Theme
from initiatives.taxonomies import TAXONOMIES
from tests.factories import make_initiative

pytestmark = pytest.mark.django_db


def stored():
    return set(FacetMembership.objects.values_list("initiative_id", "facet", "term_id"))


def recounted():
    """What the relations say about every published initiative, computed afresh."""
    return facet_counts.memberships_of(Initiative.objects.published().values_list("pk", flat=True))


def assert_tables_match_a_recount():
    rows = recounted()
    assert stored() == rows
    totals = Counter((facet, term) for _i, facet, term in rows)
    kept = {(t.facet, t.term_id): t.n for t in TermTotal.objects.all()}
    assert {key: n for key, n in kept.items() if n} == dict(totals)


def test_the_seed_and_a_new_publication_are_in_the_tables():
    assert_tables_match_a_recount()
    assert stored()  # the seed's initiatives, loaded through the services
    initiative = make_initiative(
        themes=["remittances"], countries=["ma"], tags=["diaspora"], organisations=["Org A"], category=None
    )
    assert_tables_match_a_recount()
    ids = {(f, t) for i, f, t in stored() if i == initiative.pk}
    assert {f for f, _t in ids} >= {"theme", "country", "region", "tag", "organisation", "category"}


def test_unpublish_archive_and_delete_take_the_rows_out():
    initiative = make_initiative(themes=["remittances"], countries=["md"])
    services.unpublish_initiative(initiative=initiative)
    assert not [row for row in stored() if row[0] == initiative.pk]
    assert_tables_match_a_recount()
    services.publish_initiative(initiative=Initiative.objects.get(pk=initiative.pk))
    assert_tables_match_a_recount()
    services.archive_initiative(initiative=Initiative.objects.get(pk=initiative.pk))
    assert_tables_match_a_recount()
    services.publish_initiative(initiative=Initiative.objects.get(pk=initiative.pk))
    services.delete_initiative(initiative=Initiative.objects.get(pk=initiative.pk))
    assert_tables_match_a_recount()


def test_refiling_and_merging_move_the_counts():
    first = make_initiative(themes=["remittances"], tags=["alpha"], organisations=["Org A"])
    second = make_initiative(tags=["beta"], organisations=["Org B"])
    theme = Theme.objects.get(slug="regular-pathways")
    services.change_classification(initiatives=[first, second], facet="theme", term=theme, add=True)
    assert_tables_match_a_recount()
    services.change_classification(initiatives=[first], facet="theme", term=theme, add=False)
    assert_tables_match_a_recount()
    services.merge_terms(
        source=Organisation.objects.get(slug="org-a"), target=Organisation.objects.get(slug="org-b"), user=None
    )
    assert_tables_match_a_recount()
    org_b = Organisation.objects.get(slug="org-b")
    assert TermTotal.objects.get(facet="organisation", term_id=org_b.pk).n == 2


def test_a_changed_country_changes_the_covered_regions():
    initiative = make_initiative(countries=["ma"])
    initiative.countries.set(initiative.countries.model.objects.filter(code="md"))
    services.initiative_writing(initiative_ids=[initiative.pk])
    services.initiative_written(initiative=initiative)
    assert_tables_match_a_recount()


def test_the_rebuild_command_repairs_what_was_written_around_the_services():
    initiative = make_initiative(themes=["remittances"])
    initiative.themes.add(Theme.objects.get(slug="regular-pathways"))  # around the services: the table lags
    assert stored() != recounted()
    call_command("rebuild_facet_counts", stdout=io.StringIO())
    assert_tables_match_a_recount()


def test_the_membership_query_of_a_few_ids_is_the_same_as_of_many():
    """A few ids fill a query compiled once with stand-ins; many get a query of their own: the same rows."""
    first = make_initiative(themes=["remittances"], countries=["ma"], tags=["alpha"], organisations=["Org A"])
    second = make_initiative(themes=["regular-pathways"], countries=["md"], tags=["beta"])
    draft = make_initiative(themes=["remittances"], publish=False)
    few = facet_counts.memberships_of([second.pk, first.pk, draft.pk])
    assert few == facet_counts.memberships_of([first.pk]) | facet_counts.memberships_of([second.pk])
    assert {i for i, _f, _t in few} == {first.pk, second.pk}  # the draft beside them has none
    many = facet_counts.memberships_of(Initiative.objects.values_list("pk", flat=True))
    assert {row for row in many if row[0] in (first.pk, second.pk, draft.pk)} == few


def test_a_term_first_used_gets_a_total_and_a_total_never_goes_below_zero():
    initiative = make_initiative(tags=["brand-new-word"])
    from taggit.models import Tag

    tag = Tag.objects.get(slug="brand-new-word")
    assert TermTotal.objects.get(facet="tag", term_id=tag.pk).n == 1  # its row made by its first initiative
    second = make_initiative(tags=["brand-new-word"], themes=["remittances"])
    assert TermTotal.objects.get(facet="tag", term_id=tag.pk).n == 2
    theme = Theme.objects.get(slug="remittances")
    theme_total = TermTotal.objects.get(facet="theme", term_id=theme.pk).n
    # A total that lags (written around the services) is lowered to 0, never below, and its row stays.
    TermTotal.objects.filter(facet="tag", term_id=tag.pk).update(n=1)
    services.unpublish_initiative(initiative=initiative)
    services.unpublish_initiative(initiative=second)
    assert TermTotal.objects.get(facet="tag", term_id=tag.pk).n == 0
    assert TermTotal.objects.get(facet="theme", term_id=theme.pk).n == theme_total - 1  # its neighbour: one less


QUERIES = [
    "",
    "theme=remittances",
    "theme=remittances&region=europe",
    "theme=remittances&theme=regular-pathways&country=ma",
    "region=europe&year_from=2000",
    "q=migrants",
    "q=migrants&theme=remittances",
    "status=ongoing&category=programmes-and-projects",
]


@pytest.mark.parametrize("query", QUERIES)
def test_the_listing_counts_equal_a_recount_of_the_relations(query):
    make_initiative(themes=["remittances", "regular-pathways"], countries=["ma"], tags=["diaspora"])
    make_initiative(themes=["remittances"], regions=["europe"], organisations=["Org A"])
    filterset = InitiativeFilter(QueryDict(query))
    for facet in filterset.facets():
        expected = InitiativeFilter.count_terms(facet.name, filterset.queryset_without(facet.name))
        shown = {}

        def walk(options, shown=shown):
            for option in options:
                if option.count:
                    shown[option.term.pk] = option.count
                walk(option.children)

        walk(facet.options)
        hidden_ok = facet.hidden or facet.taxonomy.facet_order == "tree"
        if hidden_ok:
            assert all(expected.get(pk) == n for pk, n in shown.items()), facet.name
        else:
            assert shown == {pk: n for pk, n in expected.items() if n}, facet.name


@pytest.mark.parametrize("slug", ["remittances", "regular-pathways"])
def test_a_term_page_counts_equal_a_recount(client, slug):
    theme = Theme.objects.get(slug=slug)
    response = client.get(f"/en/themes/{slug}/")
    assert response.status_code == 200
    base = Initiative.objects.published().filter(themes=theme)
    for facet in response.context["facets"]:
        expected = InitiativeFilter.count_terms(facet.name, base)
        for option in facet.options:
            assert option.count == expected.get(option.term.pk, 0), (facet.name, option.value)


def test_the_unfiltered_facets_are_one_query(django_assert_num_queries):
    filterset = InitiativeFilter(QueryDict(""))
    filterset.form.is_valid()
    items = [filterset.facet_item(t.name) for t in TAXONOMIES]
    with django_assert_num_queries(1):  # the kept totals of every facet
        for _name, _parts, compute, _keys in items:
            compute()


@pytest.mark.parametrize("bitmaps, queries", [(True, 1), (False, 3)])
def test_a_filter_counts_its_facets_in_one_query_per_base(django_assert_num_queries, settings, bitmaps, queries):
    """Every facet but the two filtered shares one base; the theme's and the region's each have their own: a query
    each in SQL, and with the bitmaps one query for all three (the changes since the process last read them, then
    three sets made and counted in memory), which the listing's total shares."""
    settings.FACET_BITMAPS = bitmaps
    filterset = InitiativeFilter(QueryDict("theme=remittances&region=europe"))
    filterset.form.is_valid()
    filterset.selected_terms("theme")  # resolving the values is a query of its own, before counting
    names = [t.name for t in TAXONOMIES]
    items = [filterset.facet_item(name) for name in names]
    with django_assert_num_queries(queries):
        counted = [compute() for _kind, _parts, compute, _keys in items]
        found = filterset.result_ids()
    assert found is None if not bitmaps else sorted(found) == sorted(filterset.qs.values_list("pk", flat=True))
    with_sql = InitiativeFilter(QueryDict("theme=remittances&region=europe"))
    settings.FACET_BITMAPS = False
    assert counted == [with_sql.facet_item(name)[2]() for name in names]
    assert counted[names.index("theme")]  # not all empty


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_a_term_page_count_never_reads_the_initiatives_table(on_postgresql):
    """The plan of a term page's facet counts reads the membership table alone (by index), never the wide
    initiatives table: what made them cost a sequential scan of it per facet."""
    theme = Theme.objects.get(slug="remittances")
    rows = (
        FacetMembership.objects.filter(
            facet__in=["country", "tag"], initiative_id__in=facet_counts.members("theme", [theme.pk])
        )
        .values_list("facet", "term_id")
        .annotate(n=Count("*"))
        .order_by()
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a test database is tiny: ask for the large-table plan
        plan = _plan(rows)
    assert "initiatives_initiative" not in plan
    assert "Index Only Scan" in plan, plan


def test_a_top_n_facet_shows_the_largest_terms_and_says_how_many_are_left_out(client):
    """Only the terms that can be among the ten shown are read; the others are still counted as left out."""
    names = [f"Org {n:02d}" for n in range(1, 13)]
    make_initiative(tags=["probe"], organisations=names)
    make_initiative(tags=["probe"], organisations=names[:5])
    make_initiative(tags=["probe"], organisations=names[:2])
    response = client.get("/en/initiatives/?tag=probe")
    organisations = next(f for f in response.context["facets"] if f.name == "organisation")
    shown = [(str(option.term), option.count) for option in organisations.options]
    expected = sorted(
        ((name, 3 if i < 2 else 2 if i < 5 else 1) for i, name in enumerate(names)), key=lambda o: (-o[1], o[0])
    )
    assert shown == expected[:10]
    assert organisations.hidden == 2


def test_a_deleted_term_takes_its_rows_and_total_with_it():
    make_initiative(themes=["remittances"], tags=["short-lived"])
    from taggit.models import Tag

    Tag.objects.get(slug="short-lived").delete()  # as the admin deletes it
    Theme.objects.get(slug="remittances").delete()
    assert_tables_match_a_recount()
    assert not TermTotal.objects.filter(facet="theme", n__gt=0).exclude(term_id__in=Theme.objects.values("pk"))


# --- the listing's total and its deep pages (issue 15) ------------------------------------------------------------


def _total_query(captured) -> str:
    counting = [q["sql"] for q in captured if q["sql"].startswith("SELECT COUNT(") and "GROUP BY" not in q["sql"]]
    assert len(counting) == 1, counting
    return counting[0]


@pytest.mark.parametrize(
    ("query", "from_membership"),
    [
        ("theme=remittances", True),
        ("theme=remittances&theme=regular-pathways&region=europe", True),
        ("theme=remittances&sort=title", True),
        ("theme=remittances&year_from=2000", True),  # the years are rows of the table too
        ("year_from=2005&year_to=2012", True),
        ("theme=remittances&status=ongoing", False),  # a filter that is not a facet nor a year: the initiatives table
        ("q=migrants&theme=remittances", None),  # a search: its size from estimates.py's sample, no COUNT at all
    ],
)
@pytest.mark.parametrize("bitmaps", [True, False], ids=["bitmaps", "sql"])
def test_a_listing_of_facet_filters_counts_its_total_from_the_membership_table(
    client, settings, query, from_membership, bitmaps
):
    """Facets and years: the total is the size of an intersection of the bitmaps (no COUNT at all), or, without
    them, a COUNT of the membership table alone; any other filter counts the initiatives table."""
    from django.test.utils import CaptureQueriesContext

    settings.FACET_BITMAPS = bitmaps

    both = make_initiative(themes=["remittances", "regular-pathways"], regions=["europe"], start_date="2010-01-01")
    make_initiative(themes=["remittances"], regions=["europe"], start_date="2010-01-01")
    make_initiative(themes=["regular-pathways"], countries=["ma"])
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/en/initiatives/?{query}")
    if from_membership is None or (from_membership and bitmaps):
        assert not [q for q in captured if q["sql"].startswith("SELECT COUNT(") and "GROUP BY" not in q["sql"]]
    else:
        total = _total_query(captured)
        assert ("initiatives_facetmembership" in total and "initiatives_initiative" not in total) == from_membership
    expected = InitiativeFilter(QueryDict(query)).qs.count()
    assert response.context["paginator"].count == expected
    if "theme=regular-pathways" in query:  # filed under both themes asked for: counted once
        assert both.slug in {i.slug for i in response.context["initiatives"]}


def test_a_term_page_counts_its_total_from_the_membership_table(client, settings):
    from django.test.utils import CaptureQueriesContext

    make_initiative(themes=["remittances"], regions=["europe"])
    settings.FACET_BITMAPS = False  # with them, no COUNT at all (above)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/en/themes/remittances/?region=europe")
    assert "initiatives_initiative" not in _total_query(captured)
    theme = Theme.objects.get(slug="remittances")
    on_the_page = Initiative.objects.published().filter(themes=theme)
    expected = InitiativeFilter(QueryDict("region=europe"), queryset=on_the_page)
    assert response.context["paginator"].count == expected.qs.count()


@pytest.mark.parametrize("bitmaps", [True, False], ids=["order", "sql"])
def test_a_page_past_the_first_reads_no_row_before_its_own(client, settings, django_assert_num_queries, bitmaps):
    """The ids of page 2 and later come from each process's copy of the listing's order (listing_order.py: read
    once, then one query fewer than a subquery), or without the bitmaps from a subquery that skips ids (``OFFSET``
    over an index on PostgreSQL), never whole rows: the same rows in the same order, and then read by primary key,
    in as many queries as the first page (one more to read the order the first time)."""
    from django.test.utils import CaptureQueriesContext

    settings.FACET_BITMAPS = bitmaps
    settings.INITIATIVES_PAGE_SIZE = 2
    for n in range(7):
        make_initiative(slug=f"paged-{n}", themes=["remittances"])
    newest = list(Initiative.objects.published().newest_first().values_list("slug", flat=True))
    seen = []
    for page in (1, 2, 3):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"/en/initiatives/?page={page}")
        rows = [q["sql"] for q in captured if q["sql"].startswith('SELECT "initiatives_initiative"."id"')]
        if page == 1:
            assert "IN (" not in rows[0]
        elif bitmaps:
            assert not [sql for sql in rows if "OFFSET" in sql or "LIMIT" in sql], rows
            assert len(re.findall(r" IN \(|= ANY\(", rows[-1])) == 1 and "ORDER BY" not in rows[-1], rows[-1]  # by pk
        else:
            assert "OFFSET" in rows[0] and 'IN (SELECT "U0"."id"' in rows[0], rows[0]
        seen += [i.slug for i in response.context["initiatives"]]
    assert seen == newest[:6]
    client.get("/en/initiatives/?page=2")  # warm the process (templates)
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as first:
        client.get("/en/initiatives/")
    cache.clear()
    with django_assert_num_queries(len(first) + (1 if bitmaps else 0)):  # the changes since, with the bitmaps
        client.get("/en/initiatives/?page=3")


def test_a_deep_page_reads_its_ids_by_index_only(on_postgresql):
    """The plan of a deep page's ids: the index of the listing's order (status, published, id) read in order, by
    index only, never a sort of the initiatives table. (The tiny test table would be read sequentially and sorted:
    the large-table plan is asked for.)"""
    published = Initiative.objects.published().newest_first()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_indexscan = off")  # what an index-only scan needs, the visibility map,
        cursor.execute("SET LOCAL enable_bitmapscan = off")  # is only set by a VACUUM, which a test cannot run
        plan = _plan(published.values("pk")[40:60])
    assert "Index Only Scan using initiative_status_published" in plan, plan
    assert "Sort" not in plan, plan


def test_the_years_rows_select_what_the_year_filters_select(client):
    """``start_year`` and ``end_year`` (facet_counts.in_years) select, for every year, the initiatives the date
    filters select: ended in or after it or begun and not ended (``year_from``), begun by its end (``year_to``);
    an initiative without dates in neither, a draft in none; and they follow a change of dates."""
    dated = {
        "both": make_initiative(start_date="2008-03-01", end_date="2011-06-30"),
        "begun": make_initiative(start_date="2010-01-01"),
        "ended only": make_initiative(end_date="2009-12-31"),
        "same year": make_initiative(start_date="2012-01-01", end_date="2012-12-31"),
        "undated": make_initiative(),
    }
    draft = make_initiative(start_date="2010-01-01", publish=False)

    def by_rows(**years):
        selected = set(Initiative.objects.published().values_list("pk", flat=True))
        for restriction in facet_counts.in_years(**years):
            selected &= set(restriction.rows().values_list("initiative_id", flat=True))
        return selected

    def by_dates(query):
        return set(InitiativeFilter(QueryDict(query)).qs.values_list("pk", flat=True))

    for year in range(2006, 2015):
        assert by_rows(since=year) == by_dates(f"year_from={year}"), year
        assert by_rows(until=year) == by_dates(f"year_to={year}"), year
        assert by_rows(since=year, until=year + 1) == by_dates(f"year_from={year}&year_to={year + 1}"), year
    assert dated["undated"].pk not in by_rows(since=1900) | by_rows(until=3000)
    assert draft.pk not in by_rows(since=1900) | by_rows(until=3000)
    assert dated["begun"].pk in by_rows(since=2100)  # not ended: active in every year from its start

    begun = Initiative.objects.get(pk=dated["begun"].pk)
    begun.end_date = datetime.date(2010, 12, 31)
    begun.save()
    services.initiative_written(initiative=begun)  # the end of every write (the admin's, a submission's…)
    assert dated["begun"].pk not in by_rows(since=2011)
    assert dated["begun"].pk in by_rows(since=2010)
    assert by_rows(since=2011) == by_dates("year_from=2011")


@pytest.mark.parametrize("language", ["en", "fr", "es", "ar"])
def test_the_listing_by_title_walks_the_index_of_the_readers_titles(on_postgresql, language):
    """Sorted by the title the reader sees (``sort=title``), the first page of the published initiatives is read
    in the order of that language's index (``initiative_title_shown_<language>``: the same expression as the
    order), not by sorting every row: 160 ms at 100,000 initiatives before, a few milliseconds after. (The tiny
    test table would be sorted: the large-table plan is asked for.)"""
    from django.utils import translation

    with translation.override(language):
        rows = InitiativeFilter(QueryDict("sort=title")).qs[:20]
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
            plan = _plan(rows)
    assert f"initiative_title_shown_{language}" in plan, plan
    assert "Sort" not in plan, plan


@pytest.mark.parametrize("sort", ["newest", "oldest", "title"])
def test_a_few_results_put_in_order_from_their_ids_make_the_same_pages(client, monkeypatch, sort):
    """A listing of facets and years with at most ``views.few_results`` results puts them in order from the bitmaps'
    ids (no walk of the collection's order until enough match: seconds for a rare combination at a million), then
    reads a page's rows by primary key: the same initiatives on the same pages as the listing's own order, and the
    neighbour (filed elsewhere) on none."""
    from django.core.cache import cache

    from initiatives import views

    for n in range(25):
        make_initiative(title=f"Probe {chr(ord('Z') - n)} {n}", tags=["probe"], countries=["ma"] if n % 2 else [])
    make_initiative(title="Probe not tagged", countries=["ma"])

    def pages(factor):
        monkeypatch.setattr(views, "FEW_RESULTS_FACTOR", factor)
        cache.clear()
        found = []
        for page in (1, 2):
            response = client.get(f"/en/initiatives/?tag=probe&sort={sort}&page={page}")
            found.append([initiative.slug for initiative in response.context["initiatives"]])
        return found, response.context["paginator"].count

    (first, second), total = pages(1_000)  # up to √(1,000 × the seed and these): every listing of facets
    assert (total, len(first), len(second)) == (25, 20, 5)
    assert ([first, second], total) == pages(0)  # the listing's own order, read with LIMIT


def test_few_results_grow_with_the_square_root_of_the_collection():
    """Ordering k ids fetches k rows, walking the listing's order until a page of them reads about n / k per row
    shown: the threshold grows with √n (bench/README.md), not with n, and not fixed."""
    from initiatives.views import few_results

    assert [few_results(n) for n in (0, 40, 100_000, 1_000_000)] == [0, 52, 2_645, 8_366]


def test_the_compiled_membership_query_names_the_current_content_type_of_initiatives(monkeypatch):
    """The tags' part of the membership query names the content type of initiatives, whose id differs between
    databases (and after a test empties one): a query compiled for another must not be reused (the tags of a newly
    approved initiative were missing from the membership table, and so from its tag's page and feed)."""
    from initiatives import taxonomies

    tagged = next(i for i in Initiative.objects.published() if i.tags.exists())
    expected = {("tag", pk) for pk in tagged.tags.values_list("pk", flat=True)}
    facet_counts._compiled.clear()
    for module in (taxonomies, facet_counts):  # compiled first for a database whose content type is another
        monkeypatch.setattr(module, "initiative_content_type_id", lambda: 999_999)
    assert not {(f, t) for _i, f, t in facet_counts.memberships_of([tagged.pk]) if f == "tag"}
    monkeypatch.undo()
    assert {(f, t) for _i, f, t in facet_counts.memberships_of([tagged.pk]) if f == "tag"} == expected
