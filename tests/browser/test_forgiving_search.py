"""Forgiving search in a real browser, on the database under test (SQLite by default: FTS5 and its vocabulary; on
PostgreSQL the same behaviour from its own search): "remitances" offers "Did you mean remittances", which finds the
programme; "europeen" finds the project whose text says "Européen"; both pages are accessible, at a desktop's and a
phone's width."""

import pytest
from playwright.sync_api import expect

from tests.browser.axe import axe_violations, format_violations

SECTORAL = "Regional Project on Sectoral Qualifications in the Euro-Mediterranean"
PARE = "PARE 1+1 Programme for Attracting Remittances into the Economy"


@pytest.mark.parametrize("width", [1366, 390])
def test_a_misspelt_or_unaccented_search_still_finds(browser, seeded_live_server, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)  # axe is injected
    page = context.new_page()
    try:
        page.goto(seeded_live_server.url + "/en/initiatives/?q=remitances")
        expect(page.locator("#results-heading")).to_have_text("0 initiatives")
        suggestion = page.locator(".suggestion")
        expect(suggestion).to_contain_text("Did you mean:")
        violations = axe_violations(page)
        assert violations == [], f"remitances at {width}px:\n{format_violations(violations)}"
        suggestion.get_by_role("link", name="remittances").click()
        expect(page.locator("#results-heading")).to_have_text("1 initiative")
        expect(page.get_by_role("link", name=PARE)).to_be_visible()
        expect(page.locator("mark").first).to_have_text("Remittances")
        expect(page.locator(".suggestion")).to_have_count(0)

        page.goto(seeded_live_server.url + "/en/initiatives/?q=europeen")
        expect(page.locator("#results-heading")).to_have_text("1 initiative")
        expect(page.get_by_role("link", name=SECTORAL)).to_be_visible()
        violations = axe_violations(page)
        assert violations == [], f"europeen at {width}px:\n{format_violations(violations)}"
    finally:
        context.close()
