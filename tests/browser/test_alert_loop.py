"""The alert loop as people live it: a visitor follows a region from its page, confirms from the e-mail,
a moderator publishes a matching practice, the alert arrives, and one-click unsubscribe stops the next one."""

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from submissions import services as submissions
from submissions.forms import ProposalForm

ADDRESS = "follower@example.org"


def publish_through_moderation(title: str, moderator, author):
    form = ProposalForm(
        {
            "title": title,
            "summary": "A practice in Moldova.",
            "category": "programmes-and-projects",
            "countries": ["md"],
            "submitter_name": "Ana Díaz",
            "submitter_email": "ana@example.org",
        }
    )
    assert form.is_valid(), form.errors
    submission = submissions.create_submission(author=author, data=form.to_data(), consent=True)
    submissions.submit(submission=submission, author=author)
    return submissions.approve(submission=submission, moderator=moderator)


def test_follow_a_region_get_the_alert_and_unsubscribe_in_one_click(page, seeded_live_server, mailoutbox):
    base = seeded_live_server.url
    users = get_user_model().objects
    moderator = users.create_user(username="mod@example.org", email="mod@example.org", password="x-long-pass-1")
    moderator.groups.add(submissions.ensure_moderators_group())
    author = users.create_user(username="ana@example.org", email="ana@example.org", password="x-long-pass-2")

    page.goto(base + "/en/regions/europe/")
    page.get_by_role("link", name="Subscribe to Europe").first.click()
    page.get_by_label("Your e-mail address").fill(ADDRESS)
    page.get_by_label("As soon as something is published").check()
    page.get_by_role("button", name="Subscribe by e-mail").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    confirm = re.search(rf"{re.escape(settings.SITE_URL)}(/en/subscriptions/confirm/\S+)", mailoutbox[-1].body)[1]
    page.goto(base + urlsplit(confirm).path)
    page.get_by_role("button", name="Confirm my subscription").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your subscription is confirmed")

    # A moderator publishes a practice in Moldova (Eastern Europe): the alert arrives (tasks run as they are queued
    # in the browser tests, tests/browser/conftest.py).
    mailoutbox.clear()
    publish_through_moderation("Moldovan diaspora investment fund", moderator, author)
    alerts = [m for m in mailoutbox if ADDRESS in m.to]
    assert len(alerts) == 1
    alert = alerts[0]
    assert "Moldovan diaspora investment fund" in alert.body
    assert alert.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    one_click = alert.extra_headers["List-Unsubscribe"].strip("<>")

    # The mail client's one-click unsubscribe: a bare POST, no cookie, no CSRF token, no page.
    response = page.request.post(
        base + urlsplit(one_click).path,
        form={"List-Unsubscribe": "One-Click"},
        headers={"Cookie": ""},
    )
    assert response.status == 200

    # The next matching practice brings no alert.
    mailoutbox.clear()
    publish_through_moderation("Moldovan returnees start-up grants", moderator, author)
    assert [m for m in mailoutbox if ADDRESS in m.to] == []
