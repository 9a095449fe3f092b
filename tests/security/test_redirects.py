"""Redirect targets only ever lead to this site.

Every view that takes ``next=`` (log-in, sign-up and the verification link it sends, log-out, the admin's log-in and
log-out) is given hostile targets, and wherever it sends the browser is checked the way a browser reads a Location:
leading and trailing spaces and control characters dropped, tabs and newlines removed, backslashes read as slashes.
Views that take no target (password flows, subscriptions) are given one anyway, and must ignore it. A legitimate
``next`` with a query string is honoured.
"""

import re
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import pytest
from django.urls import get_resolver

from tests.accounts.factories import link_path

from .conftest import as_role, send

# What it checks is the HTTP layer, not the database engine: run once, in the SQLite pass (README, "Running the tests").
pytestmark = [pytest.mark.django_db, pytest.mark.any_database]

HOSTILE = [
    "https://evil.example",
    "http://evil.example/initiatives/",
    "//evil.example",
    "///evil.example",
    "////evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "/\\/evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "http:evil.example",
    "https:evil.example",
    "https:/evil.example",
    "https:\\\\evil.example",
    "ftp://evil.example",
    "%2F%2Fevil.example",
    "/%2F/evil.example",
    "/%5Cevil.example",
    " //evil.example",
    "\t//evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "\r\n//evil.example",
    "\x00//evil.example",
    "\x01//evil.example",
    "//evil.example\x00",
    "https://testserver.evil.example/",
    "https://evil.example\\@testserver/",
    "https://evil.example#@testserver/",
    "//evil.example/%2e%2e",
    "/\u3000/evil.example",
    "\u2028//evil.example",
]
LEGITIMATE = "/en/initiatives/?theme=regular-pathways&q=work"


def lands_on_this_site(location: str, base: str) -> bool:
    """Whether a browser that was at ``base`` and got this Location stays on this site (and runs nothing)."""
    if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", location):
        return False
    browser_reads = re.sub(r"[\t\n\r]", "", location.strip("\x00\x20")).replace("\\", "/")
    target = urlsplit(urljoin(base, browser_reads))
    return target.scheme in ("http", "https") and target.hostname == "testserver" and not target.username


def _follow_up(path: str, value: str) -> str:
    separator = "&" if "?" in path else "?"
    return f"{path}{separator}{urlencode({'next': value})}"


def _check(outcome, base, value, where) -> str | None:
    response = outcome.response
    if response.status_code in (301, 302, 303, 307, 308):
        location = response["Location"]
        if not lands_on_this_site(location, base):
            return f"{where} next={value!r}: redirected to {location!r}"
    body = response.content.decode(errors="replace") if response.status_code == 200 else ""
    if "evil.example" in body and 'value="' in body:
        for hidden in re.findall(r'name="next" value="([^"]*)"', body):
            if not lands_on_this_site(hidden, base):
                return f"{where} next={value!r}: the page keeps it for later as {hidden!r}"
    return None


# (name, role, method, path, data): each view that takes a target, as the person who would follow one.
TARGET_TAKERS = [
    ("login-page", "anonymous", "GET", "/en/accounts/login/", None),
    ("login", "anonymous", "POST", "/en/accounts/login/", {"username": "other@example.org", "password": "{password}"}),
    ("login-when-logged-in", "submitter", "GET", "/en/accounts/login/", None),
    ("sign-up-page", "anonymous", "GET", "/en/accounts/sign-up/", None),
    ("verify", "anonymous", "POST", "/en/accounts/verify/{verify_uid}/{verify_token}/", {}),
    ("logout", "submitter", "POST", "/en/accounts/logout/", {}),
    ("admin-login-page", "anonymous", "GET", "/admin/login/", None),
    ("admin-login", "anonymous", "POST", "/admin/login/", {"username": "root@example.org", "password": "{password}"}),
    ("admin-login-when-logged-in", "superuser", "GET", "/admin/login/", None),
    ("admin-logout", "superuser", "POST", "/admin/logout/", {}),
    # Views that take no target: one given is ignored.
    ("password-change", "submitter", "POST", "/en/accounts/password/change/",
     {"old_password": "{password}", "new_password1": "Another-Long-Pass-77", "new_password2": "Another-Long-Pass-77"}),
    ("password-reset", "anonymous", "POST", "/en/accounts/password/reset/", {"email": "resetting@example.org"}),
    ("password-reset-link", "anonymous", "GET", "/en/accounts/password/reset/{reset_uid}/{reset_token}/", None),
    ("resend", "anonymous", "POST", "/en/accounts/verify/resend/", {"email": "unverified@example.org"}),
    ("account", "submitter", "POST", "/en/accounts/", {"name": "Sam Submitter", "honorific": "", "organisation": ""}),
    ("subscribe", "anonymous", "POST", "/en/subscribe/?theme=regular-pathways",
     {"email": "new.follower@example.org", "frequency": "weekly"}),
    ("subscribe-one-click", "submitter", "POST", "/en/subscribe/?theme=regular-pathways", {"frequency": "weekly"}),
    ("manage", "anonymous", "POST", "/en/subscriptions/manage/{manage_token}/", {"action": "pause"}),
    ("submit", "submitter", "POST", "/en/submissions/{submission}/withdraw/", {}),
    ("moderate", "moderator", "POST", "/en/moderation/{submission}/claim/", {}),
]  # fmt: skip


@pytest.mark.parametrize("name, role, method, path, data", TARGET_TAKERS, ids=[row[0] for row in TARGET_TAKERS])
def test_hostile_targets_never_lead_off_the_site(world, fast_passwords, name, role, method, path, data):
    path, data = world.fill(path), world.fill(data)
    problems = []
    for value in HOSTILE:
        with as_role(world, role) as client:
            # The target in the query string and, for forms, in the posted data too (log-in's hidden field).
            target = _follow_up(path, value)
            outcome = send(client, method, target, {**data, "next": value} if data is not None else None)
            problems.append(_check(outcome, f"http://testserver{path}", value, name))
    problems = [problem for problem in problems if problem]
    assert not problems, "\n".join(problems)


def test_the_verification_link_carries_only_a_safe_target(world, fast_passwords, mail_sent_at_once, mailoutbox):
    """Sign-up keeps ``next`` for the link it e-mails: a hostile one is dropped there already."""
    sign_up = {
        "name": "Nina New", "honorific": "", "organisation": "", "password1": "{password}", "password2": "{password}",
    }  # fmt: skip
    for number, value in enumerate(HOSTILE):
        with as_role(world, "anonymous") as client:
            data = world.fill({**sign_up, "email": f"nina{number}@example.org", "next": value})
            response = client.post(_follow_up("/en/accounts/sign-up/", value), data)
            assert response.status_code == 302, (value, response.status_code)
            link = link_path(mailoutbox[-1])
            for kept in parse_qs(urlsplit(link).query).get("next", []):
                assert lands_on_this_site(kept, f"http://testserver{link}"), (value, link)


@pytest.mark.parametrize(
    "name, role, method, path, data",
    [
        (
            "login",
            "anonymous",
            "POST",
            "/en/accounts/login/",
            {"username": "other@example.org", "password": "{password}"},
        ),
        ("login-when-logged-in", "submitter", "GET", "/en/accounts/login/", None),
        ("logout", "submitter", "POST", "/en/accounts/logout/", {}),
        (
            "admin-login",
            "anonymous",
            "POST",
            "/admin/login/",
            {"username": "root@example.org", "password": "{password}"},
        ),
        ("admin-logout", "superuser", "POST", "/admin/logout/", {}),
    ],
    ids=lambda value: value if isinstance(value, str) and "/" not in value and "@" not in value else None,
)
def test_a_target_on_this_site_is_honoured(world, fast_passwords, name, role, method, path, data):
    with as_role(world, role) as client:
        target = _follow_up(world.fill(path), LEGITIMATE)
        outcome = send(client, method, target, {**world.fill(data), "next": LEGITIMATE} if data is not None else None)
        assert outcome.response.status_code == 302
        assert outcome.response["Location"] == LEGITIMATE


def test_the_login_and_sign_up_pages_pass_a_safe_target_on(world):
    with as_role(world, "anonymous") as client:
        for page in ("/en/accounts/login/", "/en/accounts/sign-up/"):
            html = client.get(_follow_up(page, LEGITIMATE)).content.decode()
            assert 'name="next" value="/en/initiatives/?theme=regular-pathways&amp;q=work"' in html, page


@pytest.mark.parametrize(
    "path",
    [
        "//evil.example",
        "//evil.example/",
        "///evil.example",
        "/\\evil.example",
        "/%5Cevil.example",
        "/en/initiatives//evil.example",
        "/%2F%2Fevil.example",
        "//evil.example/%2e%2e",
        "/api//evil.example",
        "/admin//evil.example",
        "/en/accounts//evil.example",
        "/en/initiatives/thamm//evil.example",
    ],
)
def test_paths_that_look_like_other_sites_are_not_redirected_there(world, path):
    """CommonMiddleware's slash appending and the old-slug redirects rebuild addresses from the path."""
    with as_role(world, "anonymous") as client:
        response = client.get(path)
        if response.status_code in (301, 302, 307, 308):
            assert lands_on_this_site(response["Location"], f"http://testserver{path}"), response["Location"]


def test_there_is_no_language_switch_to_take_a_target():
    """Django's set_language takes ``next``: the portal has one language and no such view (if one is added, it
    needs a row in TARGET_TAKERS)."""
    names = {pattern.name for pattern in get_resolver().url_patterns if hasattr(pattern, "name")}
    assert "set_language" not in names
    assert "i18n/" not in {str(pattern.pattern) for pattern in get_resolver().url_patterns}
