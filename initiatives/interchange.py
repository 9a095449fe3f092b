"""Import and export of initiatives: one format, two encodings (CSV and JSON).

A *record* is one initiative as the JSON encoding writes it: a dict with the keys of ``COLUMNS``, in that
order; taxonomy terms by slug (countries by ISO alpha-2 code), lists as lists, organisations as
``{"slug", "role", "note"}`` objects, links as ``{"title", "url", "kind"}`` objects, dates as ``YYYY-MM-DD``,
``published_at`` as ISO 8601 with its offset. The CSV encoding writes the same record as one row, a cell per
column (see ``encode_cell``/``decode_cell``):

- lists: values separated by `` | ``; in a value a backslash is written ``\\\\``, a vertical bar ``\\|``,
  a line break ``\\n`` (and a carriage return ``\\r``);
- organisations: ``slug:role`` or ``slug:role:note`` (the role defaults to implementer), separated by `` | ``;
- links: one per line, ``kind url title`` (the kind may be left out: a document); in a title a backslash is
  ``\\\\`` and a line break ``\\n``;
- booleans ``true``/``false``; empty cells are empty text, no date, an empty list, false or 0;
- a cell a spreadsheet would execute (starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return,
  possibly after apostrophes) gets a leading apostrophe; reading takes exactly that apostrophe off again.

Both encodings are decoded to records, which ``clean_record`` turns into Python values; an import compares
those with the same values computed from the database (through the export), so a row that would change
nothing writes nothing.
"""

import copy
import csv
import datetime
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import DatabaseError, transaction
from django.db.models import Prefetch, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import sections, services
from .models import Initiative, Involvement, Link
from .taxonomies import TAXONOMIES, ByForeignKey

TEXT, LIST, ORGANISATIONS, LINKS, DATE, DATETIME, BOOL, INT = (
    "text",
    "list",
    "organisations",
    "links",
    "date",
    "datetime",
    "bool",
    "int",
)


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = TEXT
    private: bool = False  # left out of the public export
    code: bool = False  # an identifier or a choice: surrounding spaces are not part of it


# The initiative's text that has a version per content language (translation.INITIATIVE_TEXT). The plain columns
# (title, summary…) hold the original's text, in the language the ``language`` column names; ``title_fr``,
# ``summary_es``… hold the translations. The original language's own columns are left empty on export (its text is
# in the plain ones); on import they may repeat the plain column's text, not contradict it.
TRANSLATED = ("title", "acronym", "summary", "description", *sections.FIELDS)  # the sections too (issue 13)
CONTENT_LANGUAGES = tuple(settings.MODELTRANSLATION_LANGUAGES)


def translated_column(name: str, code: str) -> str:
    return f"{name}_{code}"


TRANSLATION_COLUMNS = tuple(translated_column(name, code) for code in CONTENT_LANGUAGES for name in TRANSLATED)

COLUMNS: tuple[Column, ...] = (
    Column("external_id", code=True),
    Column("slug", code=True),
    Column("title"),
    Column("acronym"),
    Column("summary"),
    Column("description"),
    *(Column(name) for name in sections.FIELDS),  # the sections of the record (issue 13)
    Column("language", code=True),
    *(Column(name) for name in TRANSLATION_COLUMNS),
    Column("category", code=True),
    Column("themes", LIST),
    Column("principles", LIST),
    Column("sdg_goals", LIST),  # issue 13: goal numbers ("10")
    Column("sdg_targets", LIST),  # issue 13: target slugs ("10-7")
    Column("regions", LIST),
    Column("countries", LIST),
    Column("organisations", ORGANISATIONS),
    Column("tags", LIST),
    Column("links", LINKS),
    Column("scope", code=True),
    Column("start_date", DATE),
    Column("start_precision", code=True),
    Column("end_date", DATE),
    Column("end_precision", code=True),
    Column("ongoing", BOOL),
    Column("website"),
    Column("submitter_honorific", code=True),
    Column("submitter_name"),
    Column("submitter_organisation"),
    Column("submitter_email", private=True),
    Column("submitted_on", DATE),
    # issue 13 (orgs): the contact person; the address only in the admin's and the command's files
    Column("contact_name"),
    Column("contact_role"),
    Column("contact_organisation"),
    Column("contact_email", private=True),
    Column("status", code=True),
    Column("featured", BOOL),
    Column("featured_order", INT),
    Column("published_at", DATETIME),
)
BY_NAME = {column.name: column for column in COLUMNS}
REQUIRED_COLUMNS = ("title", "summary", "category")
IDENTIFIER_COLUMNS = ("slug", "external_id")  # a file needs at least one of them, a row a value in one

# Model fields an import sets through services.save_initiative (status and published_at go through the
# publish/unpublish/archive services).
SCALAR_FIELDS = (
    "external_id",
    "slug",
    "language",
    "title",
    "acronym",
    "summary",
    "description",
    *sections.FIELDS,
    "category",
    "scope",
    "start_date",
    "start_precision",
    "end_date",
    "end_precision",
    "ongoing",
    "website",
    "submitter_honorific",
    "submitter_name",
    "submitter_organisation",
    "submitter_email",
    "submitted_on",
    "contact_name",  # issue 13 (orgs)
    "contact_role",
    "contact_organisation",
    "contact_email",
    "featured",
    "featured_order",
)

# The columns that name terms of a taxonomy, each by the field that names a term (``Taxonomy.lookup``): all but the
# tags, which a file names by their text (a tag that does not exist yet is created).
TERM_COLUMNS = {
    taxonomy.field: taxonomy
    for taxonomy in sorted(TAXONOMIES, key=lambda t: [column.name for column in COLUMNS].index(t.field))
    if not taxonomy.named_freely
}

DEFAULTS = {
    "external_id": "",
    "slug": "",
    "title": "",
    "acronym": "",
    "summary": "",
    "description": "",
    **dict.fromkeys(sections.FIELDS, ""),
    "language": Initiative._meta.get_field("language").default,
    **dict.fromkeys(TRANSLATION_COLUMNS, ""),
    "category": "",
    "themes": (),
    "principles": (),
    "sdg_goals": (),
    "sdg_targets": (),
    "regions": (),
    "countries": (),
    "organisations": (),
    "tags": (),
    "links": (),
    "scope": "",
    "start_date": None,
    "start_precision": Initiative.DatePrecision.YEAR.value,
    "end_date": None,
    "end_precision": Initiative.DatePrecision.YEAR.value,
    "ongoing": False,
    "website": "",
    "submitter_honorific": "",
    "submitter_name": "",
    "submitter_organisation": "",
    "submitter_email": "",
    "submitted_on": None,
    "contact_name": "",  # issue 13 (orgs)
    "contact_role": "",
    "contact_organisation": "",
    "contact_email": "",
    "status": Initiative.Status.DRAFT.value,
    "featured": False,
    "featured_order": 0,
    "published_at": None,
}

EXPORT_CHUNK_SIZE = 500
PLAN_BATCH_SIZE = 500
LIST_SEPARATOR = " | "
LINK_KINDS = tuple(Link.Kind.values)
ROLES = tuple(Involvement.Role.values)
TRUE_WORDS, FALSE_WORDS = {"true", "yes", "1"}, {"false", "no", "0", ""}
TAG_MAX_LENGTH = 100


def columns(*, include_private: bool) -> list[Column]:
    return [column for column in COLUMNS if include_private or not column.private]


class InterchangeError(Exception):
    """A file that cannot be read at all (encoding, size, structure); nothing is imported."""


# --- export --------------------------------------------------------------------------------------


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


def _export_pairs(queryset, *, include_private: bool, chunk_size: int) -> Iterator[tuple[Initiative, dict]]:
    for initiative in _with_relations(queryset).iterator(chunk_size=chunk_size):
        yield initiative, record_of(initiative, include_private=include_private)


def export_rows(queryset, *, include_private: bool = False, chunk_size: int = EXPORT_CHUNK_SIZE) -> Iterator[dict]:
    """The records of ``queryset``, in its order, read ``chunk_size`` at a time: one query for the initiatives
    and seven per chunk for their relations, however many there are.

    ``include_private`` adds the submitter's e-mail address: for the admin export and the import only.
    """
    for _initiative, record in _export_pairs(queryset, include_private=include_private, chunk_size=chunk_size):
        yield record


# --- CSV cells -----------------------------------------------------------------------------------

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_LOOKS_LIKE_FORMULA = re.compile(r"^(?:[=@]|[+-][^\W\d_(]|[+-]\()")
_LINK_LINE = re.compile(r"^(?:(" + "|".join(LINK_KINDS) + r")[ \t]+)?(\S+)(?:[ \t]+(.*))?$", re.DOTALL)
_ESCAPES = {"\\": "\\", "|": "|", "n": "\n", "r": "\r"}


def neutralise(cell: str) -> str:
    """Prefix an apostrophe to a cell a spreadsheet would execute (OWASP CSV injection).

    Cells that already start with apostrophes before such a character get one more, so that
    ``restore`` is its exact inverse.
    """
    return "'" + cell if cell.lstrip("'").startswith(FORMULA_START) else cell


def restore(cell: str) -> str:
    """The inverse of ``neutralise``."""
    return cell[1:] if cell.startswith("'") and cell.lstrip("'").startswith(FORMULA_START) else cell


def looks_like_formula(raw_cell: str) -> bool:
    """A raw (not neutralised) cell a spreadsheet would run: ``=…``, ``@…``, ``+`` or ``-`` then a letter or ``(``."""
    return bool(_LOOKS_LIKE_FORMULA.match(raw_cell))


def _escape(value: str, *, bar: bool = True) -> str:
    value = value.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
    return value.replace("|", "\\|") if bar else value


def _unescape(value: str) -> str:
    """Undo ``_escape``; a backslash before any other character stays as it is."""
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), value, flags=re.DOTALL)


def split_list(cell: str) -> list[str]:
    """``a | b\\|c`` → ``["a", "b|c"]`` (surrounding spaces and empty values are dropped)."""
    parts, current, chars = [], [], iter(cell)
    for char in chars:
        if char == "\\":
            current.append(char + next(chars, ""))  # an escape: kept whole for _unescape
        elif char == "|":
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [_unescape(part.strip()) for part in parts if part.strip()]


def join_list(values: Iterable[str]) -> str:
    return LIST_SEPARATOR.join(_escape(value) for value in values)


def encode_cell(column: Column, value) -> str:
    """A record's value as one CSV cell (before neutralising)."""
    if value is None:
        return ""
    if column.kind == BOOL:
        return "true" if value else "false"
    if column.kind == LIST:
        return join_list(value)
    if column.kind == ORGANISATIONS:
        return join_list(
            ":".join([item["slug"], item["role"], item["note"]] if item.get("note") else [item["slug"], item["role"]])
            for item in value
        )
    if column.kind == LINKS:
        return "\n".join(f"{link['kind']} {link['url']} {_escape(link['title'], bar=False)}" for link in value)
    return str(value)


def decode_cell(column: Column, cell: str):
    """One CSV cell (already restored) as the record value; what cannot be read is left as text for
    ``clean_record`` to report."""
    if column.kind == BOOL:
        word = cell.strip().lower()
        return word in TRUE_WORDS if word in TRUE_WORDS | FALSE_WORDS else cell
    if column.kind == INT:
        return int(cell) if cell.strip().isdigit() else (0 if not cell.strip() else cell)
    if column.kind in (DATE, DATETIME):
        return cell.strip() or None
    if column.kind == LIST:
        return split_list(cell)
    if column.kind == ORGANISATIONS:
        items = []
        for item in split_list(cell):
            slug, _sep, rest = item.partition(":")
            role, _sep, note = rest.partition(":")
            items.append({"slug": slug.strip(), "role": role.strip(), "note": note})
        return items
    if column.kind == LINKS:
        links = []
        for line in re.split(r"\r\n|\n|\r", cell):
            if not line.strip():
                continue
            match = _LINK_LINE.match(line.strip(" \t"))
            kind, url, title = match.groups() if match else ("", line, "")
            links.append({"title": _unescape(title or ""), "url": url, "kind": kind or Link.Kind.DOCUMENT.value})
        return links
    return cell


def csv_lines(rows: Iterable[dict], *, include_private: bool = False) -> Iterator[str]:
    """The CSV encoding, a line (or a few, for cells with line breaks) at a time, header first."""
    wanted = columns(include_private=include_private)
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow([column.name for column in wanted])
    yield flush()
    for row in rows:
        writer.writerow([neutralise(encode_cell(column, row.get(column.name))) for column in wanted])
        yield flush()


def json_chunks(rows: Iterable[dict]) -> Iterator[str]:
    """The JSON encoding (a list of objects), an object at a time."""
    yield "["
    separator = "\n"
    for row in rows:
        yield separator + json.dumps(row, ensure_ascii=False, indent=2)
        separator = ",\n"
    yield "\n]\n"


def write_csv(rows: Iterable[dict], out, *, include_private: bool = False) -> None:
    """Write the CSV encoding to a text file (open it with ``newline=""``)."""
    for chunk in csv_lines(rows, include_private=include_private):
        out.write(chunk)


def write_json(rows: Iterable[dict], out) -> None:
    for chunk in json_chunks(rows):
        out.write(chunk)


# --- reading files -------------------------------------------------------------------------------


@dataclass
class SourceRow:
    """One row (CSV) or item (JSON) of an import file, decoded to a record with what could not be read."""

    number: int  # CSV: the spreadsheet row (the header is row 1); JSON: the item, from 1
    record: dict
    errors: list[str] = field(default_factory=list)
    where: str = "row"

    @property
    def name(self) -> str:
        return f"{self.where} {self.number}"


def guess_format(path: Path, fmt: str | None) -> str:
    if fmt:
        return fmt
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("csv", "json"):
        return suffix
    raise InterchangeError(
        _("Cannot tell the format from the file name %(name)s: use --format csv or --format json.")
        % {"name": path.name}
    )


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def read_bytes(path: Path, *, max_bytes: int) -> bytes:
    """The file's bytes, refused before reading if it is larger than ``max_bytes`` or empty."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InterchangeError(
                _("The file is %(size)s, more than the limit of %(limit)s (setting IMPORT_MAX_BYTES).")
                % {"size": _megabytes(size), "limit": _megabytes(max_bytes)}
            )
        with path.open("rb") as source:
            data = source.read(max_bytes + 1)
    except OSError as error:
        raise InterchangeError(_("Cannot read the file: %(error)s") % {"error": error.strerror or error}) from error
    if len(data) > max_bytes:
        raise InterchangeError(_("The file is larger than the limit of %(limit)s.") % {"limit": _megabytes(max_bytes)})
    return data


def decode_text(data: bytes) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InterchangeError(
            _(
                "The file is not UTF-8 text (byte 0x%(byte)02X on line %(line)s). Save it as UTF-8 "
                "(in a spreadsheet: “CSV UTF-8”)."
            )
            % {"byte": data[error.start], "line": line}
        ) from error
    if not text.strip():
        raise InterchangeError(_("The file is empty."))
    if "\0" in text:
        line = text[: text.index("\0")].count("\n") + 1
        raise InterchangeError(
            _("The file holds a NUL character (line %(line)s): it is not a text file.") % {"line": line}
        )
    return text


def read_file(path: Path, *, fmt: str | None = None, max_bytes: int) -> tuple[str, list[SourceRow]]:
    """The format and the rows of an import file; ``InterchangeError`` when the file cannot be used at all."""
    fmt = guess_format(path, fmt)
    text = decode_text(read_bytes(path, max_bytes=max_bytes))
    return fmt, (parse_csv(text, max_bytes=max_bytes) if fmt == "csv" else parse_json(text))


def _names(values: Iterable[str]) -> str:
    return ", ".join(values)


def parse_csv(text: str, *, max_bytes: int = 0) -> list[SourceRow]:
    csv.field_size_limit(max(csv.field_size_limit(), max_bytes))  # a long description is one cell
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [name.strip().lower() for name in next(reader)]
        unknown = [name for name in header if name not in BY_NAME]
        duplicated = sorted({name for name in header if header.count(name) > 1})
        missing = [name for name in REQUIRED_COLUMNS if name not in header]
        problems = []
        if unknown:
            problems.append(_("unknown columns: %(names)s") % {"names": _names(unknown)})
        if duplicated:
            problems.append(_("columns given twice: %(names)s") % {"names": _names(duplicated)})
        if missing:
            problems.append(_("missing required columns: %(names)s") % {"names": _names(missing)})
        if not any(name in header for name in IDENTIFIER_COLUMNS):
            problems.append(_("missing required column: slug or external_id (one of them at least)"))
        if problems:
            raise InterchangeError(
                _("The CSV header does not fit the format: %(problems)s. The columns are: %(columns)s.")
                % {"problems": "; ".join(problems), "columns": _names(BY_NAME)}
            )
        rows = []
        number = 1
        for cells in reader:
            number += 1
            if not any(cell.strip() for cell in cells):
                continue  # a blank line
            row = SourceRow(number=number, record={})
            if len(cells) != len(header):
                row.errors.append(
                    _("has %(cells)s cells where the header has %(columns)s")
                    % {"cells": len(cells), "columns": len(header)}
                )
            for name, raw in zip(header, cells, strict=False):
                if looks_like_formula(raw):
                    row.errors.append(
                        _("%(column)s: looks like a spreadsheet formula (%(start)s…); write it with a leading ' ")
                        % {"column": name, "start": raw[:20]}
                    )
                row.record[name] = decode_cell(BY_NAME[name], restore(raw))
            rows.append(row)
    except csv.Error as error:
        raise InterchangeError(
            _("The CSV cannot be read near line %(line)s: %(error)s") % {"line": reader.line_num, "error": error}
        ) from error
    except StopIteration:
        raise InterchangeError(_("The file is empty.")) from None
    return rows


def parse_json(text: str) -> list[SourceRow]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InterchangeError(
            _("The file is not valid JSON: %(message)s (line %(line)s, column %(column)s).")
            % {"message": error.msg, "line": error.lineno, "column": error.colno}
        ) from error
    except RecursionError:
        # json.loads recurses once per nested array or object: deep enough, it runs out of stack. An import file is
        # a list of flat objects, so no real one comes near; the error is the file's, not the program's.
        raise InterchangeError(
            _("The JSON file nests arrays or objects too deeply: it must hold a list of flat objects.")
        ) from None
    if not isinstance(data, list):
        raise InterchangeError(
            _("The JSON file must hold a list of objects, not %(found)s.") % {"found": type(data).__name__}
        )
    not_objects = [str(n) for n, item in enumerate(data, 1) if not isinstance(item, dict)]
    if not_objects:
        raise InterchangeError(
            _("The JSON file must hold a list of objects; these items are not objects: %(items)s.")
            % {"items": _names(not_objects[:20])}
        )
    unknown = sorted({key for item in data for key in item if key not in BY_NAME})
    if unknown:
        raise InterchangeError(
            _("Unknown keys: %(names)s. The keys are: %(columns)s.")
            % {"names": _names(unknown), "columns": _names(BY_NAME)}
        )
    return [SourceRow(number=n, record=dict(item), where="item") for n, item in enumerate(data, 1)]


# --- cleaning ------------------------------------------------------------------------------------

_validate_url = URLValidator()


def _text(name: str, value, errors: list[str]) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        errors.append(_("%(column)s: expected text") % {"column": name})
        return ""
    return value


def _string_list(name: str, value, errors: list[str]) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        errors.append(_("%(column)s: expected a list of texts") % {"column": name})
        return []
    return [item.strip() for item in value if item.strip()]


def _clean_list(name: str, value, errors: list[str]) -> tuple[str, ...]:
    values = _string_list(name, value, errors)
    if name == "countries":
        values = [item.lower() for item in values]
    if name == "tags":
        too_long = [tag for tag in values if len(tag) > TAG_MAX_LENGTH]
        if too_long:
            errors.append(_("tags: longer than %(n)s characters: %(tags)s") % {"n": TAG_MAX_LENGTH, "tags": too_long})
        seen: dict[str, str] = {}
        for tag in values:  # tags are case-insensitive (TAGGIT_CASE_INSENSITIVE)
            seen.setdefault(tag.casefold(), tag)
        return tuple(seen.values())
    return tuple(dict.fromkeys(values))


def _clean_organisations(value, errors: list[str]) -> tuple[tuple[str, str, str], ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        errors.append(_("organisations: expected a list of objects with slug and role"))
        return ()
    cleaned: dict[tuple[str, str], str] = {}
    for item in value:
        slug, role, note = item.get("slug"), item.get("role") or Involvement.Role.IMPLEMENTER.value, item.get("note")
        note = "" if note is None else note
        if not isinstance(slug, str) or not slug.strip() or not isinstance(role, str) or not isinstance(note, str):
            errors.append(_("organisations: each needs a slug (text), a role and a note (text, may be empty)"))
            continue
        slug, role = slug.strip(), role.strip()
        if role not in ROLES:
            errors.append(
                _("organisations: %(slug)s has the role “%(role)s”; roles are %(roles)s")
                % {"slug": slug, "role": role, "roles": _names(ROLES)}
            )
        if len(note) > 255:
            errors.append(_("organisations: the note for %(slug)s is longer than 255 characters") % {"slug": slug})
        cleaned.setdefault((slug, role), note)
    unexpected = sorted({key for item in value for key in item} - {"slug", "role", "note"})
    if unexpected:
        errors.append(_("organisations: unknown keys %(keys)s") % {"keys": _names(unexpected)})
    return tuple((slug, role, note) for (slug, role), note in cleaned.items())


def _clean_links(value, errors: list[str]) -> tuple[tuple[str, str, str], ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        errors.append(_("links: expected a list of objects with title, url and kind"))
        return ()
    links, seen = [], set()
    for item in value:
        title, url, kind = item.get("title"), item.get("url"), item.get("kind") or Link.Kind.DOCUMENT.value
        if not all(isinstance(part, str) for part in (title, url, kind)):
            errors.append(_("links: each needs a title, a url and a kind (texts)"))
            continue
        url = url.strip()
        try:
            _validate_url(url)
        except ValidationError:
            errors.append(_("links: “%(url)s” is not a valid web address") % {"url": url[:200]})
        if len(url) > 500:
            errors.append(_("links: an address is longer than 500 characters"))
        if not title.strip():
            errors.append(_("links: the link to %(url)s has no title") % {"url": url[:200]})
        if len(title) > 300:
            errors.append(_("links: the title of %(url)s is longer than 300 characters") % {"url": url[:200]})
        if kind not in LINK_KINDS:
            errors.append(
                _("links: “%(kind)s” is not a kind of link; kinds are %(kinds)s")
                % {"kind": kind, "kinds": _names(LINK_KINDS)}
            )
        if url in seen:
            errors.append(_("links: %(url)s is listed twice") % {"url": url[:200]})
        seen.add(url)
        links.append((url, title, kind))
    unexpected = sorted({key for item in value for key in item} - {"title", "url", "kind"})
    if unexpected:
        errors.append(_("links: unknown keys %(keys)s") % {"keys": _names(unexpected)})
    return tuple(links)


def _clean_date(name: str, value, errors: list[str]) -> datetime.date | None:
    if value in (None, ""):
        return None
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        errors.append(_("%(column)s: “%(value)s” is not a date (YYYY-MM-DD)") % {"column": name, "value": value})
        return None


def _clean_datetime(name: str, value, errors: list[str]) -> datetime.datetime | None:
    if value in (None, ""):
        return None
    try:
        moment = datetime.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        errors.append(
            _("%(column)s: “%(value)s” is not a date and time (ISO 8601, e.g. 2024-05-01T09:30:00+00:00)")
            % {"column": name, "value": value}
        )
        return None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def clean_record(record: dict) -> tuple[dict, list[str]]:
    """A record's values as Python values (only the keys it has and could read) and what is wrong with them.

    Text stays as given; identifiers and choices lose surrounding spaces; lists lose duplicates; dates
    become dates. Rules that need the database (terms, uniqueness) and the model's own rules come later.
    """
    values, errors = {}, []
    for name, value in record.items():
        column, known_errors = BY_NAME[name], len(errors)
        if column.kind == TEXT:
            text = _text(name, value, errors)
            values[name] = text.strip() if column.code else text
        elif column.kind == LIST:
            values[name] = _clean_list(name, value, errors)
        elif column.kind == ORGANISATIONS:
            values[name] = _clean_organisations(value, errors)
        elif column.kind == LINKS:
            values[name] = _clean_links(value, errors)
        elif column.kind == DATE:
            values[name] = _clean_date(name, value, errors)
        elif column.kind == DATETIME:
            values[name] = _clean_datetime(name, value, errors)
        elif column.kind == BOOL:
            if value is None:
                value = False
            if not isinstance(value, bool):
                errors.append(_("%(column)s: “%(value)s” is not true or false") % {"column": name, "value": value})
            values[name] = bool(value) if isinstance(value, bool) else False
        elif column.kind == INT:
            if value is None:
                value = 0
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                errors.append(_("%(column)s: “%(value)s” is not a whole number") % {"column": name, "value": value})
                value = 0
            values[name] = value
        if name == "language" and name in values:
            if not values[name]:
                del values[name]  # an empty cell: the language stays as it is (English for a new initiative)
                continue
            if values[name].lower() in CONTENT_LANGUAGES:
                values[name] = values[name].lower()  # "FR", as a spreadsheet may have capitalised it
        if name == "language" and values[name] not in CONTENT_LANGUAGES:
            errors.append(
                _("%(column)s: “%(value)s” is not one of %(choices)s")
                % {"column": name, "value": values[name][:50], "choices": _names(CONTENT_LANGUAGES)}
            )
        if name == "status" and values[name] not in Initiative.Status.values:
            errors.append(
                _("status: “%(value)s” is not one of %(choices)s")
                % {"value": values[name], "choices": _names(Initiative.Status.values)}
            )
        if len(errors) > known_errors and column.kind not in (LIST, ORGANISATIONS, LINKS):
            del values[name]  # reported; the model's rules are checked without it (lists keep their good items)
    return values, errors


def comparable(name: str, value):
    """A value in the form two records are compared in (order does not matter for sets of terms)."""
    if name == "tags":
        return tuple(sorted({tag.casefold() for tag in value}))
    if BY_NAME[name].kind in (LIST, ORGANISATIONS):
        return tuple(sorted(set(value)))
    return value


# --- planning an import --------------------------------------------------------------------------


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
                        "values": _names(f"“{value}”" for value in unknown),
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
                others = _names(rows[other].name for other in indexes if other != index)
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
            for initiative, record in _export_pairs(matches, include_private=True, chunk_size=PLAN_BATCH_SIZE)
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
            others = _names(other.source.name for other in same if other is not result)
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
