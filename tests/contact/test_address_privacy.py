"""Issue 13 (orgs): an initiative's contact address is never in a page, feed, API answer, public download file or
sitemap; only the curators' export (admin, command) carries it, so that its file imports back unchanged."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from initiatives.interchange import encodings, exporting
from initiatives.models import Initiative
from tests.factories import make_initiative

# What it checks is the HTTP layer, not the database engine: run once, in the SQLite pass (README, "Running the tests").
pytestmark = [pytest.mark.django_db, pytest.mark.any_database]

SECRET = "never.shown@contact.example"


@pytest.fixture(autouse=True)
def with_contacts():
    Initiative.objects.published().update(contact_email=SECRET, contact_name="Published Name")
    make_initiative(slug="with-contact", contact_name="Lina Contact", contact_email=SECRET, countries=["md"])


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


PUBLIC_URLS = [
    "/en/",
    "/en/initiatives/",
    "/en/initiatives/with-contact/",
    "/fr/initiatives/with-contact/",
    "/en/initiatives/feed/",
    "/en/initiatives/feed/atom/",
    "/en/countries/md/",
    "/en/countries/md/feed/",
    "/en/initiatives/with-contact/contact/",
    "/api/",
    "/api/schema/",
    "/api/initiatives/?page_size=100",
    "/api/initiatives/with-contact/",
    "/api/organisations/?page_size=100",
    "/sitemap.xml",
    "/sitemap-initiatives.xml",
]


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_no_public_address_shows_the_contact_address(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    content = body(response)
    assert SECRET.encode() not in content
    assert b"contact.example" not in content
    assert b"contact_email" not in content


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_public_download_files_never_carry_it_streamed_or_built(client, fmt):
    streamed = body(client.get(f"/en/initiatives/export.{fmt}"))
    filtered = body(client.get(f"/en/initiatives/export.{fmt}?country=md"))
    call_command("build_exports", stdout=io.StringIO())
    built = body(client.get(f"/en/initiatives/export.{fmt}"))
    for content in (streamed, filtered, built):
        assert SECRET.encode() not in content and b"contact_email" not in content
        assert b"Lina Contact" in content  # the name is public, and exported


def test_the_curators_export_carries_it_and_imports_back(tmp_path):
    queryset = Initiative.objects.filter(slug="with-contact")
    [record] = exporting.export_rows(queryset, include_private=True)
    assert record["contact_email"] == SECRET and record["contact_name"] == "Lina Contact"
    path = tmp_path / "curators.json"
    record["contact_email"] = "changed@contact.example"
    record["contact_role"] = "Coordinator"
    path.write_text(json.dumps([record]), encoding="utf-8")
    call_command("import_initiatives", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    initiative = queryset.get()
    assert initiative.contact_email == "changed@contact.example" and initiative.contact_role == "Coordinator"


def test_a_public_file_imported_back_keeps_the_address(tmp_path):
    """A file without the private column (the public download) changes nothing of the address."""
    queryset = Initiative.objects.filter(slug="with-contact")
    rows = list(exporting.export_rows(queryset))
    path = tmp_path / "public.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        encodings.write_csv(rows, out)
    with path.open(encoding="utf-8", newline="") as written:
        assert "contact_email" not in next(csv.reader(written))
    call_command("import_initiatives", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert queryset.get().contact_email == SECRET


def test_an_invalid_address_in_an_import_is_refused(tmp_path):
    [record] = exporting.export_rows(Initiative.objects.filter(slug="with-contact"), include_private=True)
    record["contact_email"] = "not an address"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps([record]), encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_initiatives", str(path), stdout=out, stderr=io.StringIO())
    assert "contact_email" in out.getvalue()
    assert Initiative.objects.get(slug="with-contact").contact_email == SECRET
