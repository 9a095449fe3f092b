"""Facet counts from the bitmaps each process holds (issue 15, initiatives/facet_bitmaps.py): after every kind of
write they equal the counts in SQL from the membership table, they catch up from the changes written since they
last counted, and a count inside a transaction of the caller's own is made in SQL."""

import datetime

import pytest
from django.db import transaction
from taggit.models import Tag

from initiatives import facet_bitmaps, facet_counts, services
from initiatives.models import FacetChange, FacetMembership, Initiative, Organisation, Region, Theme
from initiatives.taxonomies import TAXONOMIES
from tests.factories import make_initiative

pytestmark = pytest.mark.django_db
FACETS = [taxonomy.name for taxonomy in TAXONOMIES]


def in_sql(base, settings):
    settings.FACET_BITMAPS = False
    try:
        return facet_counts.count(FACETS, base)
    finally:
        settings.FACET_BITMAPS = True


def bases():
    europe = Region.objects.get(slug="europe")
    remittances = Theme.objects.get(slug="remittances")
    return {
        "everything": Initiative.objects.published().order_by().values("pk"),
        "a region": facet_counts.members("region", [europe.pk]),
        "a region and a theme": facet_counts.members("region", [europe.pk]).filter(
            initiative_id__in=facet_counts.members("theme", [remittances.pk])
        ),
        "a list of ids": list(Initiative.objects.values_list("pk", flat=True)[:5]),
        "nothing": [],
        # Made in memory (facet_counts.Members): a union within a facet, an intersection across, the years.
        "members: two themes in a region, active since 2000": facet_counts.Members(
            [
                facet_counts.Restriction("theme", (remittances.pk, Theme.objects.get(slug="regular-pathways").pk)),
                facet_counts.Restriction("region", (europe.pk,)),
                *facet_counts.in_years(since=2000),
            ]
        ),
        "members: begun by 2015": facet_counts.Members(facet_counts.in_years(until=2015)),
        "members: a term no initiative has": facet_counts.Members([facet_counts.Restriction("theme", (-1,))]),
    }


def assert_same_as_sql(settings):
    for name, base in bases().items():
        if isinstance(base, facet_counts.Members):
            snapshot = facet_bitmaps.snapshot()
            counted = snapshot.count(FACETS, snapshot.ids(base))
            assert len(snapshot.ids(base)) == facet_counts.count_distinct(base.queryset()), name
            assert facet_counts.count(FACETS, base) == counted, name
        else:
            counted = facet_bitmaps.count(FACETS, base)
        assert counted is not None, name
        assert counted == in_sql(base, settings), name
    # The collection's size (what views.few_results scales with): every initiative with a row.
    assert facet_bitmaps.snapshot().size == FacetMembership.objects.values("initiative_id").distinct().count()


def test_the_counts_equal_the_sql_counts_through_every_kind_of_write(settings):
    assert_same_as_sql(settings)  # the seed
    first = make_initiative(
        themes=["remittances"], countries=["fr"], tags=["alpha"], organisations=["Org A"], start_date="2010-01-01"
    )
    second = make_initiative(
        themes=["remittances"],
        countries=["de"],
        tags=["beta"],
        organisations=["Org B"],
        start_date="1998-01-01",
        end_date="2003-12-31",
    )
    assert_same_as_sql(settings)  # two published since the last count: caught up
    dates_changed = Initiative.objects.get(pk=second.pk)
    dates_changed.end_date = datetime.date(2000, 6, 30)  # now active since 2000: the bound is inclusive
    dates_changed.save()
    services.initiative_written(initiative=dates_changed)
    assert_same_as_sql(settings)
    services.change_classification(
        initiatives=[first, second], facet="theme", term=Theme.objects.get(slug="regular-pathways"), add=True
    )
    assert_same_as_sql(settings)
    services.unpublish_initiative(initiative=Initiative.objects.get(pk=first.pk))
    assert_same_as_sql(settings)
    services.merge_terms(
        source=Organisation.objects.get(slug="org-a"), target=Organisation.objects.get(slug="org-b"), user=None
    )
    assert_same_as_sql(settings)
    Tag.objects.get(slug="beta").delete()  # a term deleted: every process reads everything again
    assert_same_as_sql(settings)
    services.delete_initiative(initiative=Initiative.objects.get(pk=second.pk))
    assert_same_as_sql(settings)
    facet_counts.rebuild()
    assert_same_as_sql(settings)


def test_a_write_names_the_initiative_it_wrote_and_only_it(settings):
    """Every write names its initiative, its rows changed or not: its place in the listing's order may have moved
    (re-dated by an import), which no row shows (listing_order.py)."""

    def named():
        return list(FacetChange.objects.order_by("pk").values_list("initiative_id", flat=True)[before:])

    before = FacetChange.objects.count()
    initiative = make_initiative(themes=["remittances"])
    assert named() == [initiative.pk]
    neighbour = Initiative.objects.published().exclude(pk=initiative.pk).first()
    services.initiative_written(initiative=neighbour)  # written again, its rows the same
    assert named() == [initiative.pk, neighbour.pk]


def test_a_change_reaches_only_the_terms_of_the_initiative_it_names(settings):
    base = Initiative.objects.published().order_by().values("pk")
    counted = facet_bitmaps.count(FACETS, base)
    initiative = make_initiative(themes=["remittances"], countries=["ma"], tags=["gamma"])
    after = facet_bitmaps.count(FACETS, base)
    remittances = Theme.objects.get(slug="remittances").pk
    assert after["theme"][remittances] == counted["theme"][remittances] + 1
    assert after["tag"][Tag.objects.get(slug="gamma").pk] == 1
    others = {term: n for term, n in after["theme"].items() if term != remittances}
    assert others == {term: n for term, n in counted["theme"].items() if term != remittances}  # the neighbours
    assert after == in_sql(base, settings)
    assert initiative.pk in set(FacetMembership.objects.values_list("initiative_id", flat=True))


def test_an_up_to_date_count_is_one_query_and_a_catch_up_one_more(settings, django_assert_num_queries):
    base = facet_counts.members("theme", [Theme.objects.get(slug="remittances").pk])
    facet_bitmaps.count(FACETS, base)
    with django_assert_num_queries(1):  # the ids and the changes since, together
        facet_bitmaps.count(FACETS, base)
    make_initiative(themes=["remittances"])
    with django_assert_num_queries(2):  # and the memberships of the one published
        facet_bitmaps.count(FACETS, base)
    with django_assert_num_queries(1):
        facet_bitmaps.count(FACETS, base)


def test_inside_a_transaction_of_its_own_the_count_is_made_in_sql(settings):
    base = Initiative.objects.published().order_by().values("pk")
    assert facet_bitmaps.count(FACETS, base) is not None
    with transaction.atomic():
        make_initiative(themes=["remittances"])
        assert facet_bitmaps.count(FACETS, base) is None  # what it would read could be rolled back
        assert facet_counts.count(FACETS, base) == in_sql(base, settings)


def test_off_the_counts_are_made_in_sql(settings):
    settings.FACET_BITMAPS = False
    assert facet_bitmaps.count(FACETS, Initiative.objects.published().order_by().values("pk")) is None


def test_a_server_process_reads_the_bitmaps_before_its_first_request(settings, django_assert_num_queries):
    """Importing the WSGI application (what gunicorn's workers do before they answer) reads the bitmaps: the first
    count is then one query, not the three of reading everything first."""
    import importlib

    import portal.wsgi

    facet_bitmaps.forget()
    importlib.reload(portal.wsgi)
    assert facet_bitmaps.copies()
    base = bases()["a region"]
    with django_assert_num_queries(1):
        counted = facet_bitmaps.count(FACETS, base)
    assert counted == in_sql(base, settings)


def test_a_database_not_ready_at_start_leaves_the_bitmaps_to_the_first_count(settings, caplog):
    """A database that cannot be read as the server starts (here: a table missing, as before ``migrate``) is a
    warning, not a server that does not start; the first count reads everything."""
    from django.db import connection

    facet_bitmaps.forget()
    table = connection.ops.quote_name(FacetChange._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {table} RENAME TO initiatives_facetchange_away")
    try:
        assert facet_bitmaps.warm_up() is False
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE initiatives_facetchange_away RENAME TO {table}")
    assert "Facet bitmaps not read at start" in caplog.text
    assert not facet_bitmaps.copies()
    assert facet_bitmaps.count(FACETS, bases()["a region"]) == in_sql(bases()["a region"], settings)
    facet_bitmaps.forget()
    settings.FACET_BITMAPS = False
    assert facet_bitmaps.warm_up() is False  # off: nothing read
    assert not facet_bitmaps.copies()


def test_the_change_log_is_pruned_and_only_a_copy_behind_the_pruning_reads_everything(
    settings, monkeypatch, django_assert_num_queries
):
    """The change log keeps its last rows (``KEEP_CHANGES``), pruned each time its ids pass a multiple of
    ``PRUNE_EVERY``: a process that counts as it goes takes the pruning in its stride (each catch-up reads the one
    initiative's rows), one that had stopped before it reads everything again, and both count what SQL counts."""
    monkeypatch.setattr(facet_counts, "PRUNE_EVERY", 4)
    monkeypatch.setattr(facet_counts, "KEEP_CHANGES", 3)
    base = bases()["a region"]
    # The copy's place in the log is its newest change: the seed's copy (tests/conftest.py) is placed where the
    # seed's log ended, and the log's ids have gone on since, in the tests rolled back before this one (a sequence
    # is not rolled back). Whether this test's first change then crossed a pruning depended on how many there were.
    make_initiative(countries=["fr"])
    facet_bitmaps.count(FACETS, base)
    behind = facet_bitmaps.copies()  # a process that stops counting here
    for _ in range(9):
        make_initiative(countries=["fr"])
        with django_assert_num_queries(2):  # the ids and the changes, that initiative's rows: never everything
            counted = facet_bitmaps.count(FACETS, base)
        assert counted == in_sql(base, settings)
    newest = FacetChange.objects.order_by("-id").values_list("id", flat=True).first()
    assert FacetChange.objects.filter(initiative_id__lt=0).exists()  # pruned, and said so
    assert not FacetChange.objects.filter(id__lte=newest - 4 - 3).exists()
    facet_bitmaps.restore(behind)
    with django_assert_num_queries(3):  # the ids and the changes, then everything (the newest id, the rows)
        counted = facet_bitmaps.count(FACETS, base)
    assert counted == in_sql(base, settings)
