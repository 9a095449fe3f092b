"""Which fields of the collection exist in every content language (django-modeltranslation).

Each registered field gets a column per language in ``settings.MODELTRANSLATION_LANGUAGES`` (``title_en``,
``title_fr``, …) next to the original column. For an initiative the original column keeps the text in the
initiative's own language (``Initiative.language``, see ``Initiative.sync_original_text``), so search and
anything reading the plain column see one deterministic text whatever language is active.

History models are registered as well: django-simple-history builds a version from the model's fields, and
without the translated columns on the history model a save fails (and a revert would lose translations).

Tags are django-taggit's model: registering them would add migrations to taggit's own app, so tag names stay
as they were typed (a tag is a keyword, not a label of the portal).
"""

from modeltranslation.translator import TranslationOptions, translator

from .models import Category, Country, GuidingPrinciple, Initiative, Organisation, Region, SdgGoal, SdgTarget, Theme
from .sections import FIELDS as SECTION_FIELDS

INITIATIVE_TEXT = ("title", "acronym", "summary", "description")
# Issue 13: the structured sections of the record (sections.py), translated like the summary.
INITIATIVE_SECTIONS = SECTION_FIELDS


class InitiativeTranslation(TranslationOptions):
    # description_html is rendered from each language's description (Initiative.render_description).
    fields = (*INITIATIVE_TEXT, "description_html", *INITIATIVE_SECTIONS)


class InitiativeHistoryTranslation(TranslationOptions):
    fields = (*INITIATIVE_TEXT, *INITIATIVE_SECTIONS)  # the history keeps the Markdown only; a revert renders it again


class TermTranslation(TranslationOptions):
    fields = ("name", "description")


class ThemeTranslation(TranslationOptions):
    fields = ("name", "title", "description")


translator.register(Initiative, InitiativeTranslation)
translator.register(Initiative.history.model, InitiativeHistoryTranslation)
for model in (Region, Country, GuidingPrinciple, Category, Organisation):
    translator.register(model, TermTranslation)
    translator.register(model.history.model, TermTranslation)
translator.register(Theme, ThemeTranslation)
translator.register(Theme.history.model, ThemeTranslation)


# Sustainable Development Goals (issue 13): a goal's short name and official title, a target's official text (its
# name is its code, the same in every language).
class SdgGoalTranslation(TranslationOptions):
    fields = ("name", "title", "description")


class SdgTargetTranslation(TranslationOptions):
    fields = ("text", "description")


translator.register(SdgGoal, SdgGoalTranslation)
translator.register(SdgGoal.history.model, SdgGoalTranslation)
translator.register(SdgTarget, SdgTargetTranslation)
translator.register(SdgTarget.history.model, SdgTargetTranslation)
