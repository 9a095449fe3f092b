"""``{% record_sections initiative as sections %}``: the sections an initiative has (issue 13, ``sections.py``)."""

from django import template

from initiatives import sections

register = template.Library()


@register.simple_tag
def record_sections(initiative) -> list:
    """(Section, text) pairs in order, for the sections written; each text in the reader's language when written in
    it, else the original's, knowing its language (``lang_attribute``)."""
    return sections.written(initiative)
