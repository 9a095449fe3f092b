"""Initiatives as records: what the export writes and what an import compares a row with."""

from collections.abc import Iterator

from django.db.models import Prefetch
from django.utils import translation

from ..models import Initiative, Involvement
from .columns import COLUMNS, CONTENT_LANGUAGES, EXPORT_CHUNK_SIZE, TRANSLATED, TRANSLATION_COLUMNS, translated_column


def _with_relations(queryset):
    """The export's prefetches: a fixed number of queries per chunk, whatever its size."""
    return queryset.select_related("category").prefetch_related(
        "themes",
        "principles",
        "regions",
        "countries",
        "tags",
        "links",
        Prefetch("involvements", queryset=Involvement.objects.select_related("organisation")),
        "sdg_goals",  # issue 13
        "sdg_targets",
    )


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _text_columns(initiative: Initiative) -> dict:
    """The translated fields: the original's text in the plain columns, each translation in its own column (the
    original language's own columns stay empty), whatever language is active."""
    with translation.override(initiative.language):
        original = {name: initiative.text(name) for name in TRANSLATED}
    translations = {
        translated_column(name, code): ("" if code == initiative.language else getattr(initiative, f"{name}_{code}"))
        for code in CONTENT_LANGUAGES
        for name in TRANSLATED
    }
    return {**{name: str(value) for name, value in original.items()}, **translations}


def record_of(initiative: Initiative, *, include_private: bool) -> dict:
    """One initiative as a record (its relations should be prefetched)."""
    texts = _text_columns(initiative)
    record = {
        "external_id": initiative.external_id,
        "slug": initiative.slug,
        **{name: texts[name] for name in TRANSLATED},
        "language": initiative.language,
        **{name: texts[name] or "" for name in TRANSLATION_COLUMNS},
        "category": initiative.category.slug,
        "themes": [theme.slug for theme in initiative.themes.all()],
        "principles": [principle.slug for principle in initiative.principles.all()],
        "sdg_goals": [goal.slug for goal in initiative.sdg_goals.all()],  # issue 13: as named, not as derived
        "sdg_targets": [target.slug for target in initiative.sdg_targets.all()],
        "regions": [region.slug for region in initiative.regions.all()],
        "countries": [country.code for country in initiative.countries.all()],
        "organisations": [
            {"slug": involvement.organisation.slug, "role": involvement.role, "note": involvement.note}
            for involvement in initiative.involvements.all()
        ],
        "tags": sorted((tag.name for tag in initiative.tags.all()), key=str.casefold),
        "links": [{"title": link.title, "url": link.url, "kind": link.kind} for link in initiative.links.all()],
        "scope": initiative.scope,
        "start_date": _iso(initiative.start_date),
        "start_precision": initiative.start_precision,
        "end_date": _iso(initiative.end_date),
        "end_precision": initiative.end_precision,
        "ongoing": initiative.ongoing,
        "website": initiative.website,
        "submitter_honorific": initiative.submitter_honorific,
        "submitter_name": initiative.submitter_name,
        "submitter_organisation": initiative.submitter_organisation,
        "submitter_email": initiative.submitter_email,
        "submitted_on": _iso(initiative.submitted_on),
        # issue 13 (orgs)
        "contact_name": initiative.contact_name,
        "contact_role": initiative.contact_role,
        "contact_organisation": initiative.contact_organisation,
        "contact_email": initiative.contact_email,
        "status": initiative.status,
        "featured": initiative.featured,
        "featured_order": initiative.featured_order,
        "published_at": _iso(initiative.published_at),
    }
    if not include_private:
        for column in COLUMNS:
            if column.private:
                del record[column.name]
    return record


def export_pairs(queryset, *, include_private: bool, chunk_size: int) -> Iterator[tuple[Initiative, dict]]:
    for initiative in _with_relations(queryset).iterator(chunk_size=chunk_size):
        yield initiative, record_of(initiative, include_private=include_private)


def export_rows(queryset, *, include_private: bool = False, chunk_size: int = EXPORT_CHUNK_SIZE) -> Iterator[dict]:
    """The records of ``queryset``, in its order, read ``chunk_size`` at a time: one query for the initiatives
    and seven per chunk for their relations, however many there are.

    ``include_private`` adds the submitter's e-mail address: for the admin export and the import only.
    """
    for _initiative, record in export_pairs(queryset, include_private=include_private, chunk_size=chunk_size):
        yield record
