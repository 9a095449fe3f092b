"""scripts/backup-database: a dump of the live database that restores into an empty one with the same rows, written
whole or not at all, the newest BACKUP_KEEP kept."""

import os
import subprocess
from pathlib import Path

import pytest
from django.db import connection

from initiatives.models import Initiative
from tests.databases import postgres_url

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db, pytest.mark.system]
SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "backup-database"


def run(*args, **env):
    return subprocess.run(args, env={**os.environ, **env}, capture_output=True, text=True, timeout=120, check=True)


def test_a_backup_restores_into_an_empty_database(on_postgresql, tmp_path):
    published = Initiative.objects.published().count()  # the seed, committed before the tests began
    assert published
    url = postgres_url()
    dumps = [
        run(str(SCRIPT), DATABASE_URL=url, BACKUP_DIR=str(tmp_path), BACKUP_KEEP="2").stdout.strip() for _ in range(3)
    ]
    kept = sorted(tmp_path.glob("portal-*.dump"))
    assert len(kept) <= 2 and Path(dumps[-1]) in kept
    assert not list(tmp_path.glob(".*partial"))

    restored = f"{connection.settings_dict['NAME']}_restored"
    admin_url = postgres_url("postgres")
    run("psql", admin_url, "-qc", f'DROP DATABASE IF EXISTS "{restored}"')
    run("psql", admin_url, "-qc", f'CREATE DATABASE "{restored}"')
    try:
        run("pg_restore", "--no-owner", f"--dbname={postgres_url(restored)}", dumps[-1])
        count = run(
            "psql",
            postgres_url(restored),
            "-tAc",
            "SELECT count(*) FROM initiatives_initiative WHERE status = 'published'",
        ).stdout
        assert int(count) == published
    finally:
        run("psql", admin_url, "-qc", f'DROP DATABASE IF EXISTS "{restored}"')


def test_it_refuses_a_database_that_is_not_postgresql(tmp_path):
    result = subprocess.run(
        [str(SCRIPT)],
        env={**os.environ, "DATABASE_URL": "sqlite:///x.sqlite3", "BACKUP_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "not PostgreSQL" in result.stderr
    assert not list(tmp_path.iterdir())
