"""The two encodings of records, CSV and JSON: a record as CSV cells, files written and read back.

Reading stops at records as the file gives them (``SourceRow``); ``cleaning`` turns them into values.
"""

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from ..models import Link
from .columns import (
    BOOL,
    BY_NAME,
    DATE,
    DATETIME,
    FALSE_WORDS,
    IDENTIFIER_COLUMNS,
    INT,
    LINK_KINDS,
    LINKS,
    LIST,
    LIST_SEPARATOR,
    ORGANISATIONS,
    REQUIRED_COLUMNS,
    TRUE_WORDS,
    Column,
    columns,
    join_names,
)


class InterchangeError(Exception):
    """A file that cannot be read at all (encoding, size, structure); nothing is imported."""


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
            problems.append(_("unknown columns: %(names)s") % {"names": join_names(unknown)})
        if duplicated:
            problems.append(_("columns given twice: %(names)s") % {"names": join_names(duplicated)})
        if missing:
            problems.append(_("missing required columns: %(names)s") % {"names": join_names(missing)})
        if not any(name in header for name in IDENTIFIER_COLUMNS):
            problems.append(_("missing required column: slug or external_id (one of them at least)"))
        if problems:
            raise InterchangeError(
                _("The CSV header does not fit the format: %(problems)s. The columns are: %(columns)s.")
                % {"problems": "; ".join(problems), "columns": join_names(BY_NAME)}
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
            % {"items": join_names(not_objects[:20])}
        )
    unknown = sorted({key for item in data for key in item if key not in BY_NAME})
    if unknown:
        raise InterchangeError(
            _("Unknown keys: %(names)s. The keys are: %(columns)s.")
            % {"names": join_names(unknown), "columns": join_names(BY_NAME)}
        )
    return [SourceRow(number=n, record=dict(item), where="item") for n, item in enumerate(data, 1)]
