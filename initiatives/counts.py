"""Cached aggregate counts (facet options, term indexes, home page, related initiatives, result totals), and
what is computed from the collection alone (the pages anonymous visitors see, the API's pages, the feeds).

Counting over a large collection is the slow part of a listing; the answers only change when the part of the
collection they read does. Every cached value declares the *dependency keys* it reads (``dependencies.py``:
``collection``, ``theme:12``, ``initiative:40``…) and is stored with the *version* each of those keys had when it
was computed. A change moves the versions of the keys it touches (``invalidate(keys)``, called by the services
after their transaction commits): a value stored under another version of one of its keys is never read again but
computed afresh, and the values whose keys did not move stay warm. Every value also depends on ``all``, which
``invalidate()`` with no keys moves (a renamed or deleted term, a rebuilt index: everything at once).
``COUNTS_CACHE_SECONDS`` bounds how long any entry lives.

The versions of a value's keys are read with the value, in one cache round trip (``cached_many``, ``lookup``):
with ``CACHE_BACKEND=database`` that is one query for all of a listing's facets. A whole page does not know its
keys before it is built (a detail page's keys name the initiatives it shows): the keys it had when last built are
remembered by the process (``_PREDICTED``) and read with it; only keys it did not have before cost a second read.

A version is read before what it guards is computed, so that a change committed meanwhile leaves the value stored
under the old version (never read). Keys a page only discovers while it is built (the initiative a detail page
turns out to show, the first time this process builds that page) are read right after the read that names them:
a change committed in that instant is served until ``COUNTS_CACHE_SECONDS`` at worst.
"""

import contextvars
import hashlib
import time
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.db.models.query import ModelIterable
from django.utils.crypto import get_random_string
from django.utils.functional import cached_property

ALL = "all"  # every value depends on it: invalidate() without keys moves it
COLLECTION = "collection"  # what depends on the whole published collection (see dependencies.py)

# When the database cache is full it deletes the entries with the lowest keys: version keys sort after the others,
# so that culling drops cached values before versions. A lost version is never a stale value: a missing version is
# replaced by a new random one, which no stored value has.
VERSION_PREFIX = "zz-initiatives-version:"


def _version_key(dependency: str) -> str:
    return VERSION_PREFIX + dependency


def _new_version() -> str:
    """A version: when it was made (milliseconds; what a feed's Last-Modified is read from) and a random part."""
    return f"{time.time_ns() // 1_000_000}.{get_random_string(8)}"


def version_time(version: str) -> float:
    """When ``version`` was made, in seconds since the epoch (0 for a version of another form)."""
    try:
        return int(version.split(".", 1)[0]) / 1000
    except ValueError:
        return 0.0


def _versions(dependencies: Iterable[str], found: dict) -> dict[str, str]:
    """The current version of each dependency, from ``found`` (a ``get_many`` answer), making the missing ones (unless
    another process has just made them)."""
    versions, missing = {}, []
    for dependency in dependencies:
        version = found.get(_version_key(dependency))
        if version is None:
            missing.append(dependency)
        else:
            versions[dependency] = version
    for dependency in missing:
        version = _new_version()
        if not cache.add(_version_key(dependency), version, timeout=None):
            version = cache.get(_version_key(dependency), version)
        versions[dependency] = version
    return versions


def current_versions(dependencies: Iterable[str]) -> dict[str, str]:
    """The current versions of ``dependencies`` (and of ``all``), in one cache round trip."""
    wanted = {ALL, *dependencies}
    return _versions(wanted, cache.get_many([_version_key(d) for d in wanted]))


def collection_version() -> str:
    """A name for the current state of the whole collection (the versions of ``all`` and ``collection``)."""
    versions = current_versions([COLLECTION])
    return hashlib.blake2b(f"{versions[ALL]}/{versions[COLLECTION]}".encode(), digest_size=6).hexdigest()


def invalidate(keys: Collection[str] | None = None, *, announce: bool = True) -> None:
    """Forget every cached value that depends on one of ``keys`` (by moving their versions); without keys, every
    cached value (``all``). Then, unless ``announce`` is false, send ``collection_changed`` with the keys moved, for
    the caches outside this process (a CDN's purge by surrogate key): the services call it once their transaction
    has committed, and with ``announce=False`` before (so that no reader caches the state being changed)."""
    from .signals import collection_changed

    moved = frozenset(keys) if keys else frozenset({ALL})
    cache.set_many({_version_key(key): _new_version() for key in moved}, timeout=None)
    if announce:
        collection_changed.send(sender=None, keys=moved)


# --- what one request read ------------------------------------------------------------------------------------


@dataclass
class Reads:
    """The dependency keys one request's answer read, each with the version it had when first read: the keys of
    the page (its Surrogate-Key header) and the versions its cached body is stored under."""

    versions: dict[str, str] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)
    kind: str = ""  # "html", "feed", "api": set by the views whose answers shared caches may keep

    def seen(self, versions: dict[str, str], *, use: bool = True) -> None:
        for key, version in versions.items():
            self.versions.setdefault(key, version)  # the first read is the one that came before the data
        if use:
            self.used.update(versions)

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(self.used)


_reads: contextvars.ContextVar[Reads | None] = contextvars.ContextVar("initiatives_reads", default=None)


def start_request() -> contextvars.Token:
    """Begin noting what a request reads (``initiatives.http_cache`` does it for every request)."""
    return _reads.set(Reads())


def end_request(token: contextvars.Token) -> Reads:
    reads = _reads.get() or Reads()
    _reads.reset(token)
    return reads


def request_reads() -> Reads | None:
    return _reads.get()


def depends_on(keys: Iterable[str]) -> None:
    """Note that this request's answer shows what ``keys`` name (read from the database just now, not through the
    cache): their versions are read now unless the request has read them already."""
    reads = _reads.get()
    if reads is None:
        return
    keys = set(keys) | {ALL}
    unknown = keys - set(reads.versions)
    if unknown:
        reads.seen(current_versions(unknown), use=False)
    reads.used.update(keys)


def cacheable(kind: str) -> None:
    """Mark this request's answer as one shared caches may keep (when it is anonymous: see ``http_cache``)."""
    reads = _reads.get()
    if reads is not None:
        reads.kind = kind


# --- values ---------------------------------------------------------------------------------------------------------


def _key(name: str, parts: tuple) -> str:
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
    return f"initiatives:{name}:{digest}"


def _entry(versions: dict[str, str], value) -> tuple:
    return (tuple(sorted(versions.items())), value)


def _is_current(entry, current: dict[str, str]) -> bool:
    """Whether ``entry`` was stored under the versions its keys have now (``current`` holds at least those)."""
    if not (isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[0], tuple)):
        return False
    return all(current.get(key) == version for key, version in entry[0])


def _entry_keys(entry) -> list[str]:
    return [key for key, _version in entry[0]]


def cached_many(items: Sequence[tuple]) -> list:
    """For each ``(name, parts, compute)`` or ``(name, parts, compute, keys)``, ``compute()``'s value, cached under
    the current versions of ``keys`` (``collection`` when none are given).

    One cache read for all of them (and their keys' versions); one write for those that had to be computed.
    """
    wanted = []
    for name, parts, compute, *keys in items:
        wanted.append((_key(name, parts), compute, frozenset(keys[0]) if keys else frozenset({COLLECTION})))
    dependencies = {ALL}.union(*(keys for _key_, _compute, keys in wanted))
    found = cache.get_many([key for key, _compute, _keys in wanted] + [_version_key(d) for d in dependencies])
    current = _versions(dependencies, found)
    reads = _reads.get()
    values, computed = [], {}
    for key, compute, keys in wanted:
        versions = {dependency: current[dependency] for dependency in keys | {ALL}}
        if reads is not None:
            reads.seen(versions)
        entry = found.get(key)
        if _is_current(entry, versions) and set(_entry_keys(entry)) == set(versions):
            values.append(entry[1])
            continue
        value = compute()
        values.append(value)
        computed[key] = _entry(versions, value)
    if computed:
        cache.set_many(computed, timeout=settings.COUNTS_CACHE_SECONDS)
    return values


def kept_until_renamed[T](name: str, parts: tuple, compute: Callable[[], T], keep: Callable[[T], bool]) -> T:
    """``compute()``'s value, cached under the version of ``all`` alone for ``COUNTS_CACHE_SECONDS`` at most: for a
    value that a publication leaves as good as it was (a broad search's sample: what it estimates is "about N"
    anyway), so that a page a publication made cold does not compute it again. Only the values ``keep`` accepts
    are stored (a "sample" that is every candidate is an exact list, which must follow the collection)."""
    key = _key(name, parts)
    found = cache.get_many([key, _version_key(ALL)])
    versions = {ALL: _versions({ALL}, found)[ALL]}
    reads = _reads.get()
    if reads is not None:
        reads.seen(versions)
    entry = found.get(key)
    if _is_current(entry, versions) and set(_entry_keys(entry)) == {ALL}:
        return entry[1]
    value = compute()
    if keep(value):
        cache.set(key, _entry(versions, value), timeout=settings.COUNTS_CACHE_SECONDS)
    return value


def cached[T](name: str, parts: tuple, compute: Callable[[], T], keys: Iterable[str] | None = None) -> T:
    """``compute()``'s value, cached under ``name`` and ``parts`` for the current versions of ``keys``."""
    return cached_many([(name, parts, compute) if keys is None else (name, parts, compute, frozenset(keys))])[0]


# The keys each page had when this process last stored it (cache key -> keys), read with the page the next time.
_PREDICTED: dict[str, tuple[str, ...]] = {}
_PREDICTED_MAX = 20_000


def _predict(key: str, keys: Iterable[str]) -> None:
    if len(_PREDICTED) >= _PREDICTED_MAX:
        _PREDICTED.clear()
    _PREDICTED[key] = tuple(sorted(keys))


@dataclass
class Lookup:
    """What ``lookup`` found: the value (None if there is none for the current versions) and, with it, the keys
    it depends on."""

    value: Any
    keys: frozenset[str] = frozenset()
    previous: Any = None  # the value stored before, for versions since moved (a feed dates itself after it)


def lookup(name: str, parts: tuple) -> Lookup:
    """The value cached under ``name`` and ``parts`` for the current versions of the keys it depends on, for
    values computed in several steps (a rendered page) and stored with ``store``. The versions read here are noted
    for this request, before anything is computed."""
    key = _key(name, parts)
    predicted = _PREDICTED.get(key, ())
    dependencies = {ALL, *predicted}
    found = cache.get_many([key, *(_version_key(d) for d in dependencies)])
    entry = found.get(key)
    stored_keys = set(_entry_keys(entry)) if _is_entry(entry) else set()
    current = _versions(dependencies, found)
    if stored_keys - set(current):  # keys this process did not expect: a second read
        current |= current_versions(stored_keys - set(current))
        _predict(key, stored_keys)
    reads = _reads.get()
    if _is_entry(entry) and _is_current(entry, current):
        if reads is not None:
            reads.seen({k: current[k] for k in stored_keys})
        return Lookup(entry[1], frozenset(stored_keys))
    if reads is not None:
        reads.seen(current, use=False)  # read before the value is computed: the versions it will be stored under
    return Lookup(None, previous=entry[1] if _is_entry(entry) else None)


def _is_entry(entry) -> bool:
    return isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[0], tuple)


def store(name: str, parts: tuple, value) -> frozenset[str]:
    """Cache ``value`` as depending on every key this request has read (with the versions first read: if one has
    moved since, the value is never read). Returns those keys."""
    reads = _reads.get()
    if reads is None:
        return frozenset()
    if not reads.keys - {ALL}:  # a page that named nothing it shows: it depends on the whole collection
        depends_on([COLLECTION])
    keys = reads.keys | {ALL}
    versions = {key: reads.versions[key] for key in keys if key in reads.versions}
    if len(versions) != len(keys):  # a key noted without its version (never: depends_on reads them)
        return frozenset()
    key = _key(name, parts)
    cache.set(key, _entry(versions, value), timeout=settings.COUNTS_CACHE_SECONDS)
    _predict(key, keys)
    return frozenset(keys)


def queryset_key(queryset) -> tuple:
    """A cache key part that identifies a queryset's rows and their order by its SQL and parameters: of a queryset
    of model instances, the SQL of their primary keys (the columns and related rows it reads say nothing of which
    rows: compiling a listing's 120 columns for a key took 2-3 ms, twice on a cold search page)."""
    if queryset._iterable_class is ModelIterable:
        queryset = queryset.values("pk")
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # no SQL for what can match nothing (a search of "OR" alone is .none() on SQLite)
        return ("nothing",)
    return (sql, tuple(str(p) for p in params))


class CachedCountPaginator(Paginator):
    """A paginator whose total (and so its number of pages) is a cached count: counting every matching row is
    what a large listing's page would otherwise pay on every request.

    With ``cache_rows``, the ids of each page are cached too and its rows read by primary key: for a search
    ordered by relevance, where finding the first page means ranking every match. ``keys``: what the rows depend
    on (``dependencies.of_filters``; the whole collection by default). ``counter``: what computes the total when
    it is not cached (a cheaper count of the same rows: ``InitiativeFilter.counter``); counting ``object_list`` by
    default; ``total``: the count, known already (a search's size, maybe "about": ``estimates.py``).
    ``page_ids(bottom, top)``, with ``cache_rows``: the ids of a page in an order the queryset does not say (a broad
    search's capped ranking, ``estimates.ranked_page_ids``).

    A page past the first finds its rows' ids in a subquery of its own (issue 15): ``OFFSET`` then skips index
    entries (an index-only scan of the listing's order on PostgreSQL) instead of whole rows of the wide initiatives
    table, and only the page's rows are read: one query still, a deep page 98,000 rows down in milliseconds.

    ``among``: the ids of every row, when they are known and few (a listing of facets and years, from the bitmaps).
    A page then reads all their ids in the listing's order (no ``LIMIT``, so the planner fetches them by primary key
    and sorts them, rather than walking the order's index of the whole collection until enough match: seconds for
    a rare combination at a million) and its own rows by primary key: two queries.

    ``in_order(bottom, top)``: the ids of a page in the listing's order, from each process's copy of it
    (``InitiativeFilter.ids_in_order``), or None when it has none for this page; the page then reads its rows by
    primary key (``among`` and the rest are for what it has none of: another order).
    """

    approximate = False  # the count is an estimate ("about N": a broad search, estimates.py)

    def __init__(
        self,
        *args,
        cache_rows: bool = False,
        keys: Iterable[str] | None = None,
        counter=None,
        page_ids=None,
        total: int | None = None,
        among: list[int] | None = None,
        in_order=None,
        **kwargs,
    ):
        self.among = among
        self.in_order = in_order
        self.cache_rows = cache_rows
        self.keys = frozenset(keys) if keys is not None else frozenset({COLLECTION})
        self.counter = counter
        self.page_ids = page_ids
        self.total = total
        super().__init__(*args, **kwargs)

    @cached_property
    def count(self) -> int:
        if self.total is not None:  # known already (a search's size, cached with its own key: maybe an estimate)
            return self.total
        rows = self.object_list.order_by()
        return cached("count", queryset_key(rows), self.counter or rows.count, self.keys)

    def page(self, number):
        page = super().page(number)
        placed = None
        if self.in_order is not None and isinstance(self.object_list, QuerySet):
            placed = self.in_order(*self._bounds(page.number))
        if placed is not None:
            page.object_list = self._rows_of(placed)
        elif self.among is not None and isinstance(self.object_list, QuerySet):
            bottom, top = self._bounds(page.number)
            ids = self._ordered_among[bottom:top]
            page.object_list = self._rows_of(ids)
        elif self.cache_rows:
            page.object_list = self._cached_rows(page.number)
        elif page.number > 1 and isinstance(self.object_list, QuerySet) and self.object_list.ordered:
            bottom, top = self._bounds(page.number)
            page.object_list = self.object_list.filter(pk__in=self.object_list.values("pk")[bottom:top])
        return page

    def _rows_of(self, ids: list[int]) -> list:
        """The rows of ``ids``, in that order (one query, by primary key)."""
        from . import selectors  # the initiatives' own (this module knows no model)

        return selectors.in_order_of(self.object_list, ids)

    @cached_property
    def _ordered_among(self) -> list[int]:
        if not self.among:
            return []
        from . import selectors  # the initiatives' own (this module knows no model)

        return list(self.object_list.filter(selectors.pk_among(self.among)).values_list("pk", flat=True))

    def _bounds(self, number: int) -> tuple[int, int]:
        """The slice of the rows that page ``number`` shows (as ``Paginator.page`` cuts it)."""
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return bottom, top

    def _cached_rows(self, number: int) -> list:
        bottom, top = self._bounds(number)
        fetched = []  # on a miss, the rows read to find the ids: no second query for them

        def ids_of_page():
            if self.page_ids is not None:  # an order of its own (a broad search's capped ranking)
                return self.page_ids(bottom, top)
            fetched.extend(self.object_list[bottom:top])
            return [row.pk for row in fetched]

        ids = cached("page-ids", (*queryset_key(self.object_list), bottom, top), ids_of_page, self.keys)
        if fetched:
            return fetched
        return self._rows_of(ids)
