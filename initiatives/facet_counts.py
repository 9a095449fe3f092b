"""Facet counts without counting the wide table: the derived membership table and the per-term totals (issue 15).

Counting a listing's facets was a join of each taxonomy's relation with ``initiatives_initiative`` (a wide table:
every translation, every search vector) to keep the published initiatives only: seven sequential scans of it for
one page, 0.2–3 s at 100,000 initiatives. Two tables derived from the relations make it cheap:

- ``FacetMembership`` (facet, term_id, initiative_id): one row per *published* initiative and term it is filed
  under, in every taxonomy; regions and goals as covered (``services.refresh_coverage``). A set of initiatives
  described by facet filters alone is an intersection of index ranges of this table, and the facets of a set are
  counted by an index-only scan of it, all facets that share a base in one query.
- ``TermTotal`` (facet, term_id, n): the number of rows per term, so the collection-wide counts (the unfiltered
  listing, a facet whose only filter is its own, the home page, the term indexes) are one small read.

Two more facets, not taxonomies, hold the years an initiative is active, so that the year filters are index ranges
of the same table (and bitmaps: ``facet_bitmaps.py``) rather than a scan of the wide table's dates: ``start_year``
(the year it began, when known) and ``end_year`` (the year it ended, or ``OPEN_END`` when it has begun and has no
end). "Active in or after Y" (``year_from``) is then ``end_year >= Y`` and "begun by Y" (``year_to``)
``start_year <= Y``, as the filters read the dates.

The relations stay the one source of truth: ``sync`` recomputes an initiative's rows from them in the one write
path (``services.initiative_written``) and moves the totals by the difference; ``rebuild`` (``manage.py
rebuild_facet_counts``, the migration that adds the tables) recomputes both from scratch, for data written
around the services (bulk loads).
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import astuple, dataclass

from django.db import connection, transaction
from django.db.models import CharField, Count, F, IntegerField, Q, QuerySet, Value
from django.db.models.functions import Cast, Coalesce, ExtractYear
from django.db.models.signals import post_delete

from .models import FacetChange, FacetMembership, Initiative, TermTotal
from .taxonomies import TAXONOMIES, ByForeignKey, initiative_content_type_id

MEMBERSHIP = FacetMembership._meta.db_table
TOTALS = TermTotal._meta.db_table
START_YEAR, END_YEAR = "start_year", "end_year"  # the facets of the years (see the module), beside the taxonomies'
OPEN_END = 9999  # the end year of an initiative begun and not ended: active in every year from its start


# --- what the relations say -----------------------------------------------------------------------------------


def _source(taxonomy, published: QuerySet) -> QuerySet:
    """(initiative_id, facet, term_id) of every initiative of ``published`` and term of ``taxonomy`` it has, each
    pair once (an organisation in two roles is one row), named ``member_initiative`` … for ``rebuild``."""
    filing = taxonomy.filing
    if isinstance(filing, ByForeignKey):
        rows = published.filter(**{f"{filing.column}__isnull": False}).order_by()
        initiative, term = F("pk"), F(filing.column)
    else:
        rows = filing.rows().filter(**{f"{filing.initiative_column}__in": published.order_by().values("pk")})
        initiative = Cast(filing.initiative_column, IntegerField())  # taggit's object_id
        term = F(filing.term_column)
    rows = rows.order_by().annotate(
        member_initiative=initiative,
        member_facet=Value(taxonomy.name, output_field=CharField()),
        member_term=term,
    )
    return rows.values_list("member_initiative", "member_facet", "member_term").distinct()


def _year_sources(published: QuerySet) -> list[QuerySet]:
    """The ``_source`` rows of the years: (initiative, ``start_year``, the year it began) when it has a start, and
    (initiative, ``end_year``, the year it ended or ``OPEN_END``) when it has an end or a start (what ``year_from``
    selects: it ended in or after the year, or has begun and not ended)."""
    published = published.order_by()
    begun = published.filter(start_date__isnull=False).annotate(
        member_initiative=F("pk"),
        member_facet=Value(START_YEAR, output_field=CharField()),
        member_term=ExtractYear("start_date"),
    )
    ends = published.filter(Q(end_date__isnull=False) | Q(start_date__isnull=False)).annotate(
        member_initiative=F("pk"),
        member_facet=Value(END_YEAR, output_field=CharField()),
        member_term=Coalesce(ExtractYear("end_date"), Value(OPEN_END), output_field=IntegerField()),
    )
    return [rows.values_list("member_initiative", "member_facet", "member_term") for rows in (begun, ends)]


def _sources(published: QuerySet) -> list[tuple[str, QuerySet]]:
    """Every ``_source`` (each taxonomy's, then the years'), each with a name for its subquery."""
    return [(taxonomy.name, _source(taxonomy, published)) for taxonomy in TAXONOMIES] + list(
        zip((START_YEAR, END_YEAR), _year_sources(published), strict=True)
    )


# The membership query of a few initiatives, compiled once per number of ids and database: the one write path runs
# it for every write, and building and compiling its eleven subqueries was most of what keeping the tables cost
# (about 15 ms of Python a publication). It is compiled with stand-in ids (negative numbers no row or other
# parameter has) whose places in the parameters are then filled with the real ones.
_COMPILED_UP_TO = 8
_compiled: dict[tuple, tuple[str, tuple, dict[int, int]]] = {}
_STAND_IN = -(2**40)


def _membership_sql(initiative_ids: list[int]) -> tuple[str, list]:
    """One query for every taxonomy: their ``_source`` rows, each selected by name from a subquery (Django orders
    a SELECT's columns its own way) and put together with UNION (each row once)."""
    published = Initiative.objects.published().filter(pk__in=initiative_ids)
    parts, params = [], []
    for name, source in _sources(published):
        sql, part_params = source.query.sql_with_params()
        parts.append(f"SELECT member_initiative, member_facet, member_term FROM ({sql}) AS {name}_rows")
        params.extend(part_params)
    return " UNION ".join(parts), params


def _compiled_membership_sql(n: int) -> tuple[str, tuple, dict[int, int]]:
    # Kept per database and per content type of initiatives, which the tags' subquery names: a process that serves
    # another database, or the same one emptied and filled again (the tests), must not read another's tags.
    key = (connection.alias, connection.settings_dict["NAME"], connection.vendor, initiative_content_type_id(), n)
    if key not in _compiled:
        stand_ins = [_STAND_IN - k for k in range(n)]
        sql, params = _membership_sql(stand_ins)
        places = {i: stand_ins.index(p) for i, p in enumerate(params) if type(p) is int and p in stand_ins}
        assert len(places) == n * (len(TAXONOMIES) + 2), "every stand-in id is a parameter of every subquery"
        _compiled[key] = (sql, tuple(params), places)
    return _compiled[key]


def memberships_of(initiative_ids: Iterable[int]) -> set[tuple[int, str, int]]:
    """What the relations say about these initiatives now: their rows if published, none otherwise (one query)."""
    ids = sorted(set(initiative_ids))
    if not ids:
        return set()
    if len(ids) > _COMPILED_UP_TO:
        sql, params = _membership_sql(ids)
    else:
        sql, template, places = _compiled_membership_sql(len(ids))
        params = [ids[places[i]] if i in places else p for i, p in enumerate(template)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {(int(i), f, int(t)) for i, f, t in rows}


# --- keeping them ---------------------------------------------------------------------------------------------


@transaction.atomic
def sync(initiative_ids: Iterable[int], *, deleted: bool = False) -> None:
    """Make these initiatives' membership rows what the relations say (none when ``deleted`` or not published),
    and move the totals of the terms that gained or lost one. Called once the relations are written."""
    ids = sorted({pk for pk in initiative_ids if pk is not None})
    if not ids:
        return
    wanted = set() if deleted else memberships_of(ids)
    stored = {
        (i, f, t): pk
        for pk, i, f, t in FacetMembership.objects.filter(initiative_id__in=ids).values_list(
            "pk", "initiative_id", "facet", "term_id"
        )
    }
    gone = [pk for row, pk in stored.items() if row not in wanted]
    new = [row for row in wanted if row not in stored]
    # Every initiative written, for each process's bitmaps (facet_bitmaps.py) and its copy of the listing's order
    # (listing_order.py): its rows may have changed, or its place in the order (published, unpublished, re-dated by
    # an import), which no row shows.
    written = FacetChange.objects.bulk_create([FacetChange(initiative_id=i) for i in ids])
    _prune_changes(max(change.pk or 0 for change in written), len(written))
    if not gone and not new:
        return
    delta: Counter = Counter()
    for row in stored:
        if row not in wanted:
            delta[row[1:]] -= 1
    for _i, f, t in new:
        delta[(f, t)] += 1
    if gone:
        FacetMembership.objects.filter(pk__in=gone).delete()
    if new:
        FacetMembership.objects.bulk_create(
            [FacetMembership(initiative_id=i, facet=f, term_id=t) for i, f, t in sorted(new)]
        )
    _move_totals({key: n for key, n in delta.items() if n})


# The change log is pruned each time its ids pass a multiple of PRUNE_EVERY: the rows older than the last
# KEEP_CHANGES go, and a row whose initiative is minus the last id deleted says so (a process that had not read
# them reads everything again; one that had ignores it). KEEP_CHANGES is above facet_bitmaps.REBUILD_ABOVE: a
# process that far behind reads everything anyway.
PRUNE_EVERY = 1_000
KEEP_CHANGES = 10_000


def _prune_changes(newest: int, written: int) -> None:
    if not newest or newest // PRUNE_EVERY == (newest - written) // PRUNE_EVERY or newest <= KEEP_CHANGES:
        return
    floor = newest - KEEP_CHANGES
    FacetChange.objects.filter(id__lte=floor).delete()
    FacetChange.objects.create(initiative_id=-floor)


def _move_totals(delta: dict[tuple[str, int], int]) -> None:
    """Add ``delta`` to the totals, in a few statements of plain SQL (the ORM's select, bulk update and bulk create
    were about 15 ms of Python a publication): on PostgreSQL the rows concerned are locked first, in key order (two
    writers never lose a change nor wait for each other in a circle); the terms that gain are added to in one upsert
    (a term's first initiative makes its row); those that lose are lowered, never below 0 (an empty term is a count
    of 0: its row stays)."""
    if not delta:
        return
    keys = sorted(delta)
    table = connection.ops.quote_name(TOTALS)
    with connection.cursor() as cursor:
        if connection.features.has_select_for_update:
            cursor.execute(
                f"SELECT 1 FROM {table} WHERE (facet, term_id) IN ({', '.join(['(%s, %s)'] * len(keys))}) "
                "ORDER BY facet, term_id FOR UPDATE",
                [value for key in keys for value in key],
            )
        gains = [(facet, term_id, delta[facet, term_id]) for facet, term_id in keys if delta[facet, term_id] > 0]
        if gains:
            cursor.execute(
                f"INSERT INTO {table} (facet, term_id, n) VALUES {', '.join(['(%s, %s, %s)'] * len(gains))} "
                f"ON CONFLICT (facet, term_id) DO UPDATE SET n = {table}.n + excluded.n",
                [value for row in gains for value in row],
            )
        losses: dict[int, list] = {}
        for facet, term_id in keys:
            if delta[facet, term_id] < 0:
                losses.setdefault(-delta[facet, term_id], []).extend([facet, term_id])
        for lost, pairs in sorted(losses.items()):
            cursor.execute(
                f"UPDATE {table} SET n = CASE WHEN n > %s THEN n - %s ELSE 0 END "
                f"WHERE (facet, term_id) IN ({', '.join(['(%s, %s)'] * (len(pairs) // 2))})",
                [lost, lost, *pairs],
            )


@transaction.atomic
def rebuild() -> int:
    """Recompute both tables from the relations (every published initiative); returns the number of rows."""
    FacetMembership.objects.all().delete()
    TermTotal.objects.all().delete()
    FacetChange.objects.all().delete()
    FacetChange.objects.create(initiative_id=None)  # every process's bitmaps read everything again
    published = Initiative.objects.published()
    with connection.cursor() as cursor:
        for _name, source in _sources(published):
            sql, params = source.query.sql_with_params()
            # By name from a subquery: Django orders a SELECT's columns its own way.
            cursor.execute(
                f"INSERT INTO {MEMBERSHIP} (initiative_id, facet, term_id) "
                f"SELECT member_initiative, member_facet, member_term FROM ({sql}) AS source",
                params,
            )
        cursor.execute(
            f"INSERT INTO {TOTALS} (facet, term_id, n) SELECT facet, term_id, COUNT(*) FROM {MEMBERSHIP} "
            "GROUP BY facet, term_id"
        )
    return FacetMembership.objects.count()


# --- reading them ---------------------------------------------------------------------------------------------


def totals(facet: str) -> dict[int, int]:
    """Published initiatives per term of ``facet``, from the kept totals (one query)."""
    return dict(TermTotal.objects.filter(facet=facet, n__gt=0).values_list("term_id", "n"))


def all_totals(facets: Iterable[str]) -> dict[str, dict[int, int]]:
    """``totals`` of several facets in one query."""
    found: dict[str, dict[int, int]] = {facet: {} for facet in facets}
    for facet, term_id, n in TermTotal.objects.filter(facet__in=list(found), n__gt=0).values_list(
        "facet", "term_id", "n"
    ):
        found[facet][term_id] = n
    return found


@dataclass(frozen=True)
class Restriction:
    """The published initiatives filed in ``facet`` under one of ``term_ids`` or (the years) under a term from
    ``at_least`` to ``at_most``."""

    facet: str
    term_ids: tuple[int, ...] | None = None
    at_least: int | None = None
    at_most: int | None = None

    def rows(self) -> QuerySet:
        """Their ids, as a subquery of the membership table."""
        rows = FacetMembership.objects.filter(facet=self.facet)
        if self.term_ids is not None:
            rows = rows.filter(term_id__in=list(self.term_ids))
        if self.at_least is not None:
            rows = rows.filter(term_id__gte=self.at_least)
        if self.at_most is not None:
            rows = rows.filter(term_id__lte=self.at_most)
        return rows.values("initiative_id")

    def takes(self, term_id: int) -> bool:
        return (
            (self.term_ids is None or term_id in self.term_ids)
            and (self.at_least is None or term_id >= self.at_least)
            and (self.at_most is None or term_id <= self.at_most)
        )


class Members(tuple):
    """The published initiatives in every one of its ``Restriction``s (at least one): a listing's filters when they
    are all facets and years. Counted from the bitmaps without reading the ids from the database (an intersection
    of unions of bitmaps, in memory), or in SQL from ``queryset()``."""

    def queryset(self) -> QuerySet:
        first, *rest = self
        base = first.rows()
        for restriction in rest:
            base = base.filter(initiative_id__in=restriction.rows())
        return base

    @property
    def key(self) -> tuple:
        """A cache key part naming the same initiatives as ``queryset()``'s SQL would."""
        return ("members", *(astuple(restriction) for restriction in self))


def members(facet: str, term_ids) -> QuerySet:
    """The ids of the published initiatives filed under any of ``term_ids`` in ``facet`` (a subquery)."""
    return Restriction(facet, tuple(term_ids)).rows()


class Estimated(dict):
    """Counts per term scaled from a sample (``estimates.py``, a broad search): each one "about", and shown so."""


def count(facets: Iterable[str], base_ids: QuerySet | list[int] | Members) -> dict[str, dict[int, int]]:
    """For each of ``facets``, how many of the initiatives whose ids ``base_ids`` gives (a subquery, a list, or
    ``Members``) each term has: from each process's bitmaps (``facet_bitmaps.py``: the ids of the base read or, for
    ``Members``, made in memory, then one intersection per term), or in one query (an index-only scan of the
    membership table by initiative) where they are not used."""
    from . import facet_bitmaps

    if isinstance(base_ids, Members):
        snapshot = facet_bitmaps.snapshot()
        if snapshot is not None:
            return snapshot.count(facets, snapshot.ids(base_ids))
        base_ids = base_ids.queryset()
    else:
        counted = facet_bitmaps.count(facets, base_ids)
        if counted is not None:
            return counted
    found: dict[str, dict[int, int]] = {facet: {} for facet in facets}
    rows = (
        FacetMembership.objects.filter(facet__in=list(found), initiative_id__in=base_ids)
        .values_list("facet", "term_id")
        .annotate(n=Count("*"))
        .order_by()
    )
    for facet, term_id, n in rows:
        found[facet][term_id] = n
    return found


def in_years(*, since: int | None = None, until: int | None = None) -> list[Restriction]:
    """The restrictions of the year filters: active in or after ``since`` (ended then or later, or not ended), begun
    by the end of ``until``."""
    found = []
    if since is not None:
        found.append(Restriction(END_YEAR, at_least=since))
    if until is not None:
        found.append(Restriction(START_YEAR, at_most=until))
    return found


def count_distinct(base_ids: QuerySet) -> int:
    """How many initiatives ``base_ids`` (a ``members`` subquery, maybe intersected: ``Members.queryset()``) gives,
    in one query, an index-only scan of the membership table (a listing's total when its filters are facets and
    years and the bitmaps are not used)."""
    return base_ids.aggregate(n=Count("initiative_id", distinct=True))["n"]


def restrict(qs: QuerySet, facet: str, term_ids) -> QuerySet:
    """Initiatives of ``qs`` filed under any of ``term_ids`` (published ones only: the table holds no other)."""
    return qs.filter(pk__in=members(facet, term_ids))


# --- a deleted term -------------------------------------------------------------------------------------------


def _term_deleted(sender, instance, **kwargs):
    """A term deleted (in the admin, or the source of a merge) takes its rows and its total with it: the relations
    that filed initiatives under it are gone by the same cascade."""
    for taxonomy in TAXONOMIES:
        if taxonomy.model is sender:
            FacetMembership.objects.filter(facet=taxonomy.name, term_id=instance.pk).delete()
            TermTotal.objects.filter(facet=taxonomy.name, term_id=instance.pk).delete()
            FacetChange.objects.create(initiative_id=None)


for _taxonomy in TAXONOMIES:
    post_delete.connect(_term_deleted, sender=_taxonomy.model, dispatch_uid=f"facet_counts-{_taxonomy.name}")
