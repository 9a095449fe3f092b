"""Writing built initiatives into the database, in bulk, and the ``generate`` entry point."""

import collections
import concurrent.futures
import contextlib
import datetime
import functools
import itertools
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator, Sequence

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVectorField
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone
from django.utils.text import slugify
from psycopg import sql as psycopg_sql
from taggit.models import Tag, TaggedItem

from initiatives import counts, facet_counts, search
from initiatives.models import (
    Category,
    Country,
    FacetMembership,
    Initiative,
    Involvement,
    Organisation,
    SearchWord,
    TermTotal,
    Theme,
)

from .building import (
    SLUG_PREFIX,
    CountryInfo,
    InitiativeData,
    OrganisationSpec,
    Pools,
    build_initiatives,
    initiative_slug,
)

ProgressCallback = Callable[[int, int], None]
Built = tuple[InitiativeData, dict]  # a built initiative and its Initiative columns (InitiativeData.model_fields)
_worker: dict = {}


class TaxonomyMissing(Exception):
    """The taxonomy the generator files initiatives under has not been loaded."""


def check_taxonomy() -> None:
    """Raise ``TaxonomyMissing`` unless there are categories, themes and countries to choose from."""
    missing = [
        label
        for label, model in (("categories", Category), ("themes", Theme), ("countries", Country))
        if not model.objects.exists()
    ]
    if missing:
        raise TaxonomyMissing(
            f"The taxonomy is not loaded (no {', '.join(missing)}). Run `manage.py load_taxonomy` first."
        )


def ensure_organisations(pool: Sequence[OrganisationSpec]) -> dict[str, int]:
    """Get or create the pool's organisations by slug; their pks by slug."""
    slugs = [spec.slug for spec in pool]
    existing = dict(Organisation.objects.filter(slug__in=slugs).values_list("slug", "pk"))
    missing = [
        Organisation(slug=spec.slug, name=spec.name, acronym=spec.acronym, website=spec.website)
        for spec in pool
        if spec.slug not in existing
    ]
    for organisation in Organisation.objects.bulk_create(missing):
        existing[organisation.slug] = organisation.pk
    return existing


def ensure_tags(names: Sequence[str]) -> dict[str, int]:
    """Get or create taggit tags by name (with a free slug); their pks by name."""
    existing = dict(Tag.objects.filter(name__in=names).values_list("name", "pk"))
    missing = [name for name in names if name not in existing]
    if missing:
        taken = set(Tag.objects.filter(slug__in=[slugify(n) for n in missing]).values_list("slug", flat=True))
        new = []
        for name in missing:
            slug, suffix = slugify(name)[:100], 1
            while slug in taken:
                suffix += 1
                slug = f"{slugify(name)[:90]}-{suffix}"
            taken.add(slug)
            new.append(Tag(name=name, slug=slug))
        for tag in Tag.objects.bulk_create(new):
            existing[tag.name] = tag.pk
    return existing


def built_batches(
    *, seed: int, plan: Sequence[list[int]], pools: Pools, now: datetime.datetime, workers: int = 1
) -> Iterator[list[Built]]:
    """The built initiatives of each batch of ``plan``, in order, with their columns (the Markdown rendered).

    Building is pure Python and costs more than writing: with ``workers`` > 1, forked processes build the next
    batches while this one writes (at most two batches ahead per worker, so memory stays bounded).
    """
    if workers <= 1:
        for numbers in plan:
            yield _build(seed, numbers, pools, now)
        return
    # The children inherit this process's database connection and never use it: they only build, and end with
    # os._exit (multiprocessing's fork workers), which closes nothing a parent still uses.
    context = multiprocessing.get_context("fork")
    with context.Pool(workers, initializer=_start_worker, initargs=(seed, pools, now)) as pool:
        pending: collections.deque = collections.deque()
        batches = iter(plan)
        for numbers in itertools.islice(batches, 2 * workers):
            pending.append(pool.apply_async(_build_in_worker, (numbers,)))
        while pending:
            built = pending.popleft().get()
            for numbers in itertools.islice(batches, 1):
                pending.append(pool.apply_async(_build_in_worker, (numbers,)))
            yield built


def _build(seed: int, numbers: Sequence[int], pools: Pools, now: datetime.datetime) -> list[Built]:
    return [
        (record, record.model_fields())
        for record in build_initiatives(seed=seed, numbers=numbers, pools=pools, now=now)
    ]


def _start_worker(seed: int, pools: Pools, now: datetime.datetime) -> None:
    _worker.update(seed=seed, pools=pools, now=now)


def _build_in_worker(numbers: list[int]) -> list[Built]:
    return _build(_worker["seed"], numbers, _worker["pools"], _worker["now"])


# --- the portable path: the ORM's bulk_create (SQLite) --------------------------------------------------------


def _through(field_name: str, pairs: Iterable[tuple[int, int]]) -> None:
    """Bulk-insert rows of an auto-created many-to-many table of Initiative."""
    field = Initiative._meta.get_field(field_name)
    through = field.remote_field.through
    source, target = field.m2m_column_name(), field.m2m_reverse_name()
    through.objects.bulk_create([through(**{source: a, target: b}) for a, b in pairs])


def write_batch(built: Sequence[Built], *, organisation_ids: dict[str, int], tag_ids: dict[str, int]) -> int:
    """Insert one batch of initiatives with all their relations, in one transaction, through the ORM."""
    if not built:
        return 0
    with transaction.atomic():
        initiatives = Initiative.objects.bulk_create([Initiative(**fields) for _record, fields in built])
        pairs = [(initiative.pk, record) for initiative, (record, _fields) in zip(initiatives, built, strict=True)]
        for name, ids in _RELATIONS:
            _through(name, ((pk, target) for pk, r in pairs for target in getattr(r, ids)))
        Involvement.objects.bulk_create(
            [
                Involvement(initiative_id=pk, organisation_id=organisation_ids[slug], role=role, note=note)
                for pk, r in pairs
                for slug, role, note in r.involvements
            ]
        )
        content_type_id = ContentType.objects.get_for_model(Initiative).pk
        TaggedItem.objects.bulk_create(
            [
                TaggedItem(content_type_id=content_type_id, object_id=pk, tag_id=tag_ids[name])
                for pk, r in pairs
                for name in r.tags
            ]
        )
    return len(initiatives)


# The many-to-many relations a built initiative names, each with the attribute of InitiativeData holding the pks.
_RELATIONS = (
    ("themes", "theme_ids"),
    ("principles", "principle_ids"),
    ("regions", "region_ids"),
    ("countries", "country_ids"),
    ("covered_regions", "covered_region_ids"),
)


# --- the fast path: COPY (PostgreSQL) -----------------------------------------------------------------------


class CopyWriter:
    """Insert batches with ``COPY … FROM STDIN`` (psycopg 3), several times faster than INSERTs at a million.

    The rows are the very ones ``bulk_create`` would write: the columns of ``Initiative(**fields)`` as Django
    prepares them for the database, worked out once (``columns``) instead of building a model instance per row,
    which costs more than the rest of a row. Triggers fire on COPY as on INSERT, so the search vectors are
    computed by the same trigger function as for any write.
    """

    def __init__(self, *, organisation_ids: dict[str, int], tag_ids: dict[str, int]):
        self.organisation_ids, self.tag_ids = organisation_ids, tag_ids
        self.content_type_id = ContentType.objects.get_for_model(Initiative).pk
        self.table = Initiative._meta.db_table
        self.names, self.plan = columns()
        self.involvement = Involvement._meta
        self.tagged = TaggedItem._meta

    def row(self, pk: int, fields: dict, moment: datetime.datetime) -> list:
        values = [pk]
        for source, value, prep in self.plan:
            if source is _MOMENT:
                values.append(moment)
            elif source is None:
                values.append(value)
            else:
                value = fields[source]
                values.append(value if type(value) in _PLAIN else prep(value))
        return values

    def __call__(self, built: Sequence[Built]) -> int:
        if not built:
            return 0
        with transaction.atomic(), connection.cursor() as wrapper:
            cursor = wrapper.cursor
            cursor.execute("SET LOCAL synchronous_commit TO OFF")  # benchmark data: a crash means generating again
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [self.table, len(built)]
            )
            pks = [pk for (pk,) in cursor.fetchall()]
            moment = timezone.now()  # auto_now(_add): one moment per batch
            self._copy(
                cursor,
                self.table,
                ["id", *self.names],
                (self.row(pk, f, moment) for pk, (_r, f) in zip(pks, built, strict=True)),
            )
            pairs = list(zip(pks, (record for record, _fields in built), strict=True))
            for name, ids in _RELATIONS:
                field = Initiative._meta.get_field(name)
                self._copy(
                    cursor,
                    field.remote_field.through._meta.db_table,
                    [field.m2m_column_name(), field.m2m_reverse_name()],
                    ((pk, target) for pk, r in pairs for target in getattr(r, ids)),
                )
            column = self.involvement.get_field
            self._copy(
                cursor,
                self.involvement.db_table,
                [column(name).column for name in ("initiative", "organisation", "role", "note")],
                (
                    (pk, self.organisation_ids[slug], role, note)
                    for pk, r in pairs
                    for slug, role, note in r.involvements
                ),
            )
            column = self.tagged.get_field
            self._copy(
                cursor,
                self.tagged.db_table,
                [column(name).column for name in ("content_type", "object_id", "tag")],
                ((self.content_type_id, pk, self.tag_ids[name]) for pk, r in pairs for name in r.tags),
            )
        return len(built)

    @staticmethod
    def _copy(cursor, table: str, names: list[str], rows: Iterable) -> None:
        statement = psycopg_sql.SQL("COPY {} ({}) FROM STDIN").format(
            psycopg_sql.Identifier(table), psycopg_sql.SQL(", ").join(map(psycopg_sql.Identifier, names))
        )
        with cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)


@contextlib.contextmanager
def foreign_keys_checked_at_the_end(tables: Sequence[str]) -> Iterator[None]:
    """Drop the foreign keys of ``tables`` for the load and add them back at the end, which checks every row at once.

    Django's foreign keys are deferred: each row of a batch queues a check that runs at COMMIT, one query per row
    and key, about 27 per initiative with its relations, which is more than the rest of the load put together at a
    million. Adding a key back checks the whole table with one join instead. If anything written is wrong, adding
    it back fails, as the commit would have. The keys come back even if the load fails half-way.
    """
    with _rebuilt_at_the_end([functools.partial(_drop_constraints, tables, "f")]):
        yield


@contextlib.contextmanager
def indexes_built_at_the_end(tables: Sequence[str]) -> Iterator[None]:
    """Drop the secondary indexes of ``tables`` for the load and build them again at the end, from their definitions.

    Keeping an index up to date row by row costs more than building it once from the finished table: measured at
    10,000 initiatives, the COPY's server time went from 2.8 s to 2.0 s without them, and the four search vectors'
    GIN indexes build far faster in one pass (with ``maintenance_work_mem`` raised for it). The primary keys and
    the unique indexes stay: they are what refuses a duplicate during the load. The indexes come back even if
    the load fails half-way, the same ones (``pg_get_indexdef``).
    """
    with _rebuilt_at_the_end([functools.partial(_drop_indexes, tables)]):
        yield


@contextlib.contextmanager
def unique_constraints_added_at_the_end(tables: Sequence[str]) -> Iterator[None]:
    """Drop the unique constraints (not the primary keys) of ``tables`` and add them back at the end, which builds
    their indexes in one pass and refuses a duplicate then, as an insert would have.

    For the facet-membership table, whose rows a rebuild inserts in an order unrelated to its unique index (facet,
    term, initiative): measured at 100,000 initiatives, the rebuild cost PostgreSQL 9.6-11.0 s of CPU with the
    constraint, and 3.4 s without it plus 1.9 s to add it back. Meant for tables rebuilt in one go (the derived
    ones), not for those the load appends to in batches, whose unique indexes refuse a duplicate when it comes.
    """
    with _rebuilt_at_the_end([functools.partial(_drop_constraints, tables, "u")]):
        yield


@contextlib.contextmanager
def all_built_at_the_end(loaded: Sequence[str], derived: Sequence[str]) -> Iterator[None]:
    """The three above for a big load: the foreign keys of every table, the secondary indexes of every table and the
    unique constraints of the ``derived`` ones. At the end the indexes and unique constraints are built side by
    side, then the keys are checked side by side (an index build or a key's check is one process of PostgreSQL's:
    one core each, they were 158 s of a million's load on two cores)."""
    tables = [*loaded, *derived]
    with _rebuilt_at_the_end(
        [functools.partial(_drop_constraints, tables, "f")],
        [functools.partial(_drop_indexes, tables), functools.partial(_drop_constraints, derived, "u")],
    ):
        yield


Statement = psycopg_sql.Composable
# What makes a dropped thing again: (a statement run first, alone, or None; the statement run side by side with the
# others; the bytes it reads, to start the longest first).
Restore = tuple[Statement | None, Statement, int]


@contextlib.contextmanager
def _rebuilt_at_the_end(*groups: Sequence[Callable[[], list[Restore]]]) -> Iterator[None]:
    """Call the functions of each group (each drops something and returns the statements that make it again), then,
    at the end, even if the load failed half-way, run those statements group by group, the last group first: in a
    group, the first statements one after the other, then the others side by side, the largest first
    (``_run_side_by_side``).
    Checks still queued would forbid ALTER TABLE inside a transaction: they run first."""
    _constraints_immediate()
    restore: list[list[Restore]] = []
    try:
        for group in groups:
            restore.append([statements for drop in group for statements in drop()])
        yield
    finally:
        _constraints_immediate()
        for statements in reversed(restore):
            with connection.cursor() as cursor:
                for first, _then, _size in statements:
                    if first is not None:
                        cursor.execute(first)
            _run_side_by_side([then for _first, then, _size in sorted(statements, key=lambda s: -s[2])])


def _constraints_immediate() -> None:
    if connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _drop_indexes(tables: Sequence[str]) -> list[Restore]:
    """Drop the secondary indexes of ``tables`` (not the primary keys, unique or constraint ones); their definitions."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid), pg_relation_size(i.indexrelid) "
            "FROM pg_index i "
            "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary AND NOT i.indisunique "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) ORDER BY 1",
            [list(tables)],
        )
        indexes = cursor.fetchall()
        for name, _definition, _size in indexes:
            cursor.execute(psycopg_sql.SQL("DROP INDEX {}").format(psycopg_sql.SQL(name)))  # regclass quotes it
    return [(None, psycopg_sql.SQL(definition), size) for _name, definition, size in indexes]


def _drop_constraints(tables: Sequence[str], kind: str) -> list[Restore]:
    """Drop the constraints of ``kind`` (``pg_constraint.contype``: "f" foreign keys, "u" unique) of ``tables``; the
    statements that add them again, from their definitions (``pg_get_constraintdef``).

    A foreign key comes back in two statements: added ``NOT VALID`` first (at once; it holds for the rows written
    from then on), then ``VALIDATE CONSTRAINT``, which checks the rows already there under locks that let other keys
    be checked at the same time (adding a valid key locks both its tables against another key's check). If a row is
    wrong, the validation fails as the commit would have; outside a transaction the key then stays, not valid."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), "
            "pg_relation_size(CASE WHEN contype = 'u' THEN conindid ELSE conrelid END) FROM pg_constraint "
            "WHERE contype = %s AND conrelid = ANY(%s::regclass[]) ORDER BY 1, 2",
            [kind, list(tables)],
        )
        constraints = cursor.fetchall()
        for table, name, _definition, _size in constraints:  # the table as regclass writes it: quoted where it must be
            cursor.execute(
                psycopg_sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(
                    psycopg_sql.SQL(table), psycopg_sql.Identifier(name)
                )
            )
    statements = []
    for table, name, definition, size in constraints:
        add = psycopg_sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {}").format(
            psycopg_sql.SQL(table), psycopg_sql.Identifier(name), psycopg_sql.SQL(definition)
        )
        if kind == "f":
            validate = psycopg_sql.SQL("ALTER TABLE {} VALIDATE CONSTRAINT {}").format(
                psycopg_sql.SQL(table), psycopg_sql.Identifier(name)
            )
            statements.append((psycopg_sql.SQL("{} NOT VALID").format(add), validate, size))
        else:
            statements.append((None, add, size))
    return statements


def _run_side_by_side(statements: Sequence[Statement]) -> None:
    """Run ``statements``, with ``maintenance_work_mem`` raised for the index builds: on PostgreSQL outside a
    transaction, in as many connections at once as there are cores; else one after the other in this connection
    (inside a transaction, other connections could not see the tables or would wait for its locks)."""
    if not statements:
        return
    workers = min(len(statements), os.cpu_count() or 1)
    if connection.vendor != "postgresql" or connection.in_atomic_block or workers == 1:
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem TO '1GB'")
            for statement in statements:
                cursor.execute(statement)
            cursor.execute("RESET maintenance_work_mem")
        return
    # Every statement runs even when one fails (Executor.map would cancel those not started): what was dropped all
    # comes back; then the first error is raised.
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        futures = [pool.submit(_run_in_own_connection, statement) for statement in statements]
    for future in futures:
        future.result()


def _run_in_own_connection(statement: Statement) -> None:
    """Run one statement in this thread's own connection (Django's connections are per thread), then close it."""
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SET maintenance_work_mem TO '1GB'")
            cursor.execute(statement)
    finally:
        connections.close_all()


def loaded_tables() -> list[str]:
    """The tables the generator writes rows into."""
    throughs = [Initiative._meta.get_field(name).remote_field.through._meta.db_table for name, _ids in _RELATIONS]
    return [Initiative._meta.db_table, *throughs, Involvement._meta.db_table, TaggedItem._meta.db_table]


def derived_tables() -> list[str]:
    """The tables rebuilt from the loaded ones at the end of a load (the facet counts)."""
    return [FacetMembership._meta.db_table, TermTotal._meta.db_table]


_MOMENT = object()  # an auto_now / auto_now_add column: the moment of the batch
_PLAIN = frozenset({str, int, bool, float, type(None), datetime.date, datetime.datetime})


def columns() -> tuple[list[str], list[tuple]]:
    """The Initiative columns COPY writes (all but the pk and the trigger-kept search vectors) and, for each, where
    its value comes from: ``(key of InitiativeData.model_fields, None, prep)``, ``(None, constant, None)`` or
    ``(_MOMENT, None, None)``.

    Worked out by building one probe instance with a marker in each text field: a column that holds the marker of
    ``title_en`` (modeltranslation copies the default language's text into ``title``) takes its value from there.
    """
    sample = build_initiatives(seed=0, numbers=[1], pools=_probe_pools(), now=timezone.now())[0].model_fields()
    markers = {key: f"\x1f{key}\x1f" if isinstance(value, str) else value for key, value in sample.items()}
    by_marker = {marker: key for key, marker in markers.items() if isinstance(marker, str)}
    probe, blank = Initiative(**markers), Initiative()
    names, plan = [], []
    for field in Initiative._meta.concrete_fields:
        if field.primary_key or isinstance(field, SearchVectorField):
            continue
        names.append(field.column)
        value = getattr(probe, field.attname)
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            plan.append((_MOMENT, None, None))
        elif isinstance(value, str) and value in by_marker:
            plan.append((by_marker[value], None, functools.partial(field.get_db_prep_save, connection=connection)))
        elif field.attname in sample:
            plan.append((field.attname, None, functools.partial(field.get_db_prep_save, connection=connection)))
        else:
            plan.append((None, field.get_db_prep_save(getattr(blank, field.attname), connection), None))
    return names, plan


def _probe_pools() -> Pools:
    """The smallest taxonomy the builder accepts, for ``columns``' probe (no database needed)."""
    return Pools(
        categories=[("probe", 1)],
        themes=[(1, 1)],
        principles=[],
        regions=[],
        countries=[CountryInfo(1, "aa", "A", None)],
    )


LATE_CHECKS_FROM = 50_000


def method() -> str:
    """How this database is written: "COPY" (PostgreSQL) or "bulk_create"."""
    return "COPY" if connection.vendor == "postgresql" else "bulk_create"


def default_batch_size() -> int:
    return 20_000 if connection.vendor == "postgresql" else 2_000


def generate(
    *,
    count: int,
    seed: int = 1,
    batch_size: int = 2000,
    progress: ProgressCallback | None = None,
    dry_run: bool = False,
    now: datetime.datetime | None = None,
    workers: int = 1,
    copy: bool | None = None,
    late_checks: bool | None = None,
    stage: Callable[[str], None] | None = None,
) -> int:
    """Add synthetic initiatives 1…``count`` of ``seed`` that do not exist yet; return how many were added.

    ``progress(done, total)`` is called after each batch. With ``dry_run`` everything is built but nothing is
    written; the return value is then how many would have been added. ``copy`` (default: on PostgreSQL) writes
    with COPY rather than bulk_create; ``workers`` > 1 builds in that many forked processes; ``late_checks``
    (default: with COPY, from ``LATE_CHECKS_FROM`` initiatives on) checks the foreign keys once at the end
    (``foreign_keys_checked_at_the_end``). ``stage(name)`` is called as each step after the rows starts (for timing).
    """
    stage = stage or (lambda name: None)
    if count < 0:
        raise ValueError("count must not be negative")
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    check_taxonomy()
    now = now or timezone.now()
    pools = Pools.from_database()
    existing = set(Initiative.objects.filter(slug__startswith=f"{SLUG_PREFIX}-{seed}-").values_list("slug", flat=True))
    write = None
    if not dry_run:
        with transaction.atomic():
            organisation_ids = ensure_organisations(pools.organisations)
            tag_ids = ensure_tags(pools.tags)
        if copy if copy is not None else connection.vendor == "postgresql":
            write = CopyWriter(organisation_ids=organisation_ids, tag_ids=tag_ids)
        else:
            write = functools.partial(write_batch, organisation_ids=organisation_ids, tag_ids=tag_ids)

    # The numbers still to create, one list per batch, and how far along the run is after each.
    firsts = range(1, count + 1, batch_size)
    plan = [
        [
            n
            for n in range(first, min(first + batch_size, count + 1))
            if initiative_slug(seed=seed, number=n) not in existing
        ]
        for first in firsts
    ]
    created = 0
    wanted = sum(len(numbers) for numbers in plan)
    if late_checks is None:
        late_checks = isinstance(write, CopyWriter) and wanted >= LATE_CHECKS_FROM
    if late_checks and wanted:
        bulk = all_built_at_the_end(loaded_tables(), derived_tables())
    else:
        bulk = contextlib.nullcontext()
    with bulk:
        batches = built_batches(seed=seed, plan=plan, pools=pools, now=now, workers=workers)
        for first, built in zip(firsts, batches, strict=True):
            created += len(built) if write is None else write(built)
            if progress:
                progress(min(first + batch_size - 1, count), count)
        if created and not dry_run:
            # Statistics first: without them PostgreSQL takes the fresh tables for empty and joins with nested loops,
            # quadratic in the rows (20,000 initiatives: minutes instead of a second).
            stage("analyse")
            _analyze()
            # The facet-count tables the write path keeps (issue 15), for the rows written around it; in a big load
            # while their foreign key and secondary index are off too (a deferred check per row otherwise: 15 of
            # the 23 s this took at 100,000).
            stage("facet counts")
            facet_counts.rebuild()
        if late_checks and wanted:
            stage("indexes and foreign keys")
    if created and not dry_run:
        stage("analyse")
        _analyze()
        stage("search vocabulary")
        search.rebuild_vocabulary()
        _analyze(SearchWord._meta.db_table)
        counts.invalidate()
    stage("done")
    return created


def _analyze(table: str = "") -> None:
    """Give PostgreSQL's planner statistics for the new rows (without them, first queries are slow)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(psycopg_sql.SQL("ANALYZE {}").format(psycopg_sql.Identifier(table)) if table else "ANALYZE")


def preview(*, seed: int = 1, count: int = 3) -> list[str]:
    """The titles of the first ``count`` initiatives of ``seed`` (for a dry run)."""
    check_taxonomy()
    pools = Pools.from_database()
    return [
        record.title
        for record in build_initiatives(seed=seed, numbers=range(1, count + 1), pools=pools, now=timezone.now())
    ]
