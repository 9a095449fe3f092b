"""Downloads of the collection: the listing's results as CSV or JSON (the format is in ``interchange``).

The public views take the listing's query string and read their rows exactly as the listing does
(``listing.Listing``), so a download holds what the page shows. They
leave out what is private (the submitter's e-mail address); the admin export
(``export_response(..., include_private=True)``) keeps it, so that its file can be imported back unchanged.

The whole collection (no filter) is a file built in the background (``export_files``), served with an ETag; a
request only reads it. Any other download is streamed, and its cost is bounded: it stops after
``EXPORTS_MAX_ROWS`` rows and says so in its last row (CSV) or last item (JSON), with the address of the whole
collection's file. Before the first file is built, the unfiltered download is streamed the same way (capped):
a small collection is complete at once, a large one gets a clear "truncated" rather than an error page.
"""

import csv
import io
import itertools

from django.conf import settings
from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import export_files
from .interchange import encodings, exporting
from .listing import Listing

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8"}
# Parameters that change neither which initiatives a download holds nor their order.
NOT_FILTERS = ("page",)


def export_response(
    queryset, fmt: str, *, include_private: bool, full_url: str = "", filename: str = ""
) -> StreamingHttpResponse:
    """A download of ``queryset`` in ``fmt`` ("csv" or "json"), streamed a chunk of initiatives at a time, of its
    first ``EXPORTS_MAX_ROWS`` rows; past them, a last row says it was cut there and points to ``full_url``."""
    if fmt not in CONTENT_TYPES:
        raise ValueError(f"unknown export format: {fmt!r}")
    cap = settings.EXPORTS_MAX_ROWS
    truncated = queryset.order_by()[cap : cap + 1].exists()
    rows = exporting.export_rows(queryset[:cap], include_private=include_private)
    if fmt == "csv":
        chunks = encodings.csv_lines(rows, include_private=include_private)
        if truncated:
            chunks = itertools.chain(chunks, [_csv_note(_truncation_note(cap, full_url))])
    else:
        if truncated:
            rows = itertools.chain(rows, [{"truncated": True, "rows": cap, "full_collection": full_url or None}])
        chunks = encodings.json_chunks(rows)
    suffix = f"-first-{cap}" if truncated else ""
    filename = filename or f"initiatives-{timezone.localdate().isoformat()}{suffix}.{fmt}"
    response = StreamingHttpResponse(chunks, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _truncation_note(cap: int, full_url: str) -> str:
    if full_url:
        return _("# Truncated: the first %(rows)s rows only. The whole collection: %(url)s") % {
            "rows": cap,
            "url": full_url,
        }
    return _("# Truncated: the first %(rows)s rows only. Export fewer initiatives at a time.") % {"rows": cap}


def _csv_note(text: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([text])
    return buffer.getvalue()


def file_response(request, export: export_files.ExportFile):
    """The built file, or a 304 when the client has it already (If-None-Match / If-Modified-Since)."""
    modified = int(export.built_at.timestamp())
    response = get_conditional_response(request, etag=export.etag, last_modified=modified)
    if response is None:
        response = FileResponse(
            export_files.storage().open(export.name, "rb"),
            as_attachment=True,
            filename=export.download_name,
            content_type=CONTENT_TYPES[export.fmt],
        )
        response["X-Content-Type-Options"] = "nosniff"
    response["ETag"] = export.etag
    response["Last-Modified"] = http_date(modified)
    return response


def is_whole_collection(params) -> bool:
    return not any(value for key in params if key not in NOT_FILTERS for value in params.getlist(key))


def listing_queryset(request):
    """The listing's results for this query string, all pages, in its order (``Listing.rows``)."""
    return Listing(request.GET).rows


def _download(request, fmt: str):
    if is_whole_collection(request.GET):
        export = export_files.latest(fmt)
        if export is not None:
            return file_response(request, export)
    full_url = request.build_absolute_uri(reverse(f"initiatives:export-{fmt}"))
    return export_response(listing_queryset(request), fmt, include_private=False, full_url=full_url)


@require_GET
def export_csv(request):
    return _download(request, "csv")


@require_GET
def export_json(request):
    return _download(request, "json")
