"""CORS for every origin on every /api/ answer, preflights, and conditional GET."""

import pytest

from initiatives.models import Initiative, SlugRedirect

pytestmark = pytest.mark.django_db

ORIGIN = "https://somewhere.example"


@pytest.mark.parametrize(
    "url, status",
    [
        ("/api/", 200),
        ("/api/initiatives/?theme=remittances", 200),
        ("/api/initiatives/thamm/", 200),
        ("/api/regions/", 200),
        ("/api/schema/", 200),
        ("/api/initiatives/?theme=bogus", 400),
        ("/api/initiatives/nope/", 404),
        ("/api/nowhere/", 404),
    ],
)
def test_every_answer_allows_every_origin(client, url, status):
    for headers in ({}, {"HTTP_ORIGIN": ORIGIN}):
        response = client.get(url, **headers)
        assert response.status_code == status
        assert response["Access-Control-Allow-Origin"] == "*"
        assert "Origin" not in response.get("Vary", "")


def test_preflight(client):
    response = client.options(
        "/api/initiatives/",
        HTTP_ORIGIN=ORIGIN,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
    )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert set(response["Access-Control-Allow-Methods"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert response["Access-Control-Allow-Headers"] == "*"
    assert int(response["Access-Control-Max-Age"]) > 0


def test_site_pages_are_not_opened(client):
    response = client.get("/en/initiatives/", HTTP_ORIGIN=ORIGIN)
    assert "Access-Control-Allow-Origin" not in response


def test_old_slug_redirects_carry_cors_too(client):
    SlugRedirect.remember("initiative", "thamm-old", Initiative.objects.get(slug="thamm").pk)
    response = client.get("/api/initiatives/thamm-old/", HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 301
    assert response["Location"] == "/api/initiatives/thamm/"
    assert response["Access-Control-Allow-Origin"] == "*"


def test_conditional_get(client):
    response = client.get("/api/initiatives/?theme=remittances")
    etag = response["ETag"]
    assert etag and "public" in response["Cache-Control"] and "max-age=60" in response["Cache-Control"]
    again = client.get("/api/initiatives/?theme=remittances", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again["Access-Control-Allow-Origin"] == "*"
    other = client.get("/api/initiatives/?theme=skills-development-and-recognition", HTTP_IF_NONE_MATCH=etag)
    assert other.status_code == 200


def test_errors_are_not_cached_publicly(client):
    response = client.get("/api/initiatives/?theme=bogus")
    assert "public" not in response.get("Cache-Control", "")
    assert not response.has_header("ETag")
