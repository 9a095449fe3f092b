"""RSS feeds of the listing and of every term page, read back with a real feed parser."""

import feedparser
import pytest

from initiatives import services
from initiatives.models import GuidingPrinciple, Initiative
from tests.factories import make_initiative

pytestmark = pytest.mark.django_db

ARS = "anti-rumour-strategy-handbook"
ARS_TITLE = "The Anti Rumour Strategy (ARS) Handbook"
REGIONAL_PROJECT = "regional-project-on-sectoral-qualifications-in-the-euro-mediterranean"
AFML = "recommendations-of-the-11th-asean-forum-on-migrant-labour"
ALL_SEVEN = {"thamm", "eudif", REGIONAL_PROJECT, ARS, "amicall", "pare-1-1", AFML}


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/rss+xml")
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "rss20"
    return feed


def slugs(feed) -> list[str]:
    """The initiatives of a feed, by slug, in feed order (taken from each item's link)."""
    return [entry.link.rstrip("/").rsplit("/", 1)[1] for entry in feed.entries]


def entry_for(feed, slug):
    return next(entry for entry in feed.entries if entry.link.endswith(f"/initiatives/{slug}/"))


FEEDS = [
    ("/initiatives/feed/", ALL_SEVEN),
    ("/regions/europe/feed/", {ARS, "amicall", "pare-1-1", REGIONAL_PROJECT}),
    ("/regions/northern-africa/feed/", {"thamm", REGIONAL_PROJECT}),
    ("/themes/remittances/feed/", {"pare-1-1"}),
    ("/countries/ma/feed/", {"thamm", REGIONAL_PROJECT}),
    ("/countries/MA/feed/", {"thamm", REGIONAL_PROJECT}),
    ("/tags/diaspora/feed/", {"eudif", "pare-1-1"}),
    ("/organisations/ilo/feed/", {"thamm", AFML}),
    ("/categories/regional-consultative-processes/feed/", ALL_SEVEN),
    ("/principles/human-rights/feed/", set()),  # no seed initiative names a guiding principle
]


@pytest.mark.parametrize(("url", "expected"), FEEDS)
def test_feeds_are_valid_rss_with_the_right_items(client, url, expected):
    feed = parse(client, url)
    assert set(slugs(feed)) == expected
    assert len(feed.entries) == len(expected)  # no duplicates
    assert feed.feed.title
    assert feed.feed.link.startswith("http://testserver/")


def test_region_europe_feed_has_four_items(client):
    assert len(parse(client, "/regions/europe/feed/").entries) == 4


def test_theme_remittances_feed_has_exactly_pare(client):
    feed = parse(client, "/themes/remittances/feed/")
    assert [entry.title for entry in feed.entries] == ["PARE 1+1 Programme for Attracting Remittances into the Economy"]
    assert "Remittances" in feed.feed.title


def test_principle_feed_lists_the_initiatives_filed_under_it(client):
    principle = GuidingPrinciple.objects.get(slug="human-rights")
    Initiative.objects.get(slug=ARS).principles.add(principle)
    feed = parse(client, "/principles/human-rights/feed/")
    assert slugs(feed) == [ARS]
    assert feed.feed.title.startswith("Human rights")


def test_term_feed_titles_and_links_name_the_term(client):
    feed = parse(client, "/regions/europe/feed/")
    assert feed.feed.title.startswith("Europe – ")
    assert feed.feed.link == "http://testserver/regions/europe/"
    assert "Europe" in feed.feed.description


def test_listing_feed_is_newest_first(client):
    feed = parse(client, "/initiatives/feed/")
    # The seed stamps its first entry newest.
    assert slugs(feed)[0] == "thamm"
    assert slugs(feed)[-1] == AFML
    dates = [entry.published_parsed for entry in feed.entries]
    assert dates == sorted(dates, reverse=True)


def test_newly_published_initiative_comes_first(client):
    make_initiative(title="Just published", slug="just-published", themes=["remittances"])
    assert slugs(parse(client, "/initiatives/feed/"))[0] == "just-published"
    assert slugs(parse(client, "/themes/remittances/feed/")) == ["just-published", "pare-1-1"]


def test_item_fields(client):
    feed = parse(client, "/initiatives/feed/")
    ars = entry_for(feed, ARS)
    initiative = Initiative.objects.get(slug=ARS)
    assert ars.title == ARS_TITLE
    assert ars.link == f"http://testserver/initiatives/{ARS}/"
    assert ars.summary == f"<p>{initiative.summary}</p>"  # escaped plain text, as HTML for the reader
    assert ars.author == "Ms. Angelica Pinzon"
    categories = {tag.term for tag in ars.tags}
    assert {str(theme) for theme in initiative.themes.all()} <= categories
    assert "Objective 16: Inclusion and social cohesion" in categories
    assert "Europe" in categories
    assert ars.published_parsed is not None


def test_items_without_a_known_submitter_have_no_author(client):
    afml = entry_for(parse(client, "/initiatives/feed/"), AFML)
    assert "author" not in afml


def test_contact_email_is_never_in_a_feed(client):
    make_initiative(slug="with-email", submitter_name="Ana", submitter_email="secret@example.org")
    response = client.get("/initiatives/feed/")
    assert b"secret@example.org" not in response.content
    assert entry_for(feedparser.parse(response.content), "with-email").author == "Ana"


def test_guid_is_stable_when_the_initiative_is_edited(client):
    before = entry_for(parse(client, "/initiatives/feed/"), ARS)
    assert before.id
    assert before.guidislink is False
    initiative = Initiative.objects.get(slug=ARS)
    initiative.title = "The Anti-Rumour Strategy Handbook, second edition"
    initiative.slug = "anti-rumour-strategy-handbook-2"
    initiative.save()
    after = entry_for(parse(client, "/initiatives/feed/"), "anti-rumour-strategy-handbook-2")
    assert after.title == "The Anti-Rumour Strategy Handbook, second edition"
    assert after.id == before.id


def test_guids_are_unique(client):
    ids = [entry.id for entry in parse(client, "/initiatives/feed/").entries]
    assert len(set(ids)) == len(ids) == 7


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/initiatives/feed/?theme=remittances", {"pare-1-1"}),
        ("/initiatives/feed/?theme=remittances&theme=regular-pathways", {"pare-1-1", "thamm"}),
        ("/initiatives/feed/?region=europe&theme=inclusion-and-social-cohesion", {ARS, "amicall"}),
        ("/initiatives/feed/?country=ma", {"thamm", REGIONAL_PROJECT}),
        ("/initiatives/feed/?tag=diaspora&organisation=odimm", {"pare-1-1"}),
        ("/initiatives/feed/?year_to=2009", {REGIONAL_PROJECT}),
        ("/initiatives/feed/?status=completed", {"thamm", "eudif", "amicall", AFML}),
        ("/regions/europe/feed/?theme=remittances", {"pare-1-1"}),
        ("/countries/ma/feed/?theme=regular-pathways", {"thamm"}),
        ("/tags/diaspora/feed/?country=md", {"pare-1-1"}),
        ("/initiatives/feed/?theme=remittances&page=5&sort=title", {"pare-1-1"}),
    ],
)
def test_feeds_honour_the_listing_filters(client, url, expected):
    assert set(slugs(parse(client, url))) == expected


def test_feed_matches_the_listing_for_the_same_query(client):
    query = "region=europe&status=ongoing"
    listing = client.get(f"/initiatives/?{query}")
    assert set(slugs(parse(client, f"/initiatives/feed/?{query}"))) == {i.slug for i in listing.context["initiatives"]}


def test_listing_feed_search(client):
    feed = parse(client, "/initiatives/feed/?q=remittances")
    assert "pare-1-1" in slugs(feed)
    assert "amicall" not in slugs(feed)


def test_unpublished_initiatives_leave_the_feeds(client):
    services.unpublish_initiative(initiative=Initiative.objects.get(slug="pare-1-1"))
    assert "pare-1-1" not in slugs(parse(client, "/initiatives/feed/"))
    assert slugs(parse(client, "/themes/remittances/feed/")) == []
    make_initiative(title="Only a draft", slug="only-a-draft", themes=["remittances"], publish=False)
    assert slugs(parse(client, "/themes/remittances/feed/")) == []


def test_feed_is_capped_at_fifty_items(client):
    for n in range(50):
        make_initiative(title=f"Extra {n}")
    assert len(parse(client, "/initiatives/feed/").entries) == 50


# --- query counts ---------------------------------------------------------------------------

# The feed's rows (1) and their themes and regions (2); a term feed first looks up its term (1); a
# tag feed also needs the initiative content type (cached after the first request).
PINNED = {
    "/initiatives/feed/": 3,
    "/initiatives/feed/?theme=remittances&region=europe": 5,
    "/regions/europe/feed/": 4,
    "/themes/remittances/feed/": 4,
    "/countries/ma/feed/": 4,
    "/tags/diaspora/feed/": 4,
    "/organisations/ilo/feed/": 4,
    "/categories/regional-consultative-processes/feed/": 4,
    "/principles/human-rights/feed/": 4,
}


def _add_published_initiatives(n):
    """``n`` more published initiatives (through services.publish_initiative) on every term used above."""
    principle = GuidingPrinciple.objects.get(slug="human-rights")
    for i in range(n):
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


@pytest.mark.parametrize(("url", "expected"), PINNED.items())
def test_feed_query_count_is_pinned_and_does_not_grow(client, url, expected, django_assert_num_queries):
    # Every feed starts with at least one item, so that its prefetches run in both measurements.
    Initiative.objects.get(slug=ARS).principles.add(GuidingPrinciple.objects.get(slug="human-rights"))
    client.get(url)  # warm the content-type cache
    with django_assert_num_queries(expected):
        first = client.get(url)
    assert first.status_code == 200
    _add_published_initiatives(30)
    with django_assert_num_queries(expected):
        second = client.get(url)
    assert second.status_code == 200
    assert len(feedparser.parse(second.content).entries) > len(feedparser.parse(first.content).entries)
