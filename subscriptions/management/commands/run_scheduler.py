"""Send the daily and weekly digests at their time, for as long as it runs (``make run`` starts it beside the worker).

Every day at ``--at`` (07:00 by default, in ``TIME_ZONE``) the daily digests are sent, and on ``--weekday`` (Monday)
at the same time the weekly ones: each run records and sends exactly what ``manage.py send_digests`` would
(``alerts.record_digest`` then ``alerts.send_owed``), dated at its slot rather than at the moment it ran, so that
periods stay a day (a week) long whenever the scheduler wakes up. On start it catches up the latest slot of each
frequency (a laptop asleep at 07:00 still sends that morning's digests when ``make run`` starts).

Idempotent: a slot is run once per process, and a second run of a slot (a restart, two schedulers, cron as well)
finds no subscription due (each one's ``since`` already moved on) and nothing owed, so nothing is sent twice. A
mail-server failure leaves the slot to be tried again at the next tick; what was sent stays sent.

SIGTERM or SIGINT stops it cleanly: between ticks at once, during a run once the e-mail in hand is sent.
In production, run ``send_digests`` from cron or a systemd timer instead (README, "Deploying").
"""

import datetime
import signal
import smtplib
import threading

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django.utils import timezone

from subscriptions import alerts
from subscriptions.models import Subscription

Frequency = Subscription.Frequency
FREQUENCIES = (Frequency.DAILY, Frequency.WEEKLY)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def latest_slot(frequency: str, now: datetime.datetime, *, at: datetime.time, weekday: int) -> datetime.datetime:
    """The latest moment at or before ``now`` when the digests of ``frequency`` were due (in the current time zone)."""
    local = timezone.localtime(now)
    slot = local.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    if slot > local:
        slot -= datetime.timedelta(days=1)
    if frequency == Frequency.WEEKLY:
        slot -= datetime.timedelta(days=(slot.weekday() - weekday) % 7)
    return slot


class Schedule:
    """Which digest runs are due now: the latest slot of each frequency, unless this schedule has run it."""

    def __init__(self, *, at: datetime.time = datetime.time(7, 0), weekday: int = 0):
        self.at = at
        self.weekday = weekday
        self.done: dict[str, datetime.datetime] = {}

    def due(self, now: datetime.datetime) -> list[tuple[str, datetime.datetime]]:
        slots = [
            (frequency, latest_slot(frequency, now, at=self.at, weekday=self.weekday)) for frequency in FREQUENCIES
        ]
        return [(frequency, slot) for frequency, slot in slots if self.done.get(frequency) != slot]

    def run_due(self, now: datetime.datetime, *, stopping: threading.Event | None = None) -> list[str]:
        """Record and send the digests due at ``now``; a line of report per run."""
        lines = []
        for frequency, slot in self.due(now):
            if stopping is not None and stopping.is_set():
                break
            recorded = alerts.record_digest(frequency=frequency, now=slot)
            sent = alerts.Sent()
            try:
                alerts.send_owed(frequency=frequency, sent=sent)
            except (smtplib.SMTPException, OSError) as error:
                # Left to the next tick: nothing new is recorded then, what is still owed is sent.
                lines.append(
                    f"{frequency} digests of {slot:%Y-%m-%d %H:%M}: the mail server failed after {sent.emails} of "
                    f"{sent.planned} ({type(error).__name__}: {error}); trying again at the next tick."
                )
                continue
            self.done[frequency] = slot
            lines.append(
                f"{frequency} digests of {slot:%Y-%m-%d %H:%M}: {recorded.subscriptions} subscriptions due, "
                f"{sent.emails} e-mails sent."
            )
        return lines


def _time(value: str) -> datetime.time:
    try:
        return datetime.time.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--at takes a time of day such as 07:00, not {value!r}.") from error


class Command(BaseCommand):
    help = (
        "Send the daily and weekly digests at their time, until stopped (SIGTERM or Ctrl-C). For development "
        "(make run starts it beside the task worker); production runs send_digests from cron or a systemd timer. "
        "Safe beside other runs: nothing is ever sent twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--at", default="07:00", help="Time of day of the digests, in TIME_ZONE (07:00).")
        parser.add_argument("--weekday", default="monday", choices=WEEKDAYS, help="Day of the weekly digests.")
        parser.add_argument("--interval", type=float, default=60.0, help="Seconds between two looks at the clock.")
        parser.add_argument("--once", action="store_true", help="Send what is due now, then exit.")

    def handle(self, *args, at: str, weekday: str, interval: float, once: bool = False, **options):
        if not 1 <= interval <= 3600 and not once:
            raise CommandError("--interval must be between 1 and 3600 seconds.")
        schedule = Schedule(at=_time(at), weekday=WEEKDAYS.index(weekday))
        stopping = threading.Event()
        previous = {}
        for signum in (signal.SIGTERM, signal.SIGINT):
            previous[signum] = signal.signal(signum, lambda *_: stopping.set())
        try:
            self.stdout.write(f"Digests: daily at {schedule.at:%H:%M}, weekly on {weekday}s (Ctrl-C stops).")
            while not stopping.is_set():
                close_old_connections()
                for line in schedule.run_due(timezone.now(), stopping=stopping):
                    self.stdout.write(line)
                if once:
                    break
                stopping.wait(interval)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
            close_old_connections()
        self.stdout.write("Digest scheduler stopped.")
