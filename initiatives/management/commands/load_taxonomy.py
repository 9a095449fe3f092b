from django.core.management.base import BaseCommand

from initiatives import taxonomy


class Command(BaseCommand):
    help = (
        "Load the UN M49 regions, ISO countries, GCM objectives (themes), guiding principles and categories. "
        "Idempotent: running it again updates in place."
    )

    def handle(self, *args, **options):
        for name, report in taxonomy.load_all().items():
            self.stdout.write(f"{name}: {report}")
        self.stdout.write(self.style.SUCCESS("Taxonomy loaded."))
