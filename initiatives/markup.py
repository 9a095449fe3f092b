"""Descriptions: Markdown to sanitised HTML, once, when the text is written.

The parser is markdown-it-py (CommonMark), whose time grows linearly with its input: Python-Markdown
needed minutes for a description of 20,000 "[" and did it again on every view. Pages show the stored
``Initiative.description_html``; only previews of proposals render on request (bounded by the same parser).
nh3 then keeps a small set of tags and only http(s)/mailto links, whatever the parser let through.
"""

import nh3
from markdown_it import MarkdownIt

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
    # Headings inside a description sit below the page's own h1: "# Title" loses its tag.
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
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
LINK_REL = "nofollow ugc noopener noreferrer"

# Raw HTML is parsed (not escaped) so that nh3 removes it, element and content, as it always was; tables as
# Python-Markdown's "extra" had them. The CommonMark preset caps nesting (blockquotes, lists) at 20 levels.
_PARSER = MarkdownIt("commonmark", {"html": True}).enable("table")
# Every link is parsed as a link and nh3 alone judges its address: a refused one loses its href, not its text.
_PARSER.validateLink = lambda url: True


def render(text: str) -> str:
    """Sanitised HTML for a Markdown text (store it; it is safe to show as it is)."""
    html = _PARSER.render(text or "")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel=LINK_REL,
    )
