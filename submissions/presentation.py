"""What the submission pages show besides forms: a proposal as it will be published, its text language by
language, and what an update or a translation would change on the live initiative."""

from types import SimpleNamespace

from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import slugify
from django.utils.translation import gettext as _

from initiatives import presentation, sections
from initiatives.models import Category, Initiative, Involvement, Link
from initiatives.views import SDG_PREFETCH, attachment_context, detail_context, stored_detail_context

from .forms import ProposalForm, content_from_data, initial_from_data, initial_from_initiative
from .languages import (
    TEXT_FIELDS,
    data_language,
    direction,
    initiative_texts,
    language_codes,
    language_name,
    texts_by_language,
)
from .models import Submission


def title_html(initiative) -> str:
    """The initiative's title as the reader sees it, isolated and marked with its language if it is another's."""
    title = initiative.text("title")
    return format_html("<bdi{}>{}</bdi>", title.lang_attribute, title)


def original_text(initiative) -> dict:
    """The initiative's text in its original language, shown beside a translation for reference."""
    code = initiative.language
    texts = initiative_texts(initiative, code)
    return {
        "lang": code,
        "dir": direction(code),
        "name": language_name(code),
        "title": texts["title"],
        "acronym": texts["acronym"],
        "summary": texts["summary"],
        "description": texts["description"],
        "sections": section_texts(texts),
    }


def section_texts(texts: dict) -> list[tuple]:
    """(heading, text) for each section of the record written in ``texts`` (one language's), in order."""
    return [(section.heading, texts[section.field]) for section in sections.SECTIONS if texts.get(section.field)]


def preview_context(submission, *, viewer) -> dict:
    """The detail page as it will look once published, built from the proposed data."""
    if submission.kind == Submission.Kind.TRANSLATION:
        return _translation_preview_context(submission, viewer=viewer)
    original = submission.initiative if submission.kind == Submission.Kind.UPDATE else None
    content = content_from_data(submission.data, language=original.language if original else None)
    fields = dict(content.fields)
    fields.pop("title", None)  # the text is in its language's columns (title_fr…)
    if fields.get("category") is None:
        fields["category"] = Category(name=_("(no category chosen)"), slug="none")
    if original:
        # The update changes the languages it gives; the others, and the original language, stay as they are.
        for code in language_codes():
            for name, text in initiative_texts(original, code).items():
                fields.setdefault(f"{name}_{code}", text)
        fields["language"] = original.language
        for name in ("submitter_honorific", "submitter_name", "submitter_organisation"):
            fields[name] = getattr(original, name)
        fields["submitted_on"] = original.submitted_on
        published_at = original.published_at
        slug = original.slug
    else:
        fields["submitted_on"] = timezone.localdate(submission.submitted_at or timezone.now())
        published_at = None
        slug = "preview"
    initiative = Initiative(slug=slug, published_at=published_at, updated_at=timezone.now(), **fields)
    # Rendered on request: only its author and moderators see it, and the parser's time is linear (markup.py).
    initiative.render_description()
    context = detail_context(
        initiative,
        themes=content.themes,
        principles=content.principles,
        regions=content.regions,
        countries=content.countries,
        tags=[SimpleNamespace(name=name, slug=slugify(name) or "tag") for name in content.tags],
        links=[Link(title=title, url=url) for title, url in content.links],
        involvements=[Involvement(organisation=org, role=role) for org, role in content.involvements],
        sdg_goals=content.sdg_goals,  # issue 13
        sdg_targets=content.sdg_targets,
    )
    return _as_preview(context, submission, viewer=viewer)


def _as_preview(context: dict, submission, *, viewer) -> dict:
    """The detail page's context made the preview of ``submission`` (for its author or a moderator)."""
    # issue 13, files: the proposal's files (after an update's, the initiative's own attachments)
    own = list(submission.initiative.attachments.all()) if submission.kind == Submission.Kind.UPDATE else []
    if submission.kind != Submission.Kind.TRANSLATION:
        context.update(attachment_context([*own, *submission.files.all()]))
    context.update(
        submission=submission,
        preview=True,
        related=[],
        viewer_is_author=submission.author_id == viewer.pk,
        original_language=presentation.original_language_note(context["initiative"]),
        proposed_texts=proposed_texts(submission),
    )
    return context


def _translation_preview_context(submission, *, viewer) -> dict:
    """The initiative's page with the suggested translation in place (its other text and relations are live)."""
    initiative = (
        Initiative.objects.select_related("category")
        .prefetch_related("themes", "principles", "regions", "countries", "tags", "links", "involvements__organisation")
        .prefetch_related(*SDG_PREFETCH)  # issue 13
        .get(pk=submission.initiative_id)
    )
    code = data_language(submission.data)
    if code != initiative.language:
        for name in TEXT_FIELDS:
            setattr(initiative, f"{name}_{code}", submission.data.get(name) or "")
        initiative.render_description()
    context = stored_detail_context(initiative)
    return _as_preview(context, submission, viewer=viewer)


def proposed_texts(submission) -> list[dict]:
    """The proposed text language by language, for the preview and moderation pages: the text's own language
    first (``is_text``), then each translation, each with its language's code, direction and name."""
    default = submission.initiative.language if submission.kind == Submission.Kind.UPDATE else None
    original = data_language(submission.data, default)
    return [
        {
            "lang": code,
            "dir": direction(code),
            "name": language_name(code),
            "is_text": code == original,
            **texts,
            "sections": section_texts(texts),
        }
        for code, texts in texts_by_language(submission.data, default).items()
    ]


def proposed_changes(submission) -> list[dict]:
    """For an update or a translation: each field whose proposed value differs from the live initiative's, the text
    language by language (a text row has its language: ``lang``, ``dir``, ``language``)."""
    initiative = submission.initiative
    if submission.kind == Submission.Kind.NEW or not initiative:
        return []
    if submission.kind == Submission.Kind.TRANSLATION:
        code = data_language(submission.data)
        texts = {code: {name: submission.data.get(name) or "" for name in TEXT_FIELDS}}
    else:
        texts = texts_by_language(submission.data, default=initiative.language)
    rows = _text_rows({code: initiative_texts(initiative, code) for code in texts}, texts)
    if submission.kind == Submission.Kind.UPDATE:
        current = initial_from_data(initial_from_initiative(initiative))
        proposed = initial_from_data(submission.data)
        rows += _field_rows(
            current,
            proposed,
            skip=lambda name: name.startswith("submitter_") or name in TEXT_FIELDS or name == "language",
        )
    return rows


def _text_rows(before: dict[str, dict], after: dict[str, dict]) -> list[dict]:
    """The rows of the texts that differ, language by language (``{code: {field: text}}``; a language one side does
    not have counts as empty there)."""
    rows = []
    empty = dict.fromkeys(TEXT_FIELDS, "")
    for code in dict.fromkeys([*before, *after]):
        old, new = before.get(code, empty), after.get(code, empty)
        for name in TEXT_FIELDS:
            if old[name] != new[name]:
                language = {"lang": code, "dir": direction(code), "language": language_name(code)}
                label = ProposalForm.base_fields[name].label
                rows.append({"label": label, **language, "before": old[name], "after": new[name]})
    return rows


def _field_rows(before: dict, after: dict, *, skip) -> list[dict]:
    """The rows of the proposal form's other fields whose values (form initial values) differ."""
    rows = []
    for name, form_field in ProposalForm.base_fields.items():
        if skip(name):
            continue
        old, new = _display(before.get(name)), _display(after.get(name))
        if old != new:
            rows.append({"label": form_field.label, "before": old, "after": new})
    return rows


# --- corrections by the moderators (issue 13) --------------------------------------------------------------------


def correction_changes(correction) -> list[dict]:
    """What one correction changed, field by field, as ``proposed_changes`` shows an update: the text language by
    language, then every other field of the proposal form (the credit and the language included)."""
    submission = correction.submission
    before, after = correction.before or {}, correction.after or {}
    if submission.kind == Submission.Kind.TRANSLATION:

        def texts(data):
            return {data_language(data): {name: data.get(name) or "" for name in TEXT_FIELDS}}

        return _text_rows(texts(before), texts(after))
    default = (
        submission.initiative.language if submission.kind == Submission.Kind.UPDATE and submission.initiative else None
    )
    rows = _text_rows(texts_by_language(before, default), texts_by_language(after, default))
    return rows + _field_rows(
        initial_from_data(before), initial_from_data(after), skip=lambda name: name in TEXT_FIELDS
    )


def corrections(submission) -> list[dict]:
    """The submission's corrections, oldest first, each with its rows (``changes``): what the submitter is shown."""
    return [
        {"correction": correction, "changes": correction_changes(correction)}
        for correction in submission.corrections.select_related("moderator", "submission__initiative")
    ]


def _display(value) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if value is None:
        return ""
    return str(value)
