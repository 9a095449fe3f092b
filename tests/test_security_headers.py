"""The security headers are on in development (what `make run` serves) as in production, security.txt says where to
report a vulnerability, and production settings pass `manage.py check --deploy` without a warning."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
BASE_DIR = Path(__file__).resolve().parents[1]

PAGES = [
    "/en/",
    "/en/initiatives/",
    "/en/themes/",
    "/en/accounts/login/",
    "/en/submit/",
    "/api/initiatives/",
    "/admin/login/",
]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_carries_the_security_headers(client, path):
    response = client.get(path, follow=True)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("path", ["/en/", "/en/initiatives/", "/en/accounts/login/", "/admin/login/"])
def test_the_content_security_policy_allows_no_inline_code(client, path):
    response = client.get(path)
    policy = dict(
        directive.strip().split(" ", 1) for directive in response["Content-Security-Policy"].split(";") if directive
    )
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert policy["default-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["base-uri"] == "'self'"
    assert policy["form-action"] == "'self'"
    # Every <script> on the page carries this response's nonce (Django names one in the policy only when a page
    # uses it), or comes from this site without one; no inline event handler would run, so none is written.
    nonce = re.search(r"'nonce-([^']+)'", policy["script-src"])
    html = response.content.decode()
    for script in re.findall(r"<script\b[^>]*>", html):
        assert (nonce and f'nonce="{nonce.group(1)}"' in script) or re.search(r'\ssrc="/', script), script
    assert not re.search(r"\son[a-z]+=", html), "inline event handler"


def test_a_nonce_is_new_on_every_response(client):
    first, second = (client.get("/admin/login/")["Content-Security-Policy"] for _ in range(2))
    assert re.search(r"'nonce-([^']+)'", first).group(1) != re.search(r"'nonce-([^']+)'", second).group(1)


def test_security_txt_follows_rfc_9116(client, settings):
    settings.SECURITY_CONTACT = ["mailto:security@example.org", "https://example.org/report"]
    settings.SECURITY_POLICY_URL = "https://example.org/disclosure"
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    fields = [line.split(": ", 1) for line in response.content.decode().splitlines()]
    assert ["Contact", "mailto:security@example.org"] in fields
    assert ["Contact", "https://example.org/report"] in fields
    assert ["Policy", "https://example.org/disclosure"] in fields
    assert ["Canonical", f"{settings.SITE_URL}{reverse('security-txt')}"] in fields
    (expires,) = (value for name, value in fields if name == "Expires")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", expires)


def production_environment(**extra):
    env = {key: value for key, value in os.environ.items() if key not in {"DEBUG", "DATABASE_URL"}}
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="practices.example.org",
        SITE_URL="https://practices.example.org",
        PYTHONWARNINGS="error",
        **extra,
    )
    return env


@pytest.mark.system
def test_production_settings_pass_the_deployment_checks():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=production_environment(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.system
def test_production_refuses_to_start_without_a_secret_key():
    env = production_environment()
    del env["SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.system
def test_production_sends_hsts_and_secure_cookies():
    """Production settings, read in a process of their own: HSTS with subdomains and preload, HTTPS redirect,
    secure and HttpOnly cookies."""
    probe = (
        "import django, json; from django.conf import settings as s; django.setup(); print(json.dumps(["
        "s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, s.SECURE_SSL_REDIRECT, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=BASE_DIR,
        env=production_environment(DJANGO_SETTINGS_MODULE="portal.settings"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[31536000, true, true, true, true, true, true]"
