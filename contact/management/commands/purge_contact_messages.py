from django.core.management.base import BaseCommand

from contact import services


class Command(BaseCommand):
    help = "Delete the contact-form messages whose verification link has expired (relayed or not)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count them, delete nothing.")

    def handle(self, *args, dry_run: bool = False, **options):
        count = services.purge_expired(dry_run=dry_run)
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(self.style.SUCCESS(f"{verb} {count} expired contact message(s)."))
