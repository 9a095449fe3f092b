"""The insight page (issue 14): a world map, bars per objective and year, counts per region, for a listing's filters."""

import datetime
import html
import re
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from initiatives import counts, services
from initiatives.insights import active_per_year, steps_for
from tests.browser.html_check import vnu_errors_many
from tests.factories import make_initiative

pytestmark = pytest.mark.django_db

URL = "/en/initiatives/insights/"
DISCLAIMER = (
    "The boundaries and names shown and the designations used on this map do not imply official endorsement or "
    "acceptance by the United Nations."
)
THIS_YEAR = timezone.localdate().year


@pytest.fixture
def probe():
    """Two published initiatives tagged "probe" (France in both, Germany in one) and a draft beside them."""
    make_initiative(
        title="Probe one",
        tags=["probe"],
        countries=["fr", "de"],
        themes=["remittances"],
        start_date=datetime.date(2019, 3, 1),
        end_date=datetime.date(2021, 6, 30),
    )
    make_initiative(
        title="Probe two",
        tags=["probe"],
        countries=["fr"],
        themes=["remittances", "data"],
        start_date=datetime.date(2020, 1, 1),
    )
    make_initiative(
        title="Probe draft",
        publish=False,
        tags=["probe"],
        countries=["fr", "it"],
        themes=["remittances", "data"],
        start_date=datetime.date(2018, 1, 1),
    )


def rows(page: str, caption: str) -> dict[str, str]:
    """The rows of the table with that caption: header cell's text → last cell's text."""
    table = re.search(rf"<caption>{re.escape(caption)}</caption>(.*?)</table>", page, re.S).group(1)
    found = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S):
        header = re.search(r"<th scope=\"row\">(.*?)</th>", row, re.S)
        if header:
            cells = re.findall(r"<td>(.*?)</td>", row, re.S)
            found[html.unescape(re.sub(r"<[^>]+>", "", header.group(1))).strip()] = cells[-1].strip()
    return found


def map_link(page: str, name: str) -> str | None:
    """The href of the map shape titled with the country's name (None when the shape is not a link)."""
    match = re.search(rf'<a href="([^"]+)" class="map-country[^"]*"><title>{re.escape(name)}: ', page)
    return html.unescape(match.group(1)) if match else None


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_counts_of_a_filtered_set_leave_out_drafts_and_other_initiatives(client, probe):
    page = get(client, f"{URL}?tag=probe")
    assert "2 initiatives match these filters." in page
    assert rows(page, "Initiatives per country") == {"France": "2", "Germany": "1"}  # the draft's Italy is not there
    themes = rows(page, "Initiatives per GCM objective")
    assert len(themes) == 23
    assert themes["20. Remittances"] == "2"
    assert themes["1. Data"] == "1"  # not 2: the draft is not counted
    assert themes["2. Minimize adverse drivers"] == "0"
    years = rows(page, "Initiatives active per year")
    assert "2018" not in years  # only the draft started then
    assert (years["2019"], years["2020"], years["2021"], years["2022"]) == ("1", "2", "2", "1")
    assert years[str(THIS_YEAR)] == "1"  # the one without an end date is counted up to this year
    regions = rows(page, "Initiatives per region and sub-region")
    assert regions["Europe"] == "2"
    assert regions["Western Europe"] == "2"
    assert "Southern Europe" not in regions  # Italy is only the draft's


def test_each_shape_and_bar_links_to_the_listing_that_shows_its_count(client, probe):
    page = get(client, f"{URL}?tag=probe&sort=title")
    france = map_link(page, "France")
    assert france == "/en/initiatives/?country=fr&tag=probe"
    assert map_link(page, "Italy") is None  # no initiative: drawn, not linked
    assert '<path class="map-country step-0"' in page and "<title>Italy: no initiative</title>" in page
    listing = get(client, france)
    assert "2 initiatives" in listing
    theme_link = html.unescape(re.search(r'<a class="bar-label" href="([^"]+)"><span class="bar-number">20.', page)[1])
    assert theme_link == "/en/initiatives/?tag=probe&theme=remittances"
    assert "2 initiatives" in get(client, theme_link)
    assert 'href="/en/initiatives/?tag=probe&amp;year_from=2022&amp;year_to=2022"' in page
    assert "1 initiative<" in get(client, "/en/initiatives/?tag=probe&year_from=2022&year_to=2022")
    assert 'href="/en/initiatives/?region=western-europe&amp;tag=probe"' in page
    # An objective without initiatives is a bar without a link.
    assert '<span class="bar-label"><span class="bar-number">2.</span> Minimize adverse drivers</span>' in page


def test_a_country_filter_is_replaced_by_the_shape_followed(client, probe):
    page = get(client, f"{URL}?tag=probe&country=de")
    assert "1 initiative matches these filters." in page
    # Each country's count applies the other filters (like the listing's facet), France is still 2.
    assert rows(page, "Initiatives per country") == {"France": "2", "Germany": "1"}
    assert map_link(page, "France") == "/en/initiatives/?country=fr&tag=probe"
    assert 'class="map-country step-' in page and " selected" in page


def test_the_whole_collection_and_the_map_policy(client):
    page = get(client, URL)
    assert "7 initiatives match these filters." in page
    assert DISCLAIMER in page
    assert "Areas without a UN M49 code are hatched" in page
    assert page.count('class="map-unassigned"') == 5
    assert not re.search(r'<a [^>]*class="map-unassigned', page)
    assert rows(page, "Initiatives per country")["Morocco"] == "2"


def test_the_home_page_shows_the_map(client):
    page = get(client, "/en/")
    assert DISCLAIMER in page
    assert map_link(page, "Morocco") == "/en/initiatives/?country=ma"
    assert f'href="{URL}"' in page
    assert "insights.css" in page


def test_listings_and_term_pages_link_to_their_insight(client):
    page = get(client, "/en/initiatives/?theme=remittances&page=2&sort=title&bogus=1")
    assert f'<a href="{URL}?theme=remittances">Map and charts of these initiatives</a>' in page
    page = get(client, "/en/countries/ma/?theme=remittances")
    assert f'<a href="{URL}?country=ma&amp;theme=remittances">' in page
    page = get(client, "/en/themes/remittances/")
    assert f'<a href="{URL}?theme=remittances">' in page
    assert f'<a href="{URL}">' in get(client, "/en/initiatives/")


HOSTILE = [
    "theme=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "country=" + "x" * 5000,
    "year_from=abc&year_to=-5",
    "year_from=1&year_to=999999999999",
    "q=" + quote('"unclosed OR OR -' * 200),
    "page=-1",
    "&".join(f"tag=t{n}" for n in range(500)),
    "%3Cscript%3E=1",
    "status=%00",
]


@pytest.mark.parametrize("query", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_parameters_give_a_normal_page(client, query):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<script>alert" not in body
    assert DISCLAIMER in body


def test_query_count_is_pinned_and_a_repeat_comes_from_the_cache(client, django_assert_num_queries, miss_window_begun):
    # The throttle's count; the tag filter's term; the per-country, per-objective and per-region counts, the total
    # and the years' grouped count (then cached); the countries, the objectives and the regions.
    # Issue 15: the three facets share their base (the tag filter): counted in one query (−2); the facet bitmaps
    # (facet_bitmaps.py) read the memberships of the initiatives published since they last counted (+1); the total
    # and the counts made from one reading of the bitmaps' changes (−1).
    queries = 8
    url = f"{URL}?tag=probe"
    make_initiative(tags=["probe"], countries=["fr"], start_date=datetime.date(2020, 1, 1))
    with django_assert_num_queries(queries):
        get(client, url)
    with django_assert_num_queries(0):
        get(client, url)
    for _ in range(10):
        make_initiative(tags=["probe"], countries=["de", "ma"], themes=["remittances"], regions=["africa"])
    counts.invalidate()
    with django_assert_num_queries(queries):
        assert "11 initiatives match" in get(client, url)


def test_the_listing_and_its_insight_share_their_cached_counts(client, probe, miss_window_begun):
    get(client, "/en/initiatives/?tag=probe")  # computes and caches the facets' counts and the total
    with CaptureQueriesContext(connection) as captured:
        get(client, f"{URL}?tag=probe")
    counted = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counted) == 1, counted  # the years' grouped count: no facet and no total counted again


def test_html_is_valid(client, probe):
    pages = {url: get(client, url) for url in (f"{URL}?tag=probe", URL, "/en/", "/ar/initiatives/insights/")}
    assert vnu_errors_many(pages) == {url: [] for url in pages}


def test_no_initiative_gets_the_insight_page_slug(client):
    assert services.unique_slug("Insights") == "insights-2"
    assert services.unique_slug("Feed") == "feed-2"
    initiative = make_initiative(title="Insights", slug=services.unique_slug("Insights"))
    assert client.get(initiative.get_absolute_url()).status_code == 200


def test_years_are_counted_as_the_listing_reads_them():
    spans = [(2019, 2021, 1), (2020, None, 2), (2030, 2031, 1), (1500, 1501, 5)]
    per_year = active_per_year(spans, this_year=2024)
    assert per_year[2019] == 1 and per_year[2020] == 3 and per_year[2022] == 2 and per_year[2024] == 2
    assert per_year[2030] == 3 and max(per_year) == 2031
    assert len(per_year) <= 40  # bounded, whatever the dates


def test_map_steps_cover_one_to_the_highest_count():
    assert steps_for(0) == []
    assert [(s.low, s.high) for s in steps_for(1)] == [(1, 1)]
    legend = steps_for(1000)
    assert len(legend) == 5 and legend[0].low == 1 and legend[-1].high == 1000
    assert all(a.high + 1 == b.low for a, b in zip(legend, legend[1:], strict=False))
