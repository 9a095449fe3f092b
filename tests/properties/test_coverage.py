"""Every URL of the portal is exercised by the property tests: a new URL name fails here until a test sends it
hostile input (or it is excluded below, with the reason)."""

from django.urls import LocalePrefixPattern, URLPattern, URLResolver, get_resolver

from tests.properties import (
    test_account_forms,
    test_contact_forms,
    test_query_parameters,
    test_submission_forms,
    test_subscription_forms,
)

EXERCISED = (
    test_query_parameters.URL_NAMES  # every page, GET: query parameters and path arguments
    | test_account_forms.URL_NAMES  # forms, POST
    | test_submission_forms.URL_NAMES
    | test_subscription_forms.URL_NAMES
    | test_contact_forms.URL_NAMES  # issue 13 (orgs)
)

# Namespaces left out, and why.
EXCLUDED_NAMESPACES = {
    # The Django admin: its own views and forms (Django's, and ours in initiatives/admin.py) are covered by
    # tests/*/test_admin.py, the security permission matrix and the browser tests; it is for staff only.
    "admin",
}


def url_patterns(patterns=None, namespace: str = "", prefix: str = ""):
    """``(name with its namespaces, route)`` for every URL pattern (name None for an unnamed one)."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        # The language prefix (i18n_patterns) is left out: routes read as written in the apps' urls.py.
        route = prefix + ("" if isinstance(pattern.pattern, LocalePrefixPattern) else str(pattern.pattern))
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace or "") if part)
            yield from url_patterns(pattern.url_patterns, inner, route)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield name, route, namespace


def test_every_url_name_is_exercised_by_a_property_test():
    missing = sorted(
        name for name, _route, namespace in url_patterns() if name and namespace not in EXCLUDED_NAMESPACES
    )
    missing = [name for name in missing if name not in EXERCISED]
    assert not missing, f"URL names no property test sends hostile input to: {missing}"


def test_no_url_outside_the_admin_is_unnamed():
    """A pattern without a name could not be listed here, nor exercised by name."""
    unnamed = [route for name, route, namespace in url_patterns() if not name and namespace not in EXCLUDED_NAMESPACES]
    assert not unnamed, unnamed


def test_every_exercised_name_exists():
    """No stale entries: a renamed URL must be renamed in the property tests too."""
    names = {name for name, _route, _namespace in url_patterns()}
    assert not EXERCISED - names, sorted(EXERCISED - names)
