"""Proposed initiatives (new ones, or updates to published ones) and their moderation."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from initiatives.models import Initiative, StoredEmbedding, StoredFile


class Submission(models.Model):
    """A person's proposal, moving through the moderation states (see ``workflow.TRANSITIONS``)."""

    class Kind(models.TextChoices):
        NEW = "new", _("New initiative")
        UPDATE = "update", _("Update to an initiative")
        TRANSLATION = "translation", _("Translation of an initiative")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        IN_REVIEW = "in_review", _("In review")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    kind = models.CharField(_("kind"), max_length=11, choices=Kind, default=Kind.NEW)
    state = models.CharField(_("state"), max_length=17, choices=State, default=State.DRAFT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="submissions"
    )
    # For an update or a translation: the initiative it changes. For a new initiative: the one its approval created.
    initiative = models.ForeignKey(
        Initiative,
        verbose_name=_("initiative"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The proposed content, as the proposal form cleans it (slugs and codes for taxonomy terms), with the language
    # its text is written in ("language") and, for a new initiative or an update, translations of that text
    # ("translations": {"fr": {"title": …}}). A translation holds the four texts in its own language only.
    data = models.JSONField(_("proposed content"), default=dict, blank=True)
    title = models.CharField(_("title"), max_length=300, blank=True)  # copied from data, for lists and search
    note_to_moderators = models.TextField(_("note to the moderators"), max_length=5000, blank=True)
    duplicate_explanation = models.TextField(_("why this is not a duplicate"), max_length=5000, blank=True)
    consent = models.BooleanField(_("consent to publication under my name"), default=False)

    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("being reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["-updated_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    state__in=[
                        "draft",
                        "submitted",
                        "in_review",
                        "changes_requested",
                        "approved",
                        "rejected",
                        "withdrawn",
                    ]
                ),
                name="submission_state_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["new", "update", "translation"]), name="submission_kind_valid"
            ),
            models.CheckConstraint(
                condition=~Q(kind="update") | Q(initiative__isnull=False), name="submission_update_has_initiative"
            ),
            models.CheckConstraint(
                condition=~Q(kind="translation") | Q(initiative__isnull=False),
                name="submission_translation_has_initiative",
            ),
            models.CheckConstraint(
                condition=~Q(state="approved") | Q(initiative__isnull=False), name="submission_approved_has_initiative"
            ),
            models.CheckConstraint(
                condition=Q(state="in_review", claimed_by__isnull=False)
                | (~Q(state="in_review") & Q(claimed_by__isnull=True)),
                name="submission_claimed_iff_in_review",
            ),
            # One new-initiative submission creates at most one initiative, and no two claim the same one.
            models.UniqueConstraint(
                fields=["initiative"], condition=Q(kind="new"), name="submission_new_initiative_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["state", "submitted_at"], name="submission_queue"),
            models.Index(fields=["author", "-updated_at"], name="submission_author"),
        ]

    def __str__(self):
        return self.title or _("Untitled submission #%(pk)s") % {"pk": self.pk}

    def get_absolute_url(self):
        return reverse("submissions:detail", kwargs={"pk": self.pk})

    @property
    def is_editable(self) -> bool:
        return self.state in (self.State.DRAFT, self.State.CHANGES_REQUESTED)

    @property
    def language(self) -> str:
        """The language the proposed text is written in ("" for a submission from before there was a choice)."""
        return self.data.get("language", "") if isinstance(self.data, dict) else ""

    @property
    def language_name(self) -> str:
        """That language's name in the reader's language ("French", "francés"…)."""
        return get_language_info(self.language)["name_translated"] if self.language else ""


class Transition(models.Model):
    """One recorded step of a submission's life: who, when, from, to, and the message given."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="transitions")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_state = models.CharField(_("from"), max_length=17, choices=Submission.State)
    to_state = models.CharField(_("to"), max_length=17, choices=Submission.State)
    message = models.TextField(_("message"), max_length=10000, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("transition")
        verbose_name_plural = _("transitions")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.get_from_state_display()} → {self.get_to_state_display()}"


class ModeratorNote(models.Model):
    """An internal note on a submission, seen only by moderators."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    text = models.TextField(_("note"), max_length=10000)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("moderator note")
        verbose_name_plural = _("moderator notes")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.text[:60]


# --- corrections made by the moderators (issue 13) ------------------------------------------------------------


class Correction(models.Model):
    """A moderator's correction of a submission under review: its data before and after, who, when, and a note to
    the submitter. Approval publishes the data as corrected; the submitter sees the difference field by field."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="corrections")
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    before = models.JSONField(_("data before"), default=dict)
    after = models.JSONField(_("data after"), default=dict)
    note = models.TextField(_("note to the submitter"), max_length=5000, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return _("Correction of %(submission)s") % {"submission": self.submission}


# --- issue 13, files: documents and images uploaded with a proposal ----------------------------------------------


class SubmissionFile(StoredFile):
    """A document or an image uploaded with a proposal: the submission's until approval, which makes it an
    attachment of the initiative (the same stored file, now owned by an ``initiatives.Attachment``).

    Only its author and the moderators may read it (``submissions.file_views``).
    """

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("file"), max_length=300, upload_to="submissions/")
    card_file = models.FileField(_("card image"), max_length=300, blank=True, upload_to="submissions/")

    class Meta(StoredFile.Meta):
        verbose_name = _("submitted file")
        verbose_name_plural = _("submitted files")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["document", "image"]), name="submission_file_kind_valid"),
        ]

    def get_absolute_url(self):
        return reverse("submission-file", kwargs={"pk": self.pk, "filename": self.filename})

    def card_url(self):
        return (
            reverse("submission-file-card", kwargs={"pk": self.pk, "filename": self.filename}) if self.card_file else ""
        )


def _submission_file_deleted(sender, instance, **kwargs):
    """A submitted file removed from its draft, or deleted with its submission: its stored files go too (after the
    commit, and only if approval did not hand them to an attachment)."""
    from initiatives.uploads import discard_files

    discard_files(instance.storage_names())


models.signals.post_delete.connect(_submission_file_deleted, sender=SubmissionFile)


class SubmissionEmbedding(StoredEmbedding):
    """The sentence embedding of a proposal's title and summary (issue 14), for the look-alike warning moderators
    see: computed by a task when the text changes (``text_hash``), as float16 bytes."""

    submission = models.OneToOneField(
        Submission, on_delete=models.CASCADE, primary_key=True, related_name="embedding", verbose_name=_("submission")
    )

    class Meta:
        verbose_name = _("submission embedding")
        verbose_name_plural = _("submission embeddings")

    def __str__(self):
        return f"{self.submission_id} ({self.model})"
