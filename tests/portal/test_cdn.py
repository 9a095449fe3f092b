"""The purge of the HTTP caches after a change (portal/cdn.py), against tiny local HTTP servers standing for Varnish:
what reaches them, byte for byte; that a cache that is down, refuses or never answers does not fail a publication
and is retried by the task worker; and the VCL's own varnishtest (deploy/varnish/portal.vtc) where Varnish is
installed."""

import http.server
import shutil
import socket
import subprocess
import threading
import time

import pytest
from django.conf import settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from initiatives import dependencies, services
from initiatives.signals import collection_changed
from portal import cdn
from tests.factories import make_initiative
from tests.portal.servers import free_port

# What it checks is the HTTP layer, not the database engine: run once, in the SQLite pass (README, "Running the tests").
pytestmark = [pytest.mark.django_db, pytest.mark.any_database]

LATER_TASK = "portal.cdn.purge_later"


class FakeCache:
    """An HTTP server on a free port of 127.0.0.1 that records each request (its request line and headers, as
    received) and answers with the next of ``statuses`` (the last one again once they run out)."""

    def __init__(self, statuses=(200,)):
        self.requests: list[str] = []
        self.statuses = list(statuses)
        cache = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_BAN(self):  # noqa: N802 (the method's name)
                cache.requests.append(f"{self.requestline}\r\n{self.headers}")
                status = cache.statuses.pop(0) if len(cache.statuses) > 1 else cache.statuses[0]
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def key_headers(self) -> list[str]:
        return [line.split(": ", 1)[1] for request in self.requests for line in request.splitlines()
                if line.startswith("Surrogate-Key: ")]  # fmt: skip

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_cache():
    made = []

    def make(statuses=(200,)):
        made.append(FakeCache(statuses))
        return made[-1]

    yield make
    for cache in made:
        cache.close()


@pytest.fixture
def publish(django_capture_on_commit_callbacks):
    """Publish a new draft and run what its commit runs (the signal, then the purge), as a real commit would."""

    def run():
        initiative = make_initiative(publish=False)
        with django_capture_on_commit_callbacks(execute=True):
            services.publish_initiative(initiative=initiative)
        initiative.refresh_from_db()
        return initiative

    return run


def later():
    """The bans booked for the task worker: the second one, and retries."""
    return DBTaskResult.objects.filter(task_path=LATER_TASK)


def test_a_publication_bans_the_collection_at_every_cache_once_committed(
    settings, fake_cache, django_capture_on_commit_callbacks
):
    first, second = fake_cache(), fake_cache()
    settings.CDN_PURGE_URLS = [first.url, second.url]
    initiative = make_initiative(publish=False)
    with django_capture_on_commit_callbacks() as on_commit:
        services.publish_initiative(initiative=initiative)
    assert first.requests == second.requests == []  # a cache asked before the commit would fetch the old page
    while on_commit:  # the commit (callbacks may add callbacks)
        on_commit.pop(0)()
    for cache in (first, second):
        assert cache.requests, "no BAN arrived"
        for request in cache.requests:
            assert request.startswith("BAN / HTTP/1.1\r\n"), request
        # The keys of what the publication changed (initiatives/dependencies.py): the initiative, its terms, and
        # the collection (every listing counts it now); nothing else.
        sent = {key for header in cache.key_headers() for key in header.split(" ")}
        assert sent == set(dependencies.of_initiatives([initiative.pk])), sent
        assert {"collection", f"initiative:{initiative.pk}"} <= sent


def test_the_ban_is_sent_again_three_seconds_later_for_the_pages_fetched_meanwhile(
    settings, fake_cache, publish, run_tasks
):
    first, second = fake_cache(), fake_cache()
    settings.CDN_PURGE_URLS = [first.url, second.url]
    initiative = publish()
    keys = " ".join(sorted(dependencies.of_initiatives([initiative.pk])))
    sent = len(first.requests), len(second.requests)
    booked = list(later())
    assert booked and all(row.args_kwargs["kwargs"]["urls"] == [first.url, second.url] for row in booked)
    assert all(2 < (row.run_after - timezone.now()).total_seconds() <= 3 for row in booked)
    later().update(run_after=timezone.now())
    run_tasks()
    assert (len(first.requests), len(second.requests)) == (sent[0] + len(booked), sent[1] + len(booked))
    assert first.key_headers()[-1] == second.key_headers()[-1] == keys
    assert not later().filter(status="READY").exists()  # all confirmed: nothing more


def test_nothing_is_sent_without_purge_urls(settings, fake_cache, publish):
    cache = fake_cache()
    settings.CDN_PURGE_URLS = []
    publish()
    assert cache.requests == [] and not later().exists()


def test_keys_go_whole_in_bounded_headers_and_what_is_not_a_key_is_left_out(settings, fake_cache, caplog):
    cache = fake_cache()
    settings.CDN_PURGE_URLS = [cache.url]
    many = {f"initiative:{n}" for n in range(1000)}
    collection_changed.send(sender=None, keys=frozenset({*many, "region:5", "bad key", ".*", "a|b", "x" * 201}))
    sent = [key for header in cache.key_headers() for key in header.split(" ")]
    assert sorted(sent) == sorted({*many, "region:5"})
    assert len(cache.requests) > 1 and all(len(header) <= cdn.MAX_HEADER for header in cache.key_headers())
    assert "Not a surrogate key, not purged: 'bad key'" in caplog.text


def test_a_cache_that_is_down_does_not_fail_the_publication_and_is_retried(settings, fake_cache, publish, run_tasks):
    refusing = fake_cache(statuses=(503,))  # down while the publication purges
    closed = f"http://127.0.0.1:{free_port()}/"  # a port nothing listens on: connection refused
    settings.CDN_PURGE_URLS = [refusing.url, closed]
    initiative = publish()
    keys = " ".join(sorted(dependencies.of_initiatives([initiative.pk])))
    assert initiative.status == initiative.Status.PUBLISHED
    booked = list(later())
    assert booked and all(row.run_after > timezone.now() for row in booked)
    assert {tuple(row.args_kwargs["kwargs"]["urls"]) for row in booked} == {(refusing.url, closed)}

    refusing.statuses = [200]  # back
    later().update(run_after=timezone.now())  # three seconds later
    run_tasks()
    assert refusing.requests[-1].startswith("BAN / HTTP/1.1\r\n") and refusing.key_headers()[-1] == keys
    # The closed port still fails: booked again for the next delay, for it alone.
    assert later().filter(status="READY").count() == len(booked)
    assert {tuple(row.args_kwargs["kwargs"]["urls"]) for row in later().filter(status="READY")} == {(closed,)}


def test_a_cache_that_never_answers_costs_the_timeout_not_the_publication(settings, publish, caplog):
    with socket.socket() as silent:  # accepts connections (the backlog) and never reads or answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        settings.CDN_PURGE_URLS = [f"http://127.0.0.1:{silent.getsockname()[1]}/"]
        settings.CDN_PURGE_TIMEOUT = 0.2
        started = time.monotonic()
        initiative = publish()
        elapsed = time.monotonic() - started
    assert initiative.status == initiative.Status.PUBLISHED
    assert elapsed < 3, elapsed
    assert "TimeoutError" in caplog.text and later().exists()


def test_a_purge_that_raises_is_logged_not_raised(settings, monkeypatch, publish, caplog):
    settings.CDN_PURGE_URLS = ["http://127.0.0.1:9/"]

    def broken(**kwargs):
        raise RuntimeError("the task queue is gone")

    monkeypatch.setattr(cdn, "purge", broken)
    initiative = publish()
    assert initiative.status == initiative.Status.PUBLISHED
    keys = " ".join(sorted(dependencies.of_initiatives([initiative.pk])))
    assert f"Purging {keys} from the HTTP caches failed" in caplog.text


@pytest.mark.skipif(not shutil.which("varnishtest"), reason="Varnish is not installed (scripts/install-scale-out-deps)")
def test_the_vcl_passes_its_varnishtest():
    vtc = settings.BASE_DIR / "deploy" / "varnish" / "portal.vtc"
    result = subprocess.run(["varnishtest", "-q", str(vtc)], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
