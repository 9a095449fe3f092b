"""Dependency keys: what a cached value or a cacheable answer shows, and what a change touches, in one vocabulary.

A key names a part of the collection: ``initiative:<id>`` (one initiative, published or not), ``<taxonomy>:<term
id>`` (the published initiatives filed under a term: ``region:3``, ``theme:12``, ``sdg_target:40``, ``tag:7``…;
a region's are those that *cover* it, as its filter reads them), ``partner:<country id>`` (the published
initiatives an organisation based in that country takes part in), ``collection`` (anything that reads the whole
published collection) and ``all`` (everything: ``counts.ALL``).

An answer depends on the keys of what it reads. A value counted over initiatives restricted to some terms depends on
those terms only (any change to its rows is a change to an initiative filed under one of them, before or after);
without such a restriction, on ``collection``. So a term page, whose rows and facet counts all lie within its term,
depends on its term; the listing's facet of one taxonomy is counted *without* that taxonomy's filter (disjunctive
facets), so a listing filtered by one region still depends on ``collection`` through its region facet.

A change declares the keys of each initiative it writes as it was before and as it is after (``of_initiatives``):
the initiative, and when it is or was published, its terms, its partners' countries and ``collection``. A renamed,
merged or deleted term changes pages that only show its name: it moves ``all``.
"""

import threading
from collections.abc import Iterable

from django.db import transaction

from . import counts
from .counts import COLLECTION
from .models import FacetMembership, Initiative, Involvement
from .taxonomies import TAXONOMIES


def initiative_key(pk: int) -> str:
    return f"initiative:{pk}"


def term_key(taxonomy: str, pk: int) -> str:
    return f"{taxonomy}:{pk}"


def partner_key(country_pk: int) -> str:
    return f"partner:{country_pk}"


def of_initiatives(ids: Iterable[int]) -> frozenset[str]:
    """The keys of these initiatives as they are now: three queries, however many. Their terms are read from the
    facet-membership table (``facet_counts``), which the write path keeps in step with the relations (it holds a
    published initiative's terms as its filters read them, regions as covered); so before a change they are the
    terms the pages show, and after it (``initiative_written`` syncs the table first) the new ones."""
    ids = sorted({pk for pk in ids if pk is not None})
    keys = {initiative_key(pk) for pk in ids}
    published = list(Initiative.objects.published().filter(pk__in=ids).values_list("pk", flat=True))
    if not published:
        return frozenset(keys)  # a draft's change shows nowhere but (maybe) its own 404
    keys.add(COLLECTION)
    terms = (
        FacetMembership.objects.filter(initiative_id__in=published, facet__in=[t.name for t in TAXONOMIES])
        .values_list("facet", "term_id")
        .distinct()
    )
    keys.update(term_key(facet, pk) for facet, pk in terms)
    countries = Involvement.objects.filter(initiative_id__in=published, organisation__country__isnull=False)
    keys.update(partner_key(pk) for pk in set(countries.values_list("organisation__country_id", flat=True)))
    return frozenset(keys)


def of_filters(filterset, *, without: str | None = None) -> frozenset[str]:
    """What the rows of ``filterset`` (with every filter but ``without``'s) depend on: the terms of one of its term
    restrictions (the one with the fewest terms: its rows lie within them), else the whole collection."""
    candidates = []
    fixed = getattr(filterset, "fixed_term", None)
    if fixed is not None:  # a term page: its base queryset is restricted to the term whatever the filters
        candidates.append({term_key(filterset.fixed_facet, fixed.pk)})
    for name in filterset.FACETS:
        if name in (without, filterset.fixed_facet):
            continue
        terms = filterset.selected_terms(name)
        if terms:
            candidates.append({term_key(name, term.pk) for term in terms})
    return frozenset(min(candidates, key=len)) if candidates else frozenset({COLLECTION})


# --- announcing a change --------------------------------------------------------------------------------------------

_pending = threading.local()


def changed(keys: Iterable[str]) -> None:
    """Move ``keys`` now (no reader caches the state being changed) and once the transaction commits, then announce
    them (``collection_changed``), once per transaction with every key its changes named."""
    keys = frozenset(keys)
    if not keys:
        return
    counts.invalidate(keys, announce=False)
    pending = _pending_keys()
    pending.update(keys)
    transaction.on_commit(_announce)


def _pending_keys() -> set[str]:
    if not hasattr(_pending, "keys"):
        _pending.keys = set()
    return _pending.keys


def _announce() -> None:
    """The first callback of a transaction announces all its keys; the others find nothing left. (Keys of a
    transaction rolled back are announced with the next one that commits: a purge too many, never one too few.)"""
    pending = _pending_keys()
    if pending:
        keys = frozenset(pending)
        pending.clear()
        counts.invalidate(keys)
