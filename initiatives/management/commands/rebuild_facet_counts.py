from django.core.management.base import BaseCommand
from django.db import connection

from initiatives import counts, facet_counts


class Command(BaseCommand):
    help = (
        "Recompute the facet-count tables (each published initiative's terms, each term's total) from the "
        "relations: after initiatives were written around the services (a bulk load), or as a repair."
    )

    def handle(self, *args, **options):
        rows = facet_counts.rebuild()
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # Index-only scans need the visibility map that VACUUM sets; the planner needs statistics.
            with connection.cursor() as cursor:
                for table in (facet_counts.MEMBERSHIP, facet_counts.TOTALS):
                    cursor.execute(f"VACUUM ANALYZE {table}")
        counts.invalidate()
        self.stdout.write(self.style.SUCCESS(f"{rows} facet memberships."))
