"""The performance benchmark (``make bench``): the portal's pages at 100,000 initiatives, served for real.

What it does, in order (see bench/README.md):

1. Makes sure a PostgreSQL database of its own (``BENCH_DATABASE_URL``, default ``portal_bench``) holds the
   taxonomy, the seed and 100,000 synthetic initiatives (``python -m bench.generator``, then ``ANALYZE``); a database
   that already holds them is reused, ``BENCH_RELOAD=1`` drops and reloads it. Then ``createcachetable``,
   ``collectstatic`` and an empty cache table.
2. Counts the queries of each page in this process (Django's test client, the same database and settings, one
   request to fill the caches, then one counted request; and the same after moving the collection version, as a
   publish does: the "cold" request).
3. Starts gunicorn (sync workers) with production settings: ``DEBUG`` off, a random ``SECRET_KEY``,
   ``ALLOWED_HOSTS=127.0.0.1``, ``CACHE_BACKEND=database``, ``MAIL_BACKEND=locmem``, ``TASKS_BACKEND=database``;
   the HTTPS redirect stays on and the load generator sends ``X-Forwarded-Proto: https`` as the TLS-terminating
   proxy would.
4. Drives it over HTTP from this process (threads, ``http.client``, a new connection per request as the sync
   workers close each one): per page, one client for ``--latency-seconds`` (p50/p95/p99) and
   ``--throughput-clients`` clients for ``--throughput-seconds`` (requests per second, and its ratio to the
   trivial page's, measured in the same run before and after the pages); then ``--clients`` clients on every
   page in turn for ``--seconds`` (errors).
5. Prints a table, writes bench/RESULTS.md and exits 1 when a target is missed (2 when it could not run).

Targets: p95 under 50 ms at one client for every browse page and feed, under 100 ms for search; each listing's
throughput at least 30 % of the trivial page's; no error with 32 clients for 60 seconds.
"""

import argparse
import datetime
import http.client
import math
import os
import platform
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
WORK_DIR = ROOT / "var" / "bench"
HOST = "127.0.0.1"
HEADERS = {"X-Forwarded-Proto": "https", "User-Agent": "portal-bench", "Accept": "text/html,*/*"}
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/portal_bench"
SEED = 1  # the generator's default seed: slugs synthetic-1-<n>
# How long a request may take before it counts as an error (and gunicorn's --timeout, 30 s more): 30 s per 100,000
# initiatives (--request-timeout): a cold page at a million, on a busy machine, can take longer than 30 s.
REQUEST_TIMEOUT = {"seconds": 30.0}

BROWSE_P95_MS = 50.0
SEARCH_P95_MS = 100.0
LISTING_MIN_RATIO = 0.30


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    url: str
    kind: str  # "baseline", "browse", "listing" (a browse page with the throughput target too), "search"


PAGES = [
    Page("baseline", "Trivial view (robots.txt)", "/robots.txt", "baseline"),
    Page("home", "Home", "/en/", "browse"),
    Page("list", "Listing, no filter", "/en/initiatives/", "listing"),
    Page("list-1", "Listing, one filter", "/en/initiatives/?theme=remittances", "listing"),
    Page(
        "list-3",
        "Listing, three filters",
        "/en/initiatives/?region=europe&theme=remittances&category=programmes-and-projects",
        "listing",
    ),
    Page("region", "Region", "/en/regions/europe/", "browse"),
    Page("country", "Country", "/en/countries/ma/", "browse"),
    Page("theme", "Theme", "/en/themes/remittances/", "browse"),
    Page("principle", "Guiding principle", "/en/principles/gender-responsive/", "browse"),
    Page("category", "Category", "/en/categories/policies-and-legislation/", "browse"),
    Page("organisation", "Organisation", "/en/organisations/{organisation}/", "browse"),
    Page("tag", "Tag", "/en/tags/diaspora/", "browse"),
    Page("detail", "Detail", "/en/initiatives/{detail}/", "browse"),
    Page("search-common", "Search, common word", "/en/initiatives/?q=migrants", "search"),
    Page("search-rare", "Search, rare word", "/en/initiatives/?q=greenland", "search"),  # in 62 of 100,000
    # Searching within a theme (or a region, a tag…): the search most visitors of a portal of practices make. Its
    # matches are counted among the theme's initiatives (the bitmaps), its title matches looked for among them.
    Page("search-facet", "Search within a theme", "/en/initiatives/?q=migrants&theme=remittances", "search"),
    Page("feed", "Term feed (RSS)", "/en/regions/europe/feed/", "browse"),
    Page("api", "API listing", "/api/initiatives/", "browse"),
]


def out(line: str = "", *, stream=sys.stdout) -> None:
    stream.write(f"{line}\n")
    stream.flush()


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE_URL)
    parser.add_argument("--initiatives", type=int, default=env_int("BENCH_INITIATIVES", 100_000))
    parser.add_argument(
        "--reload",
        action="store_true",
        default=os.environ.get("BENCH_RELOAD", "") not in ("", "0"),
        help="drop and reload the database even when it holds the initiatives (BENCH_RELOAD=1)",
    )
    parser.add_argument("--workers", type=int, default=env_int("BENCH_WORKERS", 4), help="gunicorn sync workers")
    parser.add_argument("--seconds", type=int, default=env_int("BENCH_SECONDS", 60), help="the many-client run")
    parser.add_argument("--clients", type=int, default=env_int("BENCH_CLIENTS", 32), help="the many-client run")
    parser.add_argument("--latency-seconds", type=float, default=env_int("BENCH_LATENCY_SECONDS", 8))
    parser.add_argument("--throughput-seconds", type=float, default=env_int("BENCH_THROUGHPUT_SECONDS", 5))
    parser.add_argument("--throughput-clients", type=int, default=env_int("BENCH_THROUGHPUT_CLIENTS", 8))
    parser.add_argument(
        "--cold-samples",
        type=int,
        default=env_int("BENCH_COLD_SAMPLES", 20),
        help="never-seen URLs per kind in the cold table (0: no cold table)",
    )
    parser.add_argument(
        "--publications",
        type=int,
        default=env_int("BENCH_PUBLICATIONS", 5),
        help="writes in the cold table's first-after-publication part, each followed by one request per page",
    )
    parser.add_argument(
        "--request-timeout",
        type=float,
        default=env_int("BENCH_REQUEST_TIMEOUT", 0),
        help="seconds before a request counts as an error (default: 30 per 100,000 initiatives, at least 30)",
    )
    parser.add_argument(
        "--prepare-only",
        action="store_true",
        help="prepare the database (load it if needed, each stage timed) and stop before the first request",
    )
    parser.add_argument(
        "--no-prewarm",
        dest="prewarm",
        action="store_false",
        default=os.environ.get("BENCH_PREWARM", "1") not in ("", "0"),
        help="do not read the database into memory before measuring (BENCH_PREWARM=0): first reads of its pages "
        "then come from the disk",
    )
    parser.add_argument("--only", default=os.environ.get("BENCH_ONLY", ""), help="comma-separated page keys")
    parser.add_argument(
        "--results",
        default=os.environ.get("BENCH_RESULTS") or "",
        help="where to write the Markdown results ('-': nowhere; by default bench/RESULTS.md at 100,000 initiatives, "
        "bench/RESULTS-<size>.md at another size: RESULTS-1m.md for a million)",
    )
    args = parser.parse_args()
    args.results = args.results or str(results_path(args.initiatives))
    return args


def results_path(initiatives: int) -> Path:
    """Where a run at ``initiatives`` writes its results when not told: one file per size, so that a million's run
    does not replace the 100,000's."""
    if initiatives == 100_000:
        return RESULTS
    size = f"{initiatives // 1_000_000}m" if initiatives % 1_000_000 == 0 else str(initiatives)
    return RESULTS.with_name(f"RESULTS-{size}.md")


# --- the database ---------------------------------------------------------------------------------------------


def server_env(args) -> dict[str, str]:
    """Production settings for the server, the management commands and this process's query counts."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SECURE_", "SESSION_", "CSRF_", "COUNTS_", "CONN_", "SITE_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DATABASE_URL=args.database_url,
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=HOST,
        SITE_URL=f"https://{HOST}",
        CACHE_BACKEND="database",
        MAIL_BACKEND="locmem",
        TASKS_BACKEND="database",
        STATIC_ROOT=str(WORK_DIR / "static"),
        LOG_LEVEL="WARNING",
        PYTHONDONTWRITEBYTECODE="1",
        # The bench measures what pages cost, the slowest included, and asks for many uncached pages from one
        # address: production's bounds would answer some of them "too broad" or 429 instead.
        REQUEST_STATEMENT_TIMEOUT_MS="0",
        ANONYMOUS_CACHE_MISSES_PER_MINUTE="0",
    )
    return env


def manage(env, *command: str) -> None:
    out(f"$ manage.py {' '.join(command)}")
    started = time.monotonic()
    subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)
    out(f"  ({time.monotonic() - started:.1f}s)")


def timed_sql(conn, statement: str) -> None:
    """Run ``statement`` and say how long it took (the preparation's stages are timed, see bench/README.md)."""
    out(f"$ {statement}")
    started = time.monotonic()
    conn.execute(statement)
    out(f"  ({time.monotonic() - started:.1f}s)")


def maintenance_connection(database_url: str):
    import psycopg

    parts = urlsplit(database_url)
    return psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True)


def prepare_database(args, env) -> None:
    import psycopg
    from psycopg import sql

    name = urlsplit(args.database_url).path.lstrip("/")
    with maintenance_connection(args.database_url) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and args.reload:
            out(f"Dropping database {name} (reload asked)")
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            exists = None
        if not exists:
            out(f"Creating database {name}")
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    manage(env, "migrate", "--no-input", "--verbosity", "0")
    # Before anything that touches the cache: production settings use the database cache, and loading the seed
    # moves the collection version in it.
    manage(env, "createcachetable")
    with psycopg.connect(args.database_url, autocommit=True) as conn:
        loaded = conn.execute(
            "SELECT count(*) FROM initiatives_initiative WHERE status = 'published' AND slug LIKE %s",
            [f"synthetic-{SEED}-%"],
        ).fetchone()[0]
        if loaded < args.initiatives:
            out(f"{name} holds {loaded:,} synthetic initiatives; loading {args.initiatives:,} (see bench/README.md)")
            manage(env, "load_seed")
            generate = [sys.executable, "-m", "bench.generator", str(args.initiatives), "--seed", str(SEED)]
            out(f"$ python -m bench.generator {' '.join(generate[3:])}")
            started = time.monotonic()
            subprocess.run(generate, cwd=ROOT, env=env, check=True)
            out(f"  ({time.monotonic() - started:.1f}s)")
            # The generator analyses too; once more, so that statistics also hold after a partial load. And vacuumed:
            # a table loaded by COPY has no visibility map until autovacuum gets to it, and without one the listing's
            # total and deep pages cannot be read by index only (issue 15), as they are on a live database.
            timed_sql(conn, "VACUUM ANALYZE")
        else:
            out(f"{name} already holds {loaded:,} synthetic initiatives (BENCH_RELOAD=1 reloads them)")
            analysed = conn.execute(
                "SELECT coalesce(last_analyze, last_autoanalyze) IS NOT NULL, "
                "coalesce(last_vacuum, last_autovacuum) IS NOT NULL FROM pg_stat_user_tables "
                "WHERE relname = 'initiatives_initiative'"
            ).fetchone()
            if not (analysed and all(analysed)):
                out("Vacuuming and analysing (the planner has no statistics or no visibility map yet)")
                timed_sql(conn, "VACUUM ANALYZE")
    manage(env, "collectstatic", "--no-input", "--verbosity", "0")
    with psycopg.connect(args.database_url, autocommit=True) as conn:
        conn.execute("TRUNCATE portal_cache")  # every run starts with nothing cached


def prewarm(args) -> str:
    """Read every table and index of the bench's database into memory before the first request (``pg_prewarm``),
    and say how: into PostgreSQL's shared buffers, smallest first, as many as fit in 80 % of them, the rest into the
    system's page cache. A running site's database holds its working set in memory; a bench database that sat idle
    (or was pushed out by another one: the million's is 9 GB) does not, and its first reads are the disk's: the same
    never-seen URLs took up to twice as long, their slowest 230-450 ms where they took 50-230 (bench/README.md,
    "Session 21"). What the cold table measures is the portal without its caches, not the disk.

    ``pg_prewarm`` is an extension only a superuser may create: where the bench's role may not, it is created as the
    postgres system user by ``scripts/setup-postgres --extension pg_prewarm <database>``."""
    import psycopg

    if not args.prewarm:
        out("Not prewarming the database (--no-prewarm): first reads of its pages may come from the disk")
        return "not prewarmed (`--no-prewarm`)"
    name = urlsplit(args.database_url).path.lstrip("/")
    started = time.monotonic()
    with psycopg.connect(args.database_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_prewarm'").fetchone():
            try:
                conn.execute("CREATE EXTENSION pg_prewarm")
            except psycopg.errors.InsufficientPrivilege:
                command = [str(ROOT / "scripts" / "setup-postgres"), "--extension", "pg_prewarm", name]
                out(f"$ {' '.join(command[-4:])}")
                subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        budget = conn.execute(
            "SELECT setting::bigint * 8192 * 8 / 10 FROM pg_settings WHERE name = 'shared_buffers'"
        ).fetchone()[0]
        relations = conn.execute(
            "SELECT c.oid, pg_relation_size(c.oid) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'i', 't', 'm') AND c.relpersistence = 'p' "
            "AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND pg_has_role(c.relowner, 'USAGE') "
            "ORDER BY 2, 1"
        ).fetchall()
        buffered = read = 0
        for relation, size in relations:
            mode = "buffer" if buffered + size <= budget else "read"
            conn.execute("SELECT pg_prewarm(%s::oid::regclass, %s)", [relation, mode])
            if mode == "buffer":
                buffered += size
            else:
                read += size
    mb = 1024 * 1024
    said = (
        f"prewarmed (`pg_prewarm`): {len(relations)} tables and indexes, {buffered / mb:,.0f} MB into shared buffers, "
        f"{read / mb:,.0f} MB into the system's page cache"
    )
    out(f"Database {said} in {time.monotonic() - started:.1f}s")
    return said


def ensure_facet_tables(args, env) -> None:
    """The facet-count tables (issue 15) follow the services' writes, not a bulk load: rebuilt when their category
    totals do not add up to the published initiatives that have a category."""
    import psycopg

    with psycopg.connect(args.database_url, autocommit=True) as conn:
        kept = conn.execute("SELECT coalesce(sum(n), 0) FROM initiatives_termtotal WHERE facet = 'category'").fetchone()
        published = conn.execute(
            "SELECT count(*) FROM initiatives_initiative WHERE status = 'published' AND category_id IS NOT NULL"
        ).fetchone()
        analysed = conn.execute(
            "SELECT coalesce(last_vacuum, last_autovacuum) IS NOT NULL FROM pg_stat_user_tables "
            "WHERE relname = 'initiatives_facetmembership'"
        ).fetchone()
        if kept[0] == published[0] and not (analysed and analysed[0]):
            # Filled by the migration, which cannot vacuum: index-only scans need the visibility map.
            out("Vacuuming the facet-count tables (never vacuumed yet)")
            for table in ("initiatives_facetmembership", "initiatives_termtotal"):
                timed_sql(conn, f"VACUUM ANALYZE {table}")
    if kept[0] != published[0]:
        out(f"The facet-count tables count {kept[0]:,} of {published[0]:,} initiatives: rebuilding them")
        manage(env, "rebuild_facet_counts")


def database_facts(args) -> dict:
    import psycopg

    with psycopg.connect(args.database_url, autocommit=True) as conn:
        return {
            "postgres": conn.execute("SHOW server_version").fetchone()[0],
            "shared_buffers": conn.execute("SHOW shared_buffers").fetchone()[0],
            "published": conn.execute(
                "SELECT count(*) FROM initiatives_initiative WHERE status = 'published'"
            ).fetchone()[0],
        }


# --- queries per request, in this process ---------------------------------------------------------------------


def setup_django(env) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def resolve_placeholders() -> dict[str, str]:
    """Real values for the URLs: a published initiative and the busiest organisation."""
    from django.db.models import Count

    from initiatives.models import Initiative, Organisation

    detail = (
        Initiative.objects.published()
        .filter(slug__startswith=f"synthetic-{SEED}-")
        .order_by("-published_at", "-pk")
        .values_list("slug", flat=True)[500]
    )
    organisation = (
        Organisation.objects.annotate(n=Count("involvements"))
        .order_by("-n", "slug")
        .values_list("slug", flat=True)
        .first()
    )
    return {"detail": detail, "organisation": organisation}


@dataclass
class QueryCount:
    warm: int
    cold: int
    cold_ms: float
    warm_ms: float


def count_queries(pages: list[Page]) -> dict[str, QueryCount]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from initiatives import counts

    client = Client(HTTP_HOST=HOST, headers=HEADERS)
    results = {}

    def get(url):
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url}: expected 200 in-process, got {response.status_code}")

    def timed(url) -> tuple[int, float]:
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            get(url)
            elapsed = (time.perf_counter() - start) * 1000
        return len(captured), elapsed

    for page in pages:
        counts.invalidate()
        get(page.url)  # the process's first request for this page (URL resolver, templates, content types)
        counts.invalidate()
        cold, cold_ms = timed(page.url)
        warm, warm_ms = timed(page.url)
        results[page.key] = QueryCount(warm=warm, cold=cold, cold_ms=cold_ms, warm_ms=warm_ms)
    for page in pages:
        get(page.url)  # leave every page's counts in the cache for the server
    return results


# --- the server -----------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, env, *, workers: int):
        self.port = free_port()
        self.workers = workers
        self.log = WORK_DIR / "gunicorn.log"
        self.command = [
            str(Path(sys.executable).parent / "gunicorn"),
            "portal.wsgi:application",
            "--bind",
            f"{HOST}:{self.port}",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--timeout",
            str(int(REQUEST_TIMEOUT["seconds"]) + 30),
            "--error-logfile",
            str(self.log),
            "--log-level",
            "warning",
        ]
        self.env = env
        self.process = None

    def __enter__(self):
        self.log.unlink(missing_ok=True)
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited with {self.process.returncode}; see {self.log}")
            try:
                status, _body = request_once(self.port, "/healthz")
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit("gunicorn did not answer /healthz within 60 s")

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # the arbiter stops its workers gracefully
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def request_once(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT["seconds"])
    try:
        conn.request("GET", path, headers=HEADERS)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


# --- the load generator ---------------------------------------------------------------------------------------


@dataclass
class Run:
    clients: int
    seconds: float = 0.0
    timings: dict[str, list[float]] = field(default_factory=dict)  # page key: milliseconds of answered requests
    errors: Counter = field(default_factory=Counter)  # (page key, status or exception name): how many

    @property
    def requests(self) -> int:
        return sum(len(t) for t in self.timings.values()) + sum(self.errors.values())

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def errors_of(self, key: str) -> int:
        return sum(n for (page, _what), n in self.errors.items() if page == key)


def drive(port: int, pages: list[Page], *, clients: int, seconds: float) -> Run:
    """``clients`` threads, each requesting the pages in turn (from a different one) until time is up."""
    run = Run(clients=clients)
    lock = threading.Lock()
    start_barrier = threading.Barrier(clients + 1)
    deadline = [0.0]

    def client(offset: int) -> None:
        timings: dict[str, list[float]] = {}
        errors: Counter = Counter()
        conn = None
        index = offset
        start_barrier.wait()
        while True:
            page = pages[index % len(pages)]
            index += 1
            start = time.perf_counter()
            if start >= deadline[0]:
                break
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT["seconds"])
                conn.request("GET", page.url, headers=HEADERS)
                response = conn.getresponse()
                body = response.read()
                status = response.status
                if response.will_close:
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException) as error:
                status, body = type(error).__name__, b""
                if conn is not None:
                    conn.close()
                conn = None
            elapsed = (time.perf_counter() - start) * 1000
            if status == 200 and body:
                timings.setdefault(page.key, []).append(elapsed)
            else:
                errors[(page.key, str(status))] += 1
        if conn is not None:
            conn.close()
        with lock:
            for key, values in timings.items():
                run.timings.setdefault(key, []).extend(values)
            run.errors.update(errors)

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    deadline[0] = began + seconds
    start_barrier.wait()
    for thread in threads:
        thread.join()
    run.seconds = time.perf_counter() - began
    return run


def percentile(samples: list[float], p: float) -> float:
    """The ``p``-th percentile of ``samples`` by nearest rank: the smallest sample that at least ``p`` % of them do
    not exceed (the 95th of 20 samples is the 19th smallest, of 1,000 the 950th; the 100th is the largest)."""
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    rank = math.ceil(p * len(ordered) / 100)  # p * n first: 95 * 20 / 100 is 19 exactly, 0.95 * 20 is not
    return ordered[min(len(ordered), max(1, rank)) - 1]


@dataclass
class PageResult:
    page: Page
    latency: Run
    throughput: Run
    queries: QueryCount

    def p(self, q: float) -> float:
        return percentile(self.latency.timings.get(self.page.key, []), q)

    @property
    def rate(self) -> float:
        return self.throughput.rate

    @property
    def errors(self) -> int:
        return self.latency.errors_of(self.page.key) + self.throughput.errors_of(self.page.key)


def measure_page(port: int, page: Page, queries: QueryCount, args) -> PageResult:
    for _ in range(5):
        request_once(port, page.url)  # every worker's first request for this page
    latency = drive(port, [page], clients=1, seconds=args.latency_seconds)
    throughput = drive(port, [page], clients=args.throughput_clients, seconds=args.throughput_seconds)
    return PageResult(page=page, latency=latency, throughput=throughput, queries=queries)


# --- the cold table: never-seen URLs and the first request after a publication ----------------------------------

COLD_P95_MS = 100.0  # at 100,000 initiatives (issue 15)
COLD_MAX_MS = 300.0
COLD_P95_MS_AT_A_MILLION = 300.0
COLD_QUERY_SAMPLES = 3  # cold URLs per kind whose queries are counted in-process (the median is reported)


@dataclass(frozen=True)
class ColdKind:
    key: str
    label: str


COLD_KINDS = [
    ColdKind("cold-filters", "Listing, 1–3 random filters"),
    ColdKind("cold-years", "Listing, year range (+ a filter)"),
    ColdKind("cold-deep", "Listing, deep page"),
    ColdKind("cold-sort", "Listing, sorted, filtered"),
    ColdKind("cold-term", "Term page (+ a filter)"),
    ColdKind("cold-search-common", "Search, a common word"),
    ColdKind("cold-search-rare", "Search, a rare word"),
    ColdKind("cold-search-words", "Search, two or three words"),
    ColdKind("cold-feed", "Term feed, random term"),
]


FALLBACK_COMMON_WORDS = ["migrants", "migration", "support", "national", "labour", "access", "services", "skills"]
FALLBACK_RARE_WORDS = ["greenland", "iceland", "tuvalu", "nauru", "liechtenstein", "andorra", "monaco", "palau"]


@dataclass
class Vocabulary:
    """What the never-seen URLs are made of, read once from the database (in a deterministic order)."""

    terms: dict[str, list[str]]  # taxonomy name: the values naming its terms in use
    common_words: list[str]  # in the most initiatives
    rare_words: list[str]  # in 5–200 initiatives
    per_page: int
    published: int


def cold_vocabulary() -> Vocabulary:
    from django.conf import settings

    from initiatives import selectors
    from initiatives.models import Initiative, SearchWord
    from initiatives.taxonomies import TAXONOMIES

    terms = {}
    for taxonomy in TAXONOMIES:
        values = selectors.terms_in_use(taxonomy.name).order_by(taxonomy.lookup)
        terms[taxonomy.name] = [str(v) for v in values.values_list(taxonomy.lookup, flat=True)[:2000]]
    words = SearchWord.objects.filter(language="en", word__regex=r"^[a-z]{4,}$")
    common = list(words.order_by("-ndoc", "word").values_list("word", flat=True)[:60])
    rare = list(words.filter(ndoc__range=(5, 200)).order_by("word").values_list("word", flat=True)[:3000])
    return Vocabulary(
        terms={name: values for name, values in terms.items() if values},
        # Without a vocabulary (a copy taken before rebuild_search_vocabulary ended), words the generator uses.
        common_words=common or FALLBACK_COMMON_WORDS,
        rare_words=rare or FALLBACK_RARE_WORDS,
        per_page=settings.INITIATIVES_PAGE_SIZE,
        published=Initiative.objects.published().count(),
    )


def cold_urls(kind: str, vocabulary: Vocabulary, count: int) -> list[str]:
    """``count`` distinct URLs of one kind, from a random stream of its own (the same in every run)."""
    import random

    from django.urls import reverse
    from django.utils import translation
    from django.utils.http import urlencode

    from initiatives.taxonomies import BY_NAME

    rng = random.Random(f"{SEED}:{kind}")
    facets = sorted(vocabulary.terms)
    words = vocabulary.common_words or ["migrants"]
    rare = vocabulary.rare_words or words

    def facet_pairs(how_many: int) -> list[tuple[str, str]]:
        pairs = []
        for name in rng.sample(facets, min(how_many, len(facets))):
            values = vocabulary.terms[name]
            # Popular terms sort anywhere; a second value in the same facet now and then (OR within a facet).
            for value in rng.sample(values, min(len(values), 2 if rng.random() < 0.2 else 1)):
                pairs.append((name, value))
        return pairs

    def listing(pairs) -> str:
        with translation.override("en"):
            url = reverse("initiatives:list")
        return f"{url}?{urlencode(pairs)}" if pairs else url

    def make() -> str:
        if kind == "cold-filters":
            return listing(facet_pairs(rng.randint(1, 3)))
        if kind == "cold-years":
            start = rng.randint(1995, 2024)
            pairs = [("year_from", start)] if rng.random() < 0.8 else []
            if rng.random() < 0.6 or not pairs:
                pairs.append(("year_to", start + rng.randint(0, 10)))
            return listing(pairs + facet_pairs(rng.randint(0, 1)))
        if kind == "cold-deep":
            pairs = facet_pairs(1) if rng.random() < 0.3 else []
            last = max(2, vocabulary.published // vocabulary.per_page // (20 if pairs else 1))
            return listing([*pairs, ("page", rng.randint(2, last))])
        if kind == "cold-sort":
            return listing([*facet_pairs(rng.randint(0, 2)), ("sort", rng.choice(["oldest", "title", "newest"]))])
        if kind in ("cold-term", "cold-feed"):
            name = rng.choice(facets)
            taxonomy = BY_NAME[name]
            value = rng.choice(vocabulary.terms[name])
            with translation.override("en"):
                url = reverse(
                    f"initiatives:{name}-feed" if kind == "cold-feed" else f"initiatives:{name}",
                    kwargs={taxonomy.lookup: value},
                )
            extra = [pair for pair in facet_pairs(1) if pair[0] != name] if rng.random() < 0.5 else []
            return f"{url}?{urlencode(extra)}" if extra and kind == "cold-term" else url
        if kind == "cold-search-common":
            return listing([("q", rng.choice(words)), *facet_pairs(rng.randint(0, 1))])
        if kind == "cold-search-rare":
            return listing([("q", rng.choice(rare))])
        if kind == "cold-search-words":
            chosen = [rng.choice(words if rng.random() < 0.6 else rare) for _ in range(rng.randint(2, 3))]
            joiner = " OR " if rng.random() < 0.3 else " "
            return listing([("q", joiner.join(chosen))])
        raise ValueError(kind)

    urls: list[str] = []
    for _ in range(count * 50):
        url = make()
        if url not in urls:
            urls.append(url)
        if len(urls) == count:
            break
    return urls


@dataclass
class ColdResult:
    key: str
    label: str
    timings: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    worst_url: str = ""

    def p(self, q: float) -> float:
        return percentile(self.timings, q)

    @property
    def max(self) -> float:
        return max(self.timings) if self.timings else float("nan")

    @property
    def median_queries(self) -> str:
        return f"{statistics.median(self.queries):.0f}" if self.queries else "–"


def empty_caches(conn) -> None:
    """Forget every cached page and count: what a never-seen URL finds (the cache table is the only cache). The
    versions stay (``initiatives.counts.VERSION_PREFIX``): they are not cached values but what tells a cached value
    from a stale one, kept for good by a running site (a page stored under versions that moved is never read); a
    table without them is a cache server emptied, after which every process also reads its terms again."""
    from initiatives.counts import VERSION_PREFIX

    conn.execute("DELETE FROM portal_cache WHERE cache_key NOT LIKE %s", (f"%{VERSION_PREFIX}%",))


def timed_request(port: int, url: str) -> tuple[int | str, float]:
    start = time.perf_counter()
    try:
        status, body = request_once(port, url)
        if not body:
            status = f"{status} (empty)"
    except (OSError, http.client.HTTPException) as error:
        status = type(error).__name__
    return status, (time.perf_counter() - start) * 1000


def in_process_queries(url: str, conn) -> int:
    """The queries of ``url`` with empty caches, counted in this process (the server's are not visible)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    empty_caches(conn)
    client = Client(HTTP_HOST=HOST, headers=HEADERS)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured)


def measure_never_seen(port: int, vocabulary: Vocabulary, args, conn) -> list[ColdResult]:
    """Each kind's never-seen URLs, each requested once with the count and page caches emptied first."""
    results = []
    for kind in COLD_KINDS:
        result = ColdResult(kind.key, kind.label)
        urls = cold_urls(kind.key, vocabulary, args.cold_samples)
        worst = -1.0
        for n, url in enumerate(urls):
            empty_caches(conn)
            status, elapsed = timed_request(port, url)
            if status != 200:
                result.errors[str(status)] += 1
                continue
            result.timings.append(elapsed)
            if elapsed > worst:
                worst, result.worst_url = elapsed, url
            if n < COLD_QUERY_SAMPLES:
                result.queries.append(in_process_queries(url, conn))
        out(cold_line(result))
        results.append(result)
    return results


def publish_once(step: int) -> str:
    """A write as the services make it, on a published synthetic initiative (``step`` chooses which and how): a
    publication (unpublish, then publish again) or a re-filing (a theme added or removed). Returns what it did."""
    from initiatives import services
    from initiatives.models import Initiative, Theme

    initiative = (
        Initiative.objects.published()
        .filter(slug__startswith=f"synthetic-{SEED}-")
        .order_by("pk")
        .only("pk")[1000 + 37 * step]
    )
    initiative = Initiative.objects.get(pk=initiative.pk)
    if step % 2 == 0:
        services.unpublish_initiative(initiative=initiative)
        services.publish_initiative(initiative=Initiative.objects.get(pk=initiative.pk))
        return f"re-published {initiative.slug}"
    theme = Theme.objects.order_by("pk").first()
    has_it = initiative.themes.filter(pk=theme.pk).exists()
    services.change_classification(initiatives=[initiative], facet="theme", term=theme, add=not has_it)
    return f"re-filed {initiative.slug} ({'removed' if has_it else 'added'} {theme.slug})"


def measure_after_publication(port: int, pages: list[Page], args) -> list[ColdResult]:
    """Every page cached, then ``--publications`` times: one write, then each page requested once."""
    pages = [page for page in pages if page.kind != "baseline"]
    results = {page.key: ColdResult(page.key, page.label) for page in pages}
    for page in pages:
        request_once(port, page.url)  # cached, as a visited site's pages are
    for step in range(args.publications):
        what = publish_once(step)
        out(f"  {what}")
        for page in pages:
            status, elapsed = timed_request(port, page.url)
            result = results[page.key]
            if status != 200:
                result.errors[str(status)] += 1
                continue
            if not result.timings or elapsed > max(result.timings):
                result.worst_url = page.url
            result.timings.append(elapsed)
    for result in results.values():
        out(cold_line(result))
    return list(results.values())


def measure_cold(port: int, pages: list[Page], queries: dict[str, QueryCount], args):
    """The cold table: never-seen URLs (``--cold-samples`` per kind), then the first requests after a publication."""
    import psycopg

    if args.cold_samples <= 0 and args.publications <= 0:
        return [], []
    load = os.getloadavg()[0]
    out(f"\nCold: never-seen URLs, caches emptied before each (load average {load:.2f})…")
    out(f"{'kind':<34} {'n':>4} {'p50':>7} {'p95':>7} {'max':>7} {'queries':>7} {'err':>4}")
    with psycopg.connect(os_database_url(), autocommit=True) as conn:
        never_seen = measure_never_seen(port, cold_vocabulary(), args, conn) if args.cold_samples > 0 else []
        empty_caches(conn)
    after = []
    if args.publications > 0:
        out(f"\nCold: the first request for each page after a write, {args.publications} writes…")
        after = measure_after_publication(port, pages, args)
        for result in after:
            result.queries = [queries[result.key].cold]
    return never_seen, after


def os_database_url() -> str:
    return os.environ["DATABASE_URL"]


def cold_line(result: ColdResult) -> str:
    return (
        f"{result.label[:34]:<34} {len(result.timings):>4} {fmt(result.p(50)):>7} {fmt(result.p(95)):>7} "
        f"{fmt(result.max):>7} {result.median_queries:>7} {sum(result.errors.values()):4d}"
    )


def cold_targets(args) -> tuple[float, float | None]:
    """The p95 and worst-request targets for the size measured (the worst is only a target at 100,000)."""
    if args.initiatives >= 1_000_000:
        return COLD_P95_MS_AT_A_MILLION, None
    return COLD_P95_MS, COLD_MAX_MS


def cold_verdicts(never_seen: list[ColdResult], after: list[ColdResult], args) -> list["Verdict"]:
    p95_limit, max_limit = cold_targets(args)
    found = []
    for prefix, results in (("Never-seen", never_seen), ("After a publication", after)):
        for result in results:
            name = f"{prefix} — {result.label}"
            found.append(
                Verdict(f"{name}: p95 < {p95_limit:.0f} ms", f"{fmt(result.p(95))} ms", result.p(95) < p95_limit)
            )
            if max_limit is not None:
                found.append(
                    Verdict(f"{name}: max < {max_limit:.0f} ms", f"{fmt(result.max)} ms", result.max < max_limit)
                )
            if result.errors:
                errors = ", ".join(f"{what} × {n}" for what, n in result.errors.items())
                found.append(Verdict(f"{name}: no error", errors, False))
    return found


def cold_table(results: list[ColdResult]) -> list[str]:
    rows = [
        "| Page | samples | p50 ms | p95 ms | max ms | queries (median) | errors | slowest URL |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        rows.append(
            f"| {r.label} | {len(r.timings)} | {fmt(r.p(50))} | {fmt(r.p(95))} | {fmt(r.max)} | {r.median_queries} "
            f"| {sum(r.errors.values())} | `{r.worst_url}` |"
        )
    return rows


# --- verdicts and the report ----------------------------------------------------------------------------------


@dataclass
class Verdict:
    target: str
    measured: str
    passed: bool


def verdicts(results: list[PageResult], baseline_rate: float, mixed: Run, seconds: int) -> list[Verdict]:
    found = []
    for result in results:
        page = result.page
        if page.kind == "baseline":
            continue
        limit = SEARCH_P95_MS if page.kind == "search" else BROWSE_P95_MS
        p95 = result.p(95)
        found.append(Verdict(f"{page.label}: p95 < {limit:.0f} ms at 1 client", f"{p95:.1f} ms", p95 < limit))
        if page.kind == "listing":
            ratio = result.rate / baseline_rate if baseline_rate else 0.0
            found.append(
                Verdict(
                    f"{page.label}: throughput ≥ {LISTING_MIN_RATIO:.0%} of baseline",
                    f"{ratio:.0%} ({result.rate:.0f} of {baseline_rate:.0f} req/s)",
                    ratio >= LISTING_MIN_RATIO,
                )
            )
        if result.errors:
            found.append(Verdict(f"{page.label}: no error", f"{result.errors} errors", False))
    errors = sum(mixed.errors.values())
    found.append(
        Verdict(
            f"No error with {mixed.clients} clients for {seconds} s",
            f"{errors} errors in {mixed.requests:,} requests",
            errors == 0,
        )
    )
    return found


def fmt(value: float) -> str:
    return "–" if value != value else f"{value:.1f}"  # NaN: no sample


def page_table(results: list[PageResult], baseline_rate: float, args) -> list[str]:
    rows = [
        "| Page | URL | req/s | × baseline | p50 ms | p95 ms | p99 ms | queries (warm / cold) | cold ms | errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        ratio = r.rate / baseline_rate if baseline_rate else 0.0
        rows.append(
            f"| {r.page.label} | `{r.page.url}` | {r.rate:.0f} | {ratio:.2f} | {fmt(r.p(50))} | {fmt(r.p(95))} "
            f"| {fmt(r.p(99))} | {r.queries.warm} / {r.queries.cold} | {r.queries.cold_ms:.0f} | {r.errors} |"
        )
    return rows


def mixed_table(mixed: Run, pages: list[Page]) -> list[str]:
    rows = ["| Page | requests | p50 ms | p95 ms | p99 ms | errors |", "|---|---:|---:|---:|---:|---:|"]
    for page in pages:
        timings = mixed.timings.get(page.key, [])
        rows.append(
            f"| {page.label} | {len(timings) + mixed.errors_of(page.key):,} | {fmt(percentile(timings, 50))} "
            f"| {fmt(percentile(timings, 95))} | {fmt(percentile(timings, 99))} | {mixed.errors_of(page.key)} |"
        )
    every = [t for values in mixed.timings.values() for t in values]
    rows.append(
        f"| **All** | {mixed.requests:,} ({mixed.rate:.0f} req/s) | {fmt(percentile(every, 50))} "
        f"| {fmt(percentile(every, 95))} | {fmt(percentile(every, 99))} | {sum(mixed.errors.values())} |"
    )
    return rows


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB RAM"
    except OSError:
        pass
    return {
        "cpu": f"{os.cpu_count()} × {cpu}" + (f", {memory}" if memory else ""),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
    }


def commit() -> str:
    def git(*command):
        return subprocess.run(["git", *command], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--untracked-files=no")
    return f"{head} (with uncommitted changes)" if dirty else head


def report(
    *, args, results, baseline_runs, mixed, never_seen, after, found, facts, load_before, load_after, started, workers
) -> list[str]:
    from django.conf import settings

    baseline_rate = statistics.mean(run.rate for run in baseline_runs)
    info = machine()
    lines = [
        "# Benchmark results",
        "",
        f"Written by `make bench` (bench/pages.py) on {started:%Y-%m-%d %H:%M} UTC, commit {commit()}. "
        "How to run it and how to read this: bench/README.md.",
        "",
        f"- **Machine:** {info['cpu']}; {info['os']}; Python {info['python']}; PostgreSQL {facts['postgres']} "
        f"on the same machine, `shared_buffers` {facts['shared_buffers']} (scripts/setup-postgres).",
        f"- **Load average** (1 min) before the run {load_before:.2f}, after {load_after:.2f}.",
        f"- **Database:** {facts['prewarmed']} before the first request.",
        f"- **Data:** {facts['published']:,} published initiatives (`python -m bench.generator {args.initiatives}`, "
        "then `ANALYZE`).",
        f"- **Server:** gunicorn {gunicorn_version()}, {workers} sync workers, production settings: `DEBUG` off, "
        "random `SECRET_KEY`, `ALLOWED_HOSTS=127.0.0.1`, `CACHE_BACKEND=database` "
        f"(`COUNTS_CACHE_SECONDS={settings.COUNTS_CACHE_SECONDS}`), `MAIL_BACKEND=locmem`, "
        f"`TASKS_BACKEND=database`, `CONN_MAX_AGE={settings.DATABASES['default']['CONN_MAX_AGE']}`, "
        "`SECURE_SSL_REDIRECT` on (requests carry `X-Forwarded-Proto: https`).",
        f"- **Load:** one client for {args.latency_seconds:g} s per page (latency), {args.throughput_clients} "
        f"clients for {args.throughput_seconds:g} s per page (req/s), then {mixed.clients} clients over every page "
        f"for {args.seconds} s; Python threads with `http.client` in one process on the same machine, a new "
        "connection per request.",
        f"- **Baseline:** `{PAGES[0].url}` through the whole middleware stack, "
        + ", ".join(f"{run.rate:.0f}" for run in baseline_runs)
        + f" req/s (before and after the pages; mean {baseline_rate:.0f}). "
        "“× baseline” is a page's req/s divided by that mean.",
        "",
        "## Pages",
        "",
        *page_table(results, baseline_rate, args),
        "",
        "req/s with "
        f"{args.throughput_clients} clients; latencies at one client; queries of a request once the counts are "
        "cached (warm) and of the first request after a change to the collection (cold), counted in-process with "
        "the same database and settings (cache reads and writes are queries too: `CACHE_BACKEND=database`); "
        "“cold ms”: that first request's time, in-process, one sample.",
        "",
        f"## {mixed.clients} clients, {args.seconds} seconds, every page in turn",
        "",
        *mixed_table(mixed, [result.page for result in results]),
        "",
    ]
    if never_seen or after:
        p95_limit, max_limit = cold_targets(args)
        lines += [
            "## Cold: never-seen URLs",
            "",
            f"Each kind: {args.cold_samples} distinct URLs from a random stream of its own (the same in every run), "
            "each requested once at one client over HTTP, with the cache table (pages and counts) emptied before "
            "it; queries: the median of the first "
            f"{COLD_QUERY_SAMPLES} URLs' counted in-process with the caches emptied again. Targets: p95 < "
            f"{p95_limit:.0f} ms" + (f", max < {max_limit:.0f} ms" if max_limit else "") + ".",
            "",
            *cold_table(never_seen),
            "",
            "## Cold: the first request after a publication",
            "",
            f"Every page cached, then {args.publications} times: one write as the services make it (alternately "
            "an initiative unpublished and published again, and a theme added to or removed from one), then each "
            "page requested once. Queries: the page's cold count above (after the collection version moved).",
            "",
            *cold_table(after),
            "",
        ]
    if mixed.errors:
        lines += ["Errors: " + ", ".join(f"{page} {what} × {n}" for (page, what), n in mixed.errors.items()), ""]
    lines += [
        "## Targets",
        "",
        "| Target | Measured | |",
        "|---|---|---|",
        *[f"| {v.target} | {v.measured} | {'pass' if v.passed else '**FAIL**'} |" for v in found],
        "",
    ]
    return lines


def gunicorn_version() -> str:
    try:
        from importlib.metadata import version

        return version("gunicorn")
    except Exception:
        return "?"


def main() -> int:
    args = parse_args()
    started = datetime.datetime.now(datetime.UTC)
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        out("BENCH_DATABASE_URL must name a PostgreSQL database (of its own).", stream=sys.stderr)
        return 2
    if not shutil.which("gunicorn", path=str(Path(sys.executable).parent)):
        out("gunicorn is not installed in this environment (pip install -r requirements.txt).", stream=sys.stderr)
        return 2
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    REQUEST_TIMEOUT["seconds"] = args.request_timeout or 30.0 * max(1, args.initiatives // 100_000)
    env = server_env(args)
    preparing = time.monotonic()
    prepare_database(args, env)
    ensure_facet_tables(args, env)
    out(f"The database was ready in {time.monotonic() - preparing:.1f}s (load average {os.getloadavg()[0]:.2f})")
    if args.prepare_only:
        return 0
    facts = database_facts(args)
    facts["prewarmed"] = prewarm(args)
    setup_django(env)
    values = resolve_placeholders()
    pages = [Page(p.key, p.label, p.url.format(**values), p.kind) for p in PAGES]
    if args.only:
        keys = {"baseline", *args.only.split(",")}
        pages = [p for p in pages if p.key in keys]

    out("\nCounting queries per page in-process (warm and cold)…")
    queries = count_queries(pages)
    load_before = os.getloadavg()[0]
    out(f"\nStarting gunicorn with {args.workers} sync workers (load average {load_before:.2f})…")
    results: list[PageResult] = []
    baseline_runs: list[Run] = []
    header = f"{'page':<28} {'req/s':>7} {'×base':>6} {'p50':>7} {'p95':>7} {'p99':>7} {'queries':>9} {'err':>4}"
    with Server(env, workers=args.workers) as server:
        out(header)
        for page in pages:
            result = measure_page(server.port, page, queries[page.key], args)
            if page.kind == "baseline":
                baseline_runs.append(result.throughput)
            results.append(result)
            base = baseline_runs[0].rate
            out(
                f"{page.label[:28]:<28} {result.rate:7.0f} {result.rate / base:6.2f} {fmt(result.p(50)):>7} "
                f"{fmt(result.p(95)):>7} {fmt(result.p(99)):>7} "
                f"{f'{result.queries.warm}/{result.queries.cold}':>9} {result.errors:4d}"
            )
        again = measure_page(server.port, pages[0], queries["baseline"], args)
        baseline_runs.append(again.throughput)
        out(f"{'(baseline again)':<28} {again.rate:7.0f}")
        never_seen, after = measure_cold(server.port, pages, queries, args)
        out(f"\n{args.clients} clients for {args.seconds} s on every page in turn…")
        mixed = drive(server.port, pages, clients=args.clients, seconds=args.seconds)
        out(f"{mixed.requests:,} requests, {mixed.rate:.0f} req/s, {sum(mixed.errors.values())} errors")
    load_after = os.getloadavg()[0]
    baseline_rate = statistics.mean(run.rate for run in baseline_runs)
    found = verdicts(results, baseline_rate, mixed, args.seconds) + cold_verdicts(never_seen, after, args)
    lines = report(
        args=args,
        results=results,
        baseline_runs=baseline_runs,
        mixed=mixed,
        never_seen=never_seen,
        after=after,
        found=found,
        facts=facts,
        load_before=load_before,
        load_after=load_after,
        started=started,
        workers=args.workers,
    )
    out()
    for verdict in found:
        out(f"{'pass' if verdict.passed else 'FAIL'}  {verdict.target}: {verdict.measured}")
    if args.results != "-":
        Path(args.results).write_text("\n".join(lines))
        out(f"\nWrote {args.results}")
    missed = [v for v in found if not v.passed]
    if missed:
        out(f"\n{len(missed)} target(s) missed.")
        return 1
    out("\nEvery target met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
