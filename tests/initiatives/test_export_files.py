"""The whole collection's downloads are files built in the background; filtered downloads are capped."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from initiatives import export_files, services
from initiatives.models import Initiative
from tests.factories import make_initiative

pytestmark = pytest.mark.django_db

BUILD_TASK = "initiatives.tasks.build_exports"
SEVEN = 7


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


def csv_of(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body_of(response).decode("utf-8"), newline="")))


def etag_of(client, url, **headers) -> str:
    """The ETag of a download (its body read to the end: the test client then closes the file)."""
    response = client.get(url, headers=headers)
    body_of(response)
    return response["ETag"]


def build() -> None:
    call_command("build_exports", stdout=io.StringIO())


@pytest.fixture
def run_due_tasks(monkeypatch):
    """Make every queued task due now and run the queue through the real database worker (see
    tests/submissions/conftest.py for why the worker must keep the test's connection)."""
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run():
        DBTaskResult.objects.update(run_after=timezone.now())
        call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO(), stderr=io.StringIO())

    return run


def test_the_unfiltered_download_is_the_built_file_with_an_etag_and_a_304_on_repeat(client):
    build()
    for fmt in ("csv", "json"):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/en/initiatives/export.{fmt}")
        assert response.status_code == 200
        assert len(queries) == 0  # a file read, not the collection
        assert response.streaming and response.get("ETag", "").startswith('"initiatives-')
        assert response["Last-Modified"]
        assert response["Content-Disposition"] == (
            f'attachment; filename="initiatives-{timezone.now().date().isoformat()}.{fmt}"'
        )
        body = body_of(response)
        rows = json.loads(body) if fmt == "json" else list(csv.DictReader(io.StringIO(body.decode(), newline="")))
        assert len(rows) == SEVEN

        again = client.get(f"/en/initiatives/export.{fmt}", headers={"if-none-match": response["ETag"]})
        assert again.status_code == 304 and again["ETag"] == response["ETag"]
        assert etag_of(client, f"/en/initiatives/export.{fmt}?page=2") == response["ETag"]  # not a filter
        # Neighbour: a filtered download is streamed from the database, not the file.
        filtered = client.get(f"/en/initiatives/export.{fmt}?region=europe")
        assert filtered.status_code == 200 and "ETag" not in filtered


def test_drafts_and_archived_initiatives_never_reach_the_file(client):
    make_initiative(title="Published beside a draft", slug="published-one")
    make_initiative(title="A draft", slug="a-draft", publish=False)
    services.archive_initiative(initiative=Initiative.objects.get(slug="eudif"))
    build()
    slugs = {row["slug"] for row in csv_of(client.get("/en/initiatives/export.csv"))}
    assert "published-one" in slugs and "thamm" in slugs
    assert not {"a-draft", "eudif"} & slugs
    items = json.loads(body_of(client.get("/en/initiatives/export.json")))
    assert {item["status"] for item in items} == {"published"} and len(items) == len(slugs)


def test_a_publication_rebuilds_the_files_once_after_the_delay(
    client, settings, django_capture_on_commit_callbacks, run_due_tasks
):
    build()
    old_etag = etag_of(client, "/en/initiatives/export.csv")
    with django_capture_on_commit_callbacks(execute=True):
        make_initiative(title="Fresh", slug="fresh")
    with django_capture_on_commit_callbacks(execute=True):
        make_initiative(title="Fresher", slug="fresher")
    (queued,) = DBTaskResult.objects.filter(task_path=BUILD_TASK)  # one build for the burst
    assert queued.run_after > timezone.now() + (settings.EXPORTS_BUILD_DELAY - 60) * timezone.timedelta(seconds=1)
    # Until it has run, the last complete file is served.
    assert "fresh" not in {row["slug"] for row in csv_of(client.get("/en/initiatives/export.csv"))}

    run_due_tasks()
    after = client.get("/en/initiatives/export.csv", headers={"if-none-match": old_etag})
    assert after.status_code == 200 and after["ETag"] != old_etag
    assert {"fresh", "fresher"} <= {row["slug"] for row in csv_of(after)}
    items = json.loads(body_of(client.get("/en/initiatives/export.json")))
    assert {"fresh", "fresher"} <= {item["slug"] for item in items}


def test_build_exports_says_what_it_wrote():
    out = io.StringIO()
    call_command("build_exports", stdout=out)
    csv_file, json_file = export_files.latest("csv"), export_files.latest("json")
    assert out.getvalue() == f"{SEVEN} published initiatives written to {csv_file.name}, {json_file.name}.\n"
    assert csv_file.etag.strip('"') == json_file.etag.strip('"')  # one build, both formats


def test_a_build_asked_for_before_the_newest_file_skips(settings):
    requested_at = timezone.now()
    build()
    files, _rows = export_files.build(requested_at=requested_at)
    assert files == []
    files, rows = export_files.build(requested_at=timezone.now())  # neighbour: a later request builds
    assert len(files) == 2 and rows == SEVEN


def test_old_builds_are_deleted_and_a_failed_build_leaves_the_last_file(client, monkeypatch):
    for _ in range(4):
        build()
    names = sorted(export_files.storage().listdir("")[1])
    assert len(names) == 2 * export_files.KEEP
    etag = etag_of(client, "/en/initiatives/export.csv")

    def broken(*args, **kwargs):
        yield {"slug": "half"}
        raise RuntimeError("the database went away")

    monkeypatch.setattr("initiatives.interchange.exporting.export_rows", broken)
    with pytest.raises(RuntimeError):
        build()
    assert sorted(export_files.storage().listdir("")[1]) == names  # no half file, no temporary left over
    assert etag_of(client, "/en/initiatives/export.csv") == etag


def test_before_the_first_build_the_unfiltered_download_is_streamed_and_capped(client, settings):
    settings.EXPORTS_MAX_ROWS = 3
    response = client.get("/en/initiatives/export.csv")
    assert response.status_code == 200 and "ETag" not in response
    rows = csv_of(response)
    assert len(rows) == 4 and rows[-1]["external_id"].startswith("# Truncated: the first 3 rows only.")


def test_a_filtered_download_past_the_cap_stops_there_and_says_where_the_whole_collection_is(client, settings):
    settings.EXPORTS_MAX_ROWS = 3
    for i in range(4):
        make_initiative(title=f"Capped {i}", slug=f"capped-{i}", themes=["remittances"])

    response = client.get("/en/initiatives/export.csv?theme=remittances")
    assert response["Content-Disposition"].endswith('-first-3.csv"')
    rows = csv_of(response)
    assert len(rows) == 4
    assert rows[-1]["external_id"] == (
        "# Truncated: the first 3 rows only. The whole collection: http://testserver/en/initiatives/export.csv"
    )
    items = json.loads(body_of(client.get("/en/initiatives/export.json?theme=remittances")))
    assert len(items) == 4 and all("slug" in item for item in items[:3])
    assert items[-1] == {
        "truncated": True,
        "rows": 3,
        "full_collection": "http://testserver/en/initiatives/export.json",
    }

    # Neighbour: a filtered download under the cap is complete and says nothing.
    settings.EXPORTS_MAX_ROWS = 5
    response = client.get("/en/initiatives/export.json?theme=remittances")
    items = json.loads(body_of(response))
    assert {item["slug"] for item in items} >= {f"capped-{i}" for i in range(4)}
    assert all("truncated" not in item for item in items)
    assert "first" not in response["Content-Disposition"]


def test_the_listing_says_when_its_download_is_capped_and_links_the_whole_collection(client, settings):
    settings.EXPORTS_MAX_ROWS = 3
    for i in range(4):
        make_initiative(title=f"Capped {i}", slug=f"capped-{i}", themes=["remittances"])
    html = client.get("/en/themes/remittances/").content.decode()
    assert "Download the first 3 rows as" in html
    assert 'or the whole collection as <a href="/en/initiatives/export.csv">CSV</a>' in html

    html = client.get("/en/countries/ma/").content.decode()  # neighbour: a term with fewer rows than the cap
    assert "Download the first" not in html and "the whole collection" not in html
    assert 'href="/en/initiatives/export.csv?country=ma"' in html
