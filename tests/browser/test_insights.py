"""The insight page in a real browser (issue 14), at a desktop and a phone width: the map's shapes lead to the
country's listing, every picture has its table, axe-core finds nothing serious, the HTML is valid and a phone
never scrolls sideways (the SVG scales with its viewBox)."""

import pytest
from playwright.sync_api import expect

from tests.browser.axe import axe_violations, format_violations
from tests.browser.html_check import vnu_errors_many

WIDTHS = {"desktop": (1366, 900), "phone": (390, 844)}
CAPTIONS = (
    "Initiatives per country",
    "Initiatives per GCM objective",
    "Initiatives active per year",
    "Initiatives per region and sub-region",
)


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")


@pytest.mark.parametrize("width", WIDTHS, ids=list(WIDTHS))
def test_insight_page_map_tables_accessibility(browser, seeded_live_server, width):
    w, h = WIDTHS[width]
    context = browser.new_context(bypass_csp=True, viewport={"width": w, "height": h})  # axe is injected
    page = context.new_page()
    try:
        documents = {}
        for url in ("/en/initiatives/insights/", "/ar/initiatives/insights/?region=africa", "/en/"):
            response = page.goto(seeded_live_server.url + url)
            assert response.status == 200, url
            documents[url] = response.text()
            violations = axe_violations(page)
            assert violations == [], f"{url}:\n{format_violations(violations)}"
            assert _no_sideways_scroll(page), url
            map_box = page.locator("svg.world-map-svg").bounding_box()
            assert 0 < map_box["width"] <= w
        if width == "desktop":
            assert vnu_errors_many(documents) == {url: [] for url in documents}

        page.goto(seeded_live_server.url + "/en/initiatives/insights/")
        for caption in CAPTIONS:
            expect(page.locator("table caption", has_text=caption)).to_be_visible()
        assert page.locator("table").count() == len(CAPTIONS)
        algeria = page.locator('svg a.map-country[href="/en/initiatives/?country=dz"]')
        expect(algeria).to_have_count(1)
        algeria.click()
        expect(page).to_have_url(seeded_live_server.url + "/en/initiatives/?country=dz")
        expect(page.locator("#results-heading")).to_have_text("1 initiative")
        expect(page.get_by_role("link", name="Towards a Holistic Approach", exact=False).first).to_be_visible()

        # From a listing, its insight link keeps its filters; a bar leads back to the filtered listing.
        page.goto(seeded_live_server.url + "/en/regions/europe/")
        page.get_by_role("link", name="Map and charts of these initiatives").click()
        expect(page).to_have_url(seeded_live_server.url + "/en/initiatives/insights/?region=europe")
        page.locator(".bar-list a.bar-label", has_text="Remittances").click()
        expect(page).to_have_url(seeded_live_server.url + "/en/initiatives/?region=europe&theme=remittances")
        expect(page.locator("#results-heading")).to_have_text("1 initiative")
    finally:
        context.close()
