"""Every query a web request makes on PostgreSQL is cancelled after ``REQUEST_STATEMENT_TIMEOUT_MS``.

A query string nobody asked before (a search, a combination of filters) is computed afresh, and at scale some cost
seconds of database time; a few clients asking for such pages at once slow every other page down, cached ones
included. The timeout bounds what one request can take; ``portal/outage.py`` answers a cancelled query with the
"too broad" page (503), not a 500.

Only requests get it. Management commands, migrations and the task worker run in processes that never pass through
this middleware, so their connections keep the server's default (none): a long import or a digest run is not cut
short. Inside a server process the same connections serve one request after another (``CONN_MAX_AGE``), and the
tests' connection is the one the test itself uses, so the timeout is set on a connection when the request first
uses it (no query, no connection opened) and reset when the request ends; a connection that cannot be reset is
closed rather than reused with it. That covers every alias on PostgreSQL, the read replica included (its
connection is opened by the requests the router sends to it).

Queries of a response that streams after the view has returned (a long download) are not covered.
"""

from contextlib import ExitStack

from django.conf import settings
from django.db import DatabaseError, connections


class StatementTimeoutMiddleware:
    """Second in ``MIDDLEWARE``, right after the outage middleware: everything the request queries is bounded,
    the session and the user included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        milliseconds = settings.REQUEST_STATEMENT_TIMEOUT_MS
        if milliseconds <= 0:
            return self.get_response(request)
        timeout = _RequestTimeout(milliseconds)
        try:
            with ExitStack() as stack:
                for alias in settings.DATABASES:
                    connection = connections[alias]
                    if connection.vendor == "postgresql":
                        stack.enter_context(connection.execute_wrapper(timeout))
                return self.get_response(request)
        finally:
            timeout.reset()


class _RequestTimeout:
    """An execute wrapper that sets ``statement_timeout`` on each connection before the request's first query on
    it, and resets it when asked."""

    def __init__(self, milliseconds: int):
        self.milliseconds = int(milliseconds)
        self.connections = []  # those it was set on

    def __call__(self, execute, sql, params, many, context):
        connection = context["connection"]
        if connection not in self.connections:
            self.connections.append(connection)
            # On the raw connection, not through Django: not a query of the page's (query logs and counts stay the
            # page's), and not on the cursor about to run, which may be a server-side one (``iterator()``).
            with connection.wrap_database_errors:
                connection.connection.execute(f"SET statement_timeout = {self.milliseconds}")
        return execute(sql, params, many, context)

    def reset(self) -> None:
        for connection in self.connections:
            raw = connection.connection
            if raw is None or raw.closed:
                continue
            try:
                with connection.wrap_database_errors:
                    raw.execute("RESET statement_timeout")
            except DatabaseError:
                # In a transaction that failed (the test's own, when a query of the request was cancelled), or
                # a connection that broke: it must not serve anything else with the request's timeout.
                if not connection.in_atomic_block:
                    connection.close()
