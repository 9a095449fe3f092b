"""tests/shared_database.py: the processes of one pytest-xdist run make their test databases from the first one's
seeded copy. CI runs each part in one process, where nothing is copied: this runs a test that needs the seed in two
processes (``--dist each``: both run it, so one of them reads a copy), on SQLite and, in the PostgreSQL pass, on
PostgreSQL too (under another database name than this run's)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.databases import postgres_url

pytestmark = [pytest.mark.system, pytest.mark.django_db]
ROOT = Path(__file__).resolve().parents[1]
NEEDS_THE_SEED = "tests/initiatives/test_site.py::test_sitemap_has_lastmod_for_initiatives"


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_every_process_of_a_run_gets_the_seeded_database(engine):
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    if engine == "postgresql":
        if connection.vendor != "postgresql":
            pytest.skip("needs PostgreSQL")
        env["DATABASE_URL"] = postgres_url("portal_shared_check")  # test_portal_shared_check_gw0 and _gw1
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-n", "2", "--dist", "each", "-q", NEEDS_THE_SEED],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0 and "2 passed" in result.stdout, result.stdout + result.stderr
