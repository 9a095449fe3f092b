"""Reads from a read replica when one is configured (``DATABASE_REPLICA_URL``), writes to the primary.

A replica lags behind the primary, so a read may go to it only when a stale answer cannot be noticed.
The rule, decided per request by ``ReplicaRoutingMiddleware`` and applied by ``PrimaryReplicaRouter``:

* Only GET, HEAD and OPTIONS requests may read from the replica. A form sent with POST (a submission, a
  moderation decision, a log-in) reads everything from the primary.
* Only visitors without a session cookie may: logged-in people (submitters, moderators, curators) always
  read from the primary, so their session, their own submissions and the moderation queue are current.
  They are few next to anonymous readers, the traffic a replica is for.
* Not for ``DATABASE_REPLICA_PIN_SECONDS`` (default 15) after a write by the same client: every answer to a
  request that wrote (or was a POST…) sets a short cookie, and a request carrying it reads from the primary.
  An anonymous visitor who subscribes, or who has just logged out, sees their own write on the next page.
* Within a request, once anything has been written, and inside any transaction on the primary, reads go to
  the primary.
* Outside requests (management commands, the task worker, the shell), everything uses the primary.

The read-your-writes guarantee holds as long as the replica lags less than the pin; monitor the lag and keep
the pin above it. Use the database cache with a replica (``CACHE_BACKEND=database``, the default with DEBUG
off): it is replicated with the data, so the cached pages and counts a replica reader sees are those of the
collection it reads. A per-process cache (locmem) could keep a page rendered from a lagging replica under the
newer collection version, until it expires. Migrations run on the primary only; objects from either
database may be related (they are the same data).
"""

import contextvars
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA_DB_ALIAS = "replica"
PIN_COOKIE_NAME = "portal_primary"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Writes to the database cache (CACHE_BACKEND=database), made on any page view, go to the primary but do not
# count as the client's writes. Its reads follow the request: the cache table is replicated with the data, so a
# request reading from the replica finds the collection version (initiatives/counts.py) that matches what it
# reads, and what it caches is filed under that version, never under a newer one.
CACHE_APP_LABEL = "django_cache"
# Counting an anonymous visitor's page against a rate limit (ratelimits) writes nothing they will read back either.
UNSEEN_WRITES = frozenset({CACHE_APP_LABEL, "ratelimits"})


@dataclass
class RequestRouting:
    replica_allowed: bool
    wrote: bool = False


_routing: contextvars.ContextVar[RequestRouting | None] = contextvars.ContextVar("db_routing", default=None)


def reads_from_replica() -> bool:
    """Whether a read made now may go to the replica."""
    routing = _routing.get()
    return (
        routing is not None
        and routing.replica_allowed
        and not routing.wrote
        and not connections[DEFAULT_DB_ALIAS].in_atomic_block
    )


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        if not reads_from_replica():
            return DEFAULT_DB_ALIAS
        instance = hints.get("instance")
        if instance is not None and instance._state.db == DEFAULT_DB_ALIAS:
            return DEFAULT_DB_ALIAS  # what belongs to an object read from the primary is read there too
        return REPLICA_DB_ALIAS

    def db_for_write(self, model, **hints):
        routing = _routing.get()
        if routing is not None and model._meta.app_label not in UNSEEN_WRITES:
            routing.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


class ReplicaRoutingMiddleware:
    """Decides for each request whether it may read from the replica, and pins a client that wrote.

    Must come before ``SessionMiddleware``, so that a session saved on the way out counts as a write.
    Switched off (``MiddlewareNotUsed``) when no replica is configured.
    """

    def __init__(self, get_response):
        if REPLICA_DB_ALIAS not in settings.DATABASES:
            raise MiddlewareNotUsed
        self.get_response = get_response
        self.pin_seconds = settings.DATABASE_REPLICA_PIN_SECONDS

    def __call__(self, request):
        unsafe = request.method not in SAFE_METHODS
        routing = RequestRouting(
            replica_allowed=not unsafe
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and PIN_COOKIE_NAME not in request.COOKIES
        )
        token = _routing.set(routing)
        try:
            response = self.get_response(request)
        finally:
            _routing.reset(token)
        if (unsafe or routing.wrote) and self.pin_seconds > 0:
            response.set_cookie(
                PIN_COOKIE_NAME,
                "1",
                max_age=self.pin_seconds,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
