"""State changes of the collection. Views, admin actions, commands and tasks call these."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from . import counts, search
from .models import INITIATIVE_HISTORY, Initiative, Involvement, Link, Organisation, Region
from .signals import initiative_published


def region_closure(region_ids: Iterable[int]) -> set[int]:
    """The given regions and all their ancestors (the M49 tree is three levels deep)."""
    parents = dict(Region.objects.values_list("pk", "parent_id"))
    closure: set[int] = set()
    for region_id in region_ids:
        while region_id is not None and region_id not in closure:
            closure.add(region_id)
            region_id = parents.get(region_id)
    return closure


def refresh_coverage(*, initiative: Initiative) -> None:
    """Recompute the regions an initiative covers: its regions, its countries' regions, their ancestors."""
    direct = set(initiative.regions.values_list("pk", flat=True))
    direct |= {pk for pk in initiative.countries.values_list("region_id", flat=True) if pk}
    initiative.covered_regions.set(region_closure(direct))
    collection_changed()


def record_history(*, initiative: Initiative, user=None, reason: str = "", deleted: bool = False) -> None:
    """Write one version of the initiative to its history: fields, relations, tags, organisations, links.

    Initiatives skip django-simple-history's automatic records (one per save and one per many-to-many
    change would split one edit into many); every service that changes an initiative calls this once, at
    the end. ``user`` defaults to the user of the current request (HistoryRequestMiddleware).
    """
    if user is not None:
        initiative._history_user = user
    initiative._change_reason = str(reason)[:100]
    kind = "-" if deleted else ("~" if Initiative.history.filter(id=initiative.pk).exists() else "+")
    INITIATIVE_HISTORY.create_historical_record(initiative, kind)


def collection_changed() -> None:
    """Drop cached counts now and again once the transaction commits (so no reader caches the old state)."""
    counts.invalidate()
    transaction.on_commit(counts.invalidate)


@transaction.atomic
def publish_initiative(*, initiative: Initiative, when=None, user=None) -> Initiative:
    """Publish an initiative and announce it once the transaction has committed."""
    first_time = initiative.published_at is None
    initiative.status = Initiative.Status.PUBLISHED
    if first_time:
        initiative.published_at = when or timezone.now()
    initiative.full_clean()
    initiative.save()
    refresh_coverage(initiative=initiative)
    search.add_to_vocabulary(initiative_ids=[initiative.pk])
    record_history(initiative=initiative, user=user, reason=_("Published"))
    transaction.on_commit(
        lambda: initiative_published.send(sender=Initiative, initiative=initiative, first_time=first_time)
    )
    return initiative


@transaction.atomic
def unpublish_initiative(*, initiative: Initiative, user=None) -> Initiative:
    """Take an initiative back to draft; its URL answers 404 until it is published again."""
    initiative.status = Initiative.Status.DRAFT
    initiative.save(update_fields=["status", "updated_at"])
    record_history(initiative=initiative, user=user, reason=_("Unpublished"))
    collection_changed()
    return initiative


@transaction.atomic
def archive_initiative(*, initiative: Initiative, user=None) -> Initiative:
    initiative.status = Initiative.Status.ARCHIVED
    initiative.save(update_fields=["status", "updated_at"])
    record_history(initiative=initiative, user=user, reason=_("Archived"))
    collection_changed()
    return initiative


@transaction.atomic
def delete_initiative(*, initiative: Initiative, user=None) -> None:
    record_history(initiative=initiative, user=user, reason=_("Deleted"), deleted=True)
    initiative.delete()
    collection_changed()


@dataclass
class InitiativeContent:
    """Everything an editor can say about an initiative, with taxonomy terms as model instances."""

    fields: dict  # scalar model fields: title, acronym, summary, description, category, scope, dates, website…
    themes: list = field(default_factory=list)
    principles: list = field(default_factory=list)
    regions: list = field(default_factory=list)
    countries: list = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    involvements: list[tuple] = field(default_factory=list)  # (Organisation, role)
    links: list[tuple[str, str]] = field(default_factory=list)  # (title, url)


def unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(title)[:200].strip("-") or "initiative"
    slug, n = base, 1
    taken = Initiative.objects.exclude(pk=exclude_pk)
    while taken.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _save_with_free_slug(obj, *, retry: bool, attempts: int = 5) -> None:
    """Insert ``obj``; if another transaction took its slug meanwhile, take the next free one."""
    for attempt in range(attempts):
        try:
            with transaction.atomic():
                obj.save()
            return
        except IntegrityError:
            if not retry or attempt == attempts - 1:
                raise
            make_slug = unique_slug if isinstance(obj, Initiative) else unique_organisation_slug
            obj.slug = make_slug(obj.title if isinstance(obj, Initiative) else obj.name)


def unique_organisation_slug(name: str) -> str:
    base = slugify(name)[:200].strip("-") or "organisation"
    slug, n = base, 1
    while Organisation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def save_initiative(
    *, content: InitiativeContent, initiative: Initiative | None = None, user=None, reason: str = ""
) -> Initiative:
    """Create an initiative (as a draft) or change an existing one, with all its relations.

    The slug of an existing initiative never changes here (its URL stays the same); publishing is
    a separate step (publish_initiative).
    """
    creating = initiative is None
    if creating:
        initiative = Initiative(slug=unique_slug(content.fields["title"]))
    for name, value in content.fields.items():
        setattr(initiative, name, value)
    initiative.full_clean()
    _save_with_free_slug(initiative, retry=creating)
    initiative.themes.set(content.themes)
    initiative.principles.set(content.principles)
    initiative.regions.set(content.regions)
    initiative.countries.set(content.countries)
    initiative.tags.set(content.tags)
    initiative.involvements.all().delete()
    for organisation, _role in content.involvements:
        if organisation.pk is None:  # named by the submitter, not yet in the taxonomy
            organisation.slug = unique_organisation_slug(organisation.slug or organisation.name)
            _save_with_free_slug(organisation, retry=True)
    Involvement.objects.bulk_create(
        [
            Involvement(initiative=initiative, organisation=org, role=role)
            for org, role in dict.fromkeys(content.involvements)
        ]
    )
    initiative.links.all().delete()
    Link.objects.bulk_create(
        [
            Link(initiative=initiative, title=title, url=url)
            for title, url in {url: (title, url) for title, url in content.links}.values()
        ]
    )
    refresh_coverage(initiative=initiative)
    record_history(initiative=initiative, user=user, reason=reason or (_("Created") if creating else _("Changed")))
    return initiative
