"""How fast term feeds answer at 100,000 initiatives: p50/p95 cold, warm and conditional, in-process.

Needs a database already loaded with ``manage.py load_seed`` and ``python -m bench.generator 100000``
(see bench/README.md), then:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/feedbench .venv/bin/python bench/term_feed.py

Requests go through Django's test client (the whole middleware stack, no network, no server), with DEBUG off.

- cold: the collection version is moved first (as a publish does), so the feed is rendered from the database;
- warm: the same version again, so the body comes from the cache;
- 304: a reader sending the ETag it was given.

The budget (20 ms at the 95th percentile for a term feed) applies to warm and 304 requests, which are all
requests but the first one for each feed after a change to the collection; cold times are shown beside them.
Exits 1 when a term feed is over budget.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from initiatives import counts  # noqa: E402
from initiatives.models import Initiative  # noqa: E402

URLS = [
    "/en/regions/europe/feed/",
    "/en/regions/europe/feed/atom/",
    "/en/themes/remittances/feed/",
    "/en/themes/remittances/feed/atom/",
    "/en/countries/ma/feed/",
    "/en/tags/diaspora/feed/",
    "/en/organisations/ilo/feed/",
    "/en/initiatives/feed/",
    "/en/initiatives/feed/?region=europe&theme=remittances",
]
HOST = "127.0.0.1"
BUDGET_MS = 20.0


def out(line: str = "", *, stream=sys.stdout) -> None:
    stream.write(f"{line}\n")


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def measure(client: Client, url: str, runs: int, *, cold: bool = False, etag: str | None = None) -> list[float]:
    headers = {"HTTP_IF_NONE_MATCH": etag} if etag else {}
    expected = 304 if etag else 200
    timings = []
    for _ in range(runs):
        if cold:
            counts.invalidate()
        start = time.perf_counter()
        response = client.get(url, **headers)
        timings.append((time.perf_counter() - start) * 1000)
        if response.status_code != expected:
            raise SystemExit(f"{url}: expected {expected}, got {response.status_code}")
    return timings


def queries(client: Client, url: str, *, cold: bool = False, etag: str | None = None) -> int:
    """Queries of one request (cache queries included when CACHE_BACKEND=database)."""
    if cold:
        counts.invalidate()
    headers = {"HTTP_IF_NONE_MATCH": etag} if etag else {}
    with CaptureQueriesContext(connection) as captured:
        client.get(url, **headers)
    return len(captured)


def analyzed() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(last_analyze, last_autoanalyze) IS NOT NULL FROM pg_stat_user_tables WHERE relname = %s",
            [Initiative._meta.db_table],
        )
        row = cursor.fetchone()
    return bool(row and row[0])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=200, help="requests per URL and mode (default 200)")
    parser.add_argument("--min-initiatives", type=int, default=100_000)
    args = parser.parse_args()

    published = Initiative.objects.published().count()
    if published < args.min_initiatives:
        out(
            f"Only {published:,} published initiatives in {connection.settings_dict['NAME']}: load the data first "
            "(bench/README.md), or pass --min-initiatives.",
            stream=sys.stderr,
        )
        return 2
    out(f"{connection.vendor}, {published:,} published initiatives, {args.runs} requests per URL and mode\n")
    if connection.vendor == "postgresql" and not analyzed():
        out(
            "Warning: the initiatives table has never been analysed; the planner's estimates are those of an empty "
            "table and cold times are many times too slow. Run ANALYZE first (bench/README.md).\n",
            stream=sys.stderr,
        )

    client = Client(HTTP_HOST=HOST)
    failures = []
    header = f"{'URL':<52} {'mode':<5} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'queries':>7}"
    out(header)
    out("-" * len(header))
    with override_settings(DEBUG=False, ALLOWED_HOSTS=[HOST]):
        for url in URLS:
            client.get(url)  # warm the process (URL resolver, content types) and the database's buffers
            results = {
                "cold": (measure(client, url, args.runs, cold=True), queries(client, url, cold=True)),
                "warm": (measure(client, url, args.runs), queries(client, url)),
            }
            etag = client.get(url)["ETag"]
            results["304"] = (measure(client, url, args.runs, etag=etag), queries(client, url, etag=etag))
            for mode, (timings, n_queries) in results.items():
                p50, p95 = statistics.median(timings), percentile(timings, 95)
                out(f"{url:<52} {mode:<5} {p50:7.1f} {p95:7.1f} {max(timings):7.1f} {n_queries:7d}")
                if url.split("/")[2] != "initiatives" and mode != "cold" and p95 > BUDGET_MS:
                    failures.append(f"{url} {mode}: p95 {p95:.1f} ms > {BUDGET_MS:.0f} ms")
    out()
    if failures:
        out("Over the term feed budget:\n  " + "\n  ".join(failures))
        return 1
    out(f"Every term feed answers within {BUDGET_MS:.0f} ms at the 95th percentile, warm and 304.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
