"""State changes of the collection. Views, admin actions, commands and tasks call these."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from taggit.models import Tag

from . import dependencies, embeddings, export_files, facet_counts, redirects, search, sections
from .counts import ALL
from .history import NOT_REVERTED, per_language
from .models import (
    INITIATIVE_HISTORY,
    RESERVED_SLUGS,
    Attachment,
    Category,
    Country,
    GuidingPrinciple,
    Initiative,
    Involvement,
    Link,
    Organisation,
    Region,
    SdgGoal,
    SdgTarget,
    SlugRedirect,
    Theme,
)
from .signals import initiative_published
from .taxonomies import BY_NAME, of_model


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
    _refresh_sdg_coverage(initiative=initiative)


def _refresh_sdg_coverage(*, initiative: Initiative) -> None:
    """Recompute the Sustainable Development Goals an initiative covers: those it names and the goals of the targets
    it names (issue 13). Called by refresh_coverage, which every write path calls."""
    goals = set(initiative.sdg_goals.values_list("pk", flat=True))
    goals |= set(initiative.sdg_targets.values_list("goal_id", flat=True))
    initiative.sdg_covered.set(goals)


def record_history(
    *, initiative: Initiative, user=None, reason: str = "", created: bool = False, deleted: bool = False
) -> None:
    """Write one version of the initiative to its history: fields, relations, tags, organisations, links.

    Initiatives skip django-simple-history's automatic records (one per save and one per many-to-many
    change would split one edit into many); every service that changes an initiative calls this once, at
    the end. ``user`` defaults to the user of the current request (HistoryRequestMiddleware).
    """
    if user is not None:
        initiative._history_user = user
    initiative._change_reason = str(reason)[:100]
    INITIATIVE_HISTORY.create_historical_record(initiative, "-" if deleted else "+" if created else "~")


# --- the one write path ------------------------------------------------------------------------------------
# Every write of an initiative (services below, the admin's forms, the importer, the seed, approval, revert) starts
# with initiative_writing() and ends in initiative_written(): what is derived from an initiative (its covered
# regions, the "did you mean" vocabulary, its history, the collection's version and cached counts) is refreshed in
# one place, so a new field or relation, or a new way of writing, cannot leave it stale. Nothing else calls
# refresh_coverage, record_history or the vocabulary functions (tests/initiatives/test_write_path.py checks it).


def initiative_writing(*, initiative_ids: Iterable[int]) -> None:
    """The start of a write: take the words of these initiatives (those published now) out of the vocabulary, as
    they are before the change; ``initiative_written`` puts them back as they are after it."""
    ids = [pk for pk in initiative_ids if pk is not None]
    if ids:
        search.withdraw_from_vocabulary(initiative_ids=ids)
        collection_changed(dependencies.of_initiatives(ids))  # the keys of what they are before the change


def initiative_written(
    *, initiative: Initiative, user=None, reason: str = "", created: bool = False, deleted: bool = False
) -> None:
    """The end of every write of an initiative, once its row and all its relations are saved: refresh its covered
    regions (and whatever else ``refresh_coverage`` derives), count its words in the vocabulary if it is published,
    write one version to its history and mark the collection changed.

    A deletion calls it with ``deleted=True`` just before the row goes: only its last version is written.
    """
    if not deleted:
        refresh_coverage(initiative=initiative)
        search.add_to_vocabulary(initiative_ids=[initiative.pk])  # the words it has, if published
    facet_counts.sync([initiative.pk], deleted=deleted)  # issue 15: its rows in the facet-count tables
    embeddings.schedule(initiative=initiative, deleted=deleted)  # issue 14: its vector, the related lists
    record_history(initiative=initiative, user=user, reason=reason, created=created, deleted=deleted)
    collection_changed(dependencies.of_initiatives([initiative.pk]))  # what it is after (before: just above)


def collection_changed(keys: Iterable[str] | None = None) -> None:
    """Drop the cached values that depend on ``keys`` (``dependencies.py``; without keys, every cached value) now
    and again once the transaction commits (so no reader caches the old state), announcing them then; and ask for
    new download files of the whole collection once it has."""
    dependencies.changed(keys if keys is not None else {ALL})
    transaction.on_commit(export_files.schedule_build)


@transaction.atomic
def publish_initiative(*, initiative: Initiative, when=None, user=None) -> Initiative:
    """Publish an initiative and announce it once the transaction has committed."""
    first_time = initiative.published_at is None
    initiative_writing(initiative_ids=[initiative.pk])  # if published already: its words as they were
    initiative.status = Initiative.Status.PUBLISHED
    if first_time:
        initiative.published_at = when or timezone.now()
    initiative.render_description()  # what is approved is what is shown, whichever path wrote the text
    initiative.full_clean()
    initiative.save()
    initiative_written(initiative=initiative, user=user, reason=_("Published"))
    transaction.on_commit(
        lambda: initiative_published.send(sender=Initiative, initiative=initiative, first_time=first_time)
    )
    return initiative


@transaction.atomic
def unpublish_initiative(*, initiative: Initiative, user=None) -> Initiative:
    """Take an initiative back to draft; its URL answers 404 until it is published again."""
    initiative_writing(initiative_ids=[initiative.pk])
    initiative.status = Initiative.Status.DRAFT
    initiative.save(update_fields=["status", "updated_at"])
    initiative_written(initiative=initiative, user=user, reason=_("Unpublished"))
    return initiative


@transaction.atomic
def archive_initiative(*, initiative: Initiative, user=None) -> Initiative:
    initiative_writing(initiative_ids=[initiative.pk])
    initiative.status = Initiative.Status.ARCHIVED
    initiative.save(update_fields=["status", "updated_at"])
    initiative_written(initiative=initiative, user=user, reason=_("Archived"))
    return initiative


@transaction.atomic
def delete_initiative(*, initiative: Initiative, user=None) -> None:
    initiative_writing(initiative_ids=[initiative.pk])
    initiative_written(initiative=initiative, user=user, reason=_("Deleted"), deleted=True)
    initiative.delete()


@dataclass
class InitiativeContent:
    """Everything an editor can say about an initiative, with taxonomy terms as model instances."""

    fields: dict  # scalar model fields: title, acronym, summary, description, category, scope, dates, website…
    themes: list = field(default_factory=list)
    principles: list = field(default_factory=list)
    regions: list = field(default_factory=list)
    countries: list = field(default_factory=list)
    sdg_goals: list = field(default_factory=list)  # issue 13
    sdg_targets: list = field(default_factory=list)  # issue 13
    tags: list[str] = field(default_factory=list)
    involvements: list[tuple] = field(default_factory=list)  # (Organisation, role[, note])
    links: list[tuple[str, ...]] = field(default_factory=list)  # (title, url[, kind]); a document by default
    # issue 13, files: None leaves the attachments as they are; a list of Attachment.snapshot() dicts sets them
    attachments: list[dict] | None = None


def unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(title)[:200].strip("-") or "initiative"
    slug, n = base, 1
    taken = Initiative.objects.exclude(pk=exclude_pk)
    while slug in RESERVED_SLUGS or taken.filter(slug=slug).exists():
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
    else:
        initiative_writing(initiative_ids=[initiative.pk])  # the words it had, if published
    # Plain names (title, summary…) are the original language's text; per-language names (title_fr) are explicit.
    with translation.override(content.fields.get("language") or initiative.language):
        for name, value in content.fields.items():
            setattr(initiative, name, value)
    initiative.render_description()
    initiative.full_clean()
    _save_with_free_slug(initiative, retry=creating)
    initiative.themes.set(content.themes)
    initiative.principles.set(content.principles)
    initiative.regions.set(content.regions)
    initiative.countries.set(content.countries)
    initiative.sdg_goals.set(content.sdg_goals)  # issue 13
    initiative.sdg_targets.set(content.sdg_targets)
    initiative.tags.set(content.tags)
    initiative.involvements.all().delete()
    notes = {}  # (organisation, role) -> note: one involvement per pair, as the model's constraint wants
    for organisation, role, *note in content.involvements:
        if organisation.pk is None:  # named by the submitter, not yet in the taxonomy
            organisation.slug = unique_organisation_slug(organisation.slug or organisation.name)
            _save_with_free_slug(organisation, retry=True)
        notes.setdefault((organisation, role), note[0] if note else "")
    Involvement.objects.bulk_create(
        [
            Involvement(initiative=initiative, organisation=org, role=role, note=note)
            for (org, role), note in notes.items()
        ]
    )
    initiative.links.all().delete()
    links = {url: (title, kind[0] if kind else Link.Kind.DOCUMENT) for title, url, *kind in content.links}
    Link.objects.bulk_create(
        [Link(initiative=initiative, title=title, url=url, kind=kind) for url, (title, kind) in links.items()]
    )
    if content.attachments is not None:  # issue 13, files
        _set_attachments(initiative=initiative, snapshots=content.attachments)
    reason = reason or (_("Created") if creating else _("Changed"))
    initiative_written(initiative=initiative, user=user, reason=reason, created=creating)
    return initiative


TRANSLATED_TEXT = ("title", "acronym", "summary", "description", *sections.FIELDS)  # and the sections (issue 13)


@transaction.atomic
def save_translation(*, initiative: Initiative, language: str, texts: dict, user=None, reason: str = "") -> Initiative:
    """Write an initiative's title, acronym, summary, description and sections in one language other than its
    original.

    Only that language's columns change (and its rendered description): the original, the other translations and
    everything else stay as they are. One version in the history, so the change can be reverted.
    """
    initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
    if language not in settings.MODELTRANSLATION_LANGUAGES or language == initiative.language:
        raise CurationError(_("A translation is into a content language other than the initiative's original."))
    initiative_writing(initiative_ids=[initiative.pk])
    for name in TRANSLATED_TEXT:
        setattr(initiative, f"{name}_{language}", texts.get(name) or "")
    initiative.render_description()
    initiative.full_clean()
    columns = [f"{name}_{language}" for name in (*TRANSLATED_TEXT, "description_html")]
    initiative.save(update_fields=[*columns, "updated_at"])
    initiative_written(initiative=initiative, user=user, reason=reason or _("Translated"))
    return initiative


# --- curation: bulk changes and merges --------------------------------------------------------------------


class CurationError(ValueError):
    """A curation request that cannot be carried out (nothing was changed)."""


@transaction.atomic
def set_featured(*, initiatives: Iterable[Initiative], featured: bool, user=None) -> int:
    """Feature initiatives (after those already featured, in the given order) or stop featuring them."""
    changed = 0
    next_order = (Initiative.objects.filter(featured=True).aggregate(n=Max("featured_order"))["n"] or 0) + 1
    for initiative in initiatives:
        if initiative.featured == featured:
            continue
        initiative.featured = featured
        if featured:
            initiative.featured_order, next_order = next_order, next_order + 1
        initiative_writing(initiative_ids=[initiative.pk])
        initiative.save(update_fields=["featured", "featured_order", "updated_at"])
        reason = _("Featured") if featured else _("No longer featured")
        initiative_written(initiative=initiative, user=user, reason=reason)
        changed += 1
    return changed


@transaction.atomic
def change_classification(*, initiatives: Iterable[Initiative], facet: str, term, add: bool, user=None) -> int:
    """Add ``term`` to each initiative, or remove it; returns how many changed. ``facet`` is a taxonomy that
    curators change in bulk (``Taxonomy.bulk``: themes, regions, tags)."""
    taxonomy = BY_NAME[facet]
    if taxonomy.bulk is None:
        raise ValueError(f"{facet} terms are not changed in bulk")
    attribute, model = taxonomy.field, taxonomy.model
    if not isinstance(term, model):
        raise CurationError(_("%(term)s is not a %(kind)s.") % {"term": term, "kind": model._meta.verbose_name})
    template = _("Added %(kind)s “%(term)s”") if add else _("Removed %(kind)s “%(term)s”")
    reason = template % {"kind": model._meta.verbose_name, "term": term}
    changed = 0
    for initiative in initiatives:
        manager = getattr(initiative, attribute)
        has_it = manager.filter(pk=term.pk).exists()
        if has_it == add:
            continue
        initiative_writing(initiative_ids=[initiative.pk])
        (manager.add if add else manager.remove)(term)
        initiative_written(initiative=initiative, user=user, reason=reason)
        changed += 1
    return changed


@transaction.atomic
def merge_terms(*, source, target, user=None) -> int:
    """Move every initiative of ``source`` to ``target`` and delete ``source``; its URLs then redirect (301).

    One transaction: either everything moves or nothing does. Returns the number of initiatives moved.
    """
    if type(source) is not type(target):
        raise CurationError(
            _("“%(source)s” is a %(source_kind)s and “%(target)s” a %(target_kind)s: only terms of one kind merge.")
            % {
                "source": source,
                "target": target,
                "source_kind": source._meta.verbose_name,
                "target_kind": target._meta.verbose_name,
            }
        )
    if source.pk == target.pk:
        raise CurationError(_("“%(term)s” cannot be merged into itself.") % {"term": source})
    taxonomy = of_model(type(source))
    if not taxonomy.mergeable:
        raise CurationError(
            _("%(kinds)s are official lists and are not merged.") % {"kinds": source._meta.verbose_name_plural}
        )
    model = type(source)
    # Lock both rows so two curators merging at once cannot lose a term's initiatives.
    locked = {term.pk: term for term in model.objects.select_for_update().filter(pk__in=[source.pk, target.pk])}
    if len(locked) != 2:
        raise CurationError(_("One of the two terms no longer exists."))
    source, target = locked[source.pk], locked[target.pk]
    moved_ids = taxonomy.filing.move(source, target)
    kind = taxonomy.name
    SlugRedirect.objects.filter(kind=kind, target_id=source.pk).update(target_id=target.pk)
    SlugRedirect.remember(kind, source.slug, target.pk)
    if isinstance(source, Organisation) and source.logo and not target.logo:  # issue 13, files: keep one logo
        target.logo, target.logo_width, target.logo_height = source.logo.name, source.logo_width, source.logo_height
        target.save(update_fields=["logo", "logo_width", "logo_height"])
    source.delete()
    reason = _("Merged %(kind)s “%(source)s” into “%(target)s”") % {
        "kind": model._meta.verbose_name,
        "source": source,
        "target": target,
    }
    # A term is not among the words of the vocabulary: taking them out after the move is as taking them out before.
    initiative_writing(initiative_ids=moved_ids)
    for initiative in Initiative.objects.filter(pk__in=moved_ids):
        initiative_written(initiative=initiative, user=user, reason=reason)
    collection_changed()  # the term's pages and counts change even when no initiative had it
    return len(moved_ids)


# --- history: revert ---------------------------------------------------------------------------------------


def _current_term_id(model, pk: int) -> int | None:
    """The term ``pk`` now is: itself, or the survivor it was merged into (followed through its old slug)."""
    if model.objects.filter(pk=pk).exists():
        return pk
    last = model.history.filter(id=pk).order_by("-history_date").values_list("slug", flat=True).first()
    if last is None:
        return None
    target = redirects.current_objects(redirects.kind_of(model), [last]).get(last)
    return target.pk if target else None


def _current_tag_names(names: list[str]) -> list[str]:
    """Tag names of a version, with merged-away tags replaced by the tags they were merged into."""
    existing = {tag.name for tag in Tag.objects.filter(name__in=names)}
    result = []
    for name in names:
        if name in existing:
            result.append(name)
            continue
        slug = slugify(name, allow_unicode=True)
        target = redirects.current_objects("tag", [slug]).get(slug)
        result.append(target.name if target else name)
    return list(dict.fromkeys(result))


@transaction.atomic
def revert_initiative(*, record, user=None) -> Initiative:
    """Bring an initiative's content and classification back to a version of its history.

    Publication (status, date, featuring) stays as it is: it has its own actions. Terms merged since then
    are replaced by the terms they were merged into; terms deleted since then are left out.
    """
    initiative = Initiative.objects.select_for_update().get(pk=record.id)
    fields = {}
    for model_field in record.tracked_fields:
        if model_field.primary_key or model_field.name in NOT_REVERTED or not model_field.editable:
            continue
        fields[model_field.attname] = getattr(record, model_field.attname)
    fields = {name: getattr(record, name) for name in per_language(fields)}  # the text in every language
    fields["category_id"] = _current_term_id(Category, fields["category_id"])
    if fields["category_id"] is None:
        raise CurationError(_("The category of that version no longer exists; choose one and save instead."))

    def terms(attribute, model):
        old_ids = getattr(record, attribute).values_list(f"{model._meta.model_name}_id", flat=True)
        return list(model.objects.filter(pk__in={_current_term_id(model, pk) for pk in old_ids}))

    now_id = {org_id: _current_term_id(Organisation, org_id) for org_id, *_rest in record.involvements_snapshot}
    organisations = Organisation.objects.in_bulk(set(now_id.values()) - {None})
    content = InitiativeContent(
        fields=fields,
        themes=terms("themes", Theme),
        principles=terms("principles", GuidingPrinciple),
        regions=terms("regions", Region),
        countries=terms("countries", Country),
        sdg_goals=terms("sdg_goals", SdgGoal),
        sdg_targets=terms("sdg_targets", SdgTarget),
        tags=_current_tag_names(record.tags_snapshot),
        involvements=[
            (organisations[now_id[org_id]], *role_and_note)
            for org_id, *role_and_note in record.involvements_snapshot
            if now_id[org_id] in organisations
        ],
        links=[tuple(link) for link in record.links_snapshot],
        # issue 13, files: the version's attachments whose files are still stored (see uploads.discard_files)
        attachments=[item for item in record.attachments_snapshot or [] if default_storage.exists(item["file"])],
    )
    reason = _("Reverted to the version of %(date)s") % {"date": record.history_date.strftime("%Y-%m-%d %H:%M")}
    try:
        initiative = save_initiative(content=content, initiative=initiative, user=user, reason=reason)
    except ValidationError as error:
        raise CurationError(" ".join(error.messages)) from error
    return initiative


# --- issue 13, files: attachments ----------------------------------------------------------------------------------


def _set_attachments(*, initiative: Initiative, snapshots: list[dict]) -> None:
    """Make the initiative's attachments those described (``Attachment.snapshot()``), matched by stored file:
    the others are removed (their files stay while a version of the history names them), the missing ones made."""
    wanted = {item["file"]: item for item in snapshots}
    for attachment in initiative.attachments.all():
        if attachment.file.name not in wanted:
            attachment.delete()
            continue
        for name, value in wanted.pop(attachment.file.name).items():
            setattr(attachment, name, value)
        attachment.save()
    Attachment.objects.bulk_create(
        [
            Attachment(initiative=initiative, **{name: item.get(name) for name in Attachment.SNAPSHOT_FIELDS})
            for item in wanted.values()
        ]
    )


@transaction.atomic
def add_attachment(*, initiative: Initiative, upload, title: str, alt_text: str = "", user=None) -> Attachment:
    """Check, store and attach a document or an image to an initiative (one version of its history)."""
    from . import uploads

    checked = uploads.check(upload)
    initiative_writing(initiative_ids=[initiative.pk])
    sizes = list(initiative.attachments.values_list("size", flat=True))
    uploads.check_totals(existing_sizes=sizes, new_size=upload.size)
    last = initiative.attachments.aggregate(last=Max("position"))["last"]
    attachment = Attachment.objects.create(
        initiative=initiative,
        title=title,
        alt_text=alt_text,
        position=0 if last is None else last + 1,
        **uploads.store(upload, prefix="attachments", checked=checked),
    )
    initiative_written(initiative=initiative, user=user, reason=_("Attached “%(title)s”") % {"title": title[:60]})
    return attachment


@transaction.atomic
def remove_attachment(*, attachment: Attachment, user=None) -> None:
    """Detach a file; it stays in storage while a version of the history names it (a revert brings it back)."""
    initiative = attachment.initiative
    initiative_writing(initiative_ids=[initiative.pk])
    attachment.delete()
    initiative_written(
        initiative=initiative, user=user, reason=_("Removed “%(title)s”") % {"title": attachment.title[:60]}
    )
