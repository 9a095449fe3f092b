"""Look-alike addresses never meet: an account or a link of ``sam@gmaıl.com`` (dotless i) or ``ſam@gmail.com``
(long s) does not see, take over, or unsubscribe the subscriptions of ``sam@gmail.com``, and a request for one
sends nothing to the other. The same address in other letter cases is still the same address.

``iexact`` is ``UPPER()`` on PostgreSQL, where these look-alikes matched; run this file on both databases.
"""

import pytest
from django.core import signing
from django.utils import timezone
from django.utils.crypto import salted_hmac

from subscriptions import tokens
from subscriptions.models import Subscription, SuppressedAddress
from tests.accounts.factories import make_account
from tests.subscriptions.test_manage import main, path

# What the e-mails say is read from the outbox: queued e-mail is sent as it is queued.
pytestmark = pytest.mark.usefixtures("mail_sent_at_once")

Status = Subscription.Status

VICTIM = "sam@gmail.com"
LOOKALIKES = ["sam@gmaıl.com", "ſam@gmail.com", "ſam@gmaıl.com"]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(params=LOOKALIKES)
def lookalike(request):
    return request.param


def make_subscription(*, email, query="region=europe", label="Europe", status=Status.ACTIVE, frequency="daily"):
    confirmed = None if status == Status.PENDING else timezone.now()
    return Subscription.objects.create(
        email=email,
        query=query,
        label=label,
        status=status,
        frequency=frequency,
        confirmed_at=confirmed,
        since=confirmed,
    )


def logged_in(client, email):
    account = make_account(email=email)
    client.force_login(account)
    return account


def state(subscription) -> tuple:
    subscription.refresh_from_db()
    return subscription.email, subscription.status, subscription.frequency, subscription.user_id


# --- an account verified for a look-alike -----------------------------------------------------------------------


def test_an_account_of_a_lookalike_does_not_see_the_address_s_subscriptions(client, db, lookalike):
    make_subscription(email=VICTIM, label="Europe of Sam")
    logged_in(client, lookalike)

    html = main(client.get("/en/accounts/"))
    assert "Europe of Sam" not in html and "You follow nothing by e-mail yet." in html
    assert VICTIM not in html
    assert "You follow this by e-mail" not in main(client.get("/en/subscribe/?region=europe"))


def test_an_account_of_the_address_in_other_letter_cases_does_see_them(client, db):
    make_subscription(email=VICTIM, label="Europe of Sam")
    make_subscription(email="other@gmail.com", query="theme=remittances", label="Remittances of another")
    logged_in(client, "Sam@GMAIL.com")

    html = main(client.get("/en/accounts/"))
    assert "Europe of Sam" in html and "Remittances of another" not in html
    assert "You follow this by e-mail" in main(client.get("/en/subscribe/?region=europe"))


def test_one_click_by_a_lookalike_makes_its_own_subscription_and_leaves_the_address_s_alone(client, db, lookalike):
    victims = make_subscription(email=VICTIM)
    account = logged_in(client, lookalike)

    response = client.post("/en/subscribe/?region=europe", {"frequency": "weekly"})

    assert response.status_code == 302
    assert state(victims) == (VICTIM, Status.ACTIVE, "daily", None)
    mine = Subscription.objects.exclude(pk=victims.pk).get()
    assert (mine.email, mine.user, mine.frequency) == (lookalike, account, "weekly")


# --- the links of a look-alike's own subscription ----------------------------------------------------------------


def test_unsubscribe_from_all_by_a_lookalike_leaves_the_address_subscribed(client, db, lookalike):
    victims = make_subscription(email=VICTIM)
    mine = make_subscription(email=lookalike, query="theme=remittances", label="Remittances")

    page = main(client.get(path(tokens.manage_url(mine))))
    assert "(2 alerts)" not in page and VICTIM not in page
    client.post(path(tokens.manage_url(mine)), {"action": "unsubscribe-all"})

    assert state(mine)[1] == Status.UNSUBSCRIBED
    assert state(victims) == (VICTIM, Status.ACTIVE, "daily", None)


def test_unsubscribe_from_all_stops_the_address_made_in_any_letter_case(client, db):
    typed_upper = make_subscription(email="SAM@GMAIL.COM", query="theme=remittances", label="Remittances")
    victims = make_subscription(email=VICTIM)
    neighbour = make_subscription(email="ham@gmail.com")

    client.post(path(tokens.manage_url(typed_upper)), {"action": "unsubscribe-all"})

    assert state(typed_upper)[:2] == (VICTIM, Status.UNSUBSCRIBED)
    assert state(victims)[1] == Status.UNSUBSCRIBED
    assert state(neighbour)[1] == Status.ACTIVE


def test_unsubscribe_from_all_for_ana_leaves_hana_subscribed(client, db):
    """The exact address: no substring, prefix or pattern match."""
    ana = make_subscription(email="ana@example.org")
    hana = make_subscription(email="hana@example.org")
    ana_too = make_subscription(email="ana@example.org.uk")

    client.post(path(tokens.manage_url(ana)), {"action": "unsubscribe-all"})

    assert state(ana)[1] == Status.UNSUBSCRIBED
    assert state(hana)[1] == Status.ACTIVE and state(ana_too)[1] == Status.ACTIVE


# --- asking without an account -----------------------------------------------------------------------------------


def test_a_request_for_a_lookalike_goes_to_the_lookalike_only(client, db, mailoutbox, lookalike):
    victims = make_subscription(email=VICTIM)

    response = client.post("/en/subscribe/?region=europe", {"email": lookalike, "frequency": "weekly"})

    assert response.status_code == 302
    assert [message.to for message in mailoutbox] == [[lookalike]]
    assert "Confirm your e-mail alert" in mailoutbox[0].subject
    assert state(victims) == (VICTIM, Status.ACTIVE, "daily", None)
    assert Subscription.objects.get(email=lookalike).status == Status.PENDING


def test_a_suppressed_address_does_not_silence_its_lookalike(client, db, mailoutbox, lookalike):
    SuppressedAddress.objects.create(email=VICTIM, reason="bouncing")
    client.post("/en/subscribe/?region=europe", {"email": lookalike, "frequency": "daily"})
    assert [message.to for message in mailoutbox] == [[lookalike]]

    mailoutbox.clear()
    client.post("/en/subscribe/?region=europe", {"email": "SAM@gmail.COM", "frequency": "daily"})
    assert mailoutbox == []  # the address itself, in another case, stays suppressed


def test_a_request_for_the_address_in_other_letter_cases_is_the_same_subscription(client, db, mailoutbox):
    victims = make_subscription(email=VICTIM)

    client.post("/en/subscribe/?region=europe", {"email": "Sam@Gmail.COM", "frequency": "daily"})

    assert Subscription.objects.get() == victims
    assert [message.to for message in mailoutbox] == [[VICTIM]]
    assert "already" in mailoutbox[0].subject.lower() or "already" in mailoutbox[0].body.lower()


# --- links sent before addresses had one form --------------------------------------------------------------------


def test_a_link_made_before_canonical_addresses_still_works(client, db):
    """Links already in people's mailboxes digested the address as stored, lower-cased: for an ASCII address that
    is its canonical form, so they keep working after the address is stored canonical."""
    subscription = make_subscription(email="Ana.Diaz@Example.org")
    stored_before = "Ana.Diaz@example.org"
    old_digest = salted_hmac("subscriptions.tokens.email", stored_before.strip().lower(), algorithm="sha256")
    old_token = signing.Signer(salt="subscriptions.tokens.manage").sign_object(
        {"s": subscription.pk, "e": old_digest.hexdigest()[:20], "p": "manage"}, compress=True
    )
    assert client.get(f"/en/subscriptions/manage/{old_token}/").status_code == 200


def test_an_account_whose_address_has_no_canonical_form_is_asked_for_one(client, db, django_user_model):
    """An address typed in code or an old admin form can have none (``İ`` lower-cases to two characters): the
    account is then not "verified" for one-click subscribing, and the page asks for an address instead of a 500."""
    account = logged_in(client, "ilker@example.org")
    django_user_model.objects.filter(pk=account.pk).update(email="İlker@example.org")

    assert 'name="email"' in main(client.get("/en/subscribe/?region=europe"))
    response = client.post("/en/subscribe/?region=europe", {"frequency": "daily"})
    assert response.status_code == 400
    assert not Subscription.objects.exists()


def test_the_admin_adds_a_suppressed_address_in_canonical_form_once(client, db, django_user_model):
    """The admin's form cleans to the canonical form before the unique check: another case of a stored address is
    "already exists" next to the field (not an IntegrityError), a look-alike is another address."""
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.org", "x" * 12))
    SuppressedAddress.objects.create(email=VICTIM)
    add = "/admin/subscriptions/suppressedaddress/add/"

    response = client.post(add, {"email": "Sam@GMAIL.com", "reason": "bouncing"})
    assert response.status_code == 200 and "already exists" in response.content.decode()

    response = client.post(add, {"email": "ſam@gmaıl.com", "reason": "bouncing"})
    assert response.status_code == 302
    assert sorted(SuppressedAddress.objects.values_list("email", flat=True)) == [VICTIM, "ſam@gmaıl.com"]
