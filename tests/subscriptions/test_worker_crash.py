"""A real task worker (``manage.py db_worker``, a subprocess) killed with SIGKILL in the middle of sending alerts,
then started again: every alert arrives, and none arrives as two different e-mails.

Forty addresses follow a theme and three initiatives of that theme are published: 120 alerts, three tasks, sent by
SMTP to an aiosmtpd server in this process that takes a few milliseconds per message and records what it receives.
The server holds the conversation at the DATA of message number N until the test has killed the worker:

* ``before accepting`` it: the message is not recorded (the server never answered 250). Every message before it
  had been answered and, since the worker marks an e-mail's rows sent before starting the next e-mail, committed:
  this is a worker killed between two e-mails or inside one. Guarantee: every alert arrives exactly once.
* ``after accepting`` it: the message is recorded, and the worker never learns it (it is killed waiting for the
  250): the database state of the one window no SMTP sender can close, a server that has the e-mail and a worker
  killed before committing that it was sent. Guarantee: every alert arrives, that one alert twice, both copies
  with the same Message-ID (which mail stores collapse into one), and nothing else twice.

When the kill lands in the last task, nothing else is queued for the rest of its alerts but the retry the task
booked before it started sending (``subscriptions/tasks.py``): due a minute later, which the test makes "now".

PostgreSQL only: the worker is another process and must see the test's committed data (``transaction=True``).
The booking of that retry is also checked in-process (SQLite too): a run that finishes takes it out of the queue,
a run that dies leaves it there.
"""

import asyncio
import collections
import datetime
import email
import email.policy
import os
import subprocess
import sys
import threading
import time

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from initiatives.models import Initiative
from subscriptions import alerts, tasks
from subscriptions.models import Delivery
from tests.databases import postgres_url
from tests.portal.servers import free_port
from tests.subscriptions.alert_helpers import SITE, publish, quiet_seed, site, subscribe  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.usefixtures("site"), pytest.mark.system]

ADDRESSES = [f"reader{n:02}@example.org" for n in range(1, 41)]
TITLES = ("Remittance Savings Groups", "Diaspora Remittance Bonds", "Remittance Price Comparison")
SUBJECTS = {f"[Practice Portal] New: {title}": title for title in TITLES}
EXPECTED = len(ADDRESSES) * len(TITLES)
BASE_DIR = settings.BASE_DIR
SLOW = 0.003  # seconds the server takes over each message
TIMEOUT = 90  # a bound on a hang, not a speed: a slow machine under the other CI parts took over 30 s


class MailServer:
    """An aiosmtpd handler that records each message (recipient, subject, Message-ID) and, at the DATA of message
    number ``hold_at``, holds the conversation until ``release`` is set, recording that message or not."""

    def __init__(self, hold_at: int, *, accepted: bool):
        self.hold_at, self.accepted = hold_at, accepted
        self.lock = threading.Lock()
        self.seen = 0  # DATA commands received
        self.received: list[tuple[str, str, str]] = []
        self.held: tuple[str, str, str] | None = None
        self.holding, self.release = threading.Event(), threading.Event()

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(SLOW)
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        (rcpt,) = envelope.rcpt_tos
        entry = (rcpt, SUBJECTS[message["Subject"]], message["Message-ID"])
        with self.lock:
            self.seen += 1
            hold = self.seen == self.hold_at
            if self.accepted or not hold:
                self.received.append(entry)
            if hold:
                self.held = entry
        if hold:
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.01)
            return "451 Too late"
        return "250 Message accepted for delivery"

    def count(self) -> int:
        with self.lock:
            return len(self.received)


class Worker:
    """``manage.py db_worker`` in a process of its own, with production settings and SMTP to the test server."""

    def __init__(self, name: str, smtp_port: int, log_dir):
        env = {
            **os.environ,
            "DEBUG": "false",
            "SECRET_KEY": settings.SECRET_KEY,
            "DATABASE_URL": postgres_url(),
            "TASKS_BACKEND": "database",
            "CACHE_BACKEND": "locmem",
            "MAIL_BACKEND": "smtp",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(smtp_port),
            "SITE_URL": SITE,
            "SITE_NAME": "Practice Portal",
            "DEFAULT_FROM_EMAIL": "alerts@example.org",
            "LOG_LEVEL": "WARNING",
        }
        self.name = name
        self.log = open(log_dir / f"{name}.log", "w")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.1"]
            + ["--worker-id", name],
            cwd=BASE_DIR,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def kill(self) -> None:
        self.process.kill()  # SIGKILL: no handler, no finally, no graceful shutdown
        self.process.wait(TIMEOUT)
        self.log.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # the worker's graceful shutdown: it finishes the task in hand
            try:
                self.process.wait(TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(TIMEOUT)
        self.log.close()


def wait_for(condition, what: str, timeout: float = TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def alert_tasks():
    return DBTaskResult.objects.filter(task_path="subscriptions.tasks.send_immediate_alerts")


def drained() -> bool:
    """Nothing left to run: every task is finished, but those the killed worker was running (they stay so)."""
    return not alert_tasks().filter(status=TaskResultStatus.READY).exists() and not (
        alert_tasks().filter(status=TaskResultStatus.RUNNING).exclude(worker_ids=["first"]).exists()
    )


@pytest.fixture
def followers(seeded_database, on_postgresql):
    """The seed (a month old), and forty addresses following remittances immediately."""
    Initiative.objects.update(published_at=timezone.now() - datetime.timedelta(days=30))
    for address in ADDRESSES:
        subscribe(address, "theme=remittances", frequency="immediate")


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "kill_at, accepted",
    [
        pytest.param(17, False, id="first-task-before-accepting"),
        pytest.param(41, False, id="between-two-tasks"),  # the first message of the second task
        pytest.param(101, True, id="last-task-after-accepting"),
    ],
)
def test_a_worker_killed_mid_run_then_restarted_loses_nothing_and_sends_nothing_twice(
    followers, kill_at, accepted, tmp_path
):
    server = MailServer(kill_at, accepted=accepted)
    controller = Controller(server, hostname="127.0.0.1", port=free_port())
    controller.start()
    first = second = None
    try:
        first = Worker("first", controller.port, tmp_path)  # starting while the initiatives are published
        for title in TITLES:
            publish(title, themes=["remittances"])  # a task each, queued
        assert server.holding.wait(TIMEOUT), "the worker sent nothing"
        first.kill()
        server.release.set()
        assert server.count() == kill_at - (0 if accepted else 1)
        (killed,) = alert_tasks().filter(status=TaskResultStatus.RUNNING)  # for good: nobody will finish it

        # A minute passes: the retry the killed task booked before sending comes due.
        alert_tasks().filter(status=TaskResultStatus.READY).update(run_after=timezone.now())
        second = Worker("second", controller.port, tmp_path)
        wait_for(lambda: server.count() >= EXPECTED and drained(), "the queue to be drained")
        second.stop()
    finally:
        for worker in (first, second):
            if worker is not None and worker.process.poll() is None:
                worker.kill()
        server.release.set()
        controller.stop()

    received = collections.Counter((rcpt, title) for rcpt, title, _message_id in server.received)
    assert set(received) == {(address, title) for address in ADDRESSES for title in TITLES}  # nothing lost
    twice = {pair for pair, count in received.items() if count > 1}
    if accepted:
        assert twice == {server.held[:2]} and received[server.held[:2]] == 2
    else:
        assert twice == set()
    # Each alert under one Message-ID, whatever the attempt: the one recorded with its delivery.
    message_ids = {(rcpt, title): set() for rcpt, title in received}
    for rcpt, title, message_id in server.received:
        message_ids[(rcpt, title)].add(message_id)
    recorded = {
        (email_, title): message_id
        for email_, title, message_id in Delivery.objects.values_list(
            "subscription__email", "initiative__title", "message_id"
        )
    }
    assert {pair: {recorded[pair]} for pair in message_ids} == message_ids
    assert len(set(recorded.values())) == EXPECTED
    assert not Delivery.objects.filter(sent_at__isnull=True).exists()

    # The killed run's task stays "running"; its booked retry ran on the restarted worker.
    killed.refresh_from_db()
    assert killed.status == TaskResultStatus.RUNNING
    retry = alert_tasks().get(
        args_kwargs__kwargs__attempt=2, args_kwargs__kwargs__initiative_id=killed_initiative(killed)
    )
    assert retry.status == TaskResultStatus.SUCCESSFUL and retry.worker_ids == ["second"]
    assert alert_tasks().filter(status=TaskResultStatus.SUCCESSFUL).count() == len(TITLES)  # the others and the retry


def killed_initiative(task: DBTaskResult) -> int:
    return task.args_kwargs["kwargs"]["initiative_id"]


# --- the booked retry, in-process ---------------------------------------------------------------------------------


@pytest.fixture
def one_alert_owed(db, request):
    """One immediate subscription and a publication it matches (no task queued: nothing commits in this test, and
    the test calls the task itself)."""
    request.getfixturevalue("quiet_seed")
    subscribe("ana@example.org", "theme=remittances", frequency="immediate")
    return publish(TITLES[0], themes=["remittances"])


def test_a_run_that_finishes_takes_its_booked_retry_out_of_the_queue(one_alert_owed, mailoutbox):
    assert tasks.send_immediate_alerts.call(initiative_id=one_alert_owed.pk) == 1
    assert [message.to for message in mailoutbox] == [["ana@example.org"]]
    assert not alert_tasks().exists()


def test_a_run_that_dies_leaves_its_booked_retry_which_sends_the_rest(one_alert_owed, mailoutbox, monkeypatch):
    def killed(**kwargs):
        raise SystemExit("killed")  # what no ``except Exception`` catches: the run just stops

    monkeypatch.setattr(alerts, "send_immediate", killed)
    started = timezone.now()
    with pytest.raises(SystemExit):
        tasks.send_immediate_alerts.call(initiative_id=one_alert_owed.pk)
    (retry,) = alert_tasks()
    assert retry.status == TaskResultStatus.READY
    assert retry.args_kwargs["kwargs"] == {"initiative_id": one_alert_owed.pk, "attempt": 2}
    assert started + tasks.retry_delay(1) <= retry.run_after <= timezone.now() + tasks.retry_delay(1)

    monkeypatch.undo()
    assert tasks.send_immediate_alerts.call(**retry.args_kwargs["kwargs"]) == 1
    assert [message.to for message in mailoutbox] == [["ana@example.org"]]
    assert list(alert_tasks()) == [retry]  # only the retry (run here by hand): the booking of its run is gone
