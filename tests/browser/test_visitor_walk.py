"""A visitor's walk through the portal in headless Chromium, with and without JavaScript, and the
accessibility (axe-core) and HTML validity (Nu Html Checker) of every kind of page."""

import pytest
from playwright.sync_api import expect

from tests.browser.axe import axe_violations, format_violations
from tests.browser.html_check import vnu_errors_many

PAGES = {
    "home": "/en/",
    "listing": "/en/initiatives/?theme=inclusion-and-social-cohesion&q=migration",
    "region": "/en/regions/europe/",
    "country": "/en/countries/ma/",
    "theme": "/en/themes/remittances/",
    "organisation": "/en/organisations/ilo/",
    "detail": "/en/initiatives/thamm/",
    "index": "/en/regions/",
    "not found": "/en/initiatives/no-such-initiative/",
}


def test_home_to_region_to_theme_filter_to_initiative_to_theme(page, seeded_live_server):
    page.goto(seeded_live_server.url + "/en/")
    page.get_by_role("link", name="Europe", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Europe")
    expect(page.locator("#results-heading")).to_have_text("4 initiatives")

    # Filter by a theme: with JavaScript, ticking the box applies it at once.
    page.get_by_label("17. Eliminate discrimination").check()
    page.wait_for_url("**/en/regions/europe/?*theme=eliminate-discrimination*")
    expect(page.locator("#results-heading")).to_have_text("2 initiatives")
    assert "q=" not in page.url  # empty fields stay out of the address
    expect(page.get_by_role("link", name="Remove filter Theme: Objective 17: Eliminate discrimination")).to_be_visible()

    page.get_by_role("link", name="The Anti Rumour Strategy (ARS) Handbook").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The Anti Rumour Strategy (ARS) Handbook")
    expect(page.get_by_text("Submitted by Ms. Angelica Pinzon")).to_be_visible()

    page.get_by_role("link", name="Objective 16: Inclusion and social cohesion").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Objective 16: Inclusion and social cohesion")
    expect(
        page.get_by_role("link", name="Subscribe to Objective 16: Inclusion and social cohesion").first
    ).to_be_visible()


def test_filters_work_without_javascript(browser, seeded_live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(seeded_live_server.url + "/en/initiatives/")
        page.get_by_label("Europe (4)").check()
        page.get_by_label("20. Remittances (1)").check()
        page.get_by_role("button", name="Apply filters").click()
        expect(page.locator("#results-heading")).to_have_text("1 initiative")
        expect(
            page.get_by_role("link", name="PARE 1+1 Programme for Attracting Remittances into the Economy")
        ).to_be_visible()
        page.get_by_role("link", name="Clear all").click()
        expect(page.locator("#results-heading")).to_have_text("7 initiatives")
        page.get_by_label("Search", exact=True).fill("diaspora -Moldova")
        page.locator(".search-row").get_by_role("button", name="Search").click()
        expect(page.locator("#results-heading")).to_have_text("1 initiative")
    finally:
        context.close()


@pytest.mark.parametrize("width", [360, 1280])
def test_pages_fit_small_and_large_screens(browser, seeded_live_server, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        for url in ("/en/", "/en/initiatives/", "/en/initiatives/thamm/"):
            page.goto(seeded_live_server.url + url)
            overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{url} scrolls sideways by {overflow}px at {width}px"
    finally:
        context.close()


def test_no_serious_accessibility_violations_and_valid_html(page, seeded_live_server):
    documents = {}
    for name, url in PAGES.items():
        response = page.goto(seeded_live_server.url + url)
        documents[name] = response.text()  # as served, before axe is injected
        violations = axe_violations(page)
        assert violations == [], f"{name} ({url}):\n{format_violations(violations)}"
    errors = vnu_errors_many(documents)
    assert {name: found for name, found in errors.items() if found} == {}


def test_pages_obey_the_content_security_policy(browser, seeded_live_server):
    """With the CSP enforced (no bypass), no page logs an error: nothing inline is refused."""
    context = browser.new_context(bypass_csp=False)
    page = context.new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        for url in PAGES.values():
            response = page.goto(seeded_live_server.url + url)
            assert "content-security-policy" in response.headers
        # The only script on the site still runs under the policy: it marks the document.
        page.goto(seeded_live_server.url + "/en/initiatives/")
        assert page.evaluate("() => document.documentElement.classList.contains('js')")
    finally:
        context.close()
    assert [e for e in errors if "404" not in e] == []
