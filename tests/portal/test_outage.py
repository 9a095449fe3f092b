"""An unreachable database answers 503 with Retry-After (portal/outage.py); any other error stays a 500.

These tests point the portal's connection at a database that cannot be reached (a closed port, or an SQLite
file in a directory that does not exist): real connection attempts that fail, as when the server is down.
tests/portal/test_outage_recovery.py stops and restarts a real PostgreSQL server under a running portal.
"""

import copy
import json
import logging

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.utils import load_backend
from django.test import Client

from portal.outage import RETRY_AFTER_SECONDS, unavailable_response
from tests.portal.servers import free_port

PAGES = ["/en/", "/en/initiatives/", "/en/initiatives/thamm/", "/en/regions/", "/en/initiatives/feed/"]


@pytest.fixture
def database_unreachable(django_db_blocker, tmp_path):
    """The default connection replaced by one to a database that does not answer, for the test's length."""
    original = connections[DEFAULT_DB_ALIAS]
    settings_dict = copy.deepcopy(original.settings_dict)
    if original.vendor == "sqlite":
        settings_dict["NAME"] = str(tmp_path / "no-such-directory" / "portal.sqlite3")
    else:
        settings_dict.update(HOST="127.0.0.1", PORT=str(free_port()))
    unreachable = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, DEFAULT_DB_ALIAS)
    connections[DEFAULT_DB_ALIAS] = unreachable
    try:
        with django_db_blocker.unblock():
            yield
    finally:
        unreachable.close()
        connections[DEFAULT_DB_ALIAS] = original


@pytest.fixture
def outage_client():
    # Exceptions turned into answers by handler500 are also signalled; the test client would re-raise them.
    return Client(raise_request_exception=False)


def assert_unavailable_page(response):
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert '<html lang="en" dir="ltr">' in html
    assert "<title>Temporarily unavailable – " in html
    assert "<h1>The portal is temporarily unavailable</h1>" in html
    assert "Please try again in a minute." in html
    assert "<main" in html


@pytest.mark.parametrize("path", PAGES)
def test_pages_answer_503_with_the_unavailable_page(database_unreachable, outage_client, path):
    assert_unavailable_page(outage_client.get(path))


def test_a_logged_in_visitor_gets_the_same_page(database_unreachable, outage_client):
    """Their session cannot be read: the page does not need it."""
    outage_client.cookies["sessionid"] = "a" * 32
    assert_unavailable_page(outage_client.get("/en/initiatives/"))


def test_a_form_sent_during_the_outage_answers_503(database_unreachable, outage_client):
    response = outage_client.post("/en/accounts/login/", {"username": "someone@example.org", "password": "x"})
    assert_unavailable_page(response)


def test_a_404_page_that_needs_the_session_answers_503(database_unreachable, outage_client):
    """The 404 page reads the session (for the header): its failure goes through handler500."""
    outage_client.cookies["sessionid"] = "a" * 32
    assert_unavailable_page(outage_client.get("/no-such-page/"))


@pytest.mark.urls("tests.portal.urls")
def test_a_session_saved_by_middleware_answers_503(database_unreachable, outage_client):
    """SessionMiddleware saves the session after the view: an error there never reaches process_exception."""
    assert_unavailable_page(outage_client.get("/test/touch-session/"))


def test_healthz_answers_503_with_retry_after(database_unreachable, outage_client, caplog):
    with caplog.at_level(logging.INFO):
        response = outage_client.get("/healthz")
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert json.loads(response.content) == {"status": "error", "database": "unavailable"}
    assert [(r.name, r.levelname, r.getMessage()) for r in caplog.records] == [
        ("portal.outage", "WARNING", "Answered 503: GET /healthz")
    ]


@pytest.mark.parametrize("path", ["/api/initiatives/", "/api/initiatives/thamm/", "/api/themes/"])
def test_the_api_answers_503_in_json(database_unreachable, outage_client, path):
    response = outage_client.get(path)
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert json.loads(response.content) == {
        "detail": "The portal is temporarily unavailable. Please try again in a minute."
    }


def test_what_needs_no_database_still_answers(database_unreachable, outage_client):
    assert outage_client.get("/robots.txt").status_code == 200


def test_the_outage_is_logged_once_at_warning_without_a_traceback(database_unreachable, outage_client, caplog):
    outage_client.cookies["sessionid"] = "a" * 32
    with caplog.at_level(logging.INFO):
        outage_client.get("/en/initiatives/")
        outage_client.get("/no-such-page/")
    outage_records = [r for r in caplog.records if r.name == "portal.outage"]
    assert [(r.levelname, r.getMessage().split(" (")[0]) for r in outage_records] == [
        ("WARNING", "Database unavailable, answered 503: GET /en/initiatives/"),
        ("WARNING", "Database unavailable, answered 503: GET /no-such-page/"),
    ]
    assert all(r.exc_info is None for r in caplog.records)
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_the_unavailable_page_reads_nothing_from_the_database(db, rf, django_assert_num_queries):
    request = rf.get("/en/initiatives/", HTTP_COOKIE="sessionid=" + "a" * 32)
    with django_assert_num_queries(0):
        response = unavailable_response(request)
    assert_unavailable_page(response)


# --- other errors stay 500 ------------------------------------------------------------------


@pytest.mark.urls("tests.portal.urls")
def test_a_bug_in_a_view_stays_a_500(db, outage_client, caplog):
    with caplog.at_level(logging.INFO):
        response = outage_client.get("/test/broken/")
    assert response.status_code == 500
    assert not response.has_header("Retry-After")
    assert "Something went wrong on our side" in response.content.decode()
    errors = [r for r in caplog.records if r.name == "django.request"]
    assert [(r.levelname, r.exc_info[0]) for r in errors] == [("ERROR", ValueError)]


@pytest.mark.urls("tests.portal.urls")
def test_an_operational_error_on_a_working_connection_is_not_an_outage(db, outage_client):
    """The database is there. A missing table (SQLite) is a bug: a 500. A query cancelled by a statement timeout
    (PostgreSQL) asked too much: the "too broad" page, a 503 that says so (tests/portal/test_request_settings.py)."""
    response = outage_client.get("/test/bad-query/")
    html = response.content.decode()
    assert "temporarily unavailable" not in html
    if connection.vendor == "postgresql":
        assert response.status_code == 503
        assert "This search is too broad" in html
    else:
        assert response.status_code == 500
        assert not response.has_header("Retry-After")


def test_pages_answer_200_when_the_database_is_there(db, client):
    for path in [*PAGES, "/healthz", "/api/initiatives/"]:
        assert client.get(path).status_code == 200, path


@pytest.mark.urls("tests.portal.urls")
def test_a_connection_that_failed_in_an_earlier_request_does_not_make_a_later_error_an_outage(
    database_unreachable, outage_client
):
    assert outage_client.get("/en/initiatives/").status_code == 503
    assert outage_client.get("/test/operational-error/").status_code == 500
