"""The whole collection as files, built in the background and served as they are.

Reading and encoding every published initiative takes longer than a request may last (at 100,000 the download was
cut off by the worker timeout), and each such download held a server worker for all that time. The whole collection
only changes when the collection version does (``counts``), so its CSV and JSON are built by a task
(``tasks.build_exports``) or by ``manage.py build_exports`` into ``EXPORTS_ROOT``, and the unfiltered download
serves the newest file.

Each change to the collection asks for a build once it has committed (``schedule_build``), due
``EXPORTS_BUILD_DELAY`` later, and asks at most once in that time: a burst of publications is one build. A build
skips when a file started after its request already exists (that file holds the change).

A file is written under a temporary name and renamed when complete (atomic on one file system): a download never
reads a half-written file, and the previous file is served while the next one is built. The newest ``KEEP`` builds
are kept (a download of the one before may still be under way), older ones deleted.

A file's name also carries its column layout (``LAYOUT``, from ``interchange.columns.COLUMNS``): when the format
gains columns (issue 12 added ``language`` and the per-language text), a file built before is no longer served, only
deleted, and the download is streamed until the next build (``manage.py build_exports`` right after a deploy makes
it at once).
"""

import datetime
import hashlib
import itertools
import logging
import os
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage
from django.utils import timezone
from django.utils.crypto import get_random_string

from . import counts
from .filters import InitiativeFilter
from .interchange import columns, encodings, exporting
from .models import Initiative
from .tasks import build_exports

logger = logging.getLogger(__name__)

FORMATS = ("csv", "json")
KEEP = 2
SCHEDULED_KEY = "initiatives:exports:build-scheduled"
STAMP_FORMAT = "%Y%m%dT%H%M%S%fZ"
_NAME = re.compile(
    r"^initiatives-(?P<stamp>\d{8}T\d{12}Z)-(?P<version>[A-Za-z0-9]+)(?:-(?P<layout>[0-9a-f]{8}))?\.(?P<fmt>csv|json)$"
)
# The columns the files are written with: a file of another layout is not served.
LAYOUT = hashlib.sha256(" ".join(column.name for column in columns.COLUMNS).encode()).hexdigest()[:8]


@dataclass(frozen=True)
class ExportFile:
    """One built file: ``initiatives-<when the build started>-<collection version>-<layout>.<format>``."""

    name: str
    fmt: str
    built_at: datetime.datetime
    layout: str = LAYOUT

    @property
    def etag(self) -> str:
        return f'"{self.name.rsplit(".", 1)[0]}"'

    @property
    def download_name(self) -> str:
        return f"initiatives-{self.built_at.date().isoformat()}.{self.fmt}"


def storage() -> FileSystemStorage:
    return FileSystemStorage(location=settings.EXPORTS_ROOT)


def _parse(name: str) -> ExportFile | None:
    match = _NAME.match(name)
    if match is None:
        return None
    built_at = datetime.datetime.strptime(match["stamp"], STAMP_FORMAT).replace(tzinfo=datetime.UTC)
    return ExportFile(name=name, fmt=match["fmt"], built_at=built_at, layout=match["layout"] or "")


def built(fmt: str, *, any_layout: bool = False) -> list[ExportFile]:
    """The complete files of ``fmt`` (in the current column layout unless ``any_layout``), newest first."""
    files = storage()
    if not files.exists(""):
        return []
    found = [_parse(name) for name in files.listdir("")[1]]
    return sorted(
        (f for f in found if f is not None and f.fmt == fmt and (any_layout or f.layout == LAYOUT)),
        key=lambda f: f.built_at,
        reverse=True,
    )


def latest(fmt: str) -> ExportFile | None:
    files = built(fmt)
    return files[0] if files else None


def schedule_build() -> None:
    """Ask for a build ``EXPORTS_BUILD_DELAY`` from now, unless one has been asked for within that time."""
    delay = settings.EXPORTS_BUILD_DELAY
    if not cache.add(SCHEDULED_KEY, True, timeout=delay):
        return
    now = timezone.now()
    task = build_exports
    if task.get_backend().supports_defer:
        task = task.using(run_after=now + datetime.timedelta(seconds=delay))
    try:
        task.enqueue(requested_at=now.isoformat())
    except Exception:  # the change is committed: failing to queue a build must not fail the request
        cache.delete(SCHEDULED_KEY)
        logger.exception("Could not queue a build of the export files")


def build(*, requested_at: datetime.datetime | None = None) -> tuple[list[ExportFile], int]:
    """Write the published collection as CSV and JSON; returns the files and the number of initiatives in them.

    With ``requested_at`` (a scheduled build), nothing is written when every format already has a file started
    after that moment.
    """
    if requested_at is not None:
        newest = [latest(fmt) for fmt in FORMATS]
        if all(f is not None and f.built_at >= requested_at for f in newest):
            return [], 0
    started = timezone.now()
    stem = f"initiatives-{started.strftime(STAMP_FORMAT)}-{counts.collection_version()}-{LAYOUT}"
    files = storage()
    os.makedirs(files.location, exist_ok=True)
    targets = {fmt: files.path(f"{stem}.{fmt}") for fmt in FORMATS}
    temporary = {fmt: files.path(f".{stem}.{get_random_string(8)}.{fmt}.tmp") for fmt in FORMATS}
    try:
        rows = _write(temporary)
        for fmt in FORMATS:
            os.replace(temporary[fmt], targets[fmt])
    finally:
        for path in temporary.values():
            if os.path.exists(path):
                os.remove(path)
    for fmt in FORMATS:
        current = built(fmt)
        for old in current[KEEP:] + [f for f in built(fmt, any_layout=True) if f.layout != LAYOUT]:
            files.delete(old.name)
    return [_parse(f"{stem}.{fmt}") for fmt in FORMATS], rows


def _write(paths: dict[str, str]) -> int:
    """Encode the collection into both files in one pass over the database (a row of lag between the two)."""
    queryset = InitiativeFilter({}, queryset=Initiative.objects.published()).qs  # the unfiltered listing's order
    counter = itertools.count()  # zip takes a number only once a row came: afterwards, the next one is how many
    for_csv, for_json = itertools.tee(row for row, _n in zip(exporting.export_rows(queryset), counter, strict=False))
    with (
        open(paths["csv"], "w", encoding="utf-8", newline="") as csv_out,
        open(paths["json"], "w", encoding="utf-8") as json_out,
    ):
        pairs = itertools.zip_longest(encodings.csv_lines(for_csv), encodings.json_chunks(for_json))
        for csv_chunk, json_chunk in pairs:
            csv_out.write(csv_chunk or "")
            json_out.write(json_chunk or "")
        for out in (csv_out, json_out):
            out.flush()
            os.fsync(out.fileno())
    return next(counter)
