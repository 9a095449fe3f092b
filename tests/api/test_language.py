"""The API in the reader's language: ``?lang=``, else Accept-Language, else English; said in Content-Language.

The Spanish answers need the compiled catalogue (``make test`` compiles it; by hand:
``manage.py compilemessages -l es``).
"""

import pytest
from django.urls import reverse
from django.utils import translation

from api.kinds import absolute

pytestmark = [pytest.mark.django_db, pytest.mark.any_database]  # the API's language negotiation: HTTP, not SQL

LANGUAGES = [("en", "English"), ("fr", "French"), ("es", "Spanish"), ("ar", "Arabic")]
CODES = [code for code, _name in LANGUAGES]
ACCEPTED = "en, fr, es, ar"

WHOLE_NUMBER = {"en": "Expected a whole number.", "es": "Se esperaba un número entero."}
NO_PAGE_2 = {
    "en": "There is no page 2: the last page is 1.",
    "es": "No existe la página 2: la última página es la 1.",
}


@pytest.fixture(autouse=True)
def four_languages(settings):
    """The languages of issue 12, whatever this branch's settings say (the API reads them at each request)."""
    settings.LANGUAGES = LANGUAGES


def vary(response) -> set[str]:
    return {name.strip().lower() for name in response.get("Vary", "").split(",") if name.strip()}


# --- an answer in Spanish ---------------------------------------------------------------------------------------


def test_an_error_in_spanish_through_lang(api):
    response, data = api("/api/initiatives/?page=abc&lang=es")
    assert response.status_code == 400
    assert data["errors"] == [{"parameter": "page", "value": "abc", "message": WHOLE_NUMBER["es"]}]
    assert data["detail"].startswith("Parámetros de consulta no válidos: page='abc'")
    assert response["Content-Language"] == "es"
    assert "accept-language" not in vary(response)  # ?lang= decided: the header changes nothing


@pytest.mark.parametrize("header", ["es", "es-ES,es;q=0.9,en;q=0.5", "es-MX", "de-DE, es;q=0.8"])
def test_an_error_in_spanish_through_accept_language(api, header):
    response, data = api("/api/initiatives/?page=abc", HTTP_ACCEPT_LANGUAGE=header)
    assert response.status_code == 400
    assert data["errors"][0]["message"] == WHOLE_NUMBER["es"]
    assert response["Content-Language"] == "es"
    assert "accept-language" in vary(response)


def test_the_english_neighbour_is_unchanged(api):
    api("/api/initiatives/?page=abc&lang=es")
    response, data = api("/api/initiatives/?page=abc")
    assert data["errors"][0]["message"] == WHOLE_NUMBER["en"]
    assert data["detail"] == "Invalid query parameters: page='abc': Expected a whole number."
    assert response["Content-Language"] == "en"
    assert "accept-language" in vary(response)


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_page_past_the_last_in_each_language(api, language):
    response, data = api(f"/api/initiatives/?page=2&lang={language}")
    assert response.status_code == 404
    assert data["detail"] == NO_PAGE_2[language]
    assert response["Content-Language"] == language


def test_lang_wins_over_accept_language(api):
    response, data = api("/api/initiatives/?page=abc&lang=en", HTTP_ACCEPT_LANGUAGE="es")
    assert data["errors"][0]["message"] == WHOLE_NUMBER["en"]
    assert response["Content-Language"] == "en"
    assert "accept-language" not in vary(response)


def test_the_language_cookie_is_not_read(client, settings):
    """LocaleMiddleware would take the site's language cookie first; the API uses no cookies."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    response = client.get("/api/initiatives/?page=abc")
    assert response.json()["errors"][0]["message"] == WHOLE_NUMBER["en"]
    assert response["Content-Language"] == "en"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/api/initiatives/?page=abc", HTTP_ACCEPT_LANGUAGE="es")
    assert response.json()["errors"][0]["message"] == WHOLE_NUMBER["es"]


def test_the_index_and_the_json_404_in_spanish(api):
    _response, data = api("/api/?lang=es")
    assert data["name"] == "API del Portal de Prácticas sobre Migración"
    response, data = api("/api/nowhere/", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 404
    assert data["detail"].startswith("No hay ningún punto de acceso de la API en esta dirección")
    assert response["Content-Language"] == "es"


@pytest.mark.parametrize(
    "header, language",
    [
        ("", "en"),
        ("de", "en"),  # nothing the API speaks
        ("de, fr;q=0.5", "fr"),
        ("ar-EG", "ar"),
        ("*", "en"),
        ("es;q=0", "en"),  # refused
        ("es;q=0, fr;q=0.1", "fr"),
        ("en;q=nan", "en"),  # malformed: ignored
        ("x" * 1000, "en"),
        ("es-" + "x" * 600, "en"),
    ],
)
def test_the_best_match_of_accept_language_else_english(api, header, language):
    response, _data = api("/api/", HTTP_ACCEPT_LANGUAGE=header)
    assert response.status_code == 200
    assert response["Content-Language"] == language
    assert "accept-language" in vary(response)


def test_blank_lang_means_absent(api):
    response, _data = api("/api/initiatives/?lang=", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 200
    assert response["Content-Language"] == "es"
    assert "accept-language" in vary(response)


def test_site_links_point_to_the_pages_in_the_answers_language(api):
    """Pages are cached by query string: the cache keeps one copy per language (here both languages are asked
    for the same query string, the second one from the cache if it were shared)."""
    for language in ("es", "en", "es"):
        _response, data = api("/api/initiatives/?sort=title", HTTP_ACCEPT_LANGUAGE=language)
        first = data["results"][0]
        with translation.override(language):
            assert first["url"] == absolute(reverse("initiatives:detail", kwargs={"slug": first["slug"]}))


# --- caching ------------------------------------------------------------------------------------------------------


def test_etags_differ_per_language(client):
    url = "/api/initiatives/?theme=remittances"
    english = client.get(url)
    spanish = client.get(url, HTTP_ACCEPT_LANGUAGE="es")
    through_lang = client.get(f"{url}&lang=es")
    assert english["ETag"] != spanish["ETag"]
    assert through_lang["ETag"] != english["ETag"]
    assert "public" in spanish["Cache-Control"] and "max-age=60" in spanish["Cache-Control"]
    # A copy in English is not current for a reader of Spanish.
    assert client.get(url, HTTP_ACCEPT_LANGUAGE="es", HTTP_IF_NONE_MATCH=english["ETag"]).status_code == 200
    again = client.get(url, HTTP_ACCEPT_LANGUAGE="es", HTTP_IF_NONE_MATCH=spanish["ETag"])
    assert again.status_code == 304
    assert again["Content-Language"] == "es"
    assert "accept-language" in vary(again)
    assert again["Access-Control-Allow-Origin"] == "*"


# --- a bad lang -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, value",
    [
        ("lang=xx", "xx"),
        ("lang=ES", "ES"),  # the codes as listed
        ("lang=es-ES", "es-ES"),  # a language tag is for Accept-Language
        ("lang=%3Cscript%3Ealert(1)%3C/script%3E", "<script>alert(1)</script>"),
        ("lang=%FF%FE", "\ufffd\ufffd"),
        ("lang=es%00", "es\x00"),
        (f"lang={'e' * 1000}", "e" * 200 + "…"),
        ("lang=es&lang=fr", "fr"),  # given twice
        ("lang=es&lang=", ""),
    ],
)
@pytest.mark.parametrize("url", ["/api/", "/api/initiatives/", "/api/themes/", "/api/initiatives/thamm/"])
def test_a_bad_lang_is_a_400_listing_the_codes(client, url, query, value):
    response = client.get(f"{url}?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert b"<" not in response.content  # escaped, as every API answer
    data = response.json()
    assert [(e["parameter"], e["value"]) for e in data["errors"]] == [("lang", value)]
    assert "lang=" in data["detail"]
    if query.count("lang=") == 1:
        assert data["errors"][0]["message"] == f"Expected one of: {ACCEPTED}."
    assert response["Content-Language"] == "en"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert not response.has_header("ETag")
    assert "public" not in response.get("Cache-Control", "")


def test_a_bad_lang_is_refused_in_the_headers_language(api):
    response, data = api("/api/initiatives/?lang=xx", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 400
    assert data["errors"][0]["message"] == f"Se esperaba uno de los siguientes valores: {ACCEPTED}."
    assert response["Content-Language"] == "es"
    assert "accept-language" in vary(response)


@pytest.mark.parametrize("url", ["/api/schema/", "/api/nowhere/"])
def test_a_bad_lang_is_a_400_everywhere(api, url):
    response, data = api(f"{url}?lang=xx")
    assert response.status_code == 400
    assert data["errors"][0]["parameter"] == "lang"


def test_the_accepted_codes_follow_the_settings(api, settings):
    settings.LANGUAGES = [("en", "English"), ("es", "Spanish")]
    response, data = api("/api/?lang=fr")
    assert response.status_code == 400
    assert data["errors"][0]["message"] == "Expected one of: en, es."


def test_lang_is_a_known_parameter_everywhere(api):
    for url in ("/api/", "/api/initiatives/", "/api/initiatives/thamm/", "/api/regions/", "/api/regions/europe/"):
        response, _data = api(f"{url}?lang=es")
        assert response.status_code == 200, url
        assert response["Content-Language"] == "es"
    _response, data = api("/api/initiatives/?colour=red")
    assert "lang" in data["errors"][0]["message"]  # listed among the parameters


def test_preflights_are_untouched(client):
    response = client.options(
        "/api/initiatives/?lang=xx", HTTP_ORIGIN="https://somewhere.example", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET"
    )
    assert response.status_code == 204


# --- the OpenAPI description ------------------------------------------------------------------------------------


def test_every_operation_documents_the_language(api):
    _response, schema = api("/api/schema/")
    assert "multilingual" in schema["info"]["description"]
    assert "Accept-Language" in schema["info"]["description"]
    operations = [operation for item in schema["paths"].values() for operation in item.values()]
    assert len(operations) == len(schema["paths"])  # one GET each
    for operation in operations:
        parameters = {(p["in"], p["name"]): p for p in operation["parameters"]}
        lang = parameters["query", "lang"]
        assert lang["schema"] == {"type": "string", "enum": CODES}
        assert "Accept-Language" in lang["description"] and "English" in lang["description"]  # the fallback
        assert parameters["header", "Accept-Language"]["schema"]["type"] == "string"
        for status, response in operation["responses"].items():
            header = response["headers"]["Content-Language"]
            assert header["schema"] == {"type": "string", "enum": CODES}, status
            assert header["required"] is True


@pytest.mark.parametrize(
    "url, headers", [("/api/schema/?lang=es", {}), ("/api/schema/", {"HTTP_ACCEPT_LANGUAGE": "es"})]
)
def test_the_description_in_spanish(api, url, headers):
    response, schema = api(url, **headers)
    assert response.status_code == 200
    assert response["Content-Language"] == "es"
    description = schema["info"]["description"]
    assert "La API es multilingüe. Idiomas: English (en), French (fr), Spanish (es), Arabic (ar)." in description
    lang = next(p for p in schema["paths"]["/api/"]["get"]["parameters"] if p["name"] == "lang")
    assert lang["description"].startswith("El idioma de la respuesta")
