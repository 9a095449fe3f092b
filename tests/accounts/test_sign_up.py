"""Sign-up and e-mail verification: an inactive account, one e-mail, a link that works once and only for a while."""

import re
from datetime import datetime, timedelta
from urllib.parse import quote

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import Profile
from accounts.tokens import EmailVerificationTokenGenerator, email_verification_token
from portal.addresses import canonical_email
from tests.accounts.factories import PASSWORD, follow_link, link_path, make_account, sign_up_data

pytestmark = pytest.mark.django_db

User = get_user_model()
SIGN_UP = reverse("accounts:sign-up")
LOGIN = reverse("accounts:login")
INVALID_LINK_TEXT = "This verification link does not work"


def _sign_up(client, **overrides):
    return client.post(SIGN_UP, sign_up_data(**overrides))


def test_sign_up_page_is_public_and_asks_for_what_it_needs(client):
    response = client.get(SIGN_UP)
    assert response.status_code == 200
    html = response.content.decode()
    for name, autocomplete in [
        ("name", "name"),
        ("honorific", "honorific-prefix"),
        ("organisation", "organization"),
        ("email", "email"),
        ("password1", "new-password"),
        ("password2", "new-password"),
    ]:
        assert re.search(rf'<label for="id_{name}">', html), name
        tag = re.search(rf'<(input|select)[^>]*name="{name}"[^>]*>', html).group(0)
        assert f'autocomplete="{autocomplete}"' in tag, tag
        assert f'id="id_{name}"' in tag
    assert 'type="email"' in re.search(r'<input[^>]*name="email"[^>]*>', html).group(0)


def test_sign_up_creates_an_inactive_account_and_sends_one_email(client, mailoutbox):
    response = _sign_up(client, email="Ana.Diaz@Example.ORG")

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:verify-sent")
    user = User.objects.get()
    assert user.username == "ana.diaz@example.org"
    assert user.email == "ana.diaz@example.org"  # the canonical form: the mailbox written to and compared with
    assert user.get_full_name() == "Ana Díaz"
    assert not user.is_active
    assert user.check_password(PASSWORD)
    profile = user.profile
    assert (profile.honorific, profile.organisation, profile.email_verified_at) == (
        "Ms.",
        "Migration Research Network",
        None,
    )
    assert profile.credit == "Ms. Ana Díaz"

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["ana.diaz@example.org"]
    assert message.subject == f"Verify your e-mail address for {settings.SITE_NAME}"
    assert message.body.startswith("Hello,\n")  # not by the name typed: the address is not proved yet
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    path = link_path(message)
    assert f'href="{settings.SITE_URL}{path}"' in html.replace("&amp;", "&")

    # The "check your inbox" page names the address.
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "ana.diaz@example.org" in page.content.decode()


def test_the_link_activates_the_account_and_logs_in(client, mailoutbox):
    _sign_up(client)
    response = follow_link(client, link_path(mailoutbox[0]))

    assert response.status_code == 302
    assert response["Location"] == resolve_url(settings.LOGIN_REDIRECT_URL)
    user = User.objects.get()
    assert user.is_active
    assert user.profile.email_verified_at is not None
    assert int(client.session["_auth_user_id"]) == user.pk
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Thank you: your e-mail address is verified and you are logged in."
    ]
    account_page = client.get(reverse("accounts:account"))
    assert account_page.status_code == 200
    assert "ana.diaz@example.org" in account_page.content.decode()


def test_the_link_leads_on_to_where_the_person_was_going(client, mailoutbox):
    """A ``next`` given to sign-up (from the log-in page, say) travels in the link, and is followed if safe."""
    client.post(f"{SIGN_UP}?next=/en/initiatives/", sign_up_data())
    path = link_path(mailoutbox[0])
    assert path.endswith("?next=%2Fen%2Finitiatives%2F")
    response = follow_link(client, path)
    assert response["Location"] == "/en/initiatives/"


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"])
def test_an_unsafe_next_is_dropped(client, mailoutbox, next_url):
    client.post(SIGN_UP, {**sign_up_data(), "next": next_url})
    path = link_path(mailoutbox[0])
    assert "next" not in path
    # Nor does a next added to the link by hand lead off the site.
    response = follow_link(client, path + "?" + f"next={next_url}")
    assert response["Location"] == resolve_url(settings.LOGIN_REDIRECT_URL)


@pytest.mark.parametrize("next_url", ["foo", "%00", "initiatives"])
def test_a_next_without_a_slash_is_a_relative_address_not_a_view_name(client, mailoutbox, next_url):
    """Found by the property tests: such a next was reversed as a view name, and the link answered 500."""
    _sign_up(client)
    response = follow_link(client, link_path(mailoutbox[0]) + "?next=" + quote(next_url))
    assert response.status_code == 302
    assert response["Location"] == next_url


def test_a_used_link_shows_the_clear_page(client, mailoutbox):
    _sign_up(client)
    path = link_path(mailoutbox[0])
    assert follow_link(client, path).status_code == 302

    again = client.get(path)  # the same browser, logged in now
    assert again.status_code == 400
    assert INVALID_LINK_TEXT in again.content.decode()
    assert "You are logged in, so your address is verified already." in again.content.decode()

    client.logout()
    elsewhere = client.get(path)
    assert elsewhere.status_code == 400
    html = elsewhere.content.decode()
    assert INVALID_LINK_TEXT in html
    assert reverse("accounts:resend") in html
    assert reverse("accounts:login") in html
    assert "_auth_user_id" not in client.session


def test_a_tampered_token_shows_the_clear_page_and_activates_nothing(client, unverified_account):
    uid = urlsafe_base64_encode(force_bytes(unverified_account.pk))
    token = email_verification_token.make_token(unverified_account)
    timestamp, signature = token.split("-")
    tampered = [
        f"{timestamp}-{signature[:-1]}{'0' if signature[-1] != '0' else '1'}",  # one character changed
        f"{timestamp}-",
        f"-{signature}",
        "not-a-token",
        "zzzzzzzzzzzzzzzzzzzzz-abc",  # a timestamp too long for base 36
        token.replace("-", ""),
        "x" * 5000,
    ]
    for bad in tampered:
        response = client.get(reverse("accounts:verify", kwargs={"uidb64": uid, "token": bad}))
        assert response.status_code == 400, bad
        assert INVALID_LINK_TEXT in response.content.decode()
    unverified_account.refresh_from_db()
    assert not unverified_account.is_active


@pytest.mark.parametrize(
    "uidb64",
    [
        "AAAA",  # decodes to NUL bytes
        "OTk5OTk",  # "99999": no such account
        "OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5",  # a number larger than any database integer
        "LTE",  # "-1"
        "YWJj",  # "abc"
        "%%%",
        "w6k",  # bytes that are not UTF-8
        "x" * 3000,
    ],
)
def test_a_bad_uid_shows_the_clear_page(client, unverified_account, uidb64):
    token = email_verification_token.make_token(unverified_account)
    response = client.get(f"/en/accounts/verify/{uidb64}/{token}/")
    assert response.status_code == 400
    assert INVALID_LINK_TEXT in response.content.decode()


def test_a_link_for_another_account_does_not_work(client, unverified_account):
    other = make_account(email="carla@example.org", name="Carla", verified=False)
    token = email_verification_token.make_token(unverified_account)
    response = client.get(
        reverse("accounts:verify", kwargs={"uidb64": urlsafe_base64_encode(force_bytes(other.pk)), "token": token})
    )
    assert response.status_code == 400
    other.refresh_from_db()
    assert not other.is_active


def test_an_expired_link_shows_the_clear_page(client, unverified_account, monkeypatch, mailoutbox):
    path = reverse(
        "accounts:verify",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(unverified_account.pk)),
            "token": email_verification_token.make_token(unverified_account),
        },
    )
    now = datetime.now()
    # Three days less a minute later, the link still works (checked without following it)...
    monkeypatch.setattr(EmailVerificationTokenGenerator, "_now", lambda self: now + timedelta(days=3, minutes=-1))
    assert email_verification_token.check_token(unverified_account, path.split("/")[-2])
    # ...three days and a minute later, it does not.
    monkeypatch.setattr(EmailVerificationTokenGenerator, "_now", lambda self: now + timedelta(days=3, minutes=1))
    response = client.get(path)
    assert response.status_code == 400
    assert "a link works for 3 days" in response.content.decode()
    unverified_account.refresh_from_db()
    assert not unverified_account.is_active


def test_a_link_does_not_bring_back_an_account_an_administrator_deactivated(client, account):
    account.is_active = False
    account.save()
    token = email_verification_token.make_token(account)  # even a valid token for its current state
    response = client.get(
        reverse("accounts:verify", kwargs={"uidb64": urlsafe_base64_encode(force_bytes(account.pk)), "token": token})
    )
    assert response.status_code == 400
    account.refresh_from_db()
    assert not account.is_active


def test_opening_the_link_changes_nothing_and_logs_in_no_one(client, mailoutbox):
    """A mail scanner that fetches (GET or HEAD) every link in the e-mail opens no account."""
    _sign_up(client)
    path = link_path(mailoutbox[0])
    page = client.get(path)
    assert page.status_code == 200
    html = page.content.decode()
    assert re.search(rf'<form method="post" action="{re.escape(path)}">', html)
    assert 'name="csrfmiddlewaretoken"' in html
    assert client.head(path).status_code == 200
    assert not User.objects.get().is_active
    assert "_auth_user_id" not in client.session
    # The link still works when the person presses the button.
    assert follow_link(client, path).status_code == 302
    assert User.objects.get().is_active


def test_verifying_without_the_csrf_token_is_refused(mailoutbox):
    browser = Client()
    browser.post(SIGN_UP, sign_up_data())
    path = link_path(mailoutbox[0])
    browser.handler.enforce_csrf_checks = True
    assert browser.post(path).status_code == 403
    assert not User.objects.get().is_active
    assert "_auth_user_id" not in browser.session


def test_verifying_from_another_browser_verifies_but_logs_in_no_one(mailoutbox):
    """Login CSRF: a page that has a visitor's browser post the link of an account of its own choosing must not
    log the visitor into that account. Only the browser that signed up with the password is logged in."""
    signed_up_in = Client()
    signed_up_in.post(SIGN_UP, sign_up_data())
    path = link_path(mailoutbox[0])
    other_browser = Client(enforce_csrf_checks=True)

    response = follow_link(other_browser, path)

    assert response.status_code == 302
    assert response["Location"] == resolve_url(settings.LOGIN_URL)
    assert "_auth_user_id" not in other_browser.session
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Thank you: your e-mail address is verified. You can now log in."
    ]
    assert User.objects.get().is_active
    # Whoever chose the password logs in with it as usual.
    assert signed_up_in.post(LOGIN, {"username": "ana.diaz@example.org", "password": PASSWORD}).status_code == 302


def test_verifying_elsewhere_keeps_next_for_the_log_in(mailoutbox):
    Client().post(f"{SIGN_UP}?next=/en/initiatives/", sign_up_data())
    response = follow_link(Client(), link_path(mailoutbox[0]))
    assert response["Location"] == f"{resolve_url(settings.LOGIN_URL)}?next=%2Fen%2Finitiatives%2F"


def _comparable(response) -> tuple:
    """What a sign-up answer shows: its status and headers, but the cookies and the clock (``Expires`` is now)."""
    headers = {
        name: value if name.lower() != "expires" else "NOW"
        for name, value in response.headers.items()
        if name.lower() != "set-cookie"
    }
    return response.status_code, headers


@pytest.mark.parametrize("typed", ["ana.diaz@example.org", "ANA.DIAZ@EXAMPLE.ORG", " Ana.Diaz@example.org "])
def test_a_taken_address_gets_the_answer_a_new_one_gets_and_its_owner_an_email(account, mailoutbox, typed):
    """Sign-up must not tell a stranger which addresses have an account; the owner hears of it by e-mail."""
    owner_password = User.objects.get(pk=account.pk).password
    new = Client()
    new_answer = new.post(SIGN_UP, sign_up_data(email="someone.new@example.org"))
    taken = Client()
    taken_answer = taken.post(
        SIGN_UP,
        sign_up_data(email=typed, name="Someone Else", password1="Other-Pass-1234", password2="Other-Pass-1234"),
    )

    assert _comparable(taken_answer) == _comparable(new_answer)
    assert taken_answer["Location"] == reverse("accounts:verify-sent")
    new_page = new.get(new_answer["Location"]).content.decode().replace("someone.new@example.org", "ADDRESS")
    taken_page = taken.get(taken_answer["Location"]).content.decode().replace(canonical_email(typed), "ADDRESS")
    assert re.sub(r'value="[^"]+"', "", new_page) == re.sub(r'value="[^"]+"', "", taken_page)

    # Nothing changed on the owner's account; she (only she) is told, with the ways in.
    owner = User.objects.get(pk=account.pk)
    assert (owner.password, owner.first_name, owner.is_active) == (owner_password, "Ana Díaz", True)
    assert User.objects.count() == 2
    attempt = mailoutbox[1]
    assert attempt.to == ["ana.diaz@example.org"]
    assert attempt.subject == f"Someone tried to sign up for {settings.SITE_NAME} with your address"
    assert f"{settings.SITE_URL}{reverse('accounts:login')}" in attempt.body
    assert f"{settings.SITE_URL}{reverse('accounts:password-reset')}" in attempt.body
    assert "Someone Else" not in attempt.body + attempt.alternatives[0][0]  # a stranger's text is not relayed
    assert "/en/accounts/verify/" not in attempt.body
    assert [message.to for message in mailoutbox] == [["someone.new@example.org"], ["ana.diaz@example.org"]]


def test_an_account_made_by_a_request_alongside_gets_the_same_answer(client, mailoutbox, monkeypatch):
    """The lookup finds nothing, then the insert meets the unique username: the same answer, not a 500."""
    from accounts import services

    real = services.accounts_with_address
    monkeypatch.setattr(services, "accounts_with_address", lambda email: real(email).none())
    make_account()
    response = _sign_up(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:verify-sent")
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"password2": "Something-Else-42"}, "password2", "The two password fields didn’t match."),
        ({"password1": "password", "password2": "password"}, "password2", "This password is too common."),
        ({"password1": "12345678901", "password2": "12345678901"}, "password2", "This password is entirely numeric."),
        (
            {"password1": "ana.diaz@example", "password2": "ana.diaz@example"},
            "password2",
            "The password is too similar to the email address.",
        ),
        ({"email": "not-an-address"}, "email", "Enter a valid email address."),
        ({"name": "   "}, "name", "This field is required."),
        ({"honorific": "Sir"}, "honorific", "Select a valid choice. Sir is not one of the available choices."),
        ({"email": None}, "email", "This field is required."),
    ],
)
def test_invalid_sign_ups_are_explained_next_to_the_field(client, mailoutbox, overrides, field, message):
    response = _sign_up(client, **overrides)
    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not User.objects.exists()
    assert mailoutbox == []


def test_optional_fields_may_be_left_empty(client, mailoutbox):
    response = _sign_up(client, honorific="", organisation="")
    assert response.status_code == 302
    profile = Profile.objects.get()
    assert (profile.honorific, profile.organisation, profile.credit) == ("", "", "Ana Díaz")


def test_a_logged_in_person_is_sent_to_their_account(client, account):
    client.force_login(account)
    assert client.get(SIGN_UP)["Location"] == reverse("accounts:account")


def test_check_your_inbox_page_is_public(client):
    response = client.get(reverse("accounts:verify-sent"))
    assert response.status_code == 200
    assert "Check your inbox" in response.content.decode()
