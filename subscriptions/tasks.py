"""Alert e-mails, sent by the task worker (``manage.py db_worker``), never in a request.

``receivers.queue_immediate_alerts`` enqueues ``send_immediate_alerts`` once an initiative's first publication has
committed. The task records a delivery for every immediate subscription the initiative matches and sends what is
owed (``alerts.send_immediate``: at most once per subscription and initiative, see ``alerts``).

A failing mail server loses nothing: deliveries are marked sent only once the server accepted their e-mail, so
when it is down, or refuses some e-mails for now, the task enqueues itself again with ``run_after`` (which
``db_worker`` honours; django-tasks-db has no retries of its own) after 1, 2, 4, 8, 16 minutes, and the retry
sends what is still unsent. After ``MAX_ATTEMPTS`` it gives up (the task is recorded as failed); the deliveries
stay owed and go out with the next initiative's alerts.
"""

import datetime
import logging
import smtplib

from django.tasks import task
from django.utils import timezone

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
FIRST_RETRY_DELAY = datetime.timedelta(minutes=1)
# What a mail server that is down, unreachable, slow or refusing for now raises.
TRANSIENT_ERRORS = (smtplib.SMTPException, OSError)


class SomeAlertsRefused(smtplib.SMTPException):
    """The mail server refused some alerts (each logged); they stay owed."""


def retry_delay(attempt: int) -> datetime.timedelta:
    """How long to wait after failed attempt number ``attempt`` (1, 2, 4, 8… minutes)."""
    return FIRST_RETRY_DELAY * 2 ** (attempt - 1)


@task()
def send_immediate_alerts(*, initiative_id: int, attempt: int = 1) -> int:
    """Send the alerts of one newly published initiative; returns the number of e-mails sent."""
    from . import alerts

    sent = alerts.Sent()
    try:
        alerts.send_immediate(initiative_id=initiative_id, sent=sent)
        if sent.failed:
            raise SomeAlertsRefused(f"refused for {len(sent.failed)} address(es)")
    except TRANSIENT_ERRORS as error:
        backend = send_immediate_alerts.get_backend()
        if attempt >= MAX_ATTEMPTS or not backend.supports_defer:
            logger.error(
                "Giving up on the alerts of initiative %s after %d attempts: %s", initiative_id, attempt, error
            )
            raise
        delay = retry_delay(attempt)
        retry = send_immediate_alerts.using(run_after=timezone.now() + delay).enqueue(
            initiative_id=initiative_id, attempt=attempt + 1
        )
        logger.warning(
            "Sending the alerts of initiative %s failed (%s: %s); attempt %d of %d in %s (task %s)",
            initiative_id,
            type(error).__name__,
            error,
            attempt + 1,
            MAX_ATTEMPTS,
            delay,
            retry.id,
        )
    return sent.emails
