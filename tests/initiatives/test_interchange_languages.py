"""Import and export carry every language: the original language (``language``), the original's text in the plain
columns, each translation in its own (``title_fr``, ``summary_es``…); old files without them still import."""

import csv
import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from initiatives.interchange import columns, exporting
from initiatives.models import Initiative, Organisation
from initiatives.sections import FIELDS as SECTION_FIELDS
from tests.factories import make_initiative
from tests.initiatives.test_import_command import (
    CATEGORY,
    admin_export,
    empty_the_collection,
    refused,
    run,
    snapshot,
    write_rows,
)

pytestmark = pytest.mark.django_db

LANGUAGES = [("en", "English"), ("fr", "French"), ("es", "Spanish"), ("ar", "Arabic")]
TEXT = ("title", "acronym", "summary", "description")


@pytest.fixture(autouse=True)
def four_languages(settings):
    settings.LANGUAGES = LANGUAGES


def text_of(initiative: Initiative) -> dict:
    """Every language's text of ``initiative``, and its original language."""
    initiative.refresh_from_db()
    columns = {
        f"{name}_{code}": getattr(initiative, f"{name}_{code}") or ""
        for code in ("en", "fr", "es", "ar")
        for name in TEXT
    }
    return {"language": initiative.language, **{name: value for name, value in columns.items() if value}}


@pytest.fixture
def multilingual():
    """An English original translated into French, Spanish and Arabic (every field, Markdown and line breaks
    included), a French original with a Spanish title only, and an Arabic original without translations."""
    english = make_initiative(
        slug="labour-mobility",
        title="Labour mobility partnership",
        acronym="LMP",
        summary="Workers move safely.\nA second line | with a bar.",
        description="# Heading\n\n- *one*\n- two",
    )
    for code, title, acronym, summary, description in [
        ("fr", "Partenariat de mobilité de main-d'œuvre", "PMM", "Les travailleurs circulent.", "# Titre\n\n- un"),
        ("es", "Asociación de movilidad laboral", "AML", "=Los trabajadores se desplazan.", "Detalle *uno*"),
        ("ar", "شراكة تنقل العمالة", "ش ت ع", "ينتقل العمال بأمان.", "تفاصيل"),
    ]:
        setattr(english, f"title_{code}", title)
        setattr(english, f"acronym_{code}", acronym)
        setattr(english, f"summary_{code}", summary)
        setattr(english, f"description_{code}", description)
    english.render_description()
    english.save()
    with translation.override("fr"):
        french = make_initiative(
            slug="guichet-unique",
            title="Guichet unique pour les migrants de retour",
            summary="Un accueil pour les personnes qui rentrent.",
            language="fr",
        )
    french.title_es = "Ventanilla única para migrantes retornados"
    french.save()
    with translation.override("ar"):
        arabic = make_initiative(slug="arabic-only", title="نافذة واحدة", summary="استقبال العائدين.", language="ar")
    return english, french, arabic


def records(text: str, fmt: str) -> list[dict]:
    if fmt == "json":
        return json.loads(text)
    return list(csv.DictReader(io.StringIO(text, newline="")))


# --- export ------------------------------------------------------------------------------------------------------


def test_the_columns_name_the_language_and_each_translation():
    names = [column.name for column in columns.COLUMNS]
    assert names[names.index("description") + 1 + len(SECTION_FIELDS)] == "language"  # the sections first (issue 13)
    for code in ("en", "fr", "es", "ar"):
        for name in TEXT:
            assert f"{name}_{code}" in names


@pytest.mark.parametrize("active", ["en", "fr", "ar"])
def test_the_export_writes_the_original_in_the_plain_columns_whatever_language_is_active(multilingual, active):
    english, french, _arabic = multilingual
    with translation.override(active):
        rows = {row["slug"]: row for row in exporting.export_rows(Initiative.objects.order_by("slug"))}
    row = rows["labour-mobility"]
    assert (row["language"], row["title"], row["acronym"]) == ("en", "Labour mobility partnership", "LMP")
    assert row["title_en"] == row["summary_en"] == ""  # the original's own columns: its text is in the plain ones
    assert row["title_fr"] == "Partenariat de mobilité de main-d'œuvre"
    assert row["summary_es"] == "=Los trabajadores se desplazan."
    assert row["description_ar"] == "تفاصيل"
    row = rows["guichet-unique"]
    assert (row["language"], row["title"]) == ("fr", "Guichet unique pour les migrants de retour")
    assert row["title_fr"] == "" and row["title_en"] == ""
    assert row["title_es"] == "Ventanilla única para migrantes retornados"
    assert row["summary_es"] == ""


def test_the_public_download_in_french_keeps_the_original_in_the_plain_columns(multilingual):
    response = Client().get("/fr/initiatives/export.csv")
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8")
    rows = {row["slug"]: row for row in records(body, "csv")}
    assert rows["labour-mobility"]["title"] == "Labour mobility partnership"
    assert rows["labour-mobility"]["title_fr"] == "Partenariat de mobilité de main-d'œuvre"
    assert rows["labour-mobility"]["summary_es"] == "'=Los trabajadores se desplazan."  # neutralised, as any cell


# --- round trip --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["all.csv", "all.json"])
def test_export_then_import_into_an_empty_database_keeps_every_language(tmp_path, multilingual, name):
    before_text = {initiative.slug: text_of(initiative) for initiative in multilingual}
    path = admin_export(tmp_path / name)
    before = snapshot()
    organisations = empty_the_collection()
    for values in organisations:
        Organisation.objects.create(**values)

    report = run(path)

    assert "Imported: 10 created, 0 changed, 0 unchanged." in report
    assert snapshot() == before
    for slug, text in before_text.items():
        assert text_of(Initiative.objects.get(slug=slug)) == text, slug
    english = Initiative.objects.get(slug="labour-mobility")
    assert "<li>un</li>" in english.description_html_fr  # rendered per language
    with translation.override("fr"):
        assert english.text("title") == "Partenariat de mobilité de main-d'œuvre"
    arabic = Initiative.objects.get(slug="arabic-only")
    with translation.override("es"):
        assert (arabic.text("title"), arabic.text("title").lang) == ("نافذة واحدة", "ar")
    assert "0 created, 0 changed, 10 unchanged" in run(path)


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_importing_the_export_into_the_same_database_changes_nothing(tmp_path, multilingual, fmt):
    path = admin_export(tmp_path / f"same.{fmt}")
    before = snapshot()
    assert "0 created, 0 changed, 10 unchanged" in run(path)
    assert snapshot() == before


def test_a_translation_changed_in_the_file_is_the_only_change(tmp_path, multilingual):
    path = admin_export(tmp_path / "all.json")
    items = json.loads(path.read_text(encoding="utf-8"))
    for item in items:
        if item["slug"] == "guichet-unique":
            item["summary_es"] = "Una acogida para quienes regresan."
            item["title_ar"] = "شباك موحد"
    path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    report = run(path)
    assert "slug “guichet-unique” · “Guichet unique pour les migrants de retour”: changed: summary_es, title_ar" in (
        report
    )
    assert "1 changed, 9 unchanged" in report
    french = Initiative.objects.get(slug="guichet-unique")
    assert (french.summary_es, french.title_ar, french.title_fr) == (
        "Una acogida para quienes regresan.",
        "شباك موحد",
        "Guichet unique pour les migrants de retour",
    )
    assert french.history.order_by("-history_id").first().summary_es == "Una acogida para quienes regresan."


# --- old files, a new original -----------------------------------------------------------------------------------


def test_an_old_file_without_the_new_columns_imports_as_before_and_keeps_the_translations(tmp_path, multilingual):
    path = write_rows(
        tmp_path / "old.csv",
        [
            ["", "labour-mobility", "Labour mobility partnerships", "Workers move safely.", CATEGORY],
            ["", "new-one", "A new initiative", "Its summary.", CATEGORY],
        ],
        header=["external_id", "slug", "title", "summary", "category"],
    )
    report = run(path)
    assert "1 created, 1 changed" in report
    english = text_of(Initiative.objects.get(slug="labour-mobility"))
    assert english["title_en"] == "Labour mobility partnerships"
    assert english["summary_en"] == "Workers move safely."
    assert english["title_fr"] == "Partenariat de mobilité de main-d'œuvre"  # untouched
    assert english["description_ar"] == "تفاصيل"
    new = text_of(Initiative.objects.get(slug="new-one"))
    assert new == {"language": "en", "title_en": "A new initiative", "summary_en": "Its summary."}


def test_a_new_french_original_with_an_english_translation(tmp_path):
    header = ["slug", "title", "summary", "category", "language", "title_en", "summary_en", "title_fr"]
    path = write_rows(
        tmp_path / "fr.csv",
        [["retour", "Retour digne", "Revenir chez soi.", CATEGORY, "FR", "Dignified return", "Coming home.", ""]],
        header=header,
    )
    assert "1 created" in run(path)
    initiative = Initiative.objects.get(slug="retour")
    assert text_of(initiative) == {
        "language": "fr",
        "title_fr": "Retour digne",
        "summary_fr": "Revenir chez soi.",
        "title_en": "Dignified return",
        "summary_en": "Coming home.",
    }
    with translation.override("es"):
        assert initiative.text("title") == "Retour digne"


def test_a_new_original_language_keeps_the_former_original_as_a_translation(tmp_path, multilingual):
    path = write_rows(
        tmp_path / "switch.csv",
        [["guichet-unique", "Ventanilla única para migrantes retornados", "Una acogida.", CATEGORY, "es"]],
        header=["slug", "title", "summary", "category", "language"],
    )
    report = run(path)
    assert "changed: title, summary, language, title_fr, summary_fr, title_es" in report
    assert text_of(Initiative.objects.get(slug="guichet-unique")) == {
        "language": "es",
        "title_es": "Ventanilla única para migrantes retornados",
        "summary_es": "Una acogida.",
        "title_fr": "Guichet unique pour les migrants de retour",
        "summary_fr": "Un accueil pour les personnes qui rentrent.",
    }


# --- bad values --------------------------------------------------------------------------------------------------

HEADER = ["slug", "title", "summary", "category", "language", "title_fr"]


@pytest.mark.parametrize(
    "value",
    ["xx", "english", "en-GB", "fr<script>alert(1)</script>", "e" * 5000, "zh", "' OR 1=1 --"],
)
def test_an_unknown_language_is_a_row_error_naming_the_row_and_the_column(tmp_path, value):
    path = write_rows(
        tmp_path / "bad.csv",
        [
            ["fine", "Fine", "Summary.", CATEGORY, "fr", ""],
            ["hostile", "Hostile", "Summary.", CATEGORY, value, "Un titre"],
        ],
        header=HEADER,
    )
    message, report = refused(path)
    assert "1 invalid row (row 3)" in message
    assert "row 3 · slug “hostile” · “Hostile”: invalid\n" in report
    assert f"    - language: “{value[:50]}” is not one of en, fr, es, ar" in report
    assert "e" * 51 not in report
    assert not Initiative.objects.filter(slug__in=["fine", "hostile"]).exists()


@pytest.mark.parametrize("value", [7, ["fr"], {"code": "fr"}, True])
def test_a_language_that_is_not_text_in_json_is_a_row_error(tmp_path, value):
    path = tmp_path / "bad.json"
    item = {"slug": "odd", "title": "Odd", "summary": "S.", "category": CATEGORY, "language": value}
    path.write_text(json.dumps([item]), encoding="utf-8")
    _message, report = refused(path)
    assert "item 1 · slug “odd” · “Odd”: invalid\n    - language: expected text" in report


def test_translations_have_the_originals_length_caps_and_types(tmp_path):
    path = tmp_path / "long.json"
    item = {
        "slug": "long",
        "title": "Long",
        "summary": "S.",
        "category": CATEGORY,
        "title_fr": "x" * 301,
        "acronym_ar": "y" * 51,
        "summary_es": 12,
    }
    path.write_text(json.dumps([item]), encoding="utf-8")
    _message, report = refused(path)
    assert "title_fr: Ensure this value has at most 300 characters (it has 301)." in report
    assert "acronym_ar: Ensure this value has at most 50 characters (it has 51)." in report
    assert "summary_es: expected text" in report
    assert not Initiative.objects.filter(slug="long").exists()


def test_the_originals_own_column_may_repeat_the_plain_one_not_contradict_it(tmp_path):
    path = write_rows(
        tmp_path / "own.csv",
        [
            ["same", "Même titre", "Résumé.", CATEGORY, "fr", "Même titre"],
            ["other", "Un titre", "Résumé.", CATEGORY, "fr", "Un autre titre"],
        ],
        header=HEADER,
    )
    _message, report = refused(path)
    assert "row 2 · slug “same” · “Même titre”: would be created" in report
    assert "row 3 · slug “other” · “Un titre”: invalid\n" in report
    assert "title_fr: fr is the original language (column language): its text goes in title" in report
    report = run(path, "--skip-invalid")
    assert text_of(Initiative.objects.get(slug="same")) == {
        "language": "fr",
        "title_fr": "Même titre",
        "summary_fr": "Résumé.",
    }


def test_an_empty_language_cell_keeps_the_language(tmp_path, multilingual):
    path = write_rows(
        tmp_path / "blank.csv",
        [["guichet-unique", "Guichet unique pour les migrants de retour", "Nouveau résumé.", CATEGORY, "", ""]],
        header=HEADER,
    )
    run(path)
    french = Initiative.objects.get(slug="guichet-unique")
    assert (french.language, french.summary_fr) == ("fr", "Nouveau résumé.")
    assert french.title_es == "Ventanilla única para migrantes retornados"  # no title_es column: unchanged


def test_the_import_under_another_active_language_writes_the_same(tmp_path, multilingual):
    path = admin_export(tmp_path / "all.csv")
    before = snapshot()
    Initiative.objects.all().delete()
    with translation.override("ar"):
        run(path)
    assert snapshot() == before


# --- the whole collection's built files --------------------------------------------------------------------------


def test_a_file_built_with_the_former_columns_is_not_served_and_goes_at_the_next_build(multilingual):
    from initiatives import export_files

    def build():
        call_command("build_exports", stdout=io.StringIO())

    build()
    files = export_files.storage()
    current = export_files.latest("csv")
    assert current.name.endswith(f"-{export_files.LAYOUT}.csv")
    # A file of the layout before issue 12 (no layout in its name), newer than the current one.
    stamp = (current.built_at + datetime.timedelta(minutes=1)).strftime(export_files.STAMP_FORMAT)
    old = f"initiatives-{stamp}-abc123.csv"
    files.save(old, io.BytesIO(b"external_id,slug,title\r\n"))
    assert export_files.latest("csv").name == current.name

    response = Client().get("/fr/initiatives/export.csv")
    rows = {row["slug"]: row for row in records(b"".join(response.streaming_content).decode("utf-8"), "csv")}
    assert rows["labour-mobility"]["title_ar"] == "شراكة تنقل العمالة"
    build()
    assert not files.exists(old)
