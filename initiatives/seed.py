"""The seed content: the seven entries of the page the portal was created from.

``fixtures/seed_initiatives.json`` holds their text verbatim and the public facts that link them to
the taxonomy. Loading matches on the slug, so running it again updates in place and duplicates
nothing; ``published_at`` is stamped only the first time (seed order: first entry newest).
"""

import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from . import markup, services
from .models import Category, Country, Initiative, Involvement, Organisation, Region, Theme
from .taxonomy import upsert

SEED_FILE = Path(settings.BASE_DIR) / "fixtures" / "seed_initiatives.json"


@dataclass
class SeedReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def __str__(self):
        return f"{len(self.created)} created, {len(self.updated)} updated, {len(self.unchanged)} unchanged"


def _date(value):
    return datetime.date.fromisoformat(value) if value else None


def organisation(name: str, acronym: str) -> Organisation:
    """The organisation with this name, found by name first (two bodies may share an acronym)."""
    org = Organisation.objects.filter(name=name).first()
    if org is None:
        slug = slugify(acronym or name)[:255]
        if Organisation.objects.filter(slug=slug).exists():
            slug = slugify(name)[:255]
        org = Organisation.objects.create(slug=slug, name=name, acronym=acronym)
    return org


@transaction.atomic
def load_seed(path: Path = SEED_FILE) -> SeedReport:
    entries = json.loads(path.read_text(encoding="utf-8"))
    report = SeedReport()
    now = timezone.now()
    for position, entry in enumerate(entries):
        submitter = entry.get("submitter") or {}
        start, end = entry.get("start") or (None, "year"), entry.get("end") or (None, "year")
        values = {
            "language": entry.get("language", "en"),
            "title": entry["title"],
            "acronym": entry.get("acronym", ""),
            "summary": entry["summary"],
            "description": entry.get("description", ""),
            "description_html": markup.render(entry.get("description", "")),
            "category": Category.objects.get(name_en=entry["category"]),
            "scope": entry.get("scope", ""),
            "start_date": _date(start[0]),
            "start_precision": start[1],
            "end_date": _date(end[0]),
            "end_precision": end[1],
            "ongoing": entry.get("ongoing", False),
            "website": entry.get("website", ""),
            "submitter_honorific": submitter.get("honorific", ""),
            "submitter_name": submitter.get("name", ""),
            "submitter_organisation": submitter.get("organisation", ""),
            "submitted_on": _date(entry.get("submitted_on")),
        }
        relations = {
            "themes": list(Theme.objects.filter(number__in=entry.get("themes", []))),
            "regions": list(Region.objects.filter(m49_code__in=entry.get("regions", []))),
            "countries": list(Country.objects.filter(code__in=entry.get("countries", []))),
            "tags": list(entry.get("tags", [])),
            "involvements": [
                (organisation(name, acronym), role, note)
                for name, acronym, role, note in entry.get("organisations", [])
            ],
        }
        existing = Initiative.objects.filter(slug=entry["slug"]).first()
        if existing is not None and not _differs(existing, values, relations):
            report.unchanged.append(existing.slug)
            continue
        # The one write path (services.initiative_writing … initiative_written): an entry that changes an
        # initiative takes its words out of the vocabulary first and ends with one version in its history.
        services.initiative_writing(initiative_ids=[existing.pk] if existing else [])
        with translation.override(values["language"]):  # an entry's text is in its original language
            initiative, created, _changed = upsert(Initiative, {"slug": entry["slug"]}, values)
        (report.created if created else report.updated).append(initiative.slug)
        initiative.themes.set(relations["themes"])
        initiative.regions.set(relations["regions"])
        initiative.countries.set(relations["countries"])
        initiative.tags.set(relations["tags"])
        wanted = set()
        for org, role, note in relations["involvements"]:
            involvement, _created = Involvement.objects.update_or_create(
                initiative=initiative, organisation=org, role=role, defaults={"note": note}
            )
            wanted.add(involvement.pk)
        initiative.involvements.exclude(pk__in=wanted).delete()
        if initiative.published_at is None:  # publishing ends the write (with its own version in the history)
            services.publish_initiative(initiative=initiative, when=now - datetime.timedelta(minutes=position))
        else:
            services.initiative_written(initiative=initiative, reason=_("Loaded from the seed"))
    return report


def _differs(initiative: Initiative, values: dict, relations: dict) -> bool:
    """Whether loading an entry would change this initiative (its fields as the entry gives them, or its terms,
    tags or organisations): an unchanged entry writes nothing, so loading the seed again adds no history."""
    with translation.override(values["language"]):
        if any(getattr(initiative, name) != value for name, value in values.items()):
            return True
    if initiative.published_at is None:
        return True

    def pks(objects):
        return sorted(obj.pk for obj in objects)

    return (
        sorted(initiative.themes.values_list("pk", flat=True)) != pks(relations["themes"])
        or sorted(initiative.regions.values_list("pk", flat=True)) != pks(relations["regions"])
        or sorted(initiative.countries.values_list("pk", flat=True)) != pks(relations["countries"])
        or sorted(initiative.tags.values_list("name", flat=True)) != sorted(set(relations["tags"]))
        or sorted(initiative.involvements.values_list("organisation_id", "role", "note"))
        != sorted({(org.pk, role, note) for org, role, note in relations["involvements"]})
    )
