"""E-mail about submissions, sent by the task worker (``manage.py db_worker``), never in a request.

``services`` enqueues ``send_notification`` once the transaction that made the decision has
committed, so a decision is saved whatever later happens to its e-mail, and a rolled-back one sends
nothing. Moderators (and ``MODERATION_EMAIL``) hear of every submission and resubmission; the
submitter hears of every decision, with the moderator's message and a Reply-To that reaches the
moderation team.

A failing mail server does not lose a notification. django-tasks-db has no retries of its own, so
the task enqueues itself again with ``run_after`` (which ``db_worker`` honours) after 1, 2, 4, 8,
16 minutes, and gives up (the task is then recorded as failed, with the error) after
``MAX_ATTEMPTS`` attempts, about half an hour.
"""

import datetime
import logging
import re
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from portal.addresses import canonical_or_none

from .models import Submission

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
FIRST_RETRY_DELAY = datetime.timedelta(minutes=1)
# What a mail server that is down, unreachable, slow or refusing for now raises.
TRANSIENT_ERRORS = (smtplib.SMTPException, OSError)

State = Submission.State


@dataclass(frozen=True)
class Notification:
    audience: str  # "moderators" or "author"
    # Worth sending only while the submission is still in one of these states: a notice delayed by
    # retries must not tell of a decision that has since been superseded.
    states: tuple[str, ...]


NOTIFICATIONS = {
    "submitted": Notification("moderators", (State.SUBMITTED, State.IN_REVIEW)),
    "resubmitted": Notification("moderators", (State.SUBMITTED, State.IN_REVIEW)),
    "changes_requested": Notification("author", (State.CHANGES_REQUESTED,)),
    "rejected": Notification("author", (State.REJECTED,)),
    "approved": Notification("author", (State.APPROVED,)),
}


def retry_delay(attempt: int) -> datetime.timedelta:
    """How long to wait after failed attempt number ``attempt`` (1, 2, 4, 8… minutes)."""
    return FIRST_RETRY_DELAY * 2 ** (attempt - 1)


def _moderator_addresses() -> list[str]:
    from .services import moderators

    team = settings.MODERATION_EMAIL
    # One e-mail per mailbox: compared in canonical form, not case-folded (which makes ``ſ`` an ``s``).
    seen = {canonical_or_none(team) or team} if team else set()
    addresses = []
    for address in sorted(moderators().values_list("email", flat=True)):
        mailbox = canonical_or_none(address) or address
        if mailbox not in seen:
            seen.add(mailbox)
            addresses.append(address)
    return addresses


def _tidy(text: str) -> str:
    """Plain text rendered from templates, without the runs of blank lines that template tags leave."""
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def build_email(*, kind: str, submission: Submission, message: str = "") -> EmailMultiAlternatives | None:
    """The e-mail for one notification (plain text with an HTML alternative), or None without recipients."""
    notification = NOTIFICATIONS[kind]
    team = settings.MODERATION_EMAIL
    author = submission.author
    if notification.audience == "moderators":
        to, bcc, recipient_name = ([team] if team else []), _moderator_addresses(), ""
    else:
        to, bcc, recipient_name = ([author.email] if author.email else []), [], author.get_full_name()
    if not to and not bcc:
        return None
    context = {
        "submission": submission,
        "message": message,
        "recipient_name": recipient_name,
        "author_name": author.get_full_name() or author.email,
        "reply_to_team": bool(team),
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "submission_url": _absolute(reverse("submissions:detail", kwargs={"pk": submission.pk})),
        "moderation_url": _absolute(reverse("submissions:moderate", kwargs={"pk": submission.pk})),
        "queue_url": _absolute(reverse("submissions:queue")),
        "initiative_url": _absolute(submission.initiative.get_absolute_url()) if submission.initiative else "",
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"submissions/email/{kind}_subject.txt", context).split())
        context["subject"] = subject
        body = _tidy(render_to_string(f"submissions/email/{kind}.txt", context))
        html = render_to_string(f"submissions/email/{kind}.html", context)
    email = EmailMultiAlternatives(subject=subject, body=body, to=to, bcc=bcc, reply_to=[team] if team else [])
    email.attach_alternative(html, "text/html")
    return email


@task()
def send_notification(*, kind: str, submission_id: int, message: str = "", attempt: int = 1) -> int:
    """Send one notification; returns the number of e-mails sent (0 or 1)."""
    notification = NOTIFICATIONS[kind]  # an unknown kind is a bug: let the task fail and show it
    submission = Submission.objects.select_related("author", "initiative").filter(pk=submission_id).first()
    if submission is None:
        logger.info("Not sending %s e-mail: submission %s no longer exists", kind, submission_id)
        return 0
    if submission.state not in notification.states:
        logger.info("Not sending %s e-mail for submission %s: it is now %s", kind, submission_id, submission.state)
        return 0
    email = build_email(kind=kind, submission=submission, message=message)
    if email is None:
        logger.warning("Not sending %s e-mail for submission %s: nobody to send it to", kind, submission_id)
        return 0
    try:
        email.send()
    except TRANSIENT_ERRORS as error:
        backend = send_notification.get_backend()
        if attempt >= MAX_ATTEMPTS or not backend.supports_defer:
            logger.error(
                "Giving up on %s e-mail for submission %s after %d attempts: %s", kind, submission_id, attempt, error
            )
            raise
        delay = retry_delay(attempt)
        retry = send_notification.using(run_after=timezone.now() + delay).enqueue(
            kind=kind, submission_id=submission_id, message=message, attempt=attempt + 1
        )
        logger.warning(
            "Sending %s e-mail for submission %s failed (%s: %s); attempt %d of %d in %s (task %s)",
            kind,
            submission_id,
            type(error).__name__,
            error,
            attempt + 1,
            MAX_ATTEMPTS,
            delay,
            retry.id,
        )
        return 0
    return 1
