"""Reading initiative history for curators: what changed between two versions, what a revert would change."""

from collections.abc import Iterable

from django.utils.translation import gettext as _
from modeltranslation.translator import translator
from modeltranslation.utils import get_translation_fields
from simple_history.template_utils import HistoricalRecordContextHelper

from .models import Initiative, Involvement, Organisation

# The revert page shows values in full (django-simple-history cuts them at 100 characters by default).
FULL_VALUE = 100_000

# A revert brings back content and classification; publication (status, date, featuring) has its own actions.
NOT_REVERTED = frozenset({"status", "published_at", "featured", "featured_order"})


def per_language(names: Iterable[str], model=Initiative) -> list[str]:
    """``names`` with each translated field (title, summary…) replaced by its column in every language.

    A version is compared and reverted language by language: the plain ``title`` of a version reads as the active
    language's, which would lose the other translations.
    """
    translated = translator.get_options_for_model(model).all_fields
    return [column for name in names for column in (get_translation_fields(name) if name in translated else [name])]


def _involvements_text(rows, names) -> str:
    roles = dict(Involvement.Role.choices)
    return "; ".join(
        f"{names.get(org_id, f'#{org_id}')} ({roles.get(role, role)}{', ' + note[0] if note and note[0] else ''})"
        for org_id, role, *note in rows
    )


def snapshot_changes(older, newer) -> list[dict]:
    """Changes of tags, organisations and links between two versions (kept as JSON snapshots)."""
    changes = []
    if older.tags_snapshot != newer.tags_snapshot:
        changes.append(
            {"field": _("Tags"), "old": ", ".join(older.tags_snapshot), "new": ", ".join(newer.tags_snapshot)}
        )
    if older.involvements_snapshot != newer.involvements_snapshot:
        ids = {org_id for org_id, *_rest in [*older.involvements_snapshot, *newer.involvements_snapshot]}
        names = dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "name"))
        changes.append(
            {
                "field": _("Organisations"),
                "old": _involvements_text(older.involvements_snapshot, names),
                "new": _involvements_text(newer.involvements_snapshot, names),
            }
        )
    if older.links_snapshot != newer.links_snapshot:
        changes.append(
            {
                "field": _("Links"),
                "old": "; ".join(url for _title, url, _kind in older.links_snapshot),
                "new": "; ".join(url for _title, url, _kind in newer.links_snapshot),
            }
        )
    # issue 13, files: attachments (a revert brings back those whose files are still stored)
    old_files, new_files = (getattr(record, "attachments_snapshot", None) or [] for record in (older, newer))
    if old_files != new_files:
        changes.append(
            {
                "field": _("Attachments"),
                "old": "; ".join(f"{item['title']} ({item['filename']})" for item in old_files),
                "new": "; ".join(f"{item['title']} ({item['filename']})" for item in new_files),
            }
        )
    return changes


def changes_to_revert(initiative: Initiative, record) -> list[dict]:
    """What reverting to ``record`` would change, field by field: ``{"field", "old" (now), "new" (then)}``."""
    latest = initiative.history.order_by("-history_date", "-history_id").first()
    if latest is None or latest.history_id == record.history_id:
        return []
    fields = {field.name for field in record.tracked_fields if field.editable} - NOT_REVERTED
    fields = set(per_language(fields)) | {field.name for field in record._history_m2m_fields}
    delta = record.diff_against(latest, included_fields=fields, foreign_keys_are_objs=True)
    helper = HistoricalRecordContextHelper(Initiative, record, max_displayed_delta_change_chars=FULL_VALUE)
    return [*helper.context_for_delta_changes(delta), *snapshot_changes(latest, record)]


def compared_fields(record, model) -> set[str]:
    """What the history list compares between two versions: each language's text, the other fields, the relations."""
    editable = [field.name for field in record.tracked_fields if field.editable]
    return set(per_language(editable, model)) | {field.name for field in record._history_m2m_fields}
