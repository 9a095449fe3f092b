"""Headers for every answer under /api/: CORS open to every origin, and conditional GET.

The API is public, read-only and uses no cookies or credentials, so any web page may read it:
``Access-Control-Allow-Origin: *`` goes on every answer (whatever made it: an API view, a 404, the
301 of an old slug, an error), with no ``Vary: Origin``, so caches keep one copy for everyone. A
preflight (``OPTIONS`` with ``Access-Control-Request-Method``) is answered here, before any view.

Successful GETs get an ETag (a digest of the body), ``Cache-Control: public, max-age=60`` and a 304 to
a matching ``If-None-Match``.
"""

from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag

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
            response = self.get_response(request)
            if request.method in ("GET", "HEAD") and response.status_code == 200 and not response.streaming:
                set_response_etag(response)
                patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
                response = get_conditional_response(request, etag=response["ETag"], response=response)
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = "ETag"
        return response
