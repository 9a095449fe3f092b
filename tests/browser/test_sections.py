"""The sections of a record in Chromium (issue 13): the detail page in English and in Arabic (right to left, a
section in its original language marked with it), the "has evidence of results" checkbox of the listing, and the
proposal form's "What worked and why" fieldset, each accessible (axe) and valid HTML (vnu)."""

from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from initiatives import sections
from tests.browser.axe import axe_violations, format_violations
from tests.browser.html_check import vnu_errors
from tests.factories import make_initiative

PASSWORD = "Plover-Tandem-Gravel-42"


def assert_clean(page, response, name):
    violations = axe_violations(page)
    assert violations == [], f"{name}:\n{format_violations(violations)}"
    errors = vnu_errors(response.text())
    assert errors == [], f"{name}:\n" + "\n".join(errors)


def test_sections_on_the_page_in_two_directions_and_the_evidence_filter(page, seeded_live_server):
    make_initiative(
        title="Sections pilot",
        slug="sections-pilot",
        context="Workers paid brokers.",
        results="Fees fell by half.\n\nNo broker was paid in the second year.",
        results_ar="انخفضت الرسوم إلى النصف.",
        evidence="An independent evaluation (2021).",
    )
    base = seeded_live_server.url

    response = page.goto(base + "/en/initiatives/sections-pilot/")
    expect(page.get_by_role("heading", name="Results and impact", level=2)).to_be_visible()
    expect(page.get_by_role("heading", name="Evidence of results", level=2)).to_be_visible()
    expect(page.get_by_text("No broker was paid in the second year.")).to_be_visible()
    assert_clean(page, response, "detail in English")

    response = page.goto(base + "/ar/initiatives/sections-pilot/")
    expect(page.get_by_text("انخفضت الرسوم إلى النصف.")).to_be_visible()
    expect(page.locator('div[lang="en"]', has_text="An independent evaluation (2021).")).to_be_visible()
    assert_clean(page, response, "detail in Arabic")

    response = page.goto(base + "/en/initiatives/")
    page.get_by_role("checkbox", name="Has evidence of results").click()  # the script applies it at once
    page.wait_for_url("**evidence=1**")
    expect(page.get_by_role("link", name="Sections pilot")).to_be_visible()
    expect(page.get_by_role("link", name="THAMM", exact=False)).to_have_count(0)
    expect(page.get_by_role("checkbox", name="Has evidence of results")).to_be_checked()
    expect(page.get_by_role("link", name="Remove filter Evidence: Has evidence of results")).to_be_visible()
    assert axe_violations(page) == []


def test_the_proposal_form_asks_for_the_sections(browser, seeded_live_server):
    get_user_model().objects.create_user(
        username="ana@example.org", email="ana@example.org", password=PASSWORD, first_name="Ana"
    )
    context = browser.new_context(bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(seeded_live_server.url + "/en/accounts/login/")
        page.get_by_label("E-mail address").fill("ana@example.org")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        response = page.goto(seeded_live_server.url + "/en/submit/")
        fieldset = page.get_by_role("group", name="What worked and why (optional)")
        for section in sections.SECTIONS:
            field = fieldset.get_by_label(str(section.heading), exact=True)
            expect(field).to_be_visible()
            expect(field).to_have_accessible_description(str(section.guidance))
        assert_clean(page, response, "proposal form")
    finally:
        context.close()
