"""``make bench`` reads its database into memory before it measures (``bench.pages.prewarm``): the cold table is
about the portal without its caches, not about the disk (bench/README.md, "Session 21")."""

import argparse

import psycopg
import pytest

from bench import pages
from tests.databases import postgres_url

pytestmark = pytest.mark.django_db


def _relations(conn) -> int:
    return conn.execute(
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'i', 't', 'm') AND c.relpersistence = 'p' "
        "AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND pg_has_role(c.relowner, 'USAGE')"
    ).fetchone()[0]


def test_the_bench_reads_every_table_and_index_of_its_database_before_measuring(on_postgresql):
    """Every relation of the database is read, by a role that may not create ``pg_prewarm`` itself (the suite's, as
    the bench's default): ``scripts/setup-postgres --extension`` creates it as the postgres system user."""
    with psycopg.connect(postgres_url(), autocommit=True) as conn:
        assert not conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()[0]
        relations = _relations(conn)
    said = pages.prewarm(argparse.Namespace(prewarm=True, database_url=postgres_url()))
    assert said.startswith(f"prewarmed (`pg_prewarm`): {relations} tables and indexes, "), said
    assert "MB into shared buffers" in said
    with psycopg.connect(postgres_url(), autocommit=True) as conn:
        assert conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_prewarm'").fetchone()


def test_the_bench_can_be_told_not_to_prewarm():
    """``--no-prewarm`` (``BENCH_PREWARM=0``) reads nothing: not even a connection to the database is made."""
    nowhere = "postgres://nobody:nothing@127.0.0.1:1/nothing"
    said = pages.prewarm(argparse.Namespace(prewarm=False, database_url=nowhere))
    assert said == "not prewarmed (`--no-prewarm`)"
