"""A broad search's bounded work (issue 15, initiatives/estimates.py): counts exact up to SEARCH_EXACT_LIMIT, "about"
above it, and a capped ranking (title matches first, by relevance, then the others newest first). On both databases.

The threshold is a setting: the tests lower it, so that a handful of initiatives make a "broad" search. In a
collection whose ids all fit in SEARCH_SAMPLE_ROWS the sample is every initiative: the numbers above the threshold
are then the exact ones, rounded to two significant figures (13 stays 13) and still marked "about".
"""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from initiatives import estimates
from initiatives.models import Initiative
from tests.factories import make_initiative

pytestmark = pytest.mark.django_db

WORD = "zanzibarian"  # in none of the seed's initiatives


@pytest.fixture
def broad(db):
    """Eight initiatives that say the word: two in their title, six in their body only (two of them newer)."""
    made = {}
    for n in range(4):
        made[f"body-{n}"] = make_initiative(
            slug=f"body-{n}", title=f"Coastal livelihoods {n}", summary=f"Fishing cooperatives near {WORD} harbours."
        )
    for n in range(2):
        made[f"title-{n}"] = make_initiative(
            slug=f"title-{n}", title=f"The {WORD} corridor {n}", summary="Savings.", themes=["remittances"]
        )
    # Published last: the newest, so that newest-first alone would put them before the title matches.
    for n in range(4, 6):
        made[f"body-{n}"] = make_initiative(
            slug=f"body-{n}", title=f"Inland markets {n}", summary=f"Traders who came from {WORD} islands."
        )
    return made


def page(client, **params):
    response = client.get("/en/initiatives/", {"q": WORD, **params})
    assert response.status_code == 200
    return response


def heading(response) -> str:
    found = re.search(r'<h2 id="results-heading"[^>]*>(.*?)</h2>', response.content.decode(), re.S)
    return found.group(1).strip()


def slugs(response) -> list[str]:
    return [initiative.slug for initiative in response.context["page_obj"].object_list]


def test_below_the_threshold_every_count_is_exact(client, broad, settings):
    settings.SEARCH_EXACT_LIMIT = 8
    response = page(client)
    assert heading(response) == "8 initiatives"
    html = response.content.decode()
    assert "About" not in heading(response)
    assert 'aria-hidden="true">~</span>' not in html
    assert "estimated from a sample" not in html
    assert not response.context["paginator"].approximate
    themes = next(f for f in response.context["facets"] if f.name == "theme")
    assert not themes.approximate
    assert {o.value: o.count for o in themes.options}["remittances"] == 2


def test_above_the_threshold_the_counts_say_about(client, broad, settings):
    settings.SEARCH_EXACT_LIMIT = 7
    response = page(client)
    assert heading(response) == "About 8 initiatives"
    html = response.content.decode()
    assert "estimated from a sample" in html
    # A facet's count: "~2" on screen, "about 2" for a screen reader.
    assert '(<span aria-hidden="true">~</span><span class="visually-hidden">about </span>2)' in html
    themes = next(f for f in response.context["facets"] if f.name == "theme")
    assert themes.approximate
    assert {o.value: o.count for o in themes.options}["remittances"] == 2


def test_the_page_range_says_about_too(client, broad, settings):
    settings.SEARCH_EXACT_LIMIT = 5
    settings.INITIATIVES_PAGE_SIZE = 4
    response = page(client)
    assert "1–4 of about 8" in response.content.decode()
    settings.SEARCH_EXACT_LIMIT = 8
    cache.clear()  # the page above, cached
    assert "1–4 of 8" in page(client).content.decode()


@pytest.mark.parametrize("limit", [5, 100])
def test_a_title_match_comes_before_a_body_only_match(client, broad, settings, limit):
    """Exact ranking (every match ranked) and the capped one (title matches first) agree on what comes first."""
    settings.SEARCH_EXACT_LIMIT = limit
    found = slugs(page(client))
    assert sorted(found[:2]) == ["title-0", "title-1"]
    assert sorted(found[2:]) == ["body-0", "body-1", "body-2", "body-3", "body-4", "body-5"]


@pytest.mark.parametrize("limit", [5, 100])
def test_the_title_matches_come_in_the_order_of_relevance_then_newest(client, broad, settings, limit):
    """Exact ranking and the capped one order the title matches alike: the one saying the word most first, though it
    is the oldest; two alike, the newer first."""
    make_initiative(slug="title-rich", title=f"The {WORD} {WORD} route", summary=f"{WORD} {WORD}: the {WORD} way.")
    settings.SEARCH_EXACT_LIMIT = limit
    rich = Initiative.objects.get(slug="title-rich")
    Initiative.objects.filter(pk=rich.pk).update(published_at=rich.published_at.replace(year=2001))
    assert slugs(page(client))[:3] == ["title-rich", "title-1", "title-0"]


def test_beyond_the_title_matches_the_newest_come_first(client, broad, settings):
    settings.SEARCH_EXACT_LIMIT = 5
    settings.INITIATIVES_PAGE_SIZE = 3
    first = slugs(page(client))
    second = slugs(page(client, page=2))
    third = slugs(page(client, page=3))
    assert first[:2] in (["title-0", "title-1"], ["title-1", "title-0"])
    assert first[2:] + second + third == ["body-5", "body-4", "body-3", "body-2", "body-1", "body-0"]
    assert "whose title matches come first" in page(client).content.decode()
    assert "whose title matches come first" not in page(client, sort="newest").content.decode()


def test_the_ranked_candidates_are_capped(client, broad, settings):
    settings.SEARCH_EXACT_LIMIT = 5
    settings.SEARCH_RANKED_LIMIT = 1
    found = slugs(page(client))
    assert found[0] in ("title-0", "title-1")
    # The other title match is not ranked: it follows with the rest, newest first.
    other = "title-1" if found[0] == "title-0" else "title-0"
    newest_first = ["body-5", "body-4", "title-1", "title-0", "body-3", "body-2", "body-1", "body-0"]
    assert found[1:] == [slug for slug in newest_first if slug != found[0]]
    assert other in found[1:]


@pytest.mark.parametrize("more", [0, 3])
# Each with one query of the facet bitmaps (facet_bitmaps.py) reading the memberships of what the test published.
# The cards' themes, countries and regions in one query (presentation.card_terms): 2 fewer than before.
@pytest.mark.parametrize(("limit", "expected"), [(7, 16), (100, 14)])
def test_a_search_page_costs_a_fixed_number_of_queries(
    client, broad, settings, django_assert_num_queries, limit, expected, more
):
    """Below the threshold 16 queries (the matches' ids, read with the sample when it is every initiative, put in
    order, then the page's rows read by id). Above it, 2 more: the title matches' ids (by the title indexes alone),
    then the ranks of those the search selects, and the other matches newest first (two title matches do not fill a
    page), the rows then read by id."""
    settings.SEARCH_EXACT_LIMIT = limit
    for n in range(more):
        make_initiative(slug=f"more-{n}", title=f"More {n}", summary=f"Also {WORD}.")
    with django_assert_num_queries(expected):
        page(client)


def test_a_search_counted_exactly_after_a_sample_shows_the_pages_of_the_whole_search(
    client, broad, settings, django_assert_num_queries
):
    """A sample that is not the whole collection (SEARCH_SAMPLE_ROWS below the ids' span) finds a search under the
    threshold: its matches are then read to count them exactly (one query more), and its pages are those of the
    search ranked as a whole."""
    settings.SEARCH_EXACT_LIMIT = 100
    settings.INITIATIVES_PAGE_SIZE = 3
    whole = [slugs(page(client, page=n)) for n in (1, 2, 3)]
    assert whole[0][:2] == ["title-1", "title-0"] and len(sum(whole, [])) == 8
    cache.clear()
    with CaptureQueriesContext(connection) as as_a_whole:
        page(client)
    cache.clear()
    settings.SEARCH_SAMPLE_ROWS = 2
    with django_assert_num_queries(len(as_a_whole) + 1) as sampled:  # and the matches' ids, read after the sample
        first = slugs(page(client))
    # Read without a LIMIT: with one, PostgreSQL plans to walk the table until enough match when it cannot tell how
    # rare the words are (9 s for two rare words at a million); the sample bounds what is read.
    ids = [q["sql"] for q in sampled if q["sql"].startswith('SELECT "initiatives_initiative"."id" AS "pk" FROM')]
    # Not the sample's nor the page's (ids in ranges, or named: an array on PostgreSQL, a list on SQLite; in order).
    named = re.compile(r'BETWEEN|ANY\(|"initiatives_initiative"\."id" IN \(\d|ORDER BY')
    read = [sql for sql in ids if not named.search(sql)]
    assert len(read) == 1 and " LIMIT " not in read[0], ids
    assert [first] + [slugs(page(client, page=n)) for n in (2, 3)] == whole


@pytest.mark.parametrize(
    "query",
    ['"', "-", "OR", "OR OR", f"-{WORD}", f'"{WORD}', "a:b & | ! (", "NEAR(a b)", "title:x", "*", "\\", "'", "%_"]
    + ["-" * 200, "- " * 100 + "x", "-" * 150 + WORD],
)
def test_hostile_queries_never_fail(client, broad, settings, query):
    settings.SEARCH_EXACT_LIMIT = 1
    response = client.get("/en/initiatives/", {"q": query})
    assert response.status_code == 200
    response = client.get("/en/initiatives/", {"q": f"{WORD} {query}", "page": "2"})
    assert response.status_code == 200


def test_a_sample_scales_to_the_whole(broad, settings):
    """Past SEARCH_SAMPLE_ROWS ids, the sample is evenly spread windows of ids and its count is scaled."""
    from initiatives.models import Initiative

    every = Initiative.objects.values("pk")
    all_ids = set(every.values_list("pk", flat=True))
    span = max(all_ids) - min(all_ids) + 1
    settings.SEARCH_SAMPLE_ROWS = span
    ids, scale = estimates.sample(every)
    assert (set(ids), scale) == (all_ids, 1.0)
    settings.SEARCH_SAMPLE_ROWS = 2
    ids, scale = estimates.sample(every)
    assert set(ids) <= all_ids and len(ids) <= 2 and min(all_ids) in ids
    assert scale == span / 2


@pytest.mark.parametrize("named", [True, False], ids=["named", "ranges"])
def test_a_small_share_of_the_ids_is_sampled_id_by_id(broad, settings, monkeypatch, named):
    """When the sample is a small share of the id space (at a million), its windows are named id by id (an array on
    PostgreSQL): PostgreSQL reads them by primary key and tests the search on each row, where it intersected ranges
    with the search's index, whose bitmap for a common word holds most of the collection (40-80 ms at a million;
    16-30 ms by id). A larger share (at 100,000) is ranges, cheaper there. The same ids either way. (A test table is
    too small for the planner to show either plan: the statement is checked.)"""
    from initiatives.filters import InitiativeFilter
    from initiatives.models import Initiative

    settings.SEARCH_SAMPLE_ROWS = 4
    monkeypatch.setattr(estimates, "NAMED_SAMPLE_ABOVE", 0 if named else 1_000_000)
    rows = InitiativeFilter({"q": WORD}).qs.order_by().values("pk")
    with CaptureQueriesContext(connection) as captured:
        ids, _scale = estimates.sample(rows)
    statement = captured[-1]["sql"]
    assert ("BETWEEN" not in statement) == named, statement
    assert not named or connection.vendor != "postgresql" or "= ANY(" in statement, statement
    every = list(Initiative.objects.order_by("pk").values_list("pk", flat=True))
    span = every[-1] - every[0] + 1
    windows = [every[0] + int(i * span / 4) for i in range(4)]  # four windows of one id each
    assert set(ids) <= set(windows) and set(ids) == set(rows.filter(pk__in=windows).values_list("pk", flat=True))


@pytest.mark.parametrize(
    ("n", "shown"), [(0, 0), (7, 7), (37.4, 37), (1234, 1200), (86_991, 87_000), (99_960, 100_000)]
)
def test_about_keeps_two_significant_figures(n, shown):
    assert estimates.about(n) == shown


def test_the_title_condition_is_the_one_its_indexes_serve(broad):
    """search.title_text_sql must spell migration 0018's expression exactly, or the title matches are a scan of
    every initiative's title (what the indexes are there to avoid)."""
    from django.db import connection

    from initiatives import search
    from initiatives.models import Initiative

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's expression indexes (SQLite has FTS5's column filter)")
    rows = Initiative.objects.filter(search.title_matches(WORD)).values("pk")
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a test table is small enough to be scanned anyway
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    for code in search.SEARCH_LANGUAGES:
        assert f"initiative_title_search_{code}" in plan, plan
    assert sorted(i.slug for i in Initiative.objects.filter(search.title_matches(WORD))) == ["title-0", "title-1"]


def test_a_broad_searchs_title_matches_are_read_by_the_title_indexes_alone(client, broad, settings, on_postgresql):
    """The title matches a broad search ranks are read without the search's condition (then ranked among those it
    selects): with it, PostgreSQL intersected the title indexes with the search's index (70-210 ms at a million)."""
    settings.SEARCH_EXACT_LIMIT = 5
    with CaptureQueriesContext(connection) as captured:
        found = slugs(page(client))
    titled = [q["sql"] for q in captured if "to_tsvector('portal_en'" in q["sql"]]
    assert len(titled) == 1 and "search_en" not in titled[0], titled
    assert found[:2] == ["title-1", "title-0"]


def test_the_insight_page_counts_a_broad_search_exactly(client, broad, settings):
    """The insight page shows its counts unmarked: it never reads the listing's estimated ones from the cache."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.SEARCH_EXACT_LIMIT = 7
    assert page(client).context["paginator"].approximate  # the listing's counts, estimated, are cached
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/en/initiatives/insights/", {"q": WORD})
    assert response.status_code == 200
    # Counted: in SQL, or from the facet bitmaps (facet_bitmaps.py), which read the changes since they last looked.
    sql = [q["sql"] for q in captured]
    counting = [q for q in sql if ("initiatives_facetmembership" in q and "GROUP BY" in q) or "facetchange" in q]
    assert counting, "the insight page's facet counts came from the listing's cached estimates"
    themes = {bar.label: bar.count for bar in response.context["insight"].themes}
    assert 2 in themes.values()
    assert "estimated from a sample" not in response.content.decode()


# --- a search with facet filters (issue 15: the sample is drawn from the facets' initiatives) ------------------------

TAG = "Coastal pilots"  # a tag none of the seed's initiatives has (slug coastal-pilots)


@pytest.fixture
def tagged(db):
    """Four initiatives saying the word without the tag, made first (the lowest ids), one of them in its title; then
    twelve tagged ones: six say the word (the first two in their title), six do not."""
    made = {}
    for n in range(4):
        title = f"The {WORD} harbour {n}" if n < 2 else f"Harbour {n}"
        made[f"untagged-{n}"] = make_initiative(slug=f"untagged-{n}", title=title, summary=f"Near {WORD} harbours.")
    for n in range(6):
        title = f"The {WORD} pilot {n}" if n < 2 else f"Pilot {n}"
        made[f"tagged-{n}"] = make_initiative(
            slug=f"tagged-{n}", title=title, summary=f"Working with {WORD} fishers.", tags=[TAG]
        )
    for n in range(6):
        made[f"silent-{n}"] = make_initiative(slug=f"silent-{n}", title=f"Savings {n}", summary="Savings.", tags=[TAG])
    return made


def test_a_facet_worth_reading_whole_is_counted_exactly_from_its_initiatives(client, tagged, settings):
    """Twelve tagged initiatives, at most three rows read per match that may be ranked (SEARCH_EXACT_LIMIT 4): the
    sample is all of them, so the count is exact, and the page ranks those it found (title matches first)."""
    settings.SEARCH_EXACT_LIMIT = 6
    settings.SEARCH_SAMPLE_ROWS = 2  # the id ranges' sample would know nothing of the tag
    response = page(client, tag="coastal-pilots")
    assert heading(response) == "6 initiatives"
    assert not response.context["paginator"].approximate
    found = slugs(response)
    assert sorted(found[:2]) == ["tagged-0", "tagged-1"]
    assert sorted(found[2:]) == ["tagged-2", "tagged-3", "tagged-4", "tagged-5"]


@pytest.mark.parametrize("intersected_up_to", [64, 0])
def test_a_facet_searchs_ids_are_intersected_with_the_search_when_its_postings_cost_less(
    client, tagged, settings, monkeypatch, intersected_up_to
):
    """The facet's initiatives drawn (all twelve) are tested against the search by intersecting them with its indexes
    when the collection is at most INTERSECTED_UP_TO times as many (here about 25 published initiatives, 12 drawn),
    else row by row (0): the same count either way."""
    monkeypatch.setattr(estimates, "INTERSECTED_UP_TO", intersected_up_to)
    settings.SEARCH_EXACT_LIMIT = 6
    settings.SEARCH_SAMPLE_ROWS = 2
    with CaptureQueriesContext(connection) as captured:
        response = page(client, tag="coastal-pilots")
    assert heading(response) == "6 initiatives"
    if connection.vendor != "postgresql":
        return  # SQLite: pk__in either way
    # The arrays of ids each query tests the search on ('{1,2,3}'::bigint[]): the twelve tagged ones in one array
    # (row by row) or split in two (intersected); the id ranges' sample, drawn in the same query, has its own.
    tagged_ids = {initiative.pk for initiative in tagged.values() if initiative.slug.startswith(("tagged", "silent"))}
    arrays = [
        [{int(pk) for pk in found.split(",")} for found in re.findall(r"'\{([\d,]+)\}'::bigint\[\]", q["sql"])]
        for q in captured
        if "search_en" in q["sql"]
    ]
    holding = [found for found in arrays if set().union(*found) >= tagged_ids]
    assert len(holding) == 1, arrays  # one query draws the tag's sample (the page's read the six that match)
    parts = [ids for ids in holding[0] if ids <= tagged_ids]
    assert set().union(*parts) == tagged_ids
    assert len(parts) == (2 if intersected_up_to else 1)


def test_ids_written_to_be_intersected_are_read_as_a_bitmap_of_the_primary_key(broad, on_postgresql):
    """``pk_among_intersected`` gives PostgreSQL no plain index scan of the ids (each row read by its key and the
    search tested on it), only a bitmap of them, to intersect with the search's; ``pk_among`` gives it one."""
    from initiatives import search, selectors

    ids = [initiative.pk for initiative in broad.values()]

    def plan(condition, *disabled: str) -> str:
        sql, params = search.apply(Initiative.objects.filter(condition), WORD).values("pk").query.sql_with_params()
        with connection.cursor() as cursor:
            for method in ("seqscan", *disabled):  # a test table is small enough to be scanned anyway
                cursor.execute(f"SET LOCAL enable_{method} = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            return "\n".join(row[0] for row in cursor.fetchall())

    plain = re.compile(r"(?<!Bitmap )Index (Only )?Scan (Backward )?using")  # each row by its key
    intersected = plan(selectors.pk_among_intersected(ids))
    assert "Bitmap Index Scan" in intersected and not plain.search(intersected), intersected
    # Bitmap scans refused too: pk_among can still be read row by row, the intersected ids cannot.
    assert not plain.search(plan(selectors.pk_among_intersected(ids), "bitmapscan"))
    among = plan(selectors.pk_among(ids), "bitmapscan")
    assert plain.search(among), among
    found = set(Initiative.objects.filter(selectors.pk_among_intersected(ids)).values_list("pk", flat=True))
    assert found == set(ids)


def test_a_facet_too_broad_to_read_is_estimated_from_a_sample_of_its_own_initiatives(client, tagged, settings):
    """At most three rows read per match (SEARCH_EXACT_LIMIT 2: six rows) and twelve tagged initiatives: the search is
    counted "about", from every other tagged initiative (SEARCH_FACET_SAMPLE 6), not from the id ranges of the whole
    collection (SEARCH_SAMPLE_ROWS 2 ids: no tagged one among them)."""
    settings.SEARCH_EXACT_LIMIT = 2
    settings.SEARCH_FACET_SAMPLE = 6
    settings.SEARCH_SAMPLE_ROWS = 2
    response = page(client, tag="coastal-pilots")
    assert heading(response) == "About 6 initiatives"
    assert response.context["paginator"].approximate
    assert "estimated from a sample" in response.content.decode()


def facet_counts_shown(response) -> dict:
    """Each facet option's count as the page shows it ("~6"), by its checkbox's name and value."""
    shown = re.findall(
        r'<input type="checkbox" name="([^"]+)" value="([^"]+)"[^>]*>\s*<label[^>]*>.*?'
        r'<span class="count">\((.*?)\)</span>',
        response.content.decode(),
        re.S,
    )
    counts: dict = {}
    for name, value, count in shown:
        counts.setdefault(name, {})[value] = re.sub(r"<[^>]+>", "", count).strip()
    return counts


def test_a_facet_searchs_two_samples_are_drawn_in_one_query(client, tagged, settings, monkeypatch):
    """A search with a tag draws two samples: the tagged initiatives' (the total, the other facets' counts) and the
    whole collection's id ranges (the tag facet's own counts, the search alone). Drawn together in one query, the
    page shows the same counts as when each is drawn alone, with one query fewer; the next page of the same search
    and tag, with the samples kept, draws nothing."""
    from initiatives.filters import InitiativeFilter

    settings.SEARCH_EXACT_LIMIT = 2
    settings.SEARCH_FACET_SAMPLE = 6
    settings.SEARCH_SAMPLE_ROWS = 8
    # The windows as id ranges (intersected with the search's index), as at 100,000, whatever the ids' span: in a
    # whole run on PostgreSQL the ids are in the thousands, and 8 ids named of so many are read row by row, alone.
    monkeypatch.setattr(estimates, "NAMED_SAMPLE_ABOVE", 10**9)

    def drawn(**params):
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            response = page(client, **params)
        return response, [q["sql"] for q in captured]

    page(client, tag="coastal-pilots")  # what a process reads once (the bitmaps, the listing's order)
    together, together_sql = drawn(tag="coastal-pilots")
    monkeypatch.setattr(InitiativeFilter, "_samples_beside", lambda self, key, within: {})
    alone, alone_sql = drawn(tag="coastal-pilots")
    assert heading(together) == heading(alone) == "About 6 initiatives"
    assert facet_counts_shown(together) == facet_counts_shown(alone)
    assert facet_counts_shown(together)["tag"]["coastal-pilots"]  # the tag's own count, from the id ranges' sample
    assert len(together_sql) == len(alone_sql) - 1
    monkeypatch.undo()
    monkeypatch.setattr(estimates, "NAMED_SAMPLE_ABOVE", 10**9)

    # The second page of the same search: the samples are in the cache (kept); the id ranges are not drawn again
    # (drawing them reads the bounds of the id space first).
    with CaptureQueriesContext(connection) as captured:
        page(client, tag="coastal-pilots", page=2)
    assert not [q for q in captured if 'MIN("initiatives_initiative"."id")' in q["sql"]]


def test_a_sample_read_by_primary_key_is_drawn_on_its_own(client, tagged, settings, monkeypatch):
    """Where a sample's ids are read row by row by primary key (the id windows of a large collection, named), it is
    not drawn together with another: joined by OR, two arrays of ids are read as bitmaps intersected with the
    search's whole index (at a million, a common word's 500,000 postings: 119 ms, where each alone took 16-30). The
    same counts, in as many queries as each drawn alone."""
    from initiatives.filters import InitiativeFilter

    settings.SEARCH_EXACT_LIMIT = 2
    settings.SEARCH_FACET_SAMPLE = 6
    settings.SEARCH_SAMPLE_ROWS = 8
    monkeypatch.setattr(estimates, "NAMED_SAMPLE_ABOVE", 0)  # the windows' ids named, as in a large collection

    def drawn(**params):
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            response = page(client, **params)
        return response, [q["sql"] for q in captured]

    page(client, tag="coastal-pilots")
    beside, beside_sql = drawn(tag="coastal-pilots")
    monkeypatch.setattr(InitiativeFilter, "_samples_beside", lambda self, key, within: {})
    alone, alone_sql = drawn(tag="coastal-pilots")
    assert facet_counts_shown(beside) == facet_counts_shown(alone)
    assert facet_counts_shown(beside)["tag"]["coastal-pilots"]
    assert len(beside_sql) == len(alone_sql)


def test_a_facet_searchs_title_matches_are_found_among_its_own_initiatives(client, tagged, settings, monkeypatch):
    """Ranked first: the tagged title matches, though two untagged title matches come first in the table (their ids
    are lower) and only two candidates are ranked; the other tagged matches follow, newest first. The title is
    tested on each of the twelve tagged initiatives (at most 2 × 6 are)."""
    settings.SEARCH_EXACT_LIMIT = 2
    settings.SEARCH_FACET_SAMPLE = 6
    settings.SEARCH_RANKED_LIMIT = 2
    monkeypatch.setattr(estimates, "TITLE_MATCHES_READ_PER_CANDIDATE", 6)
    found = slugs(page(client, tag="coastal-pilots"))
    assert sorted(found[:2]) == ["tagged-0", "tagged-1"]
    assert found[2:] == ["tagged-5", "tagged-4", "tagged-3", "tagged-2"]


def test_a_broad_facets_title_matches_are_looked_for_among_its_newest_initiatives(client, tagged, settings):
    """More tagged initiatives than are tested (2 × 4 of 12): the title is tested on the newest eight (the six
    silent ones and two of the matches), where no title matches, so nothing is ranked; the older title matches are
    listed with the other matches, newest first. Then one of the newest says the word in its title: it alone is
    ranked first."""
    settings.SEARCH_EXACT_LIMIT = 2
    settings.SEARCH_FACET_SAMPLE = 6
    settings.SEARCH_RANKED_LIMIT = 2
    assert slugs(page(client, tag="coastal-pilots")) == [f"tagged-{n}" for n in (5, 4, 3, 2, 1, 0)]
    newest = tagged["silent-2"]
    newest.title = f"The {WORD} savings"
    newest.summary = f"Savings of {WORD} fishers."
    newest.save()
    cache.clear()
    found = slugs(page(client, tag="coastal-pilots"))
    assert found == ["silent-2", *[f"tagged-{n}" for n in (5, 4, 3, 2, 1, 0)]]


def test_a_facet_searchs_other_matches_are_its_newest_on_every_page(client, tagged, settings, monkeypatch):
    """The other matches of a facet search, found chunk by chunk among the facet's initiatives in the listing's
    order (one at first here, then four times more each time), are those SQL's order gives, page after page, and so
    are they past the depth where SQL walks the order instead (``REST_FROM_ORDER_UP_TO``)."""
    settings.SEARCH_EXACT_LIMIT = 2
    settings.SEARCH_FACET_SAMPLE = 6
    settings.SEARCH_RANKED_LIMIT = 1
    settings.INITIATIVES_PAGE_SIZE = 2
    monkeypatch.setattr(estimates, "REST_CHUNK", 1)
    monkeypatch.setattr(estimates, "TITLE_MATCHES_READ_PER_CANDIDATE", 12)
    shown = [slug for number in (1, 2, 3) for slug in slugs(page(client, tag="coastal-pilots", page=number))]
    ranked = shown[0]  # one of the two title matches (the first the title indexes give)
    assert ranked in ("tagged-0", "tagged-1")
    assert shown[1:] == [f"tagged-{n}" for n in (5, 4, 3, 2, 1, 0) if f"tagged-{n}" != ranked]
    cache.clear()
    monkeypatch.setattr(estimates, "REST_TESTED_UP_TO", 3)  # too few tested: SQL for the rest
    assert [slug for number in (1, 2, 3) for slug in slugs(page(client, tag="coastal-pilots", page=number))] == shown
    cache.clear()
    monkeypatch.setattr(estimates, "REST_TESTED_UP_TO", 20_000)
    monkeypatch.setattr(estimates, "REST_FROM_ORDER_UP_TO", 3)  # pages 2 and 3 from SQL
    assert [slug for number in (1, 2, 3) for slug in slugs(page(client, tag="coastal-pilots", page=number))] == shown


def test_a_facet_searchs_title_matches_are_read_by_the_title_indexes_alone(client, tagged, settings, on_postgresql):
    """The title matches a facet search ranks are read without the search's own condition (a title match is one of
    its matches; those that are not, with ``-word``, are left out after): with it, PostgreSQL intersected the title
    indexes with the search's, whose bitmap for a common word holds most of the collection."""
    settings.SEARCH_EXACT_LIMIT = 2
    settings.SEARCH_FACET_SAMPLE = 6
    with CaptureQueriesContext(connection) as captured:
        found = slugs(page(client, tag="coastal-pilots"))
    titled = [q["sql"] for q in captured if "to_tsvector('portal_en'" in q["sql"]]
    assert len(titled) == 1 and "search_en" not in titled[0], titled
    assert sorted(found[:2]) == ["tagged-0", "tagged-1"]
    cache.clear()
    excluded = slugs(page(client, q=f"{WORD} -fishers", tag="coastal-pilots"))  # the tagged title matches say it
    assert not [slug for slug in excluded if slug.startswith("tagged-")]


# The sample of the tagged initiatives (after the tag, and the bitmaps' changes and the memberships the test wrote),
# the title matches among the tagged initiatives, those ranked, the listing's order put back in place (the test's
# initiatives were written after it was read) and the other matches among the newest tagged ones, the page's rows by
# id (and their attachments, the themes, countries and regions they list, and snippets), the id range and the whole
# search's sample for the tag facet's own counts, the category and tag names, the vocabulary: 19 queries, however
# many initiatives match (every facet counted from the bitmaps as the request first read them).
@pytest.mark.parametrize("more", [0, 4])
def test_a_facet_search_estimated_costs_a_fixed_number_of_queries(
    client, tagged, settings, django_assert_num_queries, more
):
    settings.SEARCH_EXACT_LIMIT = 2
    settings.SEARCH_FACET_SAMPLE = 6
    for n in range(more):
        make_initiative(slug=f"more-{n}", title=f"More {n}", summary=f"Also {WORD}.", tags=[TAG])
    with django_assert_num_queries(19):
        page(client, tag="coastal-pilots")


@pytest.mark.parametrize(
    ("estimate", "within", "collection", "readable"),
    [
        (1000, None, None, True),  # no facet: the read finds the matches themselves
        (1001, None, None, False),
        (400, 12_313, 100_000, False),  # the word in about 3,250 of the collection, the facet 12,313: both > 3,000
        (300, 12_313, 100_000, True),  # the word in about 2,440: found through its index
        (900, 2_500, 100_000, True),  # a facet of 2,500: walked
        (1001, 2_500, 100_000, False),  # too many to rank
    ],
)
def test_a_search_is_counted_exactly_when_reading_it_is_cheap(settings, estimate, within, collection, readable):
    settings.SEARCH_EXACT_LIMIT = 1000
    ids = range(within) if within is not None else None
    assert estimates.readable(estimate, ids, collection) is readable


def _sample_reads(client) -> int:
    """The queries of one search page that draw its sample (its windows of ids, BETWEEN their bounds)."""
    with CaptureQueriesContext(connection) as captured:
        page(client)
    ids = 'SELECT "initiatives_initiative"."id" AS "pk" FROM'
    return sum(q["sql"].startswith(ids) and "BETWEEN" in q["sql"] for q in captured.captured_queries)


def test_a_sample_is_kept_across_a_publication_and_drawn_again_when_a_term_changes(
    client, broad, settings, monkeypatch
):
    """A broad search's sample only says "about N": kept under the version of "all", a publication leaves it, so the
    page a publication made cold does not draw it again (20-37 ms of a common word's at 100,000). A curator's change
    (a term renamed, merged, deleted: the version of "all") draws it again."""
    from initiatives import services

    settings.SEARCH_EXACT_LIMIT = 7
    settings.SEARCH_SAMPLE_ROWS = 2  # two windows of the id space: a sample, scaled
    # As ranges, whatever the id space the tests before this one left (ids are not rolled back).
    monkeypatch.setattr(estimates, "NAMED_SAMPLE_ABOVE", 1_000_000)
    assert _sample_reads(client) == 1
    assert _sample_reads(client) == 0  # the page itself is cached
    make_initiative(slug="body-new", title="Harbour pilots", summary=f"Boats from {WORD}.")
    assert _sample_reads(client) == 0
    assert heading(page(client)).startswith("About")
    services.collection_changed()
    assert _sample_reads(client) == 1


def test_a_search_counted_whole_follows_every_publication(client, broad, settings):
    """The neighbour: a "sample" that is every candidate is the exact list of matches, never kept past a
    publication."""
    settings.SEARCH_EXACT_LIMIT = 100
    assert heading(page(client)) == "8 initiatives"
    make_initiative(slug="body-new", title="Harbour pilots", summary=f"Boats from {WORD}.")
    response = page(client)
    assert heading(response) == "9 initiatives"
    assert "/en/initiatives/body-new/" in response.content.decode()
