"""Anonymous clients may make the portal compute ANONYMOUS_CACHE_MISSES_PER_MINUTE pages a minute (pages, feeds,
API answers not in the cache); past that they are answered 429, while cached pages keep being served to them and
other clients, and logged-in people, are not affected."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.any_database]

LIMIT = 3
ADDRESS = "198.51.100.1"


@pytest.fixture(autouse=True)
def small_limit(settings):
    settings.ANONYMOUS_CACHE_MISSES_PER_MINUTE = LIMIT


def use_up_the_limit(client):
    for query in ("", "q=diaspora", "q=remittances"):
        assert client.get(f"/en/initiatives/?{query}").status_code == 200


def test_past_the_limit_a_client_is_refused_new_pages_but_served_cached_ones():
    client = Client(REMOTE_ADDR=ADDRESS)
    use_up_the_limit(client)
    response = client.get("/en/initiatives/?q=xenophobia")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert "<h1>Too many requests</h1>" in html and "Please try again in" in html
    # Every kind of computed answer is refused: a term page, a detail page, a feed, the API.
    for path in ("/en/themes/remittances/", "/en/initiatives/thamm/", "/en/initiatives/feed/?q=xenophobia"):
        assert client.get(path).status_code == 429, path
    api = client.get("/api/initiatives/?q=xenophobia")
    assert api.status_code == 429 and "detail" in api.json()
    # What is cached is still served to this client.
    for query in ("", "q=diaspora", "q=remittances"):
        assert client.get(f"/en/initiatives/?{query}").status_code == 200


def test_another_client_and_a_logged_in_person_are_not_affected():
    use_up_the_limit(Client(REMOTE_ADDR=ADDRESS))
    assert Client(REMOTE_ADDR=ADDRESS).get("/en/initiatives/?q=xenophobia").status_code == 429
    assert Client(REMOTE_ADDR="198.51.100.2").get("/en/initiatives/?q=xenophobia").status_code == 200
    user = get_user_model().objects.create_user("reader@example.org", "reader@example.org", "a long passphrase")
    member = Client(REMOTE_ADDR=ADDRESS)
    member.force_login(user)
    assert member.get("/en/initiatives/?q=migrant").status_code == 200


def test_a_spoofed_x_forwarded_for_does_not_reset_the_count(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")  # as with DEBUG off, no proxy trusted
    client = Client(REMOTE_ADDR=ADDRESS)
    use_up_the_limit(client)
    response = client.get("/en/initiatives/?q=xenophobia", HTTP_X_FORWARDED_FOR="203.0.113.77")
    assert response.status_code == 429


def test_zero_turns_the_limit_off(settings):
    settings.ANONYMOUS_CACHE_MISSES_PER_MINUTE = 0
    client = Client(REMOTE_ADDR=ADDRESS)
    for n in range(LIMIT + 2):
        assert client.get(f"/en/initiatives/?q=word{n}").status_code == 200
