"""The digest scheduler ``manage.py run_scheduler`` (started by ``make run``): which runs are due at a given moment,
that a run sends what ``send_digests`` would, never twice, and that SIGTERM stops it cleanly."""

import datetime
import io
import os
import signal
import threading

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from subscriptions.management.commands import run_scheduler
from subscriptions.management.commands.run_scheduler import Schedule, latest_slot
from tests.subscriptions.alert_helpers import (
    publish,
    quiet_seed,  # noqa: F401 (fixture)
    site,  # noqa: F401 (fixture)
    subscribe,
    titles_in,
)

UTC = datetime.UTC
SEVEN = datetime.time(7, 0)
MONDAY = 0


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


# --- what is due now (a fixed clock) ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "daily", "weekly"),
    [
        # Wednesday 2 December 2026, just before seven: yesterday's slot, and Monday's.
        (at(2026, 12, 2, 6, 59), at(2026, 12, 1, 7), at(2026, 11, 30, 7)),
        (at(2026, 12, 2, 7, 0), at(2026, 12, 2, 7), at(2026, 11, 30, 7)),
        (at(2026, 12, 2, 23, 59), at(2026, 12, 2, 7), at(2026, 11, 30, 7)),
        # Monday 7 December: before seven, last week's; at seven, this week's.
        (at(2026, 12, 7, 6, 0), at(2026, 12, 6, 7), at(2026, 11, 30, 7)),
        (at(2026, 12, 7, 7, 30), at(2026, 12, 7, 7), at(2026, 12, 7, 7)),
    ],
)
def test_latest_slot(now, daily, weekly):
    assert latest_slot("daily", now, at=SEVEN, weekday=MONDAY) == daily
    assert latest_slot("weekly", now, at=SEVEN, weekday=MONDAY) == weekly


def test_a_schedule_catches_up_once_then_waits_for_the_next_slot():
    schedule = Schedule(at=SEVEN, weekday=MONDAY)
    wednesday = at(2026, 12, 2, 10, 0)
    assert schedule.due(wednesday) == [("daily", at(2026, 12, 2, 7)), ("weekly", at(2026, 11, 30, 7))]
    schedule.done = dict(schedule.due(wednesday))
    assert schedule.due(wednesday) == []
    assert schedule.due(at(2026, 12, 3, 6, 59)) == []  # not yet Thursday's time
    assert schedule.due(at(2026, 12, 3, 7, 0)) == [("daily", at(2026, 12, 3, 7))]
    schedule.done["daily"] = at(2026, 12, 6, 7)
    assert schedule.due(at(2026, 12, 7, 7, 1)) == [("daily", at(2026, 12, 7, 7)), ("weekly", at(2026, 12, 7, 7))]


# --- runs: what is sent, and never twice --------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.usefixtures("site", "quiet_seed")
def test_a_run_sends_the_due_digests_once_whatever_runs_again(mailoutbox):
    now = timezone.now().replace(microsecond=0)
    schedule = Schedule(at=(now - datetime.timedelta(minutes=30)).time(), weekday=now.weekday())
    subscribe("ana@example.org", "theme=remittances")  # daily, confirmed two days ago: due
    subscribe("wes@example.org", "theme=remittances", frequency="weekly")  # weekly, two days old: not yet due
    publish("Remittances Early", themes=["remittances"], when=now - datetime.timedelta(hours=2))
    publish("Not Followed", themes=["regular-pathways"], when=now - datetime.timedelta(hours=2))

    lines = schedule.run_due(now)
    assert any(line.startswith("daily digests") and "1 e-mails sent" in line for line in lines), lines
    (message,) = mailoutbox
    assert message.to == ["ana@example.org"]
    assert titles_in(message, ("Remittances Early", "Not Followed")) == ["Remittances Early"]
    raw = message.message().as_bytes()
    assert b"To: ana@example.org" in raw and b"List-Unsubscribe:" in raw

    # The same process, the same slot: nothing due. A restarted scheduler (or a second one) runs the slot again
    # and finds nothing to send.
    assert schedule.run_due(now + datetime.timedelta(minutes=5)) == []
    Schedule(at=schedule.at, weekday=schedule.weekday).run_due(now + datetime.timedelta(minutes=5))
    call_command("send_digests", "--frequency", "daily", stdout=io.StringIO())  # nor cron beside it
    assert len(mailoutbox) == 1

    # The next day's slot brings only what is new.
    publish("Remittances Later", themes=["remittances"], when=now + datetime.timedelta(hours=20))
    schedule.run_due(now + datetime.timedelta(days=1))
    assert len(mailoutbox) == 2
    assert titles_in(mailoutbox[1], ("Remittances Early", "Remittances Later")) == ["Remittances Later"]
    assert all(message.to != ["wes@example.org"] for message in mailoutbox)


@pytest.mark.django_db
@pytest.mark.usefixtures("site", "quiet_seed")
def test_a_failing_mail_server_leaves_the_slot_to_the_next_tick(mailoutbox, monkeypatch):
    now = timezone.now().replace(microsecond=0)
    schedule = Schedule(at=(now - datetime.timedelta(minutes=30)).time(), weekday=(now.weekday() + 3) % 7)
    subscribe("ana@example.org", "theme=remittances")
    publish("Remittances Early", themes=["remittances"], when=now - datetime.timedelta(hours=2))
    real_send_owed = run_scheduler.alerts.send_owed

    def down(**kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(run_scheduler.alerts, "send_owed", down)
    (line,) = [line for line in schedule.run_due(now) if line.startswith("daily")]
    assert "trying again at the next tick" in line
    assert mailoutbox == []
    monkeypatch.setattr(run_scheduler.alerts, "send_owed", real_send_owed)
    schedule.run_due(now + datetime.timedelta(minutes=1))
    (message,) = mailoutbox
    assert titles_in(message, ("Remittances Early",)) == ["Remittances Early"]


# --- the command ---------------------------------------------------------------------------------------------------


@pytest.fixture
def keep_connection(monkeypatch):
    # A real scheduler runs in autocommit; closing the test's connection would lose its transaction (as run_tasks).
    monkeypatch.setattr(run_scheduler, "close_old_connections", lambda: None)


@pytest.mark.django_db
@pytest.mark.usefixtures("site", "quiet_seed", "keep_connection")
def test_sigterm_stops_the_scheduler_cleanly(mailoutbox):
    subscribe("ana@example.org", "theme=remittances", confirmed=timezone.now() - datetime.timedelta(days=3))
    publish("Remittances Early", themes=["remittances"], when=timezone.now() - datetime.timedelta(days=1))
    before = signal.getsignal(signal.SIGTERM)
    out = io.StringIO()
    timer = threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGTERM))
    timer.start()
    started = timezone.now()
    try:
        # The slot just passed: the start's catch-up sends the digest, then it waits an hour unless stopped.
        moment = (timezone.localtime() - datetime.timedelta(minutes=1)).strftime("%H:%M")
        call_command("run_scheduler", "--at", moment, "--interval", "3600", stdout=out)
    finally:
        timer.cancel()
    assert (timezone.now() - started).total_seconds() < 30
    assert out.getvalue().rstrip().endswith("Digest scheduler stopped.")
    assert len(mailoutbox) == 1
    assert signal.getsignal(signal.SIGTERM) == before  # its handler is gone with it


@pytest.mark.django_db
@pytest.mark.usefixtures("keep_connection")
@pytest.mark.parametrize("arguments", [["--at", "25:99"], ["--at", "x" * 10_000], ["--interval", "0"]])
def test_bad_arguments_are_refused(arguments):
    with pytest.raises(CommandError):
        call_command("run_scheduler", *arguments, stdout=io.StringIO())
