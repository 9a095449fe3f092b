"""The scale-out demo (``scripts/scale-out-demo``) passes: Varnish in front of two gunicorn servers, which with two task
workers reach one PostgreSQL database through PgBouncer; they share sessions, rate limits, cached counts and the task
queue, send every alert once, Varnish serves anonymous pages faster than the servers do and shows a publication
within a second.

The script runs as a newcomer would run it, against the PostgreSQL server of the test database; to spare the
minute that migrating and loading the seed take, it starts from a copy of the test database (``--template``),
which this test seeds and then leaves (a database that is copied must have no one connected to it).
"""

import os
import shutil
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection, connections

from tests.databases import postgres_url

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True), pytest.mark.system]

SCRIPT = settings.BASE_DIR / "scripts" / "scale-out-demo"
CHECKS = (
    "sessions",
    "rate limit",
    "varnish",
    "vcl rules",
    "throughput",
    "cache invalidation",
    "purge on publish",
    "purge again",
    "task queue",
    "alerts exactly once",
    "pgbouncer",
    "processes",
)
SBIN_PATH = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"])
MISSING = [name for name in ("varnishd", "varnishtest", "pgbouncer") if not shutil.which(name, path=SBIN_PATH)]


@pytest.mark.skipif(
    bool(MISSING), reason=f"{', '.join(MISSING)} not installed: run scripts/install-scale-out-deps (Debian's packages)"
)
def test_varnish_two_servers_two_workers_and_pgbouncer_work_as_one(on_postgresql, seeded_database):
    template = connection.settings_dict["NAME"]
    postgres = postgres_url("")
    connections.close_all()
    result = subprocess.run(
        [sys.executable, SCRIPT, "--postgres", postgres, "--template", template, "--subscribers", "40"]
        + ["--initiatives", "4"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = result.stdout + result.stderr
    print(output)  # noqa: T201 (the demo's report, shown with -s or -rP)
    assert result.returncode == 0, output
    summary = output.split("\nSummary\n", 1)[1]
    for check in CHECKS:
        assert f"PASS  {check}: " in summary, output
    assert "FAIL" not in summary and "All checks passed" in summary, output
