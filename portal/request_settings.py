"""What a web request's queries run with on PostgreSQL: a statement timeout, and no parallel workers.

**The timeout.** Each query is cancelled after ``REQUEST_STATEMENT_TIMEOUT_MS``. A query string nobody asked before
(a search, a combination of filters) is computed afresh, and at scale some cost seconds of database time; a few
clients asking for such pages at once slow every other page down, cached ones included. The timeout bounds what one
request can take; ``portal/outage.py`` answers a cancelled query with the "too broad" page (503), not a 500.

**Parallel workers.** ``max_parallel_workers_per_gather`` is ``REQUEST_PARALLEL_WORKERS`` (0: none). A request's
queries read a few thousand rows at most (issue 15), and starting PostgreSQL's parallel workers costs more than
they save there: a broad search's title matches (2,000 rows by a GIN index) took 12-14 ms with two workers and
3-5 ms without, at 100,000 initiatives. Workers would also take the cores that other requests are waiting for. The
commands that read whole tables (imports, exports, the vocabulary's rebuild) keep the server's default.

Only requests get these. Management commands, migrations and the task worker run in processes that never pass
through this middleware, so their connections keep the server's defaults: a long import or a digest run is not cut
short. Inside a server process the same connections serve one request after another (``CONN_MAX_AGE``), and the
tests' connection is the one the test itself uses, so the settings are made on a connection when the request first
uses it (no query, no connection opened) and reset when the request ends; a connection that cannot be reset is
closed rather than reused with them. That covers every alias on PostgreSQL, the read replica included (its
connection is opened by the requests the router sends to it).

Queries of a response that streams after the view has returned (a long download) are not covered.
"""

from contextlib import ExitStack

from django.conf import settings
from django.db import DatabaseError, connections


class RequestSettingsMiddleware:
    """Second in ``MIDDLEWARE``, right after the outage middleware: everything the request queries is bounded,
    the session and the user included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        statements = _session_settings()
        if not statements:
            return self.get_response(request)
        applied = _RequestSettings(statements)
        try:
            with ExitStack() as stack:
                for alias in settings.DATABASES:
                    connection = connections[alias]
                    if connection.vendor == "postgresql":
                        stack.enter_context(connection.execute_wrapper(applied))
                return self.get_response(request)
        finally:
            applied.reset()


def _session_settings() -> dict[str, int]:
    """The PostgreSQL settings a request's connections get, by name (none for a setting turned off)."""
    wanted = {}
    if settings.REQUEST_STATEMENT_TIMEOUT_MS > 0:
        wanted["statement_timeout"] = int(settings.REQUEST_STATEMENT_TIMEOUT_MS)
    if settings.REQUEST_PARALLEL_WORKERS >= 0:
        wanted["max_parallel_workers_per_gather"] = int(settings.REQUEST_PARALLEL_WORKERS)
    return wanted


class _RequestSettings:
    """An execute wrapper that makes ``statements`` (setting: value) on each connection before the request's first
    query on it, and resets them when asked."""

    def __init__(self, statements: dict[str, int]):
        self.set = "; ".join(f"SET {name} = {value}" for name, value in statements.items())
        self.reset_all = "; ".join(f"RESET {name}" for name in statements)
        self.connections = []  # those they were made on

    def __call__(self, execute, sql, params, many, context):
        connection = context["connection"]
        if connection not in self.connections:
            self.connections.append(connection)
            # On the raw connection, not through Django: not a query of the page's (query logs and counts stay the
            # page's), and not on the cursor about to run, which may be a server-side one (``iterator()``). One
            # round trip: without parameters, psycopg sends the statements as one simple query.
            with connection.wrap_database_errors:
                connection.connection.execute(self.set)
        return execute(sql, params, many, context)

    def reset(self) -> None:
        for connection in self.connections:
            raw = connection.connection
            if raw is None or raw.closed:
                continue
            try:
                with connection.wrap_database_errors:
                    raw.execute(self.reset_all)
            except DatabaseError:
                # In a transaction that failed (the test's own, when a query of the request was cancelled), or
                # a connection that broke: it must not serve anything else with the request's settings.
                if not connection.in_atomic_block:
                    connection.close()
