"""The generator's words, read from vocabulary.json (data, kept apart from the code that draws from it).

The names are those the builder uses; sequences become tuples so that drawing from them is exactly what it was
when they were written inline (``random.choice`` and ``random.sample`` depend only on order and length).
"""

import json
from pathlib import Path
from typing import NamedTuple

_DATA = json.loads((Path(__file__).parent / "vocabulary.json").read_text(encoding="utf-8"))


class Topic(NamedTuple):
    phrases: tuple[str, ...]  # Title Case, for titles
    themes: tuple[int, ...]  # GCM objective numbers
    tags: tuple[str, ...]
    aims: tuple[str, ...]  # verb phrases: "to …"


def _words(key: str) -> tuple:
    return tuple(_DATA[key])


TOPICS: tuple[Topic, ...] = tuple(
    Topic(tuple(t["phrases"]), tuple(t["themes"]), tuple(t["tags"]), tuple(t["aims"])) for t in _DATA["topics"]
)
GENERAL_TAGS = _words("general_tags")
TAG_POOL: tuple[str, ...] = tuple(sorted({tag for topic in TOPICS for tag in topic.tags} | set(GENERAL_TAGS)))

ACTIONS = _words("title_actions")
WHOM = _words("title_whom")
ORDINALS = _words("title_ordinals")
TITLE_FORMS: dict[str, tuple[str, ...]] = {slug: tuple(forms) for slug, forms in _DATA["title_forms"].items()}
GENERIC_FORMS = _words("generic_title_forms")
GLOBAL_FORMS = _words("global_title_forms")
CATEGORY_WEIGHTS: dict[str, int] = dict(_DATA["category_weights"])
CATEGORY_NOUNS: dict[str, tuple[str, ...]] = {slug: tuple(nouns) for slug, nouns in _DATA["category_nouns"].items()}

ACTORS = _words("actors")
BENEFICIARIES = _words("beneficiaries")
VERBS = _words("verbs")
ACTIVITIES = _words("activities")
FINDINGS = _words("findings")
RESULTS = _words("results")
HEADINGS: dict[str, tuple[str, ...]] = {section: tuple(words) for section, words in _DATA["headings"].items()}
SUMMARY_OPENINGS = _words("summary_openings")
SUMMARY_OPENING_WITH_YEAR: str = _DATA["summary_opening_with_year"]
SUMMARY_SENTENCES = _words("summary_sentences")
DESCRIPTION_SENTENCES = _words("description_sentences")

FIRST_NAMES = _words("first_names")
LAST_NAMES = _words("last_names")
HONORIFICS = _words("honorifics")
HONORIFIC_WEIGHTS = _words("honorific_weights")

# The organisation pool: built from these with a fixed random stream, the same for every seed.
ORG_CITIES = _words("organisation_cities")
ORG_FIELDS = _words("organisation_fields")
ORG_ADJECTIVES = _words("organisation_adjectives")
ORG_FORMS = _words("organisation_forms")
STOP_WORDS = frozenset(_DATA["acronym_stop_words"])

# Countries of origin, transit and destination that most practices name (ISO 3166-1 alpha-2); picked more often
# than the rest.
PROMINENT_COUNTRIES = frozenset(_DATA["prominent_countries"])
