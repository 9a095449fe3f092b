"""A feed opened in Chromium reads as a page: its XSL stylesheet applies, under the Content Security Policy.

Chromium shows application/rss+xml and application/atom+xml as plain text and applies XSLT to application/xml,
which is what a browser's Accept header gets (initiatives/feeds.py). Chromium 156 still applies XSLT but announces
its removal with a banner of its own (``xslt-warning-banner``); the checks below leave that banner out.
"""

import pytest

from tests.browser.axe import axe_violations, format_violations
from tests.browser.html_check import vnu_errors_many

FEEDS = {
    "rss": ("/en/regions/europe/feed/", "Europe – "),
    "atom": ("/en/initiatives/feed/atom/?theme=remittances", "Initiatives (Objective 20: Remittances) – "),
    "empty": ("/en/principles/human-rights/feed/atom/", "Human rights – "),
}
BANNER = "xslt-warning-banner"


def _remove_browser_banner(page):
    page.evaluate(f"() => document.querySelectorAll('{BANNER}').forEach((element) => element.remove())")


@pytest.mark.parametrize("name", FEEDS)
def test_feed_reads_as_a_page_under_the_content_security_policy(browser, seeded_live_server, name):
    path, title = FEEDS[name]
    context = browser.new_context(bypass_csp=False)
    page = context.new_page()
    try:
        response = page.goto(seeded_live_server.url + path)
        assert response.status == 200
        assert response.headers["content-type"] == "application/xml; charset=utf-8"
        assert "content-security-policy" in response.headers
        heading = page.locator("h1")
        assert heading.inner_text().startswith(title)
        assert page.title().startswith(title)
        # The linked stylesheet applied (an inline one would have been refused).
        assert page.evaluate("() => getComputedStyle(document.querySelector('.about')).borderBottomStyle") == "solid"
        assert page.locator("#feed-address").input_value() == seeded_live_server.url + path
        assert page.get_by_role("link", name="See these initiatives on the portal").count() == 1
        # Nothing of ours needs what the policy forbids.
        assert (
            page.evaluate(
                f"() => [...document.querySelectorAll('[style], script, style')].filter((e) => !e.closest('{BANNER}'))"
                ".length"
            )
            == 0
        )
        items = page.locator("ol.items > li")
        if name == "empty":
            assert items.count() == 0
            assert "No initiatives here yet" in page.locator("main").inner_text()
        else:
            assert items.count() == (4 if name == "rss" else 1)
            first = items.first
            assert first.locator("h2 a").get_attribute("href").startswith(seeded_live_server.url + "/en/initiatives/")
            assert first.locator(".meta time").get_attribute("datetime")
            assert first.locator(".categories li").count() >= 1
    finally:
        context.close()


def test_summaries_show_as_text_with_their_characters(browser, seeded_live_server):
    """Summaries travel as escaped HTML: the page shows their text, quotes and ampersands as typed, no tags."""
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto(seeded_live_server.url + "/en/regions/europe/feed/")
    text = page.locator("main").inner_text()
    assert "The 'Cadre National de Certifications'" in text
    assert "&#x27;" not in text and "<p>" not in text and "&lt;" not in text
    context.close()


def test_feed_pages_are_accessible_and_valid_html(browser, seeded_live_server):
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    documents = {}
    for name, (path, _title) in FEEDS.items():
        page.goto(seeded_live_server.url + path)
        _remove_browser_banner(page)
        # The transformed document as the browser built it, before axe's script is added to it.
        documents[name] = "<!DOCTYPE html>\n" + page.evaluate("() => document.documentElement.outerHTML")
        violations = axe_violations(page)
        assert violations == [], f"{name}:\n{format_violations(violations)}"
    context.close()
    assert {name: found for name, found in vnu_errors_many(documents).items() if found} == {}
