"""How an initiative's text is presented to a reader of one language: which versions exist, which is shown.

The fallback rule itself (the reader's language, else the original) is ``Initiative.text()``; this module
adds what a page says around it: the "Original in French" note and the links to the other versions.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import translation
from django.utils.translation import get_language_info

from .models import Initiative, reader_language, shown_text_sql


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


# The relations a result card lists (includes/initiative_card.html): card_themes, card_countries, card_regions.
CARD_LISTS = ("themes", "countries", "regions")


def for_cards(initiatives: QuerySet) -> QuerySet:
    """The rows of result cards: what ``Initiative.objects.for_listing()`` reads, in as many queries, with the
    relations the card lists as plain lists (``initiative.card_themes``…) rather than in the related managers.

    Prefetched into a manager (``initiative.themes.all``), each relation of each initiative gets a queryset built
    for it (and patched by modeltranslation): 60 per listing page, a third of the CPU of reading a page's rows
    (issue 15). A list is an attribute."""
    lists = (Prefetch(name, to_attr=f"card_{name}") for name in CARD_LISTS)
    return initiatives.select_related("category").prefetch_related("attachments", *lists)
