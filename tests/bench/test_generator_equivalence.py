"""The generator writes in bulk (COPY on PostgreSQL, bulk_create elsewhere) what the one write path would write.

The same built initiatives are loaded twice, once by the generator and once through ``services.save_initiative``
and ``services.publish_initiative``, and compared on what the pages read: every column but the pk and the two
timestamps (the search vectors included, on PostgreSQL; the full-text index rows, on SQLite), every relation, the
derived regions and goals, and the "did you mean" vocabulary. The history is the one thing left out: the services
write a version per change, the generator none (no public page reads it, and a million versions would double the
load).
"""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import get_commands
from django.db import IntegrityError, connection, transaction

from bench.generator import building, loading
from initiatives import facet_counts, search, search_sqlite, services
from initiatives.models import (
    Category,
    Country,
    FacetMembership,
    GuidingPrinciple,
    Initiative,
    Organisation,
    Region,
    SearchWord,
    TermTotal,
    Theme,
)

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 6, 1, 12, 0, tzinfo=datetime.UTC)
SEED, COUNT = 21, 40
SKIPPED = {"id", "created_at", "updated_at"}
RELATIONS = (
    "themes",
    "principles",
    "regions",
    "countries",
    "covered_regions",
    "sdg_goals",
    "sdg_targets",
    "sdg_covered",
)


def snapshot() -> dict[str, dict]:
    """What the pages read of the seed's initiatives, by slug."""
    rows = {}
    initiatives = Initiative.objects.filter(slug__startswith=f"synthetic-{SEED}-").prefetch_related(
        *RELATIONS, "tags", "links", "involvements__organisation"
    )
    # The columns as stored (not through modeltranslation's attributes, which show the active language's text).
    names = [field.column for field in Initiative._meta.concrete_fields if field.attname not in SKIPPED]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(map(connection.ops.quote_name, names))} FROM {Initiative._meta.db_table} "
            "WHERE slug LIKE %s",
            [f"synthetic-{SEED}-%"],
        )
        stored = {row[names.index("slug")]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}
    for initiative in initiatives:
        row = stored[initiative.slug]
        row.update({name: sorted(term.pk for term in getattr(initiative, name).all()) for name in RELATIONS})
        row["tags"] = sorted(initiative.tags.names())
        row["links"] = sorted((link.title, link.url, link.kind) for link in initiative.links.all())
        row["involvements"] = sorted(
            (involvement.organisation.slug, involvement.role, involvement.note)
            for involvement in initiative.involvements.all()
        )
        row["facet_membership"] = sorted(
            FacetMembership.objects.filter(initiative=initiative).values_list("facet", "term_id")
        )
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT * FROM {search_sqlite.TABLE} WHERE rowid BETWEEN %s AND %s ORDER BY rowid",
                    [initiative.pk * 4, initiative.pk * 4 + 3],
                )
                row["full_text_index"] = cursor.fetchall()
        rows[initiative.slug] = row
    return rows


def vocabulary() -> list[tuple]:
    return sorted(SearchWord.objects.values_list("language", "word", "ndoc"))


def totals() -> list[tuple]:
    """The kept facet totals (a term whose count fell to 0 keeps a row on the write path, none after a rebuild)."""
    return sorted(TermTotal.objects.filter(n__gt=0).values_list("facet", "term_id", "n"))


def publish_through_the_services(records: list[building.InitiativeData]) -> None:
    organisations = {organisation.slug: organisation for organisation in Organisation.objects.all()}
    for record in records:
        content = services.InitiativeContent(
            fields={
                "language": "en",
                "slug": record.slug,
                "title": record.title,
                "acronym": record.acronym,
                "summary": record.summary,
                "description": record.description,
                "category": Category.objects.get(pk=record.category_id),
                "scope": record.scope,
                "start_date": record.start_date,
                "start_precision": record.start_precision,
                "end_date": record.end_date,
                "end_precision": record.end_precision,
                "ongoing": record.ongoing,
                "website": record.website,
                "submitter_honorific": record.submitter_honorific,
                "submitter_name": record.submitter_name,
                "submitter_organisation": record.submitter_organisation,
                "submitter_email": record.submitter_email,
                "submitted_on": record.submitted_on,
                "featured": record.featured,
            },
            themes=list(Theme.objects.filter(pk__in=record.theme_ids)),
            principles=list(GuidingPrinciple.objects.filter(pk__in=record.principle_ids)),
            regions=list(Region.objects.filter(pk__in=record.region_ids)),
            countries=list(Country.objects.filter(pk__in=record.country_ids)),
            tags=list(record.tags),
            involvements=[(organisations[slug], role, note) for slug, role, note in record.involvements],
        )
        initiative = services.save_initiative(content=content)
        services.publish_initiative(initiative=initiative, when=record.published_at)


# How the generator writes: bulk_create anywhere, COPY on PostgreSQL, with its checks at the end or not.
WAYS = {"bulk_create": (False, False), "COPY": (True, False), "COPY-late": (True, True)}


def remove_them(slugs) -> None:
    Initiative.objects.filter(slug__in=slugs).delete()
    search.rebuild_vocabulary()  # the vocabulary of what is left: the seed
    facet_counts.rebuild()  # and its facet counts (a queryset's delete does not go through the services)


def test_generated_initiatives_equal_those_published_through_the_services():
    """Published once through the services, then loaded by each way the generator writes on this database (the
    services' initiatives removed before, the generator's after): the same rows each time. Publishing through the
    services is what costs here (5 s a time on PostgreSQL), so it is done once."""
    pools = building.Pools.from_database()
    loading.ensure_organisations(pools.organisations)  # as the generator makes them, the services find them
    publish_through_the_services(
        building.build_initiatives(seed=SEED, numbers=range(1, COUNT + 1), pools=pools, now=NOW)
    )
    published, published_words, published_totals = snapshot(), vocabulary(), totals()
    remove_them(published)

    ways = [name for name, (copy, _late) in WAYS.items() if connection.vendor == "postgresql" or not copy]
    for way in ways:
        copy, late_checks = WAYS[way]
        assert loading.generate(count=COUNT, seed=SEED, now=NOW, copy=copy, late_checks=late_checks) == COUNT, way
        generated = snapshot()
        assert generated.keys() == published.keys(), way
        for slug, row in published.items():
            assert generated[slug] == row, (way, slug)
        assert vocabulary() == published_words, way
        assert totals() == published_totals, way
        remove_them(generated)
    assert ways == (list(WAYS) if connection.vendor == "postgresql" else ["bulk_create"])
    # The comparison has something to compare: derived regions, tags, organisations, rendered Markdown.
    rows = list(published.values())
    assert all(row["covered_regions"] for row in rows if row["countries"])
    assert any(row["tags"] for row in rows) and all(row["involvements"] for row in rows)
    assert any("<h2>" in row["description_html"] for row in rows)
    assert all(row["facet_membership"] for row in rows)
    if connection.vendor == "postgresql":
        assert all(row["search_en"] for row in rows)


def test_building_in_forked_processes_builds_the_same():
    pools, plan = building.Pools.from_database(), [[1, 2, 3], [4, 5], [6], [7, 8]]
    alone = list(loading.built_batches(seed=SEED, plan=plan, pools=pools, now=NOW))
    forked = list(loading.built_batches(seed=SEED, plan=plan, pools=pools, now=NOW, workers=2))
    assert forked == alone
    assert [[record.number for record, _fields in batch] for batch in forked] == plan


def test_the_generator_is_not_part_of_the_portal():
    assert not [app for app in settings.INSTALLED_APPS if app.split(".")[0] == "bench"]
    assert "generate_initiatives" not in get_commands()
    root = Path(settings.BASE_DIR)
    apps = [path for path in root.glob("*/apps.py") if path.parent.name != "bench"]
    assert apps
    for app in apps:
        for module in app.parent.rglob("*.py"):
            assert not re.search(r"^\s*(from|import) bench\b", module.read_text(encoding="utf-8"), re.M), module


def catalogue(query: str, tables) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query, [list(tables)])
        return cursor.fetchall()


def indexes(tables) -> list[tuple[str, str]]:
    return catalogue(
        "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
        "WHERE indrelid = ANY(%s::regclass[]) ORDER BY 1",
        tables,
    )


def foreign_keys(tables) -> list[tuple[str, str, str, bool]]:
    return catalogue(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), convalidated FROM pg_constraint "
        "WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) ORDER BY 1, 2",
        tables,
    )


def test_foreign_keys_checked_at_the_end_come_back_and_still_refuse_bad_rows(on_postgresql):
    def keys():
        return foreign_keys(loading.loaded_tables())

    before = keys()
    assert len(before) >= 10
    with (
        pytest.raises(IntegrityError),
        transaction.atomic(),
        loading.foreign_keys_checked_at_the_end(loading.loaded_tables()),
    ):
        assert keys() == []
        missing = Initiative.objects.order_by("pk").last().pk + 1000
        Initiative.themes.through.objects.create(initiative_id=missing, theme_id=Theme.objects.first().pk)
    assert keys() == before


def test_indexes_built_at_the_end_are_the_same_ones_and_come_back_after_a_failure(on_postgresql):
    tables = [*loading.loaded_tables(), *loading.derived_tables()]
    before = indexes(tables)
    gin = [name for name, definition in before if "USING gin" in definition]
    # The search vectors' and the titles' GIN indexes (migrations 0010 and 0018), one per language.
    languages = ("ar", "en", "es", "fr")
    assert {f"initiative_search_{code}" for code in languages} <= set(gin)
    assert {f"initiative_title_search_{code}" for code in languages} <= set(gin)
    assert "initiative_status_published" in dict(before)
    with pytest.raises(RuntimeError), loading.indexes_built_at_the_end(tables):
        during = dict(indexes(tables))
        assert not set(gin) & set(during) and "initiative_status_published" not in during
        assert "initiatives_initiative_slug_key" in during  # the unique ones stay, to refuse duplicates
        raise RuntimeError("the load failed half-way")
    assert indexes(tables) == before


def test_a_load_with_late_checks_leaves_the_same_indexes_and_keys(on_postgresql):
    tables = [*loading.loaded_tables(), *loading.derived_tables()]
    before = indexes(tables)
    assert loading.generate(count=5, seed=SEED, now=NOW, late_checks=True) == 5
    assert indexes(tables) == before
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])", [tables]
        )
        assert cursor.fetchone()[0] >= 11


def test_unique_constraints_added_at_the_end_come_back_and_refuse_a_duplicate(on_postgresql):
    tables = loading.derived_tables()
    before = indexes(tables)
    assert "facetmembership_unique" in dict(before)
    loading.generate(count=2, seed=SEED, now=NOW, copy=True, late_checks=False)
    initiative, facet, term = FacetMembership.objects.values_list("initiative_id", "facet", "term_id").first()
    with pytest.raises(IntegrityError), transaction.atomic(), loading.unique_constraints_added_at_the_end(tables):
        assert "facetmembership_unique" not in dict(indexes(tables))
        FacetMembership.objects.create(initiative_id=initiative, facet=facet, term_id=term)  # refused at the end
    assert indexes(tables) == before


@pytest.mark.postgresql
@pytest.mark.system
@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_indexes_and_keys_come_back_from_connections_side_by_side(
    on_postgresql, seeded_database
):
    tables = [*loading.loaded_tables(), *loading.derived_tables()]
    before, keys = indexes(tables), foreign_keys(tables)
    assert len(keys) >= 11 and all(valid for *_key, valid in keys)
    assert loading.generate(count=5, seed=SEED, now=NOW, late_checks=True) == 5
    assert indexes(tables) == before
    assert foreign_keys(tables) == keys

    # A wrong row makes the load fail: the key is back, not valid (it holds for new rows), until the row is gone.
    theme = Theme.objects.first().pk
    missing = Initiative.objects.order_by("pk").last().pk + 1000
    with pytest.raises(IntegrityError), loading.foreign_keys_checked_at_the_end(loading.loaded_tables()):
        Initiative.themes.through.objects.create(initiative_id=missing, theme_id=theme)
    invalid = {name for _table, name, _definition, valid in foreign_keys(tables) if not valid}
    assert len(invalid) == 1
    with pytest.raises(IntegrityError):
        Initiative.themes.through.objects.create(initiative_id=missing + 1, theme_id=theme)
    Initiative.themes.through.objects.filter(initiative_id=missing).delete()
    table = Initiative.themes.through._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f'ALTER TABLE "{table}" VALIDATE CONSTRAINT "{invalid.pop()}"')
    assert foreign_keys(tables) == keys
