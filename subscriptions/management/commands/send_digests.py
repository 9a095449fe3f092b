import smtplib
import time

from django.core.management.base import BaseCommand, CommandError

from subscriptions import alerts
from subscriptions.models import Subscription

Frequency = Subscription.Frequency


class Command(BaseCommand):
    help = (
        "Send the daily or weekly digests that are due: one e-mail per address (and language), with everything "
        "published since its last digest that matches any of its subscriptions. Meant for cron (daily and weekly); "
        "safe to run again or on two machines at once: an initiative is never sent twice to a subscription, nor "
        "skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--frequency", required=True, choices=[Frequency.DAILY, Frequency.WEEKLY], help="Which digests."
        )
        parser.add_argument("--dry-run", action="store_true", help="Show what would be sent; record and send nothing.")

    def handle(self, *args, frequency: str, dry_run: bool = False, **options):
        verbosity = options.get("verbosity", 1)
        started = time.monotonic()
        recorded = alerts.record_digest(frequency=frequency, dry_run=dry_run)
        if verbosity >= 1:
            self.stdout.write(
                f"{recorded.subscriptions:,} {frequency} subscriptions due; {recorded.queries:,} distinct queries "
                f"over {recorded.candidates:,} newly published initiatives: {recorded.matches:,} matches."
            )
        if dry_run:
            owed = set(alerts.owed(frequency).values_list("subscription__email", "subscription__language").distinct())
            matched = set(Subscription.objects.filter(pk__in=recorded.matched).values_list("email", "language"))
            addresses = owed | matched  # stored in canonical form: one digest per distinct address and language
            self.stdout.write(f"Dry run: would send {len(addresses):,} digests. Nothing was recorded or sent.")
            return

        shown = {"step": -1}

        def progress(done: int, total: int) -> None:
            step = done * 10 // total
            if verbosity >= 1 and total >= 100 and step != shown["step"]:
                shown["step"] = step
                self.stdout.write(f"  {done:,}/{total:,} ({step * 10}%) {time.monotonic() - started:.1f}s")

        sent = alerts.Sent()
        try:
            alerts.send_owed(frequency=frequency, progress=progress, sent=sent)
        except (smtplib.SMTPException, OSError) as error:
            raise CommandError(
                f"The mail server failed after {sent.emails:,} of {sent.planned:,} digests were sent "
                f"({type(error).__name__}: {error}). Nothing is lost: run the command again to send the rest."
            ) from error
        if sent.failed:
            self.stderr.write(
                f"The mail server refused {len(sent.failed):,} digests (left for the next run; "
                f"see `manage.py mark_bouncing`): {', '.join(sent.failed[:20])}"
            )
        if verbosity >= 1:
            self.stdout.write(
                f"Sent {sent.emails:,} {frequency} digests ({sent.deliveries:,} initiatives to subscriptions) "
                f"in {time.monotonic() - started:.1f}s."
            )
