"""``{% insights_url %}``: the insight page (map and charts) of the listing being shown, with its filters."""

from django import template
from django.urls import reverse
from django.utils.http import urlencode

from ..filters import InitiativeFilter
from ..taxonomies import BY_NAME

register = template.Library()


@register.simple_tag(takes_context=True)
def insights_url(context) -> str:
    """This listing's filters (on a term page, the term as one of them), without its page and order; parameters the
    listing does not read are left out."""
    params = context["request"].GET
    pairs = [
        (key, value)
        for key in params
        if key in InitiativeFilter.base_filters and key not in ("page", "sort")
        for value in params.getlist(key)[:50]
        if value
    ]
    term, facet = context.get("term"), context.get("facet_name")
    if term is not None and facet in BY_NAME:
        pairs = [(key, value) for key, value in pairs if key != facet]
        pairs.append((facet, getattr(term, BY_NAME[facet].lookup)))
    url = reverse("initiatives:insights")
    return f"{url}?{urlencode(sorted(pairs))}" if pairs else url
