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
