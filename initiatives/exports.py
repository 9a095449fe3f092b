"""Downloads of the collection: the listing's results as CSV or JSON (the format is in ``interchange``).

The public views take the listing's query string and read their rows exactly as the listing does
(``InitiativeFilter`` over ``Initiative.objects.published()``), so a download holds what the page shows,
every page of it. They leave out what is private (the submitter's e-mail address); the admin export
(``export_response(..., include_private=True)``) keeps it, so that its file can be imported back unchanged.
"""

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from . import interchange
from .filters import InitiativeFilter
from .models import Initiative

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8"}


def export_response(queryset, fmt: str, *, include_private: bool, filename: str = "") -> StreamingHttpResponse:
    """A download of ``queryset`` in ``fmt`` ("csv" or "json"), streamed a chunk of initiatives at a time."""
    rows = interchange.export_rows(queryset, include_private=include_private)
    if fmt == "csv":
        chunks = interchange.csv_lines(rows, include_private=include_private)
    elif fmt == "json":
        chunks = interchange.json_chunks(rows)
    else:
        raise ValueError(f"unknown export format: {fmt!r}")
    filename = filename or f"initiatives-{timezone.localdate().isoformat()}.{fmt}"
    response = StreamingHttpResponse(chunks, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def listing_queryset(request):
    """The listing's results for this query string, all pages (as ``InitiativeListView.get_queryset``)."""
    return InitiativeFilter(request.GET, queryset=Initiative.objects.published()).qs


@require_GET
def export_csv(request):
    return export_response(listing_queryset(request), "csv", include_private=False)


@require_GET
def export_json(request):
    return export_response(listing_queryset(request), "json", include_private=False)
