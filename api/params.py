"""Reading query strings strictly.

The HTML listing drops what it does not understand and says so in a note; a program reading the API
would not see that note, so the API answers 400 instead, naming each parameter and value it rejects.
What a parameter *means* is still ``initiatives.filters.InitiativeFilter``'s business: this module only
decides whether the filter set understood everything it was given.
"""

from django.conf import settings
from django.core.paginator import Page
from django.http import QueryDict
from django.utils.translation import gettext as _
from rest_framework import exceptions

from initiatives import search
from initiatives.counts import CachedCountPaginator
from initiatives.filters import MAX_VALUES_PER_FACET, InitiativeFilter
from initiatives.taxonomies import BY_NAME

MAX_PAGE_SIZE = 100
MAX_ECHOED_LENGTH = 200  # of a rejected value, in the error

# Any /api/ address accepts format=json (a habit of DRF clients); JSON is all it serves.
FORMAT = "format"
LANG = "lang"  # the answer's language, on any /api/ address: checked by api/language.py
PAGING = ("page", "page_size")
SINGLE_FILTERS = ("q", "year_from", "year_to", "status", "sort", "evidence")  # evidence: issue 13
SINGLE_FILTERS += ("partner_country",)  # issue 13 (orgs)
CHOICES = {"status": InitiativeFilter.STATUSES, "sort": InitiativeFilter.SORTS, "evidence": InitiativeFilter.EVIDENCE}
# issue 13, files: ?documents=1, initiatives with a document attached
SINGLE_FILTERS += ("documents",)
CHOICES["documents"] = {"1": "has documents"}


class InvalidParameters(exceptions.APIException):
    status_code = 400
    default_code = "invalid_parameters"

    def __init__(self, errors: list[dict]):
        summary = "; ".join(f"{e['parameter']}={e['value']!r}: {e['message'].rstrip('.')}" for e in errors)
        self.detail = {"detail": _("Invalid query parameters: %(summary)s.") % {"summary": summary}, "errors": errors}


def error(parameter: str, value, message: str) -> dict:
    value = "" if value is None else str(value)
    if len(value) > MAX_ECHOED_LENGTH:
        value = value[:MAX_ECHOED_LENGTH] + "…"
    return {"parameter": parameter, "value": value, "message": str(message)}


def check_names(params: QueryDict, *, single=(), repeatable=()) -> list[dict]:
    """Errors for unknown parameters, for single-valued ones given twice, and for a format other than json."""
    known = {*single, *repeatable, *PAGING, FORMAT, LANG}
    errors = []
    for name in params:
        values = params.getlist(name)
        if name not in known:
            listed = ", ".join(sorted(known - {FORMAT}))
            errors.append(error(name, values[0], _("Unknown parameter. The parameters are: %s.") % listed))
        elif name not in repeatable and len(values) > 1:
            errors.append(error(name, values[1], _("Give this parameter once.")))
        elif name == FORMAT and values[0] not in ("", "json"):
            errors.append(error(name, values[0], _("Only json is served.")))
    return errors


def paging(params: QueryDict) -> tuple[int, int, list[dict]]:
    """The page number and size asked for (blank means the default), and the errors in them."""
    errors = []
    numbers = {}
    for name, default, maximum in (("page", 1, None), ("page_size", settings.INITIATIVES_PAGE_SIZE, MAX_PAGE_SIZE)):
        raw = params.get(name, "").strip()
        numbers[name] = default
        if not raw:
            continue
        try:
            number = int(raw)
        except ValueError:
            errors.append(error(name, raw, _("Expected a whole number.")))
            continue
        if number < 1:
            errors.append(error(name, raw, _("Expected 1 or more.")))
        elif maximum is not None and number > maximum:
            errors.append(error(name, raw, _("At most %d.") % maximum))
        else:
            numbers[name] = number
    return numbers["page"], numbers["page_size"], errors


def filter_errors(filterset: InitiativeFilter, params: QueryDict) -> list[dict]:
    """What the listing would have ignored (``ignored_parameters``), value by value."""
    errors = []
    for name in InitiativeFilter.FACETS:
        values = [value for value in params.getlist(name) if value]
        if len(values) > MAX_VALUES_PER_FACET:
            errors.append(error(name, values[MAX_VALUES_PER_FACET], _("At most %d values.") % MAX_VALUES_PER_FACET))
    if filterset.query_shortened:
        errors.append(
            error(
                "q",
                params.get("q"),
                _("A search may have at most %(words)d words and %(alternatives)d alternatives (OR).")
                % {"words": search.MAX_WORDS, "alternatives": search.MAX_ALTERNATIVES},
            )
        )
    if errors:
        return errors
    for name in filterset.ignored_parameters:
        if name in InitiativeFilter.FACETS:
            errors += unknown_terms(filterset, name)
        else:
            message = " ".join(str(m) for m in filterset.form.errors[name])
            if name in CHOICES:
                message += " " + _("Expected one of: %s.") % ", ".join(CHOICES[name])
            errors.append(error(name, params.get(name), message))
    return errors


def unknown_terms(filterset: InitiativeFilter, name: str) -> list[dict]:
    """An error for each value of facet ``name`` that selects no term."""
    taxonomy = BY_NAME[name]
    if taxonomy.lookup == "code":
        message = _("No %(kind)s has this code.") % {"kind": taxonomy.model._meta.verbose_name}
    else:
        message = _("No %(kind)s has this slug.") % {"kind": taxonomy.model._meta.verbose_name}
    return [error(name, value, message) for value in filterset.unknown_values(name)]


def paginate(queryset, page_number: int, page_size: int, *, keys=None) -> Page:
    """One page; a page past the last is a 404 (the first page of nothing is an empty page). ``keys``: what the rows
    depend on (initiatives.dependencies; the whole collection by default)."""
    paginator = CachedCountPaginator(queryset, page_size, keys=keys)
    if page_number > paginator.num_pages:
        raise exceptions.NotFound(
            {
                "detail": _("There is no page %(page)d: the last page is %(last)d.")
                % {"page": page_number, "last": paginator.num_pages},
                "errors": [error("page", page_number, _("Past the last page (%d).") % paginator.num_pages)],
            }
        )
    return paginator.page(page_number)
