"""Site-wide addresses: sitemap.xml, robots.txt, /healthz, and the 404 and 500 pages."""

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from initiatives import counts, services
from initiatives.models import Category, Initiative
from tests.factories import make_initiative
from tests.portal.servers import free_port

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
BASE = "http://testserver"
SEED_SLUGS = {
    "thamm",
    "eudif",
    "regional-project-on-sectoral-qualifications-in-the-euro-mediterranean",
    "anti-rumour-strategy-handbook",
    "amicall",
    "pare-1-1",
    "recommendations-of-the-11th-asean-forum-on-migrant-labour",
}


def sitemap_xml(client, path: str, tag: str) -> ET.Element:
    response = client.get(path)
    assert response.status_code == 200, path
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)  # raises on malformed XML
    assert root.tag == f"{{http://www.sitemaps.org/schemas/sitemap/0.9}}{tag}"
    return root


def sitemap_sections(client) -> list[str]:
    """The addresses of the sitemap's pages, as the index at /sitemap.xml lists them."""
    root = sitemap_xml(client, "/sitemap.xml", "sitemapindex")
    return [entry.find("sm:loc", SITEMAP_NS).text for entry in root.findall("sm:sitemap", SITEMAP_NS)]


def sitemap_entries(client) -> list[ET.Element]:
    """Every <url> of every page the sitemap index lists."""
    entries = []
    for section in sitemap_sections(client):
        entries += sitemap_xml(client, section.removeprefix(BASE), "urlset").findall("sm:url", SITEMAP_NS)
    return entries


def sitemap_locations(client) -> list[str]:
    urls = sitemap_entries(client)
    for url in urls:
        assert url.find("sm:loc", SITEMAP_NS) is not None
    return [url.find("sm:loc", SITEMAP_NS).text for url in urls]


def test_sitemap_is_valid_xml_listing_every_published_initiative(client):
    locations = sitemap_locations(client)
    for slug in SEED_SLUGS:
        assert f"{BASE}/en/initiatives/{slug}/" in locations, slug
    assert len(locations) == len(set(locations)), "duplicate URLs"


@pytest.mark.parametrize(
    "path",
    [
        "/en/",
        "/en/initiatives/",
        "/en/regions/",
        "/en/themes/",
        "/en/regions/europe/",
        "/en/regions/africa/",
        "/en/regions/northern-africa/",
        "/en/countries/ma/",
        "/en/countries/md/",
        "/en/themes/remittances/",
        "/en/categories/regional-consultative-processes/",
        "/en/organisations/ilo/",
        "/en/tags/diaspora/",
    ],
)
def test_sitemap_lists_the_term_and_index_pages(client, path):
    assert f"{BASE}{path}" in sitemap_locations(client)


def test_sitemap_leaves_out_terms_without_published_initiatives(client):
    locations = sitemap_locations(client)
    for path in ("/en/regions/oceania/", "/en/countries/fj/", "/en/themes/data/", "/en/categories/partnerships/"):
        assert f"{BASE}{path}" not in locations, path


# Routing: every address the sitemaps give leads to a page (a few hundred of them, 11 s a pass). The pages themselves
# are tested on both databases by their own modules.
@pytest.mark.any_database
def test_every_sitemap_address_answers_200(client, settings):
    settings.ANONYMOUS_CACHE_MISSES_PER_MINUTE = 0  # one client computes every page here (a crawler would be paced)
    for location in sitemap_locations(client):
        path = location.removeprefix(BASE)
        assert client.get(path).status_code == 200, path


def test_sitemap_has_lastmod_for_initiatives(client):
    for url in sitemap_entries(client):
        if "/en/initiatives/thamm/" in url.find("sm:loc", SITEMAP_NS).text:
            lastmod = url.find("sm:lastmod", SITEMAP_NS)
            assert lastmod is not None and lastmod.text
            break
    else:
        pytest.fail("THAMM not in the sitemap")


@pytest.mark.parametrize("status", [Initiative.Status.DRAFT, Initiative.Status.ARCHIVED])
def test_sitemap_leaves_out_unpublished_initiatives_and_their_terms(client, status):
    initiative = make_initiative(
        title="Not public yet",
        slug="not-public-yet",
        publish=False,
        regions=["oceania"],
        countries=["fj"],
        themes=["data"],
        organisations=["Hidden Partner"],
    )
    if status == Initiative.Status.ARCHIVED:
        services.publish_initiative(initiative=initiative)
        services.archive_initiative(initiative=initiative)
    locations = sitemap_locations(client)
    for path in (
        "/en/initiatives/not-public-yet/",
        "/en/regions/oceania/",
        "/en/countries/fj/",
        "/en/themes/data/",
        "/en/organisations/hidden-partner/",
    ):
        assert f"{BASE}{path}" not in locations, path


@pytest.mark.parametrize("status", [Initiative.Status.DRAFT, Initiative.Status.ARCHIVED])
def test_sitemap_leaves_out_tags_used_only_by_unpublished_initiatives(client, status):
    # Like the tag index (/en/tags/), which lists only tags of published initiatives: a draft's tags
    # are not public, and their pages would be empty.
    initiative = make_initiative(title="Not public yet", slug="not-public-yet", tags=["secret-draft-tag"])
    if status == Initiative.Status.DRAFT:
        services.unpublish_initiative(initiative=initiative)
    else:
        services.archive_initiative(initiative=initiative)
    assert "secret-draft-tag" not in client.get("/en/tags/").content.decode()
    assert f"{BASE}/en/tags/secret-draft-tag/" not in sitemap_locations(client)


def test_sitemap_adds_a_newly_published_initiative_and_its_terms(client):
    make_initiative(title="Pacific practice", slug="pacific-practice", regions=["oceania"], tags=["pacific-tag"])
    locations = sitemap_locations(client)
    for path in ("/en/initiatives/pacific-practice/", "/en/regions/oceania/", "/en/tags/pacific-tag/"):
        assert f"{BASE}{path}" in locations, path


@pytest.mark.parametrize(
    ("path", "queries"),
    [
        # The initiatives' last change and page keys, and the number of terms of each of the nine taxonomies
        # (issue 13: SDG goals and targets, +2).
        ("/sitemap.xml", 11),
        ("/sitemap-initiatives.xml", 2),  # the page keys, the page
        ("/sitemap-tags.xml", 2),  # the count, the page
    ],
)
def test_sitemap_query_count_does_not_grow_and_a_repeat_is_served_from_the_cache(
    client, django_assert_num_queries, path, queries
):
    client.get(path)  # warm the content-type cache
    counts.invalidate()
    with django_assert_num_queries(queries):
        client.get(path)
    for n in range(20):
        make_initiative(title=f"Sitemap {n}", themes=["remittances"], tags=[f"sitemap-{n}"])
    with django_assert_num_queries(queries):
        assert client.get(path).status_code == 200
    with django_assert_num_queries(0):
        assert client.get(path).status_code == 200


def test_the_initiatives_are_paged_in_the_index_every_one_once_drafts_never(client, settings):
    settings.SITEMAP_PAGE_SIZE = 3
    for n in range(4):
        make_initiative(title=f"Paged {n}", slug=f"paged-{n}")
    make_initiative(title="A draft between them", slug="paged-draft", publish=False)
    make_initiative(title="Paged last", slug="paged-last")
    published = Initiative.objects.published().count()
    pages = -(-published // 3)
    sections = [s for s in sitemap_sections(client) if "/sitemap-initiatives.xml" in s]
    assert sections == [f"{BASE}/sitemap-initiatives.xml"] + [
        f"{BASE}/sitemap-initiatives.xml?p={n}" for n in range(2, pages + 1)
    ]
    locations = [
        url.find("sm:loc", SITEMAP_NS).text
        for section in sections
        for url in sitemap_xml(client, section.removeprefix(BASE), "urlset").findall("sm:url", SITEMAP_NS)
    ]
    # Each initiative once per language (/en/, /fr/, /es/, /ar/), its versions side by side on one page.
    languages = [code for code, _name in settings.LANGUAGES]
    expected = {
        f"{BASE}{i.get_absolute_url().replace('/en/', f'/{code}/', 1)}"
        for i in Initiative.objects.published()
        for code in languages
    }
    assert len(locations) == published * len(languages) and set(locations) == expected
    assert f"{BASE}/en/initiatives/paged-last/" in locations
    assert f"{BASE}/en/initiatives/paged-draft/" not in locations
    assert client.get(f"/sitemap-initiatives.xml?p={pages + 1}").status_code == 404
    counts.invalidate()
    with CaptureQueriesContext(connection) as index_queries:
        client.get("/sitemap.xml")
    # The index reads the pages' first keys and one MAX(updated_at), never every initiative's row.
    assert not [q["sql"] for q in index_queries if '"initiatives_initiative"."slug"' in q["sql"]]
    with CaptureQueriesContext(connection) as ignored_page:
        assert client.get("/sitemap.xml?p=12345").status_code == 200  # the index has no pages: the cached one
    assert len(ignored_page) == 0
    assert client.get("/sitemap-initiatives.xml?p=abc").status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


# --- robots.txt -----------------------------------------------------------------------------


def test_robots_txt_is_plain_text_with_a_sitemap_line(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    sitemap_lines = [line for line in lines if line.startswith("Sitemap:")]
    assert sitemap_lines == ["Sitemap: http://testserver/sitemap.xml"]


def test_robots_txt_does_not_hide_the_public_pages(client):
    lines = client.get("/robots.txt").content.decode().splitlines()
    assert "Disallow: /" not in lines


def test_robots_txt_only_answers_get(client):
    assert client.post("/robots.txt").status_code == 405


# --- /healthz -------------------------------------------------------------------------------


def test_healthz_says_ok_in_json(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    assert data["status"] == "ok"
    assert data == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


HEALTHZ_PROBE = (
    "import django, json; django.setup(); from django.test import Client; "
    "response = Client(HTTP_HOST='127.0.0.1').get('/healthz'); "
    "print(json.dumps([response.status_code, json.loads(response.content)]))"
)


@pytest.mark.system
def test_healthz_fails_when_the_read_replica_does_not_answer(tmp_path):
    """With DATABASE_REPLICA_URL set, anonymous pages read from the replica: a load balancer must hear when it is
    down. A process of its own, configured as in production: a primary that answers (an SQLite file) and a replica
    on a port nothing listens on."""
    port = free_port()  # nothing listens on it
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'primary.sqlite3'}",
        "DATABASE_REPLICA_URL": f"postgres://portal@127.0.0.1:{port}/portal",
    }
    result = subprocess.run(
        [sys.executable, "-c", HEALTHZ_PROBE],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    status, body = json.loads(result.stdout.strip().splitlines()[-1])
    assert status == 503
    assert body == {"status": "error", "database": "ok", "replica": "unavailable"}


def test_healthz_only_answers_get(client):
    assert client.post("/healthz").status_code == 405


# --- error pages ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/no-such-page/", "/en/initiatives/does-not-exist/", "/en/regions/atlantis/", "/en/countries/zz/"]
)
def test_404_uses_the_sites_own_page(client, path):
    assert settings.DEBUG is False
    response = client.get(path)
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Page not found</h1>" in html
    assert f"<title>Page not found – {settings.SITE_NAME}</title>" in html
    assert '<header class="site-header">' in html  # the site's header, from base.html
    assert 'class="brand" href="/en/">' in html and f'<span class="brand-name">{settings.SITE_NAME}</span>' in html
    assert 'href="/en/initiatives/"' in html  # a way back to the collection
    assert [t.name for t in response.templates][:2] == ["404.html", "base.html"]


def test_404_of_an_unpublished_initiative_looks_the_same(client):
    Initiative.objects.create(
        title="Hidden", slug="hidden", summary="S.", category=Category.objects.order_by("pk").first()
    )
    response = client.get("/en/initiatives/hidden/")
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.content.decode()


def test_500_template_renders_without_a_request_or_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        html = render_to_string("500.html")
    assert "<!DOCTYPE html>" in html
    assert "<title>Server error</title>" in html
    assert "Something went wrong on our side" in html
    assert 'href="/"' in html
