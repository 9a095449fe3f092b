"""Asking for a new verification link answers the same whatever the address, and sends only where it should."""

import pytest
from django.urls import reverse

from tests.accounts.factories import follow_link, link_path

pytestmark = pytest.mark.django_db

RESEND = reverse("accounts:resend")


def _ask(client, email):
    response = client.post(RESEND, {"email": email})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:verify-sent")
    return client.get(response["Location"]).content.decode()


def test_resend_page_is_public(client):
    response = client.get(RESEND)
    assert response.status_code == 200
    assert 'autocomplete="email"' in response.content.decode()


def test_the_answer_is_the_same_for_any_address(client, account, unverified_account, mailoutbox):
    pages = {}
    for label, email in [
        ("unknown", "nobody@example.org"),
        ("verified", account.email),
        ("unverified", unverified_account.email),
    ]:
        page = _ask(client, email)
        pages[label] = page.replace(email, "ADDRESS")
    assert pages["unknown"] == pages["verified"] == pages["unverified"]
    assert "If <strong>ADDRESS</strong> belongs to an account waiting for verification" in pages["unknown"]
    # Only the account waiting for verification got a link.
    assert [message.to for message in mailoutbox] == [[unverified_account.email]]


def test_the_new_link_works_in_any_case_of_the_address(client, unverified_account, mailoutbox):
    _ask(client, "BEN.OKAFOR@example.org")
    assert len(mailoutbox) == 1
    response = follow_link(client, link_path(mailoutbox[0]))
    assert response.status_code == 302
    unverified_account.refresh_from_db()
    assert unverified_account.is_active


def test_no_link_for_an_account_an_administrator_deactivated(client, account, mailoutbox):
    account.is_active = False
    account.save()
    _ask(client, account.email)
    assert mailoutbox == []


def test_a_failing_mail_server_is_logged_and_answered_the_same(client, unverified_account, monkeypatch, caplog):
    from django.core.mail import EmailMultiAlternatives

    def refuse(self, *args, **kwargs):
        raise ConnectionRefusedError("no mail server")

    monkeypatch.setattr(EmailMultiAlternatives, "send", refuse)
    _ask(client, unverified_account.email)
    # The e-mail is sent by the task queue (here run at once, a backend that cannot retry): the failure is logged.
    assert "Giving up on e-mail accounts.emails.new_verification" in caplog.text


@pytest.mark.parametrize("email", ["", "not an address", "a" * 300 + "@example.org", "ben\x00@example.org"])
def test_an_invalid_address_is_explained(client, email, mailoutbox):
    response = client.post(RESEND, {"email": email})
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert 'id="id_email_error"' in response.content.decode()
    assert mailoutbox == []
