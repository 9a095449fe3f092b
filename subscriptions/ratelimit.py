"""Counting attempts per address, client or account in fixed windows, in Django's cache.

A small helper rather than django-ratelimit: its last release (4.1, 2023) refuses the cache this project runs
(its system check makes locmem and the database cache errors) and would need a settings exception; what is needed
here is one counter per key and window.

The cache is ``CACHES["default"]``: per process with locmem (each server process counts on its own), shared with the
database cache. ``cache.add`` then ``cache.incr`` count without losing increments on backends with atomic
increments (locmem, memcached, redis); the database cache may lose one in a race, which a limit can afford.
"""

import hashlib
import ipaddress
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache


@dataclass(frozen=True)
class Limit:
    scope: str  # what is counted: "address", "ip", "account"
    count: int  # attempts allowed per window
    seconds: int  # length of the window


# Subscribe-form attempts: per e-mail address (what stops someone flooding a stranger's inbox), per client (what
# stops one client trying many addresses), and per account for one-click subscriptions (which send no e-mail).
PER_ADDRESS = Limit("address", 5, 3600)
PER_CLIENT = Limit("ip", 20, 3600)
PER_ACCOUNT = Limit("account", 60, 3600)


def hit(limit: Limit, key: str) -> bool:
    """Count one attempt for ``key`` under ``limit``; True when it goes over the limit (the attempt is refused)."""
    window = int(time.time() // limit.seconds)
    digest = hashlib.sha256(f"{limit.scope}:{key}".encode()).hexdigest()[:32]
    cache_key = f"subscriptions:ratelimit:{limit.scope}:{digest}:{window}"
    if cache.add(cache_key, 1, timeout=limit.seconds + 5):
        count = 1
    else:
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.add(cache_key, 1, timeout=limit.seconds + 5)
            count = 1
    return count > limit.count


def client_ip(request) -> str:
    """The client's address, IPv6 reduced to its /64 (one host usually holds a whole /64).

    Behind the reverse proxy that production assumes (``SECURE_PROXY_SSL_HEADER`` set, as with ``DEBUG`` off), the
    client is the last address the proxy appended to ``X-Forwarded-For``; otherwise ``REMOTE_ADDR``.
    """
    address = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None) and forwarded:
        address = forwarded.split(",")[-1].strip()
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64] or "unknown"
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    return str(ip)
