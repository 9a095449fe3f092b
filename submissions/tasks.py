"""E-mail about submissions, sent by the task worker (``manage.py db_worker``), never in a request.

A failing mail server does not lose a notification: the task schedules itself again with a growing
delay (1, 2, 4, 8… minutes) up to ``MAX_ATTEMPTS`` times, and the decision it reports is already
saved whatever happens to the e-mail.
"""

import datetime
import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone, translation

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 6

# kind -> (template name, who receives it)
NOTIFICATIONS = {
    "submitted": ("submitted", "moderators"),
    "resubmitted": ("resubmitted", "moderators"),
    "changes_requested": ("changes_requested", "author"),
    "rejected": ("rejected", "author"),
    "approved": ("approved", "author"),
}


@task()
def send_notification(*, kind: str, submission_id: int, message: str = "", attempt: int = 1) -> int:
    """Send one notification; returns the number of e-mails sent."""
    from .models import Submission
    from .services import moderators

    submission = Submission.objects.select_related("author", "initiative").filter(pk=submission_id).first()
    if submission is None or kind not in NOTIFICATIONS:
        return 0
    template, audience = NOTIFICATIONS[kind]
    if audience == "moderators":
        recipients = sorted({user.email for user in moderators()} | {settings.MODERATION_EMAIL} - {""})
    else:
        recipients = [submission.author.email] if submission.author.email else []
    if not recipients:
        return 0
    context = {
        "submission": submission,
        "message": message,
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"submissions/email/{template}_subject.txt", context).split())
        body = render_to_string(f"submissions/email/{template}.txt", context)
        html = render_to_string(f"submissions/email/{template}.html", context)
    email = EmailMultiAlternatives(
        subject=subject,
        body=body,
        to=recipients if audience == "author" else [settings.MODERATION_EMAIL],
        bcc=[r for r in recipients if r != settings.MODERATION_EMAIL] if audience == "moderators" else [],
        reply_to=[settings.MODERATION_EMAIL],
    )
    email.attach_alternative(html, "text/html")
    try:
        email.send()
    except (smtplib.SMTPException, OSError) as error:
        if attempt >= MAX_ATTEMPTS:
            logger.error("Giving up on %s e-mail for submission %s: %s", kind, submission_id, error)
            raise
        delay = datetime.timedelta(minutes=2 ** (attempt - 1))
        logger.warning(
            "Sending %s e-mail for submission %s failed (%s); retrying in %s", kind, submission_id, error, delay
        )
        send_notification.using(run_after=timezone.now() + delay).enqueue(
            kind=kind, submission_id=submission_id, message=message, attempt=attempt + 1
        )
        return 0
    return 1
