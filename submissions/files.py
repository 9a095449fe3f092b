"""The proposal form's documents and images (issue 13, files): add one document and one image per save, with a
title (and a text alternative for an image), or remove files already attached to the draft.

A browser cannot keep a chosen file when the page comes back with an error: everything typed is kept, files
already saved with the draft stay, and the error says to choose the file again.
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from initiatives import uploads

from . import services


class SubmissionFilesForm(forms.Form):
    document = forms.FileField(label=_("Add a document"), required=False)
    document_title = forms.CharField(label=_("Title of the document"), max_length=300, required=False)
    image = forms.FileField(label=_("Add an image"), required=False)
    image_title = forms.CharField(label=_("Title of the image"), max_length=300, required=False)
    image_alt = forms.CharField(
        label=_("Text alternative of the image"),
        max_length=300,
        required=False,
        help_text=_("What the image shows, for people who cannot see it."),
    )
    remove_files = forms.TypedMultipleChoiceField(
        label=_("Remove"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, submission=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.submission = submission
        self.existing = list(submission.files.all()) if submission is not None and submission.pk else []
        self.fields["remove_files"].choices = [(item.pk, item.title) for item in self.existing]
        self.checked = {}
        self.fields["document"].help_text = _(
            "PDF, Word, Excel, PowerPoint, OpenDocument or CSV; %(size)s at most."
        ) % {"size": filesizeformat(settings.UPLOAD_MAX_DOCUMENT_BYTES)}
        self.fields["image"].help_text = _(
            "A logo or an illustration: JPEG, PNG, WebP or GIF; %(size)s at most. Its metadata is removed."
        ) % {"size": filesizeformat(settings.UPLOAD_MAX_IMAGE_BYTES)}
        for name in ("document", "image"):
            self.fields[name].widget.attrs["accept"] = (
                ".pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.odp,.csv"
                if name == "document"
                else "image/jpeg,image/png,image/webp,image/gif"
            )

    def _clean_upload(self, name: str, kind: str):
        upload = self.cleaned_data.get(name)
        if not upload:
            return None
        checked = uploads.check(upload)
        if checked.kind != kind:
            if kind == uploads.DOCUMENT:
                raise ValidationError(_("This is an image: add it as an image below."))
            raise ValidationError(_("This is not an image we accept: JPEG, PNG, WebP or GIF."))
        self.checked[name] = checked
        return upload

    def clean_document(self):
        return self._clean_upload("document", uploads.DOCUMENT)

    def clean_image(self):
        return self._clean_upload("image", uploads.IMAGE)

    def clean(self):
        data = super().clean()
        if data.get("document") and not (data.get("document_title") or "").strip():
            self.add_error("document_title", _("Give the document a title."))
        if data.get("image") and not (data.get("image_alt") or "").strip():
            self.add_error("image_alt", _("Say what the image shows, for people who cannot see it."))
        removed = set(data.get("remove_files") or [])
        sizes = [item.size for item in self.existing if item.pk not in removed]
        for name in ("document", "image"):
            upload = data.get(name)
            if upload and name not in self.errors:
                try:
                    uploads.check_totals(existing_sizes=sizes, new_size=upload.size)
                except ValidationError as error:
                    self.add_error(name, error)
                sizes.append(upload.size)
        for name in ("document", "image"):
            if name in self.errors:
                self.errors[name].append(_("Please choose the file again: a browser cannot keep it."))
        return data

    def save(self, *, submission, author) -> None:
        data = self.cleaned_data
        if data.get("remove_files"):
            services.remove_files(submission=submission, author=author, ids=data["remove_files"])
        if data.get("document"):
            services.add_file(
                submission=submission,
                author=author,
                upload=data["document"],
                checked=self.checked["document"],
                title=data["document_title"].strip(),
            )
        if data.get("image"):
            services.add_file(
                submission=submission,
                author=author,
                upload=data["image"],
                checked=self.checked["image"],
                title=(data.get("image_title") or "").strip() or data["image_alt"].strip(),
                alt_text=data["image_alt"].strip(),
            )

    def not_saved(self) -> None:
        """The rest of the form had errors, so a valid file chosen now was not saved: say to choose it again."""
        for name in ("document", "image"):
            if self.cleaned_data.get(name):
                self.add_error(name, _("This file was not saved because of the errors above: please choose it again."))
