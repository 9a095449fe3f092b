"""Cached aggregate counts (facet options, term indexes, home page, related initiatives).

Counting over a large collection is the slow part of a listing; the answers only change when the
collection does. Every cached value's key includes the *collection version*, a number that
``invalidate()`` changes whenever an initiative is published, unpublished, archived, deleted or
re-filed (services call it after their transaction commits). Old entries are then never read again
and expire on their own; ``COUNTS_CACHE_SECONDS`` bounds how long any entry lives.
"""

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import get_random_string

VERSION_KEY = "initiatives:collection-version"


def collection_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = get_random_string(12)
        if not cache.add(VERSION_KEY, version, timeout=None):
            version = cache.get(VERSION_KEY, version)
    return version


def invalidate() -> None:
    """Forget every cached count (by moving to a new collection version)."""
    cache.set(VERSION_KEY, get_random_string(12), timeout=None)


def cached[T](name: str, parts: tuple, compute: Callable[[], T]) -> T:
    """``compute()``'s value, cached under ``name`` and ``parts`` for the current collection version."""
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
    key = f"initiatives:{name}:{collection_version()}:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=settings.COUNTS_CACHE_SECONDS)
    return value


def queryset_key(queryset) -> tuple:
    """A cache key part that identifies a queryset by its SQL and parameters."""
    sql, params = queryset.query.sql_with_params()
    return (sql, tuple(str(p) for p in params))
