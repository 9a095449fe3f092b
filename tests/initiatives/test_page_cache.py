"""The whole-page cache keys a page on its query string in normal form: equivalent addresses share one entry, and
an address with parameters or values the page did not understand is answered but adds nothing to the cache (each
such page would otherwise be another 60–450 KB row of the shared cache table)."""

import pytest
from django.core.cache import cache
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.any_database]


def entries(kind: str = "") -> int:
    """Entries of the tests' cache (the per-process one, locmem), or those of one kind ("html", "feed")."""
    return len([key for key in cache._cache if f":initiatives:{kind}" in key])


@pytest.fixture
def client():
    return Client(REMOTE_ADDR="198.51.100.1")


def test_pages_with_junk_parameters_or_ignored_values_are_served_but_not_cached(client):
    for path in (
        "/en/initiatives/",
        "/en/",
        "/en/initiatives/thamm/",
        "/en/themes/remittances/",
        "/en/initiatives/feed/",
    ):
        assert client.get(path).status_code == 200  # their pages and counts are cached
    before = entries()
    junk = [
        "/en/initiatives/?a=1",
        "/en/initiatives/?zz=" + "x" * 500,
        "/en/initiatives/?theme=no-such-theme",
        "/en/initiatives/?year_from=abc",
        "/en/initiatives/?sort=sideways",
        "/en/initiatives/?page=abc",
        "/en/initiatives/?page=999",
        "/en/themes/remittances/?utm_source=x",
        "/en/?utm_source=newsletter",
        "/en/initiatives/thamm/?ref=1",
        "/en/initiatives/feed/?zz=1",
        "/en/initiatives/feed/?theme=no-such-theme",
    ]
    for path in junk:
        assert client.get(path).status_code == 200, path
        assert entries() == before, path
    # A search that was shortened (the page says so, unlike the page of its first 16 words) is a search: its counts
    # are cached, the page is not.
    pages = entries("html")
    assert client.get("/en/initiatives/?q=" + "+".join(f"w{n}" for n in range(20))).status_code == 200
    assert entries("html") == pages
    # The neighbour: a valid new address is cached.
    assert client.get("/en/initiatives/?theme=remittances").status_code == 200
    assert entries() > before


def test_equivalent_addresses_share_one_entry(client, django_assert_num_queries):
    first = client.get("/en/initiatives/?theme=remittances&region=europe")
    assert first.status_code == 200 and first.context is not None  # rendered
    stored = entries()
    # The same filters in another order, another case, with empty parameters and page 1: served from that entry.
    for path in (
        "/en/initiatives/?region=europe&theme=remittances",
        "/en/initiatives/?region=Europe&theme=remittances&q=&page=1",
    ):
        with django_assert_num_queries(0):
            response = client.get(path)
        assert response.status_code == 200 and response.content == first.content, path
    assert entries() == stored
    # Feeds too: a page number or a sort means nothing to a feed.
    feed = client.get("/en/initiatives/feed/?theme=remittances&region=europe")
    with django_assert_num_queries(0):
        assert client.get("/en/initiatives/feed/?region=europe&theme=remittances&sort=title").content == feed.content
