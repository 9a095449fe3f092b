"""The "Contact the implementer" relay: the contact's address is never shown; a message reaches it only after its
sender follows the link sent to their own address, once; rate limits answer the same; bad input keeps the form."""

import datetime
import io
import re
import time

import pytest
from django.conf import settings
from django.core import signing
from django.core.management import call_command
from django.utils import timezone

from contact import ratelimit, services, tokens
from contact.models import ContactMessage
from tests.factories import make_initiative

pytestmark = pytest.mark.django_db

CONTACT = "hidden.contact@implementer.example"
OTHER_CONTACT = "other.contact@elsewhere.example"
SENDER = "researcher@university.example"


@pytest.fixture(autouse=True)
def _mail_sent_at_once(mail_sent_at_once):
    """These tests read what the e-mails say: the queue runs each one as it is enqueued."""


@pytest.fixture
def initiative():
    return make_initiative(
        title="Skills passports",
        slug="skills-passports",
        contact_name="Amina Diallo",
        contact_role="Programme officer",
        contact_organisation="Labour Ministry",
        contact_email=CONTACT,
    )


@pytest.fixture
def other():
    return make_initiative(title="Other practice", slug="other-practice", contact_email=OTHER_CONTACT)


def write(client, slug="skills-passports", **data):
    data = {
        "sender_name": "Jo Researcher",
        "sender_email": SENDER,
        "subject": "Your evaluation",
        "message": "Hello,\nCould you share the evaluation report?\nThanks",
        **data,
    }
    return client.post(f"/en/initiatives/{slug}/contact/", data)


def verify_path(message) -> str:
    links = re.findall(rf"{re.escape(settings.SITE_URL)}(/en/contact/verify/\S+/)", message.body)
    assert len(links) == 1, message.body
    return links[0]


def to(mailoutbox, address):
    return [message for message in mailoutbox if address in message.to]


# --- the page and the link ---------------------------------------------------------------------------------------


def test_detail_page_shows_the_contact_person_and_the_link_never_the_address(client, initiative):
    html = client.get("/en/initiatives/skills-passports/").content.decode()
    assert "Amina Diallo" in html and "Programme officer" in html and "Labour Ministry" in html
    assert 'href="/en/initiatives/skills-passports/contact/"' in html
    assert CONTACT not in html and "implementer.example" not in html


def test_no_address_no_form_and_drafts_have_none(client):
    make_initiative(slug="no-address", contact_name="Someone")
    make_initiative(slug="draft-one", contact_email=CONTACT, publish=False)
    html = client.get("/en/initiatives/no-address/").content.decode()
    assert "Someone" in html and "/contact/" not in html
    assert client.get("/en/initiatives/no-address/contact/").status_code == 404
    assert client.get("/en/initiatives/draft-one/contact/").status_code == 404
    assert client.get("/en/initiatives/nothing-here/contact/").status_code == 404


def test_the_form_page_does_not_show_the_address(client, initiative):
    response = client.get("/en/initiatives/skills-passports/contact/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Contact the implementer" in html and "Amina Diallo" in html
    assert CONTACT not in html


# --- end to end --------------------------------------------------------------------------------------------------


def test_the_message_reaches_the_contact_only_after_the_sender_verifies(client, initiative, other, mailoutbox):
    response = write(client)
    assert response.status_code == 302 and response["Location"] == "/en/initiatives/skills-passports/contact/sent/"
    assert client.get(response["Location"]).status_code == 200

    # Only the sender has an e-mail: a link, nothing they typed, nothing of the contact's.
    assert [m.to for m in mailoutbox] == [[SENDER]]
    verification = mailoutbox[0]
    raw = verification.message().as_bytes()
    assert CONTACT.encode() not in raw and b"Jo Researcher" not in raw and b"evaluation report" not in raw
    assert not to(mailoutbox, CONTACT)

    path = verify_path(verification)
    page = client.get(path)  # a mail scanner following the link sends nothing
    assert page.status_code == 200 and "Send my message" in page.content.decode()
    assert not to(mailoutbox, CONTACT)

    sent = client.post(path)
    assert sent.status_code == 200 and CONTACT not in sent.content.decode()
    [relayed] = to(mailoutbox, CONTACT)
    assert relayed.reply_to == [SENDER]
    assert relayed.to == [CONTACT]
    assert "> Could you share the evaluation report?" in relayed.body
    assert "Jo Researcher" in relayed.body and "Skills passports" in relayed.subject
    raw = relayed.message().as_bytes()
    assert b"Reply-To: " + SENDER.encode() in raw
    # The neighbour: the other initiative's contact receives nothing.
    assert not to(mailoutbox, OTHER_CONTACT)
    # The sender got no copy of anything with the contact's address.
    assert all(CONTACT not in m.message().as_string() for m in to(mailoutbox, SENDER))


def test_a_link_used_twice_sends_once(client, initiative, mailoutbox):
    write(client)
    path = verify_path(mailoutbox[0])
    client.post(path)
    again = client.post(path)
    assert again.status_code == 200 and "already sent" in again.content.decode()
    assert client.get(path).status_code == 200
    assert len(to(mailoutbox, CONTACT)) == 1


def test_an_expired_link_is_refused(client, initiative, mailoutbox, monkeypatch):
    write(client)
    path = verify_path(mailoutbox[0])
    later = time.time() + tokens.VERIFICATION_LINK_VALIDITY.total_seconds() + 60
    monkeypatch.setattr(signing.time, "time", lambda: later)
    response = client.post(path)
    assert response.status_code == 400 and "does not work" in response.content.decode()
    assert not to(mailoutbox, CONTACT)


@pytest.mark.parametrize("mangle", [lambda p: p.replace("/verify/", "/verify/x"), lambda p: p[:-6] + "/"])
def test_a_tampered_link_is_refused(client, initiative, mailoutbox, mangle):
    write(client)
    response = client.post(mangle(verify_path(mailoutbox[0])))
    assert response.status_code in (400, 404)
    assert not to(mailoutbox, CONTACT)


def test_a_link_of_an_initiative_that_lost_its_address_sends_nothing(client, initiative, mailoutbox):
    write(client)
    path = verify_path(mailoutbox[0])
    type(initiative).objects.filter(pk=initiative.pk).update(contact_email="")
    assert client.post(path).status_code == 404
    assert len(mailoutbox) == 1


# --- limits and bad input ----------------------------------------------------------------------------------------


def test_bad_input_keeps_the_form_and_sends_nothing(client, initiative, mailoutbox):
    response = write(client, sender_email="not-an-address", message="x" * 5001)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_sender_email_error"' in html and 'id="id_message_error"' in html
    assert 'value="Jo Researcher"' in html and "Your evaluation" in html  # what was typed stays
    assert not mailoutbox and not ContactMessage.objects.exists()


def test_a_filled_honeypot_sends_nothing(client, initiative, mailoutbox):
    response = write(client, homepage="http://spam.example")
    assert response.status_code == 400
    assert not mailoutbox and not ContactMessage.objects.exists()


def test_per_client_limit_says_so_and_keeps_the_text(client, initiative, mailoutbox):
    for n in range(ratelimit.PER_CLIENT.count):
        write(client, sender_email=f"sender{n}@example.org")
    response = write(client, sender_email="one-more@example.org")
    assert response.status_code == 429
    assert "Too many messages" in response.content.decode()
    assert "Could you share the evaluation report?" in response.content.decode()
    assert len(mailoutbox) == ratelimit.PER_CLIENT.count


def test_per_sender_limit_answers_the_same_and_sends_nothing_more(initiative, mailoutbox):
    from django.test import Client

    for n in range(ratelimit.PER_SENDER.count + 2):
        client = Client(REMOTE_ADDR=f"198.51.100.{n}")  # a different client each time
        response = write(client)
        assert response.status_code == 302 and response["Location"].endswith("/contact/sent/")
    assert len(mailoutbox) == ratelimit.PER_SENDER.count


def test_per_initiative_limit_answers_the_same_and_spares_the_other_initiative(initiative, other, mailoutbox):
    from django.test import Client

    for n in range(ratelimit.PER_INITIATIVE.count + 1):
        response = write(Client(REMOTE_ADDR=f"203.0.113.{n}"), sender_email=f"s{n}@example.org")
        assert response.status_code == 302
    assert ContactMessage.objects.filter(initiative=initiative).count() == ratelimit.PER_INITIATIVE.count
    response = write(Client(REMOTE_ADDR="192.0.2.1"), slug="other-practice", sender_email="new@example.org")
    assert response.status_code == 302
    assert ContactMessage.objects.filter(initiative=other).count() == 1


# --- purge -------------------------------------------------------------------------------------------------------


def test_purge_deletes_expired_messages_and_keeps_fresh_ones(initiative):
    services.request_message(
        initiative=initiative, sender_name="A", sender_email=SENDER, subject="", message="old", language="en"
    )
    fresh = services.request_message(
        initiative=initiative, sender_name="B", sender_email=SENDER, subject="", message="new", language="en"
    )
    ContactMessage.objects.exclude(pk=fresh.pk).update(created_at=timezone.now() - datetime.timedelta(days=4))
    out = io.StringIO()
    call_command("purge_contact_messages", stdout=out)
    assert "Deleted 1 " in out.getvalue()
    assert list(ContactMessage.objects.values_list("message", flat=True)) == ["new"]
