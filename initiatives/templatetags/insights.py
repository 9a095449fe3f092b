"""``{% insights_url %}``: the insight page (map and charts) of the listing being shown, with its filters."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def insights_url(context) -> str:
    """The insight page of the page's ``listing`` (``Listing.insights_url``: its filters in the link form, a term
    page's term as one of them)."""
    return context["listing"].insights_url
