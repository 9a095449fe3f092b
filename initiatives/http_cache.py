"""HTTP caching headers, so that a CDN or a reverse proxy can carry anonymous traffic, and nothing personal is ever
kept by one.

An answer is *shareable* when its view said so (``counts.cacheable``: the pages that show the collection, the feeds
and the pages about them, the API's answers) and nothing in it belongs to one visitor: a GET or HEAD, a 200 (or the
304 of one), no logged-in user, no cookie set (a CSRF token, a session, a message shown, the remembered language)
and no CSP nonce used (the policy header would name it for everyone). It gets:

- ``Cache-Control: public, max-age=HTTP_CACHE_MAX_AGE, s-maxage=HTTP_CACHE_S_MAXAGE,
  stale-while-revalidate=HTTP_CACHE_STALE_WHILE_REVALIDATE``: browsers ask again, shared caches keep it a while,
  and a publication purges it before then (the API's clients may keep an answer ``HTTP_CACHE_API_MAX_AGE``);
- an ``ETag`` (a digest of the body, unless the view set one: feeds, API) and a 304 to a matching If-None-Match;
- ``Vary: Cookie`` on HTML (what a logged-in visitor sees differs; the language is in the address, so nothing
  varies on Accept-Language there), ``Accept`` on feeds (set by them), ``Accept-Language`` on the API when the
  header chose the language (``api.language``);
- ``Surrogate-Key``: the dependency keys the answer read (``dependencies.py``), with its kind (``html``, ``feed``,
  ``api``) and ``all``, space-separated. A purge by the keys of ``collection_changed`` drops exactly the answers
  that show what changed. Past ``SURROGATE_KEY_MAX_LENGTH`` characters the keys give way to ``collection``.

Every other answer that carries something personal, and every error, is ``private, no-store`` (or keeps the
``no-store`` it has), whatever the view said. This middleware sits above the others (but below the outage and
timeout handlers), so it sees the cookies and headers they all set; it also starts, for each request, the note of
what the answer reads (``counts.Reads``).
"""

from django.conf import settings
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers, set_response_etag

from . import counts

HEADER = "Surrogate-Key"
# Directives that let a shared cache keep an answer: taken off whatever is made private.
SHARED_DIRECTIVES = ("public", "s-maxage", "stale-while-revalidate")
# What a 304 keeps of the answer it stands for (besides what Django's copies: Cache-Control, ETag, Vary…).
KEPT_ON_304 = (
    HEADER,
    "Last-Modified",
    "Content-Language",
    "Access-Control-Allow-Origin",
    "Access-Control-Expose-Headers",
)


class HttpCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = counts.start_request()
        try:
            response = self.get_response(request)
        finally:
            reads = counts.end_request(token)
        # (An error first: the user is not looked up for it, which after a database outage would fail again.)
        if response.status_code >= 400 or is_personal(request, response):
            make_private(response)
        elif reads.kind and request.method in ("GET", "HEAD") and response.status_code in (200, 304):
            response = make_shared(request, response, reads)
        return response


def is_personal(request, response) -> bool:
    """Whether the answer may hold something of one visitor's (what no shared cache may keep)."""
    if request.method not in ("GET", "HEAD") or response.cookies:
        return True
    if getattr(request, "_csp_nonce", None):  # LazyNonce: true once a template used it
        return True
    user = getattr(request, "user", None)  # (not there for what WhiteNoise answers before authentication)
    return user is not None and user.is_authenticated


def make_private(response) -> None:
    if response.has_header("Cache-Control"):
        kept = [
            directive.strip()
            for directive in response["Cache-Control"].split(",")
            if directive.strip() and directive.split("=")[0].strip().lower() not in SHARED_DIRECTIVES
        ]
        response["Cache-Control"] = ", ".join(kept)
        if not kept:
            del response["Cache-Control"]
    if "no-store" not in response.get("Cache-Control", ""):  # (no-store alone already keeps every cache out)
        patch_cache_control(response, private=True, no_store=True)
    if response.has_header(HEADER):
        del response[HEADER]


def surrogate_keys(reads: counts.Reads) -> str:
    keys = " ".join(sorted(reads.keys | {reads.kind, counts.ALL}))
    if len(keys) > settings.SURROGATE_KEY_MAX_LENGTH:
        keys = " ".join(sorted({reads.kind, counts.ALL, counts.COLLECTION}))
    return keys


def make_shared(request, response, reads: counts.Reads):
    max_age = settings.HTTP_CACHE_API_MAX_AGE if reads.kind == "api" else settings.HTTP_CACHE_MAX_AGE
    response["Cache-Control"] = (
        f"public, max-age={max_age}, s-maxage={settings.HTTP_CACHE_S_MAXAGE}, "
        f"stale-while-revalidate={settings.HTTP_CACHE_STALE_WHILE_REVALIDATE}"
    )
    response[HEADER] = surrogate_keys(reads)
    if reads.kind == "html":
        patch_vary_headers(response, ("Cookie",))
    if response.status_code != 200 or response.streaming:
        return response
    if not response.has_header("ETag"):
        set_response_etag(response)  # Django's: an MD5 of the body (none for an empty one)
    not_modified = get_conditional_response(request, etag=response.get("ETag"), response=response)
    if not_modified is not response:
        for header in KEPT_ON_304:
            if response.has_header(header):
                not_modified[header] = response[header]
    return not_modified
