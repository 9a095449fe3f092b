"""Each endpoint's shape and status; only published initiatives, and never a submitter's e-mail address."""

import pytest
from django.conf import settings

from initiatives import services
from initiatives.models import Initiative, Link
from tests.factories import make_initiative

pytestmark = pytest.mark.django_db

SITE = settings.SITE_URL
INITIATIVE_FIELDS = {
    "slug",
    "url",
    "api_url",
    "title",
    "acronym",
    "summary",
    "description",
    "sections",  # issue 13
    "language",
    "translations",
    "category",
    "themes",
    "principles",
    "sdg_goals",  # issue 13
    "sdg_targets",
    "regions",
    "countries",
    "organisations",
    "tags",
    "links",
    "scope",
    "start_date",
    "start_precision",
    "end_date",
    "end_precision",
    "ongoing",
    "website",
    "submitter",
    "submitted_on",
    "published_at",
    "updated_at",
    "featured",
    "attachments",  # issue 13, files
}
PAGE_FIELDS = {"count", "num_pages", "page", "page_size", "next", "previous", "results"}
TERM_LINKS = {"url", "api_url", "initiatives_api_url", "initiatives_count"}
TERM_FIELDS = {
    "regions": {"slug", "name", "description", "m49_code", "level", "parent"},
    "countries": {"code", "iso3", "m49_code", "name", "description", "region"},
    "themes": {"slug", "name", "number", "title", "description"},
    "principles": {"slug", "name", "number", "description"},
    "categories": {"slug", "name", "description"},
    "organisations": {"slug", "name", "acronym", "website", "description", "kind", "country"},  # issue 13
    "tags": {"slug", "name"},
}


def test_index_links_every_endpoint(api):
    response, data = api("/api/")
    assert response.status_code == 200
    assert data["initiatives"] == f"{SITE}/api/initiatives/"
    assert data["schema"] == f"{SITE}/api/schema/"
    for plural in TERM_FIELDS:
        assert data[plural] == f"{SITE}/api/{plural}/"


def test_initiative_list_shape(api):
    response, data = api("/api/initiatives/")
    assert response.status_code == 200
    assert set(data) == PAGE_FIELDS | {"sort"}
    assert data["count"] == 7 and data["num_pages"] == 1 and data["page"] == 1 and data["page_size"] == 20
    assert data["next"] is None and data["previous"] is None and data["sort"] == "newest"
    assert len(data["results"]) == 7
    for item in data["results"]:
        assert set(item) == INITIATIVE_FIELDS


def test_initiative_detail_has_every_documented_field(api):
    response, data = api("/api/initiatives/pare-1-1/")
    assert response.status_code == 200
    assert set(data) == INITIATIVE_FIELDS
    assert data["slug"] == "pare-1-1"
    assert data["url"] == f"{SITE}/en/initiatives/pare-1-1/"
    assert data["api_url"] == f"{SITE}/api/initiatives/pare-1-1/"
    assert data["category"]["slug"] == "regional-consultative-processes"
    assert data["category"]["api_url"] == f"{SITE}/api/categories/regional-consultative-processes/"
    assert {"slug": "remittances"}.items() <= next(t for t in data["themes"] if t["slug"] == "remittances").items()
    assert [c["code"] for c in data["countries"]] == ["md"]
    assert data["countries"][0]["url"] == f"{SITE}/en/countries/md/"
    assert {t["slug"] for t in data["tags"]} >= {"diaspora"}
    assert data["published_at"].endswith("Z")


def test_initiative_detail_in_full(api):
    initiative = make_initiative(
        title="Full practice",
        slug="full-practice",
        acronym="FP",
        description="Some **markdown**.",
        themes=["remittances"],
        regions=["europe"],
        countries=["md"],
        tags=["Zebra crossings", "cities"],
        organisations=["Org One"],
        scope="national",
        start_date="2019-06-01",
        start_precision="month",
        ongoing=True,
        website="https://example.org/fp",
        submitter_honorific="Dr.",
        submitter_name="Ada Lovelace",
        submitter_organisation="Analytical Society",
        submitter_email="ada@example.org",
        submitted_on="2020-01-02",
        featured=True,
    )
    Link.objects.create(initiative=initiative, title="Report", url="https://example.org/r.pdf")
    _, data = api("/api/initiatives/full-practice/")
    assert data["acronym"] == "FP" and data["description"] == "Some **markdown**."
    assert data["scope"] == "national" and data["ongoing"] is True and data["featured"] is True
    assert (data["start_date"], data["start_precision"]) == ("2019-06-01", "month")
    assert (data["end_date"], data["end_precision"]) == (None, None)
    assert data["website"] == "https://example.org/fp"
    assert data["submitter"] == {
        "honorific": "Dr.",
        "name": "Ada Lovelace",
        "organisation": "Analytical Society",
        "credit": "Dr. Ada Lovelace",
    }
    assert data["submitted_on"] == "2020-01-02"
    assert data["organisations"] == [
        {
            "slug": "org-one",
            "name": "Org One",
            "acronym": None,
            "role": "implementer",
            "url": f"{SITE}/en/organisations/org-one/",
            "api_url": f"{SITE}/api/organisations/org-one/",
        }
    ]
    assert [t["name"] for t in data["tags"]] == ["cities", "Zebra crossings"]
    assert data["links"] == [{"title": "Report", "url": "https://example.org/r.pdf", "kind": "document"}]
    assert data["regions"][0]["m49_code"] == "150"
    assert data["themes"][0]["number"] == 20


def test_unknown_optional_values_are_null(api):
    make_initiative(slug="bare")
    _, data = api("/api/initiatives/bare/")
    assert data["acronym"] is None and data["scope"] is None and data["website"] is None
    assert data["start_date"] is None and data["start_precision"] is None
    assert data["submitter"] is None and data["submitted_on"] is None
    assert data["description"] == ""


def test_drafts_and_archived_never_appear(client, api):
    make_initiative(slug="a-draft", publish=False, themes=["remittances"], tags=["only-in-drafts"])
    archived = make_initiative(slug="archived-one", themes=["remittances"])
    services.archive_initiative(initiative=archived)
    unpublished = make_initiative(slug="unpublished-one")
    services.unpublish_initiative(initiative=unpublished)

    _, data = api("/api/initiatives/?page_size=100")
    slugs = {item["slug"] for item in data["results"]}
    assert data["count"] == 7 and not slugs & {"a-draft", "archived-one", "unpublished-one"}
    _, data = api("/api/initiatives/?theme=remittances")
    assert [item["slug"] for item in data["results"]] == ["pare-1-1"]
    for slug in ("a-draft", "archived-one", "unpublished-one"):
        response, data = api(f"/api/initiatives/{slug}/")
        assert response.status_code == 404
        assert slug in data["detail"]
    # Terms count published initiatives only; a tag only drafts have is not listed.
    _, data = api("/api/themes/remittances/")
    assert data["initiatives_count"] == 1
    _, data = api("/api/tags/?page_size=100")
    assert "only-in-drafts" not in {tag["slug"] for tag in data["results"]}
    assert Initiative.objects.filter(slug="a-draft").exists()


def test_submitter_email_never_appears_anywhere(client):
    secret = "hidden-address@example.org"
    Initiative.objects.published().update(submitter_email=secret)
    make_initiative(slug="with-mail", submitter_name="Someone", submitter_email=secret)
    urls = ["/api/", "/api/schema/", "/api/initiatives/?page_size=100", "/api/initiatives/with-mail/"]
    urls += [f"/api/{plural}/?page_size=100" for plural in TERM_FIELDS]
    for url in urls:
        body = client.get(url).content.decode()
        assert secret not in body, url
        assert "submitter_email" not in body, url
        assert "email" not in body.lower(), url


@pytest.mark.parametrize("plural", TERM_FIELDS)
def test_term_lists_are_pages_of_terms_with_counts_and_urls(api, plural):
    response, data = api(f"/api/{plural}/")
    assert response.status_code == 200
    assert set(data) == PAGE_FIELDS
    assert data["count"] >= len(data["results"]) > 0
    for item in data["results"]:
        assert set(item) == TERM_FIELDS[plural] | TERM_LINKS
        key = item.get("slug") or item["code"]
        assert item["url"] == f"{SITE}/en/{plural}/{key}/"
        assert item["api_url"] == f"{SITE}/api/{plural}/{key}/"
        assert isinstance(item["initiatives_count"], int)


def test_term_counts_match_the_site(api):
    _, data = api("/api/regions/europe/")
    assert data["initiatives_count"] == 4  # as on the home page: sub-regions and countries count
    assert data["initiatives_api_url"] == f"{SITE}/api/initiatives/?region=europe"
    _, data = api("/api/categories/regional-consultative-processes/")
    assert data["initiatives_count"] == 7
    _, data = api("/api/tags/diaspora/")
    assert data["initiatives_count"] == 2


def test_regions_have_m49_code_level_and_parent(api):
    _, data = api("/api/regions/eastern-europe/")
    assert data["m49_code"] == "151" and data["level"] == "subregion" and data["parent"] == "europe"
    _, data = api("/api/regions/europe/")
    assert data["level"] == "region" and data["parent"] is None


def test_country_detail_by_code_in_any_case(api):
    for code in ("md", "MD"):
        response, data = api(f"/api/countries/{code}/")
        assert response.status_code == 200
        assert data["code"] == "md" and data["iso3"] == "MDA" and data["region"] == "eastern-europe"
        assert data["initiatives_count"] == 1


def test_themes_follow_gcm_order_and_paginate(api):
    _, first = api("/api/themes/?page_size=5")
    assert [t["number"] for t in first["results"]] == [1, 2, 3, 4, 5]
    assert first["next"] == f"{SITE}/api/themes/?page_size=5&page=2"
    _, second = api("/api/themes/?page_size=5&page=2")
    assert [t["number"] for t in second["results"]] == [6, 7, 8, 9, 10]
    assert second["previous"] == f"{SITE}/api/themes/?page_size=5&page=1"


@pytest.mark.parametrize(
    "url",
    [
        "/api/regions/no-such-region/",
        "/api/countries/zz/",
        "/api/themes/no-such-theme/",
        "/api/principles/no-such-principle/",
        "/api/categories/no-such-category/",
        "/api/organisations/no-such-organisation/",
        "/api/tags/no-such-tag/",
        "/api/initiatives/no-such-initiative/",
        "/api/no-such-endpoint/",
        "/api/initiatives/not a slug/",
    ],
)
def test_unknown_resources_are_json_404s(api, url):
    response, data = api(url)
    assert response.status_code == 404
    assert data["detail"]


def test_schema_is_json_and_documents_every_operation(api):
    response, data = api("/api/schema/")
    assert response.status_code == 200
    assert data["openapi"].startswith("3.")
    operations = {op["operationId"] for path in data["paths"].values() for op in path.values()}
    assert {"api_index", "list_initiatives", "get_initiative"} <= operations
    for plural, kind in [
        ("regions", "region"),
        ("countries", "country"),
        ("themes", "theme"),
        ("principles", "principle"),
        ("categories", "category"),
        ("organisations", "organisation"),
        ("tags", "tag"),
    ]:
        assert {f"list_{plural}", f"get_{kind}"} <= operations
    response, again = api("/api/schema/?format=json")
    assert response.status_code == 200 and again == data


@pytest.mark.parametrize("version", ["%0A", "1%0D%0AX-Injected:%201", "2.0"])
def test_schema_ignores_a_version_parameter(api, version):
    """Found by the property tests: ?version=%0A went into a header, and the schema answered 500."""
    response, data = api(f"/api/schema/?version={version}")
    assert response.status_code == 200
    assert "X-Injected" not in response
    assert response["Content-Disposition"] == 'inline; filename="Migration Practice Portal API.json"'
