"""The Sustainable Development Goals in a real browser (issue 13): their index, a goal's and a target's page, an
initiative's page and the proposal form's pickers are accessible (axe-core) and valid HTML (Nu Html Checker), and a
goal filter ticked without JavaScript finds an initiative that names only one of its targets."""

from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Profile
from initiatives import services
from initiatives.models import Initiative, SdgTarget
from tests.browser.axe import axe_violations, format_violations
from tests.browser.html_check import vnu_errors_many

PASSWORD = "Plover-Tandem-Gravel-42"


def _with_target(slug: str, code: str) -> Initiative:
    initiative = Initiative.objects.get(slug=slug)
    initiative.sdg_targets.set(SdgTarget.objects.filter(code=code))
    # The end of the one write path: what is derived (covered goals, the facet-count tables) and the cached pages.
    services.initiative_written(initiative=initiative, reason="test")
    return initiative


def test_sdg_pages_are_accessible_and_valid(browser, seeded_live_server):
    _with_target("thamm", "10.7")
    ana = get_user_model().objects.create_user(username="ana@example.org", email="ana@example.org", password=PASSWORD)
    Profile.objects.update_or_create(user=ana, defaults={"email_verified_at": timezone.now()})
    pages = {
        "index": "/en/sdgs/",
        "targets index": "/en/sdg-targets/",
        "goal": "/en/sdgs/10/",
        "target": "/en/sdg-targets/10-7/",
        "target in Arabic": "/ar/sdg-targets/10-7/",
        "detail": "/en/initiatives/thamm/",
        "listing": "/en/initiatives/?sdg=10",
    }
    context = browser.new_context(bypass_csp=True)  # axe is injected
    page = context.new_page()
    try:
        documents = {}
        for name, url in pages.items():
            response = page.goto(seeded_live_server.url + url)
            assert response.status == 200, (name, response.status)
            documents[name] = response.text()
            violations = axe_violations(page)
            assert violations == [], f"{name} ({url}):\n{format_violations(violations)}"
        page.goto(seeded_live_server.url + "/en/accounts/login/")
        page.get_by_label("E-mail address").fill("ana@example.org")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("link", name="Share a practice")).to_be_visible()
        response = page.goto(seeded_live_server.url + "/en/submit/")
        documents["form"] = response.text()
        page.get_by_role("searchbox", name="SDG targets: Filter the list").fill("10.7")
        page.get_by_label("10.7 Facilitate orderly, safe, regular").check()
        violations = axe_violations(page)
        assert violations == [], f"form:\n{format_violations(violations)}"
    finally:
        context.close()
    found = vnu_errors_many(documents)
    assert {name: errors for name, errors in found.items() if errors} == {}


def test_a_goal_filter_without_javascript_finds_an_initiative_of_one_of_its_targets(browser, seeded_live_server):
    _with_target("thamm", "10.7")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(seeded_live_server.url + "/en/initiatives/")
        page.get_by_label("Goal 10: Reduced inequalities (1)").check()
        page.get_by_role("button", name="Apply filters").click()
        expect(page.locator("#results-heading")).to_have_text("1 initiative")
        page.goto(seeded_live_server.url + "/en/initiatives/thamm/")
        page.get_by_role("link", name="Goal 10: Reduced inequalities", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Goal 10: Reduced inequalities")
    finally:
        context.close()
