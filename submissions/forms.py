"""The proposal form: every field a published initiative has, stored as JSON on the submission.

``ProposalForm.to_data()`` turns what was typed into the submission's ``data`` (taxonomy terms by
slug or code); ``content_from_data()`` turns that back into an ``InitiativeContent`` for the
initiatives services (preview and approval use the same conversion, so the preview is exact).
"""

import datetime
import html
import re
from functools import partial

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.choices import BaseChoiceIterator
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from taggit.utils import parse_tags

from initiatives import redirects, sections
from initiatives.models import (
    Category,
    Initiative,
    Involvement,
    Organisation,
    content_languages,
)
from initiatives.services import InitiativeContent
from initiatives.taxonomies import BY_NAME, TAXONOMIES, Taxonomy

from .languages import (
    InitiativeTexts,
    ModeratorsNoteForm,
    TranslatedTextMixin,
    data_language,
    default_language,
    initiative_texts,
    texts_by_language,
    translation_initial,
    translations_of,
)

MAX_TAGS = 15
MAX_LINKS = 10
MAX_OTHER_ORGANISATIONS = 20
# What the initiative's models hold (Link.url, Link.title, taggit's Tag.name, Organisation.name):
# longer values are refused with a message rather than cut.
MAX_LINK_URL_LENGTH = 500
MAX_LINK_TITLE_LENGTH = 300
MAX_TAG_LENGTH = 100
MAX_ORGANISATION_NAME_LENGTH = 255
_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
ROLE_FIELDS = (("implementers", "implementer"), ("partners", "partner"), ("funders", "funder"))
# The taxonomies whose terms a submitter ticks in a list (``Taxonomy.picker_label``); the form field, the key in the
# submission's data and the attribute of ``InitiativeContent`` are the taxonomy's ``field``.
PICKED = tuple(taxonomy for taxonomy in TAXONOMIES if taxonomy.picker_label)


def parse_partial_date(value: str) -> tuple[datetime.date | None, str]:
    """ "2019" → (2019-01-01, year); "2019-06" → (2019-06-01, month); "2019-06-22" → (that day, day)."""
    value = (value or "").strip()
    if not value:
        return None, Initiative.DatePrecision.YEAR
    match = _PARTIAL_DATE.match(value)
    if not match:
        raise ValidationError(_("Enter a year (2019), a month (2019-06) or a date (2019-06-22)."), code="invalid")
    year, month, day = (int(part) if part else None for part in match.groups())
    try:
        date = datetime.date(year, month or 1, day or 1)
    except ValueError as error:
        raise ValidationError(_("This date does not exist."), code="invalid") from error
    if not 1900 <= year <= 2100:
        raise ValidationError(_("Enter a year between 1900 and 2100."), code="invalid")
    precision = "day" if day else "month" if month else "year"
    return date, precision


def _end_of_period(date: datetime.date, precision: str) -> datetime.date:
    """An end given as a year or month means the end of that year or month."""
    if precision == "year":
        return date.replace(month=12, day=31)
    if precision == "month":
        next_month = date.replace(day=28) + datetime.timedelta(days=4)
        return next_month - datetime.timedelta(days=next_month.day)
    return date


_PICKER_OPTION = (
    '\n    <div class="picker-option"><input type="checkbox" name="{name}" value="{value}" id="{id}"{checked}>'
    '\n    <label for="{id}"{dir}>{label}</label></div>\n  {indent}'
)
_PICKER_GROUP = (
    '\n    <fieldset class="picker-group"><legend dir="auto">{group}</legend>\n    {options}\n    </fieldset>\n  '
)


def _escape(text) -> str:
    """``conditional_escape`` without its lazy-string wrapper (a third of the time of writing an option)."""
    return text.__html__() if hasattr(text, "__html__") else html.escape(str(text))


class PickerWidget(forms.CheckboxSelectMultiple):
    """A long list of checkboxes in a scrolling box; the portal's script adds a filter field.

    The options are written here, one string format each, not by the template: a picker holds hundreds of terms
    (countries, organisations three times, SDG targets) and each option was a dict from ``create_option`` and a
    dozen variable lookups in the template, most of the form page's CPU (issue 15). The markup is the one Django's
    options gave (ids ``id_<name>_<index>``, ``…_<group>_<index>`` when grouped); the template keeps the box around
    them. ``grouped``: the choices come in groups (the SDG targets, one per goal), each shown in a fieldset.
    """

    template_name = "submissions/widgets/picker.html"

    def __init__(self, attrs=None, choices=(), *, grouped: bool = False):
        super().__init__(attrs, choices)
        self.grouped = grouped
        if grouped:
            self.template_name = "submissions/widgets/sdg_target_picker.html"

    def get_context(self, name, value, attrs):
        context = forms.Widget.get_context(self, name, value, attrs)  # not ChoiceWidget's: no optgroups
        widget = context["widget"]
        widget["options_html"] = mark_safe(self.options_html(name, set(widget["value"]), widget["attrs"].get("id")))
        return context

    def options_html(self, name: str, selected: set[str], id_: str | None) -> str:
        option = partial(
            _PICKER_OPTION.format,
            name=conditional_escape(name),
            dir=' dir="auto"' if self.grouped else "",
            indent="  " if self.grouped else "",
        )

        def one(value, label, index: str) -> str:
            value = str(value)
            return option(
                value=_escape(value),
                id=_escape(f"{id_}_{index}") if id_ else "",
                checked=" checked" if value in selected else "",
                label=_escape(label),
            )

        parts = []
        for index, (value, label) in enumerate(self.choices):
            if isinstance(label, (list, tuple)):
                options = "".join(one(*choice, f"{index}_{sub}") for sub, choice in enumerate(label))
                parts.append(_PICKER_GROUP.format(group=conditional_escape(value), options=options))
            else:
                parts.append(one("" if value is None else value, label, str(index)))
        return "".join(parts)


class OnceChoices(BaseChoiceIterator):
    """Choices read on the first iteration and kept: several widgets can show them for one query. (A choice
    iterator: Django's widgets keep it as it is rather than reading it when it is assigned, so a form that is not
    shown reads nothing.)"""

    def __init__(self, choices):
        self.choices = choices
        self.read = None

    def __iter__(self):
        if self.read is None:
            self.read = list(iter(self.choices))  # not list(choices): it would ask a model iterator's len(), a COUNT
        return iter(self.read)


def picker(label, queryset, *, to_field_name: str = "slug") -> forms.ModelMultipleChoiceField:
    """An optional choice of several taxonomy terms, by slug (or code), in a filterable checkbox list."""
    return forms.ModelMultipleChoiceField(
        label=label, queryset=queryset, to_field_name=to_field_name, widget=PickerWidget, required=False
    )


def taxonomy_picker(taxonomy: Taxonomy) -> forms.ModelMultipleChoiceField:
    """The picker of one taxonomy's terms (those of ``PICKED``; where each goes in the form is the form's say)."""
    return picker(taxonomy.picker_label, taxonomy.model.objects.all(), to_field_name=taxonomy.lookup)


# --- issue 13: the SDG targets picker, grouped by goal, each target with its official text ----------------------


class SdgTargetChoiceIterator(forms.models.ModelChoiceIterator):
    """The targets as one group of choices per goal ("Goal 10: Reduced inequalities")."""

    def __iter__(self):
        groups: dict = {}
        for target in self.queryset.select_related("goal"):
            groups.setdefault(target.goal, []).append(self.choice(target))
        yield from ((str(goal), choices) for goal, choices in groups.items())

    def __len__(self):
        return self.queryset.count()


class SdgTargetField(forms.ModelMultipleChoiceField):
    iterator = SdgTargetChoiceIterator

    def label_from_instance(self, obj):
        return f"{obj.code} {obj.text}"


def sdg_target_picker() -> SdgTargetField:
    taxonomy = BY_NAME["sdg_target"]
    return SdgTargetField(
        label=taxonomy.picker_label,
        queryset=taxonomy.model.objects.all(),
        to_field_name=taxonomy.lookup,
        widget=PickerWidget(grouped=True),  # a picker (its widget_type), with one group of options per goal
        required=False,
        help_text=_("The goal of each target you tick is added to the goals."),
    )


class ProposalForm(TranslatedTextMixin, InitiativeTexts):
    """What a submitter proposes. With ``complete=False`` (saving a draft) nothing is required.

    The text is in the language chosen (``language``); ``title_fr``, ``summary_es``… are optional translations
    of it (``TranslatedTextMixin``).
    """

    field_order = ["language", "title", "acronym", "summary", "description"]
    # Not required: a request without it (an old page, a script) means the language the form was shown in.
    language = forms.ChoiceField(
        label=_("Language of the text"),
        choices=content_languages,
        required=False,
        help_text=_("The language you write the title, acronym, summary and description in."),
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.all(), to_field_name="slug", empty_label=_("Choose a category")
    )
    themes = taxonomy_picker(BY_NAME["theme"])
    principles = taxonomy_picker(BY_NAME["principle"])
    sdg_goals = taxonomy_picker(BY_NAME["sdg"])  # issue 13
    sdg_targets = sdg_target_picker()
    scope = forms.ChoiceField(
        label=_("Geographic scope"), choices=[("", _("Not specified")), *Initiative.Scope.choices], required=False
    )
    regions = taxonomy_picker(BY_NAME["region"])
    countries = taxonomy_picker(BY_NAME["country"])
    implementers = picker(_("Implementing organisations"), Organisation.objects.order_by("name"))
    partners = picker(_("Partners"), Organisation.objects.order_by("name"))
    funders = picker(_("Funders"), Organisation.objects.order_by("name"))
    other_organisations = forms.CharField(
        label=_("Other implementing organisations"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Organisations not in the lists above, one per line."),
    )
    start = forms.CharField(
        label=_("Start"), required=False, max_length=10, help_text=_("A year (2019), a month (2019-06) or a date.")
    )
    end = forms.CharField(
        label=_("End"), required=False, max_length=10, help_text=_("Leave empty if it has not ended.")
    )
    ongoing = forms.BooleanField(label=_("Ongoing"), required=False)
    website = forms.URLField(label=_("Website"), max_length=500, required=False, assume_scheme="https")
    links = forms.CharField(
        label=_("Documents and other links"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: the address, then a title. Example: https://example.org/report.pdf Final report"),
    )
    tags = forms.CharField(
        label=_("Tags"), required=False, max_length=1000, help_text=_("Keywords, separated by commas.")
    )
    submitter_honorific = forms.ChoiceField(
        label=_("Your honorific"), choices=[("", _("None")), *Initiative.Honorific.choices], required=False
    )
    submitter_name = forms.CharField(label=_("Your name, as it will be credited"), max_length=200)
    submitter_organisation = forms.CharField(label=_("Your organisation"), max_length=255, required=False)
    submitter_email = forms.EmailField(label=_("Contact e-mail"), help_text=_("Never shown publicly."), max_length=254)

    # --- issue 13: the contact person (orgs); templates/submissions/includes/form_contact.html ---
    contact_name = forms.CharField(label=_("Contact person's name"), max_length=200, required=False)
    contact_role = forms.CharField(label=_("Their role"), max_length=200, required=False)
    contact_organisation = forms.CharField(label=_("Their organisation"), max_length=255, required=False)
    contact_email = forms.EmailField(
        label=_("Their e-mail address"),
        max_length=254,
        required=False,
        help_text=_(
            "Never published: readers write through a form and their message is relayed to this address. "
            "In a suggested update, leave it empty to keep the current address."
        ),
    )
    # --- end issue 13 (orgs) ---

    def __init__(self, *args, complete: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.complete = complete
        self.fields["language"].initial = default_language()
        if not complete:
            for form_field in self.fields.values():
                form_field.required = False
        self.add_translation_fields(complete=complete)
        # The three organisation pickers list the same organisations: read and labelled once per form, not three
        # times (hundreds of rows; each picker's field still validates against its own queryset).
        organisations = OnceChoices(self.fields["implementers"].choices)
        for name, _role in ROLE_FIELDS:
            self.fields[name].widget.choices = organisations

    def clean_language(self):
        return self.cleaned_data["language"] or self.original_language()

    def clean_start(self):
        return parse_partial_date(self.cleaned_data["start"])

    def clean_end(self):
        date, precision = parse_partial_date(self.cleaned_data["end"])
        return (_end_of_period(date, precision) if date else None), precision

    def clean_links(self):
        links, validate = [], URLValidator(schemes=["http", "https"])
        for number, line in enumerate(self.cleaned_data["links"].splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            url, _space, title = line.partition(" ")
            try:
                validate(url)
            except ValidationError as error:
                raise ValidationError(
                    _("Line %(number)d does not start with a web address (https://…)."),
                    code="invalid",
                    params={"number": number},
                ) from error
            title = title.strip()
            if len(url) > MAX_LINK_URL_LENGTH or len(title) > MAX_LINK_TITLE_LENGTH:
                raise ValidationError(
                    _(
                        "Line %(number)d is too long: at most %(url)d characters for the address and "
                        "%(title)d for the title."
                    ),
                    code="max_length",
                    params={"number": number, "url": MAX_LINK_URL_LENGTH, "title": MAX_LINK_TITLE_LENGTH},
                )
            links.append([title or url[:MAX_LINK_TITLE_LENGTH], url])
        if len(links) > MAX_LINKS:
            raise ValidationError(_("Give at most %(max)d links."), params={"max": MAX_LINKS}, code="max")
        return links

    def clean_tags(self):
        tags = parse_tags(self.cleaned_data["tags"])
        for tag in tags:
            # taggit would give such a tag an empty slug, and no page could link to it.
            if not slugify(tag, allow_unicode=True):
                raise ValidationError(
                    _("The tag “%(tag)s” needs at least one letter or digit."), params={"tag": tag}, code="invalid"
                )
        if any(len(tag) > MAX_TAG_LENGTH for tag in tags):
            raise ValidationError(
                _("A tag can be at most %(max)d characters long."), params={"max": MAX_TAG_LENGTH}, code="max_length"
            )
        if len(tags) > MAX_TAGS:
            raise ValidationError(_("Give at most %(max)d tags."), params={"max": MAX_TAGS}, code="max")
        return tags

    def clean_other_organisations(self):
        names = [line.strip() for line in self.cleaned_data["other_organisations"].splitlines() if line.strip()]
        if any(len(name) > MAX_ORGANISATION_NAME_LENGTH for name in names):
            raise ValidationError(
                _("An organisation's name can be at most %(max)d characters long."),
                params={"max": MAX_ORGANISATION_NAME_LENGTH},
                code="max_length",
            )
        if len(names) > MAX_OTHER_ORGANISATIONS:
            raise ValidationError(
                _("Give at most %(max)d organisations."), params={"max": MAX_OTHER_ORGANISATIONS}, code="max"
            )
        return list(dict.fromkeys(names))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start[0] and end[0] and end[0] < start[0]:
            self.add_error("end", _("The end cannot come before the start."))
        if cleaned.get("ongoing") and end and end[0] and end[0] < datetime.date.today():
            self.add_error("ongoing", _("An initiative that ended in the past is not ongoing."))
        self.clean_translations(cleaned)
        return cleaned

    def to_data(self) -> dict:
        """The cleaned form as JSON-serialisable data (terms by slug or code)."""
        c = self.cleaned_data
        start_date, start_precision = c.get("start") or (None, "year")
        end_date, end_precision = c.get("end") or (None, "year")
        data = {
            name: c.get(name) or ""
            for name in (
                "title",
                "acronym",
                "summary",
                "description",
                "scope",
                "website",
                "submitter_honorific",
                "submitter_name",
                "submitter_organisation",
                "submitter_email",
                *sections.FIELDS,  # the record's sections (issue 13)
            )
        }
        data.update(
            category=c["category"].slug if c.get("category") else "",
            **{t.field: [getattr(term, t.lookup) for term in c.get(t.field) or []] for t in PICKED},
            other_organisations=c.get("other_organisations") or [],
            start=start_date.isoformat() if start_date else "",
            start_precision=start_precision,
            end=end_date.isoformat() if end_date else "",
            end_precision=end_precision,
            ongoing=bool(c.get("ongoing")),
            links=c.get("links") or [],
            tags=c.get("tags") or [],
        )
        for name, _role in ROLE_FIELDS:
            data[name] = [o.slug for o in c.get(name) or []]
        data["language"] = c["language"]
        data["translations"] = self.translations_data()
        data.update(contact_data(c))  # issue 13 (orgs)
        return data


def initial_from_data(data: dict) -> dict:
    """The form's initial values for stored data (the inverse of ``to_data``)."""
    initial = dict(data)
    initial["start"] = _as_typed(data.get("start"), data.get("start_precision"))
    initial["end"] = _as_typed(data.get("end"), data.get("end_precision"))
    initial["links"] = "\n".join(f"{url} {title}" for title, url in data.get("links", []))
    initial["tags"] = ", ".join(data.get("tags", []))
    initial["other_organisations"] = "\n".join(data.get("other_organisations", []))
    initial["language"] = data_language(data)
    initial.update(translation_initial(data))
    return initial


def _as_typed(value: str | None, precision: str | None) -> str:
    if not value:
        return ""
    return {"year": value[:4], "month": value[:7]}.get(precision or "day", value)


def initial_from_initiative(initiative: Initiative) -> dict:
    """Start a suggested update from what the initiative says now."""
    by_role = {role: [] for _name, role in ROLE_FIELDS}
    for involvement in initiative.involvements.select_related("organisation"):
        by_role.setdefault(involvement.role, []).append(involvement.organisation.slug)
    data = {
        "language": initiative.language,
        **initiative_texts(initiative, initiative.language),  # the original (plain attributes follow the reader)
        "translations": translations_of(initiative),
        "category": initiative.category.slug,
        **{t.field: [getattr(term, t.lookup) for term in getattr(initiative, t.field).all()] for t in PICKED},
        "scope": initiative.scope,
        "start": initiative.start_date.isoformat() if initiative.start_date else "",
        "start_precision": initiative.start_precision,
        "end": initiative.end_date.isoformat() if initiative.end_date else "",
        "end_precision": initiative.end_precision,
        "ongoing": initiative.ongoing,
        "website": initiative.website,
        "links": [[link.title, link.url] for link in initiative.links.all()],
        "tags": sorted(tag.name for tag in initiative.tags.all()),
        "other_organisations": [],
        "submitter_honorific": initiative.submitter_honorific,
        "submitter_name": initiative.submitter_name,
        "submitter_organisation": initiative.submitter_organisation,
        "submitter_email": "",
        # issue 13 (orgs): the contact address is never shown back, not even to whoever suggests an update
        **{name: getattr(initiative, name) for name in CONTACT_FIELDS if name != "contact_email"},
        "contact_email": "",
    }
    for name, role in ROLE_FIELDS:
        data[name] = by_role.get(role, [])
    return data


def content_from_data(data: dict, *, language: str | None = None) -> InitiativeContent:
    """Resolve stored data into what the initiatives services take (unknown terms are dropped).

    The text goes to the columns of its language (``title_fr``…), each translation to its own; ``language`` (the
    original language of a new initiative) is the text's language. ``language`` given (an update: the language of
    the initiative it changes) is the default for data from before there was a choice, and the original language
    is then left as it is.
    """

    def terms(model, lookup, values):
        return redirects.resolve_terms(model, lookup, values)  # a term merged or renamed since is followed

    texts = texts_by_language(data, default=language)
    fields = {} if language else {"language": data_language(data), "title": data.get("title", "")}  # title: the slug
    fields.update({f"{name}_{code}": text for code, given in texts.items() for name, text in given.items()})
    fields |= {
        "category": next(iter(terms(Category, "slug", [data.get("category")])), None),
        "scope": data.get("scope", ""),
        "start_date": datetime.date.fromisoformat(data["start"]) if data.get("start") else None,
        "start_precision": data.get("start_precision") or "year",
        "end_date": datetime.date.fromisoformat(data["end"]) if data.get("end") else None,
        "end_precision": data.get("end_precision") or "year",
        "ongoing": bool(data.get("ongoing")),
        "website": data.get("website", ""),
        "submitter_honorific": data.get("submitter_honorific", ""),
        "submitter_name": data.get("submitter_name", ""),
        "submitter_organisation": data.get("submitter_organisation", ""),
        "submitter_email": data.get("submitter_email", ""),
    }
    fields |= contact_fields_from_data(data)  # issue 13 (orgs)
    involvements = []
    for name, role in ROLE_FIELDS:
        involvements += [(org, role) for org in terms(Organisation, "slug", data.get(name))]
    for org_name in data.get("other_organisations", []):
        involvements.append((_organisation_named(org_name), Involvement.Role.IMPLEMENTER))
    return InitiativeContent(
        fields=fields,
        **{t.field: terms(t.model, t.lookup, data.get(t.field)) for t in PICKED},
        tags=list(data.get("tags", [])),
        involvements=involvements,
        links=[tuple(link) for link in data.get("links", [])],
    )


# --- issue 13: the contact person (orgs) ---
CONTACT_FIELDS = ("contact_name", "contact_role", "contact_organisation", "contact_email")


def contact_data(cleaned: dict) -> dict:
    """The contact person's fields of a cleaned proposal, for the stored data."""
    return {name: cleaned.get(name) or "" for name in CONTACT_FIELDS}


def contact_fields_from_data(data: dict) -> dict:
    """The contact person's model fields from stored data. An empty address keeps the initiative's (an update
    never shows it, so leaving it empty must not erase it); data from before issue 13 changes nothing."""
    fields = {name: data[name] for name in CONTACT_FIELDS if name in data}
    if not fields.get("contact_email"):
        fields.pop("contact_email", None)
    return fields


# --- end issue 13 (orgs) ---


def _organisation_named(name: str) -> Organisation:
    """An existing organisation with this name, or an unsaved new one (saved only on approval)."""
    existing = Organisation.objects.filter(name__iexact=name).first()
    if existing:
        return existing
    return Organisation(name=name, slug=slugify(name)[:255] or "organisation")


class SubmissionDetailsForm(ModeratorsNoteForm):
    """What goes with a proposal but is not part of the initiative."""

    duplicate_explanation = forms.CharField(
        label=_("If it looks like an existing initiative, say why yours is different"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    consent = forms.BooleanField(
        label=_("I agree that this initiative is published under my name as given above."), required=False
    )
    # A honeypot: hidden from people, filled in by robots.
    homepage = forms.CharField(label=_("Leave this field empty"), required=False, max_length=200)

    def clean_homepage(self):
        if self.cleaned_data["homepage"]:
            raise ValidationError(_("This submission looks automated and was not saved."), code="honeypot")
        return ""


class DecisionForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the submitter"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class WithdrawForm(forms.Form):
    """The author's optional word on withdrawing (no page asks for one; a hand-made request may send it)."""

    message = forms.CharField(label=_("Why you withdraw it"), required=False, max_length=10000)


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Internal note (moderators only)"), max_length=10000, widget=forms.Textarea(attrs={"rows": 3})
    )


# --- corrections by the moderators (issue 13) --------------------------------------------------------------------


class CorrectionNoteForm(forms.Form):
    """What goes with a moderator's correction: an optional word to the submitter, shown beside the changes."""

    correction_note = forms.CharField(
        label=_("Note to the submitter about this correction"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional. The submitter sees it with the list of what you changed."),
    )
