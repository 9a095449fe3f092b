"""Whatever the listing ignores with a note, the API rejects with a 400 naming the parameter and the value."""

import pytest

pytestmark = pytest.mark.django_db


def errors_of(client, query, status=400):
    response = client.get(f"/api/initiatives/?{query}")
    assert response.status_code == status, (query, response.content)
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["detail"]
    return {(e["parameter"], e["value"]) for e in data.get("errors", [])}, data


@pytest.mark.parametrize(
    "query, parameter, value",
    [
        ("theme=no-such-theme", "theme", "no-such-theme"),
        ("region=atlantis", "region", "atlantis"),
        ("country=zz", "country", "zz"),
        ("country=mda", "country", "mda"),
        ("principle=nope", "principle", "nope"),
        ("category=nope", "category", "nope"),
        ("tag=no-such-tag", "tag", "no-such-tag"),
        ("organisation=nobody", "organisation", "nobody"),
        ("theme=remittances&theme=bogus", "theme", "bogus"),  # one bad value among good ones
        ("theme=<script>", "theme", "<script>"),  # malformed: what the listing drops silently
        ("year_from=abc", "year_from", "abc"),
        ("year_to=1.5", "year_to", "1.5"),
        ("year_from=1800", "year_from", "1800"),
        ("year_to=123456789", "year_to", "123456789"),
        ("status=paused", "status", "paused"),
        ("sort=bogus", "sort", "bogus"),
        ("page=abc", "page", "abc"),
        ("page=0", "page", "0"),
        ("page=-1", "page", "-1"),
        ("page_size=100000", "page_size", "100000"),
        ("page_size=0", "page_size", "0"),
        ("page_size=ten", "page_size", "ten"),
        ("colour=red", "colour", "red"),
        ("themes=remittances", "themes", "remittances"),  # a typo is not silently "everything"
        ("sort=title&sort=oldest", "sort", "oldest"),
        ("format=xml", "format", "xml"),
        (f"q={'x' * 1001}", "q", "x" * 200 + "…"),
    ],
)
def test_each_bad_value_is_a_400_naming_it(client, query, parameter, value):
    errors, data = errors_of(client, query)
    assert errors == {(parameter, value)}
    assert parameter in data["detail"]


def test_every_bad_parameter_is_reported_at_once(client):
    errors, data = errors_of(client, "theme=no-such-theme&year_from=abc&sort=bogus&page_size=100000")
    assert errors == {("theme", "no-such-theme"), ("year_from", "abc"), ("sort", "bogus"), ("page_size", "100000")}
    messages = {e["parameter"]: e["message"] for e in data["errors"]}
    assert "relevance, newest, oldest, title" in messages["sort"]
    assert messages["theme"] == "No theme has this slug."


def test_too_many_values_for_one_facet(client):
    query = "&".join(f"tag=t{n}" for n in range(21))
    errors, _ = errors_of(client, query)
    assert {parameter for parameter, _ in errors} == {"tag"}


def test_blank_values_mean_absent_as_in_the_listing_form(client):
    response = client.get("/api/initiatives/?q=&theme=&year_from=&status=&sort=&page=&page_size=&format=json")
    assert response.status_code == 200
    assert response.json()["count"] == 7


def test_country_codes_and_slugs_in_any_case(client):
    assert client.get("/api/initiatives/?country=MD").json()["count"] == 1
    assert client.get("/api/initiatives/?theme=Remittances").json()["count"] == 1


def test_page_past_the_last_is_a_404(client):
    errors, data = errors_of(client, "page=2", status=404)
    assert errors == {("page", "2")}
    assert "last page is 1" in data["detail"]
    errors, _ = errors_of(client, "page=99999999999999999999", status=404)
    # The first page of nothing is an empty page, not a 404.
    response = client.get("/api/initiatives/?q=zzzzzzzz")
    assert response.status_code == 200 and response.json()["results"] == []


@pytest.mark.parametrize("url", ["/api/regions/", "/api/tags/", "/api/regions/europe/", "/api/initiatives/thamm/"])
def test_other_endpoints_reject_unknown_parameters_too(client, url):
    response = client.get(f"{url}?theme=remittances&page_size=2")
    assert response.status_code == 400
    assert "theme" in {e["parameter"] for e in response.json()["errors"]}


def test_term_list_pages(client):
    assert client.get("/api/regions/?page_size=1000").status_code == 400
    assert client.get("/api/regions/?page=x").status_code == 400
    assert client.get("/api/regions/?page=1000").status_code == 404


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize(
    "url", ["/api/", "/api/initiatives/", "/api/initiatives/thamm/", "/api/themes/", "/api/schema/"]
)
def test_writing_methods_are_405_json(client, method, url):
    response = getattr(client, method)(url, data="{}", content_type="application/json")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert "not allowed" in response.json()["detail"]


def test_head_and_plain_options_work(client):
    response = client.head("/api/initiatives/")
    assert response.status_code == 200 and response.content == b""
    response = client.options("/api/initiatives/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


def test_nul_and_odd_characters_are_not_500s(client):
    for query in ["q=%00", "theme=%00", "country=%00", "year_from=%00", "q=%ff%fe", "tag=caf%C3%A9", "q=%22unbalanced"]:
        response = client.get(f"/api/initiatives/?{query}")
        assert response.status_code in (200, 400), query
