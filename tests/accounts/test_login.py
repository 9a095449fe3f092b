"""Log in with the e-mail address (any case), the unverified account's own message, and log out by POST only."""

import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.shortcuts import resolve_url
from django.urls import reverse

from tests.accounts.factories import PASSWORD, follow_link, link_path

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
GENERIC_ERROR = "The e-mail address and password do not match an account. Passwords are case-sensitive."
UNVERIFIED_ERROR = "Your e-mail address is not verified yet."


def _logged_in_as(client):
    return client.session.get("_auth_user_id")


def test_login_page_is_public_with_labelled_fields(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    html = response.content.decode()
    username = re.search(r'<input[^>]*name="username"[^>]*>', html).group(0)
    assert 'type="email"' in username
    assert 'autocomplete="username"' in username
    assert '<label for="id_username">E-mail address' in html
    password = re.search(r'<input[^>]*name="password"[^>]*>', html).group(0)
    assert 'autocomplete="current-password"' in password
    assert reverse("accounts:sign-up") in html
    assert reverse("accounts:password-reset") in html


@pytest.mark.parametrize("typed", ["ana.diaz@example.org", "ANA.Diaz@example.org", "  ana.diaz@EXAMPLE.org "])
def test_log_in_with_the_address_in_any_case(client, account, typed):
    response = client.post(LOGIN, {"username": typed, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == resolve_url(settings.LOGIN_REDIRECT_URL)
    assert int(_logged_in_as(client)) == account.pk


def test_log_in_goes_to_a_safe_next_only(client, account):
    response = client.post(f"{LOGIN}?next=/en/initiatives/", {"username": account.email, "password": PASSWORD})
    assert response["Location"] == "/en/initiatives/"
    client.logout()
    response = client.post(
        LOGIN, {"username": account.email, "password": PASSWORD, "next": "https://evil.example/steal"}
    )
    assert response["Location"] == resolve_url(settings.LOGIN_REDIRECT_URL)


def test_the_next_field_is_kept_in_the_form(client):
    html = client.get(f"{LOGIN}?next=/en/initiatives/%3Fq%3Dx").content.decode()
    assert '<input type="hidden" name="next" value="/en/initiatives/?q=x">' in html
    assert f"{reverse('accounts:sign-up')}?next=/en/initiatives/%3Fq%3Dx" in html


@pytest.mark.parametrize(
    ("username", "password"),
    [
        ("ana.diaz@example.org", "wrong password"),
        ("nobody@example.org", PASSWORD),
        ("ana.diaz@example.org", PASSWORD.lower()),
    ],
)
def test_a_wrong_address_or_password_gets_the_generic_error(client, account, username, password):
    response = client.post(LOGIN, {"username": username, "password": password})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [GENERIC_ERROR]
    html = response.content.decode()
    assert '<div class="error-summary" role="alert"' in html
    assert f'value="{username}"' in html  # what was typed is kept (not the password)
    assert password not in html
    assert _logged_in_as(client) is None


def test_an_unverified_account_is_told_to_verify_first(client, unverified_account, mailoutbox):
    response = client.post(LOGIN, {"username": "Ben.Okafor@example.org", "password": PASSWORD})
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert len(errors) == 1
    assert errors[0].startswith(UNVERIFIED_ERROR)
    html = response.content.decode()
    # A button to send a new link to the address typed.
    resend_form = re.search(rf'<form[^>]*action="{reverse("accounts:resend")}".*?</form>', html, re.S).group(0)
    assert '<input type="hidden" name="email" value="Ben.Okafor@example.org">' in resend_form
    assert _logged_in_as(client) is None

    # Pressing it sends a link that works.
    response = client.post(reverse("accounts:resend"), {"email": "Ben.Okafor@example.org"})
    assert response["Location"] == reverse("accounts:verify-sent")
    assert len(mailoutbox) == 1
    assert follow_link(client, link_path(mailoutbox[0])).status_code == 302
    assert int(_logged_in_as(client)) == unverified_account.pk


def test_an_unverified_account_with_a_wrong_password_gets_the_generic_error(client, unverified_account):
    """Only who knows the password learns that the account waits for verification."""
    response = client.post(LOGIN, {"username": unverified_account.email, "password": "wrong password"})
    assert response.context["form"].non_field_errors() == [GENERIC_ERROR]
    assert not response.context["form"].unverified
    assert "Send me a new verification link" not in response.content.decode()


def test_an_account_an_administrator_deactivated_gets_the_generic_error(client, account):
    account.is_active = False
    account.save()
    response = client.post(LOGIN, {"username": account.email, "password": PASSWORD})
    assert response.context["form"].non_field_errors() == [GENERIC_ERROR]


def test_an_account_made_with_createsuperuser_logs_in_with_its_username(client):
    get_user_model().objects.create_superuser("Curator", "curator@example.org", PASSWORD)
    response = client.post(LOGIN, {"username": "Curator", "password": PASSWORD})
    assert response.status_code == 302


def test_a_logged_in_person_is_sent_on_from_the_login_page(client, account):
    client.force_login(account)
    assert client.get(LOGIN)["Location"] == resolve_url(settings.LOGIN_REDIRECT_URL)
    assert client.get(f"{LOGIN}?next=/en/initiatives/")["Location"] == "/en/initiatives/"
    # A next pointing at the log-in page itself would loop: it is ignored (Django would answer 500).
    assert client.get(f"{LOGIN}?next={LOGIN}")["Location"] == resolve_url(settings.LOGIN_REDIRECT_URL)


def test_logout_needs_a_post(client, account):
    client.force_login(account)
    logout = reverse("accounts:logout")
    assert client.get(logout).status_code == 405
    assert int(_logged_in_as(client)) == account.pk

    response = client.post(logout)
    assert response.status_code == 302
    assert response["Location"] == resolve_url(settings.LOGOUT_REDIRECT_URL)
    assert _logged_in_as(client) is None
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["You are logged out."]


def test_logout_checks_the_csrf_token(account):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(account)
    assert browser.post(reverse("accounts:logout")).status_code == 403
    assert browser.session.get("_auth_user_id") is not None
