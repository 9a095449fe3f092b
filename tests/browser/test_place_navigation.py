"""Place navigation (issue 14): a region's page lists its sub-regions and its countries as links near the top, and
on a place's page the facets of the other places read "Also covers"; at 1366 and 390 px, accessible."""

import pytest
from playwright.sync_api import expect

from tests.browser.axe import axe_violations, format_violations

WIDTHS = {"390": {"width": 390, "height": 844}, "1366": {"width": 1366, "height": 900}}


@pytest.fixture(params=WIDTHS, ids=list(WIDTHS))
def page_at(request, browser):
    context = browser.new_context(viewport=WIDTHS[request.param], bypass_csp=True)
    yield context.new_page()
    context.close()


def test_a_region_page_links_its_sub_regions_and_countries_near_the_top(page_at, seeded_live_server):
    page = page_at
    page.goto(seeded_live_server.url + "/en/regions/africa/")
    places = page.get_by_role("navigation", name="Places in Africa")
    expect(places).to_be_visible()
    # Above the listing: before the search and the results.
    assert places.bounding_box()["y"] < page.locator("#results-heading").bounding_box()["y"]
    sub_regions = places.locator("ul").first
    expect(sub_regions.get_by_role("link", name="Northern Africa")).to_be_visible()
    expect(sub_regions).to_contain_text("Northern Africa (2)")
    expect(places.get_by_role("link", name="Morocco")).to_be_visible()  # covered: listed with its count
    expect(places).to_contain_text("Morocco (2)")
    quiet = places.locator("details.place-quiet")  # the countries no initiative covers yet, folded
    expect(quiet.get_by_role("link", name="Kenya")).to_be_hidden()
    assert _sideways(page) <= 0
    violations = axe_violations(page)
    assert not violations, format_violations(violations)

    places.get_by_role("link", name="Northern Africa").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Northern Africa")
    expect(page.locator("#results-heading")).to_have_text("2 initiatives")
    page.get_by_role("navigation", name="Places in Northern Africa").get_by_role("link", name="Morocco").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Morocco")
    expect(page.locator("#results-heading")).to_have_text("2 initiatives")


def test_place_pages_call_the_other_places_facets_also_covers(page_at, seeded_live_server):
    page = page_at
    page.goto(seeded_live_server.url + "/en/regions/europe/")
    _open_filters(page)
    facets = page.locator(".facets")
    expect(facets.get_by_text("Also covers: countries", exact=True)).to_be_visible()
    expect(facets.get_by_text("Theme (GCM objective)", exact=True)).to_be_visible()  # the neighbour keeps its name
    page.goto(seeded_live_server.url + "/en/countries/ma/")
    _open_filters(page)
    expect(page.locator(".facets").get_by_text("Also covers: regions", exact=True)).to_be_visible()
    expect(page.get_by_role("navigation", name="Places in Morocco")).to_have_count(0)  # a country has no places
    violations = axe_violations(page)
    assert not violations, format_violations(violations)
    # The listing itself, every initiative wherever it is, keeps the plain names.
    page.goto(seeded_live_server.url + "/en/initiatives/")
    _open_filters(page)
    expect(page.locator(".facets legend").filter(has_text="Country")).to_have_text("Country")


def _open_filters(page) -> None:
    """On a phone the facets are behind "Filters": open them."""
    if page.viewport_size["width"] < 800:
        page.locator("summary.filters-toggle").click()


def _sideways(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
