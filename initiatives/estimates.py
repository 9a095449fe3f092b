"""Bounded work for a broad search (issue 15): totals and facet counts "about N" from a sample, and a capped ranking.

A search for a common word matches most of the collection (``migrants``: 87,000 of 100,000). Counting those matches
exactly means finding all of them again (``COUNT(*)``, 300 ms at 100,000), counting their facets means reading
a million membership rows (700 ms), and ranking them means ``ts_rank_cd`` over every match's search vectors
(800 ms): work that grows with the collection, for numbers a visitor reads as "a lot".

So a search's size is first *estimated* from a sample: the matches among the initiatives whose ids fall in
``SAMPLE_WINDOWS`` evenly spread ranges of the id space, covering about ``SEARCH_SAMPLE_ROWS`` ids (a primary-key
range scan of a fixed number of rows, whatever the collection's size; when the ranges cover every id, the sample
is the whole collection and the "estimate" is the exact count). At most ``SEARCH_EXACT_LIMIT`` matches, the page
counts exactly, as before. Above it:

- the total is the estimate, rounded to two significant figures and shown as "about N";
- each facet's counts are the sample's counts scaled the same way, rounded alike and shown as "~N"
  (``facet_counts.Estimated``);
- the results are ranked among at most ``SEARCH_RANKED_LIMIT`` candidates, those whose title or acronym matches
  (``title_matches``, GIN indexes of their own, migration 0018), then the other matches follow newest first (the
  page says so): a page costs the same for any word.

Both databases do the same (SQLite counts exactly below the limit and samples above it too); the source of truth
stays the initiatives table: nothing here is stored but in the cache, under the same dependency keys as exact counts.
"""

import math
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.conf import settings
from django.db.models import Max, Min, Q

SAMPLE_WINDOWS = 50


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


def sample(ids_queryset) -> tuple[list[int], float]:
    """The ids ``ids_queryset`` (a ``values("pk")`` or ``values_list("pk")`` of initiatives) gives within the
    sample's id ranges, and the factor that scales a count of them to the whole (1.0: the ranges cover every id,
    the ids are all of them)."""
    from .models import Initiative

    bounds = Initiative.objects.aggregate(low=Min("pk"), high=Max("pk"))
    low, high = bounds["low"], bounds["high"]
    if low is None:
        return [], 1.0
    span = high - low + 1
    wanted = settings.SEARCH_SAMPLE_ROWS
    if span <= wanted:
        return list(ids_queryset.values_list("pk", flat=True)), 1.0
    # Evenly spread windows, each a primary-key range: every part of the id space (old and new initiatives) is in it.
    count = max(1, min(SAMPLE_WINDOWS, wanted))
    width = max(1, wanted // count)
    step = span / count
    ranges = reduce(or_, (Q(pk__range=(low + int(i * step), low + int(i * step) + width - 1)) for i in range(count)))
    ids = list(ids_queryset.filter(ranges).values_list("pk", flat=True))
    return ids, span / (width * count)


def size(rows, drawn: tuple[list[int], float] | None = None) -> tuple[Size, list[int] | None]:
    """The size of ``rows`` (a search's initiatives): exact when it is at most ``SEARCH_EXACT_LIMIT``, else about
    (estimated from the sample, ``drawn`` when given; rounded, when the sample is the whole collection). With it,
    the ids of all the rows when they were read to count them (the facets count those, not the search again)."""
    limit = settings.SEARCH_EXACT_LIMIT
    ids, scale = drawn if drawn is not None else sample(rows.order_by())
    if scale == 1.0:
        return (Size(len(ids), True) if len(ids) <= limit else Size(about(len(ids)), False)), None
    estimate = len(ids) * scale
    if estimate <= limit:
        # Near the limit the sample may be off: the ids are read, at most one more than the limit.
        every = list(rows.order_by().values_list("pk", flat=True)[: limit + 1])
        if len(every) <= limit:
            return Size(len(every), True), every
        estimate = max(estimate, len(every))
    return Size(about(estimate), False), None


def facet_counts(facets, base_ids, drawn: tuple[list[int], float]) -> dict[str, dict[int, int]]:
    """``facet_counts.count(facets, base_ids)``, exact when the base is at most ``SEARCH_EXACT_LIMIT`` initiatives,
    else each count scaled from ``drawn`` (``sample(base_ids)``) and rounded (``facet_counts.Estimated``)."""
    from . import facet_counts as kept

    ids, scale = drawn
    limit = settings.SEARCH_EXACT_LIMIT
    if scale == 1.0 and len(ids) <= limit:
        return kept.count(facets, ids)
    if scale != 1.0 and len(ids) * scale <= limit:
        return kept.count(facets, base_ids)
    counted = kept.count(facets, ids)
    return {
        facet: kept.Estimated({term: about(n * scale) for term, n in found.items() if about(n * scale)})
        for facet, found in counted.items()
    }


def ranked_page_ids(rows, query: str):
    """For a broad search ordered by relevance (``rows``: its initiatives, ranked), a function giving the ids of
    ``rows[bottom:top]`` in the bounded order: first at most ``SEARCH_RANKED_LIMIT`` initiatives whose title or
    acronym matches, by rank, then every other match, newest first. Ranking is what costs (every match's search
    vectors read); this ranks a bounded number, and the newest others come from the listing's order index."""
    from . import search

    def page_ids(bottom: int, top: int) -> list[int]:
        matching = rows.filter(search.title_matches(query)).order_by().values_list("pk", flat=True)
        candidates = list(matching[: settings.SEARCH_RANKED_LIMIT])
        ranked = list(rows.filter(pk__in=candidates).values_list("pk", flat=True)) if candidates else []
        ids = ranked[bottom:top]
        if len(ids) < top - bottom:
            start = max(0, bottom - len(ranked))
            rest = rows.exclude(pk__in=ranked).newest_first().values_list("pk", flat=True)
            ids += list(rest[start : start + top - bottom - len(ids)])
        return ids

    return page_ids
