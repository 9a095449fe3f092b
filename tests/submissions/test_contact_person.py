"""Issue 13 (orgs): the contact person in the proposal form, carried to the initiative on approval; the address is
never shown back, not even to someone suggesting an update."""

import pytest

from initiatives.models import Initiative
from submissions import services
from submissions.models import Submission
from tests.submissions.conftest import PROPOSAL

pytestmark = pytest.mark.django_db

CONTACT = {
    "contact_name": "Amina Diallo",
    "contact_role": "Programme officer",
    "contact_organisation": "Moldovan Employment Agency",
    "contact_email": "amina.diallo@agency.example",
}


def post(client, url="/en/submit/", **overrides):
    return client.post(url, {**PROPOSAL, "consent": "on", "action": "submit", **CONTACT, **overrides})


def test_the_form_asks_for_the_contact_person_and_says_the_address_is_never_published(client, author):
    client.force_login(author)
    html = client.get("/en/submit/").content.decode()
    assert "<legend>Contact person</legend>" in html
    for name in CONTACT:
        assert f'name="{name}"' in html
    assert "the e-mail address is never published" in html


def test_approval_carries_the_contact_person_to_the_initiative_and_the_page_hides_the_address(
    client, author, moderator
):
    client.force_login(author)
    assert post(client).status_code == 302
    submission = Submission.objects.latest("pk")
    assert submission.data["contact_email"] == CONTACT["contact_email"]
    initiative = services.approve(submission=submission, moderator=moderator)
    for name, value in CONTACT.items():
        assert getattr(initiative, name) == value
    client.logout()
    html = client.get(initiative.get_absolute_url()).content.decode()
    assert "Amina Diallo" in html and "Programme officer" in html
    assert "agency.example" not in html
    assert f'href="/en/initiatives/{initiative.slug}/contact/"' in html


def test_a_bad_contact_address_is_an_error_beside_the_field_and_keeps_the_rest(client, author):
    client.force_login(author)
    response = post(client, contact_email="not an address", contact_role="x" * 201)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_contact_email_error"' in html and 'id="id_contact_role_error"' in html
    assert 'value="Amina Diallo"' in html
    assert not Submission.objects.exists()


def test_a_suggested_update_never_shows_the_address_and_keeps_it_when_left_empty(client, author, moderator):
    thamm = Initiative.objects.get(slug="thamm")
    Initiative.objects.filter(pk=thamm.pk).update(contact_name="Karim B.", contact_email="karim@thamm.example")
    client.force_login(author)
    page = client.get("/en/initiatives/thamm/suggest-update/").content.decode()
    assert 'value="Karim B."' in page and "karim@thamm.example" not in page

    response = post(
        client,
        url="/en/initiatives/thamm/suggest-update/",
        title=thamm.title,
        contact_name="Karim Benali",
        contact_email="",
    )
    assert response.status_code == 302
    services.approve(submission=Submission.objects.latest("pk"), moderator=moderator)
    thamm.refresh_from_db()
    assert thamm.contact_name == "Karim Benali"
    assert thamm.contact_email == "karim@thamm.example"  # empty in an update: kept
