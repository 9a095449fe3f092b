"""The taxonomy names in French, Spanish and Arabic (fixtures/taxonomy_translations.csv) are complete and honest.

Plain data checks: no database. The English side they are checked against is the data the loaders read
(the hdx-python-country C&T taxonomy CSV and the fixtures), so a region, objective, principle or category
added there without its translations fails here.
"""

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

from initiatives.taxonomy import m49_rows

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
TRANSLATIONS = FIXTURES / "taxonomy_translations.csv"
HEADER = ["taxonomy", "key", "field", "language", "text", "source", "status"]
LANGUAGES = ("fr", "es", "ar")
STATUSES = {"official", "portal", "unverified"}
PORTAL_SOURCE = "portal translation"
FIELDS = {
    "region": {"name"},
    "country": {"name"},
    "theme": {"name", "title"},
    "principle": {"name"},
    "category": {"name", "description"},
    "sdg": {"name", "title"},  # issue 13: the goals' short names and official titles
    "sdg_target": {"text"},  # and the targets' official text
}
HDX_COLUMNS = {"fr": "M49 French", "es": "M49 Spanish", "ar": "M49 Arabic"}
ARABIC_LETTER = re.compile(r"[\u0621-\u064A]")
LATIN_LETTER = re.compile(r"[A-Za-z]")


def _read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return _read(TRANSLATIONS)


@pytest.fixture(scope="module")
def hdx() -> list[dict]:
    return m49_rows()


def _kept_country_rows(hdx_rows):
    """The rows the country loader keeps (initiatives.taxonomy.load_regions_and_countries)."""
    return [
        row
        for row in hdx_rows
        if row.get("Deprecated") != "Y" and len((row.get("ISO 3166-1 Alpha 2-Codes") or "").strip()) == 2
    ]


def _region_codes(hdx_rows) -> set[str]:
    codes = {"001"}
    for row in hdx_rows:
        for column in ("Region Code", "Sub-region Code", "Intermediate Region Code"):
            if row.get(column):
                codes.add(row[column].zfill(3))
    return codes


def _english_keys(hdx_rows) -> dict[str, set[str]]:
    return {
        "region": _region_codes(hdx_rows),
        "country": {row["ISO 3166-1 Alpha 2-Codes"].strip().upper() for row in _kept_country_rows(hdx_rows)},
        "theme": {row["number"] for row in _read(FIXTURES / "gcm_objectives.csv")},
        "principle": {row["number"] for row in _read(FIXTURES / "gcm_guiding_principles.csv")},
        "category": {row["slug"] for row in _read(FIXTURES / "categories.csv")},
        "sdg": {row["number"] for row in _read(FIXTURES / "sdg_goals.csv")},
        "sdg_target": {row["code"] for row in _read(FIXTURES / "sdg_targets.csv")},
    }


def _present(rows, taxonomy):
    return {(row["key"], row["field"], row["language"]) for row in rows if row["taxonomy"] == taxonomy}


def test_the_file_is_utf8_csv_with_the_agreed_header():
    with TRANSLATIONS.open(encoding="utf-8", newline="") as handle:
        assert next(csv.reader(handle)) == HEADER


def test_every_row_is_well_formed(rows):
    assert rows
    for row in rows:
        assert None not in row, row  # no extra columns
        assert row["taxonomy"] in FIELDS, row
        assert row["field"] in FIELDS[row["taxonomy"]], row
        assert row["language"] in LANGUAGES, row
        assert row["status"] in STATUSES, row
        for column in HEADER:
            value = row[column]
            assert value and value == value.strip(), (column, row)
            assert "\n" not in value and "  " not in value, (column, row)


def test_no_duplicate_rows(rows):
    counts = Counter((row["taxonomy"], row["key"], row["field"], row["language"]) for row in rows)
    assert [key for key, count in counts.items() if count > 1] == []


def test_every_row_says_where_its_text_comes_from(rows):
    for row in rows:
        source, status = row["source"], row["status"]
        assert source == PORTAL_SOURCE or source.startswith("https://"), row
        if status == "official":
            # Official means copied from a UN text that was actually read: it has an address.
            assert source.startswith("https://"), row
        if source == PORTAL_SOURCE:
            assert status == "portal", row


def test_categories_are_the_portals_own_translations(rows):
    for row in rows:
        if row["taxonomy"] == "category":
            assert (row["source"], row["status"]) == (PORTAL_SOURCE, "portal"), row


def test_keys_exist_in_the_english_data(rows, hdx):
    english = _english_keys(hdx)
    unknown = [row for row in rows if row["key"] not in english[row["taxonomy"]]]
    assert unknown == []


@pytest.mark.parametrize("taxonomy", ["region", "theme", "principle", "category", "sdg", "sdg_target"])
def test_every_term_has_every_field_in_every_language(rows, hdx, taxonomy):
    expected = {
        (key, field, language)
        for key in _english_keys(hdx)[taxonomy]
        for field in FIELDS[taxonomy]
        for language in LANGUAGES
    }
    assert expected - _present(rows, taxonomy) == set()


def test_every_m49_region_of_the_package_is_covered_including_world(rows, hdx):
    regions = {key for key, _field, _language in _present(rows, "region")}
    assert "001" in regions
    assert _region_codes(hdx) <= regions
    assert all(re.fullmatch(r"\d{3}", code) for code in regions)


def test_every_country_the_loader_keeps_has_a_name_in_each_language(rows, hdx):
    ours = _present(rows, "country")
    missing = [
        (row["ISO 3166-1 Alpha 2-Codes"], language)
        for row in _kept_country_rows(hdx)
        for language, column in HDX_COLUMNS.items()
        if not (row.get(column) or "").strip()
        and (row["ISO 3166-1 Alpha 2-Codes"].strip().upper(), "name", language) not in ours
    ]
    assert missing == []


def test_countries_are_listed_only_where_the_package_has_no_name(rows, hdx):
    by_code = {row["ISO 3166-1 Alpha 2-Codes"].strip().upper(): row for row in _kept_country_rows(hdx)}
    redundant = [
        row
        for row in rows
        if row["taxonomy"] == "country" and (by_code[row["key"]].get(HDX_COLUMNS[row["language"]]) or "").strip()
    ]
    assert redundant == []


def test_arabic_text_is_in_arabic_script(rows):
    for row in rows:
        if row["language"] == "ar":
            assert ARABIC_LETTER.search(row["text"]), row
            assert not LATIN_LETTER.search(row["text"]), row
        else:
            assert not ARABIC_LETTER.search(row["text"]), row
            assert LATIN_LETTER.search(row["text"]), row


def test_theme_labels_carry_no_objective_number(rows):
    """The Hub shows "20 – Envois de fonds"; the number is the key, the label is only the words."""
    for row in rows:
        if row["taxonomy"] == "theme":
            assert not re.match(r"\d", row["text"]), row


def test_the_sdg_list_is_complete_17_goals_169_targets():
    goals = _read(FIXTURES / "sdg_goals.csv")
    targets = _read(FIXTURES / "sdg_targets.csv")
    assert [int(row["number"]) for row in goals] == list(range(1, 18))
    assert len(targets) == 169 and len({row["code"] for row in targets}) == 169
    assert all(re.fullmatch(r"(1[0-7]|[1-9])\.([1-9][0-9]?|[a-h])", row["code"]) for row in targets)
    assert {row["code"].split(".")[0] for row in targets} == {row["number"] for row in goals}
    texts = [row["short_name"] for row in goals] + [row["title"] for row in goals] + [row["text"] for row in targets]
    assert all(text and text == text.strip() and "  " not in text for text in texts)


def test_sdg_texts_fit_their_columns():
    """PostgreSQL refuses a value longer than its column (SQLite would store it)."""
    from initiatives.models import SdgGoal

    limits = {field: SdgGoal._meta.get_field(field).max_length for field in ("name", "title")}
    goals = _read(FIXTURES / "sdg_goals.csv")
    texts = [(field, row[column]) for row in goals for field, column in (("name", "short_name"), ("title", "title"))]
    texts += [(row["field"], row["text"]) for row in _read(TRANSLATIONS) if row["taxonomy"] == "sdg"]
    assert [text for field, text in texts if len(text) > limits[field]] == []
