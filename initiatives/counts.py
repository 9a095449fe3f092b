"""Cached aggregate counts (facet options, term indexes, home page, related initiatives, result totals), and
what is computed from the collection alone (the pages anonymous visitors see, the API's pages).

Counting over a large collection is the slow part of a listing; the answers only change when the
collection does. Every cached value is stored with the *collection version* it was computed under, a
number that ``invalidate()`` changes whenever an initiative is published, unpublished, archived, deleted
or re-filed (services call it after their transaction commits); a value stored under another version is
never read again, but computed afresh. ``COUNTS_CACHE_SECONDS`` bounds how long any entry lives.

The version and the values a page needs are read together, in one cache round trip (``cached_many``): with
``CACHE_BACKEND=database`` that is one query for all of a listing's facets.
"""

import hashlib
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import transaction
from django.utils.crypto import get_random_string
from django.utils.functional import cached_property

from .signals import collection_changed

# When the database cache is full it deletes the entries with the lowest keys: this key sorts after the others, so
# that culling drops some cached values rather than the version (which would drop them all).
VERSION_KEY = "zz-initiatives-collection-version"


def collection_version() -> str:
    version = cache.get(VERSION_KEY)
    return _new_version() if version is None else version


def _new_version() -> str:
    """A first version (the cache was empty), unless another process has just stored one."""
    version = get_random_string(12)
    if not cache.add(VERSION_KEY, version, timeout=None):
        version = cache.get(VERSION_KEY, version)
    return version


def invalidate() -> None:
    """Forget every cached count (by moving to a new collection version), and tell the HTTP caches once committed."""
    cache.set(VERSION_KEY, get_random_string(12), timeout=None)
    transaction.on_commit(lambda: collection_changed.send(sender=invalidate, keys=frozenset({"collection"})))


def _key(name: str, parts: tuple) -> str:
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
    return f"initiatives:{name}:{digest}"


def _read(keys: list[str]) -> tuple[str, dict]:
    """The current collection version and the entries found under ``keys``, in one cache round trip."""
    found = cache.get_many([VERSION_KEY, *keys])
    version = found.pop(VERSION_KEY, None)
    return (_new_version() if version is None else version), found


def _current(entry, version: str) -> bool:
    return isinstance(entry, tuple) and len(entry) == 2 and entry[0] == version


def cached_many(items: Sequence[tuple[str, tuple, Callable[[], Any]]]) -> list:
    """For each ``(name, parts, compute)``, ``compute()``'s value, cached for the current collection version.

    One cache read for all of them (and the version); one write for those that had to be computed.
    """
    keys = [_key(name, parts) for name, parts, _compute in items]
    version, found = _read(keys)
    values, computed = [], {}
    for key, (_name, _parts, compute) in zip(keys, items, strict=True):
        entry = found.get(key)
        if _current(entry, version):
            values.append(entry[1])
            continue
        value = compute()
        values.append(value)
        computed[key] = (version, value)
    if computed:
        cache.set_many(computed, timeout=settings.COUNTS_CACHE_SECONDS)
    return values


def cached[T](name: str, parts: tuple, compute: Callable[[], T]) -> T:
    """``compute()``'s value, cached under ``name`` and ``parts`` for the current collection version."""
    return cached_many([(name, parts, compute)])[0]


def lookup(name: str, parts: tuple) -> tuple[Any, str]:
    """The value cached under ``name`` and ``parts`` for the current version (None if there is none), and that
    version, for ``store``: for values that are computed in several steps (a rendered page)."""
    key = _key(name, parts)
    version, found = _read([key])
    entry = found.get(key)
    return (entry[1] if _current(entry, version) else None), version


def store(name: str, parts: tuple, value, version: str) -> None:
    """Cache ``value`` as computed under ``version`` (the one ``lookup`` gave before it was computed: if the
    collection has changed since, the value is never read)."""
    cache.set(_key(name, parts), (version, value), timeout=settings.COUNTS_CACHE_SECONDS)


def queryset_key(queryset) -> tuple:
    """A cache key part that identifies a queryset by its SQL and parameters."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # no SQL for what can match nothing (a search of "OR" alone is .none() on SQLite)
        return ("nothing",)
    return (sql, tuple(str(p) for p in params))


class CachedCountPaginator(Paginator):
    """A paginator whose total (and so its number of pages) is a cached count: counting every matching row is
    what a large listing's page would otherwise pay on every request.

    With ``cache_rows``, the ids of each page are cached too and its rows read by primary key: for a search
    ordered by relevance, where finding the first page means ranking every match.
    """

    def __init__(self, *args, cache_rows: bool = False, **kwargs):
        self.cache_rows = cache_rows
        super().__init__(*args, **kwargs)

    @cached_property
    def count(self) -> int:
        rows = self.object_list.order_by()
        return cached("count", queryset_key(rows), rows.count)

    def page(self, number):
        page = super().page(number)
        if self.cache_rows:
            page.object_list = self._cached_rows(page.number)
        return page

    def _cached_rows(self, number: int) -> list:
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        fetched = []  # on a miss, the rows read to find the ids: no second query for them

        def ids_of_page():
            fetched.extend(self.object_list[bottom:top])
            return [row.pk for row in fetched]

        ids = cached("page-ids", (*queryset_key(self.object_list), bottom, top), ids_of_page)
        if fetched:
            return fetched
        by_pk = {row.pk: row for row in self.object_list.order_by().filter(pk__in=ids)}
        return [by_pk[pk] for pk in ids if pk in by_pk]
