"""The portal's identity and chrome (issue 14): logo and favicon set, the header's navigation, the result cards."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils import translation
from PIL import Image

from tests.factories import make_initiative

# What it checks is the HTTP layer, not the database engine: run once, in the SQLite pass (README, "Running the tests").
pytestmark = [pytest.mark.django_db, pytest.mark.any_database]

STATIC_PREFIX = settings.STATIC_URL


def static_path(url: str) -> Path:
    """The file behind a static URL of the page (hashed names in production are looked up by their source name)."""
    assert url.startswith(STATIC_PREFIX), url
    found = finders.find(url.removeprefix(STATIC_PREFIX))
    assert found, f"{url} is not a static file"
    return Path(found)


def head_links(html: str) -> dict[str, list[str]]:
    head = html[: html.index("</head>")]
    links: dict[str, list[str]] = {}
    for attrs in re.findall(r"<link ([^>]*)>", head):
        attributes = dict(re.findall(r'([\w-]+)="([^"]*)"', attrs))
        links.setdefault(attributes.get("rel", ""), []).append(attributes.get("href", ""))
    return links


def card(html: str, slug: str) -> str:
    """The card of the initiative ``slug`` in a page of cards."""
    for article in re.findall(r'<article class="card[^"]*">.*?</article>', html, re.S):
        if f'href="/en/initiatives/{slug}/"' in article:
            return article
    raise AssertionError(f"no card for {slug}")


def nav(html: str, label: str) -> str:
    return re.search(rf'<nav class="[^"]*" aria-label="{label}">(.*?)</nav>', html, re.S).group(1)


# --- logo and favicon set --------------------------------------------------------------------------------------


def test_every_page_links_the_favicon_set_and_each_file_is_what_it_says():
    from django.test import Client

    html = Client().get("/en/").content.decode()
    links = head_links(html)
    icons = [static_path(url) for url in links["icon"]]
    assert {path.name for path in icons} == {"favicon.ico", "favicon.svg"}
    with Image.open(static_path(links["apple-touch-icon"][0])) as touch:
        assert touch.size == (180, 180) and touch.mode == "RGB"  # opaque: iOS would fill transparency with black
    with Image.open(static_path(f"{STATIC_PREFIX}img/favicon.ico")) as ico:
        assert ico.info["sizes"] == {(16, 16), (32, 32)}
    for svg in ("img/favicon.svg", "img/logo.svg"):
        text = static_path(STATIC_PREFIX + svg).read_text()
        assert text.startswith("<svg") and "<text" not in text and "<script" not in text  # the name is HTML text

    manifest_path = static_path(links["manifest"][0])
    manifest = json.loads(manifest_path.read_text())
    sizes = {}
    for icon in manifest["icons"]:
        file = manifest_path.parent / icon["src"]  # relative to the manifest's own address
        assert file.is_file(), icon
        if icon["type"] == "image/png":
            with Image.open(file) as image:
                sizes[icon["sizes"]] = image.size
    assert sizes == {"192x192": (192, 192), "512x512": (512, 512)}


def test_favicon_ico_at_the_root_answers_with_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert static_path(response["Location"]).name == "favicon.ico"
    # Hostile or odd requests get a plain answer, never an error page.
    assert client.get("/favicon.ico?<script>=1").status_code == 302
    assert client.post("/favicon.ico").status_code == 405
    assert client.get("/favicon.ico/").status_code == 404


# --- the header ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_the_brand_is_the_logo_and_the_sites_name_as_text(client, language):
    html = client.get(f"/{language}/").content.decode()
    brand = re.search(r'<a class="brand" href="([^"]*)">(.*?)</a>', html, re.S)
    assert brand.group(1) == f"/{language}/"
    image = re.search(r"<img ([^>]*)>", brand.group(2)).group(1)
    assert 'alt=""' in image and static_path(re.search(r'src="([^"]*)"', image).group(1)).name == "logo.svg"
    assert f'<span class="brand-name">{settings.SITE_NAME}</span>' in brand.group(2)


@pytest.mark.parametrize(
    ("path", "current"),
    [
        ("/en/", {}),
        ("/en/initiatives/", {"Initiatives": "page"}),
        ("/en/initiatives/thamm/", {"Initiatives": "true"}),
        ("/en/regions/", {"Regions": "page"}),
        ("/en/regions/europe/", {"Regions": "true"}),
        ("/en/countries/ma/", {"Regions": "true"}),
        ("/en/themes/remittances/", {"Themes": "true"}),
        ("/en/categories/", {"Categories": "page"}),
        ("/en/organisations/", {"Organisations": "page"}),
        ("/en/submit/", {"Share a practice": "page"}),
        ("/en/tags/", {}),
        ("/en/no-such-page/", {}),
    ],
)
def test_the_main_navigation_marks_the_current_section_only(client, django_user_model, path, current):
    client.force_login(django_user_model.objects.create_user("reader", "reader@example.org", password=None))
    response = client.get(path)
    links = re.findall(
        r"<a href=\"[^\"]*\"(?: aria-current=\"(\w+)\")?>([^<]*)</a>", nav(response.content.decode(), "Main")
    )
    assert len(links) == 6
    assert {text: state for state, text in links if state} == current


def test_the_header_has_two_rows_brand_and_navigation_then_search_account_and_languages(client):
    html = client.get("/en/").content.decode()
    header = html[html.index('<header class="site-header">') : html.index("</header>")]
    first, second = header.split('<div class="header-tools">')
    assert 'class="brand"' in first and 'aria-label="Main"' in first
    for part in ('role="search"', 'aria-label="Account"', 'aria-label="Language"'):
        assert part in second and part not in first


def test_the_header_is_translated(client):
    with translation.override("fr"):
        main, search = translation.gettext("Main"), translation.gettext("Search initiatives")
    html = client.get("/fr/").content.decode()
    assert main != "Main" and f'aria-label="{main}"' in html
    assert f'placeholder="{search}"' in html


# --- result cards ----------------------------------------------------------------------------------------------


def test_a_card_has_one_link_a_meta_row_badges_and_the_whole_summary(client):
    long_summary = " ".join(f"word{n}" for n in range(150)) + " the-last-word."
    make_initiative(
        title="A card of many countries",
        slug="many-countries",
        summary=long_summary,
        countries=["ma", "tn", "eg", "ly", "dz"],
        regions=["africa"],
        themes=["remittances", "regular-pathways"],
        start_date="2015-03-01",
        end_date="2019-06-30",
    )
    html = client.get("/en/initiatives/").content.decode()
    article = card(html, "many-countries")
    assert re.findall(r"<a [^>]*>", article) == ['<a href="/en/initiatives/many-countries/" dir="auto">']
    meta = re.search(r'<ul class="card-meta">(.*?)</ul>', article, re.S).group(1)
    places = re.sub(r"\s+", " ", re.search(r'<li class="card-places">(.*?)</li>', meta, re.S).group(1)).strip()
    assert places == "Algeria, Egypt, Libya and 2 others"  # countries in name order, not the region
    assert re.sub(r"\s+", " ", re.search(r'<li class="card-years">(.*?)</li>', meta, re.S).group(1)).strip() == (
        "2015–2019"
    )
    assert '<li class="card-category">Regional Consultative Processes and International Regional Fora</li>' in meta
    # Objective badges: the number shown, the full name read out and in the tooltip.
    badges = re.findall(r'<li class="objective-badge" title="([^"]*)">(.*?)</li>', article, re.S)
    assert [title for title, _ in badges] == ["Objective 5: Regular pathways", "Objective 20: Remittances"]
    assert (
        '<span aria-hidden="true">Obj. 20</span><span class="visually-hidden">Objective 20: Remittances</span>'
        in (badges[1][1])
    )
    # The whole summary is in the page (CSS shows three lines of it).
    assert "the-last-word." in article and "…" not in article


def test_a_card_without_countries_names_its_regions_and_one_without_places_none(client):
    make_initiative(
        title="Regional only", slug="regional-only", regions=["africa", "europe"], start_date="2020-01-01", ongoing=True
    )
    make_initiative(title="Nowhere in particular", slug="nowhere", start_date="2018-01-01", end_date="2018-12-31")
    html = client.get("/en/initiatives/").content.decode()
    regional = card(html, "regional-only")
    assert re.search(r'<li class="card-places">Africa, Europe</li>', regional)
    assert re.search(r'<li class="card-years">\s*Since 2020\s*</li>', regional)
    nowhere = card(html, "nowhere")
    assert "card-places" not in nowhere and "objective-badges" not in nowhere
    assert re.search(r'<li class="card-years">\s*2018\s*</li>', nowhere)  # one year, not "2018–2018"


def test_cards_on_the_home_page_and_in_french(client):
    make_initiative(title="Dans plusieurs pays", slug="plusieurs-pays", countries=["ma"], themes=["remittances"])
    with translation.override("fr"):
        objective = str(translation.gettext("Objective %(number)s: %(name)s"))
    html = client.get("/fr/").content.decode()
    article = re.search(
        r'<article class="card[^"]*">(?:(?!</article>).)*plusieurs-pays.*?</article>', html, re.S
    ).group(0)
    assert objective.startswith("Objectif") and 'class="objective-badge" title="Objectif 20' in article
    assert '<li class="card-places">Maroc</li>' in article
