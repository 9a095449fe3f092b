"""The shared database cache writes many keys in one statement (portal/cache.py, issue 15).

A cold page stores a dozen values; with Django's backend that was five or six queries per key (a count of the table,
a transaction, a read, a write). Each test makes a cache table of its own in the test database.
"""

import datetime

import pytest
from django.db import connection, transaction

from portal import cache as database_cache
from portal.cache import DatabaseCache
from portal.management.commands.createcachetable import Command as CreateCacheTable

pytestmark = pytest.mark.django_db(transaction=True)

TABLE = "test_portal_cache"


@pytest.fixture
def cache():
    command = CreateCacheTable()
    command.verbosity = 0
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
    command.create_table("default", TABLE, dry_run=False)
    yield DatabaseCache(TABLE, {"OPTIONS": {"MAX_ENTRIES": 10}})
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")


def test_a_dozen_keys_are_one_statement(cache, django_assert_num_queries):
    with django_assert_num_queries(2):  # a process's first write counts the table (for culling), then writes
        cache.set_many({"a": 1, "b": 2})
    values = {f"key-{n}": {"n": n, "text": "x" * n} for n in range(12)}
    with django_assert_num_queries(1):
        assert cache.set_many(values, timeout=60) == []
    assert cache.get_many(list(values)) == values


def test_set_overwrites_and_keeps_the_neighbours(cache):
    cache.set_many({"a": 1, "b": 2, "c": 3})
    cache.set_many({"b": 20, "d": 4})
    cache.set("c", 30)
    assert cache.get_many(["a", "b", "c", "d"]) == {"a": 1, "b": 20, "c": 30, "d": 4}


def test_add_writes_only_a_missing_or_expired_key(cache, django_assert_num_queries):
    cache.set("live", "old")
    cache.set("expired", "old", timeout=0)  # stored already expired
    with django_assert_num_queries(1):
        assert cache.add("live", "new") is False
    assert cache.add("expired", "new") is True
    assert cache.add("missing", "new") is True
    assert cache.get_many(["live", "expired", "missing"]) == {"live": "old", "expired": "new", "missing": "new"}


def test_a_timeout_is_kept(cache):
    cache.set("forever", 1, timeout=None)
    cache.set("soon", 1, timeout=3600)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key, expires FROM {TABLE} ORDER BY cache_key")
        expires = dict(cursor.fetchall())
    forever, soon = (str(expires[cache.make_key(key)])[:4] for key in ("forever", "soon"))
    assert forever == "9999"
    assert soon == str(datetime.date.today().year) or int(soon) == datetime.date.today().year + 1


def test_the_table_is_culled_past_max_entries(cache, monkeypatch):
    monkeypatch.setattr(database_cache, "CULL_EVERY", 1)  # count on every write
    for n in range(40):
        cache.set(f"key-{n:02d}", n)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {TABLE}")
        assert cursor.fetchone()[0] <= 11  # MAX_ENTRIES 10, Django's own bound (culled once past it)
    assert cache.get("key-39") == 39  # the last written stays


def test_the_table_is_counted_once_every_cull_every_keys(cache, django_assert_num_queries):
    cache = DatabaseCache(TABLE, {"OPTIONS": {"MAX_ENTRIES": 1000}})  # never culled here
    cache.set("first", 0)  # counts
    for n in range(database_cache.CULL_EVERY - 2):
        with django_assert_num_queries(1):
            cache.set(f"key-{n}", n)
    with django_assert_num_queries(2):
        cache.set_many({"x": 1, "y": 2})


def test_a_failed_write_leaves_the_surrounding_transaction_usable(cache):
    with transaction.atomic():
        cache.set("a", 1)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {TABLE}")  # rolled back with the transaction below
        assert cache.set_many({"b": 2}) == ["b"]  # refused, not raised
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            assert cursor.fetchone() == (1,)
        transaction.set_rollback(True)
    assert cache.get("a") is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="compression methods are PostgreSQL's")
def test_on_postgresql_the_values_are_compressed_with_lz4(cache):
    """The home page (200 KB) took 14-15 ms to store with pglz, 6 ms with LZ4. The table made just now and one that
    existed before the command ran both get it; the other columns, and other tables, keep the default."""
    page = "".join(f'<path d="M{n},{n * 7 % 13}l{n % 5},3z" class="c{n % 9}"/>' for n in range(8_000))
    cache.set("home", page)
    assert cache.get("home") == page

    def compression(key: str) -> str | None:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT pg_column_compression(value) FROM {TABLE} WHERE cache_key LIKE %s", [f"%{key}"])
            return cursor.fetchone()[0]

    def column_settings(table: str) -> dict[str, str]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT attname, attcompression FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0",
                [table],
            )
            return dict(cursor.fetchall())

    assert compression("home") == "lz4"
    assert column_settings(TABLE) == {"cache_key": "", "value": "l", "expires": ""}
    with connection.cursor() as cursor:  # an existing table, made before the command learnt it
        cursor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN value SET COMPRESSION default")
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table("default", TABLE, dry_run=False)
    assert column_settings(TABLE)["value"] == "l"
