"""Background work of the collection, run by the task worker (``manage.py db_worker``)."""

import datetime

from django.tasks import task


@task()
def build_exports(*, requested_at: str = "") -> list[str]:
    """Build the whole-collection download files (``export_files``) unless newer ones exist; returns their names.

    ``requested_at`` (ISO 8601) is when a change asked for the build: arguments must be plain JSON.
    """
    from . import export_files

    asked = datetime.datetime.fromisoformat(requested_at) if requested_at else None
    files, _rows = export_files.build(requested_at=asked)
    return [f.name for f in files]


@task()
def refresh_embedding(*, initiative_id: int, also: list[int] | None = None) -> str:
    """Issue 14: an initiative was written. Re-encode its text if it changed, and bring its "Related initiatives"
    list and those it enters or leaves up to date (``also``: lists it was in, when it was deleted with them)."""
    from . import embeddings

    return embeddings.initiative_changed(initiative_id=initiative_id, also=also or [])
