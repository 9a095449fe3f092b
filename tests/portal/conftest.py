import os
import shutil
import subprocess
import sys
import tempfile

import pytest
from django.conf import settings
from django.db import connection

from .servers import BASE_DIR, PG_BIN, OwnedPostgres, manage, portal_env

TEMPLATE_DATABASE = "portal_template"


@pytest.fixture(scope="session")
def can_own_postgres():
    """Only in the PostgreSQL pass (the SQLite pass needs no server and stays fast), with the server's binaries."""
    if "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        pytest.skip("starts its own PostgreSQL server: runs in the PostgreSQL pass (DATABASE_URL=postgres://…)")
    if not (PG_BIN / "initdb").exists():
        pytest.skip(f"no PostgreSQL server binaries in {PG_BIN} (set PG_BIN)")


@pytest.fixture(scope="session")
def owned_postgres(can_own_postgres, django_db_setup):
    """A PostgreSQL server of the tests' own, with a copy of the (migrated and seeded) test database.

    The copy (pg_dump and pg_restore, a second or two) is much faster than migrating and seeding anew.
    """
    server = OwnedPostgres()
    try:
        server.start()
        server.execute("postgres", f"CREATE DATABASE {TEMPLATE_DATABASE}")
        copy_test_database(server, TEMPLATE_DATABASE)
        env = portal_env(DATABASE_URL=server.url(TEMPLATE_DATABASE))
        manage("createcachetable", env=env)  # the production cache (the test database has none)
        if not server.execute(TEMPLATE_DATABASE, "SELECT 1 FROM initiatives_initiative WHERE slug = 'thamm'"):
            # A transactional test emptied the test database before this ran: seed the copy.
            manage("load_seed", env=env)
        yield server
    finally:
        server.destroy()


def copy_test_database(server: OwnedPostgres, target: str) -> None:
    source = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": source["PASSWORD"] or ""}
    dump = subprocess.run(
        [
            PG_BIN / "pg_dump",
            "--format=custom",
            "--no-owner",
            "--no-acl",
            f"--host={source['HOST'] or '127.0.0.1'}",
            f"--port={source['PORT'] or 5432}",
            f"--username={source['USER']}",
            source["NAME"],
        ],
        check=True,
        capture_output=True,
        env=env,
    )
    subprocess.run(
        [PG_BIN / "pg_restore", "--no-owner", "--no-acl", "--exit-on-error", f"--dbname={server.url(target)}"],
        input=dump.stdout,
        check=True,
        capture_output=True,
    )


class CollectedStatic:
    """collectstatic run in the background (while the database is copied), as production collects: hashed
    names and a manifest. ``path()`` waits for it."""

    def __init__(self):
        self.root = tempfile.mkdtemp(prefix="portal-static-")
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"],
            cwd=BASE_DIR,
            env=portal_env(STATIC_ROOT=self.root),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def path(self) -> str:
        _, errors = self.process.communicate(timeout=120)
        if self.process.returncode:
            raise RuntimeError(f"collectstatic failed: {errors.decode()}")
        return self.root


@pytest.fixture(scope="session")
def static_root(can_own_postgres):
    collected = CollectedStatic()
    yield collected
    collected.process.kill()
    collected.process.communicate()
    shutil.rmtree(collected.root, ignore_errors=True)
