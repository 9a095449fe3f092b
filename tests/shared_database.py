"""One migrated and seeded test database per run, copied by every test process rather than made by each.

Each pytest-xdist process needs a test database of its own. Making one (about 60 migrations, the cache table, the
taxonomy and the seven seed initiatives) costs several CPU-seconds, the same in every process. The first process of
a run to get here makes its database as usual and leaves a copy of it; the others make theirs from the copy, in
milliseconds: SQLite's backup API from a file into their in-memory database, or PostgreSQL's ``CREATE DATABASE …
TEMPLATE``. The processes of one run share a directory named after its ``testrunuid`` (two runs side by side, as in
CI, never share), and a lock on a file in it makes the others wait for the copy.

Anything else (one process, ``--reuse-db``, ``--nomigrations``, a file SQLite database, a replica alias) makes its
database as pytest-django does, and so does a process that cannot use the copy (a worker restarted after the first
one had finished and removed it).
"""

import contextlib
import fcntl
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test.utils import setup_databases, teardown_databases


def set_up(config, seed: Callable[[], None]) -> Callable[[], None]:
    """Make this process's test database, seeded by ``seed`` (run once per run when the copy is used); return what
    removes it."""
    run = getattr(config, "workerinput", {}).get("testrunuid")
    shared = (
        run
        and not config.getvalue("reuse_db")
        and not config.getvalue("nomigrations")
        and list(settings.DATABASES) == ["default"]
        and (connection.vendor == "postgresql" or connection.creation.is_in_memory_db(_test_name()))
    )
    if not shared:
        return _made_here(seed, config)
    directory = Path(tempfile.gettempdir()) / f"portal-tests-{run}"
    directory.mkdir(exist_ok=True)
    ready = directory / "copy"
    with open(directory / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if ready.exists():
            with contextlib.suppress(Exception):
                return _copied(ready.read_text())
        remove = _made_here(seed, config)
        ready.write_text(_leave_a_copy(directory))

    def remove_with_the_copy():
        remove()
        _remove_copy(ready.read_text())
        shutil.rmtree(directory, ignore_errors=True)

    return remove_with_the_copy


def _test_name() -> str:
    return connection.creation._get_test_db_name()


def _made_here(seed, config) -> Callable[[], None]:
    """The test databases made as pytest-django makes them (its options included), then seeded."""
    if config.getvalue("nomigrations"):
        from pytest_django.fixtures import _disable_migrations

        _disable_migrations()
    keep = config.getvalue("reuse_db") and not config.getvalue("create_db")
    made = setup_databases(verbosity=0, interactive=False, aliases=set(settings.DATABASES), keepdb=keep)
    seed()
    return (lambda: None) if keep else (lambda: teardown_databases(made, verbosity=0))


def _leave_a_copy(directory: Path) -> str:
    """Copy this process's test database; return where the copy is (a file, or a database's name)."""
    if connection.vendor == "sqlite":
        path = directory / "seeded.sqlite3"
        connection.ensure_connection()
        with contextlib.closing(sqlite3.connect(path)) as copy:
            connection.connection.backup(copy)
        return str(path)
    name = connection.settings_dict["NAME"]
    copy = f"{name}_copy"
    connection.close()  # a template has no other connection
    copy_database(name, copy)
    return copy


def _copied(copy: str) -> Callable[[], None]:
    """This process's test database made from ``copy``, as ``create_test_db`` names it; what removes it."""
    creation = connection.creation
    original = connection.settings_dict["NAME"]
    name = _test_name()
    if connection.vendor == "postgresql":
        copy_database(copy, name)
    connection.close()
    settings.DATABASES[connection.alias]["NAME"] = name
    connection.settings_dict["NAME"] = name
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with contextlib.closing(sqlite3.connect(f"file:{copy}?mode=ro", uri=True)) as source:
            source.backup(connection.connection)
    return lambda: creation.destroy_test_db(original, verbosity=0)


def _remove_copy(copy: str) -> None:
    if connection.vendor == "postgresql":
        drop_database(copy)


def copy_database(source: str, target: str) -> None:
    """PostgreSQL: make database ``target`` anew as a copy of ``source``, which no connection may be using."""
    drop_database(target)
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')


def drop_database(name: str) -> None:
    """PostgreSQL: remove database ``name`` if it exists, closing whatever connections it still has."""
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
