import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from initiatives.interchange import encodings, importing


class Progress:
    """A one-line progress bar on stderr, redrawn in place; nothing at all when stderr is not a terminal."""

    WIDTH = 30

    def __init__(self, stream, *, total: int, label: str, enabled: bool):
        self.stream, self.total, self.label, self.enabled = stream, total, label, enabled and total > 0
        self.done, self.drawn_at = 0, 0.0

    def update(self, n: int = 1) -> None:
        self.done += n
        now = time.monotonic()
        if self.enabled and (now - self.drawn_at >= 0.1 or self.done >= self.total):
            self.drawn_at = now
            filled = self.WIDTH * self.done // self.total
            bar = "#" * filled + "-" * (self.WIDTH - filled)
            self.stream.write(f"\r{self.label} [{bar}] {self.done:,}/{self.total:,}", ending="", style_func=str)
            self.stream.flush()

    def close(self) -> None:
        """Erase the bar, so that what is written next starts on a clean line."""
        if self.enabled and self.drawn_at:
            self.stream.write("\r\033[K", ending="", style_func=str)
            self.stream.flush()


class Command(BaseCommand):
    help = (
        "Import initiatives from a CSV or JSON file in the export format (README: Import and export). Rows are "
        "matched to existing initiatives by external_id, else by slug; a row that would change nothing is left "
        "alone. All or nothing: one invalid row and nothing is written, unless --skip-invalid. Changes go through "
        "the services, so history, search and publication announcements follow."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV or JSON file.")
        parser.add_argument(
            "--format", choices=["csv", "json"], help="The file's format (default: from its extension)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would be created, changed or left; write nothing."
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Write the valid rows and report the invalid ones (default: any invalid row stops the import).",
        )

    def handle(self, *args, file: str, format: str | None, dry_run: bool, skip_invalid: bool, **options):
        verbosity = options.get("verbosity", 1)
        path = Path(file)
        try:
            fmt, rows = encodings.read_file(path, fmt=format, max_bytes=settings.IMPORT_MAX_BYTES)
        except encodings.InterchangeError as error:
            raise CommandError(f"{path.name}: {error} Nothing was imported.") from error
        mode = " (dry run: nothing will be written)" if dry_run else ""
        self.stdout.write(f"{path.name}: {len(rows):,} {'row' if len(rows) == 1 else 'rows'} ({fmt.upper()}){mode}")
        if not rows:
            self.stdout.write("Nothing to import.")
            return
        tty = self.stderr.isatty()

        with transaction.atomic():
            progress = Progress(self.stderr, total=len(rows), label="Checking", enabled=tty)
            try:
                results = importing.plan_import(rows, progress=progress.update)
            finally:
                progress.close()
            invalid = [result for result in results if result.errors]
            if dry_run or (invalid and not skip_invalid):
                self.report(results, written=False, verbosity=verbosity)
                if invalid and not skip_invalid:
                    raise CommandError(self.refusal(path, invalid))
                self.stdout.write(self.summary(results, dry_run=True) + " Nothing was written.")
                return
            progress = Progress(self.stderr, total=len(rows), label="Writing", enabled=tty)
            try:
                importing.apply_import(
                    results,
                    reason=f"Imported from {path.name}",
                    skip_invalid=skip_invalid,
                    progress=progress.update,
                )
            except importing.RowFailed:
                progress.close()
                self.report(results, written=False, verbosity=verbosity)
                raise CommandError(self.refusal(path, [r for r in results if r.errors])) from None
            progress.close()
        self.report(results, written=True, verbosity=verbosity)
        summary = self.summary(results, dry_run=False)
        style = self.style.WARNING if any(result.errors for result in results) else self.style.SUCCESS
        self.stdout.write(style(summary))

    def report(self, results, *, written: bool, verbosity: int) -> None:
        """One line per row (unchanged ones when nothing is written or with -v 2), then each invalid row's reasons."""
        verbs = (
            {"create": "created", "change": "changed"}
            if written
            else {"create": "would be created", "change": "would change"}
        )
        for result in results:
            if result.errors:
                self.stdout.write(f"{result.label}: invalid")
                for error in result.errors:
                    self.stdout.write(f"    - {error}")
            elif result.action == "change":
                self.stdout.write(f"{result.label}: {verbs['change']}: {', '.join(result.changes)}")
            elif result.action == "create":
                self.stdout.write(f"{result.label}: {verbs['create']}")
            elif verbosity >= 2 or (not written and verbosity >= 1):
                self.stdout.write(f"{result.label}: unchanged")

    @staticmethod
    def summary(results, *, dry_run: bool) -> str:
        count = dict.fromkeys(("create", "change", "unchanged", "invalid"), 0)
        for result in results:
            count["invalid" if result.errors else result.action] += 1
        if dry_run:
            text = f"Dry run: {count['create']} to create, {count['change']} to change, {count['unchanged']} unchanged"
        else:
            text = f"Imported: {count['create']} created, {count['change']} changed, {count['unchanged']} unchanged"
        if count["invalid"]:
            text += f", {count['invalid']} invalid" + ("" if dry_run else " (skipped)")
        return text + "."

    @staticmethod
    def refusal(path: Path, invalid) -> str:
        names = ", ".join(result.source.name for result in invalid[:10]) + (", …" if len(invalid) > 10 else "")
        return (
            f"{path.name}: {len(invalid)} invalid {'row' if len(invalid) == 1 else 'rows'} ({names}); "
            "nothing was imported. Correct them, or use --skip-invalid to import the other rows."
        )
