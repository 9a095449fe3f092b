"""How an initiative's text is presented to a reader of one language: which versions exist, which is shown.

The fallback rule itself (the reader's language, else the original) is ``Initiative.text()``; this module
adds what a page says around it: the "Original in French" note and the links to the other versions.
"""

from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet, Value
from django.utils import translation
from django.utils.translation import get_language_info
from taggit.models import Tag

from . import facet_terms
from .models import (
    Category,
    Country,
    GuidingPrinciple,
    Initiative,
    Region,
    SdgGoal,
    SdgTarget,
    Theme,
    reader_language,
    shown_text_sql,
)


@dataclass(frozen=True)
class Version:
    """The same page in another language: its code, its name in that language (a reader looks for "Français",
    not "French") and its address."""

    lang: str
    name: str
    url: str


def written_languages(initiative: Initiative) -> list[str]:
    """The languages the initiative has a title in, the original first."""
    codes = [code for code in settings.MODELTRANSLATION_LANGUAGES if getattr(initiative, f"title_{code}")]
    return sorted(codes, key=lambda code: code != initiative.language)


def original_language_note(initiative: Initiative) -> str:
    """The original language's name (in the reader's language) when the page shows the original's text to a reader
    of another language; "" when everything shown is in the reader's language."""
    shown = initiative.text("title")
    return shown.language_name if shown.is_foreign else ""


def other_versions(initiative: Initiative) -> list[Version]:
    """The initiative's page in each other language it is written in (with a language prefix when the site's
    URLs have one: the address is made under that language)."""
    shown = initiative.text("title").lang
    versions = []
    for code in written_languages(initiative):
        if code == shown:
            continue
        with translation.override(code):
            url = initiative.get_absolute_url()
        versions.append(Version(code, get_language_info(code)["name_local"], url))
    return versions


def shown_expression(field: str):
    """SQL for what ``Initiative.text(field)`` shows: the reader's language's column when written, else the
    original language's (e.g. to sort by the title a reader sees, the same way whatever the active language; an
    index per language serves the title's: ``models.shown_text_sql``)."""
    return shown_text_sql(field, reader_language())


# The relations a result card lists (initiatives/cards.py): card_themes, card_countries, card_regions (attribute
# ``card_<name>``: the relation read and its terms' model).
CARD_LISTS = {"themes": ("themes", Theme), "countries": ("countries", Country), "regions": ("regions", Region)}
# And those the API's initiatives list besides (api.views), under the API's names (its sdg_goals are those covered).
API_LISTS = {
    **CARD_LISTS,
    "principles": ("principles", GuidingPrinciple),
    "sdg_goals": ("sdg_covered", SdgGoal),
    "sdg_targets": ("sdg_targets", SdgTarget),
    "tags": ("tags", Tag),
}


def for_cards(initiatives: QuerySet, lists: dict[str, tuple] = CARD_LISTS) -> QuerySet:
    """The rows of result cards: with their attachments, and the terms the card lists as plain lists
    (``initiative.card_themes``…) and their category, from ``card_terms``.

    Prefetched, the three relations and the category (``select_related``) made a term instance for every link of
    every row, each relation's rows and querysets built (and patched by modeltranslation): about 12 ms of Python
    and four queries a listing page (issue 15: the floor of a page no cache has seen)."""
    return initiatives.prefetch_related("attachments").after_fetch(partial(card_terms, lists=lists))


def card_terms(rows: list[Initiative], lists: dict[str, tuple] = CARD_LISTS) -> None:
    """Give each of ``rows`` its card's terms: ``card_themes``, ``card_countries``, ``card_regions`` (or those of
    ``lists``: ``API_LISTS``) in each model's order, and its category. Which terms: one query of the relations'
    tables (ids only); the terms themselves from each process's copy (``facet_terms``; read from the database
    outside a request)."""
    if not rows:
        return
    ids = [row.pk for row in rows]
    parts = [
        _links(relation, model, ids).annotate(relation=Value(n)) for n, (relation, model) in enumerate(lists.values())
    ]
    linked: dict[int, dict[int, set[int]]] = {n: {} for n in range(len(lists))}
    for initiative_id, term_id, relation in parts[0].union(*parts[1:], all=True):
        linked[relation].setdefault(initiative_id, set()).add(term_id)
    for n, (name, (_relation, model)) in enumerate(lists.items()):
        ordered = facet_terms.terms(model, set().union(*linked[n].values()))
        if model is SdgTarget:
            _with_goals(ordered)
        for row in rows:
            mine = linked[n].get(row.pk, ())
            setattr(row, f"card_{name}", [term for term in ordered if term.pk in mine])
    categories = {term.pk: term for term in facet_terms.terms(Category, {row.category_id for row in rows} - {None})}
    category = Initiative._meta.get_field("category")
    for row in rows:
        category.set_cached_value(row, categories.get(row.category_id))


def _links(relation: str, model, ids: list[int]):
    """``(initiative id, term id)`` of ``relation`` for the initiatives ``ids``: its table's rows (the tags' are
    taggit's, by content type and object id)."""
    through = getattr(Initiative, relation).through
    if model is Tag:
        initiative_type = ContentType.objects.get_for_model(Initiative)  # kept by Django after its first read
        rows = through.objects.filter(content_type=initiative_type, object_id__in=ids)
        return rows.values_list("object_id", "tag_id")
    return through.objects.filter(initiative_id__in=ids).values_list("initiative_id", f"{model._meta.model_name}_id")


def _with_goals(targets: list[SdgTarget]) -> None:
    """Each target's goal (which the API names), from the same copy: no query. Set on the process's own instances,
    the same goal whichever request sets it."""
    goals = {goal.pk: goal for goal in facet_terms.terms(SdgGoal, {target.goal_id for target in targets})}
    field = SdgTarget._meta.get_field("goal")
    for target in targets:
        if not field.is_cached(target) and target.goal_id in goals:
            field.set_cached_value(target, goals[target.goal_id])
