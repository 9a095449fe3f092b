"""When the database is unreachable, every answer is a 503 with ``Retry-After``, never a 500.

An unreachable database shows up as an ``OperationalError`` or ``InterfaceError`` from a connection that
is no longer open (or never opened): refused, dropped, shut down by the server. Such an error can be raised
in a view, while a template renders, in an error handler (a 404 page that reads the session) or in a
middleware (a session saved on the way out). Two hooks between them see every one of these:

* ``DatabaseOutageMiddleware.process_exception`` answers for errors raised by views and their templates,
  before Django logs anything or sends ``got_request_exception``, with DEBUG on or off;
* ``server_error`` (``handler500`` in ``portal/urls.py``) is what Django calls, still inside its ``except``
  block, for an exception from anywhere else: it looks at ``sys.exc_info()`` and answers 503 for an outage,
  or the usual 500 page for any other error (a bug stays a 500).

With DEBUG on, an outage met outside a view shows Django's debug page instead (Django calls no handler500 then).

A query that the database cancelled (``REQUEST_STATEMENT_TIMEOUT_MS``, see ``portal/request_settings.py``) goes
through the same two hooks but is not an outage: the database is there, this request asked too much of it. It is
answered with the "too broad" page, a 503 too: the request is valid (a 4xx would blame it) and the same address
may well be answered once the load is lower or the counts are cached, so ``Retry-After`` tells clients and
crawlers to come back later rather than to stop asking, and nothing caches or indexes the answer.

Each outage answer is logged once, at WARNING, without a traceback. The page is rendered with no request
context (no context processor, no session, no user), so rendering it never touches the database. Under
``/api/`` the answer is JSON. The middleware also puts ``Retry-After`` on any other 503 (``/healthz``).

Recovery needs nothing from here: with ``CONN_HEALTH_CHECKS`` on, Django tests a reused connection that
saw an error before using it again, drops it if dead and connects afresh on the next query.
"""

import logging
import sys

from django.conf import settings
from django.db import connections
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.templatetags.static import static
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import defaults

logger = logging.getLogger("portal.outage")

RETRY_AFTER_SECONDS = 30
API_PREFIX = "/api/"


def connection_lost() -> bool:
    """Whether a database connection of this thread failed and is now closed, broken or could not be opened.

    ``errors_occurred`` tells the connections that failed (Django sets it when an error other than a data or
    integrity error goes through the connection, a failed attempt to connect included) from those merely
    not opened yet.
    """
    for connection in connections.all(initialized_only=True):
        if not connection.errors_occurred:
            continue
        raw = connection.connection
        if raw is None or getattr(raw, "closed", False) or getattr(raw, "broken", False):
            return True
    return False


def forget_earlier_failures() -> None:
    """A connection that could not be opened in an earlier request says nothing about this one (the next query
    tries again, and marks it again if it fails)."""
    for connection in connections.all(initialized_only=True):
        if connection.connection is None:
            connection.errors_occurred = False


# SQLSTATE query_canceled: the statement timeout (or an administrator's pg_cancel_backend).
QUERY_CANCELED = "57014"


def _causes(exc: BaseException | None):
    """``exc`` and the exceptions it was raised from, each once."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def is_cancelled_query(exc: BaseException | None) -> bool:
    """Whether ``exc`` comes from a query the database cancelled for running too long."""
    return any(getattr(cause, "sqlstate", None) == QUERY_CANCELED for cause in _causes(exc))


def is_outage(exc: BaseException | None) -> bool:
    """Whether ``exc`` (or an exception it was raised from) is a failure to reach the database.

    An ``OperationalError`` on a healthy connection (a statement timeout, a deadlock, SQLite's "no such
    table") is not an outage: it stays a 500.
    """
    for cause in _causes(exc):
        if isinstance(cause, (OperationalError, InterfaceError)):
            return connection_lost()
    return False


def _stylesheet_url() -> str:
    try:
        return static("css/portal.css")
    except ValueError:  # no manifest (collectstatic not run): the unhashed name, which is served too
        return f"{settings.STATIC_URL}css/portal.css"


def _answer_503(request, *, template_name: str, sentence: str, context: dict | None = None) -> HttpResponse:
    """A 503 for ``request``: ``sentence`` in JSON under /api/, else the page rendered without a request (so
    without touching the database), with ``Retry-After`` and not to be stored."""
    if request.path_info.startswith(API_PREFIX):
        response = JsonResponse({"detail": sentence}, status=503)
    else:
        try:
            body = loader.get_template(template_name).render(
                {"SITE_NAME": settings.SITE_NAME, "stylesheet": _stylesheet_url(), **(context or {})}
            )
        except Exception:  # the page must never fail: fall back to a sentence
            logger.exception("The %s page could not be rendered", template_name)
            body = sentence
        response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    # Django would log this 503 again as an error (and with the traceback when it came from an exception).
    response._has_been_logged = True
    return response


def _first_line(exc: BaseException | None) -> str:
    return f" ({type(exc).__name__}: {(str(exc).strip().splitlines() or [''])[0]})" if exc else ""


def _reader_language(request) -> str:
    """The language to answer ``request`` in, from its address, cookie or Accept-Language: an outage may come before
    LocaleMiddleware has run, and the thread may still hold the language of the last request it served."""
    return translation.get_language_from_request(request, check_path=True)


def unavailable_response(request, exc: BaseException | None = None) -> HttpResponse:
    """The 503 answer for ``request`` (JSON under /api/, else the page), logged once at WARNING."""
    with translation.override(_reader_language(request)):
        response = _answer_503(
            request,
            template_name="503.html",
            sentence=_("The portal is temporarily unavailable. Please try again in a minute."),
        )
    logger.warning("Database unavailable, answered 503: %s %s%s", request.method, request.path, _first_line(exc))
    return response


def too_broad_response(request, exc: BaseException | None = None) -> HttpResponse:
    """The answer to a request whose query the database cancelled: narrow it, or try again later."""
    with translation.override(_reader_language(request)):
        response = _answer_503(
            request,
            template_name="503_too_broad.html",
            sentence=_(
                "This search is too broad to answer now: narrow it (fewer words, more filters) or try again in a "
                "minute."
            ),
            context={"path": request.path},
        )
    logger.warning("Query cancelled (statement timeout), answered 503: %s %s", request.method, request.path)
    return response


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """``handler500``: a 503 when the exception being handled is a database outage or a cancelled query, else the
    500 page."""
    exc = sys.exc_info()[1]
    if is_cancelled_query(exc):
        return too_broad_response(request, exc)
    if is_outage(exc):
        return unavailable_response(request, exc)
    return defaults.server_error(request, template_name=template_name)


class DatabaseOutageMiddleware:
    """First in ``MIDDLEWARE``: outages raised by views answer 503; every 503 carries ``Retry-After`` and is
    logged once, at WARNING."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        forget_earlier_failures()
        response = self.get_response(request)
        if response.status_code == 503:
            if not response.has_header("Retry-After"):
                response["Retry-After"] = str(RETRY_AFTER_SECONDS)
            if not getattr(response, "_has_been_logged", False):
                # A 503 made by a view (/healthz) is expected in an outage: a warning, not Django's error.
                logger.warning("Answered 503: %s %s", request.method, request.path)
                response._has_been_logged = True
        return response

    def process_exception(self, request, exception):
        if is_cancelled_query(exception):
            return too_broad_response(request, exception)
        if is_outage(exception):
            return unavailable_response(request, exception)
        return None
