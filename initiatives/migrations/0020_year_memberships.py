from django.db import migrations


def fill(apps, schema_editor):
    """Add the years' rows (``start_year``, ``end_year``: facet_counts.py) to the membership table of the
    initiatives already there, by rebuilding it as ``manage.py rebuild_facet_counts`` does (0017 did the same), then
    give PostgreSQL's planner the new table's statistics and visibility map: without them, at 100,000 initiatives,
    the year ranges' plans ran into the statement timeout until autovacuum came by."""
    from initiatives import facet_counts

    facet_counts.rebuild()
    connection = schema_editor.connection
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            for table in (facet_counts.MEMBERSHIP, facet_counts.TOTALS):
                cursor.execute(f"VACUUM ANALYZE {table}")


class Migration(migrations.Migration):
    atomic = False  # VACUUM runs outside a transaction (rebuild is one transaction of its own)

    dependencies = [
        ("initiatives", "0019_facet_changes"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
