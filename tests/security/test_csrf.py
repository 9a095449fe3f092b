"""CSRF: every state-changing request needs the token, whoever sends it; GET never changes anything.

The one deliberate exception is the one-click unsubscribe of RFC 8058 (a mail client POSTs ``List-Unsubscribe=
One-Click`` with no cookie and no token): it is exempt, alone, and acts only with a valid signed link. The read-only
API is exempt too (Django REST framework's views are), and answers every write method with 405.
"""

import pytest
from django.urls import URLResolver, get_resolver, resolve

from subscriptions.models import Subscription
from tests.submissions import test_permissions as submissions_matrix

from .conftest import ROLES, as_role, send
from .test_permission_matrix import API_WRITES, MATRIX, Done

# What it checks is the HTTP layer, not the database engine: run once, in the SQLite pass (README, "Running the tests").
pytestmark = [pytest.mark.django_db, pytest.mark.any_database]

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
ONE_CLICK = {"List-Unsubscribe": "One-Click"}


def _exempt_views(resolver=None, namespace=""):
    """(namespaced URL name, callback) of every view that skips the CSRF check."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _exempt_views(pattern, inner)
        elif getattr(pattern.callback, "csrf_exempt", False):
            yield f"{namespace}{pattern.name}"


def test_only_the_one_click_unsubscribe_and_the_read_only_api_skip_the_csrf_check():
    exempt = set(_exempt_views())
    api = {name for name in exempt if name.startswith("api:")}
    assert exempt - api == {"subscriptions:unsubscribe"}
    # The API's exempt views refuse every write method (the matrix checks each: API_WRITES).
    assert {row.path for row in API_WRITES} and all(set(row.expected) == {405} for row in API_WRITES if
                                                    not row.name.startswith("api-not-found"))  # fmt: skip


def _paths(world, method: str | None = None) -> set[str]:
    """The paths of the rows of both matrices (those of ``method`` only, if given)."""
    paths = {world.fill(row.path) for row in MATRIX if not row.pending and method in (None, row.method)}
    submission = world.objects["submission"]
    paths |= {
        submissions_matrix._fill(row.path, submission)
        for row in submissions_matrix.MATRIX
        if method in (None, row.method)
    }
    return paths


def _csrf_exempt(path: str) -> bool:
    return getattr(resolve(path.split("?")[0]).func, "csrf_exempt", False)


def test_no_request_without_a_token_gets_past_the_csrf_check(world):
    """Every URL of the portal: 403 without a token, and nothing changes.

    Where some role may POST, every role tries every unsafe method; elsewhere an anonymous visitor and the superuser
    POST (the middleware treats every unsafe method alike, before the view)."""
    takes_posts = _paths(world, "POST")
    problems = []
    for role in ROLES:
        with as_role(world, role, enforce_csrf_checks=True) as client:
            for path in sorted(_paths(world)):
                if _csrf_exempt(path):
                    continue
                if path in takes_posts:
                    methods = UNSAFE
                elif role in ("anonymous", "superuser"):
                    methods = ("POST",)
                else:
                    continue
                for method in methods:
                    outcome = send(client, method, path, {"anything": "x"})
                    if outcome.response.status_code != 403 or outcome.changed:
                        problems.append(f"{role} {method} {path}: {outcome.response.status_code} {outcome.written}")
    assert not problems, "\n".join(problems)


ALLOWED_WRITES = [
    pytest.param(row, role, expected, id=f"{row.name}-{role}")
    for row in MATRIX
    if row.method == "POST" and not row.pending
    for role, expected in zip(ROLES, row.expected, strict=True)
    if isinstance(expected, Done) and row.name not in ("unsubscribe",)  # exempt: test_one_click_unsubscribe_...
]


@pytest.mark.parametrize("row, role, expected", ALLOWED_WRITES)
def test_a_write_that_is_allowed_is_refused_without_its_token(world, fast_passwords, row, role, expected):
    """Each POST of the matrix that changes something, by each role allowed to make it: refused (403, nothing
    changed) without a token, with a made-up one and with one from another browser; accepted with its own.
    (The submissions matrix does the same for its rows: test_a_post_without_a_csrf_token_is_refused_...)"""
    path, data = world.fill(row.path), world.fill(row.data) or {}
    with as_role(world, "anonymous", enforce_csrf_checks=True) as stranger:
        stranger.get("/en/accounts/password/reset/")
        stolen = stranger.cookies["csrftoken"].value
    with as_role(world, role, enforce_csrf_checks=True) as client:
        client.get("/en/accounts/password/reset/")  # a page with a form: sets the CSRF cookie
        token = client.cookies["csrftoken"].value
        for forged in ({}, {"csrfmiddlewaretoken": "x" * 64}, {"csrfmiddlewaretoken": stolen}):
            outcome = send(client, "POST", path, {**data, **forged})
            assert outcome.response.status_code == 403, (forged, outcome.response.status_code)
            assert not outcome.changed, (forged, outcome.written)
        outcome = send(client, "POST", path, {**data, "csrfmiddlewaretoken": token})
        assert outcome.response.status_code == expected.status
        assert outcome.changed, "with its token, the same request goes through"


def test_get_never_changes_anything_at_an_address_that_takes_posts(world, fast_passwords):
    """GET and HEAD, by every role, on every URL whose POST changes something: no write.

    The matrices check GET on most of them already (with every role, and what was written); this covers the rest,
    and HEAD. The one GET that changes something is the e-mail verification link, which is the point of it, and is
    in the matrix as such."""
    problems = []
    for role in ROLES:
        with as_role(world, role) as client:
            for path in sorted(_paths(world, "POST")):
                methods = ("HEAD",) if path in _paths(world, "GET") else ("GET", "HEAD")
                for method in methods:
                    outcome = send(client, method, path)
                    if outcome.changed:
                        problems.append(f"{role} {method} {path}: wrote {outcome.written}, {outcome.mails} e-mail(s)")
    assert not problems, "\n".join(problems)


# --- the one deliberate exemption ----------------------------------------------------------------------


def _status(world):
    return Subscription.objects.get(email="submitter@example.org", query="region=europe").status


@pytest.mark.parametrize("role", ROLES)
def test_one_click_unsubscribe_needs_no_csrf_token_but_a_valid_link(world, role):
    with as_role(world, role, enforce_csrf_checks=True) as client:
        before = _status(world)
        for token in (
            "not-a-token",
            world.objects["manage_token"],  # a valid token for another purpose
            world.objects["confirm_token"],
            world.objects["unsubscribe_token"][:-2] + "xx",  # tampered signature
            world.objects["unsubscribe_token"].replace(":", "x", 1),
        ):
            outcome = send(client, "POST", f"/en/subscriptions/unsubscribe/{token}/", ONE_CLICK)
            assert outcome.response.status_code == 400, token
            assert not outcome.changed and _status(world) == before

        outcome = send(client, "POST", world.fill("/en/subscriptions/unsubscribe/{unsubscribe_token}/"), ONE_CLICK)
        assert outcome.response.status_code == 200
        assert _status(world) == Subscription.Status.UNSUBSCRIBED


def test_the_manage_page_of_the_same_subscription_is_not_exempt(world):
    with as_role(world, "anonymous", enforce_csrf_checks=True) as client:
        for action in ("unsubscribe", "unsubscribe-all", "pause"):
            outcome = send(client, "POST", world.fill("/en/subscriptions/manage/{manage_token}/"), {"action": action})
            assert outcome.response.status_code == 403 and not outcome.changed
        assert _status(world) == Subscription.Status.ACTIVE
