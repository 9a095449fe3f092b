from django.core.management.base import BaseCommand

from initiatives import export_files


class Command(BaseCommand):
    help = (
        "Build the whole-collection download files (/initiatives/export.csv and .json without filters) now. "
        "Changes to the collection rebuild them on their own through the task worker; run this on a first "
        "deployment, after a bulk load, or from cron."
    )

    def handle(self, *args, **options):
        files, rows = export_files.build()
        names = ", ".join(f.name for f in files)
        self.stdout.write(self.style.SUCCESS(f"{rows} published initiatives written to {names}."))
