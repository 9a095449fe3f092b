"""Every feed is valid RSS 2.0 or Atom 1.0: the rules a feed validator checks, written out.

No maintained offline validator exists on PyPI (the W3C Feed Validation Service is a web service), so the
checks below follow the specifications (RSS 2.0 at rssboard.org, RFC 4287 for Atom) and what the W3C
validator reports as errors: required elements present once, no unknown elements in the format's namespace,
RFC 822 dates in RSS and RFC 3339 dates in Atom, absolute URLs, ids unique, a self link with the feed's own
address (its canonical one), authors well formed. feedparser reads every feed without a complaint too.
"""

import email.utils
import re
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import feedparser
import pytest
from taggit.models import Tag

from initiatives import services
from initiatives.models import Category, Country, GuidingPrinciple, Initiative, Organisation, Region, Theme
from tests.factories import make_initiative
from tests.shared_rows import shared_rows

# What it checks is the HTTP layer, not the database engine: run once, in the SQLite pass (README, "Running the tests").
pytestmark = [pytest.mark.django_db, pytest.mark.any_database]

ATOM = "http://www.w3.org/2005/Atom"
DC = "http://purl.org/dc/elements/1.1/"

RFC822 = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} "
    r"\d{2}:\d{2}:\d{2} [+-]\d{4}$"
)
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")

RSS_CHANNEL = {
    "title", "link", "description", "language", "copyright", "managingEditor", "webMaster", "pubDate",
    "lastBuildDate", "category", "generator", "docs", "cloud", "ttl", "image", "rating", "textInput", "skipHours",
    "skipDays", "item",
}  # fmt: skip
RSS_ITEM = {"title", "link", "description", "author", "category", "comments", "enclosure", "guid", "pubDate", "source"}
ATOM_FEED = {
    "author", "category", "contributor", "generator", "icon", "id", "link", "logo", "rights", "subtitle", "title",
    "updated", "entry",
}  # fmt: skip
ATOM_ENTRY = {
    "author", "category", "content", "contributor", "id", "link", "published", "rights", "source", "summary",
    "title", "updated",
}  # fmt: skip


def a(name):
    return f"{{{ATOM}}}{name}"


def assert_absolute(url):
    parts = urlsplit(url)
    assert parts.scheme in ("http", "https") and parts.netloc, f"not an absolute URL: {url!r}"


def assert_rfc822(value):
    assert RFC822.match(value), f"not an RFC 822 date: {value!r}"
    parsed = email.utils.parsedate_to_datetime(value)
    assert parsed.strftime("%a") == value[:3], f"weekday does not match the date: {value!r}"


def assert_rfc3339(value):
    assert RFC3339.match(value), f"not an RFC 3339 date: {value!r}"


def children(element, namespace=""):
    """Local names of the element's children in ``namespace`` ("" for none)."""
    prefix = f"{{{namespace}}}" if namespace else ""
    names = []
    for child in element:
        if namespace and child.tag.startswith(prefix):
            names.append(child.tag[len(prefix) :])
        elif not namespace and not child.tag.startswith("{"):
            names.append(child.tag)
    return names


def exactly_once(names, *required):
    for name in required:
        assert names.count(name) == 1, f"<{name}> appears {names.count(name)} times"


def at_most_once(names, *optional):
    for name in optional:
        assert names.count(name) <= 1, f"<{name}> appears {names.count(name)} times"


def validate_rss(body: bytes, url: str) -> ET.Element:
    root = ET.fromstring(body)
    assert root.tag == "rss" and root.get("version") == "2.0"
    assert [child.tag for child in root] == ["channel"]
    channel = root[0]
    names = children(channel)
    assert set(names) <= RSS_CHANNEL, set(names) - RSS_CHANNEL
    exactly_once(names, "title", "link", "description")
    at_most_once(names, "language", "lastBuildDate", "pubDate", "ttl")
    assert channel.findtext("title").strip()
    assert channel.findtext("description").strip()
    assert_absolute(channel.findtext("link"))
    assert re.match(r"^[a-z]{2}(-[a-z]{2})?$", channel.findtext("language"))
    assert_rfc822(channel.findtext("lastBuildDate"))
    self_links = [link for link in channel.findall(a("link")) if link.get("rel") == "self"]
    assert len(self_links) == 1
    assert self_links[0].get("href") == url
    assert {child.tag for child in channel if child.tag.startswith("{")} <= {a("link")}

    guids = []
    for item in channel.findall("item"):
        names = children(item)
        assert set(names) <= RSS_ITEM, set(names) - RSS_ITEM
        exactly_once(names, "title", "link", "description", "guid", "pubDate")
        assert item.findtext("title").strip()
        assert_absolute(item.findtext("link"))
        assert_rfc822(item.findtext("pubDate"))
        guid = item.find("guid")
        assert guid.get("isPermaLink") == "false"
        assert_absolute(guid.text)
        guids.append(guid.text)
        # RSS's <author> must be an e-mail address: a name alone goes in dc:creator, once.
        assert "author" not in names
        creators = item.findall(f"{{{DC}}}creator")
        assert len(creators) <= 1
        assert all(creator.text and creator.text.strip() for creator in creators)
        assert all(category.text and category.text.strip() for category in item.findall("category"))
        assert {child.tag for child in item if child.tag.startswith("{")} <= {f"{{{DC}}}creator"}
    assert len(guids) == len(set(guids)), "duplicate guids"
    return channel


def validate_atom(body: bytes, url: str) -> ET.Element:
    root = ET.fromstring(body)
    assert root.tag == a("feed")
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    names = children(root, ATOM)
    assert set(names) <= ATOM_FEED, set(names) - ATOM_FEED
    assert len(names) == len(root), "elements outside the Atom namespace"
    exactly_once(names, "id", "title", "updated")
    at_most_once(names, "subtitle", "rights", "icon", "logo", "generator")
    assert root.findtext(a("title")).strip()
    assert_absolute(root.findtext(a("id")))
    assert_rfc3339(root.findtext(a("updated")))
    links = {link.get("rel", "alternate"): link.get("href") for link in root.findall(a("link"))}
    assert len(links) == len(root.findall(a("link"))), "two links with the same relation"
    assert links.get("self") == url
    assert_absolute(links["alternate"])
    feed_authors = root.findall(a("author"))
    for author in [*feed_authors, *root.findall(f"{a('entry')}/{a('author')}")]:
        author_names = children(author, ATOM)
        assert author_names.count("name") == 1 and set(author_names) <= {"name", "uri", "email"}
        assert author.findtext(a("name")).strip()
        if author.find(a("uri")) is not None:
            assert_absolute(author.findtext(a("uri")))

    ids = []
    for entry in root.findall(a("entry")):
        names = children(entry, ATOM)
        assert set(names) <= ATOM_ENTRY, set(names) - ATOM_ENTRY
        assert len(names) == len(entry), "elements outside the Atom namespace"
        exactly_once(names, "id", "title", "updated", "published", "summary")
        assert entry.findtext(a("title")).strip()
        assert_rfc3339(entry.findtext(a("updated")))
        assert_rfc3339(entry.findtext(a("published")))
        assert entry.findtext(a("updated")) >= entry.findtext(a("published"))
        assert entry.find(a("summary")).get("type") == "html"
        entry_links = entry.findall(a("link"))
        assert [link.get("rel") for link in entry_links] == ["alternate"]
        assert_absolute(entry_links[0].get("href"))
        assert_absolute(entry.findtext(a("id")))
        ids.append(entry.findtext(a("id")))
        # The feed's own author stands in for an entry without one (RFC 4287, 4.1.1).
        assert feed_authors or entry.findall(a("author"))
        assert all(category.get("term", "").strip() for category in entry.findall(a("category")))
    assert len(ids) == len(set(ids)), "duplicate entry ids"
    return root


def fetch_and_validate(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    body = response.content
    text = body.decode("utf-8")
    assert text.startswith('<?xml version="1.0" encoding="utf-8"?>\n')
    is_atom = "/feed/atom/" in url
    assert "<?xml-stylesheet" not in text  # no XSLT: browsers get a page of their own (test_feeds.py)
    parsed = feedparser.parse(body)
    assert parsed.bozo == 0, (url, parsed.get("bozo_exception"))
    assert parsed.version == ("atom10" if is_atom else "rss20")
    # The self link is the feed's canonical address (the listing's link form: what its links to the feed carry), the
    # same for every address whose requests share the cached body: another order, values ignored, page or sort.
    path, _, query = url.partition("?")
    canonical = CANONICAL.get(query, query)
    absolute = f"http://testserver{path}" + (f"?{canonical}" if canonical else "")
    (validate_atom if is_atom else validate_rss)(body, absolute)
    return parsed


# The query strings of URLS not already in the link form, and their link form.
CANONICAL = {
    "region=europe&theme=inclusion-and-social-cohesion&status=ongoing": (
        "region=europe&status=ongoing&theme=inclusion-and-social-cohesion"
    ),
    "theme=nonexistent&year_from=abc": "",
    "theme=%3Cscript%3E&q=%22%3E%3Cimg%20src%3Dx%3E": "q=%22%3E%3Cimg+src%3Dx%3E",
}


URLS = [
    "/en/initiatives/feed/",
    "/en/initiatives/feed/?theme=remittances",
    "/en/initiatives/feed/?region=europe&theme=inclusion-and-social-cohesion&status=ongoing",
    "/en/initiatives/feed/?q=remittances",
    "/en/initiatives/feed/?q=nothing+matches+this",  # empty
    "/en/initiatives/feed/?theme=nonexistent&year_from=abc",  # ignored filters
    "/en/initiatives/feed/?theme=%3Cscript%3E&q=%22%3E%3Cimg%20src%3Dx%3E",
    "/en/regions/europe/feed/",
    "/en/regions/europe/feed/?theme=remittances",
    "/en/countries/ma/feed/",
    "/en/themes/remittances/feed/",
    "/en/principles/human-rights/feed/",  # empty
    "/en/categories/regional-consultative-processes/feed/",
    "/en/tags/diaspora/feed/",
    "/en/organisations/ilo/feed/",
]


@pytest.mark.parametrize("kind", ["rss", "atom"])
@pytest.mark.parametrize("url", URLS)
def test_feed_is_valid(client, url, kind):
    fetch_and_validate(client, url.replace("/feed/", "/feed/atom/") if kind == "atom" else url)


def _fifty_five():
    for n in range(55):
        make_initiative(
            title=f"Initiative <{n}> & “quotes”",
            summary=f"Line one of {n}.\n\nLine <b>two</b> & more.",
            themes=["remittances"],
            regions=["europe"],
            submitter_honorific="Dr." if n % 2 else "",
            submitter_name=f"Name {n}" if n % 3 else "",
        )


class TestFullFeed:
    """55 more initiatives, written once for both kinds of feed (tests/shared_rows.py)."""

    @pytest.fixture(scope="class")
    def fifty_five(self, django_db_setup, django_db_blocker):
        yield from shared_rows(django_db_blocker, _fifty_five)

    @pytest.mark.parametrize("kind", ["rss", "atom"])
    def test_a_full_feed_is_valid(self, fifty_five, client, kind):
        url = "/en/initiatives/feed/" if kind == "rss" else "/en/initiatives/feed/atom/"
        assert len(fetch_and_validate(client, url).entries) == 50


TAXONOMIES = [
    ("regions", Region, "slug"),
    ("countries", Country, "code"),
    ("themes", Theme, "slug"),
    ("principles", GuidingPrinciple, "slug"),
    ("categories", Category, "slug"),
    ("tags", Tag, "slug"),
    ("organisations", Organisation, "slug"),
]


@pytest.mark.parametrize(("prefix", "model", "lookup"), TAXONOMIES)
def test_every_term_has_valid_feeds(client, prefix, model, lookup):
    """Every region, theme, principle, category, tag and organisation, and every country with initiatives
    (with a few without: the 249 countries' empty feeds are all alike)."""
    Initiative.objects.get(slug="pare-1-1").principles.add(GuidingPrinciple.objects.get(slug="human-rights"))
    services.collection_changed()
    terms = model.objects.all()
    if model is Country:
        terms = list(terms.filter(initiatives__status="published").distinct()) + list(terms.order_by("code")[:3])
    assert terms
    for term in terms:
        value = getattr(term, lookup)
        fetch_and_validate(client, f"/en/{prefix}/{value}/feed/")
        fetch_and_validate(client, f"/en/{prefix}/{value}/feed/atom/")
