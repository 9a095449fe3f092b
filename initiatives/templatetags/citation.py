from django import template

from initiatives.citation import Citation, citation_for

register = template.Library()


@register.simple_tag
def citation(initiative) -> Citation:
    """``{% citation initiative as cite %}``: the citation the "Cite this" section and the printed page show."""
    return citation_for(initiative)
