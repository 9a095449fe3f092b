"""A record's values cleaned into Python values, with what is wrong with them (rules that need no database)."""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Initiative, Involvement, Link
from .columns import (
    BOOL,
    BY_NAME,
    CONTENT_LANGUAGES,
    DATE,
    DATETIME,
    INT,
    LINK_KINDS,
    LINKS,
    LIST,
    ORGANISATIONS,
    ROLES,
    TAG_MAX_LENGTH,
    TEXT,
    join_names,
)

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
                % {"slug": slug, "role": role, "roles": join_names(ROLES)}
            )
        if len(note) > 255:
            errors.append(_("organisations: the note for %(slug)s is longer than 255 characters") % {"slug": slug})
        cleaned.setdefault((slug, role), note)
    unexpected = sorted({key for item in value for key in item} - {"slug", "role", "note"})
    if unexpected:
        errors.append(_("organisations: unknown keys %(keys)s") % {"keys": join_names(unexpected)})
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
                % {"kind": kind, "kinds": join_names(LINK_KINDS)}
            )
        if url in seen:
            errors.append(_("links: %(url)s is listed twice") % {"url": url[:200]})
        seen.add(url)
        links.append((url, title, kind))
    unexpected = sorted({key for item in value for key in item} - {"title", "url", "kind"})
    if unexpected:
        errors.append(_("links: unknown keys %(keys)s") % {"keys": join_names(unexpected)})
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
                % {"column": name, "value": values[name][:50], "choices": join_names(CONTENT_LANGUAGES)}
            )
        if name == "status" and values[name] not in Initiative.Status.values:
            errors.append(
                _("status: “%(value)s” is not one of %(choices)s")
                % {"value": values[name], "choices": join_names(Initiative.Status.values)}
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
