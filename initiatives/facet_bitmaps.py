"""Facet counts from bitmaps each process holds (issue 15: the pages no cache has seen).

Counting a filtered listing's facets in SQL reads the membership rows of every initiative of the set: for a broad
set (a region, a year range) hundreds of thousands of index entries, 0.1-0.6 s at 100,000 initiatives. Here each
process holds, for every term of every facet, the published initiatives filed under it as a compressed bitmap
(``pyroaring``, about 2 MB for the 1.4 million memberships of 100,000 initiatives); counting the facets of a set is
then reading the set's ids (one query) and one intersection per term, a few milliseconds for all of them.

``FacetMembership`` stays the one source of truth, the bitmaps a copy of it. Before each count the process reads
the ``FacetChange`` rows written since it last looked (``facet_counts.sync`` writes one per initiative whose rows it
changed, in the same transaction): those initiatives are taken out of every bitmap and put back where their rows now
are. A row without an initiative (``rebuild``, a deleted term), or more changes than reading everything costs, make
it read everything again; so does its first count.

Not inside a transaction of the caller's own (``count`` answers None and the SQL counts): what it read there could
still be rolled back, and a copy that has taken in a change that never happened would keep it.
"""

import threading
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet
from pyroaring import BitMap

from . import listing_order
from .models import FacetChange, FacetMembership

MEMBERSHIP = FacetMembership._meta.db_table
CHANGES = FacetChange._meta.db_table
# Changed initiatives above which the process reads every membership again rather than each of theirs.
REBUILD_ABOVE = 5_000


class _Copy:
    """The bitmaps of one database, the last ``FacetChange`` they include, and every initiative they hold (the
    published initiatives filed under a term or dated: the collection's size, for ``Snapshot.size``)."""

    def __init__(self, seen: int, bitmaps: dict[str, dict[int, BitMap]], every: BitMap | None = None):
        self.seen = seen
        self.bitmaps = bitmaps
        if every is None:
            every = BitMap.union(*(bitmap for terms in bitmaps.values() for bitmap in terms.values()))
        self.every = every
        self.order: listing_order.Order | None = None  # read when a page first needs it (listing_order.py)


_copies: dict[tuple, _Copy] = {}
_lock = threading.Lock()


def forget() -> None:
    """Drop every copy: the next count reads everything (tests, whose writes are rolled back, start with this)."""
    with _lock:
        _copies.clear()


def prime() -> None:
    """Read this database's bitmaps now rather than at the first count (a worker starting, the tests' database)."""
    with _lock:
        _copies[(connection.alias, connection.settings_dict["NAME"])] = _read_all()


def prime_order() -> None:
    """Read this database's listing order now rather than for the first page past the first (a worker starting)."""
    with _lock:
        key = (connection.alias, connection.settings_dict["NAME"])
        copy = _copies.get(key)
        if copy is None:
            copy = _copies[key] = _read_all()
        copy.order = listing_order.read()


def warm_up() -> bool:
    """Read the bitmaps as a server process starts (``portal/wsgi.py``), so that no visitor's request waits for
    them (0.4 s at 100,000 initiatives, seconds at a million): ``start_reads.read_at_start``, which leaves them to
    the first count when the database cannot be read yet. Whether the bitmaps were read."""
    from .start_reads import read_at_start

    if not settings.FACET_BITMAPS:
        return False
    return read_at_start("Facet bitmaps", prime, prime_order)


def copies() -> dict:
    """A copy of what this process holds, for ``restore`` (the tests: each starts from the seed's bitmaps)."""
    with _lock:
        return {key: _Copy(copy.seen, _copied(copy.bitmaps), BitMap(copy.every)) for key, copy in _copies.items()}


def restore(held: dict) -> None:
    with _lock:
        _copies.clear()
        _copies.update({key: _Copy(copy.seen, _copied(copy.bitmaps), BitMap(copy.every)) for key, copy in held.items()})


def _copied(bitmaps: dict[str, dict[int, BitMap]]) -> dict[str, dict[int, BitMap]]:
    return {facet: {term_id: BitMap(bitmap) for term_id, bitmap in terms.items()} for facet, terms in bitmaps.items()}


def _in_own_transaction() -> bool:
    """Whether the caller has a transaction open (a test's own transaction, which Django's test cases mark, does not
    count: what the test writes is what it reads)."""
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def _read_all() -> _Copy:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {CHANGES}")  # before the rows: a change after is read again
        (seen,) = cursor.fetchone()
        bitmaps: dict[str, dict[int, BitMap]] = {}
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT facet, term_id, array_agg(initiative_id) FROM {MEMBERSHIP} GROUP BY facet, term_id")
            for facet, term_id, ids in cursor.fetchall():
                bitmaps.setdefault(facet, {})[term_id] = BitMap(ids)
        else:
            members: dict[tuple[str, int], list[int]] = {}
            cursor.execute(f"SELECT facet, term_id, initiative_id FROM {MEMBERSHIP}")
            for facet, term_id, initiative_id in cursor.fetchall():
                members.setdefault((facet, term_id), []).append(initiative_id)
            for (facet, term_id), ids in members.items():
                bitmaps.setdefault(facet, {})[term_id] = BitMap(ids)
    return _Copy(seen, bitmaps)


def _catch_up(copy: _Copy, changes: list[tuple[int, int | None]]) -> _Copy:
    """Take in the ``FacetChange`` rows ``changes`` (id, initiative): read those initiatives' rows again, or everything
    after a rebuild, past ``REBUILD_ABOVE``, or when rows this copy had not read were pruned."""
    changed = {initiative_id for _id, initiative_id in changes}
    pruned = [-initiative_id for initiative_id in changed if initiative_id is not None and initiative_id < 0]
    if None in changed or (pruned and copy.seen < max(pruned)) or len(changed) > REBUILD_ABOVE:
        return _read_all()  # everything changed, or changes this copy never read were pruned, or many changed
    changed -= {-floor for floor in pruned}  # rows pruned that this copy had read: nothing to do
    if changed:
        gone = BitMap(changed)
        if copy.order is not None:
            copy.order.take_out(gone)  # put back in their places when a page next needs the order
            if len(copy.order.moved) > REBUILD_ABOVE:  # so many waiting that reading it all again costs less
                copy.order = None
        for terms in copy.bitmaps.values():
            for bitmap in terms.values():
                bitmap.difference_update(gone)
        copy.every.difference_update(gone)
        ids = sorted(changed)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT facet, term_id, initiative_id FROM {MEMBERSHIP} "
                f"WHERE initiative_id IN ({', '.join(['%s'] * len(ids))})",
                ids,
            )
            for facet, term_id, initiative_id in cursor.fetchall():
                copy.bitmaps.setdefault(facet, {}).setdefault(term_id, BitMap()).add(initiative_id)
                copy.every.add(initiative_id)
    copy.seen = max(change_id for change_id, _initiative_id in changes)
    return copy


def _ids_and_changes(base_ids: QuerySet | Iterable[int], seen: int) -> tuple[BitMap, list[tuple[int, int | None]]]:
    """The ids ``base_ids`` gives, and the changes written after ``seen``: in one query when the ids are a subquery
    (the changes come as rows of negative ids), so that counting with an up-to-date copy costs one query, as in
    SQL."""
    if not isinstance(base_ids, QuerySet):
        if not base_ids:
            return BitMap(), []
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id, initiative_id FROM {CHANGES} WHERE id > %s", [seen])
            return BitMap(base_ids), cursor.fetchall()
    try:
        sql, params = base_ids.query.sql_with_params()
    except EmptyResultSet:  # what can match nothing has no SQL
        return BitMap(), []
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT base.*, NULL FROM ({sql}) AS base "
            f"UNION ALL SELECT -id, initiative_id FROM {CHANGES} WHERE id > %s",
            [*params, seen],
        )
        rows = cursor.fetchall()
    return BitMap(pk for pk, _none in rows if pk > 0), [(-pk, initiative_id) for pk, initiative_id in rows if pk < 0]


def _current(base_ids=None) -> tuple[_Copy, BitMap | None]:
    """This database's copy, brought up to date, and the ids of ``base_ids`` (read with the changes, in one query),
    or None without ``base_ids`` (the changes alone). Called with the lock held."""
    key = (connection.alias, connection.settings_dict["NAME"])
    copy = _copies.get(key)
    if copy is None:
        copy = _copies[key] = _read_all()
    if base_ids is None:
        ids, changes = None, _changes_since(copy.seen)
    else:
        ids, changes = _ids_and_changes(base_ids, copy.seen)
    if changes:
        copy = _copies[key] = _catch_up(copy, changes)
    return copy, ids


def _changes_since(seen: int) -> list[tuple[int, int | None]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, initiative_id FROM {CHANGES} WHERE id > %s", [seen])
        return cursor.fetchall()


def _members(copy: _Copy, members) -> BitMap:
    """The initiatives of ``members`` (``facet_counts.Members``): for each restriction the union of its terms'
    bitmaps, and the intersection of those."""
    found = None
    for restriction in members:
        terms = copy.bitmaps.get(restriction.facet, {})
        if restriction.term_ids is not None:
            chosen = [terms[t] for t in restriction.term_ids if t in terms and restriction.takes(t)]
        else:
            chosen = [bitmap for term_id, bitmap in terms.items() if restriction.takes(term_id)]
        part = BitMap.union(*chosen) if len(chosen) > 1 else BitMap(chosen[0]) if chosen else BitMap()
        found = part if found is None else found & part
        if not found:
            break
    return found if found is not None else BitMap()


def _count(copy: _Copy, facets: Iterable[str], ids: BitMap) -> dict[str, dict[int, int]]:
    found: dict[str, dict[int, int]] = {}
    for facet in facets:
        counts = found[facet] = {}
        for term_id, bitmap in copy.bitmaps.get(facet, {}).items():
            n = bitmap.intersection_cardinality(ids)
            if n:
                counts[term_id] = n
    return found


def count(facets: Iterable[str], base_ids: QuerySet | Iterable[int]) -> dict[str, dict[int, int]] | None:
    """What ``facet_counts.count`` answers for the ids ``base_ids`` gives (a subquery or a list), from the bitmaps
    (one query: the ids and the changes since this process last read them); None when they are not used
    (``FACET_BITMAPS`` off, or inside a transaction of the caller's)."""
    if not settings.FACET_BITMAPS or _in_own_transaction():
        return None
    with _lock:
        copy, ids = _current(base_ids)
        return _count(copy, facets, ids)


def snapshot() -> "Snapshot | None":
    """The bitmaps brought up to date (one query: the changes since this process last read them), for what one
    request counts from ``facet_counts.Members``; None when they are not used."""
    if not settings.FACET_BITMAPS or _in_own_transaction():
        return None
    with _lock:
        return Snapshot(_current()[0])


class Snapshot:
    """The bitmaps as one request found them: the initiatives of ``Members`` and their facet counts, made in memory
    without another query. A catch-up by another thread may change them meanwhile (each read is made under the
    lock); a later request takes the next snapshot."""

    def __init__(self, copy: _Copy):
        self._copy = copy

    def ids(self, members) -> BitMap:
        """The initiatives ``members`` (``facet_counts.Members``) holds: made for this call, the caller's own."""
        with _lock:
            return _members(self._copy, members)

    def count(self, facets: Iterable[str], ids: BitMap) -> dict[str, dict[int, int]]:
        """For each of ``facets``, how many of ``ids`` each term has (the terms with none left out)."""
        with _lock:
            return _count(self._copy, facets, ids)

    def page(self, found: BitMap | None, bottom: int, top: int, *, reverse: bool = False) -> list[int]:
        """The ids at places ``bottom`` to ``top`` of the listing's order (newest first; reversed: oldest first)
        among ``found`` (every published initiative for None): ``listing_order.Order.page``. The order is read when
        first needed, and the initiatives written since put back in their places (a query each)."""
        with _lock:
            copy = self._copy
            if copy.order is None:
                copy.order = listing_order.read()
            try:
                copy.order.place()
            except listing_order.Misplaced:
                copy.order = listing_order.read()
            return copy.order.page(found, bottom, top, reverse=reverse)

    def most_shared(self, terms: Iterable[tuple[str, int]], *, without: int, limit: int) -> list[int]:
        """The ``limit`` initiatives filed under the most of ``terms`` (``(facet, term pk)`` pairs), ties to the
        newest id, ``without`` left out: an initiative's neighbours by shared terms (``views.related_initiatives``
        until its related list is computed). One intersection and one union per pair of terms and level, in C: a
        millisecond, where SQL grouped every membership row of the terms (200 ms for the regions at a million)."""
        with _lock:
            sets = [self._copy.bitmaps.get(facet, {}).get(pk) for facet, pk in terms]
        sets = [found for found in sets if found]
        # at_least[n]: the initiatives under at least n of the terms. A level is only intersected while the one below
        # it holds anything: the work is the terms times the most of them one initiative has, not their square (an
        # initiative naming 50 regions and themes).
        at_least = [BitMap() for _ in range(len(sets) + 2)]
        for found in sets:
            for n in range(len(sets), 1, -1):
                if at_least[n - 1]:
                    at_least[n] |= at_least[n - 1] & found
            at_least[1] |= found
        chosen: list[int] = []
        for n in range(len(sets), 0, -1):
            level = at_least[n] - at_least[n + 1]
            level.discard(without)
            chosen += [level[-1 - i] for i in range(min(len(level), limit - len(chosen)))]
            if len(chosen) >= limit:
                break
        return chosen

    @property
    def size(self) -> int:
        """How many published initiatives are filed under a term or dated: the collection, near enough."""
        with _lock:
            return len(self._copy.every)
