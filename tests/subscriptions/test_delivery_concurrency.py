"""Two workers sending at the same moment, on PostgreSQL with two real connections (one per thread, in
``transaction=True`` tests so that each thread's transactions really commit): every subscription gets each
initiative exactly once, and every address one digest. SQLite serialises writers, so these are skipped there.
"""

import datetime
import io
import threading

import pytest
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from initiatives.models import Initiative
from subscriptions import alerts
from subscriptions.models import Delivery
from tests.subscriptions.alert_helpers import publish, site, subscribe  # noqa: F401 (site: fixture)

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("site"),
    pytest.mark.system,
]

ADDRESSES = [f"reader{n:02}@example.org" for n in range(1, 21)]
TITLES = ("Remittance Savings Groups", "Diaspora Bonds", "European Skills Partnership", "Unrelated")


@pytest.fixture
def collection(seeded_database, on_postgresql):
    """The seed (``seeded_database``), a month old, and four new initiatives; twenty addresses, every other one with
    a second subscription."""
    Initiative.objects.update(published_at=timezone.now() - datetime.timedelta(days=30))
    publish(TITLES[0], themes=["remittances"])
    publish(TITLES[1], themes=["remittances"], regions=["europe"])
    publish(TITLES[2], regions=["europe"])
    publish(TITLES[3], themes=["regular-pathways"], countries=["tn"])


def subscribe_everyone(frequency: str):
    for n, address in enumerate(ADDRESSES):
        subscribe(address, "theme=remittances", frequency=frequency)
        if n % 2:
            subscribe(address, "region=europe", frequency=frequency)


class Worker(threading.Thread):
    """One worker in its own thread, hence on its own database connection."""

    def __init__(self, name, work):
        super().__init__(name=name)
        self.work = work
        self.error = None

    def run(self):
        try:
            self.work()
        except Exception as error:  # reported by the test
            self.error = error
        finally:
            connection.close()  # this thread's connection; left open it would warn (and warnings are errors)


class HeldMailServer(LocmemBackend):
    """The test outbox; the thread named "held" stops inside its first send (its rows locked, not yet marked
    sent) until the test lets it go on. Records which thread sent what."""

    reached = threading.Event()
    go_on = threading.Event()
    senders: list[tuple[str, str]] = []

    def send_messages(self, messages):
        name = threading.current_thread().name
        if name == "held" and not HeldMailServer.reached.is_set():
            HeldMailServer.reached.set()
            assert HeldMailServer.go_on.wait(20), "never let go"
        HeldMailServer.senders.extend((name, message.to[0]) for message in messages)
        return super().send_messages(messages)


@pytest.fixture
def held_mail_server(settings):
    HeldMailServer.reached, HeldMailServer.go_on, HeldMailServer.senders = threading.Event(), threading.Event(), []
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.HeldMailServer"}}
    yield HeldMailServer
    HeldMailServer.go_on.set()


def assert_exactly_once(mailoutbox):
    received = sorted(message.to[0] for message in mailoutbox)
    assert received == ADDRESSES  # one e-mail per address
    assert not Delivery.objects.filter(sent_at__isnull=True).exists()
    for message in mailoutbox:
        n = ADDRESSES.index(message.to[0])
        expected = [TITLES[0], TITLES[1]] + ([TITLES[2]] if n % 2 else [])
        assert [title for title in TITLES if title in message.body] == expected
        for title in expected:
            assert message.body.count(f"{title}\n") == 1


def digest():
    call_command("send_digests", "--frequency", "daily", stdout=io.StringIO(), stderr=io.StringIO())


def test_a_second_run_skips_what_the_first_is_sending_and_sends_the_rest(collection, held_mail_server, mailoutbox):
    subscribe_everyone("daily")
    first = Worker("held", digest)
    first.start()
    assert held_mail_server.reached.wait(20)  # the first run is inside its first e-mail, that address locked

    second = Worker("second", digest)
    second.start()
    second.join(30)
    assert not second.is_alive() and second.error is None, second.error
    held_mail_server.go_on.set()
    first.join(30)
    assert not first.is_alive() and first.error is None, first.error

    # The first run sent the e-mail it was holding, and nothing else: the second had sent the rest meanwhile
    # (skipping the locked address), and the first found those rows marked sent when it got to them.
    assert held_mail_server.senders == [("second", address) for address in ADDRESSES[1:]] + [("held", ADDRESSES[0])]
    assert_exactly_once(mailoutbox)


class SlowMailServer(LocmemBackend):
    def send_messages(self, messages):
        threading.Event().wait(0.01)  # long enough for two runs to overlap
        return super().send_messages(messages)


def test_an_email_partly_locked_by_another_worker_waits_and_goes_whole(collection, mailoutbox):
    """Another worker holds one of the rows of an address's digest: the run does not send the other half on its
    own; it sends everything else, comes back to that address, waits for the lock, and sends the whole digest."""
    subscribe_everyone("daily")
    alerts.record_digest(frequency="daily")
    address = ADDRESSES[1]  # two subscriptions: five deliveries
    first_row = Delivery.objects.filter(subscription__email=address).order_by("pk").first()
    locked, release = threading.Event(), threading.Event()

    def hold():
        with transaction.atomic():
            Delivery.objects.select_for_update().get(pk=first_row.pk)
            locked.set()
            assert release.wait(20)
            transaction.set_rollback(True)  # the other worker "crashed": nothing sent, nothing marked

    holder = Worker("holder", hold)
    holder.start()
    assert locked.wait(20)
    run = Worker("run", lambda: alerts.send_owed(frequency="daily"))
    run.start()
    for _ in range(200):  # until the run has sent to everyone else and waits for the held row
        if len(mailoutbox) == len(ADDRESSES) - 1:
            break
        threading.Event().wait(0.05)
    threading.Event().wait(0.2)
    assert sorted(message.to[0] for message in mailoutbox) == [a for a in ADDRESSES if a != address]
    assert run.is_alive()  # waiting, not sending half a digest
    release.set()
    for worker in (holder, run):
        worker.join(30)
        assert not worker.is_alive() and worker.error is None, worker.error
    assert_exactly_once(mailoutbox)


def test_two_runs_started_together_send_each_initiative_once_per_subscription(collection, settings, mailoutbox):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.SlowMailServer"}}
    subscribe_everyone("daily")
    start = threading.Barrier(2)
    workers = [Worker(name, lambda: (start.wait(10), digest())) for name in ("one", "two")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert not worker.is_alive() and worker.error is None, worker.error
    assert_exactly_once(mailoutbox)


def test_two_workers_sending_the_same_alerts_send_each_once(collection, mailoutbox):
    subscribe_everyone("immediate")
    initiatives = list(Initiative.objects.filter(title__in=TITLES[:2]).order_by("title"))
    start = threading.Barrier(4)

    def alert(initiative):
        start.wait(10)
        alerts.send_immediate(initiative_id=initiative.pk)

    workers = [Worker(f"{i.pk}-{n}", lambda i=i: alert(i)) for i in initiatives for n in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert not worker.is_alive() and worker.error is None, worker.error
    # One e-mail per address and initiative (both initiatives match every address), each delivery sent once:
    # 20 subscriptions follow the theme of both, 10 follow Europe, where the second one is.
    pairs = sorted((message.to[0], message.subject) for message in mailoutbox)
    assert len(pairs) == len(set(pairs)) == 2 * len(ADDRESSES)
    assert Delivery.objects.filter(sent_at__isnull=False).count() == Delivery.objects.count() == 20 + 30
