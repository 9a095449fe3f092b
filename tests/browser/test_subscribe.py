"""Follow a region by e-mail in a real browser: region page → subscribe → confirmation link from the e-mail →
confirmed → manage → unsubscribe; every page passes axe (no serious or critical violation) and the Nu checker.

The live server runs in a thread of this process, so Django's locmem outbox (``mailoutbox``) is the one it sends to.
"""

import re
from urllib.parse import urlsplit

from django.conf import settings
from playwright.sync_api import expect

from subscriptions.models import Subscription
from subscriptions.tokens import unsubscribe_url
from tests.browser.axe import axe_violations, format_violations
from tests.browser.html_check import vnu_errors_many

ADDRESS = "ana.diaz@example.org"


def assert_accessible(page, documents: dict, name: str):
    """axe finds nothing serious on the page; its markup (taken before axe is injected) is kept for the Nu checker."""
    documents[name] = page.content()
    violations = axe_violations(page)
    assert violations == [], f"{name}:\n{format_violations(violations)}"


def link_in(message, kind: str) -> str:
    return urlsplit(re.search(rf"{re.escape(settings.SITE_URL)}(/en/subscriptions/{kind}/\S+)", message.body)[1]).path


def test_follow_a_region_by_e_mail(page, seeded_live_server, mailoutbox):
    base = seeded_live_server.url
    documents = {}

    page.goto(base + "/en/regions/europe/")
    page.get_by_role("link", name="Subscribe to Europe").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Subscribe to Europe")
    rss = page.get_by_role("link", name="RSS feed", exact=True)
    expect(rss).to_have_attribute("href", "/en/initiatives/feed/?region=europe")
    assert_accessible(page, documents, "subscribe")

    # A mistyped address: explained at the top and next to the field, what was typed kept.
    page.get_by_label("Your e-mail address").fill("ana.diaz@")
    page.get_by_label("Weekly digest").check()
    page.get_by_role("button", name="Subscribe by e-mail").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter a valid email address.")
    expect(page.get_by_label("Your e-mail address")).to_have_value("ana.diaz@")
    expect(page.get_by_label("Your e-mail address")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Weekly digest")).to_be_checked()
    assert_accessible(page, documents, "subscribe-with-errors")

    page.get_by_label("Your e-mail address").fill(ADDRESS)
    page.get_by_role("button", name="Subscribe by e-mail").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    expect(page.get_by_text(ADDRESS)).to_be_visible()
    assert_accessible(page, documents, "sent")

    assert len(mailoutbox) == 1
    page.goto(base + link_in(mailoutbox[0], "confirm"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your e-mail alert")
    assert_accessible(page, documents, "confirm")
    page.get_by_role("button", name="Confirm my subscription").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your subscription is confirmed")
    expect(page.get_by_text("by e-mail: Weekly digest")).to_be_visible()
    assert_accessible(page, documents, "confirmed")
    subscription = Subscription.objects.get()
    assert (subscription.status, subscription.frequency, subscription.query) == ("active", "weekly", "region=europe")

    page.get_by_role("link", name="Manage this alert").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your e-mail alert")
    assert_accessible(page, documents, "manage")
    page.get_by_label("As soon as something is published").check()
    page.get_by_role("region", name="Change how often").get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Saved: As soon as something is published.")
    page.get_by_role("button", name="Pause this alert").click()
    expect(page.get_by_role("button", name="Resume this alert")).to_be_visible()
    assert_accessible(page, documents, "manage-paused")
    subscription.refresh_from_db()
    assert (subscription.status, subscription.frequency) == ("paused", "immediate")

    # The unsubscribe link of an alert: a page with a button (a GET changes nothing), then done.
    page.goto(base + urlsplit(unsubscribe_url(subscription)).path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Unsubscribe from this alert?")
    assert_accessible(page, documents, "unsubscribe")
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are unsubscribed")
    assert_accessible(page, documents, "unsubscribed")
    subscription.refresh_from_db()
    assert subscription.status == "unsubscribed"

    assert vnu_errors_many(documents) == {name: [] for name in documents}


def test_a_bad_link_is_an_accessible_page(page, seeded_live_server):
    response = page.goto(seeded_live_server.url + "/en/subscriptions/manage/nonsense/")
    assert response is not None and response.status == 400
    expect(page.get_by_role("heading", level=1)).to_have_text("This link does not work")
    documents = {}
    assert_accessible(page, documents, "invalid")
    assert vnu_errors_many(documents) == {"invalid": []}
