"""The portal's URLs plus views that fail in known ways, for tests/portal/test_outage.py, and one that shows what its
queries run with, for tests/portal/test_request_settings.py."""

from django.db import OperationalError, connection, transaction
from django.http import HttpResponse
from django.urls import path

from portal.urls import handler500
from portal.urls import urlpatterns as portal_urlpatterns


def broken(request):
    raise ValueError("a bug in a view")


def bad_query(request):
    """An OperationalError on a healthy connection (not an outage)."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL statement_timeout = 1")
            cursor.execute("SELECT pg_sleep(0.2)")
        else:
            cursor.execute("SELECT * FROM no_such_table")
    return HttpResponse("unreachable")


def operational_error(request):
    """An OperationalError that no connection of this request caused."""
    raise OperationalError("not from this request's connections")


def session_settings(request):
    """What this request's queries run with (portal/request_settings.py)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('statement_timeout'), current_setting('max_parallel_workers_per_gather')"
        )
        timeout, workers = cursor.fetchone()
    return HttpResponse(f"{timeout} {workers}")


def touch_session(request):
    """Changes the session without any query: SessionMiddleware saves it on the way out."""
    request.session["seen"] = True
    return HttpResponse("ok")


urlpatterns = [
    path("test/broken/", broken),
    path("test/bad-query/", bad_query),
    path("test/touch-session/", touch_session),
    path("test/session-settings/", session_settings),
    path("test/operational-error/", operational_error),
    *portal_urlpatterns,
]

__all__ = ["handler500", "urlpatterns"]
