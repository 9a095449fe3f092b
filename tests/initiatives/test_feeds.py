"""RSS and Atom feeds of the listing and of every term page, read back with a real feed parser.

Structural validity (what a feed validator checks) is in test_feed_validity.py.
"""

import feedparser
import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from initiatives import counts, services
from initiatives.models import GuidingPrinciple, Initiative, Theme
from tests.factories import make_initiative
from tests.shared_rows import shared_rows

pytestmark = pytest.mark.django_db

RSS_TYPE = "application/rss+xml; charset=utf-8"
ATOM_TYPE = "application/atom+xml; charset=utf-8"
# What Chromium and Firefox send when a feed is opened in a tab.
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
READER_ACCEPT = "application/rss+xml, application/atom+xml;q=0.9, application/xml;q=0.8, */*;q=0.5"

ARS = "anti-rumour-strategy-handbook"
ARS_TITLE = "The Anti Rumour Strategy (ARS) Handbook"
REGIONAL_PROJECT = "regional-project-on-sectoral-qualifications-in-the-euro-mediterranean"
AFML = "recommendations-of-the-11th-asean-forum-on-migrant-labour"
ALL_SEVEN = {"thamm", "eudif", REGIONAL_PROJECT, ARS, "amicall", "pare-1-1", AFML}


def atom(url: str) -> str:
    """The Atom twin of an RSS feed URL."""
    return url.replace("/feed/", "/feed/atom/", 1)


def parse(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, url
    is_atom = "/feed/atom/" in url
    assert response["Content-Type"] == (ATOM_TYPE if is_atom else RSS_TYPE)
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == ("atom10" if is_atom else "rss20")
    return feed


def slugs(feed) -> list[str]:
    """The initiatives of a feed, by slug, in feed order (taken from each item's link)."""
    return [entry.link.rstrip("/").rsplit("/", 1)[1] for entry in feed.entries]


def entry_for(feed, slug):
    return next(entry for entry in feed.entries if entry.link.endswith(f"/en/initiatives/{slug}/"))


FEEDS = [
    ("/en/initiatives/feed/", ALL_SEVEN),
    ("/en/regions/europe/feed/", {ARS, "amicall", "pare-1-1", REGIONAL_PROJECT}),
    ("/en/regions/northern-africa/feed/", {"thamm", REGIONAL_PROJECT}),
    ("/en/themes/remittances/feed/", {"pare-1-1"}),
    ("/en/countries/ma/feed/", {"thamm", REGIONAL_PROJECT}),
    ("/en/countries/MA/feed/", {"thamm", REGIONAL_PROJECT}),
    ("/en/tags/diaspora/feed/", {"eudif", "pare-1-1"}),
    ("/en/organisations/ilo/feed/", {"thamm", AFML}),
    ("/en/categories/regional-consultative-processes/feed/", ALL_SEVEN),
    ("/en/principles/human-rights/feed/", set()),  # no seed initiative names a guiding principle
]


@pytest.mark.parametrize("kind", ["rss", "atom"])
@pytest.mark.parametrize(("url", "expected"), FEEDS)
def test_feeds_parse_with_the_right_items(client, url, expected, kind):
    feed = parse(client, atom(url) if kind == "atom" else url)
    assert set(slugs(feed)) == expected
    assert len(feed.entries) == len(expected)  # no duplicates
    assert feed.feed.title
    assert feed.feed.link.startswith("http://testserver/")


def test_region_europe_feed_has_four_items(client):
    assert len(parse(client, "/en/regions/europe/feed/").entries) == 4


def test_theme_remittances_feed_has_exactly_pare(client):
    feed = parse(client, "/en/themes/remittances/feed/")
    assert [entry.title for entry in feed.entries] == ["PARE 1+1 Programme for Attracting Remittances into the Economy"]
    assert "Remittances" in feed.feed.title


def test_principle_feed_lists_the_initiatives_filed_under_it(client):
    principle = GuidingPrinciple.objects.get(slug="human-rights")
    initiative = Initiative.objects.get(slug=ARS)
    initiative.principles.add(principle)
    services.initiative_written(initiative=initiative, reason="test")  # the end of every editing path
    feed = parse(client, "/en/principles/human-rights/feed/")
    assert slugs(feed) == [ARS]
    assert feed.feed.title.startswith("Human rights")


def test_term_feed_titles_and_links_name_the_term(client):
    feed = parse(client, "/en/regions/europe/feed/")
    assert feed.feed.title.startswith("Europe – ")
    assert feed.feed.link == "http://testserver/en/regions/europe/"
    assert "Europe" in feed.feed.description


def test_listing_feed_is_newest_first(client):
    feed = parse(client, "/en/initiatives/feed/")
    # The seed stamps its first entry newest.
    assert slugs(feed)[0] == "thamm"
    assert slugs(feed)[-1] == AFML
    dates = [entry.published_parsed for entry in feed.entries]
    assert dates == sorted(dates, reverse=True)


def test_newly_published_initiative_comes_first(client):
    make_initiative(title="Just published", slug="just-published", themes=["remittances"])
    assert slugs(parse(client, "/en/initiatives/feed/"))[0] == "just-published"
    assert slugs(parse(client, "/en/themes/remittances/feed/")) == ["just-published", "pare-1-1"]


@pytest.mark.parametrize("url", ["/en/initiatives/feed/", "/en/initiatives/feed/atom/"])
def test_item_fields(client, url):
    feed = parse(client, url)
    ars = entry_for(feed, ARS)
    initiative = Initiative.objects.get(slug=ARS)
    assert ars.title == ARS_TITLE
    assert ars.link == f"http://testserver/en/initiatives/{ARS}/"
    assert ars.summary == f"<p>{initiative.summary}</p>"  # escaped plain text, as HTML for the reader
    assert ars.author == "Ms. Angelica Pinzon"
    categories = {tag.term for tag in ars.tags}
    assert {str(theme) for theme in initiative.themes.all()} <= categories
    assert "Objective 16: Inclusion and social cohesion" in categories
    assert "Europe" in categories
    assert ars.published_parsed is not None
    if "/atom/" in url:  # RSS 2.0 has no date of change
        assert ars.updated_parsed >= ars.published_parsed


@pytest.mark.parametrize("url", ["/en/initiatives/feed/", "/en/initiatives/feed/atom/"])
def test_items_without_a_known_submitter_have_no_author(client, url):
    afml = entry_for(parse(client, url), AFML)
    assert "author" not in afml


def test_contact_email_is_never_in_a_feed(client):
    make_initiative(slug="with-email", submitter_name="Ana", submitter_email="secret@example.org")
    response = client.get("/en/initiatives/feed/")
    assert b"secret@example.org" not in response.content
    assert entry_for(feedparser.parse(response.content), "with-email").author == "Ana"


@pytest.mark.parametrize("url", ["/en/initiatives/feed/", "/en/initiatives/feed/atom/"])
def test_guid_is_stable_when_the_initiative_is_edited(client, url):
    before = entry_for(parse(client, url), ARS)
    assert before.id
    assert before.guidislink is False
    initiative = Initiative.objects.get(slug=ARS)
    initiative.title = "The Anti-Rumour Strategy Handbook, second edition"
    initiative.slug = "anti-rumour-strategy-handbook-2"
    initiative.save()
    services.initiative_written(initiative=initiative, reason="test")  # the end of every editing path
    after = entry_for(parse(client, url), "anti-rumour-strategy-handbook-2")
    assert after.title == "The Anti-Rumour Strategy Handbook, second edition"
    assert after.id == before.id


@pytest.mark.parametrize("url", ["/en/initiatives/feed/", "/en/initiatives/feed/atom/"])
def test_guids_are_unique(client, url):
    ids = [entry.id for entry in parse(client, url).entries]
    assert len(set(ids)) == len(ids) == 7


def test_rss_and_atom_give_an_item_the_same_id(client):
    rss = {entry.link: entry.id for entry in parse(client, "/en/initiatives/feed/").entries}
    atom_ids = {entry.link: entry.id for entry in parse(client, "/en/initiatives/feed/atom/").entries}
    assert rss == atom_ids


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/en/initiatives/feed/?theme=remittances", {"pare-1-1"}),
        ("/en/initiatives/feed/?theme=remittances&theme=regular-pathways", {"pare-1-1", "thamm"}),
        ("/en/initiatives/feed/?region=europe&theme=inclusion-and-social-cohesion", {ARS, "amicall"}),
        ("/en/initiatives/feed/?country=ma", {"thamm", REGIONAL_PROJECT}),
        ("/en/initiatives/feed/?tag=diaspora&organisation=odimm", {"pare-1-1"}),
        ("/en/initiatives/feed/?year_to=2009", {REGIONAL_PROJECT}),
        ("/en/initiatives/feed/?status=completed", {"thamm", "eudif", "amicall", AFML}),
        ("/en/regions/europe/feed/?theme=remittances", {"pare-1-1"}),
        ("/en/countries/ma/feed/?theme=regular-pathways", {"thamm"}),
        ("/en/tags/diaspora/feed/?country=md", {"pare-1-1"}),
        ("/en/initiatives/feed/?theme=remittances&page=5&sort=title", {"pare-1-1"}),
    ],
)
def test_feeds_honour_the_listing_filters(client, url, expected):
    assert set(slugs(parse(client, url))) == expected
    assert set(slugs(parse(client, atom(url)))) == expected


def test_feed_matches_the_listing_for_the_same_query(client):
    query = "region=europe&status=ongoing"
    listing = client.get(f"/en/initiatives/?{query}")
    assert set(slugs(parse(client, f"/en/initiatives/feed/?{query}"))) == {
        i.slug for i in listing.context["initiatives"]
    }


def test_listing_feed_search(client):
    feed = parse(client, "/en/initiatives/feed/?q=remittances")
    assert "pare-1-1" in slugs(feed)
    assert "amicall" not in slugs(feed)


def test_unpublished_initiatives_leave_the_feeds(client):
    services.unpublish_initiative(initiative=Initiative.objects.get(slug="pare-1-1"))
    assert "pare-1-1" not in slugs(parse(client, "/en/initiatives/feed/"))
    assert slugs(parse(client, "/en/themes/remittances/feed/")) == []
    make_initiative(title="Only a draft", slug="only-a-draft", themes=["remittances"], publish=False)
    assert slugs(parse(client, "/en/themes/remittances/feed/")) == []


def test_feed_is_capped_at_fifty_items(client):
    for n in range(50):
        make_initiative(title=f"Extra {n}")
    assert len(parse(client, "/en/initiatives/feed/").entries) == 50


# --- feed-level fields ----------------------------------------------------------------------


def test_a_filtered_feed_names_its_filters_and_links_to_the_same_listing(client):
    feed = parse(client, "/en/initiatives/feed/?theme=remittances&page=2&sort=title&q=")
    assert feed.feed.title.startswith("Initiatives (Objective 20: Remittances) – ")
    assert feed.feed.link == "http://testserver/en/initiatives/?theme=remittances"
    term = parse(client, "/en/regions/europe/feed/atom/?status=ongoing&theme=remittances")
    assert term.feed.title.startswith("Europe (Objective 20: Remittances, Ongoing) – ")
    assert term.feed.link == "http://testserver/en/regions/europe/?status=ongoing&theme=remittances"


@pytest.mark.parametrize("url", ["/en/initiatives/feed/?theme=remittances", "/en/regions/europe/feed/"])
def test_self_link_is_the_feeds_own_address(client, url):
    rss = {link.rel: link.href for link in parse(client, url).feed.links}
    assert rss["self"] == f"http://testserver{url}"
    atom_links = {link.rel: link.href for link in parse(client, atom(url)).feed.links}
    assert atom_links["self"] == f"http://testserver{atom(url)}"


def test_atom_feed_ids_are_canonical_unique_and_independent_of_the_host(client, settings):
    ids = {
        url: parse(client, url).feed.id
        for url in [
            "/en/initiatives/feed/atom/",
            "/en/initiatives/feed/atom/?theme=remittances",
            "/en/regions/europe/feed/atom/",
            "/en/regions/europe/feed/atom/?theme=remittances",
            "/en/themes/remittances/feed/atom/",
        ]
    }
    assert len(set(ids.values())) == len(ids)
    assert ids["/en/regions/europe/feed/atom/"] == f"{settings.SITE_URL}/en/regions/europe/feed/atom/"
    # Parameter order, pagination, sorting and the host asked for do not make another feed.
    same = parse(client, "/en/initiatives/feed/atom/?sort=title&page=3&theme=remittances", HTTP_HOST="localhost")
    assert same.feed.id == ids["/en/initiatives/feed/atom/?theme=remittances"]


def test_atom_feed_has_an_author_for_entries_without_one(client, settings):
    feed = parse(client, "/en/initiatives/feed/atom/")
    assert feed.feed.author == settings.SITE_NAME


def test_empty_feed_is_dated_when_the_collection_last_changed(client):
    first = client.get("/en/principles/human-rights/feed/atom/")
    assert not feedparser.parse(first.content).entries
    updated = feedparser.parse(first.content).feed.updated_parsed
    assert updated is not None
    counts.invalidate()  # another version of the collection: the feed is rendered again, but dated the same way
    second = client.get("/en/principles/human-rights/feed/atom/")
    assert feedparser.parse(second.content).feed.updated_parsed >= updated


@pytest.mark.parametrize("url", ["/en/initiatives/feed/", "/en/initiatives/feed/atom/", "/en/tags/diaspora/feed/atom/"])
def test_feeds_name_no_xsl_stylesheet(client, url):
    """Browsers are dropping XSLT: the feeds carry no stylesheet instruction (browsers get a page instead)."""
    body = client.get(url).content.decode()
    assert "<?xml-stylesheet" not in body
    assert body.startswith('<?xml version="1.0" encoding="utf-8"?>\n<rss' if "/atom/" not in url else "<?xml")


def test_characters_xml_cannot_carry_are_dropped_not_a_server_error(client):
    # (No NUL: PostgreSQL refuses to store it.)
    make_initiative(title="Bell\x07 and\x01 SOH", summary="Form\x0cfeed", submitter_name="Ana\x1b")
    for url in ("/en/initiatives/feed/", "/en/initiatives/feed/atom/"):
        entry = parse(client, url).entries[0]
        assert entry.title == "Bell and SOH"
        assert entry.author == "Ana"


# --- bad input --------------------------------------------------------------------------------

UNKNOWN_TERMS = [
    "/en/regions/atlantis/",
    "/en/countries/zz/",
    "/en/themes/nope/",
    "/en/principles/nope/",
    "/en/categories/nope/",
    "/en/tags/nope/",
    "/en/organisations/nope/",
]


@pytest.mark.parametrize("suffix", ["feed/", "feed/atom/"])
@pytest.mark.parametrize("url", UNKNOWN_TERMS)
def test_unknown_terms_are_404_whatever_the_preconditions(client, url, suffix):
    assert client.get(f"{url}{suffix}").status_code == 404
    assert client.get(f"{url}{suffix}", HTTP_IF_NONE_MATCH="*").status_code == 404
    assert client.get(f"{url}{suffix}").status_code == 404  # a 404 is not cached as a feed


@pytest.mark.parametrize(
    ("query", "ignored"),
    [
        ("theme=nonexistent", True),
        ("theme=remittances&theme=%3Cscript%3E", False),
        ("region=" + "a" * 5000, True),
        ("year_from=1e5&year_to=-1", True),
        ("status=%00", True),
        ("q=%00%01%02", True),
        ("q=%ff%fe", False),  # a search for two replacement characters: valid, finds nothing
        ("q=" + "x" * 5000, False),
        ("page=-1&sort=%27", True),
        ("theme[]=x&%ZZ=1", True),
    ],
)
@pytest.mark.parametrize(
    "url", ["/en/initiatives/feed/", "/en/initiatives/feed/atom/", "/en/regions/europe/feed/atom/"]
)
def test_hostile_query_strings_give_a_feed(client, url, query, ignored):
    feed = parse(client, f"{url}?{query}")
    if ignored:  # the bad filter is left out, not applied as "nothing matches"
        assert len(feed.entries) == len(parse(client, url).entries)


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_feeds_are_read_only(client, method):
    response = getattr(client, method)("/en/initiatives/feed/")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


# --- content types for readers and browsers ---------------------------------------------------


@pytest.mark.parametrize("url", ["/en/regions/europe/feed/", "/en/regions/europe/feed/atom/"])
def test_readers_get_the_feed_browsers_get_a_page_about_it(client, url):
    feed_type = ATOM_TYPE if "/atom/" in url else RSS_TYPE
    reader = client.get(url, HTTP_ACCEPT=READER_ACCEPT)
    for accept in (None, "*/*", READER_ACCEPT, "application/xml", feed_type.split(";")[0], "nonsense;;q=x,,"):
        headers = {"HTTP_ACCEPT": accept} if accept is not None else {}
        response = client.get(url, **headers)
        assert response["Content-Type"] == feed_type, accept
        assert response.content == reader.content, accept  # the XML exactly, whatever readers send
    browser = client.get(url, HTTP_ACCEPT=BROWSER_ACCEPT)
    assert browser.status_code == 200
    assert browser["Content-Type"] == "text/html; charset=utf-8"
    assert browser.content.startswith(b"<!DOCTYPE html>")
    assert browser["ETag"] != reader["ETag"]  # two representations
    assert "Last-Modified" in reader and "Last-Modified" not in browser
    for response in (reader, browser):
        assert "Accept" in response["Vary"]
    # Only a browser's preference for HTML gets the page: text/html ranked below the feed's type does not.
    assert client.get(url, HTTP_ACCEPT=f"{feed_type.split(';')[0]}, text/html;q=0.5")["Content-Type"] == feed_type


def _page(client, url, **headers):
    response = client.get(url, HTTP_ACCEPT=BROWSER_ACCEPT, **headers)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "text/html; charset=utf-8"
    return response.content.decode()


def test_the_page_says_what_the_feed_is_and_how_to_follow_it(client):
    html = _page(client, "/en/regions/europe/feed/atom/?theme=remittances&sort=title&page=2")
    assert '<h1 dir="auto">Europe</h1>' in html
    assert "<title>Europe (Objective 20: Remittances) – " in html
    assert "Atom feed" in html and "Filters of this feed" in html
    # The address to copy: this feed in normal form (no page or sort), absolute.
    assert 'value="http://testserver/en/regions/europe/feed/atom/?theme=remittances"' in html
    assert 'href="/en/regions/europe/feed/?theme=remittances">as RSS</a>' in html
    # The e-mail subscription follows the term and the filters; the listing shows the same initiatives.
    assert 'href="/en/subscribe/?region=europe&amp;theme=remittances"' in html
    assert 'href="/en/regions/europe/?theme=remittances">See these initiatives on the portal</a>' in html
    # Its latest items, linked to their pages: Europe's one remittances initiative, not the others.
    assert '<a href="/en/initiatives/pare-1-1/"' in html
    assert f'<a href="/en/initiatives/{ARS}/"' not in html
    assert "<?xml" not in html and "xsl" not in html.lower()
    assert "style=" not in html and "<script>" not in html  # nothing inline (the CSP forbids it)


def test_the_page_of_an_empty_feed_says_so(client):
    html = _page(client, "/en/principles/human-rights/feed/")
    assert "No initiatives here yet." in html
    assert 'class="items"' not in html
    assert "RSS feed" in html and 'href="/en/principles/human-rights/feed/atom/">as Atom</a>' in html


def test_the_page_is_in_the_readers_language(client):
    html = _page(client, "/fr/initiatives/feed/")
    assert '<html lang="fr"' in html
    assert "Abonnez-vous" in html or "S’abonner" in html or "S'abonner" in html or "Flux RSS" in html
    assert '<a href="/fr/initiatives/' in html
    arabic = _page(client, "/ar/initiatives/feed/")
    assert '<html lang="ar" dir="rtl"' in arabic


def test_the_page_and_the_feed_are_cached_apart_and_never_served_for_each_other(client, django_assert_num_queries):
    url = "/en/themes/remittances/feed/"
    browser = client.get(url, HTTP_ACCEPT=BROWSER_ACCEPT)
    reader = client.get(url, HTTP_ACCEPT=READER_ACCEPT)
    with django_assert_num_queries(0):  # both kept, each under its own key
        again_browser = client.get(url, HTTP_ACCEPT=BROWSER_ACCEPT)
        again_reader = client.get(url)
    assert again_browser.content == browser.content and again_browser["Content-Type"].startswith("text/html")
    assert again_reader.content == reader.content and again_reader["Content-Type"] == RSS_TYPE
    # Each ETag validates its own representation only.
    assert client.get(url, HTTP_ACCEPT=BROWSER_ACCEPT, HTTP_IF_NONE_MATCH=browser["ETag"]).status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH=browser["ETag"]).status_code == 200
    assert client.get(url, HTTP_ACCEPT=BROWSER_ACCEPT, HTTP_IF_NONE_MATCH=reader["ETag"]).status_code == 200
    assert client.get(url, HTTP_IF_NONE_MATCH=reader["ETag"]).status_code == 304
    # The feed's Last-Modified never answers the page with a 304 (a page made before a log-in is not kept).
    modified = reader["Last-Modified"]
    assert client.get(url, HTTP_ACCEPT=BROWSER_ACCEPT, HTTP_IF_MODIFIED_SINCE=modified).status_code == 200
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304


def test_a_logged_in_reader_gets_a_page_of_their_own(client, django_user_model):
    url = "/en/initiatives/feed/"
    anonymous = _page(client, url)
    user = django_user_model.objects.create_user("reader@example.org", "reader@example.org", "a long passphrase 1")
    client.force_login(user)
    response = client.get(url, HTTP_ACCEPT=BROWSER_ACCEPT)
    mine = response.content.decode()
    assert "Log out" in mine and "Log out" not in anonymous
    assert "private" in response["Cache-Control"]
    client.logout()
    assert "Log out" not in _page(client, url)  # and the anonymous copy was not replaced by hers


def test_hostile_query_strings_give_a_page(client):
    for query in ("theme=nonexistent", "region=" + "a" * 5000, "q=%00%01", "theme[]=x&%ZZ=1", "year_from=1e5"):
        html = _page(client, f"/en/initiatives/feed/atom/?{query}")
        assert "<h1" in html


# --- conditional GET and the cached body ------------------------------------------------------

CONDITIONAL = ["/en/initiatives/feed/", "/en/initiatives/feed/atom/?theme=remittances", "/en/themes/remittances/feed/"]


@pytest.mark.parametrize("url", CONDITIONAL)
def test_unchanged_collection_answers_304_without_a_query(client, url, django_assert_num_queries):
    first = client.get(url)
    etag, modified = first["ETag"], first["Last-Modified"]
    assert etag.startswith('"')
    with django_assert_num_queries(0):
        not_modified = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert not_modified["ETag"] == etag
    assert not_modified["Last-Modified"] == modified
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH=f'"other", {etag}').status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH='W/"other"').status_code == 200
    assert client.head(url, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_304_does_not_depend_on_the_cached_body(client):
    etag = client.get("/en/regions/europe/feed/")["ETag"]
    with override_settings(COUNTS_CACHE_SECONDS=0):  # bodies are not kept
        assert client.get("/en/regions/europe/feed/", HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_validators_differ_between_formats_queries_and_terms(client):
    urls = [
        "/en/initiatives/feed/",
        "/en/initiatives/feed/atom/",
        "/en/initiatives/feed/?theme=remittances",
        "/en/regions/europe/feed/",
        "/en/regions/northern-africa/feed/",
    ]
    assert len({client.get(url)["ETag"] for url in urls}) == len(urls)


def _publish(_):
    make_initiative(title="Newly published", themes=["remittances"], regions=["europe"])


def _unpublish(initiative):
    services.unpublish_initiative(initiative=initiative)


def _archive(initiative):
    services.archive_initiative(initiative=initiative)


def _delete(initiative):
    services.delete_initiative(initiative=initiative)


def _refile(initiative):
    # Through the write path, which notes the themes it had (their feeds change too), not behind its back.
    for theme in initiative.themes.all():
        services.change_classification(initiatives=[initiative], facet="theme", term=theme, add=False)


@pytest.mark.parametrize("change", [_publish, _unpublish, _archive, _delete, _refile])
@pytest.mark.parametrize("url", CONDITIONAL)
def test_a_change_to_the_collection_changes_the_validators_and_the_feed(client, url, change):
    before = client.get(url)
    change(Initiative.objects.get(slug="pare-1-1"))
    after = client.get(url, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert after.content != before.content
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=before["Last-Modified"]).status_code == 200
    assert client.get(url, HTTP_IF_NONE_MATCH=after["ETag"]).status_code == 304


def test_a_publish_elsewhere_leaves_a_feed_s_etag(client):
    """The ETag follows the feed's content: a publish under another theme still answers 304 here."""
    before = client.get("/en/themes/remittances/feed/")
    make_initiative(title="Elsewhere", themes=["regular-pathways"])
    assert client.get("/en/themes/remittances/feed/", HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 304
    assert client.get("/en/initiatives/feed/", HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 200


def test_a_renamed_term_reaches_readers_holding_an_etag(client):
    """Renaming a term does not move the collection version; once the feed is rendered again (its body is kept
    COUNTS_CACHE_SECONDS at most), the ETag changes with the content."""
    with override_settings(COUNTS_CACHE_SECONDS=0):  # as if the kept body had expired by the next request
        before = client.get("/en/themes/remittances/feed/")
        Theme.objects.filter(slug="remittances").update(name="Remittances and savings")
        after = client.get("/en/themes/remittances/feed/", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert "Remittances and savings" in feedparser.parse(after.content).feed.title


def test_readers_see_the_new_initiative_after_a_publish(client):
    etag = client.get("/en/themes/remittances/feed/")["ETag"]
    make_initiative(title="Just published", slug="just-published", themes=["remittances"])
    response = client.get("/en/themes/remittances/feed/", HTTP_IF_NONE_MATCH=etag)
    assert slugs(feedparser.parse(response.content)) == ["just-published", "pare-1-1"]


def test_readers_ask_again_and_shared_caches_keep_it_until_purged(client, settings):
    """Browsers and feed readers revalidate every time (a cheap 304); a CDN keeps it for s-maxage, purged by
    Surrogate-Key on a publication (initiatives/http_cache.py)."""
    cache_control = client.get("/en/initiatives/feed/")["Cache-Control"]
    assert "public" in cache_control and "max-age=0" in cache_control
    assert f"s-maxage={settings.HTTP_CACHE_S_MAXAGE}" in cache_control


# --- query counts ---------------------------------------------------------------------------

# Cold (a new collection version): the feed's rows (1) and their themes, regions and images (3); a term feed
# first looks up its term (1); every filter in the query string looks up its terms (1 each); a tag
# feed also needs the initiative content type (cached for the process after the first request). A term's or a
# filter's feed takes its newest from the process's copy of the listing's order, which first reads the changes to
# the collection since it last looked (1; then its rows by their ids). Cold requests also count against the
# anonymous client's limit (1). Warm (the same version): the cached body, no query at all.
PINNED = {
    "/en/initiatives/feed/": 5,
    "/en/initiatives/feed/atom/": 5,
    "/en/initiatives/feed/?theme=remittances&region=europe": 8,
    "/en/initiatives/feed/atom/?theme=remittances&region=europe": 8,
    "/en/regions/europe/feed/": 7,
    "/en/regions/europe/feed/atom/": 7,
    "/en/themes/remittances/feed/": 7,
    "/en/themes/remittances/feed/atom/": 7,
    "/en/countries/ma/feed/": 7,
    "/en/tags/diaspora/feed/": 7,
    "/en/tags/diaspora/feed/atom/": 7,
    "/en/organisations/ilo/feed/": 7,
    "/en/categories/regional-consultative-processes/feed/": 7,
    "/en/principles/human-rights/feed/": 7,
    "/en/principles/human-rights/feed/atom/": 7,
}


def _add_published_initiatives(n, start=0):
    """``n`` more published initiatives (through services.publish_initiative) on every term used above."""
    principle = GuidingPrinciple.objects.get(slug="human-rights")
    for i in range(start, start + n):
        initiative = make_initiative(
            title=f"Remittances and mobility {i}",
            category="regional-consultative-processes",
            themes=["remittances", "regular-pathways"],
            regions=["europe", "northern-africa"],
            countries=["md", "ma"],
            tags=["diaspora", f"tag-{i}"],
            organisations=["ILO", f"Org {i}"],
            submitter_honorific="Dr.",
            submitter_name=f"Submitter {i}",
        )
        initiative.principles.add(principle)
        services.initiative_written(initiative=initiative, reason="test")  # the end of every editing path


# The page about a feed (for a browser) reads the same rows, its first 20 items with their prefetches, and counts
# against the anonymous client's limit like the feed; the site's layout adds no query for an anonymous visitor.
PAGE_PINNED = {
    "/en/initiatives/feed/": 5,
    "/en/initiatives/feed/atom/?theme=remittances&region=europe": 8,
    "/en/regions/europe/feed/": 7,
    "/en/tags/diaspora/feed/atom/": 7,
}


@pytest.mark.parametrize(("url", "cold"), PAGE_PINNED.items())
def test_page_query_count_is_pinned_cold_and_warm(client, url, cold, django_assert_num_queries, miss_window_begun):
    _with_a_principle(Initiative.objects.get(slug=ARS))
    client.get(url, HTTP_ACCEPT=BROWSER_ACCEPT)  # warm the content-type cache
    counts.invalidate()
    with django_assert_num_queries(cold):
        first = client.get(url, HTTP_ACCEPT=BROWSER_ACCEPT)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        assert client.get(url, HTTP_ACCEPT=BROWSER_ACCEPT).content == first.content


def _with_a_principle(initiative) -> None:
    initiative.principles.add(GuidingPrinciple.objects.get(slug="human-rights"))
    services.initiative_written(initiative=initiative, reason="test")  # the end of every editing path


def _feed_queries_pinned(client, url, cold, django_assert_num_queries):
    """The feed's first request costs ``cold`` queries, the next none (the same feed); returns the first."""
    # Every feed starts with at least one item, so that its prefetches run in both measurements.
    _with_a_principle(Initiative.objects.get(slug=ARS))
    client.get(url)  # warm the content-type cache
    counts.invalidate()
    with django_assert_num_queries(cold):
        first = client.get(url)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        warm = client.get(url)
    assert warm.content == first.content
    return first


@pytest.mark.parametrize(("url", "cold"), PINNED.items())
def test_feed_query_count_is_pinned_cold_and_warm_on_the_seed(
    client, url, cold, django_assert_num_queries, miss_window_begun
):
    _feed_queries_pinned(client, url, cold, django_assert_num_queries)


class TestWithThirtyMore:
    """The same pinned counts with 30 more initiatives on every feed's terms (written once for the class:
    tests/shared_rows.py; the seed alone is the test above): they do not grow with the feed."""

    @pytest.fixture(scope="class")
    def thirty_more(self, django_db_setup, django_db_blocker):
        yield from shared_rows(django_db_blocker, lambda: _add_published_initiatives(30))

    @pytest.mark.parametrize(("url", "cold"), PINNED.items())
    def test_feed_query_count_is_pinned_cold_and_warm_and_does_not_grow(
        self, thirty_more, client, url, cold, django_assert_num_queries, miss_window_begun
    ):
        first = _feed_queries_pinned(client, url, cold, django_assert_num_queries)
        _add_published_initiatives(1, start=30)
        # Publishing dropped the cached feed: cold again, then warm, one item more. A term's or a filter's feed reads
        # the process's copy of the order, which first takes the new initiative in: its memberships and its place
        # (2 queries, once per change, by whichever page reads the copy first).
        taken_in = 0 if url in ("/en/initiatives/feed/", "/en/initiatives/feed/atom/") else 2
        with django_assert_num_queries(cold + taken_in):
            second = client.get(url)
        assert second.status_code == 200
        with django_assert_num_queries(0):
            assert client.get(url).content == second.content
        assert len(feedparser.parse(second.content).entries) > len(feedparser.parse(first.content).entries)

    @pytest.mark.parametrize("path", ["/en/regions/europe/", "/en/countries/ma/", "/en/initiatives/?theme=remittances"])
    def test_a_filtered_feed_is_its_pages_newest_read_by_their_ids(self, thirty_more, client, path):
        """A term's or a filter's feed lists what its page lists, in the same order, its rows read by their ids (from
        the process's copy of the listing's order), not by walking the collection's dates until enough match (a
        small country's feed at a million: 16,000 initiatives tested). The whole collection's feed reads the first
        rows of its date index (LIMIT): the same as before."""
        listed = [i.slug for i in client.get(path).context["page_obj"].object_list]
        url = path.replace("/?", "/feed/?") if "?" in path else f"{path}feed/"
        counts.invalidate()
        with CaptureQueriesContext(connection) as captured:
            found = slugs(parse(client, url))
        assert found[: len(listed)] == listed and len(found) > 20
        rows = [q["sql"] for q in captured if q["sql"].startswith('SELECT "initiatives_initiative"."id", ')]
        assert len(rows) == 1 and "LIMIT 50" not in rows[0], rows
        counts.invalidate()
        with CaptureQueriesContext(connection) as captured:
            parse(client, "/en/initiatives/feed/")
        rows = [q["sql"] for q in captured if q["sql"].startswith('SELECT "initiatives_initiative"."id", ')]
        assert len(rows) == 1 and "LIMIT 50" in rows[0], rows
