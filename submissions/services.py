"""The moderation workflow: every state change of a submission is one of these functions.

Each runs in a transaction and moves the submission with a *conditional* UPDATE (``WHERE state =
<the state the actor saw>``): when two people act on the same submission at the same moment, the
database lets exactly one UPDATE through and the other gets ``TransitionRefused`` with a clear
message, so one submission can never be approved twice or produce two initiatives. E-mails are
enqueued as tasks once the transaction has committed.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from initiatives import services as initiative_services
from initiatives.models import Initiative
from portal import mail

from .models import Correction, ModeratorNote, Submission, Transition

State = Submission.State
MODERATORS_GROUP = "Moderators"


class TransitionRefused(Exception):
    """The action is not allowed now; ``str(error)`` says why, for the person who tried."""


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    by_moderator: bool
    message_required: bool = False


ACTIONS = {
    action.name: action
    for action in (
        Action("submit", gettext_lazy("Submit"), (State.DRAFT, State.CHANGES_REQUESTED), State.SUBMITTED, False),
        Action("claim", gettext_lazy("Claim"), (State.SUBMITTED,), State.IN_REVIEW, True),
        Action("release", gettext_lazy("Release"), (State.IN_REVIEW,), State.SUBMITTED, True),
        Action("approve", gettext_lazy("Approve"), (State.SUBMITTED, State.IN_REVIEW), State.APPROVED, True),
        Action(
            "request_changes",
            gettext_lazy("Request changes"),
            (State.SUBMITTED, State.IN_REVIEW),
            State.CHANGES_REQUESTED,
            True,
            message_required=True,
        ),
        Action(
            "reject",
            gettext_lazy("Reject"),
            (State.SUBMITTED, State.IN_REVIEW),
            State.REJECTED,
            True,
            message_required=True,
        ),
        Action(
            "withdraw",
            gettext_lazy("Withdraw"),
            (State.DRAFT, State.SUBMITTED, State.IN_REVIEW, State.CHANGES_REQUESTED),
            State.WITHDRAWN,
            False,
        ),
    )
}

# The state machine as (from, to) pairs, for documentation and tests.
TRANSITIONS = {(source, action.target) for action in ACTIONS.values() for source in action.sources}


def is_moderator(user) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.groups.filter(name=MODERATORS_GROUP).exists())
    )


def moderators():
    """Active moderators with an e-mail address (who are told about new submissions)."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(groups__name=MODERATORS_GROUP))
        .exclude(email="")
        .distinct()
    )


def ensure_moderators_group() -> Group:
    group, _created = Group.objects.get_or_create(name=MODERATORS_GROUP)
    return group


def allowed_actions(submission: Submission, user) -> list[Action]:
    """What ``user`` may do to ``submission`` now (for showing buttons; the services check again)."""
    moderator = is_moderator(user)
    actions = []
    for action in ACTIONS.values():
        if submission.state not in action.sources:
            continue
        allowed = moderator if action.by_moderator else submission.author_id == user.pk
        if allowed and not _approves_own(submission=submission, action=action, actor=user):
            actions.append(action)
    return actions


def _approves_own(*, submission: Submission, action: Action, actor) -> bool:
    """Whether this is a moderator publishing their own proposal, which needs a second pair of eyes.

    Only approval publishes, so only approval is held back: rejecting or asking for changes to one's own
    submission holds back one's own work, as withdrawing it does. A superuser may approve their own (they
    can edit the collection directly in the admin, so refusing them would protect nothing, and a portal
    whose one moderator is its superuser keeps working).
    """
    return action.name == "approve" and submission.author_id == actor.pk and not actor.is_superuser


def _check(*, submission: Submission, action: Action, actor, message: str) -> None:
    if action.by_moderator and not is_moderator(actor):
        raise TransitionRefused(_("Only moderators can do this."))
    if _approves_own(submission=submission, action=action, actor=actor):
        raise TransitionRefused(_("You cannot approve your own submission: another moderator has to approve it."))
    if not action.by_moderator and submission.author_id != actor.pk:
        raise TransitionRefused(_("Only the author of a submission can do this."))
    if action.message_required and not message:
        raise TransitionRefused(_("Please write a message to the submitter: it is required for this action."))
    if submission.state not in action.sources:
        raise TransitionRefused(
            _("A submission that is “%(state)s” cannot be changed with “%(action)s”.")
            % {"state": submission.get_state_display(), "action": action.label}
        )


def _move(*, submission: Submission, action_name: str, actor, message: str = "", **changes) -> Submission:
    """Apply one action: check who and from where, then move with a conditional UPDATE and record it."""
    action = ACTIONS[action_name]
    message = (message or "").strip()
    _check(submission=submission, action=action, actor=actor, message=message)
    seen = submission.state
    now = timezone.now()
    changes.setdefault("claimed_by", actor if action.target == State.IN_REVIEW else None)
    moved = Submission.objects.filter(pk=submission.pk, state=seen).update(
        state=action.target, updated_at=now, **changes
    )
    if not moved:
        raise TransitionRefused(
            _("Someone else changed this submission a moment ago, so nothing was done. Please look at it again.")
        )
    Transition.objects.create(
        submission=submission, actor=actor, from_state=seen, to_state=action.target, message=message
    )
    submission.refresh_from_db()
    return submission


def _text_changed(submission_id: int) -> None:
    """Issue 14: once the write commits, a task stores the vector of the proposal's new text (for look-alikes)."""
    from .tasks import embed_submission

    transaction.on_commit(lambda: embed_submission.enqueue(submission_id=submission_id), robust=True)


def _notify(kind: str, submission: Submission, message: str = "") -> None:
    from . import emails

    # robust: the decision is committed; failing to queue its e-mail must not turn the answer into an error.
    transaction.on_commit(
        lambda: mail.queue(emails.notification, kind=kind, submission_id=submission.pk, message=message),
        robust=True,
    )


# --- the author's side -------------------------------------------------------------------------


@transaction.atomic
def create_submission(
    *, author, data: dict, kind: str = Submission.Kind.NEW, initiative: Initiative | None = None, **details
) -> Submission:
    """Start a draft, unless the author already has ``SUBMISSION_DRAFTS_PER_ACCOUNT`` of them.

    Drafts are never sent, so ``SUBMISSIONS_PER_DAY`` does not bound them; without this cap one account could
    fill the database. Only drafts count: what was sent is bounded per day, what was decided is finished,
    and a submission returned with changes requested was a moderator's doing. The author's row is locked so
    two tabs creating at the same moment cannot both pass the count.
    """
    get_user_model().objects.select_for_update().filter(pk=author.pk).first()
    limit = settings.SUBMISSION_DRAFTS_PER_ACCOUNT
    if Submission.objects.filter(author=author, state=State.DRAFT).count() >= limit:
        raise TransitionRefused(
            ngettext(
                "You already have %(limit)d draft, the most one account may keep. "
                "Please submit or withdraw it before starting another.",
                "You already have %(limit)d drafts, the most one account may keep. "
                "Please submit or withdraw one of them before starting another.",
                limit,
            )
            % {"limit": limit}
        )
    submission = Submission.objects.create(
        author=author, kind=kind, initiative=initiative, data=data, title=data.get("title", "")[:300], **details
    )
    _text_changed(submission.pk)
    return submission


@transaction.atomic
def save_draft(*, submission: Submission, author, data: dict, **details) -> Submission:
    """Save what the author typed; allowed while the submission is a draft or changes are requested."""
    if submission.author_id != author.pk:
        raise TransitionRefused(_("Only the author of a submission can do this."))
    updated = Submission.objects.filter(pk=submission.pk, state__in=[State.DRAFT, State.CHANGES_REQUESTED]).update(
        data=data, title=data.get("title", "")[:300], updated_at=timezone.now(), **details
    )
    if not updated:
        raise TransitionRefused(_("This submission can no longer be edited."))
    _text_changed(submission.pk)
    submission.refresh_from_db()
    return submission


def submissions_today(author) -> int:
    since = timezone.now() - datetime.timedelta(days=1)
    return Transition.objects.filter(
        submission__author=author, actor=author, to_state=State.SUBMITTED, created_at__gte=since
    ).count()


@transaction.atomic
def submit(*, submission: Submission, author) -> Submission:
    """Send a draft (or a corrected submission) to the moderators."""
    if not submission.consent:
        raise TransitionRefused(_("Please agree to publication under your name before submitting."))
    if submission.state == State.DRAFT and submissions_today(author) >= settings.SUBMISSIONS_PER_DAY:
        raise TransitionRefused(
            _(
                "You have sent %(limit)d submissions in the last 24 hours, the most we accept. "
                "Please try again tomorrow."
            )
            % {"limit": settings.SUBMISSIONS_PER_DAY}
        )
    resubmission = submission.state == State.CHANGES_REQUESTED
    changes = {} if submission.submitted_at else {"submitted_at": timezone.now()}
    submission = _move(submission=submission, action_name="submit", actor=author, **changes)
    _notify("resubmitted" if resubmission else "submitted", submission)
    return submission


@transaction.atomic
def withdraw(*, submission: Submission, author, message: str = "") -> Submission:
    return _move(submission=submission, action_name="withdraw", actor=author, message=message)


# --- the moderators' side ----------------------------------------------------------------------


@transaction.atomic
def claim(*, submission: Submission, moderator) -> Submission:
    return _move(submission=submission, action_name="claim", actor=moderator)


@transaction.atomic
def release(*, submission: Submission, moderator) -> Submission:
    return _move(submission=submission, action_name="release", actor=moderator)


@transaction.atomic
def request_changes(*, submission: Submission, moderator, message: str) -> Submission:
    submission = _move(submission=submission, action_name="request_changes", actor=moderator, message=message)
    _notify("changes_requested", submission, message)
    return submission


@transaction.atomic
def reject(*, submission: Submission, moderator, message: str) -> Submission:
    submission = _move(
        submission=submission, action_name="reject", actor=moderator, message=message, decided_at=timezone.now()
    )
    _notify("rejected", submission, message)
    return submission


@transaction.atomic
def approve(*, submission: Submission, moderator, message: str = "") -> Initiative:
    """Publish what was proposed: create the initiative (or update the live one), in one transaction.

    The submission's row is locked first, so a second moderator approving at the same moment waits,
    then finds it approved and is refused: one submission never produces two initiatives.
    """
    from .forms import content_from_data

    message = (message or "").strip()
    _check(submission=submission, action=ACTIONS["approve"], actor=moderator, message=message)
    current = Submission.objects.select_for_update().get(pk=submission.pk)
    if current.state != submission.state:
        raise TransitionRefused(
            _("Someone else changed this submission a moment ago, so nothing was done. Please look at it again.")
        )
    if current.kind == Submission.Kind.TRANSLATION:
        initiative = _approve_translation(current, moderator)
    elif current.kind == Submission.Kind.UPDATE:
        # An update changes what the initiative says in the languages it gives (its original language stays),
        # not who first shared it nor when.
        content = content_from_data(current.data, language=current.initiative.language)
        for name in ("submitter_honorific", "submitter_name", "submitter_organisation", "submitter_email"):
            content.fields.pop(name, None)
        _attach_submitted_files(current, current.initiative)  # issue 13, files: before the version is recorded
        initiative = initiative_services.save_initiative(
            content=content, initiative=current.initiative, user=moderator, reason=_approved_reason(current)
        )
    else:
        content = content_from_data(current.data)
        content.fields["submitted_on"] = timezone.localdate(current.submitted_at or timezone.now())
        initiative = initiative_services.save_initiative(
            content=content, user=moderator, reason=_approved_reason(current)
        )
        _attach_submitted_files(current, initiative)  # issue 13, files: publishing below records the version
    submission = _move(
        submission=submission,
        action_name="approve",
        actor=moderator,
        message=message,
        decided_at=timezone.now(),
        initiative=initiative,
    )
    if current.kind == Submission.Kind.NEW:
        initiative_services.publish_initiative(initiative=initiative, user=moderator)
    # An update changes the content only (save_initiative is one write, one version in the history, and refreshes
    # what is derived): a published initiative stays published, an unpublished or archived one stays so.
    _notify("approved", submission, message)
    return initiative


def _approve_translation(submission: Submission, moderator) -> Initiative:
    """Write a suggested translation into its language's columns of its initiative, and nothing else."""
    from .languages import TEXT_FIELDS, data_language

    initiative = submission.initiative
    language = data_language(submission.data)
    if language == initiative.language:  # the original language was changed since the suggestion was made
        raise TransitionRefused(
            _(
                "This initiative is now written in %(language)s originally: a translation into that language would "
                "replace its original text. Ask for an update instead."
            )
            % {"language": submission.language_name}
        )
    try:
        return initiative_services.save_translation(
            initiative=initiative,
            language=language,
            texts={name: submission.data.get(name) or "" for name in TEXT_FIELDS},
            user=moderator,
            reason=_approved_reason(submission),
        )
    except ValidationError as error:
        raise TransitionRefused(" ".join(error.messages)) from error


def _approved_reason(submission: Submission) -> str:
    """The history's note for an approval: which submission the change came from."""
    return _("Approved submission #%(number)d") % {"number": submission.pk}


@transaction.atomic
def add_note(*, submission: Submission, moderator, text: str) -> ModeratorNote:
    if not is_moderator(moderator):
        raise TransitionRefused(_("Only moderators can do this."))
    text = (text or "").strip()
    if not text:
        raise TransitionRefused(_("The note is empty."))
    return ModeratorNote.objects.create(submission=submission, author=moderator, text=text)


# --- corrections by the moderators (issue 13) --------------------------------------------------------------------


def may_correct(submission: Submission, user) -> bool:
    """Whether ``user`` may correct ``submission`` now: a moderator who has claimed it (it is in review)."""
    return (
        submission.state == State.IN_REVIEW
        and submission.claimed_by_id is not None
        and submission.claimed_by_id == user.pk
        and is_moderator(user)
    )


@transaction.atomic
def correct(*, submission: Submission, moderator, data: dict, note: str = "") -> Correction:
    """Correct a submission before approving it: its data becomes ``data`` (what the proposal or translation form
    cleaned), and the correction is recorded with the data before and after, so the submitter sees exactly what was
    changed. Approval then publishes the corrected data.

    Only the moderator reviewing it (who claimed it) may; the row is locked so a correction and a decision, or two
    corrections, cannot cross. Keys of the data the form does not know are kept as they were.
    """
    if not is_moderator(moderator):
        raise TransitionRefused(_("Only moderators can do this."))
    current = Submission.objects.select_for_update().get(pk=submission.pk)
    if not may_correct(current, moderator):
        raise TransitionRefused(
            _("Only the moderator reviewing a submission can correct it: claim it first.")
            if current.state in (State.SUBMITTED, State.IN_REVIEW)
            else _("A submission that is “%(state)s” cannot be corrected.") % {"state": current.get_state_display()}
        )
    before = current.data if isinstance(current.data, dict) else {}
    after = {**before, **data}
    if after == before:
        raise TransitionRefused(_("Nothing was changed, so no correction was recorded."))
    now = timezone.now()
    Submission.objects.filter(pk=current.pk).update(data=after, title=after.get("title", "")[:300], updated_at=now)
    correction = Correction.objects.create(
        submission=current, moderator=moderator, before=before, after=after, note=(note or "").strip()
    )
    _text_changed(current.pk)
    submission.refresh_from_db()
    return correction


# --- issue 13, files: a proposal's documents and images ------------------------------------------------------------


@transaction.atomic
def add_file(*, submission: Submission, author, upload, checked, title: str, alt_text: str = ""):
    """Store a checked upload with a draft (or a submission returned for changes), within the record's caps."""
    from initiatives import uploads

    from .models import SubmissionFile

    if submission.author_id != author.pk:
        raise TransitionRefused(_("Only the author of a submission can do this."))
    locked = Submission.objects.select_for_update().get(pk=submission.pk)
    if not locked.is_editable:
        raise TransitionRefused(_("This submission can no longer be edited."))
    sizes = list(locked.files.values_list("size", flat=True))
    uploads.check_totals(existing_sizes=sizes, new_size=upload.size)
    fields = uploads.store(upload, prefix="submissions", checked=checked)
    return SubmissionFile.objects.create(
        submission=locked, title=title, alt_text=alt_text, position=len(sizes), **fields
    )


@transaction.atomic
def remove_files(*, submission: Submission, author, ids) -> int:
    """Remove files from a draft; their stored files go once this commits."""
    if submission.author_id != author.pk or not submission.is_editable:
        raise TransitionRefused(_("This submission can no longer be edited."))
    removed = 0
    for item in submission.files.filter(pk__in=ids):
        item.delete()
        removed += 1
    return removed


def _attach_submitted_files(submission: Submission, initiative: Initiative) -> None:
    """Approval: the proposal's files become the initiative's attachments (the same stored files, no copy)."""
    from django.db.models import Max

    from initiatives.models import Attachment

    last = initiative.attachments.aggregate(last=Max("position"))["last"]
    start = 0 if last is None else last + 1
    for offset, item in enumerate(submission.files.all()):
        Attachment.objects.create(
            initiative=initiative,
            position=start + offset,
            **{name: getattr(item, name) for name in Attachment.SNAPSHOT_FIELDS if name != "position"},
        )
        item.delete()  # its stored files are the attachment's now: discard_files keeps what a row refers to
