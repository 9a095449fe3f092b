"""The shared attempt counters: exact under concurrency from several processes, windows that pass, clients
identified the same way behind a proxy or not."""

import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from ratelimits import counters
from ratelimits.models import Counter
from tests.databases import postgres_url

pytestmark = pytest.mark.django_db
BASE_DIR = Path(__file__).resolve().parents[2]


def test_the_limit_window_passes(monkeypatch):
    limit = counters.Limit("test", 2, 3600)
    now = 1_800_000_000.0
    monkeypatch.setattr(counters, "clock", lambda: now)
    assert [counters.hit(limit, "k") for _ in range(3)] == [False, False, True]
    assert counters.exceeded(limit, "k")
    assert limit.retry_after() == 3600
    monkeypatch.setattr(counters, "clock", lambda: now + 3600)
    assert not counters.exceeded(limit, "k")
    assert counters.hit(limit, "k") is False
    # The new window's first attempt dropped the row of the window that had passed.
    assert Counter.objects.count() == 1


def test_keys_and_scopes_are_counted_apart():
    login, subscribe = counters.Limit("login", 1, 60), counters.Limit("subscribe", 1, 60)
    assert counters.hit(login, "a@example.org") is False
    assert counters.hit(login, "a@example.org") is True
    assert counters.hit(login, "b@example.org") is False
    assert counters.hit(subscribe, "a@example.org") is False


def test_exceeded_does_not_count_and_reset_forgets():
    limit = counters.Limit("test", 2, 3600)
    assert not counters.exceeded(limit, "k")
    assert not counters.exceeded(limit, "k")
    counters.hit(limit, "k")
    counters.hit(limit, "k")
    assert counters.exceeded(limit, "k")
    counters.reset(limit, "k")
    assert not counters.exceeded(limit, "k")


def test_the_key_is_stored_as_a_digest():
    counters.hit(counters.Limit("login", 5, 60), "someone@example.org")
    assert "someone" not in Counter.objects.get().key


def test_ipv6_clients_are_counted_per_64(rf):
    a = rf.get("/", REMOTE_ADDR="2001:db8:1:2:aaaa::1")
    b = rf.get("/", REMOTE_ADDR="2001:db8:1:2:bbbb::2")
    assert counters.client_ip(a) == counters.client_ip(b) == "2001:db8:1:2::"


def test_x_forwarded_for_is_ignored_unless_the_request_comes_from_a_trusted_proxy(rf, settings):
    """A client that writes X-Forwarded-For itself (DEBUG off, a proxy assumed, but not configured) keeps its own
    identity: spoofing the header does not give it a fresh rate-limit count."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXIES = []
    spoofed = rf.get("/", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert counters.client_ip(spoofed) == "198.51.100.7"
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert counters.client_ip(spoofed) == "198.51.100.7"  # another address is trusted, not this one


def test_behind_a_trusted_proxy_the_client_is_the_right_most_untrusted_address(rf, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/24"]
    # The client wrote 6.6.6.6; the outer proxy (10.0.0.5) appended the client, the inner one appended 10.0.0.5.
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9, 10.0.0.5")
    assert counters.client_ip(request) == "203.0.113.9"
    # Its neighbour, another client behind the same proxy, is counted apart.
    other = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.10")
    assert counters.client_ip(other) == "203.0.113.10"
    # A request from the proxy itself, with no header, is the proxy.
    assert counters.client_ip(rf.get("/", REMOTE_ADDR="127.0.0.1")) == "127.0.0.1"


def test_a_malformed_trusted_proxy_setting_is_a_configuration_error(rf, settings):
    settings.TRUSTED_PROXIES = ["not-an-address"]
    with pytest.raises(ImproperlyConfigured):
        counters.client_ip(rf.get("/", REMOTE_ADDR="127.0.0.1"))


HITTER = textwrap.dedent(
    """
    import os, sys
    import django
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    django.setup()
    from ratelimits import counters
    limit = counters.Limit(sys.argv[1], int(sys.argv[2]), 3600)
    refused = sum(counters.hit(limit, "shared-key") for _ in range(int(sys.argv[3])))
    print(refused)
    """
)


@pytest.mark.postgresql
@pytest.mark.system
def test_several_processes_share_one_exact_count(on_postgresql):
    """Four processes, each with its own connection, hit one key 50 times at once: the count is exactly 200 and
    exactly the attempts past the limit were refused (a cache's read-then-write ``incr`` loses some here)."""
    scope = f"concurrency-{uuid.uuid4().hex}"  # committed by the other processes: a key no other test uses
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": postgres_url(), "CONN_MAX_AGE": "0", "PYTHONPATH": str(BASE_DIR)}
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", HITTER, scope, "120", "50"],
            cwd=BASE_DIR,
            env=env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(4)
    ]
    results = [process.communicate(timeout=120) for process in processes]
    assert all(process.returncode == 0 for process in processes), [err for _, err in results]
    assert sum(int(out) for out, _ in results) == 200 - 120
    row = Counter.objects.get(key__startswith=f"{scope}:")
    assert row.count == 200
