"""Benchmark: a daily digest run for 10,000 confirmed subscriptions and 200 newly published initiatives.

Not a test. It fills the database that DATABASE_URL names (use a database of its own: it adds thousands of rows),
then times ``manage.py send_digests --frequency daily`` run as a separate process, as cron would, with the SMTP
backend pointed at an aiosmtpd server that this script runs on 127.0.0.1 (a free port, in a thread of this
process, so the command pays for real SMTP conversations over its one connection and the server does not share
its interpreter). See bench/README.md ("Digests") for how to run it and what was measured.

Data (deterministic, ``random.Random(SEED)``):

* the taxonomy and seed (``load_seed``), 2,000 older synthetic initiatives (``python -m bench.generator``, seed 1,
  published over the past ten years), and ``--initiatives`` new ones (seed 7301) moved to the last 20 hours;
* ``--subscriptions`` active daily subscriptions confirmed two days ago, over a few hundred distinct queries:
  regions, countries, themes, principles, categories, tags, searches (``q=``), theme+region pairs and "all";
  addresses hold one to three subscriptions each.

Run again, it first removes its subscriptions and deliveries (and keeps the initiatives), so each run measures the
same work.
"""

import argparse
import datetime
import io
import logging
import os
import random
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

SEED = 7301
BENCH_DOMAIN = "digest-bench.example.org"
SEARCHES = (
    "remittances", "diaspora", "labour migration", "trafficking", "smuggling", "border", "integration",
    "climate", "reintegration", "skills", "recruitment", "domestic workers", "health", "education", "data",
    "statistics", "consular", "detention", "missing migrants", "social protection", "youth", "women",
    "children", "cities", "employers", "training", "financial inclusion", "return", "resilience", "identity",
    "\"fair recruitment\"", "diaspora -investment", "seasonal OR circular", "statelessness", "xenophobia",
)  # fmt: skip


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscriptions", type=int, default=10_000)
    parser.add_argument("--initiatives", type=int, default=200)
    parser.add_argument("--older", type=int, default=2_000, help="older published initiatives around them")
    return parser.parse_args()


def setup_django():
    import django

    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database of its own (see bench/README.md).")
    django.setup()


def queries(rng: random.Random) -> list[str]:
    """A few hundred distinct listing queries in normal form, as the subscribe page stores them."""
    from django.http import QueryDict
    from taggit.models import Tag

    from initiatives.models import Category, Country, GuidingPrinciple, Region, Theme
    from subscriptions.services import followed_listing

    raw = [""]
    raw += [f"region={slug}" for slug in Region.objects.values_list("slug", flat=True)]
    raw += [f"country={code}" for code in rng.sample(list(Country.objects.values_list("code", flat=True)), 120)]
    themes = list(Theme.objects.values_list("slug", flat=True))
    raw += [f"theme={slug}" for slug in themes]
    raw += [f"principle={slug}" for slug in GuidingPrinciple.objects.values_list("slug", flat=True)]
    raw += [f"category={slug}" for slug in Category.objects.values_list("slug", flat=True)]
    raw += [f"tag={slug}" for slug in Tag.objects.order_by("slug").values_list("slug", flat=True)[:80]]
    raw += [f"q={q}" for q in SEARCHES]
    regions = list(Region.objects.filter(level="region").values_list("slug", flat=True))
    raw += [f"theme={rng.choice(themes)}&region={rng.choice(regions)}" for _ in range(60)]
    normal = {}
    for query in raw:
        followed = followed_listing(QueryDict(query))
        normal[followed.query] = followed.label
    return sorted(normal.items())


def make_data(args) -> tuple[int, int]:
    from django.core.management import call_command
    from django.utils import timezone

    from bench.generator import building, loading
    from initiatives.models import Initiative
    from subscriptions.models import Delivery, Subscription

    rng = random.Random(SEED)
    call_command("migrate", verbosity=0)
    call_command("load_seed", stdout=io.StringIO())
    Delivery.objects.all().delete()
    Subscription.objects.filter(email__endswith=f"@{BENCH_DOMAIN}").delete()
    now = timezone.now()
    loading.generate(count=args.older, seed=1)
    Initiative.objects.exclude(slug__startswith=f"{building.SLUG_PREFIX}-{SEED}-").update(
        published_at=now - datetime.timedelta(days=30)  # everything else is old news
    )
    loading.generate(count=args.initiatives, seed=SEED)
    new = list(Initiative.objects.filter(slug__startswith=f"{building.SLUG_PREFIX}-{SEED}-").order_by("pk"))
    for initiative in new:
        initiative.published_at = now - datetime.timedelta(seconds=rng.randrange(20 * 3600))
    Initiative.objects.bulk_update(new, ["published_at"], batch_size=500)

    followed = queries(rng)
    weights = [8 if query.startswith(("region=", "theme=")) and "&" not in query else 1 for query, _ in followed]
    confirmed = now - datetime.timedelta(days=2)
    subscriptions, n = [], 0
    while len(subscriptions) < args.subscriptions:
        n += 1
        address = f"reader{n:05}@{BENCH_DOMAIN}"
        mine = dict(rng.choices(followed, weights, k=rng.choice((1, 1, 1, 2, 2, 3))))
        for query, label in list(mine.items())[: args.subscriptions - len(subscriptions)]:
            subscriptions.append(
                Subscription(
                    email=address,
                    query=query,
                    label=label,
                    frequency="daily",
                    status="active",
                    confirmed_at=confirmed,
                    since=confirmed,
                )
            )
    Subscription.objects.bulk_create(subscriptions, batch_size=2000)
    return len(followed), n


class Counter:
    def __init__(self):
        self.lock = threading.Lock()
        self.messages = self.connections = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        with self.lock:
            self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages += 1
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_command(port: int) -> tuple[float, str]:
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "digest-benchmark-only"),
        "SITE_URL": "https://practices.example.org",
        "MAIL_BACKEND": "smtp",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(port),
        "LOG_LEVEL": "WARNING",
    }
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "send_digests", "--frequency", "daily"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.monotonic() - started
    if done.returncode:
        sys.exit(f"send_digests failed:\n{done.stdout}\n{done.stderr}")
    return elapsed, done.stdout


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def main():
    args = parse_args()
    setup_django()
    from aiosmtpd.controller import Controller

    from subscriptions.models import Delivery

    started = time.monotonic()
    distinct, addresses = make_data(args)
    say(
        f"Data: {args.subscriptions:,} daily subscriptions of {addresses:,} addresses over {distinct} distinct "
        f"queries; {args.initiatives} new initiatives among {args.older:,} older ones "
        f"({time.monotonic() - started:.1f}s to prepare)."
    )
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command at INFO
    counter = Counter()
    port = free_port()
    controller = Controller(counter, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        elapsed, output = run_command(port)
        say(output.strip())
        say(
            f"send_digests --frequency daily: {elapsed:.1f}s wall clock (a new process, as cron runs it); "
            f"the SMTP server received {counter.messages:,} messages over {counter.connections} connection(s); "
            f"{Delivery.objects.filter(sent_at__isnull=False).count():,} deliveries recorded as sent."
        )
        again, output = run_command(port)
        say(f"Run again at once: {again:.1f}s; {output.strip().splitlines()[-1]}")
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
