"""Submitting, following one's submissions, and moderating them.

Every lookup is scoped in the query: a submitter only ever finds their own submissions
(``author=request.user``), and moderation views are for moderators only (403 for anyone else).
"""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from initiatives.models import Category, Initiative

from . import services
from .duplicates import similar_initiatives, stored_vector
from .files import SubmissionFilesForm
from .forms import (
    CorrectionNoteForm,
    DecisionForm,
    NoteForm,
    ProposalForm,
    SubmissionDetailsForm,
    WithdrawForm,
    initial_from_data,
    initial_from_initiative,
)
from .languages import (
    TranslationDetailsForm,
    TranslationForm,
    initiative_texts,
    language_name,
    translation_targets,
)
from .models import Submission
from .presentation import corrections, original_text, preview_context, proposed_changes, title_html

State = Submission.State


def moderator_required(view):
    """Log in first; then only moderators (the Moderators group, superusers) get in: 403 for others."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not services.is_moderator(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _submitter_defaults(user) -> dict:
    profile = getattr(user, "profile", None)
    return {
        "submitter_honorific": getattr(profile, "honorific", ""),
        "submitter_name": user.get_full_name(),
        "submitter_organisation": getattr(profile, "organisation", ""),
        "submitter_email": user.email,
    }


# --- submitting --------------------------------------------------------------------------------


@login_required
def create(request):
    """Propose a new initiative."""
    return _edit(request, submission=None, initial=_submitter_defaults(request.user))


@login_required
def suggest_update(request, slug):
    """Propose changes to a published initiative; approved, they update it (its URL stays the same)."""
    initiative = get_object_or_404(Initiative.objects.published(), slug=slug)
    initial = {**initial_from_data(initial_from_initiative(initiative)), **_submitter_defaults(request.user)}
    return _edit(request, submission=None, initial=initial, initiative=initiative)


@login_required
def suggest_translation(request, slug):
    """Propose a translation of a published initiative into one language (or a correction of the one it has).

    First the language (``?language=fr``, a plain link or a GET form), then the four texts, prefilled with the
    translation the initiative has in it, beside the original for reference.
    """
    initiative = get_object_or_404(Initiative.objects.published(), slug=slug)
    targets = dict(translation_targets(initiative))
    language = request.GET.get("language", "")
    if request.method != "POST" and language not in targets:
        return render(
            request,
            "submissions/translation_language.html",
            {
                "initiative": initiative,
                "targets": [
                    {"lang": code, "name": name, "translated": bool(getattr(initiative, f"title_{code}"))}
                    for code, name in targets.items()
                ],
                "invalid": bool(language),
                "title_html": title_html(initiative),
                "original_name": language_name(initiative.language),
            },
        )
    initial = {"language": language, **initiative_texts(initiative, language)} if language in targets else {}
    return _edit_translation(request, submission=None, initiative=initiative, initial=initial)


@login_required
def edit(request, pk):
    submission = get_object_or_404(Submission, pk=pk, author=request.user)
    if not submission.is_editable:
        messages.error(request, _("This submission can no longer be edited."))
        return redirect(submission)
    if submission.kind == Submission.Kind.TRANSLATION:
        return _edit_translation(
            request, submission=submission, initiative=submission.initiative, initial=dict(submission.data)
        )
    return _edit(request, submission=submission, initial=initial_from_data(submission.data))


def _edit_translation(request, *, submission, initiative, initial):
    """The translation form: save a draft, preview or submit, as for a proposal."""
    action = request.POST.get("action", "save")
    if request.method == "POST":
        form = TranslationForm(request.POST, initiative=initiative, complete=action in ("preview", "submit"))
        details = TranslationDetailsForm(request.POST)
        if form.is_valid() and details.is_valid():
            fields = {name: details.cleaned_data[name] for name in ("note_to_moderators", "consent")}
            if action == "submit" and not fields["consent"]:
                details.add_error("consent", _("Please agree to the publication of your translation to submit."))
            else:
                response = _save_and_go_on(
                    request,
                    submission,
                    form.to_data(),
                    fields,
                    initiative=initiative,
                    kind=Submission.Kind.TRANSLATION,
                    action=action,
                )
                if response:
                    return response
    else:
        form = TranslationForm(initial=initial, initiative=initiative)
        details = TranslationDetailsForm(
            initial={name: getattr(submission, name, "") for name in ("note_to_moderators", "consent")}
        )
    language = form.target_language()
    return render(
        request,
        "submissions/translation_form.html",
        {
            "form": form,
            "details": details,
            "submission": submission,
            "initiative": initiative,
            "language": language,
            "language_name": language_name(language) if language else "",
            "original": original_text(initiative),
            "title_html": title_html(initiative),
            "errors": form.errors or details.errors,
        },
    )


def _save_and_go_on(request, submission, data, fields, *, initiative, kind, action, files=None):
    """Save what was typed (and submit it, if asked); the response to send, or None to show the form again."""
    try:
        submission = _save(request, submission, data, fields, initiative, kind)
        if files is not None:  # issue 13, files: documents and images added or removed with this save
            files.save(submission=submission, author=request.user)
        if action == "submit":
            services.submit(submission=submission, author=request.user)
            messages.success(request, _("Thank you: your submission was sent to the moderators."))
            return redirect(submission)
    except services.TransitionRefused as refusal:
        messages.error(request, str(refusal))
        if submission is not None and submission.pk:
            return redirect(submission)
        return None
    if action == "preview":
        return redirect("submissions:preview", pk=submission.pk)
    messages.success(request, _("Your draft was saved."))
    return redirect("submissions:edit", pk=submission.pk)


def _edit(request, *, submission, initial, initiative=None):
    initiative = initiative or (submission.initiative if submission and submission.kind == "update" else None)
    action = request.POST.get("action", "save")
    duplicates = []
    files_valid = False
    if request.method == "POST" and int(request.META.get("CONTENT_LENGTH") or 0) > settings.UPLOAD_MAX_REQUEST_BYTES:
        limits = {"max_document": settings.UPLOAD_MAX_DOCUMENT_BYTES, "max_image": settings.UPLOAD_MAX_IMAGE_BYTES}
        return render(request, "submissions/upload_too_large.html", {"submission": submission, **limits}, status=413)
    if request.method == "POST":
        form = ProposalForm(request.POST, complete=action in ("preview", "submit"))
        details = SubmissionDetailsForm(request.POST)
        files = SubmissionFilesForm(request.POST, request.FILES, submission=submission)  # issue 13, files
        files_valid = files.is_valid()
        if form.is_valid() and details.is_valid() and files_valid:
            data = form.to_data()
            fields = {
                "note_to_moderators": details.cleaned_data["note_to_moderators"],
                "duplicate_explanation": details.cleaned_data["duplicate_explanation"],
                "consent": details.cleaned_data["consent"],
            }
            if action == "submit" and initiative is None and not fields["duplicate_explanation"]:
                duplicates = similar_initiatives(
                    title=data["title"],
                    acronym=data["acronym"],
                    summary=data.get("summary", ""),  # issue 14: by meaning too
                    exclude_pk=getattr(submission, "initiative_id", None),
                )
            if action == "submit" and not fields["consent"]:
                details.add_error("consent", _("Please agree to publication under your name to submit."))
            elif duplicates and request.POST.get("confirm_not_duplicate") != "yes":
                pass  # show the look-alikes and ask, keeping everything typed
            else:
                kind = Submission.Kind.UPDATE if initiative else Submission.Kind.NEW
                response = _save_and_go_on(
                    request, submission, data, fields, initiative=initiative, kind=kind, action=action, files=files
                )
                if response:
                    return response
    else:
        form = ProposalForm(initial=initial)
        details = SubmissionDetailsForm(
            initial={
                "note_to_moderators": getattr(submission, "note_to_moderators", ""),
                "duplicate_explanation": getattr(submission, "duplicate_explanation", ""),
                "consent": getattr(submission, "consent", False),
            }
        )
        files = SubmissionFilesForm(submission=submission)
    if request.method == "POST" and files_valid:
        files.not_saved()  # the form comes back: a file chosen this time was not kept
    return render(
        request,
        "submissions/form.html",
        {
            "form": form,
            "details": details,
            "submission": submission,
            "initiative": initiative,
            "duplicates": duplicates,
            "errors": form.errors or details.errors or files.errors,
            "files_form": files,  # issue 13, files
        },
    )


def _save(request, submission, data, fields, initiative, kind):
    if submission is None:
        return services.create_submission(author=request.user, data=data, kind=kind, initiative=initiative, **fields)
    return services.save_draft(submission=submission, author=request.user, data=data, **fields)


@login_required
def detail(request, pk):
    """The author's view of a submission: its state, the moderators' messages, what can be done."""
    submission = get_object_or_404(
        Submission.objects.select_related("initiative", "claimed_by"), pk=pk, author=request.user
    )
    return render(
        request,
        "submissions/detail.html",
        {
            "submission": submission,
            "transitions": submission.transitions.select_related("actor"),
            "actions": [a for a in services.allowed_actions(submission, request.user) if not a.by_moderator],
            "corrections": corrections(submission),
        },
    )


@login_required
def preview(request, pk):
    submission = get_object_or_404(Submission, pk=pk, author=request.user)
    return render(request, "submissions/preview.html", preview_context(submission, viewer=request.user))


@login_required
@require_POST
def author_action(request, pk, action):
    submission = get_object_or_404(Submission, pk=pk, author=request.user)
    try:
        if action == "submit":
            services.submit(submission=submission, author=request.user)
            messages.success(request, _("Thank you: your submission was sent to the moderators."))
        elif action == "withdraw":
            # Through a form: a message with a NUL byte (which PostgreSQL refuses) or too long is refused, not a 500.
            form = WithdrawForm(request.POST)
            if form.is_valid():
                services.withdraw(submission=submission, author=request.user, message=form.cleaned_data["message"])
                messages.success(request, _("Your submission was withdrawn."))
            else:
                _report_form_errors(request, form)
        else:
            raise PermissionDenied
    except services.TransitionRefused as refusal:
        messages.error(request, str(refusal))
    return redirect(submission)


@login_required
def mine(request):
    submissions = Submission.objects.filter(author=request.user).select_related("initiative").order_by("-updated_at")
    return render(request, "submissions/mine.html", {"submissions": submissions})


# --- moderating ----------------------------------------------------------------------------------

QUEUE_STATES = [State.SUBMITTED, State.IN_REVIEW]
AGES = {"1": 1, "7": 7, "30": 30}


@moderator_required
def queue(request):
    """Submissions waiting for a decision, oldest first, with filters; bulk approve or reject."""
    submissions = Submission.objects.select_related("author", "claimed_by", "initiative")
    state = request.GET.get("state", "waiting")
    if state == "waiting":
        submissions = submissions.filter(state__in=QUEUE_STATES)
    elif state in State.values:
        submissions = submissions.filter(state=state)
    else:
        state = "all"
    age = request.GET.get("age", "")
    if age in AGES:
        submissions = submissions.filter(submitted_at__lte=timezone.now() - timezone.timedelta(days=AGES[age]))
    # Compared in Python, not in a query: whatever was typed in the address (a NUL byte, which
    # PostgreSQL refuses in text) never reaches the database.
    categories = list(Category.objects.all())
    category = request.GET.get("category", "")
    if category in {c.slug for c in categories}:
        submissions = submissions.filter(data__category=category)
    else:
        category = ""
    submissions = submissions.order_by("submitted_at", "pk")
    page = Paginator(submissions, 50).get_page(request.GET.get("page"))
    counts = dict(Submission.objects.values_list("state").annotate(n=Count("pk")).order_by())
    return render(
        request,
        "submissions/queue.html",
        {
            "page_obj": page,
            "submissions": page.object_list,
            "state": state,
            "age": age,
            "category": category,
            "states": [(value, label, counts.get(value, 0)) for value, label in State.choices],
            "categories": categories,
            "counts": counts,
            "decision_form": DecisionForm(),
        },
    )


MAX_BULK = 200
_MAX_ID_DIGITS = 18  # below 2**63, the largest primary key; longer numbers overflow the database's integer


def _submission_ids(values: list[str]) -> list[int]:
    """The ids in a bulk form; anything else (text, non-ASCII digits, numbers too large) is dropped."""
    ids = [int(value) for value in values if value.isascii() and value.isdigit() and len(value) <= _MAX_ID_DIGITS]
    return ids[:MAX_BULK]


@moderator_required
@require_POST
def bulk(request):
    """Approve or reject several submissions at once, with one message."""
    action = request.POST.get("action")
    ids = _submission_ids(request.POST.getlist("selected"))
    form = DecisionForm(request.POST)
    if not form.is_valid():
        _report_form_errors(request, form)
        return redirect("submissions:queue")
    if action not in ("approve", "reject") or not ids:
        messages.error(request, _("Choose at least one submission and an action."))
        return redirect("submissions:queue")
    message = form.cleaned_data["message"]
    selected = list(Submission.objects.filter(pk__in=ids).order_by("pk"))
    if not selected:
        messages.error(request, _("None of the selected submissions exists any more."))
        return redirect("submissions:queue")
    done, refused = 0, []
    for submission in selected:
        try:
            if action == "approve":
                services.approve(submission=submission, moderator=request.user, message=message)
            else:
                services.reject(submission=submission, moderator=request.user, message=message)
            done += 1
        except services.TransitionRefused as refusal:
            refused.append(f"{submission}: {refusal}")
    if done:
        messages.success(
            request, ngettext("%(count)d submission done.", "%(count)d submissions done.", done) % {"count": done}
        )
    for line in refused:
        messages.error(request, line)
    return HttpResponseRedirect(reverse("submissions:queue"))


@moderator_required
def moderate(request, pk):
    """One submission as moderators see it: preview, changes, look-alikes, history, notes, actions."""
    submission = get_object_or_404(Submission.objects.select_related("author", "claimed_by", "initiative"), pk=pk)
    context = preview_context(submission, viewer=request.user)
    actions = [a for a in services.allowed_actions(submission, request.user) if a.by_moderator]
    context.update(
        transitions=submission.transitions.select_related("actor"),
        notes=submission.notes.select_related("author"),
        actions=actions,
        approval_held=(
            submission.state in services.ACTIONS["approve"].sources and "approve" not in {a.name for a in actions}
        ),
        decision_form=DecisionForm(),
        note_form=NoteForm(),
        changes=proposed_changes(submission),
        corrections=corrections(submission),
        may_correct=services.may_correct(submission, request.user),
        duplicates=(
            similar_initiatives(
                title=submission.data.get("title", ""),
                acronym=submission.data.get("acronym", ""),
                summary=submission.data.get("summary", ""),  # issue 14: by meaning too, with its stored vector
                exclude_pk=submission.initiative_id,
                vector=stored_vector(submission),
            )
            if submission.kind == Submission.Kind.NEW
            else []
        ),
    )
    return render(request, "submissions/moderate.html", context)


MODERATOR_ACTIONS = {"claim", "release", "approve", "request_changes", "reject", "note"}


@moderator_required
@require_POST
def moderator_action(request, pk, action):
    if action not in MODERATOR_ACTIONS:
        raise PermissionDenied
    submission = get_object_or_404(Submission, pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        # Never act without the message the moderator wrote (an approval would silently drop it).
        _report_form_errors(request, form)
        return redirect("submissions:moderate", pk=submission.pk)
    message = form.cleaned_data["message"]
    try:
        if action == "claim":
            services.claim(submission=submission, moderator=request.user)
            messages.success(request, _("You are reviewing this submission."))
        elif action == "release":
            services.release(submission=submission, moderator=request.user)
            messages.success(request, _("You released this submission."))
        elif action == "approve":
            initiative = services.approve(submission=submission, moderator=request.user, message=message)
            messages.success(request, _("Approved and published: %(title)s") % {"title": initiative.title})
        elif action == "request_changes":
            services.request_changes(submission=submission, moderator=request.user, message=message)
            messages.success(request, _("Changes requested; the submitter has been told."))
        elif action == "reject":
            services.reject(submission=submission, moderator=request.user, message=message)
            messages.success(request, _("Rejected; the submitter has been told why."))
        elif action == "note":
            note = NoteForm(request.POST)
            if note.is_valid():
                services.add_note(submission=submission, moderator=request.user, text=note.cleaned_data["text"])
                messages.success(request, _("Note added."))
            else:
                messages.error(request, _("The note is empty or too long."))
        else:
            raise PermissionDenied
    except services.TransitionRefused as refusal:
        messages.error(request, str(refusal))
    return redirect("submissions:moderate", pk=submission.pk)


def _report_form_errors(request, form) -> None:
    for name, errors in form.errors.items():
        for error in errors:
            messages.error(request, f"{form.fields[name].label}: {error}" if name in form.fields else error)


# --- corrections by the moderators (issue 13) --------------------------------------------------------------------


@moderator_required
def correct(request, pk):
    """Correct before approving: the proposal (or translation) form, prefilled with the submission's data, for the
    moderator who claimed it. Saved, the correction is recorded and the submitter sees what changed."""
    submission = get_object_or_404(Submission.objects.select_related("author", "claimed_by", "initiative"), pk=pk)
    if not services.may_correct(submission, request.user):
        messages.error(request, _("Only the moderator reviewing a submission can correct it: claim it first."))
        return redirect("submissions:moderate", pk=submission.pk)
    translation = submission.kind == Submission.Kind.TRANSLATION
    if request.method == "POST":
        if translation:
            form = TranslationForm(request.POST, initiative=submission.initiative)
        else:
            form = ProposalForm(request.POST)
        note = CorrectionNoteForm(request.POST)
        if form.is_valid() and note.is_valid():
            try:
                services.correct(
                    submission=submission,
                    moderator=request.user,
                    data=form.to_data(),
                    note=note.cleaned_data["correction_note"],
                )
            except services.TransitionRefused as refusal:
                messages.error(request, str(refusal))
            else:
                messages.success(request, _("Your corrections were saved; the submitter will see what you changed."))
                return redirect("submissions:moderate", pk=submission.pk)
    else:
        if translation:
            form = TranslationForm(initial=dict(submission.data), initiative=submission.initiative)
        else:
            form = ProposalForm(initial=initial_from_data(submission.data))
        note = CorrectionNoteForm()
    context = {
        "form": form,
        "details": note,
        "submission": submission,
        "initiative": submission.initiative if submission.kind != Submission.Kind.NEW else None,
        "correcting": True,
        "errors": form.errors or note.errors,
    }
    if translation:
        language = form.target_language()
        context.update(
            language=language,
            language_name=language_name(language) if language else "",
            original=original_text(submission.initiative),
            title_html=title_html(submission.initiative),
        )
        return render(request, "submissions/translation_form.html", context)
    return render(request, "submissions/form.html", context)
