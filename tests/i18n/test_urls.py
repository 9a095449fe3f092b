"""The language in the address: /en/, /fr/, /es/, /ar/ before every page; unprefixed pages redirect to the
visitor's language; a switcher and hreflang alternates on every page and in the sitemap."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from initiatives.models import Initiative, SlugRedirect
from tests.factories import make_initiative

# What it checks is the HTTP layer, not the database engine: run once, in the SQLite pass (README, "Running the tests").
pytestmark = [pytest.mark.django_db, pytest.mark.any_database]

LANGS = ["en", "fr", "es", "ar"]
PAGES = [
    "/",
    "/initiatives/",
    "/initiatives/thamm/",
    "/themes/",
    "/themes/remittances/",
    "/regions/europe/",
    "/countries/ma/",
    "/accounts/login/",
    "/accounts/sign-up/",
    "/subscribe/?theme=remittances",
]


def html_element(response) -> dict:
    match = re.search(r"<html ([^>]*)>", response.content.decode())
    return dict(re.findall(r'(\w+)="([^"]*)"', match.group(1)))


def switcher(html: str) -> list[dict]:
    nav = re.search(r'<nav class="language-nav[^>]*>(.*?)</nav>', html, re.S).group(1)
    return [
        {**dict(re.findall(r'([\w-]+)="([^"]*)"', attrs)), "text": text}
        for attrs, text in re.findall(r"<a ([^>]*)>([^<]*)</a>", nav)
    ]


def alternates(html: str) -> dict:
    return dict(re.findall(r'<link rel="alternate" hreflang="([\w-]+)" href="([^"]*)">', html))


# --- Unprefixed addresses --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "cookie", "expected"),
    [
        ({}, None, "en"),
        ({"HTTP_ACCEPT_LANGUAGE": "fr-CA,fr;q=0.9,en;q=0.5"}, None, "fr"),
        ({"HTTP_ACCEPT_LANGUAGE": "de-DE,es;q=0.8"}, None, "es"),
        ({"HTTP_ACCEPT_LANGUAGE": "ar-EG"}, None, "ar"),
        ({"HTTP_ACCEPT_LANGUAGE": "de, ja"}, None, "en"),
        ({"HTTP_ACCEPT_LANGUAGE": "fr"}, "es", "es"),  # the cookie wins
        ({}, "ar", "ar"),
        ({"HTTP_ACCEPT_LANGUAGE": "es"}, "xx", "es"),  # a cookie naming no language of the site is ignored
    ],
)
def test_an_unprefixed_page_redirects_to_the_visitors_language_keeping_the_query(headers, cookie, expected):
    client = Client(**headers)
    if cookie:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = cookie
    response = client.get("/initiatives/?theme=remittances&q=work%20permits&page=2")
    assert response.status_code == 302
    assert response["Location"] == f"/{expected}/initiatives/?theme=remittances&q=work%20permits&page=2"
    vary = {v.strip() for v in response["Vary"].split(",")}
    assert {"Accept-Language", "Cookie"} <= vary


@pytest.mark.parametrize("path", ["/", "/initiatives/thamm/", "/themes/remittances/feed/", "/accounts/login/"])
def test_every_kind_of_page_redirects(client, path):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="fr")
    assert (response.status_code, response["Location"]) == (302, f"/fr{path}")


def test_an_old_feed_address_still_reaches_the_feed(client):
    response = client.get("/initiatives/feed/?theme=remittances", follow=True)
    assert response.redirect_chain == [("/en/initiatives/feed/?theme=remittances", 302)]
    assert response.status_code == 200 and b"<rss" in response.content


@pytest.mark.parametrize(
    "accept_language",
    [
        "x" * 5000,
        "fr;q=abc, es;q=-1, *;q=0",
        "';DROP TABLE x;--",
        "\u00e9\u00e8, \x00fr",
        ",,,;;;===",
        "zh-Hant-TW-x-private-a-b-c-d-e-f",
        "*",
        "ar-" + "a" * 300,
    ],
)
def test_a_hostile_accept_language_never_gives_a_500(accept_language):
    response = Client(HTTP_ACCEPT_LANGUAGE=accept_language).get("/initiatives/")
    assert response.status_code == 302
    assert re.fullmatch(r"/(en|fr|es|ar)/initiatives/", response["Location"])


@pytest.mark.parametrize(
    "path",
    [
        "/%00/",
        "/xx/initiatives/",
        "/fr-ca/initiatives/",
        "/en/en/initiatives/",
        "/initiatives/%E2%80%AE/",
        "/" + "a" * 3000 + "/",
        "/..%2F..%2Fetc/passwd",
        "//evil.example/",
        "/fr",
        "/initiatives",
    ],
)
def test_a_hostile_path_never_gives_a_500(client, path):
    response = client.get(path)
    assert response.status_code in (301, 302, 404)
    if response.status_code in (301, 302):
        assert response["Location"].startswith("/") and not response["Location"].startswith("//")


def test_old_slugs_redirect_permanently_within_the_language_prefix(client):
    SlugRedirect.remember("initiative", "thamm-old", Initiative.objects.get(slug="thamm").pk)
    response = client.get("/fr/initiatives/thamm-old/?ref=1")
    assert (response.status_code, response["Location"]) == (301, "/fr/initiatives/thamm/?ref=1")
    # Unprefixed: to the language first, then to the new slug.
    response = client.get("/initiatives/thamm-old/", HTTP_ACCEPT_LANGUAGE="es", follow=True)
    assert response.redirect_chain == [("/es/initiatives/thamm-old/", 302), ("/es/initiatives/thamm/", 301)]


# --- Prefixed pages --------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGS)
@pytest.mark.parametrize("path", PAGES)
def test_every_page_answers_in_each_language_with_its_lang_and_direction(client, language, path):
    response = client.get(f"/{language}{path}", HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 200
    assert html_element(response) == {"lang": language, "dir": "rtl" if language == "ar" else "ltr"}
    assert response["Content-Language"] == language
    assert "Accept-Language" not in response.get("Vary", "")  # a shared cache may keep it for everyone


def test_the_language_of_the_address_wins_over_the_cookie_and_accept_language():
    client = Client(HTTP_ACCEPT_LANGUAGE="ar")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    assert html_element(client.get("/fr/initiatives/"))["lang"] == "fr"


def test_the_switcher_links_to_this_page_in_each_language_keeping_the_query(client):
    query = "theme=remittances&region=europe&q=permits&page=1"
    html = client.get(f"/es/initiatives/?{query}").content.decode()
    links = switcher(html)
    assert [link["text"] for link in links] == ["English", "Français", "Español", "العربيّة"]
    assert [(link["lang"], link["hreflang"], link["dir"]) for link in links] == [
        ("en", "en", "ltr"),
        ("fr", "fr", "ltr"),
        ("es", "es", "ltr"),
        ("ar", "ar", "rtl"),
    ]
    assert [link["href"] for link in links] == [f"/{code}/initiatives/?{query.replace('&', '&amp;')}" for code in LANGS]
    assert [link.get("aria-current") for link in links] == [None, None, "page", None]
    with translation.override("es"):
        label = translation.gettext("Language")
    assert label != "Language"  # named in the page's language
    assert f'<nav class="language-nav" aria-label="{label}">' in html


def test_the_switcher_escapes_what_the_query_string_holds(client):
    html = client.get('/fr/initiatives/?q="><script>alert(1)</script>').content.decode()
    assert "<script>alert(1)" not in html
    assert switcher(html)[0]["href"].startswith("/en/initiatives/?q=%22%3E%3Cscript%3E")


def test_every_page_names_its_language_versions_with_absolute_addresses(client):
    html = client.get("/ar/themes/remittances/?region=europe").content.decode()
    assert alternates(html) == {
        **{code: f"{settings.SITE_URL}/{code}/themes/remittances/?region=europe" for code in LANGS},
        "x-default": f"{settings.SITE_URL}/themes/remittances/?region=europe",
    }


def test_the_404_page_offers_the_home_pages_and_no_alternates(client):
    response = client.get("/xx/nothing/")
    assert response.status_code == 404
    html = response.content.decode()
    assert [link["href"] for link in switcher(html)] == [f"/{code}/" for code in LANGS]
    assert alternates(html) == {}


def test_the_page_cache_keeps_one_copy_per_language(django_assert_num_queries):
    client = Client(REMOTE_ADDR="198.51.100.1")
    first = {code: client.get(f"/{code}/initiatives/?theme=remittances") for code in ("en", "fr")}
    assert all(response.context is not None for response in first.values())  # rendered once each
    for code in ("fr", "en", "fr"):
        with django_assert_num_queries(0):  # from the cache, whoever asks and in whatever order
            response = Client(REMOTE_ADDR="198.51.100.2").get(f"/{code}/initiatives/?theme=remittances")
        assert response.context is None
        assert html_element(response)["lang"] == code
        assert response.content == first[code].content


# --- Remembering the language ----------------------------------------------------------------


def test_a_request_without_cookies_never_gets_one():
    response = Client().get("/fr/initiatives/")
    assert response.status_code == 200
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert "private" not in response.get("Cache-Control", "")


def test_a_visitor_with_cookies_has_the_language_read_remembered_for_unprefixed_links():
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["csrftoken"] = "x" * 32  # any cookie: shared caches pass such requests through
    response = client.get("/fr/initiatives/?theme=remittances")
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "fr" and cookie["samesite"] == "Lax" and cookie["max-age"] == 365 * 24 * 60 * 60
    assert "private" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]
    assert client.get("/initiatives/")["Location"] == "/fr/initiatives/"
    assert settings.LANGUAGE_COOKIE_NAME not in client.get("/fr/themes/").cookies  # already so: nothing sent
    client.get("/ar/")  # the switcher's Arabic link
    assert client.get("/initiatives/")["Location"] == "/ar/initiatives/"


# --- Sitemap ---------------------------------------------------------------------------------

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "xhtml": "http://www.w3.org/1999/xhtml"}


def test_the_sitemap_lists_every_language_version_with_its_alternates(client):
    make_initiative(title="Pacific practice", slug="pacific-practice", regions=["oceania"])
    for section, path in [
        ("initiatives", "/initiatives/pacific-practice/"),
        ("regions", "/regions/oceania/"),
        ("pages", "/initiatives/"),
    ]:
        root = ET.fromstring(client.get(f"/sitemap-{section}.xml", HTTP_ACCEPT_LANGUAGE="fr").content)
        entries = {url.find("sm:loc", NS).text: url for url in root.findall("sm:url", NS)}
        expected = {code: f"http://testserver/{code}{path}" for code in LANGS}
        for location in expected.values():
            links = entries[location].findall("xhtml:link", NS)
            assert {link.get("hreflang"): link.get("href") for link in links} == {
                **expected,
                "x-default": f"http://testserver{path}",
            }
            assert {link.get("rel") for link in links} == {"alternate"}
        assert not [loc for loc in entries if not re.match(r"http://testserver/(en|fr|es|ar)/", loc)]


# --- Machine addresses stay unprefixed -------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/api/initiatives/", "/admin/login/", "/sitemap.xml", "/robots.txt", "/healthz", "/.well-known/security.txt"],
)
def test_machine_addresses_stay_unprefixed(client, path):
    assert client.get(path, HTTP_ACCEPT_LANGUAGE="fr").status_code == 200
    assert client.get(f"/fr{path}").status_code == 404


def test_the_admin_follows_accept_language(client):
    html = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert html_element_lang(html) == "fr"


def html_element_lang(html: str) -> str:
    return re.search(r'<html lang="([^"]+)"', html).group(1)
