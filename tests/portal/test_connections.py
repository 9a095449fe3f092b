"""How long a server process keeps its database connection (``CONN_MAX_AGE`` in ``portal/settings.py``): a new
connection is a new PostgreSQL backend, whose first search loads the text-search dictionaries and the tables'
descriptions again (15-20 ms on a common word's page at 100,000 initiatives), so it is kept ten minutes, and tested
before each request's first query so that one the server dropped is replaced rather than an error."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

pytestmark = pytest.mark.any_database  # the settings a process reads, whatever the engine of this run

READ = (
    "import json, django; django.setup(); from django.conf import settings; "
    "print(json.dumps({alias: [db['CONN_MAX_AGE'], db['CONN_HEALTH_CHECKS']] "
    "for alias, db in settings.DATABASES.items()}))"
)


def _databases(**environment: str) -> dict:
    """The connection settings a fresh process reads, with ``environment`` and no CONN_MAX_AGE of this one's."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DATABASE_", "CONN_"))}
    env.update(DJANGO_SETTINGS_MODULE="portal.settings", **environment)
    out = subprocess.run([sys.executable, "-c", READ], env=env, cwd=settings.BASE_DIR, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_a_process_keeps_its_postgresql_connection_ten_minutes_and_tests_it_before_use():
    on_postgresql = _databases(
        DATABASE_URL="postgres://portal:portal@127.0.0.1:5432/portal",
        DATABASE_REPLICA_URL="postgres://portal:portal@127.0.0.1:5432/replica",
    )
    assert on_postgresql == {"default": [600, True], "replica": [600, True]}
    # Another age where the environment says so; none on SQLite (a file each process opens anew, nothing to keep).
    told = _databases(DATABASE_URL="postgres://portal:portal@127.0.0.1:5432/portal", CONN_MAX_AGE="30")
    assert told == {"default": [30, True]}
    assert _databases(DATABASE_URL="sqlite:////tmp/connections.sqlite3")["default"][0] == 0
