"""The languages of a proposal: the language its text is written in, its translations, and translation suggestions.

A submission's ``data`` says which language its title, acronym, summary and description are written in
(``"language"``); a new initiative or an update may carry translations of them (``"translations"``, only the
languages given, each with its four texts). A suggested translation (``Submission.Kind.TRANSLATION``) holds the four
texts in its own language. The languages are the content languages (``initiatives.models.content_languages``:
those with a column per translated field), whatever the interface offers.
"""

import copy

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import get_language as active_content_language

from initiatives import sections
from initiatives.models import Initiative, content_languages

# The translated text of an initiative a submission proposes (initiatives/translation.py translates these), the
# structured sections of the record included (issue 13, initiatives/sections.py).
TEXT_FIELDS = ("title", "acronym", "summary", "description", *sections.FIELDS)
# The text a translation needs, as the original does.
REQUIRED_TEXT = ("title", "summary")

TRANSLATION_LABELS = {
    "title": _("Title in %(language)s"),
    "acronym": _("Acronym in %(language)s"),
    "summary": _("Summary in %(language)s"),
    "description": _("Description in %(language)s"),
    # Translators: a section of a record ("Results and impact") in a language ("in French"), a form field's label.
    **{name: _("%(section)s in %(language)s") for name in sections.FIELDS},
}


def language_codes() -> list[str]:
    return list(settings.MODELTRANSLATION_LANGUAGES)


def language_name(code: str) -> str:
    """The language's name in the reader's language."""
    return get_language_info(code)["name_translated"]


def direction(code: str) -> str:
    """ "rtl" for a language written right to left (Arabic), else "ltr"."""
    return "rtl" if get_language_info(code)["bidi"] else "ltr"


def default_language() -> str:
    """The language a new proposal is assumed to be written in: the page's, if content can be written in it."""
    return active_content_language()


def text_attrs(code: str) -> dict:
    return {"lang": code, "dir": direction(code)}


def data_language(data: dict, default: str | None = None) -> str:
    """The language of a submission's text; older submissions (before there was a choice) were in English."""
    code = data.get("language") if isinstance(data, dict) else None
    return code if code in language_codes() else (default or settings.MODELTRANSLATION_DEFAULT_LANGUAGE)


def texts_by_language(data: dict, default: str | None = None) -> dict[str, dict[str, str]]:
    """``{language: {field: text}}``: the submission's text in its language, then each translation it gives."""
    language = data_language(data, default)
    texts = {language: {name: data.get(name) or "" for name in TEXT_FIELDS}}
    for code, given in (data.get("translations") or {}).items():
        if code in language_codes() and code != language and isinstance(given, dict):
            texts[code] = {name: given.get(name) or "" for name in TEXT_FIELDS}
    return texts


def initiative_texts(initiative: Initiative, code: str) -> dict[str, str]:
    """What an initiative says in one language (empty strings where nothing is written)."""
    return {name: getattr(initiative, f"{name}_{code}") or "" for name in TEXT_FIELDS}


def translations_of(initiative: Initiative) -> dict[str, dict[str, str]]:
    """The initiative's translations (every language but the original that has any text)."""
    result = {}
    for code in language_codes():
        if code != initiative.language:
            texts = initiative_texts(initiative, code)
            if any(texts.values()):
                result[code] = texts
    return result


class TranslatedTextMixin:
    """A proposal form's ``language`` field and, per other language, an optional translation of its four texts.

    Each translation field is named like the initiative's column (``title_fr``), is validated like the original
    (the same length caps; a title and a summary when anything of that translation is given and the form is
    complete) and carries its language's ``lang`` and ``dir`` attributes.
    """

    def add_translation_fields(self, *, complete: bool) -> None:
        for code in language_codes():
            for name in TEXT_FIELDS:
                field = copy.deepcopy(self.base_fields[name])
                field.required = False
                field.label = TRANSLATION_LABELS[name] % {
                    "language": language_name(code),
                    "section": sections.BY_FIELD[name].heading if name in sections.BY_FIELD else "",
                }
                field.widget.attrs.update(text_attrs(code))
                self.fields[f"{name}_{code}"] = field
        self.complete_translations = complete
        original = self.original_language()
        for name in TEXT_FIELDS:
            self.fields[name].widget.attrs.update(text_attrs(original))

    def original_language(self) -> str:
        """The language chosen for the text (as posted if it is one, else as first shown)."""
        posted = self.data.get(self.add_prefix("language")) if self.is_bound else None
        if posted in language_codes():
            return posted
        initial = self.initial.get("language") or self.fields["language"].initial
        return initial if initial in language_codes() else default_language()

    def clean_translations(self, cleaned: dict) -> None:
        language = cleaned.get("language")
        for code in language_codes():
            # As typed (a value refused for its length is given all the same).
            given = [name for name in TEXT_FIELDS if str(self[f"{name}_{code}"].data or "").strip()]
            if not given:
                continue
            if code == language:
                self.add_error(
                    "language",
                    ValidationError(
                        _(
                            "You also gave a translation into %(language)s: choose the language the text above is "
                            "written in, or leave that translation empty."
                        ),
                        code="same_language",
                        params={"language": language_name(code)},
                    ),
                )
            elif self.complete_translations:
                for name in REQUIRED_TEXT:
                    if name not in given and f"{name}_{code}" not in self.errors:
                        self.add_error(
                            f"{name}_{code}",
                            ValidationError(self.fields[f"{name}_{code}"].error_messages["required"], code="required"),
                        )

    def translations_data(self) -> dict[str, dict[str, str]]:
        """The translations given (languages with any text), for the submission's data."""
        cleaned, language = self.cleaned_data, self.cleaned_data.get("language")
        result = {}
        for code in language_codes():
            texts = {name: cleaned.get(f"{name}_{code}") or "" for name in TEXT_FIELDS}
            if code != language and any(texts.values()):
                result[code] = texts
        return result

    def translation_groups(self) -> list[dict]:
        """The translation fieldsets to show: every language but the text's (and any with what was typed in it);
        open when it has text or errors."""
        original = self.original_language()
        groups = []
        for code in language_codes():
            fields = [self[f"{name}_{code}"] for name in TEXT_FIELDS]
            has_text = any(field.value() for field in fields)
            has_errors = any(field.errors for field in fields)
            if code == original and not (has_text or has_errors):
                continue
            groups.append(
                {
                    "lang": code,
                    "dir": direction(code),
                    "name": language_name(code),
                    "fields": fields,
                    "open": has_text or has_errors,
                }  # fmt: skip
            )
        return groups


def translation_initial(data: dict) -> dict:
    """Form initial values for the translations in stored data."""
    initial = {}
    for code, texts in texts_by_language(data).items():
        if code != data_language(data):
            initial.update({f"{name}_{code}": text for name, text in texts.items()})
    return initial


# --- suggesting a translation of a published initiative -----------------------------------------------------------


def translation_targets(initiative: Initiative) -> list[tuple[str, str]]:
    """The languages an initiative can be translated into: all but its original's."""
    return [(code, name) for code, name in content_languages() if code != initiative.language]


def section_field(section: sections.Section) -> forms.CharField:
    """A section of the record in a form: optional, plain text, its guidance as help text (issue 13)."""
    return forms.CharField(
        label=section.heading,
        max_length=sections.MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=section.guidance,
    )


def _with_sections(cls):
    """Add a form field per section of the record to ``cls`` (declared fields are collected by the metaclass)."""
    for section in sections.SECTIONS:
        cls.base_fields[section.field] = cls.declared_fields[section.field] = section_field(section)
    return cls


@_with_sections
class InitiativeTexts(forms.Form):
    """The texts of an initiative in one language, as a proposal and a translation ask for them: title, acronym,
    summary, description and the sections of the record (added by ``_with_sections``)."""

    title = forms.CharField(label=_("Title"), max_length=300)
    acronym = forms.CharField(label=_("Acronym"), max_length=50, required=False)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Plain text, up to 2,000 characters, shown in listings."),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Optional. Markdown: **bold**, *italic*, lists, [links](https://example.org). HTML is removed."),
    )

    def section_fields(self) -> list:
        """The bound fields of the record's sections, in order (issue 13)."""
        return [self[name] for name in sections.FIELDS]


class TranslationForm(InitiativeTexts):
    """The four texts of an initiative in one language other than its original."""

    field_order = ["language"]
    language = forms.ChoiceField(label=_("Language of the translation"), widget=forms.HiddenInput)

    def __init__(self, *args, initiative: Initiative, complete: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.initiative = initiative
        self.fields["language"].choices = translation_targets(initiative)
        if not complete:
            for field in self.fields.values():
                if field is not self.fields["language"]:
                    field.required = False
        code = self.target_language()
        if code:
            for name in TEXT_FIELDS:
                self.fields[name].widget.attrs.update(text_attrs(code))

    def target_language(self) -> str:
        """The language being translated into ("" when none valid was given)."""
        value = self.data.get(self.add_prefix("language")) if self.is_bound else self.initial.get("language")
        return value if value in dict(translation_targets(self.initiative)) else ""

    def to_data(self) -> dict:
        return {"language": self.cleaned_data["language"], **{name: self.cleaned_data[name] for name in TEXT_FIELDS}}


class ModeratorsNoteForm(forms.Form):
    """The note every kind of submission may carry to the moderators."""

    note_to_moderators = forms.CharField(
        label=_("Note to the moderators"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Anything the moderators should know. Not published."),
    )


class TranslationDetailsForm(ModeratorsNoteForm):
    """What goes with a suggested translation: a note, the consent to publish it, the robots' honeypot."""

    consent = forms.BooleanField(label=_("I agree that my translation is published on the portal."), required=False)
    homepage = forms.CharField(label=_("Leave this field empty"), required=False, max_length=200)

    def clean_homepage(self):
        if self.cleaned_data["homepage"]:
            raise ValidationError(_("This submission looks automated and was not saved."), code="honeypot")
        return ""
