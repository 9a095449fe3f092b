"""GIN indexes of each language's title and acronym (PostgreSQL), for the ranking of a broad search (issue 15).

A search matching more than ``SEARCH_EXACT_LIMIT`` initiatives ranks only those whose title or acronym matches
(at most ``SEARCH_RANKED_LIMIT`` of them: ``initiatives/estimates.py``); finding them must not read every match.
Expression indexes: nothing is stored in the table and nothing to keep; ``search.title_text_sql`` spells the same
expression for the query. The accented stems of French and Spanish (``unaccent``, not immutable) are left out.

SQLite has its FTS5 column filter for the same (``search_sqlite``): nothing to do there.
"""

from django.db import migrations

LANGUAGES = ("en", "fr", "es", "ar")


def _column(field: str, code: str) -> str:
    return (
        f"CASE WHEN language = '{code}' THEN coalesce(nullif({field}_{code}, ''), {field}, '') "
        f"ELSE coalesce({field}_{code}, '') END"
    )


def _text(code: str) -> str:
    text = f"{_column('title', code)} || ' ' || {_column('acronym', code)}"
    return f"portal_ar_normalize({text})" if code == "ar" else text


FORWARD = [
    f"CREATE INDEX initiative_title_search_{code} ON initiatives_initiative "
    f"USING gin (to_tsvector('portal_{code}'::regconfig, {_text(code)}))"
    for code in LANGUAGES
]
BACKWARD = [f"DROP INDEX IF EXISTS initiative_title_search_{code}" for code in LANGUAGES]


def on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0017_facet_counts"),
    ]

    operations = [migrations.RunPython(on_postgresql(FORWARD), on_postgresql(BACKWARD))]
