"""The language of an answer under /api/: ``?lang=``, else the best match of Accept-Language, else English.

The site's pages carry their language in the address (``/fr/…``). The API's addresses have none, so a program names
the language in the query string, or lets its Accept-Language header choose. Django's LocaleMiddleware also runs for
/api/, but it would read the language cookie too: the API uses no cookies (an answer must not depend on what a
browser happened to store, and a shared cache cannot vary on it), so ``ApiHeadersMiddleware`` activates the
language chosen here again just before the view runs, and then marks the answer with it (see ``mark``).

``lang`` is checked here, for every /api/ address, rather than by each view's parameter check: an unknown value
is a 400 whatever the endpoint (the schema and the JSON 404 included), in the language of the Accept-Language
header, with the accepted codes in the message. A blank ``lang=`` means absent, as every other blank parameter does.

Which codes are accepted is read from ``settings.LANGUAGES`` at each request, so the API follows the site.
"""

import copy
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import split_header_value
from django.utils.translation import get_supported_language_variant
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import language_code_re, parse_accept_lang_header

from . import params
from .renderers import EscapedJSONRenderer

PARAMETER = "lang"
HEADER = "Accept-Language"


@dataclass(frozen=True)
class Choice:
    code: str  # the language of the answer, one of settings.LANGUAGES
    from_query: bool  # named by ?lang=: the answer does not depend on Accept-Language
    errors: tuple[dict, ...] = ()  # what was wrong with ?lang= (then ``code`` is the header's choice)


def codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def choose(request) -> Choice:
    """The language ``request`` asks for, and the errors in its ``lang`` parameter."""
    values = request.GET.getlist(PARAMETER)
    header = from_header(request.headers.get(HEADER, ""))
    if not any(values):
        return Choice(header, from_query=False)
    if len(values) == 1 and values[0] in codes():
        return Choice(values[0], from_query=True)
    with translation.override(header):  # the refusal is in the header's language
        if len(values) > 1:
            error = params.error(PARAMETER, values[1], _("Give this parameter once."))
        else:
            error = params.error(PARAMETER, values[0], _("Expected one of: %s.") % ", ".join(codes()))
    return Choice(header, from_query=False, errors=(error,))


def from_header(accept_language: str) -> str:
    """The first language of ``accept_language`` (by preference) that the API speaks, else LANGUAGE_CODE.

    As LocaleMiddleware reads the header ("es-MX" gives "es"), except that a range the client refuses (q=0) is
    skipped."""
    for tag, quality in parse_accept_lang_header(accept_language):
        if tag == "*" or quality <= 0:
            break  # the rest are refused or less wanted than "any language": the default will do
        if not language_code_re.search(tag):
            continue
        try:
            return get_supported_language_variant(tag)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


def refusal(choice: Choice) -> HttpResponse:
    """The 400 for a bad ``lang``, with the body of every other refused parameter (api.params)."""
    detail = params.InvalidParameters(list(choice.errors)).detail
    return HttpResponse(EscapedJSONRenderer().render(detail), status=400, content_type="application/json")


def mark(response: HttpResponse, choice: Choice) -> None:
    """``Content-Language`` on every answer; ``Vary: Accept-Language`` unless ``?lang=`` decided (then the header
    changes nothing, and a shared cache keeps one copy whatever the reader's header; LocaleMiddleware has added it
    to every address without a language prefix, so it comes off again)."""
    response["Content-Language"] = choice.code
    if not choice.from_query:
        patch_vary_headers(response, (HEADER,))
    elif response.has_header("Vary"):
        kept = [name for name in split_header_value(response["Vary"]) if name.lower() != HEADER.lower()]
        if kept:
            response["Vary"] = ", ".join(kept)
        else:
            del response["Vary"]


# --- the OpenAPI description ---------------------------------------------------------------------------------------

HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def document_languages(result, generator, request, public):
    """drf-spectacular post-processing hook: every operation takes ``lang`` and Accept-Language and every answer
    has a Content-Language header; the description says how the language is chosen. Written in the language
    the description is asked for (``/api/schema/?lang=es`` is in Spanish as far as it is translated)."""
    accepted = codes()
    names = ", ".join(f"{name} ({code})" for code, name in settings.LANGUAGES)
    lang = {
        "name": PARAMETER,
        "in": "query",
        "required": False,
        "description": _(
            "The language of the answer: its messages, labels and translated texts. Without it, the best match "
            "of the Accept-Language header is used, else English. A code not in this list is a 400."
        ),
        "schema": {"type": "string", "enum": accepted},
    }
    accept_language = {
        "name": HEADER,
        "in": "header",
        "required": False,
        "description": _(
            "The languages you read, the preferred first (as browsers send them). Used when lang is not given; "
            "the answer then varies with this header (Vary: Accept-Language)."
        ),
        "schema": {"type": "string"},
        "example": "es-ES,es;q=0.9,en;q=0.5",
    }
    content_language = {
        "description": _(
            "The language of the answer: lang if given, else the best match of Accept-Language, else English."
        ),
        "required": True,
        "schema": {"type": "string", "enum": accepted},
    }
    for item in result.get("paths", {}).values():
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            operation.setdefault("parameters", []).extend([copy.deepcopy(lang), copy.deepcopy(accept_language)])
            for response in operation.get("responses", {}).values():
                response.setdefault("headers", {})["Content-Language"] = copy.deepcopy(content_language)
    info = result.setdefault("info", {})
    multilingual = _(
        "The API is multilingual. Languages: %(languages)s. Name the language with the lang parameter "
        "(lang=es); without it, the best match of your Accept-Language header is used, else English. Messages and "
        "labels are in that language, and so are the texts translated into it (the others stay in their original "
        "language); the Content-Language header of each answer names the language."
    ) % {"languages": names}
    info["description"] = "\n\n".join(part for part in (info.get("description", ""), multilingual) if part)
    return result
