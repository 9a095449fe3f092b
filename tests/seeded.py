"""The seeded test database, copied back before a ``transaction=True`` test instead of seeded again.

A test that runs in ``transactional_db`` (a live server, worker processes, two connections racing) sees committed
data, and the database is flushed after it: the seed loaded once by ``django_db_setup`` is gone after the first such
test. Loading it again costs about three seconds of CPU per test (the taxonomy, seven publications through the
services, their tasks). A copy taken once per process costs milliseconds to put back:

- SQLite (the browser tests' in-memory database): SQLite's backup API, into and out of an in-memory copy;
- PostgreSQL (the system tests): a database made from the test database as its ``TEMPLATE`` once, and the test
  database made again from it (``DROP DATABASE … WITH (FORCE)``, ``CREATE DATABASE … TEMPLATE``, a file copy).

The copy is taken the first time a test asks for the seed, from an empty database (as after an earlier test's
flush) with ``load_seed`` run in that test's settings, so every test starts from the same state whether it runs
first or not. What the process keeps about the database (the facet bitmaps, the embedding index, the cache, the
content types) is forgotten when the database is put back under it.
"""

import io
import sqlite3

from django.core.cache import cache
from django.core.management import call_command
from django.db import connection

from tests.shared_database import copy_database, drop_database


class SeededSnapshot:
    def __init__(self):
        self.sqlite_copy = None
        self.postgresql_copy = None  # the name of the database holding the copy

    def load(self) -> None:
        connection.ensure_connection()
        if self.sqlite_copy is None and self.postgresql_copy is None:
            call_command("flush", interactive=False, verbosity=0)
            call_command("load_seed", stdout=io.StringIO())
            self._take()
        else:
            self._put_back()
            _forget_what_the_process_knows()

    def _take(self) -> None:
        if connection.vendor == "sqlite":
            self.sqlite_copy = sqlite3.connect(":memory:")
            connection.connection.backup(self.sqlite_copy)
        elif connection.vendor == "postgresql":
            name = connection.settings_dict["NAME"]
            connection.close()  # a template has no other connection
            copy_database(name, f"{name}_seeded")
            self.postgresql_copy = f"{name}_seeded"

    def _put_back(self) -> None:
        if self.sqlite_copy is not None:
            self.sqlite_copy.backup(connection.connection)
            return
        connection.close()
        copy_database(self.postgresql_copy, connection.settings_dict["NAME"])

    def close(self) -> None:
        if self.sqlite_copy is not None:
            self.sqlite_copy.close()
        if self.postgresql_copy is not None:
            drop_database(self.postgresql_copy)


def _forget_what_the_process_knows() -> None:
    from django.contrib.contenttypes.models import ContentType

    from initiatives import embeddings, facet_bitmaps

    facet_bitmaps.forget()
    embeddings.forget_index()
    cache.clear()
    ContentType.objects.clear_cache()  # a flush made them again, with other ids than the copy's
