"""The whole moderation loop in a real browser, as people would do it: sign up, verify the e-mail,
propose a practice (warned of a look-alike), a moderator asks for changes, the submitter corrects
and resubmits, the moderator approves, and the practice appears on its region and theme pages."""

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from submissions.services import ensure_moderators_group
from tests.browser.axe import axe_violations, format_violations

PASSWORD = "Plover-Tandem-Gravel-42"
TITLE = "Towards a Holistic Approach to Labour Migration in North Africa"


def assert_accessible(page, name):
    violations = axe_violations(page)
    assert violations == [], f"{name}:\n{format_violations(violations)}"


def test_sign_up_submit_moderate_resubmit_approve_publish(browser, seeded_live_server, mailoutbox):
    base = seeded_live_server.url
    moderator = get_user_model().objects.create_user(
        username="mona@example.org", email="mona@example.org", password=PASSWORD, first_name="Mona Moderator"
    )
    moderator.groups.add(ensure_moderators_group())

    contexts = [browser.new_context(bypass_csp=True) for _person in range(2)]
    try:
        _walk(base, *(context.new_page() for context in contexts), mailoutbox)
    finally:
        for context in contexts:  # before the live server stops, or its threads outlive it
            context.close()


def _walk(base, ana, mona, mailoutbox):

    # Sign up and verify the e-mail address.
    ana.goto(base + "/en/accounts/sign-up/")
    ana.get_by_label("Full name").fill("Ana Díaz")
    ana.get_by_label("Honorific (optional)").select_option("Ms.")
    ana.get_by_label("E-mail address").fill("ana.diaz@example.org")
    ana.get_by_label("Password", exact=True).fill(PASSWORD)
    ana.get_by_label("Password confirmation").fill(PASSWORD)
    ana.get_by_role("button", name="Create my account").click()
    link = re.search(rf"{re.escape(settings.SITE_URL)}(/en/accounts/verify/\S+)", mailoutbox[-1].body).group(1)
    ana.goto(base + urlsplit(link).path)
    ana.get_by_role("button", name="Verify my e-mail address").click()  # opening the link alone changes nothing
    expect(ana.get_by_text("your e-mail address is verified and you are logged in")).to_be_visible()

    # Propose a practice; its title looks like THAMM's.
    ana.get_by_role("link", name="Share a practice").click()
    expect(ana.get_by_label("Your name, as it will be credited (required)")).to_have_value("Ana Díaz")
    assert_accessible(ana, "submission form")
    ana.get_by_label("Title (required)").fill(TITLE)
    ana.get_by_label("Summary (required)").fill(
        "Helps young people in North Africa find regular pathways to work abroad."
    )
    ana.get_by_label("Category (required)").select_option(label="Programmes and Projects")
    ana.get_by_label("Objective 5: Regular pathways").check()
    ana.get_by_role("searchbox", name="Countries: Filter the list").fill("moro")  # the picker's filter
    ana.get_by_label("Morocco", exact=True).check()
    ana.get_by_label("I agree that this initiative is published under my name as given above.").check()
    ana.get_by_role("button", name="Submit for review").click()

    expect(ana.get_by_role("heading", name="These published initiatives look similar")).to_be_visible()
    expect(ana.locator("#duplicates").get_by_role("link")).to_contain_text(["(THAMM)"])
    expect(ana.get_by_label("Title (required)")).to_have_value(TITLE)  # nothing typed is lost
    expect(ana.get_by_label("Morocco", exact=True)).to_be_checked()
    ana.get_by_label("If it looks like an existing initiative, say why yours is different").fill(
        "THAMM is the regional programme; this is the national scheme that followed it."
    )
    ana.get_by_role("button", name="Submit for review").click()
    expect(ana.get_by_text("your submission was sent to the moderators")).to_be_visible()
    expect(ana.locator(".badge")).to_have_text("Submitted")

    # The moderator asks for changes.
    mona.goto(base + "/en/accounts/login/")
    mona.get_by_label("E-mail address").fill("mona@example.org")
    mona.get_by_label("Password").fill(PASSWORD)
    mona.get_by_role("button", name="Log in").click()
    mona.get_by_role("navigation", name="Account").get_by_role("link", name="Moderation").click()
    assert_accessible(mona, "moderation queue")
    mona.get_by_role("link", name=TITLE).click()
    expect(mona.get_by_text("THAMM is the regional programme")).to_be_visible()
    assert_accessible(mona, "moderation page")
    mona.get_by_role("button", name="Claim").click()
    expect(mona.get_by_text("Being reviewed by Mona Moderator.")).to_be_visible()
    mona.get_by_label("Message to the submitter").fill("Please add when it started.")
    mona.get_by_role("button", name="Request changes").click()
    expect(mona.locator(".badge").first).to_have_text("Changes requested")

    # The submitter sees the message, edits and resubmits.
    ana.get_by_role("navigation", name="Account").get_by_role("link", name="My submissions").click()
    assert_accessible(ana, "my submissions")
    ana.get_by_role("link", name=TITLE).click()
    expect(ana.get_by_text("Please add when it started.")).to_be_visible()
    ana.get_by_role("link", name="Edit").click()
    expect(ana.get_by_text("The moderators asked for changes.")).to_be_visible()
    ana.get_by_label("Start").fill("2022")
    ana.get_by_label("Ongoing").check()
    ana.get_by_role("button", name="Submit for review").click()
    expect(ana.locator(".badge")).to_have_text("Submitted")

    # The moderator approves: the practice is published, credited to its submitter.
    mona.get_by_role("navigation", name="Account").get_by_role("link", name="Moderation").click()
    mona.get_by_role("link", name=TITLE).click()
    mona.get_by_label("Message to the submitter").fill("Thank you!")
    mona.get_by_role("button", name="Approve").click()
    expect(mona.get_by_text(f"Approved and published: {TITLE}")).to_be_visible()

    today = timezone.localdate().strftime("%-d %B %Y")
    for path in ("/en/regions/northern-africa/", "/en/themes/regular-pathways/"):
        ana.goto(base + path)
        card = ana.locator("article.card").filter(has=ana.get_by_role("link", name=TITLE))
        expect(card).to_contain_text(f"Submitted by Ms. Ana Díaz on {today}")
    ana.get_by_role("link", name=TITLE).first.click()
    expect(ana.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(ana.get_by_text("Since 2022 (ongoing)")).to_be_visible()
