"""Reads of the collection's terms that several entry points share (site, feeds, API, sitemap)."""

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


def partner_initiatives(country):
    """Published initiatives in which an organisation based in ``country`` takes part, newest first."""
    return with_partner_from(Initiative.objects.published(), country.code).newest_first()


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
