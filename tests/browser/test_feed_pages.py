"""A feed opened in Chromium reads as a page of the site, made by Django, not by XSLT (which browsers are removing:
Chromium announced it with a banner and a console message on every feed the portal styled with XSL).

The browser's Accept header prefers text/html, so every feed address answers it with the page about the feed
(initiatives/feeds.py); feed readers get the XML (tests/initiatives/test_feeds.py).
"""

import pytest

from tests.browser.axe import axe_violations, format_violations
from tests.browser.html_check import vnu_errors_many

FEEDS = {
    "rss": ("/en/regions/europe/feed/", "Europe", 4),
    "atom": ("/en/initiatives/feed/atom/?theme=remittances", "Initiatives", 1),
    "empty": ("/en/principles/human-rights/feed/atom/", "Human rights", 0),
}


@pytest.mark.parametrize("name", FEEDS)
def test_feed_reads_as_a_page_under_the_content_security_policy(browser, seeded_live_server, name):
    path, heading, count = FEEDS[name]
    context = browser.new_context(bypass_csp=False)
    page = context.new_page()
    console = []
    page.on("console", lambda message: console.append(message.text))
    violations = []
    page.on("pageerror", lambda error: violations.append(str(error)))
    try:
        response = page.goto(seeded_live_server.url + path)
        assert response.status == 200
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        assert "accept" in response.headers["vary"].lower()
        assert "content-security-policy" in response.headers
        assert page.locator("h1").inner_text() == heading
        assert page.title().startswith(heading)
        # In the site's layout, with the feed's own stylesheet applied (an inline one would have been refused).
        assert page.locator("header.site-header").count() == 1
        assert page.evaluate("() => getComputedStyle(document.querySelector('.feed-about')).borderTopStyle") == "solid"
        assert page.locator("#feed-address").input_value() == seeded_live_server.url + path
        assert page.get_by_role("link", name="See these initiatives on the portal").count() == 1
        subscribe = page.get_by_role("link", name="Subscribe", exact=True)
        assert subscribe.get_attribute("href").startswith("/en/subscribe/")
        assert page.evaluate("() => document.querySelectorAll('[style], style, script:not([src])').length") == 0
        items = page.locator("ol.items > li")
        assert items.count() == count
        if count:
            first = items.first
            assert first.locator("h3 a").get_attribute("href").startswith("/en/initiatives/")
            assert first.locator(".meta time").get_attribute("datetime")
            assert first.locator(".categories li").count() >= 1
        else:
            assert "No initiatives here yet" in page.locator("main").inner_text()
        # No XSLT, so no word of its removal: no banner, no console message.
        assert page.locator("xslt-warning-banner").count() == 0
        assert not [text for text in console if "xsl" in text.lower()], console
        assert violations == []
    finally:
        context.close()


def test_the_feed_address_can_be_selected_and_followed_to_the_subscription(browser, seeded_live_server):
    context = browser.new_context()
    page = context.new_page()
    page.goto(seeded_live_server.url + "/en/themes/remittances/feed/")
    field = page.locator("#feed-address")
    field.focus()
    field.select_text()
    assert page.evaluate("() => window.getSelection().toString() || document.activeElement.value") == (
        seeded_live_server.url + "/en/themes/remittances/feed/"
    )
    page.get_by_role("link", name="Subscribe", exact=True).click()
    page.wait_for_load_state()
    assert "/en/subscribe/" in page.url and "theme=remittances" in page.url
    context.close()


@pytest.mark.parametrize("width", [1366, 390])
def test_feed_pages_are_accessible_and_valid_html(browser, seeded_live_server, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)  # axe is injected
    page = context.new_page()
    documents = {}
    paths = {**{name: path for name, (path, *_rest) in FEEDS.items()}, "arabic": "/ar/regions/europe/feed/"}
    for name, path in paths.items():
        response = page.goto(seeded_live_server.url + path)
        documents[name] = response.text()
        violations = axe_violations(page)
        assert violations == [], f"{name}:\n{format_violations(violations)}"
    assert page.evaluate("() => document.documentElement.dir") == "rtl"  # the Arabic page, mirrored
    context.close()
    assert {name: found for name, found in vnu_errors_many(documents).items() if found} == {}
