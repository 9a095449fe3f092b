"""Reads of the collection's terms that several entry points share (site, feeds, API, sitemap)."""

from django.contrib.contenttypes.models import ContentType
from taggit.models import TaggedItem

from .models import TAXONOMIES, Initiative, Involvement

# Official lists (the M49 regions and countries, the GCM themes and principles, the categories) are public whether
# or not anything is filed under them yet. Tags and organisations come from submissions: one that only a draft or an
# archived initiative has is not public (its page would show, say, an organisation named in a rejected submission).
PUBLIC_WHEN_UNUSED = {"region", "country", "theme", "principle", "category"}
MODELS = {taxonomy.name: taxonomy.model for taxonomy in TAXONOMIES}
M2M_FIELDS = {"region": "covered_regions", "country": "countries", "theme": "themes", "principle": "principles"}


def used_term_ids(name: str):
    """A subquery of the ids of the terms of taxonomy ``name`` that some published initiative is filed under."""
    published = Initiative.objects.published().order_by().values("pk")
    if name == "category":
        return published.values("category_id")
    if name == "organisation":
        return Involvement.objects.filter(initiative_id__in=published).values("organisation_id")
    if name == "tag":
        content_type = ContentType.objects.get_for_model(Initiative)
        return TaggedItem.objects.filter(content_type=content_type, object_id__in=published).values("tag_id")
    field = Initiative._meta.get_field(M2M_FIELDS[name])
    return field.remote_field.through.objects.filter(initiative_id__in=published).values(field.m2m_reverse_name())


def terms_in_use(name: str):
    """The terms of taxonomy ``name`` that some published initiative is filed under (regions: covers)."""
    return MODELS[name].objects.filter(pk__in=used_term_ids(name))


def public_terms(name: str):
    """The terms of taxonomy ``name`` that have a public page, feed and API detail (see PUBLIC_WHEN_UNUSED)."""
    return MODELS[name].objects.all() if name in PUBLIC_WHEN_UNUSED else terms_in_use(name)
