"""The admin's log-in page takes the e-mail address, as the portal's log-in page does (or the username: an
administrator made with createsuperuser has one of its own); only staff get in, and the portal's throttle applies."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts import throttle
from tests.accounts.factories import PASSWORD, make_account

pytestmark = pytest.mark.django_db

ADMIN_LOGIN = reverse("admin:login")
ADMIN_INDEX = reverse("admin:index")
CURATOR_EMAIL = "curator@example.org"
WRONG = "Please enter the e-mail address (or username) and password of a staff account."


@pytest.fixture
def curator(django_user_model):
    """An administrator made with createsuperuser: a username of its own, and an address."""
    return django_user_model.objects.create_superuser("curator", CURATOR_EMAIL, PASSWORD)


def log_in(client, username, password=PASSWORD):
    return client.post(ADMIN_LOGIN, {"username": username, "password": password, "next": ADMIN_INDEX})


def logged_in(client):
    return "_auth_user_id" in client.session


def test_the_page_asks_for_the_e_mail_address(client):
    html = client.get(ADMIN_LOGIN).content.decode()
    assert "E-mail address or username" in html
    assert 'autocomplete="username"' in html


@pytest.mark.parametrize("typed", [CURATOR_EMAIL, "Curator@Example.org", f"  {CURATOR_EMAIL} ", "curator"])
def test_staff_logs_in_with_the_e_mail_address_or_the_username(client, curator, typed):
    response = log_in(client, typed)
    assert response.status_code == 302
    assert response["Location"] == ADMIN_INDEX
    assert client.session["_auth_user_id"] == str(curator.pk)
    assert client.get(ADMIN_INDEX).status_code == 200


def test_a_staff_account_made_by_sign_up_logs_in_with_its_address(client):
    staff = make_account(email="moderator@example.org")
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    assert log_in(client, "Moderator@example.org").status_code == 302
    assert logged_in(client)


def test_a_wrong_password_is_refused_with_the_message(client, curator):
    response = log_in(client, CURATOR_EMAIL, password="not the password")
    assert response.status_code == 200
    assert WRONG in response.content.decode()
    assert not logged_in(client)
    # Nor does another account's address lead to this one.
    make_account(email="someone@example.org")
    assert not logged_in(client) and log_in(client, "someone@example.org").status_code == 200


def test_a_right_password_of_an_account_that_is_not_staff_is_refused(client):
    make_account(email="ana@example.org")
    response = log_in(client, "ana@example.org")
    assert response.status_code == 200
    assert WRONG in response.content.decode()
    assert not logged_in(client)
    # The neighbour: the same account logs in on the portal's own page.
    assert (
        client.post(reverse("accounts:login"), {"username": "ana@example.org", "password": PASSWORD}).status_code == 302
    )


def test_an_address_two_accounts_hold_names_neither_but_the_one_made_with_it(client, curator, django_user_model):
    """An account whose username is the address (made by sign-up) wins over another that has it as its address."""
    django_user_model.objects.create_superuser("second", CURATOR_EMAIL, "another password 123")
    assert log_in(client, CURATOR_EMAIL).status_code == 200  # ambiguous: no account is guessed
    assert log_in(client, "curator").status_code == 302


def test_the_throttle_counts_attempts_by_address_and_by_username_together(curator):
    client = Client(REMOTE_ADDR="198.51.100.9")
    for attempt in range(throttle.LOGIN_FAILURES_PER_ACCOUNT_CLIENT.count):
        typed = CURATOR_EMAIL if attempt % 2 else "curator"
        assert log_in(client, typed, password="wrong").status_code == 200
    # Even with the right password, by either name: refused before the password is looked at.
    for typed in (CURATOR_EMAIL, "curator"):
        response = log_in(client, typed)
        assert "Too many failed log-in attempts." in response.content.decode()  # (the admin answers 200)
    assert not logged_in(client)
    # The administrator, from elsewhere, is not locked out by them.
    assert log_in(Client(REMOTE_ADDR="203.0.113.5"), CURATOR_EMAIL).status_code == 302


def test_hostile_input_is_a_form_error_not_a_server_error(client, curator):
    for typed in ("@", "a@" * 5000, "\x00@example.org", "ſ@example.org", "curator@exa mple.org"):
        assert log_in(client, typed).status_code == 200
