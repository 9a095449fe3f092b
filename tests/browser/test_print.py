"""Print, cite, share (issue 13) in Chromium: the detail page and a listing as printed (print media emulation), the
"Copy link" button with and without JavaScript, and the accessibility and validity of the markup added."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.browser.axe import axe_violations, format_violations
from tests.browser.html_check import vnu_errors
from tests.factories import make_initiative

WEBSITE = "https://example.org/printable-practice"
REPORT = "https://example.org/printable-practice/report.pdf"


@pytest.fixture
def printable(seeded_live_server):
    """A published initiative with an external website and an external link in its description."""
    make_initiative(
        title="A printable practice",
        slug="printable-practice",
        summary="A practice to read on paper.",
        description=f"Read [the final report]({REPORT}) or go back to the [list](/en/initiatives/).",
        website=WEBSITE,
        themes=["remittances"],
        organisations=["Printing Office"],
    )
    return seeded_live_server.url + "/en/initiatives/printable-practice/"


def after_content(page, selector: str) -> str:
    """The computed ``content`` of an element's ``::after`` box ("none" when it has none)."""
    return page.locator(selector).first.evaluate("(el) => getComputedStyle(el, '::after').content")


def test_the_detail_page_prints_its_content_then_citation_permalink_and_dates(page, printable):
    page.goto(printable)
    permalink = f"{settings.SITE_URL}/en/initiatives/printable-practice/"
    # On screen: the navigation, the share box and the copy button (shown by the portal's script); the printed
    # record is not.
    expect(page.locator(".site-header")).to_be_visible()
    expect(page.get_by_role("button", name="Copy link")).to_be_visible()
    assert page.locator(".printed-record").is_hidden()
    assert after_content(page, f'.detail-body a[href="{WEBSITE}"]') == "none"

    page.emulate_media(media="print")
    for chrome in (
        ".skip-link",
        ".site-header",
        'nav[aria-label="Main"]',
        ".language-nav",
        ".header-search",
        ".breadcrumbs",
        ".site-footer",
        ".share",
        ".cite-downloads",
        ".suggest",
        ".related",
    ):
        assert page.locator(chrome).first.is_hidden(), f"{chrome} is printed"
    assert page.get_by_role("button", name="Copy link").is_hidden()
    expect(page.get_by_role("heading", level=1)).to_have_text("A printable practice")
    expect(page.locator(".metadata")).to_be_visible()

    # Full width: the content is as wide as the page's main area (no sidebar column beside it).
    main_width = page.locator("main").bounding_box()["width"]
    assert page.locator(".detail-body").bounding_box()["width"] >= main_width - 2

    # External links in the content print their address; links within the portal do not.
    assert after_content(page, f'.detail-body a[href="{WEBSITE}"]') == f'" ({WEBSITE})"'
    assert after_content(page, f'.detail-body a[href="{REPORT}"]') == f'" ({REPORT})"'
    assert after_content(page, '.detail-body a[href="/en/initiatives/"]') == "none"
    assert after_content(page, ".metadata dd a") == "none"
    assert after_content(page, ".reference a") == "none"  # the citation shows its address already

    # At the end: the citation, the permalink and the dates, below everything else printed.
    record = page.locator(".printed-record")
    expect(record).to_be_visible()
    expect(page.locator(".reference")).to_be_visible()
    expect(page.locator(".reference")).to_contain_text("Printing Office. (")
    expect(record.locator(".permalink")).to_have_text(permalink)
    expect(record).to_contain_text("Published")
    expect(record).to_contain_text("Last updated")
    record_top = record.bounding_box()["y"]
    for content in (".detail-body", ".metadata", ".reference"):
        box = page.locator(content).bounding_box()
        assert box["y"] + box["height"] <= record_top + 1, f"{content} is printed after the permalink"
    lowest = page.evaluate(
        """() => Math.max(...[...document.querySelectorAll("body *")]
            .filter((el) => el.getClientRects().length && getComputedStyle(el).visibility !== "hidden")
            .map((el) => el.getBoundingClientRect().bottom))"""
    )
    assert lowest <= record.bounding_box()["y"] + record.bounding_box()["height"] + 1

    # No background colours, a serif face.
    assert page.evaluate("() => getComputedStyle(document.querySelector('.metadata')).backgroundColor") in (
        "rgba(0, 0, 0, 0)",
        "transparent",
    )
    assert "serif" in page.evaluate("() => getComputedStyle(document.body).fontFamily")

    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000


def test_a_listing_prints_as_a_clean_list(page, seeded_live_server):
    page.goto(seeded_live_server.url + "/en/regions/europe/")
    page.emulate_media(media="print")
    for chrome in (".site-header", ".facets", ".search-row", ".sort", ".subscribe", ".subscribe-top", ".site-footer"):
        assert page.locator(chrome).first.is_hidden(), f"{chrome} is printed"
    cards = page.locator(".card")
    assert cards.count() == 4
    expect(cards.first).to_be_visible()
    expect(page.locator("#results-heading")).to_have_text("4 initiatives")
    assert page.evaluate("() => getComputedStyle(document.querySelector('.card')).breakInside") == "avoid"
    main_width = page.locator("main").bounding_box()["width"]
    assert page.locator(".results").bounding_box()["width"] >= main_width - 2
    assert page.pdf().startswith(b"%PDF")


def test_copy_link_button_copies_the_permalink(browser, printable):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"], bypass_csp=False)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(printable)
        page.get_by_role("button", name="Copy link").click()
        expect(page.locator(".copy-status")).to_have_text("Link copied")
        assert page.evaluate("() => navigator.clipboard.readText()") == (
            f"{settings.SITE_URL}/en/initiatives/printable-practice/"
        )
    finally:
        context.close()
    assert errors == []


def test_without_javascript_the_link_is_there_to_select(browser, printable):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(printable)
        field = page.get_by_label("Link to this page")
        expect(field).to_have_value(f"{settings.SITE_URL}/en/initiatives/printable-practice/")
        expect(field).to_have_attribute("readonly", "")
        assert page.get_by_role("button", name="Copy link", include_hidden=True).is_hidden()
        field.select_text()
        assert field.evaluate("(el) => el.selectionEnd - el.selectionStart") == len(field.input_value())
        mailto = page.get_by_role("link", name="Share by e-mail").get_attribute("href")
        assert mailto.startswith("mailto:?subject=A%20printable%20practice&body=A%20practice%20to%20read%20on%20paper.")
    finally:
        context.close()


def test_the_cite_and_share_markup_is_accessible_and_valid(page, printable):
    response = page.goto(printable)
    served = response.text()
    for media in ("screen", "print"):
        page.emulate_media(media=media)
        violations = axe_violations(page)
        assert violations == [], f"{media}:\n{format_violations(violations)}"
    assert vnu_errors(served) == []


def test_arabic_pages_print_link_addresses_left_to_right(page, printable):
    page.goto(printable.replace("/en/", "/ar/"))
    page.emulate_media(media="print")
    assert page.evaluate("() => document.documentElement.dir") == "rtl"
    link = page.locator(f'.detail-body a[href="{WEBSITE}"]').first
    assert after_content(page, f'.detail-body a[href="{WEBSITE}"]') == f'" ({WEBSITE})"'
    assert link.evaluate("(el) => getComputedStyle(el, '::after').direction") == "ltr"
    assert page.locator(".site-header").is_hidden() and page.locator(".share").is_hidden()
    expect(page.locator(".printed-record .permalink")).to_have_text(
        f"{settings.SITE_URL}/ar/initiatives/printable-practice/"
    )
    assert page.pdf().startswith(b"%PDF")
