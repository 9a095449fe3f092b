"""The structured sections of an initiative's record, defined once.

Each section is an optional plain-text field of ``Initiative`` (paragraphs separated by blank lines), translated
like the summary (``translation.py``), in this order everywhere: the detail page and its preview, the proposal and
translation forms, the moderation diff, the feeds' item content, the API, import/export and the history.

``weight`` is the section's weight in the full-text search (PostgreSQL's A–D; title and acronym are A, summary B,
description C): the sections that say what a practice achieved and why it is worth copying (results, evidence,
good practice, lessons) are C like the description, the others D. Migration ``0011_sections`` builds the search
trigger from the same weights (a test checks they agree); the SQLite fallback reads them from here.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Every section is capped at this many characters (the model validates it, so the forms, the admin and the import
# refuse a longer text with a message; nothing is cut).
MAX_LENGTH = 10_000
# A feed item carries each section cut to this many characters (a link leads to the whole record).
FEED_LENGTH = 600


@dataclass(frozen=True)
class Section:
    field: str  # the Initiative field (and form field, data key, API key, import column)
    heading: Promise  # the heading on the page, the label in forms
    guidance: Promise  # the help text in forms
    weight: str  # "C" or "D": see above


SECTIONS: tuple[Section, ...] = (
    Section(
        "context",
        _("Context and problem addressed"),
        _("The situation the initiative responds to: who was affected, by what, and why it mattered."),
        "D",
    ),
    Section(
        "activities",
        _("Activities"),
        _("What was done, by whom, and how: the main activities, in the order they happened."),
        "D",
    ),
    Section(
        "results",
        _("Results and impact"),
        _("What changed because of the initiative: outputs, outcomes and longer-term impact, with figures if any."),
        "C",
    ),
    Section(
        "evidence",
        _("Evidence of results"),
        _("What backs the results: evaluations, monitoring data, studies or reports, and who produced them."),
        "C",
    ),
    Section(
        "good_practice",
        _("What makes it a good practice"),
        _(
            "Why others should learn from it: its innovation, sustainability, replicability or scalability, "
            "and its partnerships."
        ),
        "C",
    ),
    Section(
        "lessons",
        _("Challenges and lessons learned"),
        _("What was difficult, what did not work, and what you would do differently."),
        "C",
    ),
    Section(
        "recommendations",
        _("Recommendations"),
        _("Advice for those who want to do something similar."),
        "D",
    ),
    Section(
        "beneficiaries",
        _("Beneficiaries and target groups"),
        _("Who the initiative is for, and how many people it reached."),
        "D",
    ),
    Section(
        "budget",
        _("Budget and funding"),
        _("The budget, and who funded it."),
        "D",
    ),
    Section(
        "source",
        _("Source"),
        _("Where this practice was collected or presented, for example a GFMD process or a call for practices."),
        "D",
    ),
)

FIELDS: tuple[str, ...] = tuple(section.field for section in SECTIONS)
BY_FIELD = {section.field: section for section in SECTIONS}
# The section the "has evidence of results" filter looks at.
EVIDENCE = "evidence"


def written(initiative) -> list[tuple[Section, object]]:
    """The sections ``initiative`` has, each with its text as the reader sees it (``Initiative.text``: the reader's
    language when written in it, else the original; the text knows its language)."""
    shown = []
    for section in SECTIONS:
        text = initiative.text(section.field)
        if str(text).strip():
            shown.append((section, text))
    return shown
