from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from subscriptions import alerts
from subscriptions.models import Subscription


class Command(BaseCommand):
    help = (
        "Mark an e-mail address as bouncing (or complaining): no alert or digest is sent to it any more, whatever "
        "its subscriptions say. Its subscriptions are kept as they are."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="The address that bounces.")
        parser.add_argument("--reason", default="bouncing", help='Why, kept with the address (default "bouncing").')
        parser.add_argument("--dry-run", action="store_true", help="Show what would change; change nothing.")

    def handle(self, *args, email: str, reason: str, dry_run: bool = False, **options):
        try:
            record, created = alerts.suppress(email=email, reason=reason, dry_run=dry_run)
        except ValidationError as error:
            raise CommandError(f"{email!r} is not an e-mail address.") from error
        active = Subscription.objects.filter(email=record.email, status=Subscription.Status.ACTIVE).count()
        if not created:
            self.stdout.write(
                f"{record.email} was already suppressed on {record.created_at:%Y-%m-%d}"
                + (f" ({record.reason})." if record.reason else ".")
            )
            return
        verb = "Would suppress" if dry_run else "Suppressed"
        self.stdout.write(
            f"{verb} {record.email} ({record.reason}): nothing more is sent to it "
            f"({active} active subscription{'s' if active != 1 else ''})."
            + (" Dry run: nothing was changed." if dry_run else "")
        )
