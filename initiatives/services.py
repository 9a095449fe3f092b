"""State changes of the collection. Views, admin actions, commands and tasks call these."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from . import counts, search
from .models import Initiative, Region
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


def collection_changed() -> None:
    """Drop cached counts now and again once the transaction commits (so no reader caches the old state)."""
    counts.invalidate()
    transaction.on_commit(counts.invalidate)


@transaction.atomic
def publish_initiative(*, initiative: Initiative, when=None) -> Initiative:
    """Publish an initiative and announce it once the transaction has committed."""
    first_time = initiative.published_at is None
    initiative.status = Initiative.Status.PUBLISHED
    if first_time:
        initiative.published_at = when or timezone.now()
    initiative.full_clean()
    initiative.save()
    refresh_coverage(initiative=initiative)
    search.add_to_vocabulary(initiative_ids=[initiative.pk])
    transaction.on_commit(
        lambda: initiative_published.send(sender=Initiative, initiative=initiative, first_time=first_time)
    )
    return initiative


@transaction.atomic
def unpublish_initiative(*, initiative: Initiative) -> Initiative:
    """Take an initiative back to draft; its URL answers 404 until it is published again."""
    initiative.status = Initiative.Status.DRAFT
    initiative.save(update_fields=["status", "updated_at"])
    collection_changed()
    return initiative


@transaction.atomic
def archive_initiative(*, initiative: Initiative) -> Initiative:
    initiative.status = Initiative.Status.ARCHIVED
    initiative.save(update_fields=["status", "updated_at"])
    collection_changed()
    return initiative


@transaction.atomic
def delete_initiative(*, initiative: Initiative) -> None:
    initiative.delete()
    collection_changed()
