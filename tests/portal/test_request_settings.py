"""A web request's queries are cut short on PostgreSQL (REQUEST_STATEMENT_TIMEOUT_MS) and answered with the "too
broad" page, a 503 with Retry-After, never a 500; the connection then serves the next request normally, and what
runs outside requests (commands, the task worker) has no timeout. A request's queries run without parallel workers
(REQUEST_PARALLEL_WORKERS); outside requests, the server's default.

The slow query is a real one: another connection holds a lock on the initiatives table, as a long write or a
migration would, so the listing's search waits past the timeout (waiting counts towards it). These tests commit
(``transaction=True``): a cancelled query would abort the test's own transaction otherwise.
"""

import contextlib
import json
import logging
import subprocess
import sys
import threading

import psycopg
import pytest
from django.db import connection
from django.test import Client

from tests.databases import postgres_url

from .servers import BASE_DIR

pytestmark = pytest.mark.system

TOO_BROAD = "This search is too broad — narrow it"


@pytest.fixture
def pg_requests(transactional_db, settings):
    if connection.vendor != "postgresql":
        pytest.skip("statement_timeout is PostgreSQL's")
    settings.REQUEST_STATEMENT_TIMEOUT_MS = 200


@contextlib.contextmanager
def initiatives_locked(*, at_most: float = 5.0):
    """Another session holds the initiatives table until the block ends: a query on it waits. The lock is let go
    after ``at_most`` seconds anyway, so that a request with no timeout ends (and its test fails) rather than hang."""
    with psycopg.connect(postgres_url()) as other:
        other.execute("LOCK TABLE initiatives_initiative IN ACCESS EXCLUSIVE MODE")
        release = threading.Timer(at_most, other.rollback)
        release.start()
        try:
            yield
        finally:
            release.cancel()
            other.rollback()


def server_default(name: str) -> str:
    """A setting as a new connection to the server has it."""
    with psycopg.connect(postgres_url()) as other:
        return other.execute(f"SHOW {name}").fetchone()[0]


def statement_timeout() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return cursor.fetchone()[0]


def test_a_query_past_the_timeout_answers_too_broad_and_the_next_request_works(pg_requests, caplog):
    client = Client(raise_request_exception=False)
    with initiatives_locked(), caplog.at_level(logging.INFO):
        response = client.get("/en/initiatives/", {"q": "migration OR labour"})
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert f"<h1>{TOO_BROAD}</h1>" in html and 'href="/en/initiatives/"' in html
    assert "temporarily unavailable" not in html  # not reported as an outage
    messages = [(r.name, r.levelname, r.getMessage()) for r in caplog.records if r.levelno >= logging.WARNING]
    assert messages == [
        ("portal.outage", "WARNING", "Query cancelled (statement timeout), answered 503: GET /en/initiatives/")
    ]
    # The same connection, once the request is over, has the server's default again, and answers the next request.
    assert statement_timeout() == "0"
    response = client.get("/en/initiatives/", {"q": "migration OR labour"})
    assert response.status_code == 200
    assert statement_timeout() == "0"


def test_the_api_answers_in_json(pg_requests):
    client = Client(raise_request_exception=False)
    with initiatives_locked():
        response = client.get("/api/initiatives/", {"q": "migration"})
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "too broad" in json.loads(response.content)["detail"]
    assert client.get("/api/initiatives/", {"q": "migration"}).status_code == 200


def test_a_page_that_does_not_wait_is_not_affected(pg_requests):
    """The neighbour: while the initiatives are locked, a page that does not read them answers as usual."""
    client = Client(raise_request_exception=False)
    with initiatives_locked():
        assert client.get("/robots.txt").status_code == 200
        assert client.get("/healthz").status_code == 200


def test_commands_and_the_task_worker_have_no_timeout(pg_requests):
    """Outside requests (here a management command, as the task worker and migrations are) the settings do not
    apply, even when the process reads them: no timeout, the server's parallel workers."""
    script = "; ".join(
        [
            "from django.db import connection",
            "cursor = connection.cursor()",
            "cursor.execute('SHOW statement_timeout')",
            "print(cursor.fetchone()[0])",
            "cursor.execute('SHOW max_parallel_workers_per_gather')",
            "print(cursor.fetchone()[0])",
        ]
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(BASE_DIR),
        "DATABASE_URL": postgres_url(),
        "REQUEST_STATEMENT_TIMEOUT_MS": "5",
        "REQUEST_PARALLEL_WORKERS": "0",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-2:] == ["0", server_default("max_parallel_workers_per_gather")]


@pytest.mark.urls("tests.portal.urls")
def test_a_request_runs_without_parallel_workers_and_the_connection_gets_the_default_back(pg_requests, settings):
    default = server_default("max_parallel_workers_per_gather")
    assert default != "0"  # else this test could not tell
    client = Client()
    assert client.get("/test/session-settings/").content.decode() == "200ms 0"
    with connection.cursor() as cursor:  # the same connection, after the request
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] == default
    assert statement_timeout() == "0"
    # Each setting on its own: the timeout off leaves the workers' setting, and -1 the server's default.
    settings.REQUEST_STATEMENT_TIMEOUT_MS = 0
    assert client.get("/test/session-settings/").content.decode() == "0 0"
    settings.REQUEST_PARALLEL_WORKERS = 2
    assert client.get("/test/session-settings/").content.decode() == "0 2"
    settings.REQUEST_PARALLEL_WORKERS = -1
    settings.REQUEST_STATEMENT_TIMEOUT_MS = 200
    assert client.get("/test/session-settings/").content.decode() == f"200ms {default}"
