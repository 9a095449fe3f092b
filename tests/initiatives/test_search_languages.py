"""Search in the four content languages: each language's stemming (PostgreSQL), every language searched at once,
the reader's language ranked first, snippets from the text that matched, "did you mean" per language."""

import pytest
from django.utils import translation

from initiatives import search, services
from initiatives.models import SearchWord
from tests.factories import make_initiative

pytestmark = pytest.mark.django_db

FOUR = [("en", "English"), ("fr", "French"), ("es", "Spanish"), ("ar", "Arabic")]


@pytest.fixture(autouse=True)
def _four_languages(settings):
    settings.LANGUAGES = FOUR


def search_page(client, query: str, reader: str = "en"):
    """The listing searched by a reader of ``reader`` (the redirect to a language's URLs, where there is one, is
    followed)."""
    response = client.get("/initiatives/", {"q": query}, headers={"accept-language": reader}, follow=True)
    assert response.status_code == 200
    assert translation.get_language_from_request(response.wsgi_request) == reader
    return response


def found(client, query: str, reader: str = "en") -> list[str]:
    return [i.slug for i in search_page(client, query, reader).context["page_obj"].object_list]


def written_in(language: str, **fields):
    """An initiative written in ``language`` (its text in that language's columns), published."""
    with translation.override(language):
        return make_initiative(language=language, **fields)


@pytest.fixture
def pg(on_postgresql):
    search.rebuild_vocabulary()


@pytest.fixture
def vocabulary(db):
    search.rebuild_vocabulary()


# --- PostgreSQL: each language's configuration ---------------------------------------------------------------


@pytest.mark.postgresql
def test_french_words_are_stemmed_in_french(client, pg):
    written_in(
        "fr",
        slug="accueil",
        title="Maison d'accueil",
        summary="Un accompagnement juridique pour le travailleur migrant saisonnier et sa famille.",
    )
    written_in("fr", slug="voisin", title="Réseau des entrepreneures", summary="Des femmes créent des entreprises.")
    assert found(client, "travailleurs migrants") == ["accueil"]
    assert found(client, "travailleurs migrants", reader="fr") == ["accueil"]


@pytest.mark.postgresql
def test_spanish_words_are_stemmed_in_spanish(client, pg):
    written_in("es", slug="fondo", title="Fondo familiar", summary="Cada remesa enviada a casa cuenta el doble.")
    written_in("es", slug="vecino", title="Escuela de oficios", summary="Formación profesional para jóvenes.")
    assert found(client, "remesas") == ["fondo"]


@pytest.mark.postgresql
def test_arabic_search_ignores_diacritics_tatweel_and_the_conjunction(client, pg):
    written_in(
        "ar",
        slug="daem",
        title="برنامج الدعم",
        summary="برنامج لدعم العمال والمهاجرين وأسرهم في بلدان الهجرة.",
    )
    written_in("ar", slug="jar", title="مدرسة المهن", summary="تدريب مهني للشباب.")
    assert found(client, "المهاجرين", reader="ar") == ["daem"]  # the text says والمهاجرين: "and the migrants"
    assert found(client, "المُهاجِرون") == ["daem"]  # vocalised, in another case
    assert found(client, "المهـــاجر") == ["daem"]  # with tatweel
    assert found(client, "الهجرة") == ["daem"]


@pytest.mark.postgresql
def test_accents_are_ignored_in_french(client, pg):
    written_in("fr", slug="reseau", title="Réseau d'hébergement", summary="Un accueil solidaire des réfugiées.")
    assert found(client, "hebergement") == ["reseau"]
    assert found(client, "RÉFUGIÉES", reader="fr") == ["reseau"]
    assert found(client, "réfugiés", reader="fr") == ["reseau"]  # stemmed alike with their accents only


def test_snippets_come_from_the_summary_that_matched_marked_with_its_language(client, vocabulary):
    arabic = written_in("ar", slug="daem", title="برنامج الدعم", summary="برنامج لدعم العمال المهاجرين وأسرهم.")
    snippet = search_page(client, "المهاجرين").context["snippets"][arabic.pk]
    assert snippet.lang == "ar"
    assert snippet == '<span lang="ar" dir="auto">برنامج لدعم العمال <mark>المهاجرين</mark> وأسرهم.</span>'
    snippet = search_page(client, "المهاجرين", reader="ar").context["snippets"][arabic.pk]
    assert snippet == "برنامج لدعم العمال <mark>المهاجرين</mark> وأسرهم."  # the page's language: no span


# --- both databases: every language at once, the reader's first -------------------------------------------------


def test_a_translation_is_found_in_its_language(client, db):
    """An English initiative with a French translation is found by the French words (a substring on SQLite)."""
    initiative = make_initiative(
        slug="translated",
        title="Seasonal work",
        summary="Legal advice for seasonal workers.",
        title_fr="Travail saisonnier",
        summary_fr="Conseils juridiques aux travailleurs saisonniers.",
    )
    english = search_page(client, "saisonniers")
    assert [i.slug for i in english.context["page_obj"].object_list] == ["translated"]
    assert found(client, "seasonal", reader="fr") == ["translated"]
    # The French reader's snippet is the French summary; the English reader's too (only French matched), marked so.
    french = search_page(client, "saisonniers", reader="fr")
    assert french.context["snippets"][initiative.pk].lang == "fr"
    assert "<mark>saisonniers</mark>" in french.context["snippets"][initiative.pk]
    snippet = english.context["snippets"][initiative.pk]
    assert snippet.lang == "fr" and snippet.startswith('<span lang="fr" dir="auto">')
    assert "<mark>saisonniers</mark>" in snippet
    assert '<span lang="fr" dir="auto">' in english.content.decode()


def test_the_readers_language_ranks_first(client, db):
    written_in("en", slug="english", title="Sahel labour mobility", summary="Labour mobility across the Sahel.")
    written_in("fr", slug="french", title="Mobilité au Sahel", summary="La mobilité de la main-d'œuvre au Sahel.")
    assert found(client, "Sahel") == ["english", "french"]
    assert found(client, "Sahel", reader="fr") == ["french", "english"]


# --- both databases: "did you mean" per language ---------------------------------------------------------------------


def test_did_you_mean_knows_every_languages_words_and_prefers_the_readers(client, vocabulary):
    written_in("en", slug="english", title="Helpdesk of Ms Ostrowska", summary="Advice.")
    written_in("fr", slug="french", title="Permanence de M. Ostrowsky", summary="Conseils aux saisonniers.")
    written_in("es", slug="spanish", title="Fondo familiar", summary="Cada remesa cuenta.")
    assert search_page(client, "ostrowsk").context["suggestion"] == "ostrowska"
    assert search_page(client, "ostrowsk", reader="fr").context["suggestion"] == "ostrowsky"
    assert search_page(client, "saisonier", reader="fr").context["suggestion"] == "saisonniers"
    # A word of another language is no typo, accents or not.
    assert search_page(client, "remesa", reader="fr").context["suggestion"] is None
    assert search_page(client, "saisonniérs").context["suggestion"] is None


def test_the_vocabulary_is_kept_per_language(client, vocabulary):
    arabic = written_in("ar", slug="daem", title="برنامج الدعم", summary="دعم العمال والمُهاجِرين.")
    french = written_in("fr", slug="french", title="Permanence juridique", summary="Conseils aux saisonniers.")
    assert SearchWord.objects.get(language="fr", word="saisonniers").ndoc == 1
    assert SearchWord.objects.get(language="ar", word="المهاجرين").ndoc == 1  # without diacritics nor "and"
    assert not SearchWord.objects.filter(language="en", word="saisonniers").exists()
    assert search_page(client, "المهاجرن", reader="ar").context["suggestion"] == "المهاجرين"
    assert search_page(client, "والمهاجرين", reader="ar").context["suggestion"] is None
    services.unpublish_initiative(initiative=french)
    services.unpublish_initiative(initiative=arabic)
    assert not SearchWord.objects.filter(language__in=["fr", "ar"]).exists()
    kept = set(SearchWord.objects.values_list("language", "word", "ndoc"))
    search.rebuild_vocabulary()
    assert set(SearchWord.objects.values_list("language", "word", "ndoc")) == kept
