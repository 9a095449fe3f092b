"""manage.py import_initiatives: real files under tmp_path, the command as an operator runs it."""

import csv
import datetime
import io
import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import override_settings
from taggit.models import Tag

from initiatives import services
from initiatives.interchange import encodings, exporting
from initiatives.models import Category, Initiative, Involvement, Link, Organisation, SlugRedirect, Theme
from initiatives.signals import initiative_published
from tests.initiatives.test_interchange import make_tricky_initiative

pytestmark = pytest.mark.django_db

HEADER = ["external_id", "slug", "title", "summary", "category", "themes", "countries", "status", "published_at"]
CATEGORY = "regional-consultative-processes"


def run(*args, stderr=None) -> str:
    """Run the command; its report (stdout)."""
    out = io.StringIO()
    call_command("import_initiatives", *[str(arg) for arg in args], stdout=out, stderr=stderr or io.StringIO())
    return out.getvalue()


def refused(*args) -> tuple[str, str]:
    """Run a command that must fail: (its error message, its report)."""
    out = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_initiatives", *[str(arg) for arg in args], stdout=out, stderr=io.StringIO())
    return str(error.value), out.getvalue()


def admin_export(path, queryset=None):
    """What the admin export writes: every initiative, drafts and private fields included."""
    queryset = Initiative.objects.order_by("slug") if queryset is None else queryset
    rows = exporting.export_rows(queryset, include_private=True)
    if path.suffix == ".csv":
        with path.open("w", encoding="utf-8", newline="") as out:
            encodings.write_csv(rows, out, include_private=True)
    else:
        with path.open("w", encoding="utf-8") as out:
            encodings.write_json(rows, out)
    return path


def write_rows(path, rows, header=HEADER):
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def snapshot() -> str:
    """The whole collection as the admin export writes it (to compare before and after)."""
    out = io.StringIO()
    encodings.write_json(exporting.export_rows(Initiative.objects.order_by("slug"), include_private=True), out)
    return out.getvalue()


@pytest.fixture
def varied_collection():
    """The seven seed initiatives plus a tricky one, a draft that was published, an archived one."""
    make_tricky_initiative()
    services.unpublish_initiative(initiative=Initiative.objects.get(slug="eudif"))
    services.archive_initiative(initiative=Initiative.objects.get(slug="pare-1-1"))
    never_published = services.save_initiative(
        content=services.InitiativeContent(
            fields={
                "title": "A draft never published",
                "summary": "Draft.",
                "category": Category.objects.get(slug=CATEGORY),
                "submitter_email": "private@example.org",
            }
        )
    )
    assert never_published.published_at is None


# --- idempotence, dry run, writing --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["all.csv", "all.json"])
def test_importing_the_admin_export_into_the_same_database_changes_nothing(tmp_path, varied_collection, name):
    path = admin_export(tmp_path / name)
    before, versions = snapshot(), Initiative.history.count()
    report = run(path)
    assert "Imported: 0 created, 0 changed, 9 unchanged." in report
    assert Initiative.history.count() == versions  # nothing saved, no new version
    assert snapshot() == before
    assert run(path, "--dry-run").count(": unchanged") == 9


def test_dry_run_reports_what_would_change_and_writes_nothing(tmp_path):
    path = admin_export(tmp_path / "all.csv")
    with path.open(encoding="utf-8", newline="") as source:
        rows = list(csv.DictReader(source))
    rows[0]["title"] = "A new title"
    rows[0]["themes"] += " | remittances"
    rows[1]["status"] = "archived"
    rows.append(rows[2] | {"slug": "brand-new", "title": "Brand new", "external_id": "NEW-1"})
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    before, versions = snapshot(), Initiative.history.count()

    report = run(path, "--dry-run")

    assert "(dry run: nothing will be written)" in report
    assert "row 2 · slug “amicall” · “A new title”: would change: title, themes\n" in report
    assert (
        "row 3 · slug “anti-rumour-strategy-handbook” · “The Anti Rumour Strategy (ARS) Handbook”: would change: status"
        in report
    )
    assert "row 9 · external_id “NEW-1” · slug “brand-new” · “Brand new”: would be created" in report
    assert report.count(": unchanged") == 5
    assert "Dry run: 1 to create, 2 to change, 5 unchanged. Nothing was written." in report
    assert snapshot() == before
    assert Initiative.history.count() == versions
    assert not Initiative.objects.filter(slug="brand-new").exists()


def test_import_writes_through_the_services_with_history_and_announces_publications(
    tmp_path, django_capture_on_commit_callbacks
):
    announced = []

    def receiver(sender, initiative, first_time, **kwargs):
        announced.append((initiative.slug, first_time))

    initiative_published.connect(receiver)
    path = write_rows(
        tmp_path / "partner.csv",
        [
            [
                "P-1",
                "new-published",
                "New published",
                "Summary.",
                CATEGORY,
                "remittances",
                "md",
                "published",
                "2023-05-04T08:00:00+00:00",
            ],
            ["P-2", "new-draft", "New draft", "Summary.", CATEGORY, "", "", "draft", ""],
            ["", "amicall", "AMICALL renamed", "Summary.", CATEGORY, "", "", "published", ""],
        ],
    )
    try:
        with django_capture_on_commit_callbacks(execute=True):
            report = run(path)
    finally:
        initiative_published.disconnect(receiver)

    assert "Imported: 2 created, 1 changed, 0 unchanged." in report
    assert "row 4 · slug “amicall” · “AMICALL renamed”: changed: title, summary, themes, countries\n" in report
    published = Initiative.objects.get(slug="new-published")
    assert published.is_published() and published.external_id == "P-1"
    assert published.published_at == datetime.datetime(2023, 5, 4, 8, tzinfo=datetime.UTC)  # kept from the file
    assert list(published.countries.values_list("code", flat=True)) == ["md"]
    assert set(published.covered_regions.values_list("slug", flat=True)) >= {"europe", "eastern-europe"}
    assert Initiative.objects.get(slug="new-draft").status == Initiative.Status.DRAFT
    assert announced == [("new-published", True)]
    reasons = list(published.history.order_by("history_id").values_list("history_change_reason", flat=True))
    assert reasons == ["Imported from partner.csv", "Published"]
    amicall = Initiative.objects.get(slug="amicall")
    assert amicall.history.latest("history_id").history_change_reason == "Imported from partner.csv"
    assert amicall.is_published() and amicall.title == "AMICALL renamed"
    # Columns the file does not have are left as they were.
    assert amicall.tags.count() == 4 and amicall.involvements.count() == 2


def test_status_column_publishes_unpublishes_and_archives(tmp_path):
    eudif = Initiative.objects.get(slug="eudif")
    published_at = eudif.published_at
    path = admin_export(tmp_path / "all.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    statuses = {"eudif": "draft", "amicall": "archived", "thamm": "published"}
    for item in data:
        item["status"] = statuses.get(item["slug"], item["status"])
    path.write_text(json.dumps(data), encoding="utf-8")

    report = run(path)

    assert "Imported: 0 created, 2 changed, 5 unchanged." in report
    eudif.refresh_from_db()
    assert eudif.status == "draft" and eudif.published_at == published_at  # keeps its first publication date
    assert Initiative.objects.get(slug="amicall").status == "archived"
    assert eudif.history.latest("history_id").history_change_reason == "Unpublished"
    assert run(path).endswith("Imported: 0 created, 0 changed, 7 unchanged.\n")


def test_rows_match_by_external_id_first_then_by_slug(tmp_path):
    thamm = Initiative.objects.get(slug="thamm")
    path = write_rows(
        tmp_path / "ids.csv",
        [["EXT-THAMM", "thamm", thamm.title, thamm.summary, thamm.category.slug]],
        header=HEADER[:5],
    )
    assert "changed: external_id" in run(path)  # an unknown external id matches by slug and is given
    thamm.refresh_from_db()
    assert thamm.external_id == "EXT-THAMM"

    renamed = write_rows(
        tmp_path / "renamed.csv",
        [["EXT-THAMM", "thamm-renamed", thamm.title, thamm.summary, thamm.category.slug]],
        header=HEADER[:5],
    )
    assert "changed: slug" in run(renamed)
    thamm.refresh_from_db()
    assert thamm.slug == "thamm-renamed"
    assert SlugRedirect.objects.filter(kind="initiative", old_slug="thamm", target_id=thamm.pk).exists()
    assert Initiative.objects.count() == 7

    conflict = write_rows(
        tmp_path / "conflict.csv", [["OTHER", "thamm-renamed", "x", "y", CATEGORY]], header=HEADER[:5]
    )
    message, report = refused(conflict)
    assert "slug: “thamm-renamed” belongs to the initiative with external id “EXT-THAMM”" in report


def test_a_public_export_imported_back_keeps_the_private_email(tmp_path):
    Initiative.objects.filter(slug="thamm").update(submitter_email="secret@example.org")
    path = tmp_path / "public.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        encodings.write_csv(exporting.export_rows(Initiative.objects.all()), out)
    assert "secret@example.org" not in path.read_text(encoding="utf-8")
    assert "0 changed, 7 unchanged" in run(path)
    assert Initiative.objects.get(slug="thamm").submitter_email == "secret@example.org"


# --- bad rows ------------------------------------------------------------------------------------------------


def bad_file(tmp_path):
    return write_rows(
        tmp_path / "bad.csv",
        [
            ["", "amicall", "Good change", "Summary.", CATEGORY, "", "", "published", ""],
            ["X-1", "bad-one", "", "Summary.", "no-such-category", "", "", "published", ""],
            [
                "X-2",
                "bad-two",
                "Bad two",
                "Summary.",
                CATEGORY,
                "remittances | no-such-theme",
                "md | zz | ZY",
                "sometimes",
                "not a date",
            ],
            ["", "", "", "", CATEGORY, "", "", "draft", ""],
        ],
    )


def test_one_bad_row_and_nothing_is_written_with_every_reason_named(tmp_path):
    before, versions = snapshot(), Initiative.history.count()
    message, report = refused(bad_file(tmp_path))

    assert message == (
        "bad.csv: 3 invalid rows (row 3, row 4, row 5); nothing was imported. "
        "Correct them, or use --skip-invalid to import the other rows."
    )
    assert (
        "row 3 · external_id “X-1” · slug “bad-one”: invalid\n    - category: unknown category: “no-such-category”"
        in report
    )
    assert "row 4 · external_id “X-2” · slug “bad-two” · “Bad two”: invalid" in report
    assert "row 2 · slug “amicall” · “Good change”: would change: title, summary, themes, countries\n" in report
    for reason in (
        "    - title: This field cannot be blank.\nrow 4",
        "themes: unknown themes: “no-such-theme”",
        "countries: unknown countries: “zz”, “zy”",
        "status: “sometimes” is not one of draft, published, archived",
        "published_at: “not a date” is not a date and time",
        "row 5: invalid\n    - needs a slug or an external_id",
    ):
        assert reason in report
    assert snapshot() == before
    assert Initiative.history.count() == versions
    assert not Theme.objects.filter(slug="no-such-theme").exists()


def test_model_rules_are_reported_per_row(tmp_path):
    path = write_rows(
        tmp_path / "rules.csv",
        [["", "fine-slug", "x" * 301, "", CATEGORY, "", "", "draft", ""], ["", "Not a slug!", "T", "S", CATEGORY]],
        header=HEADER,
    )
    _message, report = refused(path)
    assert "title: Ensure this value has at most 300 characters (it has 301)." in report
    assert "summary: This field cannot be blank." in report
    assert "has 5 cells where the header has 9" in report
    assert "slug: Enter a valid “slug”" in report


def test_skip_invalid_writes_the_good_rows_and_reports_the_bad_ones(tmp_path):
    report = run(bad_file(tmp_path), "--skip-invalid")
    assert "row 2 · slug “amicall” · “Good change”: changed: title, summary" in report
    assert "category: unknown category: “no-such-category”" in report
    assert report.endswith("Imported: 0 created, 1 changed, 0 unchanged, 3 invalid (skipped).\n")
    assert Initiative.objects.get(slug="amicall").title == "Good change"
    assert not Initiative.objects.filter(slug__in=["bad-one", "bad-two"]).exists()


def test_a_row_refused_while_writing_undoes_the_whole_import_unless_skip_invalid(tmp_path, monkeypatch):
    path = write_rows(
        tmp_path / "two.csv",
        [["amicall", "AMICALL changed", "S.", CATEGORY], ["thamm", "THAMM changed", "S.", CATEGORY]],
        header=["slug", "title", "summary", "category"],
    )
    save_initiative = services.save_initiative

    def refuse_thamm(*, content, initiative=None, **kwargs):  # as if someone changed it since the check
        if initiative is not None and initiative.slug == "thamm":
            raise ValidationError({"title": ["Refused for the test."]})
        return save_initiative(content=content, initiative=initiative, **kwargs)

    monkeypatch.setattr(services, "save_initiative", refuse_thamm)
    versions = Initiative.history.count()
    message, report = refused(path)
    assert message.startswith("two.csv: 1 invalid row (row 3); nothing was imported.")
    assert "row 3 · slug “thamm” · “THAMM changed”: invalid\n    - title: Refused for the test." in report
    assert "row 2 · slug “amicall” · “AMICALL changed”: would change: title, summary" in report
    assert Initiative.objects.get(slug="amicall").title != "AMICALL changed"  # written, then undone
    assert Initiative.history.count() == versions

    report = run(path, "--skip-invalid")
    assert "row 2 · slug “amicall” · “AMICALL changed”: changed: title, summary" in report
    assert Initiative.objects.get(slug="amicall").title == "AMICALL changed"
    assert Initiative.objects.get(slug="thamm").title != "THAMM changed"


def test_unknown_organisations_are_errors_and_never_created(tmp_path):
    path = admin_export(tmp_path / "all.json", Initiative.objects.filter(slug="amicall"))
    data = json.loads(path.read_text(encoding="utf-8"))
    data[0]["organisations"].append({"slug": "no-such-org", "role": "funder", "note": ""})
    data[0]["organisations"].append({"slug": "compas", "role": "sponsor"})
    path.write_text(json.dumps(data), encoding="utf-8")
    count = Organisation.objects.count()
    _message, report = refused(path)
    assert "organisations: unknown organisations: “no-such-org”" in report
    assert "organisations: compas has the role “sponsor”; roles are implementer, partner, associate, funder" in report
    assert Organisation.objects.count() == count


def test_new_tags_are_created_like_any_tag(tmp_path):
    path = write_rows(
        tmp_path / "tags.csv",
        [["amicall", "AMICALL", "S.", CATEGORY, "brand new tag | Diaspora"]],
        header=["slug", "title", "summary", "category", "tags"],
    )
    run(path)
    assert sorted(Initiative.objects.get(slug="amicall").tags.names()) == ["brand new tag", "diaspora"]
    assert "0 changed, 1 unchanged" in run(path)  # tags compare without case, as taggit stores them


def test_duplicate_slugs_and_external_ids_within_a_file_are_bad_rows(tmp_path):
    path = write_rows(
        tmp_path / "dupes.csv",
        [
            ["D-1", "dupe", "One", "S.", CATEGORY],
            ["D-2", "dupe", "Two", "S.", CATEGORY],
            ["D-1", "other", "Three", "S.", CATEGORY],
            ["", "thamm", "Four", "S.", CATEGORY],
            ["EXT", "thamm", "Five", "S.", CATEGORY],
        ],
        header=HEADER[:5],
    )
    message, report = refused(path)
    assert "slug: “dupe” is also in row 3" in report
    assert "slug: “dupe” is also in row 2" in report
    assert "external_id: “D-1” is also in row 4" in report
    assert "slug: “thamm” is also in row 6" in report
    assert "5 invalid rows" in message


def test_formula_cells_are_refused_and_escaped_ones_are_text(tmp_path):
    path = write_rows(
        tmp_path / "formulas.csv",
        [
            ["", "f1", '=HYPERLINK("https://evil.example")', "S.", CATEGORY],
            ["", "f2", "T", "@SUM(A1)", CATEGORY],
            ["", "f3", "-cmd|' /C calc'!A0", "S.", CATEGORY],
            ["", "f4", "+(1)", "S.", CATEGORY],
            ["", "ok", "'=SUM(1)", "-5 degrees, - a list", CATEGORY],
        ],
        header=HEADER[:5],
    )
    message, report = refused(path)
    assert "4 invalid rows (row 2, row 3, row 4, row 5)" in message
    assert "title: looks like a spreadsheet formula" in report
    assert "summary: looks like a spreadsheet formula" in report
    report = run(path, "--skip-invalid")
    ok = Initiative.objects.get(slug="ok")
    assert ok.title == "=SUM(1)" and ok.summary == "-5 degrees, - a list"
    assert not Initiative.objects.filter(slug__in=["f1", "f2", "f3", "f4"]).exists()


# --- files that cannot be read ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        (
            "latin1.csv",
            "slug,title,summary,category\nx,Café,S,c\n".encode("latin-1"),
            "latin1.csv: The file is not UTF-8 text (byte 0xE9 on line 2)",
        ),
        ("missing.csv", b"slug,title\nx,y\n", "missing required columns: summary, category"),
        ("noid.csv", b"title,summary,category\nx,y,z\n", "missing required column: slug or external_id"),
        ("unknown.csv", b"slug,title,summary,category,colour,size\nx,y,z,w,red,1\n", "unknown columns: colour, size"),
        ("twice.csv", b"slug,title,summary,category,title\n", "columns given twice: title"),
        (
            "broken.json",
            b'[{"slug": "x",}]',
            "broken.json: The file is not valid JSON: ",
        ),
        ("truncated.json", b'[{"slug": "x"}', "(line 1, column 15)."),
        ("object.json", b'{"slug": "x"}', "The JSON file must hold a list of objects, not dict."),
        ("mixed.json", b'[{"slug": "x"}, "y", 3]', "these items are not objects: 2, 3."),
        ("keys.json", b'[{"slug": "x", "colour": "red"}]', "Unknown keys: colour."),
        ("deep.json", b"[" * 100_000 + b"]" * 100_000, "deep.json: The JSON file nests arrays or objects too deeply"),
        ("deep-object.json", b'[{"title": ' * 50_000 + b"1" + b"}]" * 50_000, "nests arrays or objects too deeply"),
        ("empty.csv", b"", "empty.csv: The file is empty."),
        ("blank.json", b"  \n\n ", "blank.json: The file is empty."),
        ("bom-only.csv", b"\xef\xbb\xbf", "The file is empty."),
        (
            "data.txt",
            b"slug\n",
            "Cannot tell the format from the file name data.txt: use --format csv or --format json.",
        ),
        ("quote.csv", b'slug,title,summary,category\nx,"unclosed,y,z\n', "The CSV cannot be read near line"),
        ("nul.csv", b"slug,title,summary,category\nx,\x00,y,z\n", "The file holds a NUL character (line 2)"),
    ],
)
def test_files_that_cannot_be_read_are_refused_with_a_clear_error(tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_bytes(content)
    before = snapshot()
    message, _report = refused(path)
    assert expected in message
    assert message.endswith("Nothing was imported.")
    assert snapshot() == before


@pytest.mark.system
def test_a_deeply_nested_json_file_is_a_clean_error_from_manage_py(tmp_path):
    """As an operator sees it: one line on stderr, exit status 1, no traceback (json.loads would have raised a
    RecursionError). The process gets a database of its own: it fails before reading or writing one."""
    path = tmp_path / "deep.json"
    path.write_bytes(b"[" * 100_000 + b"]" * 100_000)
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "PORTAL_VAR_DIR": str(tmp_path),
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "import_initiatives", str(path)],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert done.stderr == (
        "CommandError: deep.json: The JSON file nests arrays or objects too deeply: it must hold a list of flat "
        "objects. Nothing was imported.\n"
    )
    assert done.stdout == ""


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    big = tmp_path / "big.csv"
    with big.open("wb") as out:
        out.truncate(50 * 1024 * 1024)  # 50 MB (sparse)

    def must_not_read(*args, **kwargs):
        raise AssertionError("the file was read")

    monkeypatch.setattr(encodings, "decode_text", must_not_read)
    message, _report = refused(big)
    assert message == (
        "big.csv: The file is 50.0 MB, more than the limit of 20.0 MB (setting IMPORT_MAX_BYTES). Nothing was imported."
    )


def test_the_size_limit_is_a_setting(tmp_path):
    path = admin_export(tmp_path / "all.csv")
    with override_settings(IMPORT_MAX_BYTES=path.stat().st_size - 1):
        message, _report = refused(path)
    assert "more than the limit" in message
    with override_settings(IMPORT_MAX_BYTES=path.stat().st_size):
        assert "7 unchanged" in run(path)


def test_a_header_without_rows_imports_nothing(tmp_path):
    path = write_rows(tmp_path / "header.csv", [])
    assert run(path) == "header.csv: 0 rows (CSV)\nNothing to import.\n"
    (tmp_path / "none.json").write_text("[]", encoding="utf-8")
    assert "Nothing to import." in run(tmp_path / "none.json")


def test_format_option_for_a_file_without_the_extension(tmp_path):
    path = admin_export(tmp_path / "all.json")
    renamed = path.rename(tmp_path / "export.data")
    assert "7 unchanged" in run(renamed, "--format", "json")
    message, _report = refused(renamed, "--format", "csv")
    assert "unknown columns" in message


def test_a_utf8_file_with_a_byte_order_mark_as_spreadsheets_save_it(tmp_path):
    path = admin_export(tmp_path / "all.csv")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert "7 unchanged" in run(path)


# --- round trip ---------------------------------------------------------------------------------------------


def empty_the_collection():
    """What a new database has after migrate and load_taxonomy: no initiatives, organisations or tags."""
    organisations = list(Organisation.objects.values("slug", "name", "acronym", "website", "description"))
    Initiative.objects.all().delete()
    Initiative.history.all().delete()
    SlugRedirect.objects.all().delete()
    Tag.objects.all().delete()
    Organisation.objects.all().delete()
    call_command("load_taxonomy", stdout=io.StringIO())
    assert not Initiative.objects.exists() and not Involvement.objects.exists() and not Link.objects.exists()
    return organisations


@pytest.mark.parametrize("name", ["all.csv", "all.json"])
def test_the_admin_export_recreates_the_collection_in_an_empty_database(tmp_path, varied_collection, name):
    path = admin_export(tmp_path / name)
    before = snapshot()
    organisations = empty_the_collection()

    message, report = refused(path)  # organisations are a taxonomy: an import never creates them
    assert "organisations: unknown organisations: “compas”" in report

    for values in organisations:  # as a curator would add them in the admin
        Organisation.objects.create(**values)
    report = run(path)

    assert "Imported: 9 created, 0 changed, 0 unchanged." in report
    assert snapshot() == before
    tricky = Initiative.objects.get(slug="tricky-initiative")
    assert tricky.links.get(url="https://example.org/video").kind == "video"
    version = tricky.history.order_by("history_id").first()
    assert version.history_change_reason == f"Imported from {name}"
    assert ["video of the launch", "https://example.org/video", "video"] in version.links_snapshot
    assert "0 created, 0 changed, 9 unchanged" in run(path)


# --- progress ------------------------------------------------------------------------------------------------


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_goes_to_a_terminal_and_stays_out_of_the_report(tmp_path):
    path = admin_export(tmp_path / "all.csv")
    quiet, terminal = io.StringIO(), Terminal()
    piped_report = run(path, "--dry-run", stderr=quiet)
    terminal_report = run(path, "--dry-run", stderr=terminal)
    assert quiet.getvalue() == ""  # not a terminal: no bar
    assert terminal_report == piped_report
    assert "\rChecking [##############################] 7/7" in terminal.getvalue()
    assert terminal.getvalue().endswith("\r\033[K")  # erased before the report goes on
    terminal = Terminal()
    run(path, stderr=terminal)
    assert "Writing [" in terminal.getvalue()
