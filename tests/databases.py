"""The test database as a URL, for the processes that tests start (workers, servers, scripts, pg_dump)."""

import urllib.parse

from django.db import connection


def postgres_url(name: str | None = None) -> str:
    """A DATABASE_URL for database ``name`` on the test database's server: the test database itself (pytest-django's
    ``test_…`` name) by default, none with ``name=""`` (the server alone)."""
    db = connection.settings_dict
    credentials = urllib.parse.quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + urllib.parse.quote(db["PASSWORD"], safe="")
    server = f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    name = db["NAME"] if name is None else name
    return f"{server}/{name}" if name else server
