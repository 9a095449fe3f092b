"""PostgreSQL full-text search: extensions, an accent-insensitive configuration, a trigger that keeps
``search_vector`` current, a GIN index on it and a trigram index on the "did you mean" vocabulary.

Every operation runs only on PostgreSQL; on SQLite this migration does nothing (the search module
falls back to a simpler search there).
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """
    DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'portal_search') THEN
            CREATE TEXT SEARCH CONFIGURATION portal_search (COPY = pg_catalog.english);
            ALTER TEXT SEARCH CONFIGURATION portal_search
                ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
        END IF;
    END $$;
    """,
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
    "CREATE INDEX IF NOT EXISTS searchword_trigram ON initiatives_searchword USING gin (word gin_trgm_ops)",
]

BACKWARD = [
    "DROP INDEX IF EXISTS searchword_trigram",
    "DROP INDEX IF EXISTS initiative_search_gin",
    "DROP TRIGGER IF EXISTS initiatives_search_vector_update ON initiatives_initiative",
    "DROP FUNCTION IF EXISTS initiatives_search_vector()",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS portal_search",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0001_initial")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
