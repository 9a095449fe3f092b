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
