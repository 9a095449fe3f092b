"""How many pages an anonymous client may make the portal compute: ``ANONYMOUS_CACHE_MISSES_PER_MINUTE``.

A page served from the cache costs next to nothing; one computed for an address nobody asked for since the
collection last changed (a new search, a new combination of filters) can cost seconds of database time, and a few
clients asking for one new address after another slow every page down, cached ones included. So each page, feed
or API answer computed for an anonymous client counts against a per-client limit in the shared ``ratelimits``
table; past it the client is answered 429 with ``Retry-After`` until the minute is over, while anything cached is
still served to it, and other clients are not affected.

Logged-in people are exempt: every page is computed for them (none is cached), so a limit would count all their
reading; accounts are verified and their sign-ups limited, and moderators and curators must not be locked out.
"""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from ratelimits import counters

API_PREFIX = "/api/"
WINDOW_SECONDS = 60


def cache_miss_limit() -> counters.Limit:
    return counters.Limit("cache-misses-client", settings.ANONYMOUS_CACHE_MISSES_PER_MINUTE, WINDOW_SECONDS)


def refuse_page_computation(request) -> HttpResponse | None:
    """Count one computed page for the client of ``request`` (an anonymous one); the 429 answer when that is one
    too many, else None (go on and compute it)."""
    request = getattr(request, "_request", request)  # a REST framework request: the one Django made
    user = getattr(request, "user", None)
    limit = cache_miss_limit()
    if limit.count <= 0 or (user is not None and user.is_authenticated):
        return None
    if not counters.hit(limit, counters.client_ip(request)):
        return None
    if request.path_info.startswith(API_PREFIX):
        response = JsonResponse(
            {"detail": _("Too many requests for uncached results from your address. Please wait a minute.")},
            status=429,
        )
    else:
        response = render(request, "429.html", {"retry_after": limit.retry_after()}, status=429)
    response["Retry-After"] = str(limit.retry_after())
    response["Cache-Control"] = "no-store"
    return response
