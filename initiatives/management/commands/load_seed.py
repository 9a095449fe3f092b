from django.core.management.base import BaseCommand

from initiatives import seed, taxonomy


class Command(BaseCommand):
    help = "Load the seven seed initiatives (and the taxonomy they need). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--skip-taxonomy", action="store_true", help="Assume the taxonomy is already loaded.")

    def handle(self, *args, skip_taxonomy=False, **options):
        if not skip_taxonomy:
            for name, report in taxonomy.load_all().items():
                self.stdout.write(f"{name}: {report}")
        report = seed.load_seed()
        self.stdout.write(self.style.SUCCESS(f"Seed initiatives: {report}."))
