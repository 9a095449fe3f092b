"""An import: planned row by row without writing (``plan_import``), then written through the services
(``apply_import``), each row in a savepoint."""

import copy
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .. import services
from ..models import Initiative
from ..taxonomies import ByForeignKey
from .cleaning import clean_record, comparable
from .columns import (
    COLUMNS,
    CONTENT_LANGUAGES,
    DEFAULTS,
    PLAN_BATCH_SIZE,
    SCALAR_FIELDS,
    TERM_COLUMNS,
    TRANSLATED,
    join_names,
    translated_column,
)
from .encodings import SourceRow
from .exporting import export_pairs


@dataclass
class RowResult:
    """What an import does, or would do, with one row."""

    source: SourceRow
    action: str = ""  # "create", "change", "unchanged" or "invalid"
    changes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    pk: int | None = None
    desired: dict = field(default_factory=dict)
    content: services.InitiativeContent | None = None

    @property
    def label(self) -> str:
        values = self.source.record
        parts = [self.source.name]
        for key in ("external_id", "slug"):
            value = values.get(key)
            if isinstance(value, str) and value.strip():
                parts.append(f"{key} “{value.strip()}”")
        title = values.get("title")
        if isinstance(title, str) and title.strip():
            title = title.strip()
            parts.append(f"“{title[:80]}…”" if len(title) > 80 else f"“{title}”")
        return " · ".join(parts)


def _in_chunks(values: list, size: int = 500) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _single(name: str) -> bool:
    """Whether column ``name`` names one term (an initiative has one category) rather than a list."""
    return isinstance(TERM_COLUMNS[name].filing, ByForeignKey)


class _Terms:
    """Taxonomy terms by the slug (or code) files name them with, looked up in bulk and remembered."""

    def __init__(self):
        self.found: dict[str, dict] = {name: {} for name in TERM_COLUMNS}
        self.looked_up: dict[str, set] = {name: set() for name in TERM_COLUMNS}

    @staticmethod
    def named(name: str, value) -> list[str]:
        """The terms a cleaned value names."""
        if _single(name):
            return [value] if value else []
        if name == "organisations":
            return [slug for slug, _role, _note in value]
        return list(value)

    def load(self, name: str, values: Iterable[str]) -> None:
        model, lookup = TERM_COLUMNS[name].model, TERM_COLUMNS[name].lookup
        missing = sorted(set(values) - self.looked_up[name])
        for chunk in _in_chunks(missing):
            self.found[name].update(
                (getattr(term, lookup), term) for term in model.objects.filter(**{f"{lookup}__in": chunk})
            )
        self.looked_up[name].update(missing)

    def load_rows(self, rows: Iterable[dict]) -> None:
        for name in TERM_COLUMNS:
            self.load(name, {value for values in rows if name in values for value in self.named(name, values[name])})

    def unknown(self, values: dict) -> list[str]:
        """Errors for the terms ``values`` names that do not exist (they are never created)."""
        errors = []
        for name, taxonomy in TERM_COLUMNS.items():
            if name not in values:
                continue
            self.load(name, self.named(name, values[name]))
            unknown = [value for value in self.named(name, values[name]) if value not in self.found[name]]
            if unknown:
                opts = taxonomy.model._meta
                errors.append(
                    _("%(column)s: unknown %(terms)s: %(values)s")
                    % {
                        "column": name,
                        "terms": (opts.verbose_name if _single(name) else opts.verbose_name_plural),
                        "values": join_names(f"“{value}”" for value in unknown),
                    }
                )
        return errors

    def content(self, desired: dict) -> services.InitiativeContent:
        """What ``services.save_initiative`` takes (terms that do not exist are left out: such a row is invalid)."""
        for name in TERM_COLUMNS:
            self.load(name, self.named(name, desired[name]))

        def existing(name, values):
            return [self.found[name][value] for value in values if value in self.found[name]]

        fields = {name: desired[name] for name in SCALAR_FIELDS}
        # The original's text goes in through the plain names (save_initiative writes them in ``language``).
        fields.update(
            (translated_column(name, code), desired[translated_column(name, code)])
            for code in CONTENT_LANGUAGES
            if code != desired["language"]
            for name in TRANSLATED
        )
        fields["category"] = self.found["category"].get(desired["category"])
        if not fields["slug"]:
            del fields["slug"]  # a new initiative without one: save_initiative makes one from the title
        organisations = self.found["organisations"]
        return services.InitiativeContent(
            fields=fields,
            themes=existing("themes", desired["themes"]),
            principles=existing("principles", desired["principles"]),
            sdg_goals=existing("sdg_goals", desired["sdg_goals"]),  # issue 13
            sdg_targets=existing("sdg_targets", desired["sdg_targets"]),
            regions=existing("regions", desired["regions"]),
            countries=existing("countries", desired["countries"]),
            tags=list(desired["tags"]),
            involvements=[
                (organisations[slug], role, note)
                for slug, role, note in desired["organisations"]
                if slug in organisations
            ],
            links=[(title, url, kind) for url, title, kind in desired["links"]],
        )


def _duplicates(rows: list[SourceRow], cleaned: list[dict]) -> dict[int, list[str]]:
    """Errors for rows that share a slug or an external id with another row of the file."""
    errors: dict[int, list[str]] = {}
    for key in ("slug", "external_id"):
        where: dict[str, list[int]] = {}
        for index, values in enumerate(cleaned):
            if values.get(key):
                where.setdefault(values[key], []).append(index)
        for value, indexes in where.items():
            if len(indexes) < 2:
                continue
            for index in indexes:
                others = join_names(rows[other].name for other in indexes if other != index)
                errors.setdefault(index, []).append(
                    _("%(column)s: “%(value)s” is also in %(others)s")
                    % {"column": key, "value": value, "others": others}
                )
    return errors


def _match(values: dict, by_external_id: dict, by_slug: dict) -> tuple[Initiative | None, list[str]]:
    """The existing initiative a row is about: by external id when it has one, else by slug.

    A row whose external id is not known yet also matches, by slug, an initiative that has no external id
    (the row gives it one).
    """
    external_id, slug = values.get("external_id", ""), values.get("slug", "")
    if external_id and external_id in by_external_id:
        return by_external_id[external_id], []
    if slug and slug in by_slug:
        candidate = by_slug[slug]
        if external_id and candidate.external_id:
            return None, [
                _("slug: “%(slug)s” belongs to the initiative with external id “%(other)s”")
                % {"slug": slug, "other": candidate.external_id}
            ]
        return candidate, []
    return None, []


def _messages(error: ValidationError) -> list[str]:
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    return [
        f"{name}: {message}" if name != "__all__" else message
        for name, messages in error.message_dict.items()
        for message in messages
    ]


def _model_errors(desired: dict, existing: Initiative | None, content: services.InitiativeContent) -> list[str]:
    """The model's own rules (``full_clean``: lengths, choices, formats, uniqueness, constraints) for a row."""
    candidate = copy.copy(existing) if existing is not None else Initiative()
    with translation.override(content.fields.get("language") or candidate.language):  # as save_initiative
        for name, value in content.fields.items():
            setattr(candidate, name, value)
    if not candidate.slug:
        candidate.slug = services.unique_slug(desired["title"] or "initiative")
    candidate.status = desired["status"]
    candidate.published_at = desired["published_at"] or (existing.published_at if existing else None)
    if candidate.status == Initiative.Status.PUBLISHED and not candidate.published_at:
        candidate.published_at = timezone.now()
    try:
        candidate.full_clean(exclude=["category"] if candidate.category_id is None else None)
    except ValidationError as error:
        return _messages(error)
    return []


def plan_import(rows: list[SourceRow], *, progress: Callable[[int], None] | None = None) -> list[RowResult]:
    """What importing ``rows`` would do, row by row, without writing anything."""
    cleaned, results = [], []
    for row in rows:
        values, errors = clean_record(row.record)
        cleaned.append(values)
        results.append(RowResult(source=row, errors=[*row.errors, *errors]))
        if not values.get("slug") and not values.get("external_id"):
            results[-1].errors.append(_("needs a slug or an external_id"))
    for index, errors in _duplicates(rows, cleaned).items():
        results[index].errors.extend(errors)
    terms = _Terms()
    terms.load_rows(cleaned)

    for batch in _in_chunks(list(range(len(rows))), PLAN_BATCH_SIZE):
        external_ids = {cleaned[i]["external_id"] for i in batch if cleaned[i].get("external_id")}
        slugs = {cleaned[i]["slug"] for i in batch if cleaned[i].get("slug")}
        matches = Initiative.objects.filter(Q(external_id__in=external_ids) | Q(slug__in=slugs)).order_by("pk")
        existing = {
            initiative.pk: (initiative, record)
            for initiative, record in export_pairs(matches, include_private=True, chunk_size=PLAN_BATCH_SIZE)
        }
        by_external_id = {i.external_id: i for i, _record in existing.values() if i.external_id}
        by_slug = {i.slug: i for i, _record in existing.values()}
        for index in batch:
            _plan_row(results[index], cleaned[index], by_external_id, by_slug, existing, terms)
            if progress:
                progress(1)

    rows_of: dict[int, list[RowResult]] = {}
    for result in results:
        if result.pk is not None:
            rows_of.setdefault(result.pk, []).append(result)
    for same in rows_of.values():
        for result in same if len(same) > 1 else ():
            others = join_names(other.source.name for other in same if other is not result)
            result.errors.append(_("is about the same initiative as %(others)s") % {"others": others})
            result.action = "invalid"
    return results


def _plan_row(result: RowResult, values: dict, by_external_id, by_slug, existing, terms: _Terms) -> None:
    instance, match_errors = _match(values, by_external_id, by_slug)
    result.errors.extend(match_errors)
    result.errors.extend(terms.unknown(values))
    if instance is not None:
        result.pk = instance.pk
    if match_errors:
        result.action = "invalid"
        return
    current = clean_record(existing[instance.pk][1])[0] if instance is not None else dict(DEFAULTS)
    desired = {**current, **values}
    if not values.get("slug"):
        desired["slug"] = current["slug"]  # no slug in the file: keep the initiative's (or make one)
    if desired["status"] == Initiative.Status.PUBLISHED and values.get("published_at") is None:
        desired["published_at"] = current["published_at"]  # kept, or the moment it is published
    result.errors.extend(_original_text(values, current, desired))
    if not desired["category"]:
        result.errors.append(_("category: required"))
    result.desired = desired
    if instance is None:
        result.action = "create"
    else:
        result.changes = [
            column.name
            for column in COLUMNS
            if comparable(column.name, desired[column.name]) != comparable(column.name, current[column.name])
        ]
        result.action = "change" if result.changes else "unchanged"
    if result.action != "unchanged":  # what is unchanged is what the database holds, valid already
        result.content = terms.content(desired)
        result.errors.extend(_model_errors(desired, instance, result.content))
    if result.errors:
        result.action = "invalid"


def _original_text(values: dict, current: dict, desired: dict) -> list[str]:
    """Settle the original's text in ``desired``: its own language's columns (``title_fr`` for a French original)
    may repeat the plain column, not contradict it, and are then emptied, as the export writes them; when the
    original language changes, the former original's text stays, as a translation, unless the row gives it."""
    errors = []
    language, before = desired["language"], current["language"]
    for name in TRANSLATED:
        own = translated_column(name, language)
        given = values.get(own, "")
        if given and name not in values:
            desired[name] = given  # a JSON item may give the original's text only in its own language's key
        elif given and given != desired[name]:
            errors.append(
                _("%(column)s: %(language)s is the original language (column language): its text goes in %(plain)s")
                % {"column": own, "language": language, "plain": name}
            )
        desired[own] = ""
        previous = translated_column(name, before)
        if language != before and previous not in values:
            desired[previous] = current[name]
    return errors


# --- writing -------------------------------------------------------------------------------------


class RowFailed(Exception):
    def __init__(self, result: RowResult):
        super().__init__(result.label)
        self.result = result


def apply_import(
    results: list[RowResult],
    *,
    reason: str,
    skip_invalid: bool = False,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Write the rows planned as "create" or "change", each through the services, each in a savepoint.

    A row the services refuse (something changed since it was planned) becomes invalid; without
    ``skip_invalid`` that raises ``RowFailed``, and the caller's transaction undoes everything.
    """
    for result in results:
        if result.action in ("create", "change"):
            try:
                with transaction.atomic():
                    apply_row(result, reason=reason)
            except ValidationError as error:
                result.errors.extend(_messages(error))
            except DatabaseError as error:  # e.g. a unique slug taken by a concurrent change
                result.errors.append(str(error))
            if result.errors:
                result.action = "invalid"
                if not skip_invalid:
                    raise RowFailed(result)
        if progress:
            progress(1)


def apply_row(result: RowResult, *, reason: str) -> Initiative:
    """Write one planned row: its content with ``save_initiative``, its status with publish/unpublish/archive."""
    desired, content = result.desired, result.content
    target = desired["status"]
    initiative = Initiative.objects.get(pk=result.pk) if result.pk else None
    # Leave "published" first: the row may also clear the publication date, which a published initiative needs.
    if initiative is not None and initiative.is_published() and target != Initiative.Status.PUBLISHED:
        _move_to(initiative, target)
    fields = content.fields
    first_publication = target == Initiative.Status.PUBLISHED and (initiative is None or not initiative.published_at)
    if not first_publication:  # a first publication takes its date from publish_initiative(when=…)
        fields["published_at"] = desired["published_at"]
    if (
        initiative is None
        or set(result.changes) - {"status", "published_at"}
        or fields.get("published_at", initiative.published_at) != initiative.published_at
    ):
        initiative = services.save_initiative(content=content, initiative=initiative, reason=reason)
    if initiative.status != target:
        _move_to(initiative, target, when=desired["published_at"])
    return initiative


def _move_to(initiative: Initiative, status: str, *, when=None) -> None:
    if status == Initiative.Status.PUBLISHED:
        services.publish_initiative(initiative=initiative, when=when)
    elif status == Initiative.Status.ARCHIVED:
        services.archive_initiative(initiative=initiative)
    else:
        services.unpublish_initiative(initiative=initiative)
