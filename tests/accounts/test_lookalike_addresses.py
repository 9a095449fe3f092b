"""Look-alike addresses never reach another's account: signing up, logging in, asking for a password reset or a new
verification link with ``sam@gmaıl.com`` (dotless i) or ``ſam@gmail.com`` (long s) concerns that address, not
``sam@gmail.com``. The same address in other letter cases still reaches its account.

``iexact`` is ``UPPER()`` on PostgreSQL and sign-up's username was NFKC-normalised (``ſ`` becomes ``s``): run this
file on both databases.
"""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.accounts.factories import PASSWORD, make_account, sign_up_data

# What the e-mails say is read from the outbox: queued e-mail is sent as it is queued.
pytestmark = pytest.mark.usefixtures("mail_sent_at_once")

User = get_user_model()

VICTIM = "sam@gmail.com"
LOOKALIKES = ["sam@gmaıl.com", "ſam@gmail.com", "ſam@gmaıl.com"]
SAME_ADDRESS = ["SAM@gmail.com", " Sam@GMAIL.COM "]


@pytest.fixture(params=LOOKALIKES)
def lookalike(request):
    return request.param


@pytest.fixture
def victim(db):
    return make_account(email=VICTIM, name="Sam Victim")


def logged_in_as(client):
    return client.session.get("_auth_user_id")


def test_signing_up_with_a_lookalike_makes_another_account(client, victim, mailoutbox, lookalike):
    response = client.post(reverse("accounts:sign-up"), sign_up_data(email=lookalike, name="Someone Else"))

    assert response.status_code == 302
    other = User.objects.exclude(pk=victim.pk).get()
    assert (other.email, other.username, other.is_active) == (lookalike, lookalike, False)
    assert [message.to for message in mailoutbox] == [[lookalike]]
    victim.refresh_from_db()
    assert (victim.email, victim.username, victim.get_full_name()) == (VICTIM, VICTIM, "Sam Victim")


@pytest.mark.parametrize("typed", SAME_ADDRESS)
def test_signing_up_with_the_address_in_other_letter_cases_reaches_its_owner(client, victim, mailoutbox, typed):
    response = client.post(reverse("accounts:sign-up"), sign_up_data(email=typed))
    # The answer a new address gets; no second account, and the owner hears of it at her stored address.
    assert response.status_code == 302
    assert User.objects.count() == 1
    assert [message.to for message in mailoutbox] == [[VICTIM]]
    assert "tried to sign up" in mailoutbox[0].subject


def test_logging_in_with_a_lookalike_and_the_password_is_refused(client, victim, lookalike):
    response = client.post(reverse("accounts:login"), {"username": lookalike, "password": PASSWORD})
    assert response.status_code == 200
    assert logged_in_as(client) is None


@pytest.mark.parametrize("typed", SAME_ADDRESS)
def test_logging_in_with_the_address_in_other_letter_cases_works(client, victim, typed):
    response = client.post(reverse("accounts:login"), {"username": typed, "password": PASSWORD})
    assert response.status_code == 302
    assert int(logged_in_as(client)) == victim.pk


def test_a_password_reset_for_a_lookalike_sends_nothing(client, victim, mailoutbox, lookalike):
    response = client.post(reverse("accounts:password-reset"), {"email": lookalike})
    assert response.status_code == 302  # the same answer as for any address
    assert mailoutbox == []


@pytest.mark.parametrize("typed", SAME_ADDRESS)
def test_a_password_reset_for_the_address_in_other_letter_cases_is_sent(client, victim, mailoutbox, typed):
    client.post(reverse("accounts:password-reset"), {"email": typed})
    assert [message.to for message in mailoutbox] == [[VICTIM]]


def test_a_new_verification_link_for_a_lookalike_sends_nothing(client, db, mailoutbox, lookalike):
    make_account(email=VICTIM, verified=False)
    client.post(reverse("accounts:resend"), {"email": lookalike})
    assert mailoutbox == []

    client.post(reverse("accounts:resend"), {"email": "Sam@Gmail.com"})
    assert [message.to for message in mailoutbox] == [[VICTIM]]


def test_an_address_that_has_no_canonical_form_is_explained_next_to_the_field(client, db, mailoutbox):
    """``İ`` passes Django's validator but lower-cases to ``i`` and a combining dot, which no address may hold."""
    response = client.post(reverse("accounts:sign-up"), sign_up_data(email="İlker@example.org"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter a valid email address." in html and 'value="İlker@example.org"' in html
    assert not User.objects.exists() and mailoutbox == []
