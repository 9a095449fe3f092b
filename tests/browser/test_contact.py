"""Issue 13 (orgs) in a real browser: an organisation's profile, a country's partner initiatives, and the
"Contact the implementer" walk (detail page → form with an error → check your inbox → link from the e-mail → sent);
every page passes axe (no serious or critical violation) and the Nu checker."""

import re
from urllib.parse import urlsplit

from django.conf import settings
from playwright.sync_api import expect

from initiatives import services
from initiatives.models import Country, Initiative, Organisation
from tests.browser.axe import axe_violations, format_violations
from tests.browser.html_check import vnu_errors_many

CONTACT = "hidden.contact@implementer.example"
SENDER = "jo@university.example"


def assert_accessible(page, documents: dict, name: str):
    documents[name] = page.content()
    violations = axe_violations(page)
    assert violations == [], f"{name}:\n{format_violations(violations)}"


def test_contact_the_implementer_and_organisation_profiles(page, seeded_live_server, mailoutbox):
    base = seeded_live_server.url
    documents = {}
    Organisation.objects.filter(slug="icmpd").update(
        kind=Organisation.Kind.INTERNATIONAL, country=Country.objects.get(code="at"), website="https://www.icmpd.org/"
    )
    initiative = Initiative.objects.get(slug="thamm")
    Initiative.objects.filter(pk=initiative.pk).update(
        contact_name="Amina Diallo", contact_role="Programme officer", contact_email=CONTACT
    )
    services.collection_changed()

    page.goto(base + "/en/organisations/icmpd/")
    expect(page.get_by_text("International organisation")).to_be_visible()
    assert_accessible(page, documents, "organisation")

    page.goto(base + "/en/countries/at/")
    page.locator(".partner-initiatives summary").click()
    assert_accessible(page, documents, "country")

    page.goto(base + "/en/initiatives/thamm/")
    expect(page.get_by_text("Amina Diallo")).to_be_visible()
    assert CONTACT not in page.content()
    page.get_by_role("link", name="Contact the implementer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Contact the implementer")
    assert_accessible(page, documents, "form")

    page.get_by_label("Your name").fill("Jo Researcher")
    page.get_by_label("Your e-mail address").fill("jo@")
    page.get_by_label("Message").fill("Could you share the evaluation?")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_label("Message")).to_have_value("Could you share the evaluation?")
    assert_accessible(page, documents, "form-with-errors")

    page.get_by_label("Your e-mail address").fill(SENDER)
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    assert_accessible(page, documents, "sent")

    [verification] = mailoutbox
    link = re.search(rf"{re.escape(settings.SITE_URL)}(/en/contact/verify/\S+)", verification.body)[1]
    page.goto(base + urlsplit(link).path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Send your message")
    assert_accessible(page, documents, "verify")
    page.get_by_role("button", name="Send my message").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your message is on its way")
    assert_accessible(page, documents, "relayed")
    assert [m.to for m in mailoutbox] == [[SENDER], [CONTACT]]

    response = page.goto(base + "/en/contact/verify/nonsense/")
    assert response is not None and response.status == 400
    assert_accessible(page, documents, "invalid")

    assert vnu_errors_many(documents) == {name: [] for name in documents}
