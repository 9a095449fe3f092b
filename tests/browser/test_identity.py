"""The header, type scale, focus ring and cards in a browser (issue 14), on a desktop (1366 px) and a phone (390 px):
a header of bounded height whose brand and navigation show, no sideways scrolling, a long title in a few lines,
a focus ring that shows on the coloured header and on the white page, cards clickable as a whole, Arabic mirrored;
each page accessible (axe-core) and valid (the Nu Html Checker)."""

import pytest

from tests.browser.axe import axe_violations, format_violations
from tests.browser.html_check import vnu_errors_many

DESKTOP, PHONE = (1366, 900), (390, 844)
WIDTHS = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1366px", "390px"])
# The header's height: two rows on a desktop; brand, two lines of navigation, search and account/languages on a phone.
MAX_HEADER = {DESKTOP: 130, PHONE: 240}
# THAMM's title is 102 characters: it took seven lines on a phone before issue 14.
MAX_TITLE_LINES = {DESKTOP: 3, PHONE: 5}
PAGES = ["/en/", "/en/initiatives/", "/en/initiatives/thamm/", "/en/regions/europe/", "/ar/"]


@pytest.fixture
def sized_page(browser, request):
    contexts = []

    def open_page(viewport):
        context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}, bypass_csp=True)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def box(page, selector):
    return page.locator(selector).first.bounding_box()


@WIDTHS
def test_header_brand_navigation_and_no_sideways_scrolling(sized_page, seeded_live_server, viewport):
    page = sized_page(viewport)
    documents = {}
    for path in PAGES:
        response = page.goto(seeded_live_server.url + path)
        assert response is not None and response.status == 200, path
        documents[path] = response.text()
        header = box(page, ".site-header")
        assert header["height"] <= MAX_HEADER[viewport], (path, header)
        assert page.locator(".brand-logo").is_visible() and page.locator(".brand-name").is_visible()
        assert page.locator(".main-nav a").count() == 6
        for index in range(6):
            link = box(page, f".main-nav li:nth-child({index + 1}) a")
            assert link["x"] >= 0 and link["x"] + link["width"] <= viewport[0], (path, index, link)
            assert link["y"] + link["height"] <= header["y"] + header["height"]
        # Not wider than the screen: nothing to scroll sideways.
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"), path
        # Navigation links are not styled as body links.
        assert page.locator(".main-nav a").first.evaluate("a => getComputedStyle(a).textDecorationLine") == "none"
        violations = axe_violations(page)
        assert violations == [], f"{path} at {viewport}\n{format_violations(violations)}"
    if viewport == DESKTOP:
        # Row one is the brand and the navigation side by side; row two the search, account and languages.
        brand, nav, search = box(page, ".brand"), box(page, ".main-nav"), box(page, ".header-search")
        assert abs((brand["y"] + brand["height"] / 2) - (nav["y"] + nav["height"] / 2)) < 12
        assert search["y"] >= nav["y"] + nav["height"] - 2
        assert abs(box(page, ".language-nav")["y"] - search["y"]) < 16
        errors = vnu_errors_many(documents)
        assert errors == {path: [] for path in PAGES}, errors


@WIDTHS
def test_a_long_title_takes_few_lines_and_body_text_is_readable(sized_page, seeded_live_server, viewport):
    page = sized_page(viewport)
    page.goto(seeded_live_server.url + "/en/initiatives/thamm/")
    lines = page.locator("main h1").evaluate(
        "h1 => Math.round(h1.getBoundingClientRect().height / parseFloat(getComputedStyle(h1).lineHeight))"
    )
    assert 1 <= lines <= MAX_TITLE_LINES[viewport], lines
    size = page.locator(".summary p").first.evaluate("p => parseFloat(getComputedStyle(p).fontSize)")
    assert size >= 16
    # Prose stops at about 70 characters on a wide screen.
    width = page.locator(".summary p").first.evaluate(
        "p => p.getBoundingClientRect().width / parseFloat(getComputedStyle(p).fontSize)"
    )
    assert width <= 45  # 70ch of this font is about 38em


def tab_to(page, selector, limit=60):
    """Press Tab until the focused element matches ``selector``; return its handle."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement?.matches(s)", selector):
            return page.evaluate_handle("document.activeElement")
    raise AssertionError(f"Tab never reached {selector}")


RING = """element => {
  const style = getComputedStyle(element);
  return {outline: style.outlineStyle, width: parseFloat(style.outlineWidth), colour: style.outlineColor,
          shadow: style.boxShadow};
}"""


@WIDTHS
def test_the_focus_ring_shows_on_the_header_and_on_the_page(sized_page, seeded_live_server, viewport):
    page = sized_page(viewport)
    page.goto(seeded_live_server.url + "/en/initiatives/")
    # On the coloured header: a navigation link.
    link = tab_to(page, ".main-nav a")
    ring = link.evaluate(RING)
    assert ring["outline"] == "solid" and ring["width"] >= 3, ring
    assert ring["colour"] == "rgb(255, 191, 71)"  # yellow on the blue header
    assert "rgb(11, 12, 12)" in ring["shadow"]  # and a near-black edge around it
    # The same element without focus has no ring: the ring is the focus style.
    page.locator("main h1").click()
    assert link.evaluate(RING)["outline"] == "none"
    # On the white page: the search field, and a card, whose ring goes round the whole (clickable) card.
    field = page.locator("main input[type=search]").first
    field.focus()  # a text field shows focus whichever way it got it
    assert field.evaluate(RING)["width"] >= 3
    # A card's link, reached with the keyboard (back one step and forward again).
    page.locator(".card-title a").first.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.matches('.card-title a')")
    card_ring = page.locator(".card:has(.card-title a:focus-visible)").evaluate(RING)
    assert card_ring["outline"] == "solid" and "rgb(11, 12, 12)" in card_ring["shadow"], card_ring


@WIDTHS
def test_a_card_is_clickable_as_a_whole_and_shows_three_lines_of_its_summary(sized_page, seeded_live_server, viewport):
    page = sized_page(viewport)
    page.goto(seeded_live_server.url + "/en/initiatives/")
    card = page.locator("article.card", has=page.locator('a[href="/en/initiatives/thamm/"]'))
    summary = card.locator(".card-summary")
    lines = summary.evaluate(
        "p => Math.round(p.getBoundingClientRect().height / parseFloat(getComputedStyle(p).lineHeight))"
    )
    assert lines <= 3
    assert summary.evaluate("p => p.scrollHeight > p.clientHeight")  # the rest is in the page, clipped
    assert card.locator(".objective-badge").first.is_visible()
    # A click anywhere on the card (here on its summary) lands on the title's link, stretched over the card.
    summary.scroll_into_view_if_needed()  # on a phone the card is below the fold: a click must be in view
    area = summary.bounding_box()
    page.mouse.click(area["x"] + area["width"] / 2, area["y"] + area["height"] / 2)
    page.wait_for_url("**/en/initiatives/thamm/")


@WIDTHS
def test_the_arabic_header_is_mirrored(sized_page, seeded_live_server, viewport):
    page = sized_page(viewport)
    page.goto(seeded_live_server.url + "/ar/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    logo, name = box(page, ".brand-logo"), box(page, ".brand-name")
    assert logo["x"] > name["x"]  # the logo comes first, on the right
    assert logo["x"] + logo["width"] > viewport[0] - 80  # at the right-hand edge
    if viewport == DESKTOP:
        assert box(page, ".main-nav")["x"] < name["x"]  # the navigation to its left
    first_link = box(page, ".main-nav li:first-child a")
    last_link = box(page, ".main-nav li:nth-child(2) a")
    assert first_link["x"] > last_link["x"] or first_link["y"] < last_link["y"]
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
