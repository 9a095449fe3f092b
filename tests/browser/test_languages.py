"""The four languages in a browser: the switcher walks a filtered listing through en → fr → es → ar with and without
JavaScript; the Arabic pages are right to left, accessible (axe-core) and valid (the Nu Html Checker)."""

import re

import pytest

from tests.browser.axe import axe_violations, format_violations
from tests.browser.html_check import vnu_errors_many

WALK = [("en", "English"), ("fr", "Français"), ("es", "Español"), ("ar", "العربيّة")]
QUERY = "theme=remittances&region=europe"


@pytest.mark.parametrize("javascript", [False, True], ids=["without-javascript", "with-javascript"])
def test_the_switcher_walks_a_filtered_listing_through_the_four_languages(browser, seeded_live_server, javascript):
    context = browser.new_context(java_script_enabled=javascript, bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(f"{seeded_live_server.url}/initiatives/?{QUERY}", wait_until="load")
        assert page.url == f"{seeded_live_server.url}/en/initiatives/?{QUERY}"  # the first visit: English
        cards = page.locator("main h2, main h3").count()
        for code, name in WALK:
            switcher = page.get_by_role("navigation", name=re.compile("Language|Langue|Idioma|اللغة"))
            switcher.get_by_role("link", name=name, exact=True).click()
            page.wait_for_url(f"{seeded_live_server.url}/{code}/initiatives/?{QUERY}")
            html = page.locator("html")
            assert html.get_attribute("lang") == code
            assert html.get_attribute("dir") == ("rtl" if code == "ar" else "ltr")
            current = switcher.locator("[aria-current=page]")
            assert current.get_attribute("lang") == code
            # The filters came along: the same checked boxes, the same results.
            assert page.locator("input[name=theme][value=remittances]").is_checked()
            assert page.locator("input[name=region][value=europe]").is_checked()
            assert page.locator("main h2, main h3").count() == cards
    finally:
        context.close()


ARABIC_PAGES = ["/ar/", "/ar/initiatives/?theme=remittances", "/ar/initiatives/thamm/", "/ar/themes/remittances/"]


def test_arabic_pages_are_accessible_and_valid(page, seeded_live_server):
    documents = {}
    for path in ARABIC_PAGES:
        response = page.goto(seeded_live_server.url + path)
        assert response is not None and response.status == 200, path
        assert page.locator("html").get_attribute("dir") == "rtl"
        documents[path] = response.text()
        violations = axe_violations(page)
        assert violations == [], f"{path}\n{format_violations(violations)}"
    errors = vnu_errors_many(documents)
    assert errors == {path: [] for path in ARABIC_PAGES}, errors
