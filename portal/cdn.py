"""Telling the HTTP caches in front of the app servers (Varnish, a CDN) which pages a change has made stale.

Anonymous pages are kept by a shared cache for as long as their ``Cache-Control`` allows; waiting that long after a
publication would show the old collection for minutes. So once a change has committed, the collection sends
``collection_changed`` with the surrogate keys of what it touched, and ``purge_on_change`` sends one ``BAN`` request
with a ``Surrogate-Key: k1 k2 …`` header to each URL of ``CDN_PURGE_URLS``; the cache drops every page carrying any
of those keys (``deploy/varnish/portal.vcl``). Sent at once, in the process that made the change, because that is
what makes a publication visible within a second: a task would wait for a worker's next poll.

The same ban is sent again three seconds later, by the task worker (``purge_later``). A ban only drops the pages
the cache holds when it arrives; a page whose fetch was under way then (begun before the commit, so computed from
the old collection) is stored just after, and would be served until its ``s-maxage`` runs out. The second ban
drops it, as long as no page takes longer than that to compute (most take well under a second; each query of a
request is cut at three seconds, ``REQUEST_STATEMENT_TIMEOUT_MS``). So the cache lets go of the old pages within a
second of the commit, and within about four seconds of it when someone was fetching the page at that very moment.

A purge never fails the change it follows (it runs after the commit, and a cache that is down must not turn a
publication into an error page): each URL gets ``CDN_PURGE_TIMEOUT`` seconds, and a cache that did not confirm the
ban is tried again with the second ban, then after 30 s, 2 min and 10 min, then given up with an error in the log.
Until then that cache serves the old pages for as long as their ``s-maxage`` (and grace) say.
"""

import http.client
import logging
import re
import urllib.parse
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.tasks import task
from django.utils import timezone

logger = logging.getLogger(__name__)

# What the VCL accepts as a key (it builds a regular expression from them): nothing else may be sent.
KEY = re.compile(r"[A-Za-z0-9:_-]{1,200}")
# Keys per BAN request are joined into headers of at most this many characters (Varnish's default limit for a
# request header line is 8 KiB).
MAX_HEADER = 2000
# After the first ban: the second one (to every cache), then the retries of what failed.
LATER = (timedelta(seconds=3), timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10))


class PurgeRefused(Exception):
    """The cache answered, but not with 2xx (not among its purgers, a key it refused, an error)."""


def purge_on_change(sender, *, keys: Iterable[str], **kwargs) -> None:
    """The receiver of ``initiatives.signals.collection_changed``: ban ``keys`` everywhere now, and again later."""
    urls = settings.CDN_PURGE_URLS
    if not urls:
        return
    try:
        purge(keys=keys, urls=urls)
        _later(keys=keys, urls=urls, attempt=1)
    except Exception:  # never the publication's problem: logged with its traceback
        logger.exception("Purging %s from the HTTP caches failed", " ".join(sorted(keys)))


def purge(*, keys: Iterable[str], urls: Iterable[str]) -> list[str]:
    """Send ``BAN`` with ``keys`` to each of ``urls``; the URLs that did not confirm it (each failure logged)."""
    headers = _headers(keys)
    failed = []
    for url in urls:
        try:
            for header in headers:
                _ban(url, header)
        except (OSError, http.client.HTTPException, PurgeRefused) as error:
            logger.warning("Purge of %s at %s failed: %s: %s", " ".join(headers), url, type(error).__name__, error)
            failed.append(url)
    return failed


@task()
def purge_later(*, keys: list[str], urls: list[str], attempt: int) -> None:
    """The second ban (``attempt`` 1, to every cache), or a retry of a ban that some caches did not confirm."""
    failed = purge(keys=keys, urls=urls)
    if failed:
        _later(keys=keys, urls=failed, attempt=attempt + 1)


def _later(*, keys: Iterable[str], urls: list[str], attempt: int) -> None:
    if attempt > len(LATER) or not purge_later.get_backend().supports_defer:
        if attempt > 1:
            logger.error("Giving up purging %s at %s", " ".join(sorted(keys)), ", ".join(urls))
        return
    run_after = timezone.now() + LATER[attempt - 1]
    purge_later.using(run_after=run_after).enqueue(keys=sorted(keys), urls=list(urls), attempt=attempt)


def _headers(keys: Iterable[str]) -> list[str]:
    """The keys as ``Surrogate-Key`` values of bounded length; keys the cache would refuse are left out (logged)."""
    headers, current = [], ""
    for key in sorted(set(keys)):
        if not KEY.fullmatch(key):
            logger.error("Not a surrogate key, not purged: %r", key)
            continue
        if current and len(current) + 1 + len(key) > MAX_HEADER:
            headers.append(current)
            current = ""
        current = f"{current} {key}" if current else key
    return [*headers, current] if current else headers


def _ban(url: str, header: str) -> None:
    parts = urllib.parse.urlsplit(url)
    connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = connection_class(parts.hostname, parts.port, timeout=settings.CDN_PURGE_TIMEOUT)
    try:
        connection.request("BAN", parts.path or "/", headers={"Surrogate-Key": header})
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()
    if not 200 <= response.status < 300:
        raise PurgeRefused(f"{response.status} {response.reason}")
