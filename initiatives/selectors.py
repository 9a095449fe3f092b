"""Reads of the collection's terms that several entry points share (site, feeds, API, sitemap)."""

from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL

from .models import Initiative
from .taxonomies import BY_NAME


def used_term_ids(name: str):
    """A subquery of the ids of the terms of taxonomy ``name`` that some published initiative is filed under."""
    return BY_NAME[name].filing.used_ids(Initiative.objects.published().order_by().values("pk"))


def terms_in_use(name: str):
    """The terms of taxonomy ``name`` that some published initiative is filed under (regions: covers)."""
    return BY_NAME[name].model.objects.filter(pk__in=used_term_ids(name))


def public_terms(name: str):
    """The terms of taxonomy ``name`` that have a public page, feed and API detail (see
    ``Taxonomy.shown_only_when_used``)."""
    taxonomy = BY_NAME[name]
    return terms_in_use(name) if taxonomy.shown_only_when_used else taxonomy.model.objects.all()


# --- issue 13: organisation profiles and partner countries (orgs) ---


def with_partner_from(queryset, country_code: str):
    """The initiatives of ``queryset`` in which an organisation based in the country ``country_code`` takes part
    (in any role: implementer, partner, associate, funder)."""
    from django.db.models import Exists, OuterRef

    from .models import Involvement

    rows = Involvement.objects.filter(initiative_id=OuterRef("pk"), organisation__country__code=country_code)
    return queryset.filter(Exists(rows))


# Above this many initiatives with a partner from a country, partner_initiatives tests each initiative instead.
PARTNER_IDS_READ_UP_TO = 5_000


def partner_initiatives(country):
    """Published initiatives in which an organisation based in ``country`` takes part, newest first.

    Their ids are read first from the country's involvements (one query: the organisations based there, few for
    most countries), and the initiatives by primary key: testing every initiative newest first for a partner from
    there (one ``EXISTS`` each) reaches a rare country's ten newest only after most of the collection (a 503 at the
    statement timeout at a million initiatives). A country with more than ``PARTNER_IDS_READ_UP_TO`` is tested so,
    as its newest come first."""
    from .models import Involvement

    ids = list(
        Involvement.objects.filter(organisation__country=country)
        .values_list("initiative_id", flat=True)
        .distinct()
        .order_by()[: PARTNER_IDS_READ_UP_TO + 1]
    )
    if len(ids) > PARTNER_IDS_READ_UP_TO:
        return with_partner_from(Initiative.objects.published(), country.code).newest_first()
    return Initiative.objects.published().filter(pk__in=ids).newest_first()


def organisation_roles(organisation) -> list[tuple[str, int]]:
    """How many published initiatives ``organisation`` has in each role, in the roles' order (one query)."""
    from django.db.models import Count

    from .models import Involvement

    counts = dict(
        Involvement.objects.filter(organisation=organisation, initiative__in=Initiative.objects.published())
        .values_list("role")
        .annotate(n=Count("initiative", distinct=True))
        .order_by()
    )
    return [(label, counts[role]) for role, label in Involvement.Role.choices if counts.get(role)]


def pk_among(ids) -> Q | RawSQL:
    """A condition of a queryset of initiatives (not a subquery's: the table is named): its primary key is one of
    ``ids``. ``pk__in=ids``, but one array parameter on PostgreSQL: for a thousand ids, 5 ms less of binding and
    parsing a thousand parameters. The array is passed as its text, ``{1,2,3}``: psycopg's client-side binding dumps
    a list element by element (a regular expression each), 3 ms for 2,000 ids."""
    if connection.vendor != "postgresql":
        return Q(pk__in=list(ids))
    return RawSQL(_pk_any(), (pk_array_text(ids),), output_field=BooleanField())


def _pk_any() -> str:
    """``"initiatives_initiative"."id" = ANY(%s::bigint[])``: the primary key is one of an array parameter's ids."""
    return f'"{Initiative._meta.db_table}"."id" = ANY(%s::{Initiative._meta.pk.db_type(connection)}[])'


def pk_among_intersected(ids) -> Q | RawSQL:
    """``pk_among``, written so that PostgreSQL can read it only as a bitmap of the primary key (two ``= ANY`` joined
    by OR, which no plain index scan takes), which it then intersects with the bitmaps of the other conditions (a
    search's GIN indexes) instead of reading each row by its key and testing them on it. For ids tested against a
    search whose matches' postings cost less than the rows: a row read and its search vectors tested cost 8-12 µs at
    100,000 initiatives, a posting of the GIN index about 0.1 µs (``estimates.INTERSECTED_UP_TO``)."""
    ids = list(ids)
    if connection.vendor != "postgresql" or len(ids) < 2:
        return pk_among(ids)
    half = len(ids) // 2
    return RawSQL(
        f"({_pk_any()} OR {_pk_any()})",
        (pk_array_text(ids[:half]), pk_array_text(ids[half:])),
        output_field=BooleanField(),
    )


def in_order_of(queryset, ids) -> list:
    """The rows of ``queryset`` (of initiatives) whose primary keys are ``ids``, in the order of ``ids``: one query
    by primary key (``pk_among``), its own order dropped. For ids whose order was found elsewhere (a page of a
    listing from each process's copy of its order, a search's ranking, a feed's newest); an id with no row in
    ``queryset`` is left out."""
    ids = list(ids)
    if not ids:
        return []
    found = {row.pk: row for row in queryset.filter(pk_among(ids)).order_by()}
    return [found[pk] for pk in ids if pk in found]


def pk_array_text(ids) -> str:
    """The parameter ``pk_among`` passes for ``ids`` on PostgreSQL: the array's text, ``{1,2,3}``."""
    return "{" + ",".join(str(int(pk)) for pk in ids) + "}"


def pk_in_ranges(ranges) -> RawSQL:
    """A condition of a queryset of initiatives: its primary key lies in one of ``ranges`` (``(low, high)`` pairs,
    both included). ``Q(pk__range=…) | …``, written as one SQL condition: Django compiled 50 such lookups of a
    search's sample in 8-10 ms (issue 15). The bounds are integers, written in the SQL itself."""
    column = f'"{Initiative._meta.db_table}"."id"'
    tests = " OR ".join(f"{column} BETWEEN {int(low)} AND {int(high)}" for low, high in ranges)
    return RawSQL(f"({tests})" if tests else "(1 = 0)", (), output_field=BooleanField())
