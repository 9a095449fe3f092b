"""A read replica (DATABASE_REPLICA_URL, portal/db_router.py): anonymous page views read from it, everything
else uses the primary, and a client that has just written reads its write back.

The end-to-end test runs the portal under gunicorn with two real databases on a PostgreSQL server of its own,
a primary and a "replica" that never catches up (nothing replicates between them), so that which one
answered shows on the page. The other tests check the router's decisions one by one.
"""

import copy
import time

import pytest
from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import connections
from django.http import HttpResponse

from initiatives.models import Initiative
from portal.db_router import PIN_COOKIE_NAME, PrimaryReplicaRouter, ReplicaRoutingMiddleware
from ratelimits.models import Counter

from .servers import Browser, Portal, manage, portal_env

router = PrimaryReplicaRouter()
PIN_SECONDS = 2
READER_EMAIL = "reader@example.org"
READER_PASSWORD = "a long passphrase for the reader"  # noqa: S105 (a test account on a throwaway server)


# --- end to end: gunicorn, a primary and a lagging replica -----------------------------------


@pytest.fixture
def replicated_portal(static_root, owned_postgres, tmp_path):
    primary = owned_postgres.clone("portal_template", "portal_primary")
    replica = owned_postgres.clone("portal_template", "portal_replica")
    # The replica lags behind the primary: it has neither a change to an initiative's title (nor the new
    # collection version that goes with it, initiatives/counts.py), nor the reader's account.
    manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.contrib.auth.models import User; from initiatives import counts; "
        "from initiatives.models import Initiative; "
        "Initiative.objects.filter(slug='thamm').update(title='Current title'); counts.invalidate(); "
        f"User.objects.create_user({READER_EMAIL!r}, {READER_EMAIL!r}, {READER_PASSWORD!r})",
        env=portal_env(DATABASE_URL=primary),
    )
    env = portal_env(
        DATABASE_URL=primary,
        DATABASE_REPLICA_URL=replica,
        DATABASE_REPLICA_PIN_SECONDS=str(PIN_SECONDS),
        STATIC_ROOT=static_root.path(),
    )
    portal = Portal(env, tmp_path / "gunicorn.log")
    try:
        yield portal, owned_postgres
    finally:
        portal.stop()
        for database in ("portal_primary", "portal_replica"):
            owned_postgres.execute("postgres", f"DROP DATABASE {database} WITH (FORCE)")


def title_seen(browser: Browser) -> str:
    """Which title of the initiative a page shows: the primary's (current) or the lagging replica's (stale)."""
    status, _, html = browser.get("/en/initiatives/thamm/")
    assert status == 200
    if "Current title" in html:
        return "current"
    assert "Towards a Holistic Approach" in html
    return "stale"


@pytest.mark.postgresql
@pytest.mark.system
@pytest.mark.django_db  # the owned server gets a copy of the test database, which must exist
def test_reads_go_to_the_replica_writes_to_the_primary_and_a_writer_reads_its_writes(replicated_portal):
    portal, server = replicated_portal
    visitor, writer, reader = Browser(portal), Browser(portal), Browser(portal)

    # An anonymous visitor's pages and API answers come from the replica.
    assert title_seen(visitor) == "stale"
    status, _, body = visitor.get("/api/initiatives/thamm/")
    assert status == 200 and '"title":"Towards a Holistic Approach' in body
    assert PIN_COOKIE_NAME not in visitor.cookies  # reading pins nobody

    # A POST (here a failed log-in, which counts towards the throttle) reads and writes the primary, and pins
    # its client to the primary for a few seconds; other visitors still read from the replica.
    writer.get("/en/accounts/login/")
    status, headers, _ = writer.post("/en/accounts/login/", {"username": "nobody@example.org", "password": "wrong"})
    assert status == 200
    pin = next(h for h in headers.get_all("Set-Cookie") if h.startswith(PIN_COOKIE_NAME + "="))
    assert f"Max-Age={PIN_SECONDS}" in pin and "HttpOnly" in pin and "SameSite=Lax" in pin and "Secure" in pin
    assert title_seen(writer) == "current"
    assert title_seen(visitor) == "stale"
    time.sleep(PIN_SECONDS + 0.2)
    assert title_seen(writer) == "stale"  # the pin has run out

    # Logging in writes the session to the primary only; the next page reads it back from there (the
    # replica has neither the session nor the account), and a logged-in reader keeps reading the primary.
    reader.get("/en/accounts/login/")
    status, headers, _ = reader.post("/en/accounts/login/", {"username": READER_EMAIL, "password": READER_PASSWORD})
    assert status == 302, "the log-in failed"
    assert server.execute("portal_primary", "SELECT count(*) FROM django_session") == [(1,)]
    assert server.execute("portal_replica", "SELECT count(*) FROM django_session") == [(0,)]
    assert server.execute("portal_primary", "SELECT last_login IS NOT NULL FROM auth_user") == [(True,)]
    status, _, html = reader.get("/en/submissions/")
    assert status == 200, "the reader's own page did not find the session"
    assert "My submissions" in html
    time.sleep(PIN_SECONDS + 0.2)
    assert PIN_COOKIE_NAME not in reader.cookies
    assert title_seen(reader) == "current"
    assert reader.get("/en/submissions/")[0] == 200

    assert "Traceback" not in portal.log.read_text()


# --- the router's decisions ------------------------------------------------------------------


@pytest.fixture
def replica_configured(monkeypatch):
    """A replica alias in DATABASES, a copy of the primary's (never connected to: these tests only ask the router
    for names)."""
    monkeypatch.setitem(settings.DATABASES, "replica", copy.deepcopy(connections["default"].settings_dict))


def route(request, *, writes=(), after=lambda: None):
    """The database the router picks for a read at the end of ``request``, and the response."""
    chosen = {}

    def view(request):
        for model in writes:
            router.db_for_write(model)
        after()
        chosen["read"] = router.db_for_read(Initiative)
        return HttpResponse()

    response = ReplicaRoutingMiddleware(view)(request)
    return chosen["read"], response


def test_without_a_replica_the_middleware_is_off():
    with pytest.raises(MiddlewareNotUsed):
        ReplicaRoutingMiddleware(lambda request: HttpResponse())


def test_outside_a_request_everything_uses_the_primary():
    """Management commands, the task worker and the shell read what they (and others) just wrote."""
    assert router.db_for_read(Initiative) == "default"
    assert router.db_for_write(Initiative) == "default"


def test_an_anonymous_page_view_reads_from_the_replica_and_sets_no_cookie(replica_configured, rf):
    read, response = route(rf.get("/en/initiatives/"))
    assert read == "replica"
    assert PIN_COOKIE_NAME not in response.cookies


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_form_sent_reads_from_the_primary_and_pins_its_client(replica_configured, rf, method):
    read, response = route(getattr(rf, method)("/en/submit/"))
    assert read == "default"
    cookie = response.cookies[PIN_COOKIE_NAME]
    assert cookie["max-age"] == settings.DATABASE_REPLICA_PIN_SECONDS
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_a_pinned_client_reads_from_the_primary(replica_configured, rf):
    assert route(rf.get("/en/initiatives/", HTTP_COOKIE=f"{PIN_COOKIE_NAME}=1"))[0] == "default"


def test_a_logged_in_visitor_reads_from_the_primary(replica_configured, rf):
    request = rf.get("/en/initiatives/", HTTP_COOKIE=f"{settings.SESSION_COOKIE_NAME}=abc")
    assert route(request)[0] == "default"


def test_after_a_write_in_a_page_view_reads_go_to_the_primary_and_the_client_is_pinned(replica_configured, rf):
    """A GET that writes (following a confirmation link, say)."""
    read, response = route(rf.get("/en/subscriptions/confirm/x/"), writes=[Initiative])
    assert read == "default"
    assert PIN_COOKIE_NAME in response.cookies


def test_writes_to_the_database_cache_pin_nobody(replica_configured, rf):
    """Any page view may fill the cache; the cache's reads follow the request's, like the data they describe."""
    from django.core.cache.backends.db import BaseDatabaseCache

    cache_entry = BaseDatabaseCache("portal_cache", {}).cache_model_class
    read, response = route(rf.get("/en/initiatives/"), writes=[cache_entry])
    assert read == "replica"
    assert PIN_COOKIE_NAME not in response.cookies
    cache_reads = []
    route(rf.get("/en/initiatives/"), after=lambda: cache_reads.append(router.db_for_read(cache_entry)))
    route(rf.post("/en/submit/"), after=lambda: cache_reads.append(router.db_for_read(cache_entry)))
    assert cache_reads == ["replica", "default"]


def test_counting_a_page_against_a_rate_limit_pins_nobody(replica_configured, rf):
    """An anonymous visitor's computed page is counted (initiatives/throttle.py): a write to the primary that the
    visitor never reads back, so their pages keep coming from the replica. A log-in failure counts too, but a POST
    pins its client anyway."""
    read, response = route(rf.get("/en/initiatives/?q=new"), writes=[Counter])
    assert read == "replica"
    assert PIN_COOKIE_NAME not in response.cookies


def test_reads_inside_a_transaction_go_to_the_primary(replica_configured, rf, db):
    """``db`` runs the test inside a transaction on the primary, as a service's ``transaction.atomic`` does."""
    assert route(rf.get("/en/initiatives/"))[0] == "default"


def test_what_belongs_to_an_object_read_from_the_primary_is_read_there(replica_configured, rf):
    from_primary = Initiative()
    from_primary._state.db = "default"

    def read_related():
        assert router.db_for_read(Initiative, instance=from_primary) == "default"

    assert route(rf.get("/en/initiatives/"), after=read_related)[0] == "replica"


def test_migrations_run_on_the_primary_only_and_relations_cross():
    assert router.allow_migrate("default", "initiatives") is True
    assert router.allow_migrate("replica", "initiatives") is False
    assert router.allow_relation(Initiative(), Initiative()) is True


def test_a_write_does_not_pin_the_next_request(replica_configured, rf):
    """The routing decision ends with its request: the next one (another client's) starts afresh."""
    route(rf.post("/en/submit/"), writes=[Initiative])
    assert route(rf.get("/en/initiatives/"))[0] == "replica"


def test_a_search_pages_snippets_are_read_where_the_router_sends_reads(replica_configured, monkeypatch, client, db):
    """The snippets' query runs on its own cursor (initiatives/search.py), on the connection the router names for a
    read of initiatives: the replica's, when the request may read from it (here, inside the test's transaction,
    the primary's)."""
    from django.db import connection

    from initiatives import search

    if connection.vendor != "postgresql":
        pytest.skip("the snippets' own statement is PostgreSQL's (SQLite's go through the ORM)")
    asked = []

    class Recording:
        def __getitem__(self, alias):
            asked.append(alias)
            return connections[alias]

    monkeypatch.setattr(search, "connections", Recording())
    response = client.get("/en/initiatives/", {"q": "remittances"})
    assert response.status_code == 200 and response.context["snippets"]
    assert asked == ["default"]
