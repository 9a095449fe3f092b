import datetime
import functools
import hashlib
import ipaddress
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router

from .models import Counter


def clock() -> float:
    """Now, in seconds: which window an attempt falls in. A function of its own so that a test can hold the clock
    still (windows are fixed, so a test that ran across a window's end would see its counts start again)."""
    return time.time()


@dataclass(frozen=True)
class Limit:
    scope: str  # what is counted, e.g. "subscribe-address", "login-account"
    count: int  # attempts allowed per window
    seconds: int  # length of the window

    def window_key(self, key: str, now: float) -> str:
        digest = hashlib.sha256(f"{self.scope}:{key}".encode()).hexdigest()[:32]
        return f"{self.scope}:{digest}:{int(now // self.seconds)}"

    def retry_after(self, now: float | None = None) -> int:
        """Seconds until the current window ends (for a ``Retry-After`` header)."""
        now = clock() if now is None else now
        return max(1, int(self.seconds - now % self.seconds))


def hit(limit: Limit, key: str) -> bool:
    """Count one attempt for ``key`` under ``limit``; True when it goes over the limit (the attempt is refused)."""
    now = clock()
    expires_at = datetime.datetime.fromtimestamp((now // limit.seconds + 1) * limit.seconds, tz=datetime.UTC)
    connection = connections[router.db_for_write(Counter)]
    table, key_column, count_column, expires_column = (
        connection.ops.quote_name(name) for name in (Counter._meta.db_table, "key", "count", "expires_at")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({key_column}, {count_column}, {expires_column}) VALUES (%s, 1, %s) "
            f"ON CONFLICT ({key_column}) DO UPDATE SET {count_column} = {table}.{count_column} + 1 "
            f"RETURNING {count_column}",
            [limit.window_key(key, now), connection.ops.adapt_datetimefield_value(expires_at)],
        )
        (count,) = cursor.fetchone()
    if count == 1:  # a new window for this key: a good moment to drop the windows that have passed
        Counter.objects.filter(expires_at__lte=datetime.datetime.fromtimestamp(now, tz=datetime.UTC)).delete()
    return count > limit.count


def exceeded(limit: Limit, key: str) -> bool:
    """Whether ``key`` has used up ``limit`` in the current window, without counting an attempt."""
    used = Counter.objects.filter(key=limit.window_key(key, clock())).values_list("count", flat=True).first()
    return (used or 0) >= limit.count


def reset(limit: Limit, key: str) -> None:
    """Forget the attempts of ``key`` in the current window (e.g. the failed log-ins before a successful one)."""
    Counter.objects.filter(key=limit.window_key(key, clock())).delete()


def client_ip(request) -> str:
    """The client's address, IPv6 reduced to its /64 (one host usually holds a whole /64).

    ``X-Forwarded-For`` is anyone's to write, so it is read only when the request comes from one of the
    ``TRUSTED_PROXIES``: then the client is the right-most address that is not itself a trusted proxy (each proxy
    appends the address it received the request from; what lies left of that was written by the client).
    Otherwise the client is ``REMOTE_ADDR``, whatever the header says.
    """
    address = request.META.get("REMOTE_ADDR", "")
    proxies = _trusted_proxies(tuple(settings.TRUSTED_PROXIES))
    if _is_trusted(address, proxies):
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        for hop in reversed(hops):
            address = hop
            if not _is_trusted(hop, proxies):
                break
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64] or "unknown"
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    return str(ip)


@functools.cache
def _trusted_proxies(entries: tuple[str, ...]) -> tuple:
    """``TRUSTED_PROXIES`` (addresses or networks) parsed once; a malformed entry stops the portal."""
    try:
        return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)
    except ValueError as error:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {error}") from error


def _is_trusted(address: str, proxies: tuple) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in proxies)
