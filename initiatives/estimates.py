"""Bounded work for a broad search (issue 15): totals and facet counts "about N" from a sample, and a capped ranking.

A search for a common word matches most of the collection (``migrants``: 87,000 of 100,000). Counting those matches
exactly means finding all of them again (``COUNT(*)``, 300 ms at 100,000), counting their facets means reading
a million membership rows (700 ms), and ranking them means ``ts_rank_cd`` over every match's search vectors
(800 ms): work that grows with the collection, for numbers a visitor reads as "a lot".

So a search's size is first *estimated* from a sample: the matches among the initiatives whose ids fall in
``SAMPLE_WINDOWS`` evenly spread ranges of the id space, covering about ``SEARCH_SAMPLE_ROWS`` ids (a primary-key
range scan of a fixed number of rows, whatever the collection's size; when the ranges cover every id, the sample
is the whole collection and the "estimate" is the exact count). With facet and year filters (and no other), the
sample is drawn from the initiatives they select instead (the facet bitmaps know them): ``SEARCH_FACET_SAMPLE`` of
them read by id, or all of them when they are few enough (the count is then exact in one query).

A search is counted exactly when that is cheap (``readable``): at most ``SEARCH_EXACT_LIMIT`` matches, found by
reading at most three times as many rows. Its matches' ids are then read, and the page ranks only those. Above it:

- the total is the estimate, rounded to two significant figures and shown as "about N";
- each facet's counts are the sample's counts scaled the same way, rounded alike and shown as "~N"
  (``facet_counts.Estimated``);
- the results are ranked among at most ``SEARCH_RANKED_LIMIT`` candidates, those whose title or acronym matches
  (``title_matches``, GIN indexes of their own, migration 0018), then the other matches follow newest first (the
  page says so): a page costs the same for any word.

Both databases do the same (SQLite counts exactly below the limit and samples above it too); the source of truth
stays the initiatives table: nothing here is stored but in the cache, under the same dependency keys as exact counts.
"""

import datetime
import math
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce
from itertools import chain
from operator import or_
from typing import ClassVar

from django.conf import settings
from django.db.models import Max, Min, Q

from . import selectors

SAMPLE_WINDOWS = 50
READS_PER_MATCH = 3  # rows an exact count may read per match it may rank (``readable``)
# The sample's ids are named one by one when the id space is more than this many times the sample (``sample``).
NAMED_SAMPLE_ABOVE = 100
# A facet search's drawn ids are intersected with the search's indexes when the collection is at most this many times
# as many (per word of the search): a row read and tested costs 8-12 µs, a posting about 0.1 µs, and a word's
# postings are at most the collection (``_plan_within``). At 128 a word in every initiative costs about as much either
# way, and any other word less intersected: at 100,000 initiatives, 1,000 ids drawn for ``q=reach`` (in 56 % of them)
# and a principle were tested row by row in 11.2 ms, where the word's postings take 5.4 (64 before session 20).
INTERSECTED_UP_TO = 128


@dataclass(frozen=True)
class Size:
    """How many initiatives a search (with its filters) selects: ``n``, exactly or about."""

    n: int
    exact: bool


def about(n: float) -> int:
    """``n`` rounded to two significant figures (86,991 → 87,000; 1,234 → 1,200; 37 → 37): what a sample can say."""
    if n <= 0:
        return 0
    digits = max(0, math.floor(math.log10(n)) - 1)
    return int(round(n / 10**digits) * 10**digits)


@dataclass(frozen=True)
class Plan:
    """Which ids a sample tests against a search, before any is read (``plan``): ``condition`` on the initiatives,
    ``holds(pk)`` whether one of them is among those, and ``scale``, what turns a count of its matches into one of
    the whole. Two plans test no condition: ``Plan.EVERY`` (every candidate: the "sample" is the whole search) and
    ``Plan.NOTHING`` (no candidate: nothing to draw)."""

    condition: object | None
    holds: Callable[[int], bool]
    scale: float
    # Whether PostgreSQL reads its ids as a bitmap intersected with the search's indexes (ranges, or
    # ``selectors.pk_among_intersected``) rather than row by row by primary key: only such plans are drawn together.
    intersected: bool = True

    EVERY: ClassVar["Plan"]
    NOTHING: ClassVar["Plan"]


def sample(ids_queryset, within=None, *, collection: int | None = None, words: int = 1) -> tuple[list[int], float]:
    """The ids ``ids_queryset`` (a ``values("pk")`` or ``values_list("pk")`` of initiatives) gives within the
    sample, and the factor that scales a count of them to the whole (1.0: the sample is every candidate, the ids
    are all of them).

    The sample: ``SEARCH_SAMPLE_ROWS`` ids in ranges spread evenly over the id space, or, given ``within`` (the
    initiatives the facet and year filters select, a bitmap), ``SEARCH_FACET_SAMPLE`` of those, evenly spread. A
    facet's share of the id ranges would be a few dozen rows: an estimate of its search off by tens of per cent."""
    return drawn_together(ids_queryset, {None: plan(within, collection=collection, words=words)})[None]


def drawn_together(ids_queryset, plans: dict) -> dict:
    """``sample`` for each ``Plan`` of ``plans`` (by any key), of the same search (``ids_queryset``): the plans whose
    ids are intersected with the search's indexes in one query (the search tested on the ids of all of them at once,
    its matches then shared out by plan: an id may be in several), each other plan in a query of its own. A facet
    search's page draws two samples, its facets' initiatives' and the whole collection's (for the counts of the
    facet it names): in one query PostgreSQL reads the search's postings once (a common word's, 5 ms at 100,000
    initiatives), and one query fewer is planned and sent."""
    drawn, tested = {}, {}
    for key, planned in plans.items():
        if planned is Plan.NOTHING:
            drawn[key] = ([], 1.0)
        elif planned is Plan.EVERY:
            drawn[key] = (list(ids_queryset.values_list("pk", flat=True)), 1.0)
        else:
            tested[key] = planned
    # Ids read row by row by primary key are drawn on their own: joined by OR to others, two arrays of ids are read
    # as bitmaps (what ``selectors.pk_among_intersected`` writes on purpose), intersected with the search's index; at a
    # million a common word's is 500,000 postings (``q=national&country=sr``: 119 ms together, 16-30 alone).
    shared = {key: planned for key, planned in tested.items() if planned.intersected}
    if len(shared) < 2:
        shared = {}
    groups = ([shared] if shared else []) + [{key: planned} for key, planned in tested.items() if key not in shared]
    for group in groups:
        condition = reduce(or_, (Q(planned.condition) for planned in group.values()))
        found = list(ids_queryset.filter(condition).values_list("pk", flat=True))
        for key, planned in group.items():
            drawn[key] = (found if len(group) == 1 else [pk for pk in found if planned.holds(pk)], planned.scale)
    return drawn


def plan(within=None, *, collection: int | None = None, words: int = 1) -> Plan:
    """The ids a ``sample`` tests: ``SEARCH_FACET_SAMPLE`` of ``within`` (``_plan_within``), or, without it,
    ``SEARCH_SAMPLE_ROWS`` ids in ``SAMPLE_WINDOWS`` ranges spread evenly over the id space (one query: its
    bounds). Every id when the space is no larger."""
    if within is not None:
        return _plan_within(within, collection=collection, words=words)
    from .models import Initiative

    bounds = Initiative.objects.aggregate(low=Min("pk"), high=Max("pk"))
    low, high = bounds["low"], bounds["high"]
    if low is None:
        return Plan.NOTHING
    span = high - low + 1
    wanted = settings.SEARCH_SAMPLE_ROWS
    if span <= wanted:
        return Plan.EVERY
    # Evenly spread windows of the id space: every part of it (old and new initiatives) is in the sample.
    count = max(1, min(SAMPLE_WINDOWS, wanted))
    width = max(1, wanted // count)
    step = span / count
    starts = [low + int(i * step) for i in range(count)]
    named = span > NAMED_SAMPLE_ABOVE * wanted
    if named:
        # A small share of a large collection: each id of the windows is named. PostgreSQL reads them by primary key
        # and tests the search on each row, where it intersected ranges with the search's index, whose bitmap for a
        # common word holds most of the collection (at a million: 40-80 ms as ranges, 16-30 named).
        windows = selectors.pk_among(chain.from_iterable(range(start, start + width) for start in starts))
    else:  # a larger share: intersecting with the search's index is cheaper (at 100,000: 8-15 ms, 15-24 named)
        windows = selectors.pk_in_ranges((start, start + width - 1) for start in starts)

    def holds(pk: int) -> bool:
        place = bisect_right(starts, pk) - 1
        return place >= 0 and pk < starts[place] + width

    return Plan(windows, holds, span / (width * count), intersected=not named)


def _plan_within(within, *, collection: int | None = None, words: int = 1) -> Plan:
    """``plan`` among the ids of ``within``: every one of them when reading them all is what counting the search
    exactly would cost anyway (at most ``READS_PER_MATCH`` × ``SEARCH_EXACT_LIMIT``, or ``SEARCH_FACET_SAMPLE``):
    the count is then exact in one query; else ``SEARCH_FACET_SAMPLE`` of them, evenly spread.

    Each is read by its primary key and the search tested on its row, unless the search's own matches cost less to
    read: in a ``collection`` (the published initiatives) of at most ``INTERSECTED_UP_TO`` times as many as the ids
    drawn, per one of the search's ``words``, their ids are intersected with the search's indexes instead
    (``selectors.pk_among_intersected``; at 100,000 initiatives 2,198 ids drawn for ``q=diaspora``: 27 → 10 ms)."""
    wanted = max(1, settings.SEARCH_FACET_SAMPLE)
    if not within:
        return Plan.NOTHING
    if len(within) <= max(wanted, READS_PER_MATCH * settings.SEARCH_EXACT_LIMIT):
        drawn, scale = list(within), 1.0
    else:
        step = len(within) / wanted
        drawn = [within[int(i * step)] for i in range(wanted)]
        scale = len(within) / wanted
    intersected = collection is not None and collection * max(1, words) <= INTERSECTED_UP_TO * len(drawn)
    among = selectors.pk_among_intersected(drawn) if intersected else selectors.pk_among(drawn)
    return Plan(among, frozenset(drawn).__contains__, scale, intersected=intersected)


Plan.EVERY = Plan(None, lambda pk: True, 1.0)
Plan.NOTHING = Plan(None, lambda pk: False, 1.0)


def readable(estimate: float, within=None, collection: int | None = None) -> bool:
    """Whether a search of about ``estimate`` matches is worth counting exactly: at most ``SEARCH_EXACT_LIMIT``
    matches (each of them is ranked, about 20 µs apiece at 100,000 initiatives), and at most ``READS_PER_MATCH``
    times that many rows read to find them (each row read and its search vectors tested, about 6 µs).

    Without facet filters the read finds the matches through the search's indexes: it reads the matches. With them
    (``within``: the initiatives they select, out of ``collection``), the database reads the smaller of the facets'
    initiatives and the search's matches in the whole collection; the latter is guessed from the estimate, as if
    the words were spread evenly. A word common everywhere and a broad facet (``q=communities&theme=data``: 12,313
    initiatives read for 4,394 matches) are counted "about" instead."""
    limit = settings.SEARCH_EXACT_LIMIT
    if estimate > limit:
        return False
    if within is None or not collection or not within:
        return True
    everywhere = estimate * collection / len(within)
    return min(len(within), everywhere) <= READS_PER_MATCH * limit


def size(rows, drawn: tuple[list[int], float] | None = None, *, within=None, collection=None):
    """The size of ``rows`` (a search's initiatives): exact when it is worth counting (``readable``), else about
    (estimated from the sample, ``drawn`` when given; rounded, when the sample is every candidate). With it, the ids
    of all the rows when they were read to count them (the facets count those, not the search again)."""
    limit = settings.SEARCH_EXACT_LIMIT
    ids, scale = drawn if drawn is not None else sample(rows.order_by(), within)
    if scale == 1.0:
        return (Size(len(ids), True) if len(ids) <= limit else Size(about(len(ids)), False)), None
    estimate = len(ids) * scale
    if readable(estimate, within, collection):
        # Near the limit the sample may be off: every id is read, and more than the limit is "about". Not with a
        # LIMIT: PostgreSQL guesses words it has no statistics for at ~1 % of the rows each, and then plans to walk
        # the table until enough match (``q=jpcrmm OR hfrsw``: 22 matches, the million rows read, 9 s). What bounds
        # the read is the sample: at a million, a word in 1 % of the initiatives shows about 30 times in the 3,000
        # drawn, and is read only when it shows at most 3 times (practically never).
        every = list(rows.order_by().values_list("pk", flat=True))
        if len(every) <= limit:
            return Size(len(every), True), every
        estimate = max(estimate, len(every))
    return Size(about(estimate), False), None


def facet_counts(facets, base_ids, drawn: tuple[list[int], float], *, within=None, collection=None, counter=None):
    """``facet_counts.count(facets, base_ids)``, exact when the base is worth counting exactly (``readable``), else
    each count scaled from ``drawn`` (``sample(base_ids, within)``) and rounded (``facet_counts.Estimated``).
    ``counter(facets, ids)``: what counts a list of ids (the request's bitmaps: no query), ``facet_counts.count``
    by default."""
    from . import facet_counts as kept

    count_ids = counter or kept.count
    ids, scale = drawn
    limit = settings.SEARCH_EXACT_LIMIT
    if scale == 1.0 and len(ids) <= limit:
        return count_ids(facets, ids)
    if scale != 1.0 and readable(len(ids) * scale, within, collection):
        return kept.count(facets, base_ids)
    counted = count_ids(facets, ids)
    return {
        facet: kept.Estimated({term: about(n * scale) for term, n in found.items() if about(n * scale)})
        for facet, found in counted.items()
    }


# With facet filters, the title matches are looked for among the newest of the facets' initiatives, this many times
# SEARCH_RANKED_LIMIT of them (``ranked_page_ids``).
TITLE_MATCHES_READ_PER_CANDIDATE = 4
# With facet filters, the other matches are found among the newest of the facets' initiatives, in chunks of this many
# and four times more each time, up to REST_FROM_ORDER_UP_TO places down; deeper pages walk the listing's order in SQL.
REST_CHUNK = 100
REST_FROM_ORDER_UP_TO = 2_000
# At most this many of the facets' initiatives are tested for the other matches; past it (matches rarer than the
# estimate said), SQL walks the order.
REST_TESTED_UP_TO = 20_000


def ranked_page_ids(rows, query: str, *, within=None, newest=None):
    """For a broad search ordered by relevance (``rows``: its initiatives, ranked), a function giving the ids of
    ``rows[bottom:top]`` in the bounded order: first at most ``SEARCH_RANKED_LIMIT`` initiatives whose title or
    acronym matches, by rank, then every other match, newest first. Ranking is what costs (every match's search
    vectors read); this ranks a bounded number, and the newest others come from the listing's order.

    Without facet filters, the title matches are read among the published initiatives by the title indexes alone,
    then those the search selects are ranked (a title match is one of the search's matches; with ``-word`` it may
    not be): with the search's own condition, PostgreSQL intersected the title indexes with the search's, whose
    bitmap for a common word holds most of the collection (70-210 ms at a million; 10-60 ms without).

    With facet filters (``within``: the initiatives they select, a bitmap; ``newest(bottom, top)``: the ids at those
    places of them in the listing's order, ``InitiativeFilter.newest_within``), the title is tested on the newest
    ``TITLE_MATCHES_READ_PER_CANDIDATE`` × ``SEARCH_RANKED_LIMIT`` of them, by primary key (or by the title
    indexes, whichever PostgreSQL finds cheaper): all of them when they are fewer. Reading the whole collection's
    first title matches and keeping the facets' cost what the title word's postings do (a word in a fifth of the
    titles: 60-100 ms at a million) and kept few of a small facet (an organisation's 7,000 initiatives of a
    million: about 14 of 2,000). The other matches are then the newest of the facets' initiatives that the search
    selects, tested chunk by chunk: PostgreSQL walked the whole collection's order testing each initiative
    against the facets and the search (10-160 ms for an organisation at a million).
    """
    from . import search

    wanted = settings.SEARCH_RANKED_LIMIT
    ordered = within is not None and newest is not None

    def ranked_candidates() -> list[int]:
        from .models import Initiative

        titled = Initiative.objects.published().filter(search.title_matches(query))
        matching = titled.order_by().values_list("pk", flat=True)
        if within is None:
            # Those the search and filters select, ranked, put in the listing's order here: rank, then newest.
            ids = list(matching[:wanted])
            found = rows.filter(selectors.pk_among(ids)).order_by().values_list("rank", "published_at", "pk")
            return [pk for _rank, _at, pk in sorted(found, key=_relevance_key, reverse=True)] if ids else []
        read = wanted * TITLE_MATCHES_READ_PER_CANDIDATE
        if ordered:
            tested = list(within) if len(within) <= read else newest(0, read)
            kept = list(matching.filter(selectors.pk_among(tested))[:wanted]) if tested else []
        else:
            kept = [pk for pk in matching[:read] if pk in within][:wanted]
        return list(rows.filter(selectors.pk_among(kept)).values_list("pk", flat=True)) if kept else []

    def rest_from_order(ranked: list[int], start: int, needed: int) -> list[int] | None:
        """The ``needed`` other matches from place ``start`` on, newest first, from the facets' initiatives in the
        listing's order; None when that is too far down."""
        if start + needed > REST_FROM_ORDER_UP_TO:
            return None
        skip, found, place, chunk = set(ranked), [], 0, REST_CHUNK
        while len(found) < start + needed and place < len(within):
            if place >= REST_TESTED_UP_TO:
                return None
            ids = newest(place, place + min(chunk, REST_TESTED_UP_TO - place))
            if not ids:
                break
            selected = set(rows.order_by().filter(selectors.pk_among(ids)).values_list("pk", flat=True))
            found += [pk for pk in ids if pk in selected and pk not in skip]
            place += len(ids)
            chunk *= 4
        return found[start : start + needed]

    def page_ids(bottom: int, top: int) -> list[int]:
        ranked = ranked_candidates()
        ids = ranked[bottom:top]
        if len(ids) < top - bottom:
            start = max(0, bottom - len(ranked))
            needed = top - bottom - len(ids)
            others = rest_from_order(ranked, start, needed) if ordered else None
            if others is None:
                rest = rows.exclude(pk__in=ranked).newest_first().values_list("pk", flat=True)
                others = list(rest[start : start + needed])
            ids += others
        return ids

    return page_ids


def _relevance_key(row: tuple) -> tuple:
    """``(rank, published_at, pk)`` as ``order_by("-rank", "-published_at", "-pk")`` sorts them, reversed."""
    rank, published_at, pk = row
    return (
        rank if rank is not None else float("-inf"),
        published_at or datetime.datetime.min.replace(tzinfo=datetime.UTC),
        pk,
    )
