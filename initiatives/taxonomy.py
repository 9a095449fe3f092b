"""Loading the reference taxonomies from data, never by hand.

- Regions and countries: the UN M49 hierarchy and ISO 3166 codes from the CSV that ships inside the
  ``hdx-python-country`` package (OCHA's Countries & Territories Taxonomy, with M49 region,
  sub-region and intermediate region for every country).
- Themes: the 23 objectives of the Global Compact for Migration (``fixtures/gcm_objectives.csv``)
  plus "General"; guiding principles: ``fixtures/gcm_guiding_principles.csv``.
- Categories: ``fixtures/categories.csv``.

Every loader is idempotent: it matches on a stable key (M49 code, ISO code, objective number, slug)
and updates in place, so running it again changes nothing and duplicates nothing.
"""

import csv
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify

from .models import Category, Country, GuidingPrinciple, Region, Theme

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
HDX_CSV = "Countries & Territories Taxonomy MVP - C&T Taxonomy.csv"


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def count(self, created: bool, changed: bool):
        if created:
            self.created += 1
        elif changed:
            self.updated += 1
        else:
            self.unchanged += 1

    def __str__(self):
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


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
                "region": leaf,
            },
        )
        countries.count(created, changed)
    return {"regions": regions, "countries": countries}


def _csv(name: str) -> list[dict]:
    with (FIXTURES / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


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


@transaction.atomic
def load_principles() -> LoadReport:
    report = LoadReport()
    for row in _csv("gcm_guiding_principles.csv"):
        _obj, created, changed = upsert(
            GuidingPrinciple, {"number": int(row["number"])}, {"name": row["label"], "slug": slugify(row["label"])}
        )
        report.count(created, changed)
    return report


@transaction.atomic
def load_categories() -> LoadReport:
    report = LoadReport()
    for row in _csv("categories.csv"):
        _obj, created, changed = upsert(
            Category, {"slug": row["slug"]}, {"name": row["name"], "description": row["description"]}
        )
        report.count(created, changed)
    return report


def load_all() -> dict[str, LoadReport]:
    reports = load_regions_and_countries()
    reports["themes"] = load_themes()
    reports["principles"] = load_principles()
    reports["categories"] = load_categories()
    return reports
