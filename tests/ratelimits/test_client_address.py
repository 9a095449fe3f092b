"""Who "the client" is for every per-client limit, seen through a real page: a client that writes its own
X-Forwarded-For is still counted by its address; behind a configured proxy, the address the proxy appended is."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts import throttle

pytestmark = [pytest.mark.django_db, pytest.mark.any_database]

LOGIN = reverse("accounts:login")
PRODUCTION_PROXY_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


def fail_log_in(client, n, **headers):
    return client.post(LOGIN, {"username": f"guess{n}@example.org", "password": "wrong"}, **headers)


def test_a_spoofed_x_forwarded_for_does_not_give_a_client_a_fresh_count(settings):
    settings.SECURE_PROXY_SSL_HEADER = PRODUCTION_PROXY_HEADER  # as with DEBUG off, but no proxy configured
    client = Client(REMOTE_ADDR="198.51.100.7")
    limit = throttle.LOGIN_FAILURES_PER_CLIENT.count
    for n in range(limit):
        assert fail_log_in(client, n, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code == 200
    assert fail_log_in(client, limit, HTTP_X_FORWARDED_FOR="203.0.113.200").status_code == 429
    # The neighbour at another address is not refused.
    assert fail_log_in(Client(REMOTE_ADDR="198.51.100.8"), 0).status_code == 200


def test_behind_a_trusted_proxy_each_forwarded_client_is_counted_apart(settings):
    settings.SECURE_PROXY_SSL_HEADER = PRODUCTION_PROXY_HEADER
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    proxy = Client(REMOTE_ADDR="127.0.0.1")
    limit = throttle.LOGIN_FAILURES_PER_CLIENT.count
    for n in range(limit):
        assert fail_log_in(proxy, n, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5").status_code == 200
    # The same client, whatever it puts before the proxy's entry, is refused; another client of the proxy is not.
    assert fail_log_in(proxy, limit, HTTP_X_FORWARDED_FOR="7.7.7.7, 203.0.113.5").status_code == 429
    assert fail_log_in(proxy, limit, HTTP_X_FORWARDED_FOR="203.0.113.6").status_code == 200
