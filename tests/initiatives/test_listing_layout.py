"""The listing's layout through the test client (issue 14): reading order, the filters panel and its count, each
facet bringing the reader back, numbered pagination, a region's place navigation and "Also covers" facets."""

import re

import pytest

from tests.factories import make_initiative

# What it checks is the HTTP layer, not the database engine: run once, in the SQLite pass (README, "Running the tests").
pytestmark = [pytest.mark.django_db, pytest.mark.any_database]


def _html(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_search_skip_link_filters_then_results_in_reading_order(client):
    html = _html(client, "/en/initiatives/?region=europe&q=migration")
    order = [
        html.index('id="q"'),
        html.index('<a class="listing-skip" href="#results-heading">Skip to results</a>'),
        html.index('<details class="filters-panel" id="filters">'),
        html.index('id="facets-heading"'),
        html.index('id="results-heading"'),
        html.index('class="chips"'),
        html.index('class="card'),
    ]
    assert order == sorted(order)
    # Closed in the markup (the stylesheet shows it on wide screens); the search is not counted as a filter.
    assert re.search(r'<summary class="filters-toggle">Filters \(1\)</summary>', html)


def test_the_filters_control_counts_the_active_filters(client):
    assert '<summary class="filters-toggle">Filters</summary>' in _html(client, "/en/initiatives/?q=migration")
    html = _html(client, "/en/initiatives/?region=europe&theme=remittances&year_from=2000&status=ongoing")
    assert '<summary class="filters-toggle">Filters (4)</summary>' in html
    # Ignored values are no filters.
    assert '<summary class="filters-toggle">Filters</summary>' in _html(client, "/en/initiatives/?region=atlantis")


def test_each_facet_applies_with_an_address_that_returns_to_it(client):
    html = _html(client, "/en/initiatives/?sort=title")
    for name in ("region", "country", "theme", "category", "organisation", "tag", "years", "status", "evidence"):
        assert f'<fieldset class="facet" id="facet-{name}">' in html, name
        assert f'formaction="/en/initiatives/#facet-{name}"' in html, name
    assert 'aria-label="Apply filter: Theme (GCM objective)">Apply</button>' in html
    # The whole panel's button and the sort go to the results.
    assert html.count('formaction="/en/initiatives/#results-heading"') == 2
    # Chips and the search keep plain addresses.
    assert 'href="?sort=title#' not in html


def test_a_term_page_facets_return_to_the_term_page(client):
    html = _html(client, "/en/themes/remittances/")
    assert 'formaction="/en/themes/remittances/#facet-region"' in html
    assert 'id="facet-theme"' not in html  # the theme is the page's own


def test_numbered_pagination_with_the_range_gaps_and_the_filters_kept(client, settings):
    settings.INITIATIVES_PAGE_SIZE = 2
    for n in range(30):
        make_initiative(title=f"Paged practice {n:02}", regions=["europe"])
    html = _html(client, "/en/initiatives/?region=europe&sort=title&page=8")  # 34 in Europe: 17 pages
    nav = html[html.index('<nav class="pagination"') : html.index("</nav>", html.index('<nav class="pagination"'))]
    assert '<p class="page-range">15–16 of 34</p>' in nav
    assert '<p class="result-range">15–16 of 34</p>' in html  # above the first result too
    labels = re.findall(r'aria-label="Page (\d+)"', nav)
    assert labels == ["1", "6", "7", "9", "10", "17"]  # 1 … 6 7 [8] 9 10 … 17
    assert nav.count('<li class="page-gap" aria-hidden="true">…</li>') == 2
    assert '<span class="visually-hidden">Page 8 of 17</span><span aria-hidden="true">8</span>' in nav
    assert 'aria-current="page"' in nav
    assert '<a href="?region=europe&amp;sort=title&amp;page=7" rel="prev">Previous</a>' in nav
    assert '<a href="?region=europe&amp;sort=title&amp;page=9" rel="next">Next</a>' in nav
    # Page 1 has the address without a page number: First, and the number 1.
    assert nav.count('href="?region=europe&amp;sort=title"') == 2
    assert '<a href="?region=europe&amp;sort=title&amp;page=17">Last</a>' in nav
    # On the first page: no First or Previous, Next and Last.
    first = _html(client, "/en/initiatives/?region=europe&sort=title")
    assert 'rel="prev"' not in first and ">First<" not in first and ">Last<" in first
    assert '<p class="page-range">1–2 of 34</p>' in first


def test_one_page_has_no_pagination(client):
    html = _html(client, "/en/initiatives/")
    assert 'class="pagination"' not in html and 'class="result-range"' not in html


def test_a_region_page_lists_its_sub_regions_and_all_its_countries_with_counts(client):
    html = _html(client, "/en/regions/africa/")
    nav = html[html.index('<nav class="place-nav"') : html.index("</nav>", html.index('<nav class="place-nav"'))]
    assert html.index('<nav class="place-nav"') < html.index('id="results-heading"')
    assert '<a href="/en/regions/northern-africa/"><bdi>Northern Africa</bdi></a> <span class="count">(2)</span>' in nav
    assert '<a href="/en/regions/sub-saharan-africa/"><bdi>Sub-Saharan Africa</bdi></a>' in nav
    # Countries at every depth of the tree (Kenya is in Eastern Africa, in Sub-Saharan Africa); covered first.
    assert '<a href="/en/countries/ma/"><bdi>Morocco</bdi></a> <span class="count">(2)</span>' in nav
    assert nav.index("/en/countries/ma/") < nav.index('<details class="place-quiet">') < nav.index("/en/countries/ke/")
    # A region with no sub-region (intermediate regions have none) lists only its countries.
    northern = _html(client, "/en/regions/northern-africa/")
    assert "Sub-regions" not in northern and '<a href="/en/countries/ma/">' in northern


def test_only_region_pages_have_place_navigation(client):
    assert 'class="place-nav"' not in _html(client, "/en/countries/ma/")
    assert 'class="place-nav"' not in _html(client, "/en/themes/remittances/")


def test_place_pages_name_the_other_places_facets_also_covers(client):
    region = _html(client, "/en/regions/europe/")
    assert "<legend>Also covers: countries</legend>" in region
    assert "<legend>Theme (GCM objective)</legend>" in region  # the neighbour keeps its legend
    country = _html(client, "/en/countries/ma/")
    assert "<legend>Also covers: regions</legend>" in country
    theme = _html(client, "/en/themes/remittances/")
    assert "Also covers" not in theme
    assert "<legend>Region</legend>" in theme and "<legend>Country</legend>" in theme
    listing = _html(client, "/en/initiatives/")
    assert "Also covers" not in listing


def test_hostile_page_and_filter_values_give_a_normal_page(client, settings):
    settings.INITIATIVES_PAGE_SIZE = 2
    for url in (
        "/en/initiatives/?page=%3Cscript%3E",
        "/en/initiatives/?page=99999999999999999999",
        "/en/regions/europe/?page=-1&theme=%22%3E",
        "/en/initiatives/#facet-%3Cscript%3E",
    ):
        html = _html(client, url)
        assert "<script>alert" not in html
        assert 'class="pagination"' in html
