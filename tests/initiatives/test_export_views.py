"""/en/initiatives/export.csv and /en/initiatives/export.json: the listing's results, downloadable."""

import csv
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from initiatives import services
from initiatives.models import Initiative
from tests.factories import make_initiative
from tests.shared_rows import shared_rows

pytestmark = pytest.mark.django_db

ALL_SEVEN = {
    "thamm",
    "eudif",
    "regional-project-on-sectoral-qualifications-in-the-euro-mediterranean",
    "anti-rumour-strategy-handbook",
    "amicall",
    "pare-1-1",
    "recommendations-of-the-11th-asean-forum-on-migrant-labour",
}


def download(client, url) -> tuple[object, bytes]:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.streaming
    return response, b"".join(response.streaming_content)


def csv_rows(client, query="") -> list[dict]:
    _response, body = download(client, f"/en/initiatives/export.csv{query}")
    return list(csv.DictReader(io.StringIO(body.decode("utf-8"), newline="")))


def json_rows(client, query="") -> list[dict]:
    _response, body = download(client, f"/en/initiatives/export.json{query}")
    return json.loads(body)


def listing_slugs(client, url) -> list[str]:
    """Every initiative the HTML page lists for this URL, over all its pages, in its order."""
    response = client.get(url)
    assert response.status_code == 200
    return [initiative.slug for initiative in response.context["paginator"].object_list]


def test_downloads_are_attachments_in_their_format_without_cors():
    from django.test import Client

    client = Client()
    response, body = download(client, "/en/initiatives/export.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="initiatives-')
    assert response["Content-Disposition"].endswith('.csv"')
    assert "Access-Control-Allow-Origin" not in response
    assert body.decode("utf-8").startswith("external_id,slug,title,")

    response, body = download(client, "/en/initiatives/export.json")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].endswith('.json"')
    assert "Access-Control-Allow-Origin" not in response
    assert {item["slug"] for item in json.loads(body)} == ALL_SEVEN
    assert client.post("/en/initiatives/export.csv").status_code == 405


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?region=europe",
        "?theme=remittances&theme=migrant-and-diaspora-contributions",
        "?country=ma&region=europe",
        "?country=MA",
        "?category=regional-consultative-processes",
        "?tag=diaspora",
        "?organisation=compas",
        "?year_from=2015&year_to=2020",
        "?status=completed",
        "?status=ongoing",
        "?q=migrant",
        "?q=labour&sort=title",
        "?sort=oldest",
        "?theme=no-such-theme&region=europe",
        "?year_from=abc&page=2",
    ],
)
def test_exports_hold_what_the_listing_shows_for_the_same_query_string(client, query):
    expected = listing_slugs(client, f"/en/initiatives/{query}")
    assert [row["slug"] for row in csv_rows(client, query)] == expected
    assert [row["slug"] for row in json_rows(client, query)] == expected


def test_exports_cover_every_page_of_the_listing(client, settings):
    settings.INITIATIVES_PAGE_SIZE = 2
    assert len(csv_rows(client)) == 7
    assert len(json_rows(client, "?page=2")) == 7


def test_public_exports_leave_out_drafts_archived_and_submitter_emails(client):
    Initiative.objects.filter(slug="thamm").update(submitter_email="private@example.org")
    make_initiative(title="A draft", publish=False, submitter_email="draft@example.org")
    services.archive_initiative(initiative=Initiative.objects.get(slug="eudif"))
    for url in ("/en/initiatives/export.csv", "/en/initiatives/export.json"):
        _response, body = download(client, url)
        assert b"@example.org" not in body
        assert b"submitter_email" not in body
    assert {row["slug"] for row in csv_rows(client)} == ALL_SEVEN - {"eudif"}
    assert {row["status"] for row in json_rows(client)} == {"published"}
    thamm = next(row for row in json_rows(client) if row["slug"] == "thamm")
    assert thamm["submitter_name"]  # the public credit stays


def test_exported_csv_neutralises_formulas(client):
    make_initiative(title='=HYPERLINK("https://evil.example","x")', summary="@SUM(A1)", tags=["+cmd"])
    row = next(row for row in csv_rows(client) if row["title"].startswith("'="))
    assert row["title"] == '\'=HYPERLINK("https://evil.example","x")'
    assert row["summary"] == "'@SUM(A1)"
    assert row["tags"] == "'+cmd"
    item = next(item for item in json_rows(client) if item["title"].startswith("="))  # JSON: the text itself
    assert item["summary"] == "@SUM(A1)"


def _published(n):
    for i in range(n):
        make_initiative(
            title=f"Remittances {i}",
            themes=["remittances", "regular-pathways"],
            regions=["europe"],
            countries=["md", "ma"],
            tags=["diaspora", f"tag-{i}"],
            organisations=["ILO", f"Org {i}"],
        )


EXPORTS = ["/en/initiatives/export.csv?theme=remittances", "/en/initiatives/export.json?tag=diaspora"]
# The filter's terms, whether there are more than EXPORTS_MAX_ROWS, the initiatives, and one query per prefetched
# relation (issue 13: +2, the SDGs and SDG targets): the same with 5 initiatives and with 50.
EXPORT_QUERIES = 12


def _export_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        _response, body = download(client, url)
    return len(captured.captured_queries), body


@pytest.mark.parametrize("url", EXPORTS)
def test_export_query_count_with_5_initiatives(client, url):
    _published(5)
    download(client, url)  # warm the content-type cache
    with_5, body_5 = _export_queries(client, url)
    assert body_5.count(b"Summary of Remittances ") == 5
    assert with_5 == EXPORT_QUERIES


class TestExportOf50:
    """The same query count with 50 (written once for both downloads: tests/shared_rows.py): it does not grow."""

    @pytest.fixture(scope="class")
    def fifty(self, django_db_setup, django_db_blocker):
        yield from shared_rows(django_db_blocker, lambda: _published(50))

    @pytest.mark.parametrize("url", EXPORTS)
    def test_export_query_count_does_not_grow_with_the_number_of_initiatives(self, fifty, client, url):
        download(client, url)  # warm the content-type cache
        with_50, body_50 = _export_queries(client, url)
        assert body_50.count(b"Summary of Remittances ") == 50
        assert with_50 == EXPORT_QUERIES


def test_listing_and_term_pages_link_to_their_downloads_with_their_filters(client):
    page = client.get("/en/initiatives/?region=europe&q=migrant&page=1&sort=title").content.decode()
    assert 'href="/en/initiatives/export.csv?q=migrant&amp;region=europe"' in page
    assert 'href="/en/initiatives/export.json?q=migrant&amp;region=europe"' in page
    assert 'href="/en/initiatives/export.csv"' in client.get("/en/initiatives/").content.decode()

    term_page = client.get("/en/themes/remittances/?country=md")
    html = term_page.content.decode()
    assert 'href="/en/initiatives/export.csv?country=md&amp;theme=remittances"' in html
    assert 'href="/en/initiatives/export.json?country=md&amp;theme=remittances"' in html
    shown = [initiative.slug for initiative in term_page.context["paginator"].object_list]
    assert [row["slug"] for row in csv_rows(client, "?country=md&theme=remittances")] == shown == ["pare-1-1"]

    country_page = client.get("/en/countries/ma/").content.decode()
    assert 'href="/en/initiatives/export.csv?country=ma"' in country_page
