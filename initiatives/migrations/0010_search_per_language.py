"""Full-text search in each content language (PostgreSQL): see initiatives/search.py for the design.

- Text search configurations ``portal_en`` (the former ``portal_search``: English stemming over ``unaccent``),
  ``portal_fr``, ``portal_es`` (French and Spanish stemming over ``unaccent``) and ``portal_ar`` (Arabic
  stemming, whose Snowball stemmer already drops diacritics and tatweel; ``unaccent`` for Latin words in Arabic
  text). French and Spanish text is also stemmed with its accents, then unaccented (see ``_lexemes``).
  ``portal_ar_normalize`` detaches the conjunctions و and ف from a following article (والمهاجرين →
  المهاجرين), which the stemmer leaves in place; the search applies it to the text and to the query alike.
- One weighted tsvector per language (``search_en`` … ``search_ar``: title and acronym A, summary B,
  description C) from that language's columns (``title_fr`` …); for the initiative's original language the
  plain column stands in when the translated one is empty. A trigger keeps them, a GIN index serves each.
- The single ``search_vector`` (and its trigger and index) goes.
- The "did you mean" vocabulary is per language: the words so far are the English collection's.

On SQLite the schema changes apply and the PostgreSQL objects are skipped (the search falls back to substrings).
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import migrations, models

LANGUAGES = ("en", "fr", "es", "ar")
STEMMERS = {"en": "english", "fr": "french", "es": "spanish", "ar": "arabic"}
TRANSLATED = ("title", "acronym", "summary", "description")
WEIGHTS = {"title": "A", "acronym": "A", "summary": "B", "description": "C"}
ACCENTED_SUFFIXES = ("fr", "es")

# Arabic letters are U+0621-U+064A; diacritics (harakat, U+064B-U+065F, U+0670) and tatweel (U+0640) go first
# so that a vocalised "وَالمُهاجِرين" is detached too. "{3,}": words such as والد (father) and والي keep their و.
NORMALIZE_ARABIC = r"""
    CREATE FUNCTION portal_ar_normalize(text) RETURNS text AS $$
        SELECT regexp_replace(
            regexp_replace($1, '[\u064B-\u065F\u0670\u0640]', '', 'g'),
            '(^|[^\u0621-\u064A])[\u0648\u0641](\u0627\u0644[\u0621-\u064A]{3,})', '\1\2', 'g'
        )
    $$ LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
"""


def _text(field: str, code: str) -> str:
    """The trigger's expression for ``field`` in language ``code``."""
    expression = (
        f"CASE WHEN NEW.language = '{code}' THEN coalesce(nullif(NEW.{field}_{code}, ''), NEW.{field}, '') "
        f"ELSE coalesce(NEW.{field}_{code}, '') END"
    )
    return f"portal_ar_normalize({expression})" if code == "ar" else expression


def _vector(code: str) -> str:
    return " || ".join(f"setweight({_lexemes(code, _text(field, code))}, '{WEIGHTS[field]}')" for field in TRANSLATED)


def _lexemes(code: str, text: str) -> str:
    """French and Spanish words are stemmed twice: without accents (so that a query typed without them matches)
    and with them, the accents dropped from the stems (the stemmers know "-ées": réfugiés and réfugiées both give
    "refugi", while unaccented they give "refug" and "refugie"). The search ORs the two forms of a query."""
    lexemes = f"to_tsvector('portal_{code}', {text})"
    if code in ACCENTED_SUFFIXES:
        lexemes += f" || unaccent(to_tsvector('{STEMMERS[code]}', {text})::text)::tsvector"
    return lexemes


TRIGGER_COLUMNS = ", ".join(["language", *TRANSLATED, *(f"{f}_{code}" for f in TRANSLATED for code in LANGUAGES)])

FORWARD = [
    "ALTER TEXT SEARCH CONFIGURATION portal_search RENAME TO portal_en",
    *(
        statement
        for code in ("fr", "es", "ar")
        for statement in (
            f"CREATE TEXT SEARCH CONFIGURATION portal_{code} (COPY = pg_catalog.{STEMMERS[code]})",
            f"ALTER TEXT SEARCH CONFIGURATION portal_{code} "
            f"ALTER MAPPING FOR hword, hword_part, word "
            f"WITH unaccent, {STEMMERS[code]}_stem",
        )
    ),
    NORMALIZE_ARABIC,
    f"""
    CREATE FUNCTION initiatives_search_per_language() RETURNS trigger AS $$
    BEGIN
        {"; ".join(f"NEW.search_{code} := {_vector(code)}" for code in LANGUAGES)};
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql
    """,
    f"""
    CREATE TRIGGER initiatives_search_per_language_update
        BEFORE INSERT OR UPDATE OF {TRIGGER_COLUMNS}
        ON initiatives_initiative FOR EACH ROW EXECUTE FUNCTION initiatives_search_per_language()
    """,
    "UPDATE initiatives_initiative SET language = language",
    *(
        f"CREATE INDEX initiative_search_{code} ON initiatives_initiative USING gin (search_{code})"
        for code in LANGUAGES
    ),
]

BACKWARD = [
    # The vocabulary's unique word comes back: only the English words stay.
    "DELETE FROM initiatives_searchword WHERE language <> 'en'",
    *(f"DROP INDEX IF EXISTS initiative_search_{code}" for code in LANGUAGES),
    "DROP TRIGGER IF EXISTS initiatives_search_per_language_update ON initiatives_initiative",
    "DROP FUNCTION IF EXISTS initiatives_search_per_language()",
    "DROP FUNCTION IF EXISTS portal_ar_normalize(text)",
    *(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS portal_{code}" for code in ("fr", "es", "ar")),
    "ALTER TEXT SEARCH CONFIGURATION portal_en RENAME TO portal_search",
]

# Migration 0002's single vector, dropped first and rebuilt last when going back.
DROP_SINGLE_VECTOR = [
    "DROP INDEX IF EXISTS initiative_search_gin",
    "DROP TRIGGER IF EXISTS initiatives_search_vector_update ON initiatives_initiative",
    "DROP FUNCTION IF EXISTS initiatives_search_vector()",
]
RESTORE_SINGLE_VECTOR = [
    """
    CREATE OR REPLACE FUNCTION initiatives_search_vector() RETURNS trigger AS $$
    BEGIN
        NEW.search_vector :=
            setweight(to_tsvector('portal_search', coalesce(NEW.title, '')), 'A') ||
            setweight(to_tsvector('portal_search', coalesce(NEW.acronym, '')), 'A') ||
            setweight(to_tsvector('portal_search', coalesce(NEW.summary, '')), 'B') ||
            setweight(to_tsvector('portal_search', coalesce(NEW.description, '')), 'C');
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER initiatives_search_vector_update
        BEFORE INSERT OR UPDATE OF title, acronym, summary, description
        ON initiatives_initiative FOR EACH ROW EXECUTE FUNCTION initiatives_search_vector();
    """,
    "UPDATE initiatives_initiative SET title = title",
    "CREATE INDEX IF NOT EXISTS initiative_search_gin ON initiatives_initiative USING gin (search_vector)",
]


def on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0007_copy_text_to_english")]

    operations = [
        migrations.RunPython(on_postgresql(DROP_SINGLE_VECTOR), on_postgresql(RESTORE_SINGLE_VECTOR)),
        migrations.RemoveField(model_name="initiative", name="search_vector"),
        *(
            migrations.AddField(
                model_name="initiative",
                name=f"search_{code}",
                field=SearchVectorField(editable=False, null=True),
            )
            for code in LANGUAGES
        ),
        migrations.AlterField(model_name="searchword", name="word", field=models.CharField(max_length=100)),
        migrations.AddField(
            model_name="searchword", name="language", field=models.CharField(default="en", max_length=7)
        ),
        migrations.AddConstraint(
            model_name="searchword",
            constraint=models.UniqueConstraint(fields=("language", "word"), name="searchword_unique_per_language"),
        ),
        migrations.RunPython(on_postgresql(FORWARD), on_postgresql(BACKWARD)),
    ]
