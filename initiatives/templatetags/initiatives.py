import json

import markdown as markdown_lib
import nh3
from django import template
from django.http import QueryDict
from django.utils.safestring import mark_safe

register = template.Library()

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "em",
    "strong",
    "b",
    "i",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}


@register.filter(is_safe=True)
def markdown(text: str) -> str:
    """Markdown to HTML, then through a sanitiser: only a small set of tags, only http(s)/mailto links."""
    html = markdown_lib.markdown(text or "", extensions=["extra", "sane_lists"], output_format="html")
    # Headings inside a description sit below the page's own h1/h2.
    html = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}, "th": {"align"}, "td": {"align"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow ugc noopener noreferrer",
    )
    return mark_safe(html)


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
