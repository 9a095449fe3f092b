"""The collection in four languages: the reader's language else the original, marked; admin; history; names."""

import csv
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from initiatives import presentation, services, taxonomy
from initiatives.models import Category, Country, GuidingPrinciple, Initiative, Region, Theme
from tests.factories import make_initiative
from tests.initiatives.test_admin import submit

pytestmark = pytest.mark.django_db

FOUR_LANGUAGES = [("en", "English"), ("fr", "French"), ("es", "Spanish"), ("ar", "Arabic")]


@pytest.fixture(autouse=True)
def four_languages(settings):
    """The site's languages as issue 12 decides them (LocaleMiddleware then follows Accept-Language)."""
    settings.LANGUAGES = FOUR_LANGUAGES


def page(client, url: str, language: str) -> str:
    """The page at ``url`` (with or without a language prefix) in ``language``."""
    path = re.sub(r"^/(en|fr|es|ar)/", "/", url)
    response = client.get(f"/{language}{path}")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def english_with_french():
    """An English original with a French translation of its title and summary (not of its description)."""
    initiative = make_initiative(
        title="Labour mobility partnership", summary="Workers move safely.", description="Some *detail*."
    )
    initiative.title_fr = "Partenariat de mobilité de main-d'œuvre"
    initiative.summary_fr = "Les travailleurs circulent en sécurité."
    initiative.save()
    services.record_history(initiative=initiative, reason="Translated")
    return initiative


@pytest.fixture
def french_original():
    with translation.override("fr"):
        return make_initiative(
            title="Guichet unique pour les migrants de retour",
            summary="Un accueil pour les personnes qui rentrent.",
            language="fr",
        )


# --- the fallback rule -------------------------------------------------------------------------


def test_text_is_the_readers_language_when_written_else_the_original(english_with_french, french_original):
    with translation.override("fr"):
        title = english_with_french.text("title")
        assert (title, title.lang, title.is_foreign) == ("Partenariat de mobilité de main-d'œuvre", "fr", False)
        description = english_with_french.text("description_html")
        assert description.lang == "en" and "<em>detail</em>" in description  # no French description: original
    with translation.override("es"):
        title = english_with_french.text("title")
        assert (title, title.lang, title.is_foreign) == ("Labour mobility partnership", "en", True)
    with translation.override("en"):
        title = french_original.text("title")
        # The original, not English (there is none) and not the first language with text.
        assert (title, title.lang) == ("Guichet unique pour les migrants de retour", "fr")
        assert title.language_name == "French"
        assert french_original.text("acronym") == ""


def test_plain_columns_keep_the_original_whatever_language_is_active(french_original):
    with translation.override("es"):
        french_original.title_es = "Ventanilla única"
        french_original.save()
    stored = Initiative.objects.rewrite(False).values_list("title", "title_en", "title_es").get(pk=french_original.pk)
    assert stored == ("Guichet unique pour les migrants de retour", None, "Ventanilla única")


def test_reader_sees_their_language_without_note_and_links_to_the_original(client, english_with_french):
    html = page(client, english_with_french.get_absolute_url(), "fr")
    assert '<h1 dir="auto">Partenariat de mobilité de main-d&#x27;œuvre</h1>' in html
    assert '<div class="summary" dir="auto"><p>Les travailleurs circulent en sécurité.</p></div>' in html
    assert 'class="original-language"' not in html
    # The description exists in English only: it says so.
    assert '<div dir="auto" lang="en"><p>Some <em>detail</em>.</p>' in html
    assert 'hreflang="en" lang="en">English</a>' in html


def test_reader_without_a_translation_sees_the_original_marked(client, english_with_french):
    html = page(client, english_with_french.get_absolute_url(), "es")
    assert '<h1 dir="auto" lang="en">Labour mobility partnership</h1>' in html
    with translation.override("es"):
        note = translation.gettext("Original in %(language)s") % {"language": translation.gettext("English")}
    assert note != "Original in English"  # the Spanish catalogue has it
    assert f'<p class="original-language">{note}</p>' in html
    assert 'lang="en"><p>Workers move safely.</p>' in html
    # The other version (French), named in its own language; not English, which is what is shown.
    versions = html.split('class="versions"')[1].split("</nav>")[0]
    assert 'hreflang="fr" lang="fr">français</a>' in versions and "hreflang=" in versions
    assert 'hreflang="es"' not in versions and 'hreflang="en"' not in versions


def test_french_original_read_in_english(client, french_original):
    html = page(client, french_original.get_absolute_url(), "en")
    assert '<h1 dir="auto" lang="fr">Guichet unique pour les migrants de retour</h1>' in html
    assert '<p class="original-language">Original in French</p>' in html
    assert 'class="versions"' not in html  # written in French only, and shown in French


def test_english_reader_of_an_english_original_sees_no_note_and_no_lang(client, english_with_french):
    html = page(client, english_with_french.get_absolute_url(), "en")
    assert '<h1 dir="auto">Labour mobility partnership</h1>' in html
    assert 'class="original-language"' not in html
    assert 'hreflang="fr" lang="fr">français</a>' in html


def test_other_versions_are_made_under_each_language(english_with_french):
    with translation.override("en"):
        versions = presentation.other_versions(english_with_french)
    assert [(v.lang, v.name) for v in versions] == [("fr", "français")]
    with translation.override("fr"):
        assert versions[0].url == english_with_french.get_absolute_url()  # under /fr/ once URLs have prefixes


def test_cards_mark_the_language_of_what_they_show(client, english_with_french, french_original):
    html = page(client, "/initiatives/", "en")
    assert f'href="{french_original.get_absolute_url()}" dir="auto" lang="fr">Guichet unique' in html
    assert f'href="{english_with_french.get_absolute_url()}" dir="auto">Labour mobility partnership</a>' in html
    html = page(client, "/initiatives/", "fr")
    assert f'href="{english_with_french.get_absolute_url()}" dir="auto">Partenariat de mobilité' in html
    assert f'href="{french_original.get_absolute_url()}" dir="auto">Guichet unique' in html


def test_feed_items_follow_the_same_rule(client, english_with_french, french_original):
    xml = page(client, "/initiatives/feed/", "fr")
    assert "<title>Partenariat de mobilité de main-d'œuvre</title>" in xml
    assert "<title>Guichet unique pour les migrants de retour</title>" in xml
    xml = page(client, "/initiatives/feed/", "en")
    assert "<title>Labour mobility partnership</title>" in xml
    assert "<title>Guichet unique pour les migrants de retour</title>" in xml


def test_a_translation_of_one_initiative_does_not_leak_to_its_neighbour(client, english_with_french):
    neighbour = make_initiative(title="Neighbour practice", summary="Next door.")
    with translation.override("fr"):
        assert neighbour.text("title") == "Neighbour practice" and neighbour.text("title").lang == "en"
    html = page(client, neighbour.get_absolute_url(), "fr")
    assert '<h1 dir="auto" lang="en">Neighbour practice</h1>' in html
    assert "Partenariat" not in html.split("<h1")[1].split("</header>")[0]


def test_sorting_by_title_uses_the_title_the_reader_sees(client, english_with_french, french_original):
    with translation.override("fr"):
        ordered = list(
            Initiative.objects.filter(pk__in=[english_with_french.pk, french_original.pk])
            .order_by(presentation.shown_expression("title"))
            .values_list("pk", flat=True)
        )
    assert ordered == [french_original.pk, english_with_french.pk]  # "Guichet…" before "Partenariat…"
    with translation.override("en"):
        ordered = list(
            Initiative.objects.filter(pk__in=[english_with_french.pk, french_original.pk])
            .order_by(presentation.shown_expression("title"))
            .values_list("pk", flat=True)
        )
    assert ordered == [french_original.pk, english_with_french.pk]  # "Guichet…" before "Labour…"


def test_search_finds_text_in_any_language_whatever_the_active_one(client, english_with_french):
    for language in ("en", "fr", "ar"):
        html = page(client, "/initiatives/?q=mobility", language)
        assert english_with_french.get_absolute_url() in html, language


# --- admin: side by side, history, revert ------------------------------------------------------

CHANGE = "admin:initiatives_initiative_change"


@pytest.fixture
def curator(django_user_model):
    user = django_user_model.objects.create_superuser("translator", "t@example.org", password=None)
    browser = Client()
    browser.force_login(user)
    return browser


def test_admin_edits_every_language_side_by_side(curator, english_with_french):
    url = reverse(CHANGE, args=[english_with_french.pk])
    html = curator.get(url).content.decode()
    for name in ("title", "acronym", "summary", "description"):
        row = html.split(f'name="{name}_en"')[0].rsplit('class="form-row', 1)[1]
        assert f"field-{name}_en" in row and f"field-{name}_fr" in row and f"field-{name}_ar" in row, name
    assert 'name="title_ar"' in html and 'lang="ar"' in html and 'dir="auto"' in html

    response = submit(
        curator,
        url,
        "initiative_form",
        {
            "title_es": "Asociación de movilidad laboral",
            "summary_es": "Los trabajadores se desplazan con seguridad.",
            "description_ar": "وصف *قصير*",
        },
    )
    assert response.status_code == 302
    initiative = Initiative.objects.get(pk=english_with_french.pk)
    assert initiative.title_en == "Labour mobility partnership"
    assert initiative.title_fr == "Partenariat de mobilité de main-d'œuvre"
    assert initiative.title_es == "Asociación de movilidad laboral"
    assert initiative.description_html_ar == "<p>وصف <em>قصير</em></p>\n"  # rendered per language
    assert "<em>detail</em>" in initiative.description_html_en


def test_admin_requires_title_and_summary_in_the_original_language_only(curator, english_with_french):
    url = reverse(CHANGE, args=[english_with_french.pk])
    response = submit(curator, url, "initiative_form", {"language": "es"})
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert set(errors) == {"title_es", "summary_es"}
    response = submit(curator, url, "initiative_form", {"language": "fr"})  # French title and summary exist
    assert response.status_code == 302
    assert Initiative.objects.get(pk=english_with_french.pk).language == "fr"


def test_history_and_revert_carry_every_language(curator, english_with_french):
    translated = english_with_french.history.order_by("-history_date", "-history_id").first()
    url = reverse(CHANGE, args=[english_with_french.pk])
    assert submit(curator, url, "initiative_form", {"title_fr": "Un titre français"}).status_code == 302
    edited = english_with_french.history.order_by("-history_date", "-history_id").first()
    assert (edited.title_fr, edited.title_en) == ("Un titre français", "Labour mobility partnership")

    history_page = curator.get(reverse("admin:initiatives_initiative_history", args=[english_with_french.pk]))
    assert "Un titre français" in history_page.content.decode()  # the change, language by language

    revert_url = reverse(
        "admin:initiatives_initiative_simple_history", args=[english_with_french.pk, translated.history_id]
    )
    confirm = curator.get(revert_url).content.decode()
    assert "Un titre français" in confirm and "Partenariat de mobilité de main-d&#x27;œuvre" in confirm
    assert curator.post(revert_url).status_code == 302
    initiative = Initiative.objects.get(pk=english_with_french.pk)
    assert initiative.title_fr == "Partenariat de mobilité de main-d'œuvre"  # back
    assert initiative.title_en == "Labour mobility partnership"
    assert initiative.summary_fr == "Les travailleurs circulent en sécurité."


def test_revert_service_restores_the_french_title(english_with_french):
    version = english_with_french.history.order_by("-history_date", "-history_id").first()
    english_with_french.title_fr = "Vandalisé"
    english_with_french.save()
    with translation.override("ar"):  # whatever language the curator works in
        services.revert_initiative(record=version)
    initiative = Initiative.objects.get(pk=english_with_french.pk)
    assert (initiative.title_fr, initiative.title_en) == (
        "Partenariat de mobilité de main-d'œuvre",
        "Labour mobility partnership",
    )
    assert initiative.title_ar is None


def test_admin_edits_a_terms_names_in_every_language(curator):
    category = Category.objects.get(slug="research-and-data")
    url = reverse("admin:initiatives_category_change", args=[category.pk])
    response = submit(curator, url, "category_form", {"name_fr": "Recherche et données", "name_ar": "البحث والبيانات"})
    assert response.status_code == 302
    category.refresh_from_db()
    assert (category.name_fr, category.name_ar) == ("Recherche et données", "البحث والبيانات")
    assert category.history.first().name_fr == "Recherche et données"


# --- term names ---------------------------------------------------------------------------------


def test_term_names_follow_the_reader_else_english(client):
    category = Category.objects.get(slug="research-and-data")
    category.name_fr = "Recherche et données"
    category.name_es = ""  # no Spanish name: English is shown
    category.save()
    assert '<h1 dir="auto">Recherche et données</h1>' in page(client, category.get_absolute_url(), "fr")
    assert f'<h1 dir="auto">{category.name_en}</h1>' in page(client, category.get_absolute_url(), "es")


def test_country_names_come_from_the_m49_data_in_every_language():
    france = Country.objects.get(code="fr")
    assert (france.name_en, france.name_fr, france.name_es) == ("France", "France", "Francia")
    assert france.name_ar == "فرنسا"
    morocco = Country.objects.get(code="ma")
    with translation.override("es"):
        assert str(morocco) == "Marruecos"


def test_translations_loader_reads_the_long_format_and_is_idempotent(tmp_path):
    path = tmp_path / "taxonomy_translations.csv"
    rows = [
        ["taxonomy", "key", "field", "language", "text", "source", "status"],
        ["region", "002", "name", "fr", "Afrique", "https://unstats.un.org/", "official"],
        ["country", "TW", "name", "es", "Taiwán", "https://unterm.un.org/", "unverified"],
        ["theme", "20", "name", "es", "Remesas", "https://migrationnetwork.un.org/es", "official"],
        ["theme", "20", "title", "fr", "Promouvoir des transferts de fonds plus rapides", "A/RES/73/195", "official"],
        ["principle", "1", "name", "ar", "التركيز على الإنسان", "A/RES/73/195", "unverified"],
        ["category", "research-and-data", "description", "fr", "Études.", "portal translation", "portal"],
        ["category", "no-such-category", "name", "fr", "Rien", "portal translation", "portal"],
        ["theme", "20", "name", "de", "Überweisungen", "nowhere", "portal"],
        ["theme", "20", "slug", "fr", "envois", "nowhere", "portal"],
        ["theme", "x", "name", "fr", "", "nowhere", "portal"],
    ]
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    # The shipped translations are loaded already: blank the ones this file sets, so that each is an update.
    Region.objects.filter(m49_code="002").update(name_fr="")
    Country.objects.filter(code="tw").update(name_es="")
    Theme.objects.filter(number=20).update(name_es="", title_fr="")
    GuidingPrinciple.objects.filter(number=1).update(name_ar="")
    Category.objects.filter(slug="research-and-data").update(description_fr="")

    report = taxonomy.load_translations(path)
    assert (report.updated, report.skipped) == (5, 4)
    assert Region.objects.get(m49_code="002").name_fr == "Afrique"
    remittances = Theme.objects.get(number=20)
    assert remittances.name_es == "Remesas"
    assert remittances.title_fr == "Promouvoir des transferts de fonds plus rapides"
    assert remittances.description_fr == "Promouvoir des transferts de fonds plus rapides."
    assert remittances.name_en == "Remittances"  # English untouched
    assert GuidingPrinciple.objects.get(number=1).name_ar == "التركيز على الإنسان"
    assert Category.objects.get(slug="research-and-data").description_fr == "Études."
    if Country.objects.filter(code="tw").exists():
        assert Country.objects.get(code="tw").name_es == "Taiwán"

    again = taxonomy.load_translations(path)
    assert (again.updated, again.unchanged) == (0, 5)


def test_translations_loader_tolerates_a_missing_file(tmp_path):
    report = taxonomy.load_translations(tmp_path / "absent.csv")
    assert (report.created, report.updated, report.unchanged, report.skipped) == (0, 0, 0, 0)


def test_loaders_write_english_whatever_language_is_active():
    Category.objects.filter(slug="research-and-data").update(name_fr="")
    with translation.override("fr"):
        taxonomy.load_categories()
    category = Category.objects.get(slug="research-and-data")
    assert category.name_fr in (None, "")
    assert category.name_en


def test_admin_search_and_autocomplete_look_in_every_language(curator, french_original):
    response = curator.get(reverse("admin:initiatives_initiative_changelist"), {"q": "Guichet"})
    assert "Guichet unique pour les migrants de retour" in response.content.decode()  # in no English column
    category = Category.objects.get(slug="research-and-data")
    response = curator.get(
        "/admin/autocomplete/",
        {
            "term": category.name_en.split()[0],
            "app_label": "initiatives",
            "model_name": "initiative",
            "field_name": "category",
        },
        headers={"accept-language": "fr"},
    )
    assert response.status_code == 200 and str(category.pk) in response.content.decode()


def test_the_credit_names_the_honorific_in_the_readers_language(client):
    thamm = Initiative.objects.get(slug="thamm")
    assert thamm.submitter_honorific == "Ms."
    with translation.override("fr"):
        french = translation.gettext("Ms.")
    assert french != "Ms."
    assert f"{french} Charlotte" in page(client, thamm.get_absolute_url(), "fr")
    english = page(client, thamm.get_absolute_url(), "en")  # the neighbour: the English page keeps "Ms."
    assert "Ms. Charlotte" in english and f"{french} Charlotte" not in english


def test_a_missing_translation_falls_back_to_the_original_not_to_the_first_language_written(client):
    """A Spanish original with a French translation, read in Arabic: the Spanish original, not the French."""
    with translation.override("es"):
        spanish = make_initiative(title="Ventanilla única", summary="Una ventanilla para los migrantes.", language="es")
    spanish.title_fr = "Guichet unique"
    spanish.summary_fr = "Un guichet pour les migrants."
    spanish.save()
    with translation.override("ar"):
        title = spanish.text("title")
    assert (str(title), title.lang) == ("Ventanilla única", "es")
    html = page(client, spanish.get_absolute_url(), "ar")
    assert '<h1 dir="auto" lang="es">Ventanilla única</h1>' in html
    assert "Guichet unique</h1>" not in html
