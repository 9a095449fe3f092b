"""Telling the HTTP caches in front of the app servers (Varnish, a CDN) which pages a change has made stale.

Anonymous pages are kept by a shared cache for as long as their ``Cache-Control`` allows; waiting that long after a
publication would show the old collection for minutes. So once a change has committed, the collection sends
``collection_changed`` with the surrogate keys of what it touched, and ``purge_on_change`` sends one ``BAN`` request
with a ``Surrogate-Key: k1 k2 …`` header to each URL of ``CDN_PURGE_URLS``; the cache drops every page carrying any
of those keys (``deploy/varnish/portal.vcl``). Sent at once, in the process that made the change, because that is
what makes a publication visible within a second: a task would wait for a worker's next poll.

A purge never fails the change it follows (it runs after the commit, and a cache that is down must not turn a
publication into an error page): each URL gets ``CDN_PURGE_TIMEOUT`` seconds, and a cache that did not confirm the
ban is retried by the task worker after 5 s, 30 s, 2 min and 10 min (``retry_purge``), then given up with an error
in the log. Until then that cache serves the old pages for as long as their ``s-maxage`` (and grace) say.
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
RETRY_DELAYS = (timedelta(seconds=5), timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10))


class PurgeRefused(Exception):
    """The cache answered, but not with 2xx (not among its purgers, a key it refused, an error)."""


def purge_on_change(sender, *, keys: Iterable[str], **kwargs) -> None:
    """The receiver of ``initiatives.signals.collection_changed``: ban ``keys`` everywhere, retry later what failed."""
    urls = settings.CDN_PURGE_URLS
    if not urls:
        return
    try:
        failed = purge(keys=keys, urls=urls)
        if failed:
            _book_retry(keys=keys, urls=failed, attempt=1)
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
def retry_purge(*, keys: list[str], urls: list[str], attempt: int) -> None:
    """A purge that some caches did not confirm, sent to them again (``attempt`` of ``len(RETRY_DELAYS)``)."""
    failed = purge(keys=keys, urls=urls)
    if failed:
        _book_retry(keys=keys, urls=failed, attempt=attempt + 1)


def _book_retry(*, keys: Iterable[str], urls: list[str], attempt: int) -> None:
    if attempt > len(RETRY_DELAYS) or not retry_purge.get_backend().supports_defer:
        logger.error("Giving up purging %s at %s", " ".join(sorted(keys)), ", ".join(urls))
        return
    run_after = timezone.now() + RETRY_DELAYS[attempt - 1]
    retry_purge.using(run_after=run_after).enqueue(keys=sorted(keys), urls=urls, attempt=attempt)


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
