import json

from django import template
from django.http import QueryDict
from django.utils import formats
from django.utils.safestring import mark_safe

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
