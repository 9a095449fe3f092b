"""Loading the reference taxonomies from data, never by hand.

- Regions and countries: the UN M49 hierarchy and ISO 3166 codes from the CSV that ships inside the
  ``hdx-python-country`` package (OCHA's Countries & Territories Taxonomy, with M49 region,
  sub-region and intermediate region for every country).
- Themes: the 23 objectives of the Global Compact for Migration (``fixtures/gcm_objectives.csv``)
  plus "General"; guiding principles: ``fixtures/gcm_guiding_principles.csv``.
- Categories: ``fixtures/categories.csv``.
- Sustainable Development Goals and their targets: ``fixtures/sdg_goals.csv`` and ``fixtures/sdg_targets.csv``
  (the UN's wording, via open-sdg/sdg-translations; see fixtures/README.md).
- Names in French, Spanish and Arabic: countries from the same hdx CSV (its "M49 French", … columns), the
  rest from ``fixtures/taxonomy_translations.csv`` (one row per text, with its source; see fixtures/README.md).
  English is the default language: the loaders write it under English, the translations into their own columns.

Every loader is idempotent: it matches on a stable key (M49 code, ISO code, objective number, slug)
and updates in place, so running it again changes nothing and duplicates nothing.
"""

import csv
import functools
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.text import slugify

from .models import Category, Country, GuidingPrinciple, Region, SdgGoal, SdgTarget, Theme

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
HDX_CSV = "Countries & Territories Taxonomy MVP - C&T Taxonomy.csv"
TRANSLATIONS_CSV = FIXTURES / "taxonomy_translations.csv"
# The hdx CSV's columns of country names in the other content languages (the "Short" name where M49 has none).
HDX_NAME_COLUMNS = {
    "fr": ("M49 French", "French Short"),
    "es": ("M49 Spanish", "Spanish Short"),
    "ar": ("M49 Arabic", "Arabic Short"),
}


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0

    def count(self, created: bool, changed: bool):
        if created:
            self.created += 1
        elif changed:
            self.updated += 1
        else:
            self.unchanged += 1

    def __str__(self):
        text = f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"
        return f"{text}, {self.skipped} skipped" if self.skipped else text


def in_default_language(loader):
    """Run a loader with the default language active: its plain ``name`` (``title``, ``description``) values are
    the English ones, whatever language the caller had active (modeltranslation writes the active one)."""

    @functools.wraps(loader)
    def wrapper(*args, **kwargs):
        with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE):
            return loader(*args, **kwargs)

    return wrapper


def upsert(model, lookup: dict, values: dict) -> tuple[object, bool, bool]:
    """Create or update one row; say whether it was created and whether anything changed."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values), True, True
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if changed:
        obj.save()
    return obj, False, bool(changed)


def m49_rows() -> list[dict]:
    source = resources.files("hdx.location").joinpath(HDX_CSV)
    with source.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@in_default_language
@transaction.atomic
def load_regions_and_countries() -> dict[str, LoadReport]:
    regions, countries = LoadReport(), LoadReport()
    by_code: dict[str, Region] = {}

    def region(code, name, level, parent):
        if code in by_code:
            return by_code[code]
        obj, created, changed = upsert(
            Region,
            {"m49_code": code.zfill(3)},
            {"name": name, "slug": slugify(name), "level": level, "parent": parent},
        )
        regions.count(created, changed)
        by_code[code] = obj
        return obj

    for row in m49_rows():
        alpha2 = (row.get("ISO 3166-1 Alpha 2-Codes") or "").strip().lower()
        if row.get("Deprecated") == "Y" or len(alpha2) != 2:
            continue
        leaf = None
        if row.get("Region Code"):
            leaf = region(row["Region Code"], row["Region Name"], Region.Level.REGION, None)
            if row.get("Sub-region Code"):
                leaf = region(row["Sub-region Code"], row["Sub-region Name"], Region.Level.SUBREGION, leaf)
                if row.get("Intermediate Region Code"):
                    leaf = region(
                        row["Intermediate Region Code"],
                        row["Intermediate Region Name"],
                        Region.Level.INTERMEDIATE,
                        leaf,
                    )
        _obj, created, changed = upsert(
            Country,
            {"code": alpha2},
            {
                "iso3": row["ISO 3166-1 Alpha 3-Codes"].strip().upper(),
                "m49_code": (row.get("m49 numerical code") or "").zfill(3) if row.get("m49 numerical code") else "",
                "name": row["Preferred Term"].strip(),
                **_hdx_country_names(row),
                "region": leaf,
            },
        )
        countries.count(created, changed)
    return {"regions": regions, "countries": countries}


def _hdx_country_names(row: dict) -> dict[str, str]:
    names = {}
    for code, columns in HDX_NAME_COLUMNS.items():
        name = next((row[column].strip() for column in columns if (row.get(column) or "").strip()), "")
        if name:
            names[f"name_{code}"] = name
    return names


def _csv(name: str) -> list[dict]:
    with (FIXTURES / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@in_default_language
@transaction.atomic
def load_themes() -> LoadReport:
    report = LoadReport()
    for row in _csv("gcm_objectives.csv"):
        number = int(row["number"])
        _obj, created, changed = upsert(
            Theme,
            {"number": number},
            {
                "name": row["short_label"],
                "title": row["title"],
                "slug": slugify(row["short_label"]),
                "description": row["title"] + ".",
            },
        )
        report.count(created, changed)
    _obj, created, changed = upsert(
        Theme,
        {"slug": "general"},
        {"name": "General", "number": None, "title": "", "description": "Migration governance in general."},
    )
    report.count(created, changed)
    return report


@in_default_language
@transaction.atomic
def load_principles() -> LoadReport:
    report = LoadReport()
    for row in _csv("gcm_guiding_principles.csv"):
        _obj, created, changed = upsert(
            GuidingPrinciple, {"number": int(row["number"])}, {"name": row["label"], "slug": slugify(row["label"])}
        )
        report.count(created, changed)
    return report


@in_default_language
@transaction.atomic
def load_categories() -> LoadReport:
    report = LoadReport()
    for row in _csv("categories.csv"):
        _obj, created, changed = upsert(
            Category, {"slug": row["slug"]}, {"name": row["name"], "description": row["description"]}
        )
        report.count(created, changed)
    return report


# --- Sustainable Development Goals (issue 13) ---------------------------------------------------------------


def sdg_target_slug(code: str) -> str:
    """ "10.7" → "10-7" (a target's URL)."""
    return code.replace(".", "-")


@in_default_language
@transaction.atomic
def load_sdgs() -> dict[str, LoadReport]:
    """The 17 Goals (matched on their number) and the 169 targets (matched on their code)."""
    goals, targets = LoadReport(), LoadReport()
    by_number = {}
    for row in _csv("sdg_goals.csv"):
        number = int(row["number"])
        by_number[number], created, changed = upsert(
            SdgGoal, {"number": number}, {"name": row["short_name"], "title": row["title"], "slug": str(number)}
        )
        goals.count(created, changed)
    for row in _csv("sdg_targets.csv"):
        code = row["code"]
        goal = by_number[int(code.split(".")[0])]
        _obj, created, changed = upsert(
            SdgTarget, {"code": code}, {"name": code, "slug": sdg_target_slug(code), "goal": goal, "text": row["text"]}
        )
        targets.count(created, changed)
    return {"sdgs": goals, "sdg_targets": targets}


# Where a row of taxonomy_translations.csv points: the model, how its key finds the term, the fields it may set.
TRANSLATED_TAXONOMIES = {
    "region": (Region, lambda key: {"m49_code": key.zfill(3)} if key.isdigit() else None, {"name", "description"}),
    "country": (Country, lambda key: {"code": key.lower()}, {"name", "description"}),
    "theme": (
        Theme,
        lambda key: {"number": int(key)} if key.isdigit() else {"slug": key},
        {"name", "title", "description"},
    ),
    "principle": (
        GuidingPrinciple,
        lambda key: {"number": int(key)} if key.isdigit() else None,
        {"name", "description"},
    ),
    "category": (Category, lambda key: {"slug": key}, {"name", "description"}),
    "sdg": (SdgGoal, lambda key: {"number": int(key)} if key.isdigit() else None, {"name", "title"}),
    "sdg_target": (SdgTarget, lambda key: {"code": key}, {"text"}),
}


def translation_rows(path: Path) -> list[dict]:
    if not path.exists():  # the data may not be there yet: nothing to translate, nothing fails
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@transaction.atomic
def load_translations(path: Path = TRANSLATIONS_CSV) -> LoadReport:
    """The names, titles and descriptions of the official terms in the other languages, one row per text.

    Only existing terms are translated (run after the other loaders); a row for an unknown term, field or
    language, or without text, is counted as skipped. A theme's description is its title, as in English.
    """
    report = LoadReport()
    languages = set(settings.MODELTRANSLATION_LANGUAGES) - {settings.MODELTRANSLATION_DEFAULT_LANGUAGE}
    values: dict[tuple[str, str], dict[str, str]] = {}
    for row in translation_rows(path):
        taxonomy, key, field = row.get("taxonomy", ""), (row.get("key") or "").strip(), row.get("field", "")
        language, text = row.get("language", ""), (row.get("text") or "").strip()
        known = TRANSLATED_TAXONOMIES.get(taxonomy)
        if not known or not key or field not in known[2] or language not in languages or not text:
            report.skipped += 1
            continue
        values.setdefault((taxonomy, key), {})[f"{field}_{language}"] = text
    for (taxonomy, key), fields in values.items():
        if taxonomy == "theme":
            for language in languages:
                if f"title_{language}" in fields:
                    fields.setdefault(f"description_{language}", fields[f"title_{language}"] + ".")
        model, lookup, _fields = TRANSLATED_TAXONOMIES[taxonomy]
        where = lookup(key)
        obj = model.objects.filter(**where).first() if where else None
        if obj is None:
            report.skipped += 1
            continue
        changed = [name for name, value in fields.items() if getattr(obj, name) != value]
        for name in changed:
            setattr(obj, name, fields[name])
        if changed:
            obj.save(update_fields=changed)
        report.count(False, bool(changed))
    return report


def load_all() -> dict[str, LoadReport]:
    reports = load_regions_and_countries()
    reports["themes"] = load_themes()
    reports["principles"] = load_principles()
    reports["categories"] = load_categories()
    reports.update(load_sdgs())
    reports["translations"] = load_translations()
    return reports
