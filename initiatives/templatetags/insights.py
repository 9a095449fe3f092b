"""``{% insights_url %}``: the insight page (map and charts) of the listing being shown, with its filters;
``{% map_shapes %}``: the countries of its world map."""

import html

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from .initiatives import grouped

register = template.Library()


@register.simple_tag(takes_context=True)
def insights_url(context) -> str:
    """The insight page of the page's ``listing`` (``Listing.insights_url``: its filters in the link form, a term
    page's term as one of them)."""
    return context["listing"].insights_url


@register.simple_tag
def map_shapes(insight) -> str:
    """The world map's countries (``insights.Shape``): a linked shape with its count for each country with
    initiatives, a neutral one otherwise, each with its name and count as its title.

    Written here rather than by a template loop: the map has about 250 shapes and the loop's lookups and translated
    titles were a quarter of the CPU of a cold home page (issue 15)."""
    parts = []
    for shape in insight.shapes:
        name, d = html.escape(shape.name), html.escape(shape.d)
        if shape.url:
            title = ngettext("%(name)s: %(shown)s initiative", "%(name)s: %(shown)s initiatives", shape.count) % {
                "name": name,
                "shown": html.escape(grouped(shape.count)),
                "counter": shape.count,
            }
            selected = " selected" if shape.selected else ""
            parts.append(
                f'<a href="{html.escape(shape.url)}" class="map-country step-{shape.step}{selected}"><title>{title}'
                f'</title><path d="{d}"/></a>'
            )
        else:
            title = gettext("%(name)s: no initiative") % {"name": name}
            parts.append(f'<path class="map-country step-0" d="{d}"><title>{title}</title></path>')
        parts.append("\n    ")
    return mark_safe("".join(parts))
