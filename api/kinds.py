"""The absolute URLs the API gives for a term of a taxonomy (``initiatives.taxonomies``): its page on the site,
its API resource and the API list of its initiatives."""

from django.conf import settings
from django.utils.http import urlencode

from initiatives.reversing import reverse
from initiatives.taxonomies import Taxonomy


def site_url(taxonomy: Taxonomy, value: str) -> str:
    return absolute(reverse(f"initiatives:{taxonomy.name}", **{taxonomy.lookup: value}))


def api_url(taxonomy: Taxonomy, value: str) -> str:
    return absolute(reverse(f"api:{taxonomy.name}-detail", **{taxonomy.lookup: value}))


def initiatives_api_url(taxonomy: Taxonomy, value: str) -> str:
    return f"{absolute(reverse('api:initiative-list'))}?{urlencode({taxonomy.name: value})}"


def absolute(path: str) -> str:
    """An absolute URL on the public site (``SITE_URL``), the same whatever host the request named."""
    return f"{settings.SITE_URL}{path}"
