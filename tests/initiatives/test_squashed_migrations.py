"""Migrations 0001 to 0018 of the initiatives, squashed into one (``0001_squashed_0018_title_search``), make the
same schema as the sixteen they replace, on SQLite and on PostgreSQL.

A new database is migrated to the squashed migration only (``migrate initiatives 0001_squashed_…``), by
``manage.py`` in a process of its own, and its schema, written out by ``schema()`` (tables with their columns in
name order, constraints, indexes, triggers, the search functions and configurations), is compared with the one
the sixteen originals made, kept in ``tests/initiatives/schema/``. The originals are history and no longer
change; those files were written by this module run as a script on databases migrated by them, at d6dc7e4:

    DATABASE_URL=<new database> .venv/bin/python manage.py migrate initiatives 0018_title_search
    .venv/bin/python tests/initiatives/test_squashed_migrations.py <that URL> > tests/initiatives/schema/<vendor>.txt

Running the originals here instead would cost about 17 CPU-seconds per database.
"""

import contextlib
import os
import sqlite3
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest

pytestmark = pytest.mark.system
BASE_DIR = Path(__file__).resolve().parents[2]
EXPECTED = Path(__file__).resolve().parent / "schema"
SQUASHED = "0001_squashed_0018_title_search"

POSTGRESQL_SCHEMA = [
    """SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' '
        || coalesce(character_maximum_length::text, '') || ' null=' || is_nullable
        || ' default=' || coalesce(column_default, '')
       FROM information_schema.columns WHERE table_schema = 'public'""",
    """SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
       FROM pg_constraint WHERE connamespace = 'public'::regnamespace""",
    "SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public'",
    "SELECT 'trigger ' || pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal",
    """SELECT 'function ' || p.proname || ' ' || md5(pg_get_functiondef(p.oid))
       FROM pg_proc p WHERE pronamespace = 'public'::regnamespace""",
    """SELECT 'mapping ' || c.cfgname || ' ' || m.maptokentype || ' ' || m.mapseqno || ' ' || m.mapdict::regdictionary
       FROM pg_ts_config_map m JOIN pg_ts_config c ON c.oid = m.mapcfg
       WHERE c.cfgnamespace = 'public'::regnamespace""",
    "SELECT 'extension ' || extname FROM pg_extension",
    "SELECT 'sequence ' || sequence_name FROM information_schema.sequences WHERE sequence_schema = 'public'",
]


def _definitions(create_table: str) -> list[str]:
    """The column and constraint definitions of a CREATE TABLE, in name order (the squashed migration makes each
    table at once, in the models' field order; the originals added the later columns at the end)."""
    body = create_table[create_table.index("(") + 1 : create_table.rindex(")")]
    parts, depth, current = [], 0, ""
    for character in body:
        depth += {"(": 1, ")": -1}.get(character, 0)
        if character == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += character
    return sorted([*parts, current.strip()])


def schema(url: str) -> str:
    """The database's schema as sorted lines, with nothing that depends on the order its columns were added in."""
    if url.startswith("sqlite:///"):
        with contextlib.closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as db:
            lines = []
            for kind, name, table, sql in db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"):
                if kind == "table" and sql and "(" in sql:
                    lines += [f"table {name}: {part}" for part in _definitions(sql)]
                else:
                    lines.append(f"{kind} {name} on {table}: {sql}")
            return "\n".join(sorted(lines)) + "\n"
    import psycopg

    with psycopg.connect(url) as db:
        lines = [row[0] for query in POSTGRESQL_SCHEMA for row in db.execute(query)]
    return "\n".join(sorted(lines)) + "\n"


def _migrate_to_squashed(url: str) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DATABASE_", "PYTEST"))}
    env.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="portal.settings")
    done = subprocess.run(
        [sys.executable, "manage.py", "migrate", "initiatives", SQUASHED, "--no-input", "-v0"],
        capture_output=True,
        cwd=BASE_DIR,
        env=env,
        timeout=300,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-2000:]


def test_the_squashed_migration_makes_the_originals_schema_on_sqlite(tmp_path):
    url = f"sqlite:///{tmp_path / 'squashed.sqlite3'}"
    _migrate_to_squashed(url)
    assert schema(url) == (EXPECTED / "sqlite.txt").read_text()


def test_the_squashed_migration_makes_the_originals_schema_on_postgresql(on_postgresql):
    import psycopg
    from django.db import connection

    from tests.databases import postgres_url

    name = f"{connection.settings_dict['NAME']}_squashed"
    with psycopg.connect(postgres_url("postgres"), autocommit=True) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}"')
        server.execute(f'CREATE DATABASE "{name}"')
        try:
            _migrate_to_squashed(postgres_url(name))
            assert schema(postgres_url(name)) == (EXPECTED / "postgresql.txt").read_text()
        finally:
            server.execute(f'DROP DATABASE IF EXISTS "{name}"')


if __name__ == "__main__":
    sys.stdout.write(schema(urllib.parse.unquote(sys.argv[1]) if sys.argv[1].startswith("sqlite") else sys.argv[1]))
