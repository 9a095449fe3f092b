"""The language in the address: the other language versions of the page being shown, and remembering a choice.

Paths are the same in every language, only the prefix differs (``/en/initiatives/?theme=x`` is
``/fr/initiatives/?theme=x`` in French), so a page's versions are its address with another prefix and the same
query string: no URL resolving, and a 404 page gets them too.

Remembering the language: LocaleMiddleware sends an unprefixed address (an old link, a feed subscribed before the
prefixes) to the language cookie's prefix, else Accept-Language's. The switcher's links are plain links to the
pages themselves (shareable, indexable, cacheable), so the cookie cannot be set by a redirect on the way.
Setting it on the pages would put a ``Set-Cookie`` on the answers a shared cache (a CDN) keeps and serves to
everyone. ``RememberLanguageMiddleware`` sets it only in answer to a request that already carries cookies (a
session, a CSRF token, an earlier language choice): shared caches pass those requests to the site and do not
keep their answers, and the answer is marked private besides. A first-time visitor without cookies keeps
following Accept-Language until they have some.
"""

from django.conf import settings
from django.urls import get_script_prefix
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.encoding import escape_uri_path
from django.utils.translation import get_language_from_path, get_language_info


def split_language_prefix(path_info: str) -> tuple[str | None, str]:
    """``("fr", "/initiatives/")`` for ``"/fr/initiatives/"``; ``(None, path_info)`` without a language prefix."""
    language = get_language_from_path(path_info)
    if language is None:
        return None, path_info
    return language, path_info[len(language) + 1 :] or "/"


def _rest_of_address(request) -> tuple[str | None, str]:
    """The language prefix and the rest of this request's address, percent-encoded again (``path_info`` is
    decoded: a ``%00`` in the address is a NUL there), with the query string in its normal encoding."""
    language, rest = split_language_prefix(request.path_info)
    query = request.GET.urlencode()
    return language, escape_uri_path(rest) + (f"?{query}" if query else "")


def language_versions(request) -> list[dict]:
    """This page in every language: code, local name, direction, relative and absolute address, and whether it
    is the one shown. An address without a language prefix (an unprefixed error page) offers each home page."""
    current, rest = _rest_of_address(request)
    if current is None:
        rest = "/"
    script_prefix = get_script_prefix().rstrip("/")
    versions = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        path = f"{script_prefix}/{code}{rest}"
        versions.append(
            {
                "code": code,
                "name_local": info["name_local"][:1].upper() + info["name_local"][1:],
                "dir": "rtl" if info["bidi"] else "ltr",
                "url": path,
                "absolute_url": f"{settings.SITE_URL}{path}",
                "current": code == current,
            }
        )
    return versions


def languages(request):
    """Context processor: ``language_versions`` (the switcher and the hreflang alternates) and
    ``x_default_url`` (the unprefixed address, which sends each visitor to their language)."""
    current, rest = _rest_of_address(request)
    x_default = f"{settings.SITE_URL}{get_script_prefix().rstrip('/')}{rest}"
    return {
        "language_versions": language_versions(request),
        "x_default_url": x_default if current is not None else "",
    }


class RememberLanguageMiddleware:
    """Keeps the language cookie in step with the prefix of the pages read, for requests that carry cookies
    (see the module's docstring for why only those)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        language, _rest = split_language_prefix(request.path_info)
        if (
            language is not None
            and request.COOKIES
            and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language
            and request.method in ("GET", "HEAD")
            and response.status_code == 200
        ):
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
            patch_cache_control(response, private=True)
            patch_vary_headers(response, ("Cookie",))
        return response
