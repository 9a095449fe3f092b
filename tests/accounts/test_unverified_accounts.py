"""An unverified account counts as no account: a new sign-up for its address takes it over (and voids its links),
it expires with its link, and whoever did not choose its password is never logged into it."""

import io
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Profile
from tests.accounts.factories import PASSWORD, follow_link, link_path, make_account, sign_up_data

pytestmark = pytest.mark.django_db

User = get_user_model()
SIGN_UP = reverse("accounts:sign-up")
LOGIN = reverse("accounts:login")
OWNER_EMAIL = "ana.diaz@example.org"
SQUATTER_PASSWORD = "Squatter-Chose-This-99"
INVALID_LINK_TEXT = "This verification link does not work"
UNVERIFIED_ERROR = "Your e-mail address is not verified yet."


def _log_in(email, password):
    browser = Client()
    browser.post(LOGIN, {"username": email, "password": password})
    return browser.session.get("_auth_user_id")


def _expire(user):
    User.objects.filter(pk=user.pk).update(date_joined=timezone.now() - timedelta(days=3, minutes=1))


def test_a_squatter_cannot_take_over_the_owners_account(mailoutbox):
    neighbour = make_account(email="carla@example.org", name="Carla Neighbour", organisation="Elsewhere")
    squatter = Client()
    squatter.post(
        SIGN_UP,
        sign_up_data(
            name="Mallory", organisation="Squat Ltd", password1=SQUATTER_PASSWORD, password2=SQUATTER_PASSWORD
        ),
    )
    squatters_link = link_path(mailoutbox[0])  # it went to the owner's mailbox, but a link is a link

    owner = Client()
    response = owner.post(SIGN_UP, sign_up_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:verify-sent")
    assert [message.to for message in mailoutbox] == [[OWNER_EMAIL], [OWNER_EMAIL]]

    # The squatter's account is taken over in place: the owner's name, honorific, organisation and password.
    account = User.objects.get(username=OWNER_EMAIL)
    assert (account.first_name, account.profile.honorific, account.profile.organisation) == (
        "Ana Díaz",
        "Ms.",
        "Migration Research Network",
    )
    assert account.check_password(PASSWORD)
    assert not account.is_active
    # The link sent to the squatter's sign-up died with the squatter's password.
    old = follow_link(owner, squatters_link)
    assert old.status_code == 400
    assert INVALID_LINK_TEXT in old.content.decode()
    assert not User.objects.get(pk=account.pk).is_active

    assert follow_link(owner, link_path(mailoutbox[1])).status_code == 302
    assert int(owner.session["_auth_user_id"]) == account.pk

    assert _log_in(OWNER_EMAIL, SQUATTER_PASSWORD) is None
    assert int(_log_in(OWNER_EMAIL, PASSWORD)) == account.pk
    assert User.objects.filter(username=OWNER_EMAIL).count() == 1
    # The neighbouring verified account is untouched.
    neighbour_now = User.objects.get(pk=neighbour.pk)
    assert (neighbour_now.password, neighbour_now.first_name, neighbour_now.is_active) == (
        neighbour.password,
        "Carla Neighbour",
        True,
    )
    assert Profile.objects.get(user=neighbour).organisation == "Elsewhere"


def test_a_squatter_who_opens_the_owners_link_in_their_browser_is_not_logged_in(mailoutbox):
    """Even holding the owner's link (forwarded, leaked), the squatter's browser set a password that is not the
    account's any more: it verifies the owner's address and is sent to log in, not into her account."""
    squatter = Client()
    squatter.post(SIGN_UP, sign_up_data(password1=SQUATTER_PASSWORD, password2=SQUATTER_PASSWORD))
    Client().post(SIGN_UP, sign_up_data())
    response = follow_link(squatter, link_path(mailoutbox[1]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in squatter.session


def test_an_expired_unverified_account_counts_as_absent(mailoutbox):
    stale = make_account(verified=False)
    _expire(stale)

    # Log-in: the generic error, not "verify first" (which would say the address has an account).
    response = Client().post(LOGIN, {"username": OWNER_EMAIL, "password": PASSWORD})
    assert response.status_code == 200
    assert UNVERIFIED_ERROR not in response.content.decode()
    # Resend: no link for it.
    Client().post(reverse("accounts:resend"), {"email": OWNER_EMAIL})
    assert mailoutbox == []
    # Sign-up: a new account in its place, awaiting verification with a fresh expiry.
    assert Client().post(SIGN_UP, sign_up_data(name="Ana Again")).status_code == 302
    account = User.objects.get(username=OWNER_EMAIL)
    assert account.first_name == "Ana Again"
    assert account.date_joined > timezone.now() - timedelta(minutes=1)
    assert follow_link(Client(), link_path(mailoutbox[0])).status_code == 302


def test_a_new_link_restarts_the_wait(mailoutbox):
    waiting = make_account(verified=False)
    User.objects.filter(pk=waiting.pk).update(date_joined=timezone.now() - timedelta(days=2))
    Client().post(reverse("accounts:resend"), {"email": OWNER_EMAIL})
    assert User.objects.get(pk=waiting.pk).date_joined > timezone.now() - timedelta(minutes=1)


@pytest.mark.parametrize("dry_run", [False, True])
def test_the_purge_deletes_only_expired_unverified_accounts(dry_run):
    expired = make_account(email="expired@example.org", verified=False)
    _expire(expired)
    fresh = make_account(email="fresh@example.org", verified=False)
    verified_long_ago = make_account(email="verified@example.org")
    _expire(verified_long_ago)
    deactivated = make_account(email="deactivated@example.org")
    User.objects.filter(pk=deactivated.pk).update(is_active=False, date_joined=timezone.now() - timedelta(days=30))

    out = io.StringIO()
    call_command("purge_unverified_accounts", *(["--dry-run"] if dry_run else []), stdout=out)

    assert ("Would delete 1" if dry_run else "Deleted 1") in out.getvalue()
    assert User.objects.filter(pk=expired.pk).exists() == dry_run
    assert Profile.objects.filter(user_id=expired.pk).exists() == dry_run
    assert set(User.objects.exclude(pk=expired.pk).values_list("pk", flat=True)) >= {
        fresh.pk,
        verified_long_ago.pk,
        deactivated.pk,
    }
