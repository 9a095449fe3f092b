"""The shared database cache, writing many keys in one statement (issue 15).

Django's ``DatabaseCache`` writes each key on its own: per key it counts the whole table (to cull it), opens a
transaction, reads the key's row, then inserts or updates it and commits: five or six queries a key. A page
computed from the database stores a dozen values (its facet counts, its total, the rows' ids, the versions it made,
the page itself), so its writes were 63 of the 81 queries of a cold listing (bench/README.md, "What the cold path
costs"). Here:

- ``set_many`` (and so ``set``) is one ``INSERT … ON CONFLICT DO UPDATE`` for all the keys, which PostgreSQL and
  SQLite (3.24 and later) both run atomically, with no transaction of its own and no read before it; the keys are
  written in sorted order, so two processes writing overlapping keys lock them in the same order and never
  deadlock;
- ``add`` is one ``INSERT … ON CONFLICT DO UPDATE … WHERE`` the stored entry has expired (Django's meaning of
  ``add``): it tells whether it wrote by the row it returns;
- the table is counted to be culled once every ``CULL_EVERY`` writes of a process (its first write included), not
  on every write: ``MAX_ENTRIES`` is a bound that can be overshot by a few writes per process, which the culling
  then takes back (what is culled is what Django culls: the expired entries, then the lowest keys).

Reads, deletes, ``touch`` and culling are Django's.
"""

import base64
import contextlib
import pickle
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import DatabaseError, connections, router, transaction
from django.utils.timezone import now as tz_now

# How many keys a process writes between two counts of the table (for culling).
CULL_EVERY = 64
CHUNK = 250  # keys per statement (3 parameters each)


class DatabaseCache(DjangoDatabaseCache):
    def __init__(self, table, params):
        super().__init__(table, params)
        self._writes_since_count = None  # None: count on the next write

    # --- writing ------------------------------------------------------------------------------------------------

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self.set_many({key: value}, timeout=timeout, version=version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        if not data:
            return []
        rows = {self.make_and_validate_key(key, version=version): value for key, value in data.items()}
        written = self._upsert(rows, timeout, only_expired=False)
        return [] if written is not None else list(data)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        written = self._upsert({key: value}, timeout, only_expired=True)
        return bool(written)

    def _upsert(self, rows: dict, timeout, *, only_expired: bool) -> int | None:
        """Write ``rows`` (made keys: values) in one statement; with ``only_expired``, a key whose stored entry
        has not expired keeps it. Returns how many rows were written, None when the database refused (another
        writer's lock timed out, a replica...): like Django's, a failed cache write is not an error."""
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote_name = connection.ops.quote_name
        table = quote_name(self._table)
        key_column, value_column, expires_column = (quote_name(c) for c in ("cache_key", "value", "expires"))
        timeout = self.get_backend_timeout(timeout)
        now = tz_now().replace(microsecond=0)
        if timeout is None:
            expires = datetime.max
        else:
            expires = datetime.fromtimestamp(timeout, tz=UTC if settings.USE_TZ else None)
        expires = connection.ops.adapt_datetimefield_value(expires.replace(microsecond=0))
        suffix, suffix_params = "", []
        if only_expired:
            suffix = f" WHERE {table}.{expires_column} < %s"
            suffix_params = [connection.ops.adapt_datetimefield_value(now)]
        keys = sorted(rows)
        statements = []
        for start in range(0, len(keys), CHUNK):  # SQLite bounds a statement's parameters
            chunk = keys[start : start + CHUNK]
            params = []
            for key in chunk:
                pickled = pickle.dumps(rows[key], self.pickle_protocol)
                params += [key, base64.b64encode(pickled).decode("latin1"), expires]
            values = ", ".join(["(%s, %s, %s)"] * len(chunk))
            sql = (
                f"INSERT INTO {table} ({key_column}, {value_column}, {expires_column}) VALUES {values} "
                f"ON CONFLICT ({key_column}) DO UPDATE SET {value_column} = EXCLUDED.{value_column}, "
                f"{expires_column} = EXCLUDED.{expires_column}{suffix}"
            )
            statements.append((sql, params + suffix_params))
        try:
            # Inside a transaction a failed statement would abort it: a savepoint keeps the failure to this write.
            # Outside one (a request's autocommit), one statement is atomic by itself; several are made one.
            atomic = (
                transaction.atomic(using=db)
                if connection.in_atomic_block or len(statements) > 1
                else contextlib.nullcontext()
            )
            written = 0
            with atomic, connection.cursor() as cursor:
                self._maybe_cull(db, cursor, now, len(rows))
                for sql, params in statements:
                    cursor.execute(sql, params)
                    written += cursor.rowcount
            return written
        except DatabaseError:
            return None

    def _maybe_cull(self, db, cursor, now, writing: int) -> None:
        if self._writes_since_count is not None and self._writes_since_count + writing < CULL_EVERY:
            self._writes_since_count += writing
            return
        self._writes_since_count = 0
        cursor.execute(f"SELECT COUNT(*) FROM {connections[db].ops.quote_name(self._table)}")
        num = cursor.fetchone()[0]
        if num > self._max_entries:
            self._cull(db, cursor, now, num)

    def clear(self):
        super().clear()
        self._writes_since_count = None
