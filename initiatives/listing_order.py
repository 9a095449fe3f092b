"""The published initiatives in the listing's order, held by each process beside its facet bitmaps (issue 15: deep
pages).

A page past the first of a large listing is the rows after an ``OFFSET``: PostgreSQL walks the order's index that
far, and with a facet filter tests each initiative it passes (a category's page 2,427 at a million: 250,000 probes,
1.8 s); the first page of a rare combination was its ids sorted in SQL (8,000 rows at a million, 200-330 ms). Here
the order (newest first: ``-published_at, -pk``; its reverse is "oldest") is kept as runs of at most ``2 × RUN``
ids, each with a bitmap of its ids: the page of a set of initiatives (the facets' bitmap) is found by counting the
set's members run by run (one intersection each, in C) and walking only the run the page begins in. A million
initiatives are about 250 runs: a page anywhere in any set in about a millisecond, and then its rows by primary key.

A copy of the database, like the bitmaps: ``facet_bitmaps`` reads it as it reads them, and hands it the initiatives
whose ``FacetChange`` rows it takes in (every write of a published initiative, or of one that was, writes one:
``facet_counts.sync``). They are put back in their places when a page is next asked for (``place``): one query.
"""

from array import array
from collections.abc import Iterable

from django.db import connection
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from pyroaring import BitMap

from .models import Initiative

RUN = 4096  # ids per run as read; a run that grows past twice this is split


def read() -> "Order":
    """The published initiatives' ids, newest first, from the database: one query, an index-only scan (0.5 s at a
    million, read as plain rows: through the ORM's iterator, 10 s)."""
    sql, params = Initiative.objects.published().newest_first().values_list("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return Order(pk for rows in iter(lambda: cursor.fetchmany(RUN), []) for (pk,) in rows)


class Misplaced(LookupError):
    """An initiative the order should hold is not in it: the copy is wrong, read it again."""


class Order:
    """The published initiatives' ids in the listing's order, in runs; ``moved``: the initiatives whose place may
    have changed since (written since it was read), out of it until ``place`` puts them back."""

    def __init__(self, ids: Iterable[int]):
        self.runs: list[array] = []
        run = array("I")
        for pk in ids:
            run.append(pk)
            if len(run) == RUN:
                self.runs.append(run)
                run = array("I")
        if run:
            self.runs.append(run)
        self.members = [BitMap(run) for run in self.runs]
        self.moved = BitMap()

    def __len__(self) -> int:
        return sum(len(run) for run in self.runs)

    def page(self, found: BitMap | None, bottom: int, top: int, *, reverse: bool = False) -> list[int]:
        """The ids at places ``bottom`` to ``top`` of the order (reversed: "oldest first") among ``found`` (every
        initiative for None)."""
        wanted, skip, page = top - bottom, bottom, []
        places = range(len(self.runs) - 1, -1, -1) if reverse else range(len(self.runs))
        for k in places:
            run, members = self.runs[k], self.members[k]
            n = len(run) if found is None else members.intersection_cardinality(found)
            if skip >= n:
                skip -= n
                continue
            ids = run[::-1] if reverse else run
            if found is None:  # every initiative: a slice
                page.extend(ids[skip : skip + wanted - len(page)])
                skip = 0
                if len(page) == wanted:
                    return page
                continue
            for pk in (pk for pk in ids if pk in found):
                if skip:
                    skip -= 1
                    continue
                page.append(pk)
                if len(page) == wanted:
                    return page
        return page

    def take_out(self, ids: BitMap) -> None:
        """Take ``ids`` out of the order (until ``place`` puts them back where they now belong)."""
        self.moved |= ids
        for k, members in enumerate(self.members):
            if members.intersection_cardinality(ids):
                self.runs[k] = array("I", (pk for pk in self.runs[k] if pk not in ids))
                members.difference_update(ids)
        kept = [k for k, run in enumerate(self.runs) if run]
        self.runs = [self.runs[k] for k in kept]
        self.members = [self.members[k] for k in kept]

    def place(self) -> None:
        """Put the initiatives taken out back in their places, those still published (one query: each with the
        initiative before it in the order that was not taken out)."""
        if not self.moved:
            return
        moved = list(self.moved)
        others = Initiative.objects.published().exclude(pk__in=moved)
        # The next in (published_at, pk) order: at the same moment with a larger pk, else the first later. Two
        # conditions each an index range (one condition with OR was a filter: the walk of the whole index, 9 ms an
        # initiative at 100,000).
        same_moment = others.filter(published_at=OuterRef("published_at"), pk__gt=OuterRef("pk")).order_by("pk")
        later = others.filter(published_at__gt=OuterRef("published_at")).order_by("published_at", "pk")
        before = Coalesce(Subquery(same_moment.values("pk")[:1]), Subquery(later.values("pk")[:1]))
        rows = Initiative.objects.published().filter(pk__in=moved).annotate(before=before).newest_first()
        # Newest first: those with the same initiative before them come together, in their order.
        groups: list[tuple[int | None, list[int]]] = []
        for pk, after in rows.values_list("pk", "before"):
            if groups and groups[-1][0] == after:
                groups[-1][1].append(pk)
            else:
                groups.append((after, [pk]))
        self.moved = BitMap()
        for after, ids in groups:
            self._insert_after(after, ids)

    def _insert_after(self, after: int | None, ids: list[int]) -> None:
        if after is None:  # the newest of all
            k, at = 0, 0
            if not self.runs:
                self.runs.append(array("I"))
                self.members.append(BitMap())
        else:
            k = next((k for k, members in enumerate(self.members) if after in members), None)
            if k is None:  # not in this copy: it was published without a FacetChange (written outside the services)
                raise Misplaced(after)
            at = self.runs[k].index(after) + 1
        run = self.runs[k]
        run[at:at] = array("I", ids)
        self.members[k].update(ids)
        if len(run) > 2 * RUN:
            half = len(run) // 2
            self.runs[k : k + 1] = [run[:half], run[half:]]
            self.members[k : k + 1] = [BitMap(run[:half]), BitMap(run[half:])]
