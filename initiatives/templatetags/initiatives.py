import json

from django import template
from django.http import QueryDict
from django.utils import formats
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from initiatives import cards

register = template.Library()


@register.simple_tag(takes_context=True)
def toggle_url(context, param: str, value: str) -> str:
    """The current query string with one value of ``param`` removed (or added), page reset."""
    query: QueryDict = context["request"].GET.copy()
    values = query.getlist(param)
    if value in values:
        values = [v for v in values if v != value]
    else:
        values.append(value)
    query.setlist(param, values)
    query.pop("page", None)
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def json_ld(data) -> str:
    """JSON for a <script type="application/ld+json"> block, with "<" escaped so it cannot close it."""
    text = json.dumps(data, ensure_ascii=False)
    return mark_safe(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


@register.simple_tag
def initiative_card(initiative, snippet=None):
    """A result card (``initiatives.cards``): ``{% initiative_card initiative %}``, with a search's snippet."""
    return cards.card(initiative, snippet)


@register.simple_tag
def submitted_by(initiative):
    """ "Submitted by Ms. <name> on <date>", or nothing (``initiatives.cards.submitted_by``)."""
    return cards.submitted_by(initiative)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def verbose_name(obj) -> str:
    return str(obj._meta.verbose_name).capitalize()


@register.filter
def grouped(number) -> str:
    """A count as the active language writes it, its thousands grouped: 12,345 in English, 12 345 in French and
    Spanish, 12.345 in Arabic. (USE_THOUSAND_SEPARATOR would group every number, years and ids in URLs included.)"""
    return formats.number_format(number, force_grouping=True)


_FACET_OPTION = (
    '\n  <li>\n    <input type="checkbox" name="{name}" value="{value}" id="f-{name}-{value}"{checked}>'
    '\n    <label for="f-{name}-{value}">{label} <span class="count">({count})</span></label>'
    "\n    {children}\n  </li>\n"
)


@register.simple_tag
def facet_options(facet, options) -> str:
    """A facet's options, each a checkbox with its count (a region's sub-regions nested under it).

    Written here rather than by a template looping over the options: a listing shows about a hundred of them and the
    template's lookups per option were a fifth of a cold page's rendering (issue 15). Themes show their objective's
    number before the name ("20. Promote faster…"); every other term its name.
    """
    name = conditional_escape(facet.name)
    numbered = facet.name == "theme"
    # A broad search's counts are estimates (initiatives/estimates.py): "~" to the eye, "about" to a screen reader.
    about = (
        f'<span aria-hidden="true">~</span><span class="visually-hidden">{conditional_escape(gettext("about"))} </span>'
        if getattr(facet, "approximate", False)
        else ""
    )

    def option_list(options) -> str:
        items = []
        for option in options:
            term = option.term
            number = getattr(term, "number", None) if numbered else None
            if number:
                label = f"{conditional_escape(formats.localize(number))}. {conditional_escape(term.name)}"
            else:
                label = conditional_escape(term)
            items.append(
                _FACET_OPTION.format(
                    name=name,
                    value=conditional_escape(formats.localize(option.value)),
                    checked=" checked" if option.selected else "",
                    label=label,
                    count=about + conditional_escape(grouped(option.count)),
                    children=f"{option_list(option.children)}\n" if option.children else "",
                )
            )
        return f'<ul class="facet-options">\n{"".join(items)}\n</ul>'

    return mark_safe(option_list(options))
