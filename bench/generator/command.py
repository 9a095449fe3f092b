"""The command line: ``python -m bench.generator N [--seed S] [--batch-size B] [--dry-run] [--database-url URL]``.

A script rather than a management command, so that the generator stays out of INSTALLED_APPS: it configures Django
itself (``portal.settings``, the database of ``--database-url`` or ``DATABASE_URL``) before importing the loader.
"""

import argparse
import os
import sys
import time


def _count(value: str, *, least: int) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if number < least:
        raise argparse.ArgumentTypeError(f"must be at least {least}: {value}")
    return number


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench.generator",
        description=(
            "Generate N deterministic, realistic synthetic published initiatives (slugs synthetic-<seed>-<n>) for "
            "benchmarks and load tests. Idempotent: initiatives that already exist are skipped. Needs the "
            "taxonomy (manage.py load_taxonomy)."
        ),
    )
    parser.add_argument("count", type=lambda v: _count(v, least=0), help="How many initiatives: numbers 1 to N.")
    parser.add_argument("--seed", type=lambda v: _count(v, least=0), default=1, help="Random seed (default 1).")
    parser.add_argument(
        "--batch-size",
        type=lambda v: _count(v, least=1),
        default=None,
        help="Initiatives per transaction (default 2000; 20000 with COPY on PostgreSQL).",
    )
    parser.add_argument(
        "--workers",
        type=lambda v: _count(v, least=0),
        default=0,
        help="Processes that build initiatives while this one writes (default 0: one per core from 20,000 on).",
    )
    parser.add_argument("--dry-run", action="store_true", help="Build everything, write nothing.")
    parser.add_argument("--database-url", help="The database (default: DATABASE_URL, as manage.py).")
    parser.add_argument("-v", "--verbosity", type=int, choices=(0, 1, 2), default=1)
    return parser


def _setup(database_url: str | None) -> None:
    import django
    from django.apps import apps

    if apps.ready:  # called from a process that has set Django up already (the tests)
        return
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    django.setup()


def main(argv: list[str] | None = None, *, stdout=None, stderr=None) -> int:
    """Run the command; the exit status (0, or 1 when the taxonomy is missing)."""
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    args = parser().parse_args(argv)
    _setup(args.database_url)
    from . import loading

    started = time.monotonic()
    shown = {"step": -1}

    def progress(done: int, total: int) -> None:
        """One line per 5% (or per batch, if batches are bigger) on runs of more than one batch."""
        step = done * 20 // total
        if args.verbosity >= 1 and total > batch_size and (step != shown["step"] or done == total):
            shown["step"] = step
            stdout.write(f"  {done:,}/{total:,} ({done * 100 // total}%) {time.monotonic() - started:.1f}s\n")

    last = {"name": "rows", "at": started}

    def stage(name: str) -> None:
        """With -v 1 or more, how long each step took (the rows, then what is derived from them)."""
        now = time.monotonic()
        if args.verbosity >= 1 and not args.dry_run:
            stdout.write(f"  {last['name']}: {now - last['at']:.1f}s\n")
        last.update(name=name, at=now)

    batch_size = args.batch_size or loading.default_batch_size()
    workers = args.workers or ((os.cpu_count() or 1) if args.count >= 20_000 else 1)
    if args.verbosity >= 1:
        action = "Building (dry run)" if args.dry_run else "Generating"
        stdout.write(
            f"{action} {args.count:,} synthetic initiatives (seed {args.seed}, batches of {batch_size:,}, "
            f"{loading.method()}, {workers} building)…\n"
        )
    try:
        created = loading.generate(
            count=args.count,
            seed=args.seed,
            batch_size=batch_size,
            progress=progress,
            dry_run=args.dry_run,
            workers=workers,
            stage=stage,
        )
    except loading.TaxonomyMissing as error:
        stderr.write(f"{error}\n")
        return 1
    elapsed = time.monotonic() - started
    existing = args.count - created
    if args.dry_run:
        stdout.write(
            f"Dry run: would create {created:,} synthetic initiatives ({existing:,} already exist); "
            "nothing was written.\n"
        )
        if args.verbosity >= 1:
            for title in loading.preview(seed=args.seed, count=min(args.count, 3)):
                stdout.write(f"  e.g. {title}\n")
        return 0
    stdout.write(f"Created {created:,} synthetic initiatives ({existing:,} already existed) in {elapsed:.1f}s.\n")
    return 0
