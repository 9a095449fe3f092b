"""Daily and weekly digests (``manage.py send_digests``): one e-mail per address and period, grouping everything
new that matches any of its subscriptions; each initiative sent once per subscription, never skipped, whatever
re-runs, crashes or mail-server failures happen; nothing for those who should get nothing."""

import datetime
import io
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import CommandError, call_command
from django.utils import timezone

from initiatives import services as initiative_services
from subscriptions import alerts, tokens
from subscriptions.models import Delivery, Subscription, SuppressedAddress
from tests.subscriptions.alert_helpers import (
    SITE,
    count_in,
    html_of,
    publish,
    quiet_seed,  # noqa: F401 (fixture)
    send_digests,
    site,  # noqa: F401 (fixture)
    subscribe,
    titles_in,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("site", "quiet_seed")]

REMITTANCES = "theme=remittances"
EUROPE = "region=europe"
NEW = ("Both Ways", "Remittances Only", "Europe Only", "Neither")


@pytest.fixture
def new_initiatives():
    return {
        "Both Ways": publish("Both Ways", themes=["remittances"], regions=["europe"]),
        "Remittances Only": publish("Remittances Only", themes=["remittances"]),
        "Europe Only": publish("Europe Only", regions=["europe"]),
        "Neither": publish("Neither", themes=["regular-pathways"], countries=["tn"]),
    }


def by_address(messages):
    found = {}
    for message in messages:
        (address,) = message.to
        address = address.lower()
        assert address not in found, f"two e-mails to {address}"
        found[address] = message
    return found


# --- grouping ----------------------------------------------------------------------------------------------------


def test_one_email_per_address_and_period_grouping_its_subscriptions(new_initiatives, mailoutbox):
    ana_remittances = subscribe("ana@example.org", REMITTANCES)
    ana_europe = subscribe("Ana@Example.org", EUROPE)  # the same person, typed differently
    subscribe("bob@example.org", REMITTANCES)
    subscribe(
        "carl@example.org", REMITTANCES, frequency="weekly", confirmed=timezone.now() - datetime.timedelta(days=8)
    )
    subscribe("dora@example.org", "theme=recruitment-and-decent-work")  # nothing new for her

    output = send_digests("daily")

    sent = by_address(mailoutbox)
    assert set(sent) == {"ana@example.org", "bob@example.org"}
    assert "Sent 2 daily digests" in output
    ana, bob = sent["ana@example.org"], sent["bob@example.org"]
    assert titles_in(ana, NEW) == ["Both Ways", "Remittances Only", "Europe Only"]
    assert titles_in(bob, NEW) == ["Both Ways", "Remittances Only"]
    # A section per subscription, in label order ("Europe" before "Objective 20: …"); an initiative matching both
    # is listed once, in the first, and named as matching the other too.
    assert ana_europe.label == "Europe" and ana_remittances.label.startswith("Objective")
    html = html_of(ana)
    assert html.index(">Europe</a></h1>") < html.index(f">{ana_remittances.label}</a></h1>")
    assert count_in(ana, "Both Ways") == 1 and ana.body.count("Both Ways\n") == 1
    assert f"Also matches: {ana_remittances.label}" in ana.body and f"Also matches: {ana_remittances.label}" in html
    assert ana.subject == "[Practice Portal] Daily digest: 3 new initiatives"
    assert bob.subject == "[Practice Portal] Daily digest: 2 new initiatives"
    # Every delivery is recorded as sent, including the one listed once for two subscriptions.
    assert Delivery.objects.filter(subscription=ana_remittances, sent_at__isnull=False).count() == 2
    assert Delivery.objects.filter(subscription=ana_europe, sent_at__isnull=False).count() == 2
    assert not Delivery.objects.filter(sent_at__isnull=True).exists()

    mailoutbox.clear()
    send_digests("weekly")
    (carl,) = mailoutbox  # due: most of a week has passed
    assert carl.to == ["carl@example.org"]
    assert carl.subject == "[Practice Portal] Weekly digest: 2 new initiatives"
    assert titles_in(carl, NEW) == ["Both Ways", "Remittances Only"]


def test_every_digest_has_plain_text_html_unsubscribe_headers_and_links(new_initiatives, mailoutbox):
    first = subscribe("ana@example.org", EUROPE)
    second = subscribe("ana@example.org", REMITTANCES)
    send_digests("daily")
    (message,) = mailoutbox

    one_click = tokens.one_click_unsubscribe_url(first, also=[second])  # every subscription the digest covers
    assert one_click.startswith("https://")
    assert message.extra_headers["List-Unsubscribe"] == f"<{one_click}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    parsed = message.message()
    assert parsed.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in parsed.iter_parts()] == ["text/plain", "text/html"]
    assert parsed["List-Unsubscribe"] == f"<{one_click}>"

    html = html_of(message)
    for subscription in (first, second):
        assert tokens.unsubscribe_url(subscription) in message.body
        assert f'href="{tokens.unsubscribe_url(subscription)}"' in html
    assert tokens.manage_url(first) in message.body and f'href="{tokens.manage_url(first)}"' in html
    initiative = new_initiatives["Both Ways"]
    link = SITE + initiative.get_absolute_url()
    assert link in message.body and f'href="{link}"' in html
    assert initiative.summary in message.body and initiative.summary in html
    assert "Submitted by Ms. Ana Díaz on 1 March 2026" in message.body
    assert "Submitted by Ms. Ana Díaz on 1 March 2026" in html
    assert f"{SITE}/en/initiatives/?region=europe" in message.body
    assert "<b>" not in message.body  # plain text is plain


def test_markup_in_a_title_is_text_in_the_html(mailoutbox):
    subscribe("ana@example.org")
    publish("Less <script>alert(1)</script> is more")
    send_digests("daily")
    (message,) = mailoutbox
    assert "<script>" not in html_of(message) and "&lt;script&gt;" in html_of(message)
    assert "Less <script>alert(1)</script> is more" in message.body


# --- exactly once ------------------------------------------------------------------------------------------------


def test_running_again_sends_nothing_new(new_initiatives, mailoutbox):
    subscription = subscribe("ana@example.org", REMITTANCES)
    send_digests("daily")
    assert len(mailoutbox) == 1

    assert "0 daily subscriptions due" in send_digests("daily")  # the same day: not due again
    # Even when a run finds it due again (cron misconfigured, a clock moved back), what was sent is not resent.
    Subscription.objects.update(since=timezone.now() - datetime.timedelta(days=2))
    assert "Sent 0 daily digests" in send_digests("daily")
    assert len(mailoutbox) == 1

    # The next period brings only what is new.
    Subscription.objects.update(since=timezone.now() - datetime.timedelta(days=1))
    publish("Later Remittances", themes=["remittances"])
    send_digests("daily")
    assert len(mailoutbox) == 2
    assert titles_in(mailoutbox[1], (*NEW, "Later Remittances")) == ["Later Remittances"]
    assert Delivery.objects.filter(subscription=subscription).count() == 3


class CrashingBackend(LocmemBackend):
    """The test outbox, until the process "dies" while sending e-mail number ``crash_at`` (before or after it
    reached the server, as ``after_sending`` says)."""

    crash_at = None
    after_sending = False
    error = RuntimeError("the worker was killed")
    calls = 0

    def send_messages(self, messages):
        CrashingBackend.calls += 1
        if CrashingBackend.calls == CrashingBackend.crash_at:
            if CrashingBackend.after_sending:
                super().send_messages(messages)
            raise CrashingBackend.error
        return super().send_messages(messages)


@pytest.fixture
def crashing(settings):
    def crash(at, *, after_sending=False, error=None):
        CrashingBackend.crash_at, CrashingBackend.after_sending, CrashingBackend.calls = at, after_sending, 0
        CrashingBackend.error = error or RuntimeError("the worker was killed")
        settings.MAILERS = {"default": {"BACKEND": f"{__name__}.CrashingBackend"}}

    yield crash
    CrashingBackend.crash_at = None


ADDRESSES = [f"reader{n}@example.org" for n in range(1, 6)]


def test_a_crash_after_some_sends_then_a_rerun_sends_the_rest_exactly_once(new_initiatives, mailoutbox, crashing):
    for address in ADDRESSES:
        subscribe(address, REMITTANCES)
    crashing(at=3)
    with pytest.raises(RuntimeError, match="killed"):
        send_digests("daily")
    assert [m.to[0] for m in mailoutbox] == ADDRESSES[:2]

    crashing(at=None)
    send_digests("daily")
    assert [m.to[0] for m in mailoutbox] == ADDRESSES  # the rest, once each
    for message in mailoutbox:
        assert titles_in(message, NEW) == ["Both Ways", "Remittances Only"]
    assert Delivery.objects.filter(sent_at__isnull=False).count() == 10
    send_digests("daily")
    assert len(mailoutbox) == 5


def test_the_one_edge_a_crash_between_sending_and_committing_resends_that_one_email(
    new_initiatives, mailoutbox, crashing
):
    """The server accepted e-mail 3, then the process died before its rows were marked sent: that e-mail (and only
    that one) goes again. Documented in subscriptions/alerts.py and the README."""
    for address in ADDRESSES:
        subscribe(address, REMITTANCES)
    crashing(at=3, after_sending=True)
    with pytest.raises(RuntimeError):
        send_digests("daily")
    crashing(at=None)
    send_digests("daily")
    received = [m.to[0] for m in mailoutbox]
    assert received == ADDRESSES[:3] + ADDRESSES[2:]
    assert received.count(ADDRESSES[2]) == 2 and all(received.count(a) == 1 for a in ADDRESSES if a != ADDRESSES[2])


def test_a_failing_mail_server_stops_the_run_and_loses_nothing(new_initiatives, mailoutbox, crashing):
    for address in ADDRESSES:
        subscribe(address, REMITTANCES)
    crashing(at=2, error=smtplib.SMTPServerDisconnected("Connection unexpectedly closed"))
    with pytest.raises(CommandError, match=r"after 1 of 5 digests were sent .* run the command again"):
        send_digests("daily")
    crashing(at=None)
    send_digests("daily")
    assert sorted(m.to[0] for m in mailoutbox) == ADDRESSES


class RefusingBackend(LocmemBackend):
    """The test outbox behind a server that knows no mailbox gone@example.org."""

    def send_messages(self, messages):
        if messages[0].to == ["gone@example.org"]:
            raise smtplib.SMTPRecipientsRefused({"gone@example.org": (550, b"No such user")})
        return super().send_messages(messages)


def test_an_address_the_server_refuses_does_not_hold_up_the_others(new_initiatives, mailoutbox, settings):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.RefusingBackend"}}
    for address in ("bob@example.org", "gone@example.org", "zoe@example.org"):
        subscribe(address, REMITTANCES)
    err = io.StringIO()
    call_command("send_digests", "--frequency", "daily", stdout=io.StringIO(), stderr=err)
    assert sorted(m.to[0] for m in mailoutbox) == ["bob@example.org", "zoe@example.org"]
    assert "refused 1 digests" in err.getvalue() and "gone@example.org" in err.getvalue()
    assert Delivery.objects.filter(subscription__email="gone@example.org", sent_at__isnull=True).count() == 2

    # Marked as bouncing, it is not tried again.
    call_command("mark_bouncing", "gone@example.org", stdout=io.StringIO())
    err = io.StringIO()
    call_command("send_digests", "--frequency", "daily", stdout=io.StringIO(), stderr=err)
    assert err.getvalue() == "" and len(mailoutbox) == 2


# --- who gets nothing --------------------------------------------------------------------------------------------


def test_paused_unsubscribed_pending_suppressed_and_other_frequencies_get_nothing(new_initiatives, mailoutbox):
    subscribe("paused@example.org", REMITTANCES, status="paused")
    subscribe("gone@example.org", REMITTANCES, status="unsubscribed")
    subscribe("pending@example.org", REMITTANCES, status="pending")
    subscribe("bounces@example.org", REMITTANCES)
    SuppressedAddress.objects.create(email="BOUNCES@example.org", reason="bouncing")
    subscribe("instant@example.org", REMITTANCES, frequency="immediate")
    subscribe("weekly@example.org", REMITTANCES, frequency="weekly")
    subscribe("ok@example.org", REMITTANCES)

    send_digests("daily")
    assert [m.to for m in mailoutbox] == [["ok@example.org"]]
    assert set(Delivery.objects.values_list("subscription__email", flat=True)) == {"ok@example.org"}


def test_a_subscription_confirmed_after_a_publication_gets_nothing_for_it(mailoutbox):
    now = timezone.now()
    publish("Published Before", themes=["remittances"], when=now - datetime.timedelta(days=2))
    subscribe("early@example.org", REMITTANCES, confirmed=now - datetime.timedelta(days=3))
    subscribe("late@example.org", REMITTANCES, confirmed=now - datetime.timedelta(days=1, hours=23))
    publish("Published After", themes=["remittances"])

    send_digests("daily")
    sent = by_address(mailoutbox)
    titles = ("Published Before", "Published After")
    assert titles_in(sent["early@example.org"], titles) == ["Published Before", "Published After"]
    assert titles_in(sent["late@example.org"], titles) == ["Published After"]


def test_what_was_unpublished_before_the_digest_is_not_sent(mailoutbox):
    subscribe("ana@example.org", REMITTANCES)
    publish("Stays", themes=["remittances"])
    gone = publish("Taken Back", themes=["remittances"])
    initiative_services.unpublish_initiative(initiative=gone)
    send_digests("daily")
    (message,) = mailoutbox
    assert titles_in(message, ("Stays", "Taken Back")) == ["Stays"]


def test_a_new_subscription_waits_for_its_first_period(mailoutbox):
    subscribe("new@example.org", REMITTANCES, confirmed=timezone.now() - datetime.timedelta(hours=2))
    publish("Fresh", themes=["remittances"])
    assert "0 daily subscriptions due" in send_digests("daily")
    Subscription.objects.update(since=timezone.now() - datetime.timedelta(hours=20))  # the next morning
    send_digests("daily")
    (message,) = mailoutbox
    assert titles_in(message, ("Fresh",)) == ["Fresh"]


# --- matching ----------------------------------------------------------------------------------------------------


def listing_slugs(client, query):
    response = client.get(f"/en/initiatives/?{query}")
    assert response.status_code == 200
    return {initiative.slug for initiative in response.context["page_obj"].object_list}


@pytest.mark.parametrize(
    "query",
    ["", REMITTANCES, EUROPE, f"{REMITTANCES}&{EUROPE}", "theme=remittances&theme=regular-pathways", "q=europe"],
)
def test_a_subscription_gets_what_its_listing_shows(query, client, new_initiatives, mailoutbox):
    subscription = subscribe("ana@example.org", query)
    new = {initiative.slug for initiative in new_initiatives.values()}
    expected = listing_slugs(client, subscription.query) & new
    send_digests("daily")
    delivered = set(Delivery.objects.filter(subscription=subscription).values_list("initiative__slug", flat=True))
    assert delivered == expected
    assert len(mailoutbox) == (1 if expected else 0)


def test_each_distinct_query_is_matched_once_whatever_the_number_of_subscriptions(new_initiatives, monkeypatch):
    made = []

    class Counting(alerts.Listing):
        def __init__(self, *args, **kwargs):
            made.append(args[0].urlencode())
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(alerts, "Listing", Counting)
    for n in range(10):
        subscribe(f"r{n}@example.org", REMITTANCES)
        subscribe(f"e{n}@example.org", EUROPE)
        subscribe(f"a{n}@example.org", "")
    output = send_digests("daily")
    assert sorted(made) == ["", "region=europe", "theme=remittances"]
    assert "30 daily subscriptions due; 3 distinct queries over 4 newly published initiatives" in output
    assert Delivery.objects.count() == 10 * (2 + 2 + 4)


# --- dry run -----------------------------------------------------------------------------------------------------


def test_dry_run_records_and_sends_nothing(new_initiatives, mailoutbox):
    subscription = subscribe("ana@example.org", REMITTANCES)
    subscribe("ana@example.org", EUROPE)
    subscribe("bob@example.org", REMITTANCES)
    output = send_digests("daily", "--dry-run")
    assert "3 daily subscriptions due" in output and "6 matches" in output
    assert "would send 2 digests" in output
    assert mailoutbox == [] and not Delivery.objects.exists()
    subscription.refresh_from_db()
    assert subscription.since == subscription.confirmed_at


def test_frequency_is_required_and_checked():
    with pytest.raises(CommandError):
        call_command("send_digests", stdout=io.StringIO(), stderr=io.StringIO())
    with pytest.raises(CommandError):
        call_command("send_digests", "--frequency", "hourly", stdout=io.StringIO(), stderr=io.StringIO())


# --- mark_bouncing -----------------------------------------------------------------------------------------------


def mark_bouncing(*args) -> str:
    out = io.StringIO()
    call_command("mark_bouncing", *args, stdout=out)
    return out.getvalue()


def test_mark_bouncing_suppresses_an_address_in_any_case(new_initiatives, mailoutbox):
    subscribe("ana@example.org", REMITTANCES)
    subscribe("ana@example.org", EUROPE)
    subscribe("bob@example.org", REMITTANCES)

    assert "Would suppress" in mark_bouncing("ANA@example.org", "--dry-run")
    assert not SuppressedAddress.objects.exists()

    output = mark_bouncing("ANA@example.org", "--reason", "550 mailbox unavailable")
    # Kept in canonical form, the one every lookup compares with.
    assert "Suppressed ana@example.org (550 mailbox unavailable)" in output and "2 active subscriptions" in output
    assert "already suppressed" in mark_bouncing("ana@EXAMPLE.org")
    assert SuppressedAddress.objects.count() == 1
    assert Subscription.objects.filter(email="ana@example.org", status="active").count() == 2  # kept as they are

    send_digests("daily")
    assert [m.to for m in mailoutbox] == [["bob@example.org"]]
    assert mail.outbox is mailoutbox


def test_mark_bouncing_refuses_what_is_not_an_address():
    with pytest.raises(CommandError, match="not an e-mail address"):
        mark_bouncing("not-an-address")
    assert not SuppressedAddress.objects.exists()


def test_one_click_on_a_digest_stops_every_subscription_it_covered_and_nothing_else(new_initiatives, mailoutbox):
    from urllib.parse import urlsplit

    from django.test import Client

    first = subscribe("ana@example.org", EUROPE)
    second = subscribe("ana@example.org", REMITTANCES)
    bob = subscribe("bob@example.org", EUROPE)
    send_digests("daily")
    ana_digest = next(m for m in mailoutbox if m.to == ["ana@example.org"])
    url = ana_digest.extra_headers["List-Unsubscribe"].strip("<>")

    # RFC 8058: the mail client's bare POST, without cookies or CSRF token.
    response = Client(enforce_csrf_checks=True).post(urlsplit(url).path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    statuses = dict(Subscription.objects.values_list("pk", "status"))
    assert statuses[first.pk] == statuses[second.pk] == Subscription.Status.UNSUBSCRIBED
    assert statuses[bob.pk] == Subscription.Status.ACTIVE

    # A token naming another address's subscription among its "others" does not reach it.
    forged = tokens.one_click_unsubscribe_url(first, also=[bob])
    Client(enforce_csrf_checks=True).post(urlsplit(forged).path, {"List-Unsubscribe": "One-Click"})
    assert Subscription.objects.get(pk=bob.pk).status == Subscription.Status.ACTIVE
