import time

from django.core.management.base import BaseCommand, CommandError

from initiatives import generator


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


def _non_negative(value: str) -> int:
    number = int(value)
    if number < 0:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Generate N deterministic, realistic synthetic published initiatives (slugs synthetic-<seed>-<n>) "
        "for benchmarks and load tests. Idempotent: initiatives that already exist are skipped. "
        "Needs the taxonomy (manage.py load_taxonomy)."
    )

    def add_arguments(self, parser):
        parser.add_argument("count", type=_non_negative, help="How many initiatives: numbers 1 to N of the seed.")
        parser.add_argument("--seed", type=_non_negative, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--batch-size", type=_positive, default=2000, help="Initiatives per transaction (default 2000)."
        )
        parser.add_argument("--dry-run", action="store_true", help="Build everything, write nothing.")

    def handle(self, *args, count: int, seed: int, batch_size: int, dry_run: bool = False, **options):
        verbosity = options.get("verbosity", 1)
        started = time.monotonic()

        shown = {"step": -1}

        def progress(done: int, total: int) -> None:
            """One line per 5% (or per batch, if batches are bigger) on runs of more than one batch."""
            step = done * 20 // total
            if verbosity >= 1 and total > batch_size and (step != shown["step"] or done == total):
                shown["step"] = step
                elapsed = time.monotonic() - started
                self.stdout.write(f"  {done:,}/{total:,} ({done * 100 // total}%) {elapsed:.1f}s")

        if verbosity >= 1:
            action = "Building (dry run)" if dry_run else "Generating"
            self.stdout.write(f"{action} {count:,} synthetic initiatives (seed {seed}, batches of {batch_size:,})…")
        try:
            created = generator.generate(
                count=count, seed=seed, batch_size=batch_size, progress=progress, dry_run=dry_run
            )
        except generator.TaxonomyMissing as error:
            raise CommandError(str(error)) from error
        elapsed = time.monotonic() - started
        existing = count - created
        if dry_run:
            self.stdout.write(
                f"Dry run: would create {created:,} synthetic initiatives ({existing:,} already exist); "
                "nothing was written."
            )
            if verbosity >= 1:
                for title in generator.preview(seed=seed, count=min(count, 3)):
                    self.stdout.write(f"  e.g. {title}")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {created:,} synthetic initiatives ({existing:,} already existed) in {elapsed:.1f}s."
            )
        )
