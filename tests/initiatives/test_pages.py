"""Every page with the seed data: what a visitor sees, and how many queries it costs."""

import json
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.middleware.csp import ContentSecurityPolicyMiddleware
from django.template import engines
from django.template.response import TemplateResponse
from django.test.utils import CaptureQueriesContext
from django.views.generic import TemplateView

from initiatives.views import CachedForVisitorsMixin
from tests.factories import make_initiative
from tests.shared_rows import shared_rows

pytestmark = pytest.mark.django_db

THAMM = "Towards a Holistic Approach to Labour Migration Governance and Labour Mobility in North Africa (THAMM)"


def test_home_explains_offers_search_and_browsing_with_counts(client):
    response = client.get("/en/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="search"' in html and 'name="q"' in html
    assert "Good practices in migration governance" in html
    # Browse by region, theme and category, each with counts.
    assert re.search(r'href="/en/regions/europe/">Europe</a> <span class="count">4</span>', html)
    assert re.search(r'href="/en/themes/remittances/">20\. Remittances</a> <span class="count">1</span>', html)
    assert re.search(
        r'Regional Consultative Processes and International Regional Fora</a> <span class="count">7</span>', html
    )
    assert THAMM in html  # latest initiatives


def test_home_shows_featured_initiatives(client):
    make_initiative(title="A featured practice", featured=True)
    html = client.get("/en/").content.decode()
    assert "Featured initiatives" in html
    assert html.index("A featured practice") < html.index("Latest initiatives")


def test_listing_cards_credit_the_submitter_as_on_the_seed_page(client):
    html = client.get("/en/initiatives/").content.decode()
    assert "7 initiatives" in html
    assert "Submitted by Mr. Camille Saadé" in html
    assert "Submitted by Ms. Angelica Pinzon" in html
    assert "Submitted by Ms. Charlotte … on 22 August 2019" in html
    assert "Submitted by Ms. Charlotte …</p>" in html  # no invented date
    assert html.count("Submitted by") == 6  # the ASEAN entry's submitter is not known


def test_listing_says_how_facets_combine(client):
    html = client.get("/en/initiatives/").content.decode()
    assert "combined with OR" in html and "combined with AND" in html


def test_listing_advertises_its_feed_with_the_filters(client):
    html = client.get("/en/initiatives/?theme=remittances&page=1").content.decode()
    assert '<link rel="alternate" type="application/rss+xml"' in html
    assert 'href="/en/initiatives/feed/?theme=remittances"' in html


@pytest.mark.parametrize(
    ("url", "heading", "count"),
    [
        ("/en/regions/europe/", "Europe", 4),
        ("/en/regions/northern-africa/", "Northern Africa", 2),
        ("/en/countries/md/", "Republic of Moldova", 1),
        ("/en/themes/remittances/", "Objective 20: Remittances", 1),
        ("/en/principles/human-rights/", "Human rights", 0),
        (
            "/en/categories/regional-consultative-processes/",
            "Regional Consultative Processes and International Regional Fora",
            7,
        ),
        ("/en/tags/diaspora/", "diaspora", 2),
        ("/en/organisations/ilo/", "International Labour Organization (ILO)", 2),
    ],
)
def test_term_pages_show_the_term_its_initiatives_and_a_subscribe_link(client, url, heading, count):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<h1 dir="auto">{heading}</h1>' in html
    assert f"Subscribe to {heading}" in html
    assert f'href="{url}feed/"' in html
    assert len(response.context["initiatives"]) == count


def test_region_page_includes_sub_regions_and_member_countries(client):
    response = client.get("/en/regions/africa/")
    slugs = {i.slug for i in response.context["initiatives"]}
    # THAMM names Northern Africa and its countries; the sectoral project only names countries (Morocco…).
    assert slugs == {"thamm", "regional-project-on-sectoral-qualifications-in-the-euro-mediterranean"}
    html = response.content.decode()
    assert 'href="/en/regions/northern-africa/"' in html and 'href="/en/regions/sub-saharan-africa/"' in html


def test_term_page_keeps_the_listing_filters(client):
    response = client.get("/en/regions/europe/?theme=remittances")
    assert [i.slug for i in response.context["initiatives"]] == ["pare-1-1"]


def test_country_codes_are_case_insensitive_with_one_canonical_url(client):
    response = client.get("/en/countries/MD/")
    assert response.status_code == 301 and response["Location"] == "/en/countries/md/"


def test_detail_shows_all_metadata_linked_to_term_pages(client):
    response = client.get("/en/initiatives/thamm/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<h1 dir="auto">{THAMM}</h1>' in html
    assert "Submitted by Ms. Charlotte …" in html
    for link in (
        "/en/themes/regular-pathways/",
        "/en/regions/northern-africa/",
        "/en/countries/ma/",
        "/en/organisations/ilo/",
        "/en/tags/labour-migration/",
        "/en/categories/regional-consultative-processes/",
    ):
        assert f'href="{link}"' in html, link
    assert "2019 – 2025" in html
    assert "Funder" in html and "(from 2020)" in html
    assert '<link rel="canonical" href="http://127.0.0.1:8000/en/initiatives/thamm/">' in html
    assert '<meta property="og:title"' in html


def test_detail_json_ld_is_valid_schema_org(client):
    html = client.get("/en/initiatives/anti-rumour-strategy-handbook/").content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    data = json.loads(block)
    assert data["@context"] == "https://schema.org"
    assert data["name"] == "The Anti Rumour Strategy (ARS) Handbook"
    assert data["author"] == {"@type": "Person", "name": "Ms. Angelica Pinzon"}
    assert {"@type": "Place", "name": "Spain"} in data["spatialCoverage"]


def test_detail_never_shows_the_contact_email(client):
    make_initiative(slug="private", submitter_name="Ana", submitter_email="secret@example.org")
    assert "secret@example.org" not in client.get("/en/initiatives/private/").content.decode()


def test_detail_lists_related_initiatives_by_shared_themes_and_regions(client):
    related = client.get("/en/initiatives/anti-rumour-strategy-handbook/").context["related"]
    assert related[0].slug == "amicall"  # two themes and a region in common


def test_description_markdown_is_sanitised(client):
    make_initiative(
        slug="markdown",
        description="## Goals\n\n* **one**\n\n<script>alert(1)</script><img src=x onerror=alert(2)>\n\n"
        "[click](javascript:alert(3)) [ok](https://example.org)",
    )
    html = client.get("/en/initiatives/markdown/").content.decode()
    body = html.split('class="description"', 1)[1].split("</section>", 1)[0]
    assert "<strong>one</strong>" in body and "<h2>Goals</h2>" in body
    assert "<script>alert" not in body and "onerror" not in body and "javascript:" not in body
    assert 'href="https://example.org"' in body


@pytest.mark.parametrize(
    "url",
    [
        "/en/regions/",
        "/en/countries/",
        "/en/themes/",
        "/en/principles/",
        "/en/categories/",
        "/en/tags/",
        "/en/organisations/",
    ],
)
def test_index_pages_list_terms_with_counts(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["terms"]


def test_pages_work_without_javascript_and_load_it_deferred(client):
    html = client.get("/en/initiatives/").content.decode()
    assert '<form method="get"' in html and 'type="submit"' in html
    assert "<script src=" in html and " defer>" in html
    assert "onclick" not in html and "style=" not in html  # nothing inline (the CSP forbids it)


# --- query counts: pinned, and independent of how many initiatives there are ----------------
# (cold, warm): the first request after the collection changed computes the counts (facets, term
# counts, the number of results, related initiatives) and renders the page; anonymous visitors' next
# requests get that page from the cache until the collection changes (the cache is not the database here;
# with CACHE_BACKEND=database reading it is one query). ``RENDERED_WARM``: a page rendered with warm counts.
# A cold page includes the one query that counts it against the anonymous client's limit (initiatives/throttle.py).
# Issue 13: the SDG goal and target facets count their terms (+2 on a listing or term page: one query each, none to
# name the options while no initiative has an SDG); an initiative's page prefetches its SDGs and targets (+2).

PINNED = {
    # Issue 13: the SDG facets' counts (+2 on pages of cards with facets); each page of cards prefetches the cards'
    # attachments (their images) in one query (+1), and the detail page its SDGs and targets (+2) and its own
    # attachments besides its related cards' (+2).
    # Issue 14: the home page's map counts initiatives per country and names the countries (+2, then cached); each
    # page of cards prefetches the cards' themes (objective badges), countries and regions (meta row), one query
    # each (+3; the detail page's related cards too). Issue 15 (presentation.card_terms): which they are in one
    # query (−2), and the terms, with the cards' categories, from each process's copy (facet_terms: read by the
    # first page after the cache was emptied, TERMS_READ: +4 on the home and detail pages, which have no facets,
    # +1 on a term page, whose own taxonomy is no facet there).
    # Issue 15 (facet_counts.py): the facets that share a base are counted in one query (the membership table), and
    # with no filter but its own a facet reads the kept totals, all facets in one query: the unfiltered listing 9
    # count queries → 1 (−8), a search or a term page 9 or 8 → 1 (−8, −7), theme+region+year 9 → 3 (one base
    # for the facets no filter names, one without the theme, one without the region: −6).
    # The home page's regions, themes and categories are each process's terms (facet_terms.py), not read: 18 → 15.
    "/en/": (15, 0),
    "/en/initiatives/": (12, 0),
    # A search adds highlighted snippets (1) and the "did you mean" vocabulary check (1), on both databases; its size
    # comes from a sample of ids (estimates.py: the id range, then the ids, no COUNT: +1), and the page ranks only
    # those ids before reading its rows by id (+1).
    "/en/initiatives/?q=remittances": (16, 0),
    # Issue 15, a listing of facets and years (the next three): the bitmaps give its results' ids, so its total is
    # their number (the changes since, instead of the total's cache read and count) and its page found in each
    # process's copy of the listing's order (listing_order.py; read by the first such page: one query, as putting
    # them in order from their ids in SQL was), then their rows read by primary key (+1). The results and every
    # facet's counts are made from one reading of the bitmaps' changes (filters._bitmaps), not one per count base:
    # −3 here (three bases and the results), −1 on the term pages.
    "/en/initiatives/?theme=remittances&region=europe&year_from=2000": (14, 0),
    # Issue 14: a region page's place navigation counts its sub-regions' and countries' initiatives with the term
    # indexes' cached counts (+2 when the collection changed; shared with the home page and the indexes).
    "/en/regions/europe/": (17, 0),
    "/en/themes/remittances/": (13, 0),
    # Its related initiatives by shared terms, until its list is computed, from the facet bitmaps: 2 queries → 1.
    "/en/initiatives/thamm/": (21, 0),
    "/en/regions/": (2, 1),
    "/en/tags/": (2, 1),
}
# Issue 15 (initiatives/facet_terms.py): the terms a page's facets name (one query per taxonomy) are read once per
# version of "all" by each process. The first request after the cache was emptied reads them; a publication does not
# move that version, so the first request after it reads this many fewer queries, and so does a page rendered again.
TERMS_READ = {
    "/en/": 4 + 1,  # and the map's countries' names (insights.counts_for), kept under "all" only
    "/en/initiatives/": 4,
    "/en/initiatives/?q=remittances": 4,
    "/en/initiatives/?theme=remittances&region=europe&year_from=2000": 4,
    "/en/regions/europe/": 4,
    "/en/themes/remittances/": 4,
    "/en/initiatives/thamm/": 4,
}
# Rendered for a logged-in person (three more queries: the session, the user, whether they moderate) once the
# counts are cached: the number of results is cached too, and a search ordered by relevance reads its page's rows
# by primary key. The facets' terms are known (facet_terms.py: the six facets with options on these pages, −6).
# Issue 13: +1 per page of cards (attachments), +4 on the detail page (SDGs, attachments); issue 14: +3 per page of
# cards (their themes, countries and regions), issue 15: +1 (presentation.card_terms: one query, the terms known).
RENDERED_WARM = {
    "/en/": 6 + 3 + 1 - 3,  # the regions, themes and categories it lists are each process's terms
    "/en/initiatives/": 8 + 3 + 1 - 6,
    "/en/initiatives/?q=remittances": 10 + 3 + 1 - 6,  # snippets and "did you mean" on both databases (issue 14)
    # Issue 15: facets and years: the changes since the bitmaps last read (their total is not cached), the results
    # found in each process's copy of the listing's order (listing_order.py), then the page's rows read (+1).
    "/en/initiatives/?theme=remittances&region=europe&year_from=2000": 10 + 3 + 1 + 1 - 6,
    "/en/regions/europe/": 10 + 3 + 1 + 1 - 5,
    "/en/themes/remittances/": 8 + 3 + 1 + 1 - 5,
    "/en/initiatives/thamm/": 14 + 3 + 1,
}


def _queries(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def _remittances_initiative(n):
    make_initiative(
        title=f"Remittances and mobility {n}",
        themes=["remittances", "regular-pathways"],
        regions=["europe"],
        countries=["md", "ma"],
        tags=["diaspora", f"tag-{n}"],
        organisations=[f"Org {n}"],
        start_date="2010-01-01",
        ongoing=True,
    )


def _thirty_more():
    for n in range(30):
        _remittances_initiative(n)


@pytest.mark.parametrize(("url", "expected"), PINNED.items())
def test_query_counts_are_pinned_on_the_seed(client, url, expected, miss_window_begun):
    if isinstance(expected, dict):
        expected = expected[connection.vendor]
    assert (_queries(client, url), _queries(client, url)) == expected


# The pages whose counts come from the facet bitmaps (initiatives/facet_bitmaps.py), which start each test from the
# seed's: with rows written since (the thirty, then one more), their first count reads those rows' memberships.
COUNTED_FROM_BITMAPS = {
    "/en/initiatives/?q=remittances",
    "/en/initiatives/?theme=remittances&region=europe&year_from=2000",
    "/en/regions/europe/",
    "/en/themes/remittances/",
    "/en/initiatives/thamm/",  # its related initiatives by shared terms
}


class TestWithThirtyMore:
    """The same pinned counts with 30 more initiatives on every page's terms (written once for the class:
    tests/shared_rows.py; the seed alone is the test above): they do not grow with the page."""

    @pytest.fixture(scope="class")
    def thirty_more(self, django_db_setup, django_db_blocker):
        yield from shared_rows(django_db_blocker, _thirty_more)

    @pytest.mark.parametrize(("url", "expected"), PINNED.items())
    def test_query_counts_are_pinned_and_do_not_grow_with_the_page(
        self, thirty_more, client, url, expected, miss_window_begun
    ):
        if isinstance(expected, dict):
            expected = expected[connection.vendor]
        if url in COUNTED_FROM_BITMAPS:  # their facet bitmaps catch up on what was written since the seed (+1)
            expected = (expected[0] + 1, expected[1])
        assert (_queries(client, url), _queries(client, url)) == expected
        _remittances_initiative(30)
        # Publishing dropped the cached counts: cold again, then warm; the facets' terms are still known.
        assert (_queries(client, url), _queries(client, url)) == (expected[0] - TERMS_READ.get(url, 0), expected[1])


@pytest.mark.parametrize(("url", "expected"), RENDERED_WARM.items())
def test_pages_rendered_with_warm_counts_cost_a_fixed_number_of_queries(client, django_user_model, url, expected):
    if isinstance(expected, dict):
        expected = expected[connection.vendor]
    client.force_login(django_user_model.objects.create_user("reader", "reader@example.org", password=None))
    _queries(client, url)
    assert _queries(client, url) == expected
    make_initiative(title="Remittances and mobility", themes=["remittances"], regions=["europe"])
    _queries(client, url)
    assert _queries(client, url) == expected


def test_visitors_get_the_cached_page_until_the_collection_changes(client, django_user_model):
    first = client.get("/en/themes/remittances/")
    again = client.get("/en/themes/remittances/")
    assert again.content == first.content and again.context is None  # served from the cache, not rendered
    assert again["Content-Type"] == first["Content-Type"] and again.has_header("Content-Security-Policy")
    assert client.get("/en/themes/remittances/?page=2").context is not None  # another address, another page
    make_initiative(title="A brand new remittances scheme", themes=["remittances"])
    assert "A brand new remittances scheme" in client.get("/en/themes/remittances/").content.decode()
    client.force_login(django_user_model.objects.create_user("reader", "reader@example.org", password=None))
    page = client.get("/en/themes/remittances/")
    assert page.context is not None and "Log out" in page.content.decode()  # rendered for the person


def test_a_page_that_uses_the_csp_nonce_is_not_cached_for_the_next_visitor(rf):
    """The next response's policy names a new nonce: a cached inline script would be refused."""

    class InlineScriptView(CachedForVisitorsMixin, TemplateView):
        def render_to_response(self, context, **kwargs):
            template = engines["django"].from_string('<script nonce="{{ csp_nonce }}">1</script>')
            return TemplateResponse(self.request, template, context)

    def visit():
        request = rf.get("/inline-script/")
        request.user = AnonymousUser()
        # The CSP middleware gives the request its nonce and names it in the policy when the page used it.
        return ContentSecurityPolicyMiddleware(lambda request: InlineScriptView.as_view()(request).render())(request)

    first, second = visit(), visit()
    nonce = re.search(r"'nonce-([^']+)'", second["Content-Security-Policy"]).group(1)
    assert f'nonce="{nonce}"' in second.content.decode()  # rendered again, with its own nonce
    assert first.content != second.content


def test_cached_counts_follow_every_change(client):
    def europe_count():
        regions = client.get("/en/").context["regions"]
        return next(r.n for r in regions if r.slug == "europe")

    assert europe_count() == 4
    initiative = make_initiative(countries=["fr"])
    assert europe_count() == 5
    from initiatives import services

    services.unpublish_initiative(initiative=initiative)
    assert europe_count() == 4
    services.publish_initiative(initiative=initiative)
    assert europe_count() == 5
    services.archive_initiative(initiative=initiative)
    assert europe_count() == 4
