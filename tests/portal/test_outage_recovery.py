"""The portal under gunicorn loses its PostgreSQL server and gets it back: 503s meanwhile, then 200s again.

The server is the test's own (tests/portal/servers.py), stopped with ``pg_ctl stop -m fast`` (connections
cut) and started again; the portal process is never restarted, so its persistent connection must be found
dead and replaced (CONN_MAX_AGE with CONN_HEALTH_CHECKS).
"""

import json
import re

import pytest

from portal.outage import RETRY_AFTER_SECONDS

from .servers import Portal, portal_env

# django_db: the owned server gets a copy of the test database, which must exist.
pytestmark = [pytest.mark.postgresql, pytest.mark.django_db, pytest.mark.system]

PAGES = ["/en/", "/en/initiatives/", "/en/initiatives/thamm/", "/healthz", "/api/initiatives/"]


@pytest.fixture
def portal(static_root, owned_postgres, tmp_path):
    url = owned_postgres.clone("portal_template", "outage")
    env = portal_env(DATABASE_URL=url, STATIC_ROOT=static_root.path(), CONN_MAX_AGE="600")
    portal = Portal(env, tmp_path / "gunicorn.log")
    try:
        yield portal
    finally:
        portal.stop()
        if not owned_postgres_running(owned_postgres):
            owned_postgres.start()


def owned_postgres_running(server) -> bool:
    try:
        server.execute("postgres", "SELECT 1")
    except Exception:
        return False
    return True


def assert_unavailable(status, headers, body, path):
    assert status == 503, (path, status, body[:500])
    assert headers["Retry-After"] == str(RETRY_AFTER_SECONDS), path
    if path == "/healthz":
        assert json.loads(body) == {"status": "error", "database": "unavailable"}
    elif path.startswith("/api/"):
        assert headers["Content-Type"] == "application/json"
        assert json.loads(body)["detail"].startswith("The portal is temporarily unavailable.")
    else:
        assert "<h1>The portal is temporarily unavailable</h1>" in body, path


def test_pages_answer_503_while_the_database_is_down_and_200_once_it_is_back(owned_postgres, portal):
    for path in PAGES:
        status, _, body = portal.request("GET", path)
        assert status == 200, (path, body[:500])

    owned_postgres.stop()
    for path in PAGES:
        assert_unavailable(*portal.request("GET", path), path)
    # The page's stylesheet is served meanwhile (whitenoise needs no database).
    stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)">', portal.request("GET", "/en/")[2]).group(1)
    assert stylesheet.startswith("/static/css/portal.") and stylesheet != "/static/css/portal.css"  # hashed
    assert portal.request("GET", stylesheet)[0] == 200
    # Again: the failed connection is not kept in a state that changes the answer.
    for path in PAGES:
        assert_unavailable(*portal.request("GET", path), path)

    owned_postgres.start()
    for path in PAGES:
        status, _, body = portal.request("GET", path)
        assert status == 200, (path, body[:500])
    assert "THAMM" in portal.request("GET", "/en/initiatives/thamm/")[2]
    # The same worker process, on a new connection (the old one died with the server).
    assert owned_postgres.execute("postgres", "SELECT count(*) FROM pg_stat_activity WHERE datname = 'outage'")[0][0]
    assert portal.log.read_text().count("Booting worker") == 1

    log = portal.log.read_text()
    assert "Database unavailable, answered 503: GET /en/initiatives/thamm/" in log
    assert "Traceback" not in log
    assert "Internal Server Error" not in log
    assert "Service Unavailable" not in log  # Django's own error line for a 5xx: each 503 is logged once, as ours
