"""E-mail about submissions, built by the task worker when it sends it (``portal.mail``), never in a request.

``services`` queues ``notification`` once the transaction that made the decision has committed, so a decision is
saved whatever later happens to its e-mail, and a rolled-back one sends nothing. Moderators (and
``MODERATION_EMAIL``) hear of every submission and resubmission; the submitter hears of every decision, with the
moderator's message and a Reply-To that reaches the moderation team. A notice delayed (by the worker, or by the
retries of a failing mail server) is built from the submission as it is then, and dropped if events overtook it.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

from portal import mail
from portal.addresses import canonical_or_none

from .models import Submission

logger = logging.getLogger(__name__)

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


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


@mail.builds_email
def notification(*, kind: str, submission_id: int, message: str = "") -> mail.Email | None:
    """The e-mail of one notification, or None when it is not worth sending any more (or has no recipients)."""
    spec = NOTIFICATIONS[kind]  # an unknown kind is a bug: let the task fail and show it
    submission = Submission.objects.select_related("author", "initiative").filter(pk=submission_id).first()
    if submission is None:
        logger.info("Not sending %s e-mail: submission %s no longer exists", kind, submission_id)
        return None
    if submission.state not in spec.states:
        logger.info("Not sending %s e-mail for submission %s: it is now %s", kind, submission_id, submission.state)
        return None
    team = settings.MODERATION_EMAIL
    author = submission.author
    if spec.audience == "moderators":
        to, bcc, recipient_name = ([team] if team else []), _moderator_addresses(), ""
    else:
        to, bcc, recipient_name = ([author.email] if author.email else []), [], author.get_full_name()
    if not to and not bcc:
        logger.warning("Not sending %s e-mail for submission %s: nobody to send it to", kind, submission_id)
        return None
    context = {
        "submission": submission,
        "message": message,
        "recipient_name": recipient_name,
        "author_name": author.get_full_name() or author.email,
        "reply_to_team": bool(team),
        "submission_url": _absolute(reverse("submissions:detail", kwargs={"pk": submission.pk})),
        "moderation_url": _absolute(reverse("submissions:moderate", kwargs={"pk": submission.pk})),
        "queue_url": _absolute(reverse("submissions:queue")),
        "initiative_url": _absolute(submission.initiative.get_absolute_url()) if submission.initiative else "",
        # Issue 13: an approval tells the submitter whether the moderators corrected the submission first.
        "corrected": kind == "approved" and submission.corrections.exists(),
    }
    return mail.build(
        prefix=f"submissions/email/{kind}", to=to, bcc=bcc, reply_to=[team] if team else [], context=context
    )
