"""Log-in attempts are throttled per account and per client, on the portal's and the admin's log-in pages alike;
the forms that send e-mail are limited per client and per address. Throttled answers are 429 with Retry-After
and keep what was typed."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from accounts import throttle
from tests.accounts.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
ADMIN_LOGIN = reverse("admin:login")
EMAIL = "ana.diaz@example.org"
THROTTLED = "Too many failed log-in attempts."


def log_in(client, email=EMAIL, password="wrong password", url=LOGIN):
    return client.post(url, {"username": email, "password": password})


def logged_in(client):
    return "_auth_user_id" in client.session


def test_an_account_is_throttled_after_five_failures_from_anywhere(account):
    for n in range(throttle.LOGIN_FAILURES_PER_ACCOUNT.count):
        response = log_in(Client(REMOTE_ADDR=f"198.51.100.{n}"))
        assert response.status_code == 200
        assert THROTTLED not in response.content.decode()
    # From a new address, even with the right password: refused before the password is looked at.
    client = Client(REMOTE_ADDR="198.51.100.99")
    response = log_in(client, email=EMAIL.upper(), password=PASSWORD)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    html = response.content.decode()
    assert THROTTLED in html
    assert f'value="{EMAIL}"' in html or f'value="{EMAIL.upper()}"' in html  # what was typed is kept
    assert not logged_in(client)
    # Another account is not affected.
    other = get_user_model().objects.create_user("ben@example.org", "ben@example.org", PASSWORD)
    assert other.is_active
    assert log_in(client, email="ben@example.org", password=PASSWORD).status_code == 302


def test_a_client_is_throttled_after_twenty_failures_across_accounts(account):
    client = Client(REMOTE_ADDR="203.0.113.5")
    for n in range(throttle.LOGIN_FAILURES_PER_CLIENT.count):
        assert log_in(client, email=f"guess{n}@example.org").status_code == 200
    response = log_in(client, password=PASSWORD)
    assert response.status_code == 429
    assert not logged_in(client)
    # The account itself is not locked for everyone else.
    elsewhere = Client(REMOTE_ADDR="203.0.113.6")
    assert log_in(elsewhere, password=PASSWORD).status_code == 302
    assert logged_in(elsewhere)


def test_a_successful_log_in_forgets_the_accounts_failures(account):
    client = Client(REMOTE_ADDR="192.0.2.1")
    for _ in range(throttle.LOGIN_FAILURES_PER_ACCOUNT.count - 1):
        log_in(client)
    assert log_in(client, password=PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))
    for _ in range(throttle.LOGIN_FAILURES_PER_ACCOUNT.count - 1):
        assert log_in(client).status_code == 200
    assert log_in(client, password=PASSWORD).status_code == 302


def test_the_admin_log_in_shares_the_throttle(admin_user):
    client = Client(REMOTE_ADDR="192.0.2.50")
    for _ in range(throttle.LOGIN_FAILURES_PER_ACCOUNT.count):
        assert log_in(client, email="admin", url=ADMIN_LOGIN).status_code == 200
    response = log_in(Client(REMOTE_ADDR="192.0.2.51"), email="admin", password="password", url=ADMIN_LOGIN)
    assert THROTTLED in response.content.decode()
    assert "_auth_user_id" not in response.wsgi_request.session
    # The portal's own log-in page counts the same failures.
    assert log_in(Client(REMOTE_ADDR="192.0.2.52"), email="admin", password="password").status_code == 429


def test_password_reset_requests_are_limited_per_address(account, mailoutbox):
    url = reverse("accounts:password-reset")
    for n in range(throttle.EMAILS_PER_ADDRESS.count):
        assert Client(REMOTE_ADDR=f"10.1.0.{n}").post(url, {"email": EMAIL}).status_code == 302
    response = Client(REMOTE_ADDR="10.1.0.99").post(url, {"email": EMAIL})
    assert response.status_code == 429
    assert "Too many requests for this address or from this connection" in response.content.decode()
    assert len(mailoutbox) == throttle.EMAILS_PER_ADDRESS.count


def test_verification_resends_are_limited_per_client(db, mailoutbox):
    client = Client(REMOTE_ADDR="10.2.0.1")
    url = reverse("accounts:resend")
    for n in range(throttle.EMAILS_PER_CLIENT.count):
        assert client.post(url, {"email": f"someone{n}@example.org"}).status_code == 302
    response = client.post(url, {"email": "one-more@example.org"})
    assert response.status_code == 429
    assert 'value="one-more@example.org"' in response.content.decode()


def test_sign_ups_are_limited_per_client(db, mailoutbox):
    client = Client(REMOTE_ADDR="10.3.0.1")
    url = reverse("accounts:sign-up")
    data = {
        "name": "A Person",
        "honorific": "",
        "organisation": "",
        "password1": "a long passphrase 1234",
        "password2": "a long passphrase 1234",
    }
    for n in range(throttle.SIGN_UPS_PER_CLIENT.count):
        assert client.post(url, {**data, "email": f"new{n}@example.org"}).status_code == 302
    response = client.post(url, {**data, "email": "eleventh@example.org"})
    assert response.status_code == 429
    assert not get_user_model().objects.filter(email="eleventh@example.org").exists()
    assert len(mailoutbox) == throttle.SIGN_UPS_PER_CLIENT.count
