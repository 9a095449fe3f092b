"""The seven taxonomies as the API names them: URL prefix, model, the field that identifies a term."""

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode

from initiatives.models import TAXONOMIES
from initiatives.selectors import PUBLIC_WHEN_UNUSED


@dataclass(frozen=True)
class Kind:
    name: str  # "theme": the listing's facet, the site's URL name and the first word of the API's URL names
    plural: str  # "themes": the URL prefix, on the site and in the API
    model: type
    lookup: str = "slug"  # countries are identified by their ISO alpha-2 code
    only_used: bool = False  # list only the terms some published initiative has (as the site's index does)

    def site_url(self, value: str) -> str:
        return absolute(reverse(f"initiatives:{self.name}", kwargs={self.lookup: value}))

    def api_url(self, value: str) -> str:
        return absolute(reverse(f"api:{self.name}-detail", kwargs={self.lookup: value}))

    def initiatives_api_url(self, value: str) -> str:
        return f"{absolute(reverse('api:initiative-list'))}?{urlencode({self.name: value})}"


KINDS = [
    Kind(
        taxonomy.name,
        taxonomy.plural,
        taxonomy.model,
        taxonomy.lookup,
        only_used=taxonomy.name not in PUBLIC_WHEN_UNUSED,
    )
    for taxonomy in TAXONOMIES
]
KIND = {kind.name: kind for kind in KINDS}


def absolute(path: str) -> str:
    """An absolute URL on the public site (``SITE_URL``), the same whatever host the request named."""
    return f"{settings.SITE_URL}{path}"
