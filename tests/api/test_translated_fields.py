"""The API's initiatives in the answer's language: its text where written, else the original's, with ``language``
(the original language) and ``translations`` (every version). Term names follow the answer's language."""

import pytest
from django.utils import translation

from initiatives.models import Category, Theme
from initiatives.sections import FIELDS as SECTION_FIELDS
from tests.factories import make_initiative

pytestmark = pytest.mark.django_db

LANGUAGES = [("en", "English"), ("fr", "French"), ("es", "Spanish"), ("ar", "Arabic")]

# Every version has its sections of the record (issue 13), null where not written.
NO_SECTIONS = dict.fromkeys(SECTION_FIELDS)


@pytest.fixture(autouse=True)
def four_languages(settings):
    settings.LANGUAGES = LANGUAGES


@pytest.fixture
def with_spanish():
    """An English original with a Spanish title and summary (no Spanish acronym or description)."""
    initiative = make_initiative(
        slug="labour-mobility",
        title="Labour mobility partnership",
        acronym="LMP",
        summary="Workers move safely.",
        description="Some *detail*.",
    )
    initiative.title_es = "Asociación de movilidad laboral"
    initiative.summary_es = "Los trabajadores se desplazan con seguridad."
    initiative.save()
    return initiative


@pytest.fixture
def french_only():
    """A French original without any translation: its neighbour in every listing."""
    with translation.override("fr"):
        return make_initiative(
            slug="guichet-unique",
            title="Guichet unique pour les migrants de retour",
            summary="Un accueil pour les personnes qui rentrent.",
            language="fr",
        )


def by_slug(data) -> dict:
    return {item["slug"]: item for item in data["results"]}


@pytest.mark.parametrize("how", [{"path": "?lang=es"}, {"path": "", "HTTP_ACCEPT_LANGUAGE": "es-MX,es;q=0.9"}])
def test_the_api_in_spanish_shows_spanish_where_written_else_the_original(api, with_spanish, french_only, how):
    extra = {key: value for key, value in how.items() if key != "path"}
    response, data = api(f"/api/initiatives/{how['path']}", **extra)
    assert response.status_code == 200
    assert response["Content-Language"] == "es"
    items = by_slug(data)
    spanish = items["labour-mobility"]
    assert spanish["title"] == "Asociación de movilidad laboral"
    assert spanish["summary"] == "Los trabajadores se desplazan con seguridad."
    assert spanish["acronym"] == "LMP"  # not translated: the original's
    assert spanish["description"] == "Some *detail*."
    assert spanish["language"] == "en"
    # The neighbour has no Spanish: its French original, said to be French.
    french = items["guichet-unique"]
    assert french["title"] == "Guichet unique pour les migrants de retour"
    assert french["summary"] == "Un accueil pour les personnes qui rentrent."
    assert french["acronym"] is None
    assert french["language"] == "fr"
    assert french["translations"] == {
        "fr": {
            "title": "Guichet unique pour les migrants de retour",
            "acronym": None,
            "summary": "Un accueil pour les personnes qui rentrent.",
            "description": "",
            "sections": NO_SECTIONS,  # issue 13
        }
    }


def test_the_detail_in_each_language(api, with_spanish):
    for lang, title in [
        ("es", "Asociación de movilidad laboral"),
        ("en", "Labour mobility partnership"),
        ("fr", "Labour mobility partnership"),  # no French: the original, not modeltranslation's fallback order
        ("ar", "Labour mobility partnership"),
    ]:
        _response, data = api(f"/api/initiatives/labour-mobility/?lang={lang}")
        assert data["title"] == title, lang
        assert data["language"] == "en"


def test_a_spanish_original_read_in_english_is_spanish_not_the_first_fallback(api):
    """modeltranslation's fallback order starts with English; the original language comes first here."""
    with translation.override("es"):
        initiative = make_initiative(
            slug="remesas", title="Remesas seguras", summary="Envíos de dinero.", language="es"
        )
    initiative.title_fr = "Envois de fonds sûrs"
    initiative.save()
    _response, data = api("/api/initiatives/remesas/?lang=en")
    assert (data["title"], data["summary"], data["language"]) == ("Remesas seguras", "Envíos de dinero.", "es")
    _response, data = api("/api/initiatives/remesas/?lang=fr")
    assert (data["title"], data["summary"]) == ("Envois de fonds sûrs", "Envíos de dinero.")


def test_translations_hold_every_written_version_the_original_first(api, with_spanish):
    with_spanish.title_ar = "شراكة تنقل العمالة"
    with_spanish.description_ar = "تفاصيل"
    with_spanish.save()
    _response, data = api("/api/initiatives/labour-mobility/?lang=fr")
    assert list(data["translations"]) == ["en", "es", "ar"]
    assert data["translations"] == {
        "en": {
            "title": "Labour mobility partnership",
            "acronym": "LMP",
            "summary": "Workers move safely.",
            "description": "Some *detail*.",
            "sections": NO_SECTIONS,  # issue 13
        },
        "es": {
            "title": "Asociación de movilidad laboral",
            "acronym": None,
            "summary": "Los trabajadores se desplazan con seguridad.",
            "description": "",
            "sections": NO_SECTIONS,  # issue 13
        },
        "ar": {
            "title": "شراكة تنقل العمالة",
            "acronym": None,
            "summary": "",
            "description": "تفاصيل",
            "sections": NO_SECTIONS,
        },
    }


def test_term_names_in_the_answers_language(api):
    theme = Theme.objects.exclude(name_es="").exclude(name_es=None).order_by("pk").first()
    category = Category.objects.exclude(name_es="").exclude(name_es=None).order_by("pk").first()
    if theme is None or category is None:
        pytest.skip("no Spanish term names in the seeded taxonomy")
    make_initiative(slug="with-terms", themes=[theme.slug], category=category.slug)
    _response, data = api("/api/initiatives/with-terms/?lang=es")
    assert data["themes"][0]["name"] == theme.name_es
    assert data["category"]["name"] == category.name_es
    _response, data = api("/api/initiatives/with-terms/?lang=en")
    assert data["themes"][0]["name"] == theme.name_en


def test_the_schema_documents_language_and_translations(client):
    schema = client.get("/api/schema/").json()
    initiative = schema["components"]["schemas"]["Initiative"]
    assert {"language", "translations"} <= set(initiative["required"])
    properties = initiative["properties"]
    enum = properties["language"]["allOf"][0]["$ref"].rsplit("/", 1)[-1]
    assert schema["components"]["schemas"][enum]["enum"] == ["en", "fr", "es", "ar"]
    assert properties["translations"]["type"] == "object"
    version = properties["translations"]["additionalProperties"]["$ref"].rsplit("/", 1)[-1]
    assert set(schema["components"]["schemas"][version]["properties"]) == {
        "title",
        "acronym",
        "summary",
        "description",
        "sections",  # issue 13
    }
    assert properties["acronym"]["nullable"] is True
