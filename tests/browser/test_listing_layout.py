"""The listing on a phone (390 px) and a wide screen (1366 px), with and without JavaScript: the "Filters (n)"
control at the top of the results, the reader kept at the facet they changed, numbered pagination, the skip link,
accessibility (axe-core) and no sideways scrolling (issue 14)."""

import pytest
from playwright.sync_api import expect

from tests.browser.axe import axe_violations, format_violations
from tests.factories import make_initiative

PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1366, "height": 900}


@pytest.fixture
def open_page(browser):
    contexts = []

    def open_page(viewport, *, javascript=True):
        context = browser.new_context(viewport=viewport, java_script_enabled=javascript, bypass_csp=True)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def _in_viewport(page, selector) -> bool:
    return page.evaluate(
        """(selector) => { const box = document.querySelector(selector).getBoundingClientRect();
                           return box.top >= 0 && box.top < window.innerHeight; }""",
        selector,
    )


def _sideways(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("javascript", [False, True], ids=["without-js", "with-js"])
def test_on_a_phone_the_filters_open_from_the_top_and_keep_the_reader_at_the_facet(
    open_page, seeded_live_server, javascript
):
    page = open_page(PHONE, javascript=javascript)
    page.goto(seeded_live_server.url + "/en/initiatives/?region=europe")
    toggle = page.locator("summary.filters-toggle")
    expect(toggle).to_have_text("Filters (1)")
    # At the top of the results: above the result count and on the first screen; the facets start closed.
    toggle_box, heading_box = toggle.bounding_box(), page.locator("#results-heading").bounding_box()
    assert toggle_box["y"] < heading_box["y"] < PHONE["height"]
    remittances = page.get_by_label("20. Remittances (1)")
    expect(remittances).to_be_hidden()

    toggle.click()  # a <details>: opens without JavaScript
    expect(remittances).to_be_visible()
    remittances.check()
    if not javascript:
        page.get_by_role("button", name="Apply filter: Theme (GCM objective)").click()
    # The reloaded page comes back to the theme facet: the browser opens the panel at #facet-theme.
    page.wait_for_url("**/en/initiatives/?*theme=remittances*#facet-theme")
    expect(page.locator("#results-heading")).to_have_text("1 initiative")
    expect(page.locator("summary.filters-toggle")).to_have_text("Filters (2)")
    expect(page.locator("#filters")).to_have_attribute("open", "")
    expect(page.get_by_label("20. Remittances (1)")).to_be_checked()
    assert _in_viewport(page, "#facet-theme"), "the theme facet is out of view after the reload"
    assert not _in_viewport(page, "#facet-region") or _in_viewport(page, "#facet-theme")
    # The neighbour: a chip removes a filter and the page opens at the top, panel closed.
    page.get_by_role("link", name="Remove filter Theme: Objective 20: Remittances").click()
    expect(page.locator("#results-heading")).to_have_text("4 initiatives")
    expect(page.locator("#filters")).not_to_have_attribute("open", "")
    assert _sideways(page) <= 0


@pytest.mark.parametrize("javascript", [False, True], ids=["without-js", "with-js"])
def test_on_a_wide_screen_the_filters_are_a_column_beside_the_results(open_page, seeded_live_server, javascript):
    page = open_page(WIDE, javascript=javascript)
    page.goto(seeded_live_server.url + "/en/initiatives/")
    expect(page.locator("summary.filters-toggle")).to_be_hidden()
    europe = page.get_by_label("Europe (4)")
    expect(europe).to_be_visible()  # no click needed
    facets_box, results_box = page.locator(".facets").bounding_box(), page.locator(".results").bounding_box()
    assert facets_box["x"] + facets_box["width"] <= results_box["x"]  # side by side
    assert abs(facets_box["y"] - results_box["y"]) < 5
    europe.check()
    if not javascript:
        page.get_by_role("button", name="Apply filter: Region").click()
    page.wait_for_url("**/en/initiatives/?*region=europe*#facet-region")
    expect(page.locator("#results-heading")).to_have_text("4 initiatives")
    expect(page.get_by_label("Europe (4)")).to_be_checked()
    assert _sideways(page) <= 0


def test_the_skip_link_jumps_over_the_filters_to_the_results(open_page, seeded_live_server):
    page = open_page(WIDE)
    page.goto(seeded_live_server.url + "/en/initiatives/")
    skip = page.get_by_role("link", name="Skip to results")
    expect(skip).not_to_be_in_viewport()  # shown only when focused
    skip.focus()
    expect(skip).to_be_in_viewport()
    # Before the filters in reading order, after the search.
    order = page.evaluate(
        """() => { const skip = document.querySelector('.listing-skip');
                   const facets = document.querySelector('#filters');
                   return skip.compareDocumentPosition(facets) & Node.DOCUMENT_POSITION_FOLLOWING; }"""
    )
    assert order
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/initiatives/#results-heading")
    assert page.evaluate("() => document.activeElement.id") == "results-heading"
    page.keyboard.press("Tab")  # the next stop is in the results (the sort), not in the filters
    assert page.evaluate("() => !!document.activeElement.closest('.results')")


@pytest.mark.parametrize("viewport", [PHONE, WIDE], ids=["390", "1366"])
def test_numbered_pagination_counts_the_rows_and_keeps_the_filters(open_page, seeded_live_server, viewport):
    for n in range(46):  # 53 in all with the seven seed initiatives
        make_initiative(title=f"Paged practice {n:02}", regions=["europe"] if n % 2 else [])
    page = open_page(viewport)
    page.goto(seeded_live_server.url + "/en/initiatives/?sort=title")
    pages = page.get_by_role("navigation", name="Pages")
    expect(pages.locator(".page-range")).to_have_text("1–20 of 53")
    expect(page.locator(".result-range")).to_have_text("1–20 of 53")  # also above the first result
    expect(pages.locator("[aria-current=page]")).to_contain_text("Page 1 of 3")
    expect(pages.locator("a[rel=prev]")).to_have_count(0)
    pages.get_by_role("link", name="Page 3").click()
    expect(page.get_by_role("navigation", name="Pages").locator(".page-range")).to_have_text("41–53 of 53")
    assert "sort=title" in page.url and "page=3" in page.url
    page.get_by_role("navigation", name="Pages").locator("a[rel=prev]").click()
    expect(page.get_by_role("navigation", name="Pages").locator(".page-range")).to_have_text("21–40 of 53")
    expect(page.get_by_role("navigation", name="Pages").locator("[aria-current=page]")).to_contain_text("Page 2 of 3")
    # With a filter: 7 pages fewer rows, the filter kept by every link.
    page.goto(seeded_live_server.url + "/en/initiatives/?region=europe&sort=title")
    expect(page.locator(".pagination .page-range")).to_have_text("1–20 of 27")
    page.locator(".pagination a[rel=next]").click()
    expect(page.locator(".pagination .page-range")).to_have_text("21–27 of 27")
    assert "region=europe" in page.url
    assert _sideways(page) <= 0


@pytest.mark.parametrize("viewport", [PHONE, WIDE], ids=["390", "1366"])
def test_the_listing_is_accessible_at_both_widths(open_page, seeded_live_server, viewport):
    for n in range(22):
        make_initiative(title=f"Paged practice {n:02}")
    page = open_page(viewport)
    for url in ("/en/initiatives/?region=europe&theme=remittances", "/en/initiatives/?page=2"):
        page.goto(seeded_live_server.url + url)
        violations = axe_violations(page)
        assert not violations, f"{url}:\n{format_violations(violations)}"
        assert _sideways(page) <= 0, url
    if viewport is PHONE:
        page.locator("summary.filters-toggle").click()
    violations = axe_violations(page)
    assert not violations, format_violations(violations)
