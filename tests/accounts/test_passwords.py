"""Password change (logged in) and the whole password-reset flow through the e-mail outbox."""

import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.accounts.factories import PASSWORD, link_path

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Quartz-Meadow-Lantern-77"


# --- change -----------------------------------------------------------------------------------


def test_password_change_needs_login(client):
    for name in ["accounts:password-change", "accounts:password-change-done"]:
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('accounts:login')}?next={reverse(name)}"


def test_password_change(client, account):
    client.force_login(account)
    page = client.get(reverse("accounts:password-change"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'autocomplete="current-password"' in re.search(r'<input[^>]*name="old_password"[^>]*>', html).group(0)
    assert 'autocomplete="new-password"' in re.search(r'<input[^>]*name="new_password1"[^>]*>', html).group(0)

    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response["Location"] == reverse("accounts:password-change-done")
    assert client.get(response["Location"]).status_code == 200
    # Still logged in (the session follows the new password), and the new password is the one that works.
    assert client.get(reverse("accounts:account")).status_code == 200
    account.refresh_from_db()
    assert account.check_password(NEW_PASSWORD)


def test_password_change_with_a_wrong_old_password_is_explained(client, account):
    client.force_login(account)
    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": "not it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]
    assert 'id="id_old_password_error"' in response.content.decode()
    account.refresh_from_db()
    assert account.check_password(PASSWORD)


# --- reset ------------------------------------------------------------------------------------


def test_password_reset_flow(client, account, mailoutbox):
    form_page = client.get(reverse("accounts:password-reset"))
    assert form_page.status_code == 200
    assert 'autocomplete="email"' in form_page.content.decode()

    response = client.post(reverse("accounts:password-reset"), {"email": "ANA.DIAZ@example.org"})
    assert response["Location"] == reverse("accounts:password-reset-done")
    assert client.get(response["Location"]).status_code == 200

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [account.email]
    assert message.subject == f"Set a new password for {settings.SITE_NAME}"
    assert "Hello Ana Díaz," in message.body
    path = link_path(message, "password/reset")
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="{settings.SITE_URL}{path}"' in html

    # Django's view takes the token out of the address, then shows the form.
    response = client.get(path)
    assert response.status_code == 302
    form_url = response["Location"]
    assert form_url.endswith("/set-password/")
    page = client.get(form_url)
    assert page.status_code == 200
    assert 'autocomplete="new-password"' in page.content.decode()

    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response["Location"] == reverse("accounts:password-reset-complete")
    assert client.get(response["Location"]).status_code == 200

    # The link is used up, and the new password logs in.
    used = client.get(path)
    assert used.status_code == 200
    assert "This link does not work" in used.content.decode()
    response = client.post(reverse("accounts:login"), {"username": account.email, "password": NEW_PASSWORD})
    assert response.status_code == 302


def test_password_reset_for_an_unknown_or_unverified_address_sends_nothing(client, unverified_account, mailoutbox):
    for email in ["nobody@example.org", unverified_account.email]:
        response = client.post(reverse("accounts:password-reset"), {"email": email})
        assert response["Location"] == reverse("accounts:password-reset-done")
    assert mailoutbox == []


@pytest.mark.parametrize(
    "path",
    [
        "/en/accounts/password/reset/MQ/abc-def/",
        "/en/accounts/password/reset/AAAA/set-password/",
        "/en/accounts/password/reset/%00/%00/",
        "/en/accounts/password/reset/OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5/x/",
        "/en/accounts/password/reset/" + "x" * 3000 + "/y/",
    ],
)
def test_a_bad_reset_link_shows_a_clear_page(client, account, path):
    response = client.get(path)
    assert response.status_code == 200
    assert "This link does not work" in response.content.decode()
    assert reverse("accounts:password-reset") in response.content.decode()


def test_setting_a_weak_password_is_explained(client, account, mailoutbox):
    client.post(reverse("accounts:password-reset"), {"email": account.email})
    form_url = client.get(link_path(mailoutbox[0], "password/reset"))["Location"]
    response = client.post(form_url, {"new_password1": "password", "new_password2": "password"})
    assert response.status_code == 200
    assert "This password is too common." in response.context["form"].errors["new_password2"]
    assert get_user_model().objects.get(pk=account.pk).check_password(PASSWORD)
