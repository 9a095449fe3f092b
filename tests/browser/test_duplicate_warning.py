"""Issue 14 in a real browser: a submitter proposing, in French, a practice the seed already has in English is warned
with its title (and no score); the moderator sees the same look-alike with its score. The pages stay accessible."""

import io
import re

from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import expect

from submissions import services
from tests.browser.axe import axe_violations, format_violations

PASSWORD = "Plover-Tandem-Gravel-42"
PARE_TITLE = "PARE 1+1 Programme for Attracting Remittances into the Economy"
FRENCH_TITLE = "Programme pour attirer les envois de fonds dans l'économie"
FRENCH_SUMMARY = (
    "Un programme qui complète l'argent investi par les migrants dans une entreprise et les forme à l'entrepreneuriat."
)


def _log_in(page, base, email):
    page.goto(base + "/en/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_a_french_paraphrase_of_a_seed_practice_is_flagged(browser, seeded_live_server):
    base = seeded_live_server.url
    call_command("rebuild_embeddings", stdout=io.StringIO())
    users = get_user_model().objects
    users.create_user(username="ana@example.org", email="ana@example.org", password=PASSWORD, first_name="Ana")
    moderator = users.create_user(
        username="mona@example.org", email="mona@example.org", password=PASSWORD, first_name="Mona"
    )
    moderator.groups.add(services.ensure_moderators_group())

    contexts = [browser.new_context(bypass_csp=True) for _person in range(2)]
    try:
        ana, mona = (context.new_page() for context in contexts)
        _log_in(ana, base, "ana@example.org")
        ana.goto(base + "/en/submit/")
        ana.get_by_label("Title (required)").fill(FRENCH_TITLE)
        ana.get_by_label("Summary (required)").fill(FRENCH_SUMMARY)
        ana.get_by_label("Category (required)").select_option(label="Programmes and Projects")
        ana.get_by_label("I agree that this initiative is published under my name as given above.").check()
        ana.get_by_role("button", name="Submit for review").click()

        warning = ana.locator("#duplicates")
        expect(warning.get_by_role("heading", name="These published initiatives look similar")).to_be_visible()
        expect(warning.get_by_role("link")).to_have_text([PARE_TITLE])
        expect(warning).not_to_contain_text("similarity")  # the score is for moderators
        violations = axe_violations(ana)
        assert violations == [], format_violations(violations)

        ana.get_by_label("Mine is not one of the similar initiatives shown above").check()
        ana.get_by_role("button", name="Submit for review").click()
        expect(ana.get_by_text("your submission was sent to the moderators")).to_be_visible()

        _log_in(mona, base, "mona@example.org")
        mona.get_by_role("navigation", name="Account").get_by_role("link", name="Moderation").click()
        mona.get_by_role("link", name=FRENCH_TITLE).click()
        look_alikes = mona.locator(".duplicates")
        expect(look_alikes.get_by_role("link")).to_have_text([PARE_TITLE])
        expect(look_alikes.locator(".duplicate-score")).to_have_text([re.compile(r"similarity 0\.\d\d")])
        violations = axe_violations(mona)
        assert violations == [], format_violations(violations)
    finally:
        for context in contexts:  # before the live server stops, or its threads outlive it
            context.close()
