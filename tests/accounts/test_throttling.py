"""Log-in attempts are throttled per (account, client) and per client, on the portal's and the admin's log-in pages
alike, and never lock the owner out for strangers' failures; the forms that send e-mail are limited per client and
per (address, client); wrong old passwords per account and client. Throttled answers are 429 with Retry-After and
keep what was typed."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from accounts import throttle
from tests.accounts.factories import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.any_database]

LOGIN = reverse("accounts:login")
ADMIN_LOGIN = reverse("admin:login")
EMAIL = "ana.diaz@example.org"
THROTTLED = "Too many failed log-in attempts."


def log_in(client, email=EMAIL, password="wrong password", url=LOGIN):
    return client.post(url, {"username": email, "password": password})


def logged_in(client):
    return "_auth_user_id" in client.session


def test_an_account_and_client_pair_is_throttled_after_five_failures(account):
    client = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(throttle.LOGIN_FAILURES_PER_ACCOUNT_CLIENT.count):
        response = log_in(client)
        assert response.status_code == 200
        assert THROTTLED not in response.content.decode()
    # Even with the right password: refused before the password is looked at.
    response = log_in(client, email=EMAIL.upper(), password=PASSWORD)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    html = response.content.decode()
    assert THROTTLED in html
    assert f'value="{EMAIL}"' in html or f'value="{EMAIL.upper()}"' in html  # what was typed is kept
    assert not logged_in(client)
    # Another account from the same client is not affected.
    other = get_user_model().objects.create_user("ben@example.org", "ben@example.org", PASSWORD)
    assert other.is_active
    assert log_in(client, email="ben@example.org", password=PASSWORD).status_code == 302


def test_strangers_failures_never_lock_the_owner_out(account):
    """Five wrong passwords from anywhere used to lock any account. Now strangers, however many, only lock
    themselves; once the account is under attack, a client that failed on it even once is refused."""
    per_client = throttle.LOGIN_FAILURES_PER_ACCOUNT_CLIENT.count
    strangers = [
        Client(REMOTE_ADDR=f"198.51.100.{n}") for n in range(throttle.LOGIN_FAILURES_PER_ACCOUNT.count // per_client)
    ]
    for stranger in strangers:
        for _ in range(per_client):
            log_in(stranger)
    # The owner, from her own browser, with her password: in.
    owner = Client(REMOTE_ADDR="203.0.113.200")
    assert log_in(owner, password=PASSWORD).status_code == 302
    assert logged_in(owner)
    # A new stranger gets one guess, then is refused as well.
    latecomer = Client(REMOTE_ADDR="198.51.100.250")
    assert log_in(latecomer).status_code == 200
    assert log_in(latecomer, password=PASSWORD).status_code == 429
    assert not logged_in(latecomer)


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


def test_a_successful_log_in_forgets_the_clients_failures(account):
    client = Client(REMOTE_ADDR="192.0.2.1")
    for _ in range(throttle.LOGIN_FAILURES_PER_ACCOUNT_CLIENT.count - 1):
        log_in(client)
    assert log_in(client, password=PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))
    for _ in range(throttle.LOGIN_FAILURES_PER_ACCOUNT_CLIENT.count - 1):
        assert log_in(client).status_code == 200
    assert log_in(client, password=PASSWORD).status_code == 302


def test_the_admin_log_in_shares_the_throttle(admin_user):
    client = Client(REMOTE_ADDR="192.0.2.50")
    for _ in range(throttle.LOGIN_FAILURES_PER_ACCOUNT_CLIENT.count):
        assert log_in(client, email="admin", url=ADMIN_LOGIN).status_code == 200
    response = log_in(client, email="admin", password="password", url=ADMIN_LOGIN)
    assert THROTTLED in response.content.decode()
    assert "_auth_user_id" not in response.wsgi_request.session
    # The portal's own log-in page counts the same failures.
    assert log_in(client, email="admin", password="password").status_code == 429
    # The administrator, from elsewhere, is not locked out by them.
    elsewhere = Client(REMOTE_ADDR="192.0.2.51")
    assert log_in(elsewhere, email="admin", password="password", url=ADMIN_LOGIN).status_code == 302
    assert logged_in(elsewhere)


def test_strangers_reset_requests_do_not_block_the_owners(account, mailoutbox):
    url = reverse("accounts:password-reset")
    stranger = Client(REMOTE_ADDR="10.1.0.1")
    for _ in range(throttle.EMAILS_PER_ADDRESS_CLIENT.count):
        assert stranger.post(url, {"email": EMAIL}).status_code == 302
    response = stranger.post(url, {"email": EMAIL})
    assert response.status_code == 429
    assert "Too many requests for this address or from this connection" in response.content.decode()
    assert len(mailoutbox) == throttle.EMAILS_PER_ADDRESS_CLIENT.count
    # The owner, from her own connection, still gets her link.
    assert Client(REMOTE_ADDR="10.1.0.99").post(url, {"email": EMAIL}).status_code == 302
    assert len(mailoutbox) == throttle.EMAILS_PER_ADDRESS_CLIENT.count + 1


def test_wrong_old_passwords_are_throttled(account):
    other = get_user_model().objects.create_user("ben@example.org", "ben@example.org", PASSWORD)
    url = reverse("accounts:password-change")
    data = {
        "old_password": "not it",
        "new_password1": "Quartz-Meadow-Lantern-77",
        "new_password2": "Quartz-Meadow-Lantern-77",
    }
    client = Client(REMOTE_ADDR="10.4.0.1")
    client.force_login(account)
    for _ in range(throttle.PASSWORD_CHANGE_FAILURES_PER_ACCOUNT.count):
        assert client.post(url, data).status_code == 200
    response = client.post(url, {**data, "old_password": PASSWORD})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert THROTTLED in response.content.decode()
    assert response.context["form"]["new_password1"].value() == "Quartz-Meadow-Lantern-77"
    assert get_user_model().objects.get(pk=account.pk).check_password(PASSWORD)
    # Another account's own password change is not affected.
    neighbour = Client(REMOTE_ADDR="10.4.0.2")
    neighbour.force_login(other)
    assert neighbour.post(url, {**data, "old_password": PASSWORD}).status_code == 302


@pytest.mark.parametrize(
    ("name", "limit", "answer"),
    [
        ("accounts:resend", throttle.EMAILS_PER_CLIENT, 302),
        # Every sign-up attempt counts, valid or not: an invalid form used to be a free probe.
        ("accounts:sign-up", throttle.SIGN_UPS_PER_CLIENT, 200),
    ],
)
def test_a_client_is_limited_on_the_forms_that_send_email(db, mailoutbox, name, limit, answer):
    client = Client(REMOTE_ADDR="10.2.0.1")
    url = reverse(name)
    for n in range(limit.count):
        assert client.post(url, {"email": f"someone{n}@example.org"}).status_code == answer
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
