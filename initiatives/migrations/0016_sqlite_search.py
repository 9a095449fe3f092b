"""Full-text search on SQLite (FTS5): see initiatives/search.py for the design.

One FTS5 table, ``initiatives_search_fts``, holds a row per published initiative and content language that has
text in it (rowid = initiative id × 4 + the language's place in ``LANGUAGES``), with the columns PostgreSQL weighs
A to D (migrations 0010 and 0011): title, acronym (A), summary (B), ``body_c`` (description, results, evidence,
good practice, lessons: C) and ``body_d`` (the other sections: D). The language's text is what PostgreSQL's
trigger reads: that language's columns, the plain column standing in for the original language's empty one.
Highlight markers (U+E000/U+E001) are removed from the indexed text, so every marker in a snippet is one FTS5 put
there; Arabic diacritics and tatweel are removed from the Arabic row (the query is normalised alike).

Triggers on ``initiatives_initiative`` keep the table right on every write, through the services or not: a row
that is (or becomes) published is indexed, one that is unpublished, archived or deleted leaves the index, an edit
re-indexes it. Drafts are never indexed, so they can't be found, highlighted or counted by bm25.

Tokenizer: ``porter unicode61 remove_diacritics 2`` ("europeen" finds "Européen"; Porter's English suffixes,
applied to the unaccented words of every language, conflate plurals: "migrant" finds "migrants", "réfugiés"
"refugie"; words in other scripts pass through it unchanged).

On PostgreSQL nothing is done (its search has its own columns, triggers and indexes).
"""

from django.db import migrations

LANGUAGES = ("en", "fr", "es", "ar")
# Written out, not imported, so that this migration keeps meaning what it meant (as in 0011).
SECTIONS_C = ("results", "evidence", "good_practice", "lessons")
SECTIONS_D = ("context", "activities", "recommendations", "beneficiaries", "budget", "source")
COLUMNS = {  # FTS5 column: the initiative's fields it holds
    "title": ("title",),
    "acronym": ("acronym",),
    "summary": ("summary",),
    "body_c": ("description", *SECTIONS_C),
    "body_d": SECTIONS_D,
}
FIELDS = tuple(field for fields in COLUMNS.values() for field in fields)
TABLE = "initiatives_search_fts"

MARKERS = (0xE000, 0xE001)
# The Arabic diacritics in use (harakat U+064B-U+0652, superscript alef U+0670) and tatweel (U+0640): the
# tokenizer would split a word at them. (A deeper nesting of replace() overflows SQLite's parser stack.)
ARABIC_MARKS = (*range(0x064B, 0x0653), 0x0670, 0x0640)


def _removed(expression: str, characters) -> str:
    for character in characters:
        expression = f"replace({expression}, char({character}), '')"
    return expression


def _text(field: str, code: str) -> str:
    """The text of ``field`` in language ``code``, as migration 0010's trigger reads it."""
    text = (
        f"CASE WHEN NEW.language = '{code}' THEN coalesce(nullif(NEW.{field}_{code}, ''), NEW.{field}, '') "
        f"ELSE coalesce(NEW.{field}_{code}, '') END"
    )
    # Markers matter only where snippets come from, the summary.
    return _removed(text, (MARKERS if field == "summary" else ()) + (ARABIC_MARKS if code == "ar" else ()))


def _column(name: str, code: str) -> str:
    return " || ' ' || ".join(_text(field, code) for field in COLUMNS[name])


def _index_new_row() -> str:
    rows = ", ".join(
        "(" + ", ".join([f"NEW.id * 4 + {place}", *(_column(name, code) for name in COLUMNS)]) + ")"
        for place, code in enumerate(LANGUAGES)
    )
    has_text = " || ".join(f"column{n}" for n in range(2, len(COLUMNS) + 2))
    return (
        f"INSERT INTO {TABLE} (rowid, {', '.join(COLUMNS)}) "
        f"SELECT * FROM (VALUES {rows}) WHERE NEW.status = 'published' AND trim({has_text}) <> ''"
    )


def _unindex(row: str) -> str:
    return f"DELETE FROM {TABLE} WHERE rowid BETWEEN {row}.id * 4 AND {row}.id * 4 + {len(LANGUAGES) - 1}"


WATCHED = ", ".join(["status", "language", *FIELDS, *(f"{field}_{code}" for field in FIELDS for code in LANGUAGES)])

FORWARD = [
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5({', '.join(COLUMNS)}, tokenize = 'porter unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER {TABLE}_insert AFTER INSERT ON initiatives_initiative BEGIN {_index_new_row()}; END",
    f"CREATE TRIGGER {TABLE}_update AFTER UPDATE OF {WATCHED} ON initiatives_initiative "
    f"BEGIN {_unindex('OLD')}; {_index_new_row()}; END",
    f"CREATE TRIGGER {TABLE}_delete AFTER DELETE ON initiatives_initiative BEGIN {_unindex('OLD')}; END",
    # Index what is published already (the update trigger does it).
    "UPDATE initiatives_initiative SET status = status",
]
BACKWARD = [
    *(f"DROP TRIGGER IF EXISTS {TABLE}_{event}" for event in ("insert", "update", "delete")),
    f"DROP TABLE IF EXISTS {TABLE}",
]


def on_sqlite(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "sqlite":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0015_embeddings")]

    operations = [migrations.RunPython(on_sqlite(FORWARD), on_sqlite(BACKWARD))]
