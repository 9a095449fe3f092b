"""One listing, read once (``initiatives.listing``): a query string gives the same links (feeds, downloads,
subscription, insights) and the same cache entries on the listing, a term page, the feeds, the page about a feed,
the insight page and the API; a subscription follows exactly what the feed of the same search follows."""

import html
import re

import pytest
from django.core.cache import cache
from django.test import Client

from initiatives.models import SlugRedirect, Theme
from subscriptions.models import Subscription

pytestmark = pytest.mark.django_db

LISTING = "/en/initiatives/"
# What every link of a listing filtered by theme and region carries: the filters as understood, sorted.
FOLLOWED = "region=europe&theme=remittances"


@pytest.fixture
def client():
    return Client(REMOTE_ADDR="198.51.100.7")


def links(response) -> dict[str, str]:
    """The addresses a listing page (or the page about a feed) links its other representations to."""
    page = response.content.decode()
    hrefs = [html.unescape(href) for href in re.findall(r'href="([^"]+)"', page)]

    def one(pattern: str) -> str:
        found = sorted({href for href in hrefs if re.search(pattern, href)})
        assert len(found) == 1, (pattern, found)
        return found[0]

    alternates = dict(re.findall(r'<link rel="alternate" type="application/(rss|atom)\+xml"[^>]* href="([^"]+)"', page))
    return {
        "rss": html.unescape(alternates["rss"]),
        "atom": html.unescape(alternates["atom"]),
        "subscribe": one(r"^/en/subscribe/"),
        "csv": one(r"/export\.csv(\?|$)"),
    }


def html_entries() -> int:
    return len([key for key in cache._cache if ":initiatives:html" in key])


def feed_entries() -> int:
    return len([key for key in cache._cache if ":initiatives:feed" in key])


def test_one_query_string_gives_the_same_links_from_the_listing_and_the_page_about_its_feed(client):
    listing = links(client.get(f"{LISTING}?theme=remittances&region=europe&sort=title&page=1"))
    assert listing == {
        "rss": f"/en/initiatives/feed/?{FOLLOWED}",
        "atom": f"/en/initiatives/feed/atom/?{FOLLOWED}",
        "subscribe": f"/en/subscribe/?{FOLLOWED}",
        "csv": f"/en/initiatives/export.csv?{FOLLOWED}",
    }
    page = client.get(listing["rss"], HTTP_ACCEPT="text/html")  # the page about the feed, as a browser gets it
    body = page.content.decode()
    assert f'href="/en/initiatives/feed/atom/?{FOLLOWED.replace("&", "&amp;")}"' in body
    assert f'href="/en/subscribe/?{FOLLOWED.replace("&", "&amp;")}"' in body
    assert f'href="/en/initiatives/?{FOLLOWED.replace("&", "&amp;")}"' in body  # back to the listing
    # The subscribe page offers that same feed, and the subscription stores the same query string.
    subscribe = client.get(listing["subscribe"]).content.decode()
    assert f'href="{listing["rss"].replace("&", "&amp;")}"' in subscribe
    client.post(listing["subscribe"], {"email": "ana@example.org", "frequency": "daily"})
    assert Subscription.objects.get().query == FOLLOWED
    # The insight page of the listing.
    assert (
        f'href="/en/initiatives/insights/?{FOLLOWED.replace("&", "&amp;")}"'
        in client.get(f"{LISTING}?theme=remittances&region=europe").content.decode()
    )


def test_a_term_page_links_its_own_feed_and_carries_its_term_everywhere_else(client):
    response = client.get("/en/regions/europe/?theme=remittances")
    assert links(response) == {
        "rss": "/en/regions/europe/feed/?theme=remittances",  # the term is in the path
        "atom": "/en/regions/europe/feed/atom/?theme=remittances",
        "subscribe": f"/en/subscribe/?{FOLLOWED}",  # the whole collection's addresses read it as a filter
        "csv": f"/en/initiatives/export.csv?{FOLLOWED}",
    }
    feed = client.get("/en/regions/europe/feed/?theme=remittances", HTTP_ACCEPT="text/html").content.decode()
    assert f'href="/en/subscribe/?{FOLLOWED.replace("&", "&amp;")}"' in feed
    assert 'href="/en/regions/europe/?theme=remittances"' in feed
    # The neighbour: the term page without filters links the plain term feed and subscribes to the term alone.
    assert links(client.get("/en/regions/europe/")) == {
        "rss": "/en/regions/europe/feed/",
        "atom": "/en/regions/europe/feed/atom/",
        "subscribe": "/en/subscribe/?region=europe",
        "csv": "/en/initiatives/export.csv?region=europe",
    }


def test_links_carry_values_as_understood_and_lead_to_warm_answers(client, django_assert_num_queries):
    remittances = Theme.objects.get(slug="remittances")
    SlugRedirect.objects.create(kind="theme", old_slug="money-sent-home", target_id=remittances.pk)
    # An old slug, another case, a duplicate: the links name the term by its slug, once.
    found = links(client.get(f"{LISTING}?theme=Money-Sent-Home&region=EUROPE&theme=remittances"))
    assert found["rss"] == f"/en/initiatives/feed/?{FOLLOWED}"
    assert found["subscribe"] == f"/en/subscribe/?{FOLLOWED}"
    # Following a link from the listing that is the first to ask for that feed: it is cached under the link's own
    # address, and the same feed asked with page, sort, case or order changed is served from it.
    first = client.get(found["rss"])
    assert first.status_code == 200
    with django_assert_num_queries(0):
        again = client.get("/en/initiatives/feed/?theme=Remittances&region=europe&page=3&sort=title")
    assert again.content == first.content


def test_a_feed_names_its_canonical_address_whatever_address_computed_it(client):
    # The first request computes the body kept for every equivalent address: it must not name itself.
    body = client.get("/en/initiatives/feed/atom/?theme=REMITTANCES&page=2&region=europe").content.decode()
    assert f'href="http://testserver/en/initiatives/feed/atom/?{FOLLOWED.replace("&", "&amp;")}"' in body
    assert "page=2" not in body and "REMITTANCES" not in body
    rss = client.get("/en/initiatives/feed/?sort=oldest&region=europe&theme=remittances").content.decode()
    assert f"/en/initiatives/feed/?{FOLLOWED.replace('&', '&amp;')}" in rss
    assert "sort=oldest" not in rss


def test_the_same_query_string_shares_cache_entries_across_orders_and_spellings(client, django_assert_num_queries):
    for path, other in (
        (f"{LISTING}?{FOLLOWED}", f"{LISTING}?theme=REMITTANCES&region=europe&q=&page=1"),
        (f"/en/initiatives/insights/?{FOLLOWED}", "/en/initiatives/insights/?theme=Remittances&q=&region=europe"),
        ("/en/regions/europe/?theme=remittances", "/en/regions/europe/?theme=remittances&theme=Remittances&status="),
    ):
        first = client.get(path)
        assert first.status_code == 200
        stored = html_entries()
        with django_assert_num_queries(0):
            again = client.get(other)
        assert again.content == first.content, path
        assert html_entries() == stored
    # The insight page reads neither page nor sort: they do not make another entry (nor an uncached page).
    with django_assert_num_queries(0):
        assert client.get(f"/en/initiatives/insights/?{FOLLOWED}&page=2&sort=title").status_code == 200
    # The API: the same parameters in another order are one answer (its two queries resolve the terms, to answer
    # 400 to one that names none, before the cache is read).
    client.get(f"/api/initiatives/?{FOLLOWED}")
    with django_assert_num_queries(2):
        assert client.get("/api/initiatives/?theme=remittances&region=europe").status_code == 200


def test_an_unknown_parameter_is_answered_left_out_of_every_link_and_not_cached(client, django_assert_num_queries):
    response = client.get(f"{LISTING}?{FOLLOWED}&utm_source=newsletter")
    assert response.status_code == 200
    assert all("utm_source" not in url for url in links(response).values())
    assert "utm_source" not in response.content.decode().split('class="insights-link"')[1].split("</p>")[0]
    assert html_entries() == 0  # the page of an address with a stray parameter is not kept
    # The links lead to addresses in key form, which are kept.
    client.get(f"/en/initiatives/feed/?{FOLLOWED}")
    assert feed_entries() == 1
    with django_assert_num_queries(0):
        client.get(f"/en/initiatives/feed/?{FOLLOWED}")
    # The neighbour: the listing without it is kept.
    client.get(f"{LISTING}?{FOLLOWED}")
    assert html_entries() == 1


@pytest.mark.parametrize(
    "hostile",
    [
        'theme="><script>alert(1)</script>',
        "theme=remittances&theme=" + "x" * 5000,
        "q=%00%1b[31mdiaspora%0a%0d",
        "region=europe&region=europe&region=EUROPE&region=%20europe%20",
        "partner_country=<b>&year_from=-1&status=sideways&documents=2",
        "&".join(f"tag=t{n}" for n in range(200)),
    ],
)
def test_a_hostile_query_string_gives_a_page_whose_links_carry_only_what_was_understood(client, hostile):
    response = client.get(f"{LISTING}?{hostile}")
    assert response.status_code == 200
    for url in links(response).values():
        query = url.partition("?")[2]
        for name, value in (pair.split("=", 1) for pair in query.split("&") if pair):
            assert name in ("theme", "region", "q"), url
            assert re.fullmatch(r"[\w+%-]+", value), url
            assert len(value) < 100, url
    assert "<script>" not in response.content.decode()


def test_a_subscription_and_the_feed_it_offers_follow_what_the_listing_shows(client):
    # A search with a stray parameter, a duplicate and spaces: the subscription keeps what the listing read.
    response = client.get(f"{LISTING}?q=%20diaspora%20%20remittances&theme=remittances&theme=remittances&x=1")
    found = links(response)
    assert found["subscribe"] == "/en/subscribe/?q=diaspora+remittances&theme=remittances"
    client.post(found["subscribe"], {"email": "ana@example.org", "frequency": "weekly"})
    subscription = Subscription.objects.get()
    assert subscription.query == "q=diaspora+remittances&theme=remittances"
    # Subscribing from the address as typed is the same subscription.
    client.post(
        "/en/subscribe/?theme=remittances&q=%20diaspora%20%20remittances&x=1",
        {"email": "ana@example.org", "frequency": "weekly"},
    )
    assert Subscription.objects.count() == 1
    assert found["rss"] == f"/en/initiatives/feed/?{subscription.query}"


def test_links_add_no_query_to_a_listing_page(client, django_assert_num_queries):
    """The links are made from what the page read already (its terms, its search): a warm listing's page, with
    its page cache bypassed, costs what the listing costs."""
    client.get(f"{LISTING}?{FOLLOWED}&utm=1")  # counts and pages of rows cached; the page itself is never kept
    # The anonymous client's count of computed pages, the two filters' terms, the page's rows and their four
    # prefetches, the terms of the six facets shown: 14, as before the Listing (its links read nothing more); then
    # issue 15's ids of the results (facets: the changes the bitmaps read, the ids in the listing's order): +2; and
    # the facets' terms, known since the first request (initiatives/facet_terms.py): −6; the cards' themes, countries
    # and regions in one query (presentation.card_terms): −2; the results found in each process's copy of the listing's
    # order, not put in order from their ids in SQL (listing_order.py): −1.
    with django_assert_num_queries(7):
        client.get(f"{LISTING}?{FOLLOWED}&utm=1")
