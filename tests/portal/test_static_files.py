"""The static files reach every client (tests/conftest.py lists them once per process and settings, as a server does
once per process): the stylesheet a page links is served to each client, and a changed setting is seen
by the next client rather than a listing made under the old one."""

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _stylesheet(client) -> str:
    page = client.get("/en/").content.decode()
    return re.search(r'<link rel="stylesheet" href="(/static/css/portal[^"]*\.css)"', page).group(1)


def test_the_stylesheet_a_page_links_is_served_to_each_client():
    href = _stylesheet(Client())
    for client in (Client(), Client()):
        response = client.get(href)
        assert response.status_code == 200
        assert b"".join(response.streaming_content).strip()
        response.close()
        assert response["Content-Type"].startswith("text/css")


def _cache_control(path: str) -> str:
    response = Client().get(path)
    response.close()
    assert response.status_code == 200
    return response["Cache-Control"]


def test_a_changed_setting_is_seen_by_the_next_client(settings):
    assert not _cache_control("/static/css/portal.css").startswith("max-age=17,")
    settings.WHITENOISE_MAX_AGE = 17
    assert _cache_control("/static/css/portal.css").startswith("max-age=17,")


def test_a_media_directory_of_its_own_does_not_list_the_static_files_again(settings, tmp_path, monkeypatch):
    """Every test has its own media directory (the default storage): the listing depends on the static files'
    storage only, so a new media directory reuses it; about a tenth of the database pass was these listings."""
    from whitenoise import base

    _cache_control("/static/css/portal.css")
    scanned = []
    original = base.scantree
    monkeypatch.setattr(base, "scantree", lambda root: scanned.append(root) or original(root))
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    _cache_control("/static/css/portal.css")
    assert scanned == []
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {**settings.STORAGES["staticfiles"], "OPTIONS": {"base_url": "/static/"}},
    }
    _cache_control("/static/css/portal.css")
    assert scanned  # the static files' storage changed: listed again
