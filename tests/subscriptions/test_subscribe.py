"""The subscribe page: feeds and an e-mail alert for any listing; confirmation by e-mail for everyone but logged-in
people with a verified address; the same answer whatever the address; rate limits; bad input."""

import re
import threading
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.http import QueryDict
from django.test import Client
from django.utils import timezone
from taggit.models import Tag

from subscriptions import ratelimit, services
from subscriptions.models import Subscription, SuppressedAddress
from tests.accounts.factories import make_account

Status = Subscription.Status

ADDRESS = "ana.diaz@example.org"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _mail_sent_at_once(mail_sent_at_once):
    """These tests read what the e-mails say: the queue runs each one as it is enqueued."""


def make_subscription(*, email=ADDRESS, query="region=europe", label="Europe", status=Status.ACTIVE, **fields):
    confirmed = None if status == Status.PENDING else timezone.now()
    return Subscription.objects.create(
        email=email, query=query, label=label, status=status, confirmed_at=confirmed, since=confirmed, **fields
    )


def link_path(message, kind: str) -> str:
    """The path of the one ``kind`` link ("confirm", "manage") in an e-mail's plain-text body."""
    links = re.findall(rf"{re.escape(settings.SITE_URL)}(/en/subscriptions/{kind}/\S+)", message.body)
    assert len(links) == 1, message.body
    return links[0]


def subscribe(client, query="region=europe", **data):
    data = {"email": ADDRESS, "frequency": "daily", **data}
    return client.post(f"/en/subscribe/?{query}" if query else "/en/subscribe/", data)


def main(response) -> str:
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


# --- the page ---------------------------------------------------------------------------------------------------


def test_term_page_and_listing_link_to_the_subscribe_page(client, db):
    html = client.get("/en/regions/europe/").content.decode()
    assert 'href="/en/subscribe/?region=europe"' in html
    html = client.get("/en/initiatives/?q=diaspora&theme=remittances").content.decode()
    assert 'href="/en/subscribe/?q=diaspora&amp;theme=remittances"' in html


def test_the_page_offers_feeds_and_an_e_mail_alert(client, db):
    response = client.get("/en/subscribe/?region=europe")
    assert response.status_code == 200
    html = main(response)
    assert "<h1>Subscribe to Europe</h1>" in html
    assert (
        'href="/en/initiatives/feed/?region=europe"' in html
        and 'href="/en/initiatives/feed/atom/?region=europe"' in html
    )
    assert 'action="/en/subscribe/?region=europe"' in html
    assert 'type="email" name="email"' in html
    for value in ("immediate", "daily", "weekly"):
        assert f'value="{value}"' in html
    assert "<legend>How often</legend>" in html
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.parametrize(
    ("query", "normal", "label"),
    [
        ("", "", "All initiatives"),
        ("region=europe", "region=europe", "Europe"),
        ("theme=remittances&region=europe&page=3&sort=title", "region=europe&theme=remittances", None),
        ("region=europe&foo=bar&region=europe", "region=europe", "Europe"),
        ("q=++diaspora++", "q=diaspora", "Search: “diaspora”"),
        ("region=EUROPE", "region=europe", "Europe"),
        ("country=MD", "country=md", "Republic of Moldova"),
        ("year_from=abc&status=nonsense&region=europe", "region=europe", "Europe"),
        ("year_from=2019&status=ongoing", "status=ongoing&year_from=2019", "From: 2019; Status: Ongoing"),
        ("region=europe&region=atlantis", "region=europe", "Europe"),
    ],
)
def test_the_query_is_read_as_the_listing_reads_it(client, db, query, normal, label):
    followed = services.followed_listing(QueryDict(query))
    assert followed.query == normal
    if label:
        assert followed.label == label
    response = subscribe(client, query)
    assert response.status_code == 302
    subscription = Subscription.objects.get()
    assert (subscription.query, subscription.label) == (normal, followed.label)


def test_what_the_page_leaves_out_is_said(client, db):
    html = main(client.get("/en/subscribe/?region=europe&foo=1&year_from=abc"))
    assert "left out: foo, year_from" in html
    assert 'action="/en/subscribe/?region=europe"' in html


@pytest.mark.parametrize("query", ["region=atlantis", "theme=nothing&region=europe", "tag=", "country=zz"])
def test_a_term_that_does_not_exist_is_a_404(client, db, query):
    response = client.get(f"/en/subscribe/?{query}")
    if query == "tag=":
        assert response.status_code == 200  # an empty value is no term: the page follows everything
    else:
        assert response.status_code == 404
        assert subscribe(client, query).status_code == 404
        assert not Subscription.objects.exists()


@pytest.mark.parametrize(
    "query",
    ["q=%00", "q=" + "x" * 5000, "region=" + "a" * 300, "page=-1&sort=%FF", "region[]=x", "%ZZ=1", "theme=a%00b"],
)
def test_hostile_queries_never_give_a_500(client, db, query):
    assert client.get(f"/en/subscribe/?{query}").status_code in (200, 404)
    assert subscribe(client, query).status_code in (302, 404)


def test_a_query_too_long_to_store_is_refused_with_a_message(client, db):
    tags = [f"tag-{n:02d}-" + "x" * 93 for n in range(20)]  # 20 values of 100 characters: the most a facet takes
    Tag.objects.bulk_create([Tag(name=t, slug=t) for t in tags])
    query = "&".join(f"tag={t}" for t in tags)
    response = subscribe(client, query)
    assert response.status_code == 400
    assert "too long to follow by e-mail" in main(response)
    assert not Subscription.objects.exists()


# --- asking, confirming -----------------------------------------------------------------------------------------


def test_subscribe_sends_a_confirmation_and_nothing_is_active_until_confirmed(client, db, mailoutbox):
    response = subscribe(client, "region=europe", email="Ana.Diaz@EXAMPLE.org", frequency="weekly")
    assert response.status_code == 302 and response["Location"] == "/en/subscribe/sent/"
    subscription = Subscription.objects.get()
    assert subscription.email == "ana.diaz@example.org"  # the canonical form, stored and written to
    assert (subscription.status, subscription.frequency, subscription.confirmed_at) == (Status.PENDING, "weekly", None)

    html = main(client.get("/en/subscribe/sent/"))
    assert "Check your inbox" in html and "ana.diaz@example.org" in html

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["ana.diaz@example.org"]
    assert message.subject == f"Confirm your e-mail alert from {settings.SITE_NAME}"
    assert "“Europe” (Weekly digest)" in message.body
    assert message.alternatives[0].mimetype == "text/html"
    path = link_path(message, "confirm")
    assert path in message.alternatives[0].content

    # Following the link shows a button and changes nothing (mail scanners fetch links).
    response = client.get(path)
    assert response.status_code == 200
    assert "Confirm my subscription" in main(response)
    subscription.refresh_from_db()
    assert subscription.status == Status.PENDING

    response = client.post(path)
    assert response.status_code == 200
    assert "<h1>Your subscription is confirmed</h1>" in main(response)
    subscription.refresh_from_db()
    assert subscription.status == Status.ACTIVE and subscription.frequency == "weekly"
    assert subscription.confirmed_at is not None and subscription.since == subscription.confirmed_at

    # Again: harmless, and says so.
    assert client.post(path).status_code == 200
    response = client.get(path)
    assert "<h1>You already follow this</h1>" in main(response)
    assert Subscription.objects.count() == 1


def test_the_confirmation_page_needs_the_csrf_token(client, db, mailoutbox):
    subscribe(client)
    path = link_path(mailoutbox[0], "confirm")
    assert Client(enforce_csrf_checks=True).post(path).status_code == 403
    assert Subscription.objects.get().status == Status.PENDING


def test_asking_again_while_pending_updates_the_frequency_and_sends_a_new_link(client, db, mailoutbox):
    subscribe(client, frequency="daily")
    subscribe(client, email=ADDRESS.upper(), frequency="immediate")
    subscription = Subscription.objects.get()
    assert subscription.frequency == "immediate" and subscription.status == Status.PENDING
    assert len(mailoutbox) == 2
    client.post(link_path(mailoutbox[1], "confirm"))
    subscription.refresh_from_db()
    assert (subscription.status, subscription.frequency) == (Status.ACTIVE, "immediate")


def test_an_older_confirmation_link_applies_its_own_frequency(client, db, mailoutbox):
    subscribe(client, frequency="daily")
    subscribe(client, frequency="weekly")
    client.post(link_path(mailoutbox[0], "confirm"))
    assert Subscription.objects.get().frequency == "daily"


def test_an_active_address_gets_a_manage_link_and_a_link_to_confirm_a_change(client, db, mailoutbox):
    subscription = make_subscription(frequency="daily")
    subscribe(client, email=ADDRESS, frequency="weekly")
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert "already receives them (Daily digest)" in message.body
    assert link_path(message, "manage")
    subscription.refresh_from_db()
    assert subscription.frequency == "daily"  # a stranger could have asked: nothing changes until confirmed
    client.post(link_path(message, "confirm"))
    subscription.refresh_from_db()
    assert (subscription.status, subscription.frequency) == (Status.ACTIVE, "weekly")


def test_an_active_address_asking_the_same_gets_only_the_manage_link(client, db, mailoutbox):
    make_subscription(frequency="daily")
    subscribe(client, frequency="daily")
    assert "/en/subscriptions/confirm/" not in mailoutbox[0].body
    assert link_path(mailoutbox[0], "manage")


def test_a_paused_address_can_confirm_to_resume(client, db, mailoutbox):
    subscription = make_subscription(status=Status.PAUSED)
    subscribe(client, frequency=subscription.frequency)
    assert "its alert is paused" in mailoutbox[0].body
    before = subscription.since
    client.post(link_path(mailoutbox[0], "confirm"))
    subscription.refresh_from_db()
    assert subscription.status == Status.ACTIVE and subscription.since > before


def test_an_unsubscribed_address_subscribes_again_after_confirming(client, db, mailoutbox):
    subscription = make_subscription(status=Status.UNSUBSCRIBED, frequency="daily")
    subscribe(client, frequency="immediate")
    subscription.refresh_from_db()
    assert subscription.status == Status.UNSUBSCRIBED
    client.post(link_path(mailoutbox[0], "confirm"))
    subscription.refresh_from_db()
    assert (subscription.status, subscription.frequency) == (Status.ACTIVE, "immediate")
    assert Subscription.objects.count() == 1


def test_a_suppressed_address_gets_nothing(client, db, mailoutbox):
    SuppressedAddress.objects.create(email="ANA.DIAZ@example.org", reason="bounced")
    assert subscribe(client)["Location"] == "/en/subscribe/sent/"
    assert mailoutbox == [] and not Subscription.objects.exists()


def test_a_failing_mail_server_changes_nothing_the_visitor_sees(client, db, monkeypatch, caplog):
    def refuse(self, *args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    response = subscribe(client)
    assert response.status_code == 302 and response["Location"] == "/en/subscribe/sent/"
    # The e-mail is sent by the task queue (here run at once, a backend that cannot retry): the failure is logged.
    assert "Giving up on e-mail subscriptions.emails.confirmation" in caplog.text


# --- nobody learns who subscribes -------------------------------------------------------------------------------

STATES = ["new", "pending", "active", "paused", "unsubscribed", "suppressed", "other listing"]


def _prepare(state):
    if state in ("pending", "active", "paused", "unsubscribed"):
        make_subscription(status=state)
    elif state == "suppressed":
        SuppressedAddress.objects.create(email=ADDRESS)
    elif state == "other listing":
        make_subscription(query="theme=remittances", label="Remittances")


def _answer(state):
    """Everything a visitor sees of subscribing ``ADDRESS`` when the address is in ``state``."""
    _prepare(state)
    client = Client()
    page = client.get("/en/subscribe/?region=europe")
    posted = subscribe(client, "region=europe", frequency="weekly")
    sent = client.get(posted["Location"])
    return [
        page.status_code,
        re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", page.content),
        posted.status_code,
        posted["Location"],
        posted.content,
        sent.status_code,
        sent.content,
    ]


@pytest.mark.parametrize("state", STATES[1:])
def test_the_answer_is_the_same_whatever_the_address(db, state):
    savepoint = transaction.savepoint_create()
    baseline = _answer("new")
    transaction.savepoint_rollback(savepoint)
    cache.clear()
    assert Subscription.objects.count() == 0
    assert _answer(state) == baseline


# --- logged in ---------------------------------------------------------------------------------------------------


@pytest.fixture
def account(db):
    return make_account(email=ADDRESS)


@pytest.fixture
def logged_in(client, account):
    client.force_login(account)
    return client


def test_a_verified_account_subscribes_in_one_click(logged_in, account, mailoutbox):
    html = main(logged_in.get("/en/subscribe/?region=europe"))
    assert 'name="email"' not in html and ADDRESS in html
    response = logged_in.post("/en/subscribe/?region=europe", {"frequency": "weekly"})
    assert response.status_code == 302 and response["Location"] == "/en/subscribe/?region=europe"
    subscription = Subscription.objects.get()
    assert (subscription.email, subscription.user, subscription.status, subscription.frequency) == (
        ADDRESS,
        account,
        Status.ACTIVE,
        "weekly",
    )
    assert subscription.confirmed_at and subscription.since
    assert mailoutbox == []
    html = main(logged_in.get("/en/subscribe/?region=europe"))
    assert "You follow this by e-mail: Weekly digest (Active)." in html
    assert "/en/subscriptions/manage/" in html
    assert re.search(r'value="weekly"[^>]* checked', html)

    logged_in.post("/en/subscribe/?region=europe", {"frequency": "immediate"})
    subscription.refresh_from_db()
    assert subscription.frequency == "immediate" and Subscription.objects.count() == 1


def test_one_click_takes_over_an_anonymous_subscription_of_the_same_address(logged_in, account):
    anonymous = make_subscription(email=ADDRESS.upper(), status=Status.UNSUBSCRIBED)
    logged_in.post("/en/subscribe/?region=europe", {"frequency": "daily"})
    anonymous.refresh_from_db()
    assert (anonymous.status, anonymous.user) == (Status.ACTIVE, account)
    assert Subscription.objects.count() == 1


def test_an_account_whose_address_bounces_is_told(logged_in):
    SuppressedAddress.objects.create(email=ADDRESS)
    response = logged_in.post("/en/subscribe/?region=europe", {"frequency": "daily"})
    assert response.status_code == 200
    assert "has been bouncing" in main(response)
    assert not Subscription.objects.exists()


def test_an_account_without_a_verified_address_confirms_by_e_mail(client, db, django_user_model, mailoutbox):
    admin_made = django_user_model.objects.create_user(username="root", email="root@example.org", password="x" * 12)
    client.force_login(admin_made)
    assert 'name="email"' in main(client.get("/en/subscribe/"))
    subscribe(client, "", email="root@example.org")
    assert Subscription.objects.get().status == Status.PENDING and len(mailoutbox) == 1


def test_the_account_page_lists_ones_subscriptions_with_links_to_manage_them(logged_in, account):
    logged_in.post("/en/subscribe/?region=europe", {"frequency": "weekly"})
    make_subscription(email=ADDRESS.upper(), query="theme=remittances", label="Objective 20: Remittances")
    make_subscription(email=ADDRESS, query="q=gone", label="Gone", status=Status.UNSUBSCRIBED)
    make_subscription(email="ben@example.org", query="region=africa", label="Africa")
    response = logged_in.get("/en/accounts/")
    html = main(response)
    assert '<h2 id="subscriptions">Your subscriptions</h2>' in html
    assert 'href="/en/initiatives/?region=europe">Europe</a>' in html
    assert "Objective 20: Remittances" in html
    assert "Gone" not in html and "Africa" not in html
    manage_links = re.findall(r'href="(/en/subscriptions/manage/[^"]+)"', html)
    assert len(manage_links) == 2
    for link in manage_links:
        assert logged_in.get(link).status_code == 200


def test_the_account_page_says_when_nothing_is_followed(logged_in):
    assert "You follow nothing by e-mail yet." in main(logged_in.get("/en/accounts/"))


# --- bad input ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "email",
    ["not an address", "ana@", "@example.org", "ana@example", "a@b.org\nBcc: x@y.org", "x" * 250 + "@example.org", ""],
)
def test_a_malformed_address_is_explained_next_to_the_field_and_kept(client, db, mailoutbox, email):
    response = subscribe(client, email=email)
    assert response.status_code == 400
    html = main(response)
    assert 'class="error-summary" role="alert"' in html
    assert '<a href="#id_email">Your e-mail address:' in html
    assert '<ul class="errorlist" id="id_email_error">' in html
    assert 'aria-invalid="true"' in html
    if email.strip() and "\n" not in email:
        assert f'value="{email}"' in html
    assert mailoutbox == [] and not Subscription.objects.exists()


@pytest.mark.parametrize("frequency", ["", "hourly", "DAILY"])
def test_an_unknown_frequency_is_explained(client, db, frequency):
    response = subscribe(client, frequency=frequency)
    assert response.status_code == 400
    assert '<a href="#id_frequency">How often:' in main(response)
    assert not Subscription.objects.exists()


def test_other_methods_are_refused(client, db):
    assert client.put("/en/subscribe/").status_code == 405
    assert client.delete("/en/subscribe/").status_code == 405


# --- rate limits -------------------------------------------------------------------------------------------------


def test_an_address_gets_at_most_five_requests_an_hour_from_anywhere(db, mailoutbox):
    for n in range(ratelimit.PER_ADDRESS.count):
        assert subscribe(Client(REMOTE_ADDR=f"10.0.0.{n}"), email=ADDRESS).status_code == 302
    response = subscribe(Client(REMOTE_ADDR="10.0.0.99"), email=ADDRESS.upper())
    assert response.status_code == 429
    assert "Too many subscription requests" in main(response)
    assert len(mailoutbox) == ratelimit.PER_ADDRESS.count
    # Another address is not affected.
    assert subscribe(Client(REMOTE_ADDR="10.0.0.99"), email="ben@example.org").status_code == 302


def test_a_client_gets_at_most_twenty_requests_an_hour(db, mailoutbox):
    client = Client(REMOTE_ADDR="192.0.2.7")
    for n in range(ratelimit.PER_CLIENT.count):
        assert subscribe(client, email=f"person{n}@example.org").status_code == 302
    response = subscribe(client, email="one-more@example.org")
    assert response.status_code == 429
    assert "Too many subscription requests" in main(response)
    assert len(mailoutbox) == ratelimit.PER_CLIENT.count
    # Malformed attempts count and are refused too; another client is not affected.
    assert subscribe(client, email="nonsense").status_code == 429
    assert subscribe(Client(REMOTE_ADDR="192.0.2.8"), email="one-more@example.org").status_code == 302


def test_sent_page_without_a_session_is_generic(client, db):
    html = main(client.get("/en/subscribe/sent/"))
    assert "We are sending you an e-mail." in html


def test_the_confirmation_e_mail_has_no_link_but_its_own_and_the_listing(client, db, mailoutbox):
    subscribe(client)
    body = mailoutbox[0].body
    links = re.findall(r"https?://\S+", body)
    assert {urlsplit(link).path.split("/")[:3][-1] for link in links} == {"subscriptions", "initiatives", ""}
    assert "/en/subscriptions/manage/" not in body and "/en/subscriptions/unsubscribe/" not in body


# --- at the same moment ------------------------------------------------------------------------------------------


@pytest.mark.system
@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_make_one_subscription(on_postgresql, mailoutbox):
    """Two requests for the same address and listing, on two connections at the same instant (PostgreSQL; SQLite
    serialises writers): one subscription, each request answered and its confirmation sent."""
    followed = services.Followed(query="", label="All initiatives")
    barrier = threading.Barrier(2)
    errors = []

    def request(email):
        try:
            barrier.wait()
            services.request_subscription(email=email, followed=followed, frequency="daily")
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=request, args=(email,)) for email in (ADDRESS, ADDRESS.upper())]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert Subscription.objects.count() == 1
    assert len(mailoutbox) == 2
