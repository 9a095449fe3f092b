"""Headers for every answer under /api/: CORS open to every origin, conditional GET, and the answer's language.

The API is public, read-only and uses no cookies or credentials, so any web page may read it:
``Access-Control-Allow-Origin: *`` goes on every answer (whatever made it: an API view, a 404, the
301 of an old slug, an error), with no ``Vary: Origin``, so caches keep one copy for everyone. A
preflight (``OPTIONS`` with ``Access-Control-Request-Method``) is answered here, before any view.

Successful GETs get an ETag (a digest of the body and the language), ``Cache-Control: public, max-age=60`` and a
304 to a matching ``If-None-Match``; the answers about the collection then get the shared caches' policy and their
Surrogate-Key from ``initiatives.http_cache``, above this middleware. The language is part of the ETag because two
languages may give the same body (an answer with nothing to translate): a client that switches language must not be
told its copy in the other one is current.

The language (api/language.py) is chosen before anything else runs, activated for the whole answer, and again in
``process_view``, after LocaleMiddleware (further down MIDDLEWARE) has activated its own choice. This middleware
must stay above LocaleMiddleware: on the way out it corrects the Content-Language and Vary that LocaleMiddleware
sets.
"""

from hashlib import md5

from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control, quote_etag

from . import language

PREFIX = "/api/"
CACHE_SECONDS = 60
ALLOWED_METHODS = "GET, HEAD, OPTIONS"
PREFLIGHT_CACHE_SECONDS = 86400


class ApiHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(PREFIX):
            return self.get_response(request)
        if request.method == "OPTIONS" and "access-control-request-method" in request.headers:
            response = HttpResponse(status=204)
            del response["Content-Type"]
            response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
            response["Access-Control-Allow-Headers"] = "*"
            response["Access-Control-Max-Age"] = str(PREFLIGHT_CACHE_SECONDS)
        else:
            choice = language.choose(request)
            with translation.override(choice.code):
                response = language.refusal(choice) if choice.errors else self.answer(request, choice)
            language.mark(response, choice)
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = "ETag"
        return response

    def answer(self, request, choice: language.Choice):
        request.api_language = choice.code
        response = self.get_response(request)
        if request.method in ("GET", "HEAD") and response.status_code == 200 and not response.streaming:
            digest = md5(response.content, usedforsecurity=False).hexdigest()
            response["ETag"] = quote_etag(f"{digest}-{choice.code}")
            patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
            response = get_conditional_response(request, etag=response["ETag"], response=response)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        """The API's language again, over the one LocaleMiddleware activated since (cookie included)."""
        code = getattr(request, "api_language", None)
        if code is not None:
            translation.activate(code)
            request.LANGUAGE_CODE = code
