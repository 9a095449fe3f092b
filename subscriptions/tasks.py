"""Alert e-mails, sent by the task worker (``manage.py db_worker``), never in a request.

``receivers.queue_immediate_alerts`` enqueues ``send_immediate_alerts`` once an initiative's first publication has
committed. The task records a delivery for every immediate subscription the initiative matches and sends what is
owed (``alerts.send_immediate``: at most once per subscription and initiative, see ``alerts``).

A failing mail server loses nothing: deliveries are marked sent only once the server accepted their e-mail, so
when it is down, or refuses some e-mails for now, a retry of the task runs after 1, 2, 4, 8, 16 minutes
(``run_after``, which ``db_worker`` honours; the backoff of every e-mail, ``portal.mail``) and sends what is still
unsent. After ``MAX_ATTEMPTS`` it gives up (the task is recorded as failed); the deliveries stay owed and go out
with the next initiative's alerts.

A worker killed outright loses nothing either. The retry is *booked* before anything is sent, and cancelled only
once the run has finished with nothing left to retry: a worker killed mid-run (its task stays "running" for good,
django-tasks-db cannot tell a dead worker from a slow one) leaves the retry in the queue, and whichever worker is
alive, or the killed one restarted, runs it a minute later and sends the rest. Should it come due while the first
run is in fact still going (a very long run), the two share the work: sending is safe to run twice at once.
"""

import logging
import smtplib

from django.tasks import TaskResult, TaskResultStatus, task
from django.utils import timezone

from portal.mail import MAX_ATTEMPTS, TRANSIENT_ERRORS, retry_delay

logger = logging.getLogger(__name__)


class SomeAlertsRefused(smtplib.SMTPException):
    """The mail server refused some alerts (each logged); they stay owed."""


@task()
def send_immediate_alerts(*, initiative_id: int, attempt: int = 1) -> int:
    """Send the alerts of one newly published initiative; returns the number of e-mails sent."""
    from . import alerts

    retry = _book_retry(initiative_id=initiative_id, attempt=attempt)
    sent = alerts.Sent()
    try:
        alerts.send_immediate(initiative_id=initiative_id, sent=sent)
        if sent.failed:
            raise SomeAlertsRefused(f"refused for {len(sent.failed)} address(es)")
    except TRANSIENT_ERRORS as error:
        if retry is None:
            logger.error(
                "Giving up on the alerts of initiative %s after %d attempts: %s", initiative_id, attempt, error
            )
            raise
        logger.warning(
            "Sending the alerts of initiative %s failed (%s: %s); attempt %d of %d in %s (task %s)",
            initiative_id,
            type(error).__name__,
            error,
            attempt + 1,
            MAX_ATTEMPTS,
            retry_delay(attempt),
            retry.id,
        )
        return sent.emails
    if retry is not None:
        _cancel(retry)
    return sent.emails


def _book_retry(*, initiative_id: int, attempt: int) -> TaskResult | None:
    """Queue the next attempt, due after ``retry_delay(attempt)``; None when there is to be no other attempt."""
    if attempt >= MAX_ATTEMPTS or not send_immediate_alerts.get_backend().supports_defer:
        return None
    return send_immediate_alerts.using(run_after=timezone.now() + retry_delay(attempt)).enqueue(
        initiative_id=initiative_id, attempt=attempt + 1
    )


def _cancel(retry: TaskResult) -> None:
    """Take a booked retry out of the queue, unless a worker has already started it (then it runs, harmlessly)."""
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(pk=retry.id, status=TaskResultStatus.READY).delete()
