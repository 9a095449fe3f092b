"""Correcting before approving, in a real browser (issue 13): the moderator who claimed a submission opens the form
filled with it, fixes a typo and the classification, saves with a note, and approves; the submitter sees exactly what
was changed. The pages pass axe and the HTML checker."""

from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from initiatives.models import Initiative
from submissions import services
from submissions.forms import ProposalForm
from tests.browser.axe import axe_violations, format_violations
from tests.browser.html_check import vnu_errors_many
from tests.submissions.conftest import PROPOSAL

PASSWORD = "Plover-Tandem-Gravel-42"
TYPO = "Seasonal Wrokers Mobility Pilot"
FIXED = "Seasonal Workers Mobility Pilot"


def assert_accessible(page, name):
    violations = axe_violations(page)
    assert violations == [], f"{name}:\n{format_violations(violations)}"


def _log_in(page, base, email):
    page.goto(base + "/en/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_a_moderator_corrects_then_approves_and_the_submitter_sees_the_changes(browser, seeded_live_server):
    base = seeded_live_server.url
    users = get_user_model().objects
    author = users.create_user(
        username="ana@example.org", email="ana@example.org", password=PASSWORD, first_name="Ana", last_name="Díaz"
    )
    moderator = users.create_user(
        username="mona@example.org", email="mona@example.org", password=PASSWORD, first_name="Mona"
    )
    moderator.groups.add(services.ensure_moderators_group())
    form = ProposalForm({**PROPOSAL, "title": TYPO})
    assert form.is_valid(), form.errors
    submission = services.create_submission(author=author, data=form.to_data(), consent=True)
    services.submit(submission=submission, author=author)
    services.claim(submission=submission, moderator=moderator)

    contexts = [browser.new_context(bypass_csp=True) for _person in range(2)]
    try:
        mona, ana = (context.new_page() for context in contexts)
        _log_in(mona, base, "mona@example.org")
        mona.goto(f"{base}/en/moderation/{submission.pk}/")
        mona.get_by_role("link", name="Correct before approving").click()
        expect(mona.get_by_label("Title (required)")).to_have_value(TYPO)
        assert_accessible(mona, "correction form")
        # The HTML as served (page.content() would hold the axe script injected into the page).
        pages = {"correction form": mona.context.request.get(mona.url).text()}
        mona.get_by_label("Title (required)").fill(FIXED)
        mona.get_by_label("Objective 6: Recruitment and decent work").uncheck()
        mona.get_by_label("Note to the submitter about this correction").fill("Fixed a typo; one objective is enough.")
        mona.get_by_role("button", name="Save corrections").click()
        expect(mona.get_by_text("Your corrections were saved")).to_be_visible()
        expect(mona.get_by_role("heading", name="Corrected by the moderators")).to_be_visible()
        assert_accessible(mona, "moderation page with a correction")
        pages["moderation page"] = mona.context.request.get(mona.url).text()
        mona.get_by_role("button", name="Approve").click()
        expect(mona.get_by_text(f"Approved and published: {FIXED}")).to_be_visible()

        _log_in(ana, base, "ana@example.org")
        ana.goto(f"{base}/en/submissions/{submission.pk}/")
        corrections = ana.locator("section.corrections")
        expect(corrections.get_by_role("heading", name="Corrected by the moderators")).to_be_visible()
        expect(corrections.locator("del").first).to_have_text(TYPO)
        expect(corrections.locator("ins").first).to_have_text(FIXED)
        expect(corrections.get_by_text("Fixed a typo; one objective is enough.")).to_be_visible()
        assert_accessible(ana, "submission page with a correction")
        pages["submission page"] = ana.context.request.get(ana.url).text()
        assert vnu_errors_many(pages) == {name: [] for name in pages}
    finally:
        for context in contexts:
            context.close()
    initiative = Initiative.objects.get(title=FIXED)
    assert list(initiative.themes.values_list("slug", flat=True)) == ["regular-pathways"]
