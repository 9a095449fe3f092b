from django.core.management.base import BaseCommand

from accounts import services


class Command(BaseCommand):
    help = "Delete the accounts whose e-mail address was never verified and whose verification link has expired."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count them, delete nothing.")

    def handle(self, *args, dry_run: bool = False, **options):
        count = services.purge_expired_accounts(dry_run=dry_run)
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(self.style.SUCCESS(f"{verb} {count} expired unverified account(s)."))
