"""The interchange format: one record, a CSV and a JSON encoding that give it back exactly."""

import csv
import datetime
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from initiatives import services
from initiatives.interchange import cleaning, columns, encodings, exporting
from initiatives.models import Category, Country, Initiative, Link, Organisation, Region, Theme
from tests.factories import make_initiative

pytestmark = pytest.mark.django_db

# Values a spreadsheet would execute, values holding the CSV encoding's own separators and escapes.
NASTY = [
    '=HYPERLINK("https://evil.example","click")',
    "+44 20 7946 0000",
    "-2+3",
    "@SUM(A1:A2)",
    "\tindented",
    "\rcarriage",
    "'=already quoted",
    "''=twice",
    "'plain apostrophe",
    "a | b",
    "a|b",
    "back\\slash",
    "back\\|slash-bar",
    "ends with backslash\\",
    "line one\nline two",
    "crlf\r\nline",
    "\\n is not a newline",
    "café – ünïcødé ✓",
    "",
]


def make_tricky_initiative(**overrides) -> Initiative:
    """A published initiative whose every column holds something hard to encode, saved through the services."""
    organisation = Organisation.objects.create(slug="org-with-notes", name="Org: with | notes")
    fields = {
        "title": '=HYPERLINK("https://evil.example") | title',
        "slug": "tricky-initiative",
        "external_id": "EXT|1 =x",
        "acronym": "+ACR",
        "summary": "-Summary starting with a dash\nand a second line | with a bar",
        "description": "# Heading\r\n\r\n- item one\r\n- item two\\ with backslash\n\n@mention",
        "category": Category.objects.get(slug="regional-consultative-processes"),
        "scope": "regional",
        "start_date": datetime.date(2019, 6, 1),
        "start_precision": "month",
        "end_date": datetime.date(2025, 12, 31),
        "end_precision": "day",
        "ongoing": True,
        "website": "https://example.org/tricky?a=1&b=2",
        "submitter_honorific": "Dr.",
        "submitter_name": "Zoë O'Brien",
        "submitter_organisation": "=Org",
        "submitter_email": "zoe@example.org",
        "submitted_on": datetime.date(2024, 2, 29),
        "featured": True,
        "featured_order": 3,
    } | overrides
    content = services.InitiativeContent(
        fields=fields,
        themes=list(Theme.objects.filter(slug__in=["remittances", "regular-pathways"])),
        regions=list(Region.objects.filter(slug="europe")),
        countries=list(Country.objects.filter(code__in=["md", "ma"])),
        tags=["a | b", "back\\slash", "@at", "=formula", "Diaspora"],
        involvements=[(organisation, "partner"), (Organisation.objects.get(slug="compas"), "funder")],
        links=[
            ("Report | 2023\nsecond line \\ backslash", "https://example.org/report.pdf"),
            ("video of the launch", "https://example.org/video"),
        ],
    )
    initiative = services.save_initiative(content=content)
    initiative.involvements.filter(organisation=organisation).update(note="from 2020: phase 1 | 2")
    Link.objects.filter(initiative=initiative, url="https://example.org/video").update(kind="video")
    services.publish_initiative(
        initiative=initiative, when=datetime.datetime(2024, 3, 1, 9, 30, 15, 123456, tzinfo=datetime.UTC)
    )
    return initiative


def export_csv_text(queryset, *, include_private=True) -> str:
    out = io.StringIO(newline="")
    encodings.write_csv(
        exporting.export_rows(queryset, include_private=include_private), out, include_private=include_private
    )
    return out.getvalue()


def export_json_text(queryset, *, include_private=True) -> str:
    out = io.StringIO()
    encodings.write_json(exporting.export_rows(queryset, include_private=include_private), out)
    return out.getvalue()


# --- CSV cells ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", NASTY)
def test_neutralise_and_restore_are_exact_inverses(value):
    cell = encodings.neutralise(value)
    assert encodings.restore(cell) == value
    assert not cell.startswith(encodings.FORMULA_START)  # nothing a spreadsheet would execute
    assert not encodings.looks_like_formula(cell)


@pytest.mark.parametrize(
    ("value", "escaped"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("'=x", "''=x"),
        ("'x", "'x"),
        ("x=1", "x=1"),
        ("", ""),
    ],
)
def test_neutralise_prefixes_an_apostrophe_to_cells_a_spreadsheet_would_run(value, escaped):
    assert encodings.neutralise(value) == escaped


@pytest.mark.parametrize(
    ("raw", "formula"),
    [
        ("=SUM(A1:A9)", True),
        ("@SUM(A1)", True),
        ("+cmd|' /C calc'!A0", True),
        ("-HYPERLINK(1)", True),
        ("-(1+2)", True),
        ("+(1)", True),
        ("'=SUM(A1)", False),  # escaped: text
        ("-5", False),
        ("+44 20 7946 0000", False),
        ("- a Markdown list item", False),
        ("plain", False),
        ("", False),
    ],
)
def test_what_looks_like_a_formula_in_an_imported_cell(raw, formula):
    assert encodings.looks_like_formula(raw) is formula


def test_list_cells_keep_values_that_contain_the_separator_and_the_escapes():
    values = [value for value in NASTY if value.strip()]
    cell = encodings.join_list(values)
    assert "\n" not in cell and "\r" not in cell  # one physical line per list cell
    # Only spaces and tabs around a value are lost (line breaks are escaped, so they stay).
    assert encodings.split_list(cell) == [value.strip(" \t") for value in values]


def test_list_cells_written_by_hand_are_read_leniently():
    assert encodings.split_list("a|b |  c  | | d") == ["a", "b", "c", "d"]
    assert encodings.split_list("") == []
    assert encodings.split_list("  ") == []


def test_organisation_and_link_cells_round_trip():
    organisations = columns.BY_NAME["organisations"]
    links = columns.BY_NAME["links"]
    orgs_value = [
        {"slug": "iom", "role": "implementer", "note": ""},
        {"slug": "ilo", "role": "partner", "note": "since 2020: phase 1 | 2 \\ end"},
    ]
    links_value = [
        {"title": "Report | 2023\nline two \\ backslash", "url": "https://example.org/r.pdf", "kind": "document"},
        {"title": "video of the launch", "url": "https://example.org/v", "kind": "video"},
        {"title": "  spaced", "url": "https://example.org/w?a=1&b=2", "kind": "webpage"},
    ]
    assert encodings.decode_cell(organisations, encodings.encode_cell(organisations, orgs_value)) == orgs_value
    decoded = encodings.decode_cell(links, encodings.encode_cell(links, links_value))
    assert decoded[:2] == links_value[:2]
    assert decoded[2]["title"].strip() == "spaced"


def test_hand_written_organisation_and_link_cells():
    organisations = columns.BY_NAME["organisations"]
    links = columns.BY_NAME["links"]
    assert encodings.decode_cell(organisations, "iom | ilo:funder") == [
        {"slug": "iom", "role": "", "note": ""},
        {"slug": "ilo", "role": "funder", "note": ""},
    ]
    assert encodings.decode_cell(links, "https://a.example A title\r\nvideo https://b.example\n\n") == [
        {"title": "A title", "url": "https://a.example", "kind": "document"},
        {"title": "", "url": "https://b.example", "kind": "video"},
    ]


# --- whole records ------------------------------------------------------------------------------------------


def test_record_covers_every_column_and_the_public_one_has_no_email():
    initiative = make_tricky_initiative()
    [private] = exporting.export_rows(Initiative.objects.filter(pk=initiative.pk), include_private=True)
    [public] = exporting.export_rows(Initiative.objects.filter(pk=initiative.pk))
    assert list(private) == [column.name for column in columns.COLUMNS]
    assert private["submitter_email"] == "zoe@example.org"
    assert "submitter_email" not in public
    private_columns = ("submitter_email", "contact_email")  # contact_email: issue 13 (orgs)
    assert {key: value for key, value in private.items() if key not in private_columns} == public
    assert private["organisations"] == [  # in the order of the page: by role
        {"slug": "compas", "role": "funder", "note": ""},
        {"slug": "org-with-notes", "role": "partner", "note": "from 2020: phase 1 | 2"},
    ]
    assert private["links"][1] == {"title": "video of the launch", "url": "https://example.org/video", "kind": "video"}
    assert private["countries"] == ["ma", "md"]  # Morocco, Republic of Moldova: by name
    assert private["published_at"] == "2024-03-01T09:30:15.123456+00:00"
    assert private["status"] == "published"


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_both_encodings_give_back_the_same_records(fmt):
    make_tricky_initiative()
    services.unpublish_initiative(initiative=Initiative.objects.get(slug="eudif"))
    queryset = Initiative.objects.order_by("slug")
    records = list(exporting.export_rows(queryset, include_private=True))
    if fmt == "csv":
        rows = encodings.parse_csv(export_csv_text(queryset))
        assert [row.number for row in rows] == list(range(2, len(records) + 2))
    else:
        rows = encodings.parse_json(export_json_text(queryset))
        assert [row.number for row in rows] == list(range(1, len(records) + 1))
    assert [row.errors for row in rows] == [[]] * len(records)
    for row, record in zip(rows, records, strict=True):
        decoded, errors = cleaning.clean_record(row.record)
        expected, _ = cleaning.clean_record(record)
        assert errors == []
        assert decoded == expected
    if fmt == "json":
        assert [row.record for row in rows] == records  # JSON is the record itself


def test_exported_csv_neutralises_formula_cells():
    initiative = make_tricky_initiative()
    text = export_csv_text(Initiative.objects.filter(pk=initiative.pk))
    header, row = list(csv.reader(io.StringIO(text, newline="")))
    cells = dict(zip(header, row, strict=True))
    assert cells["title"] == '\'=HYPERLINK("https://evil.example") | title'
    assert cells["acronym"] == "'+ACR"
    assert cells["summary"].startswith("'-Summary")
    assert cells["submitter_organisation"] == "'=Org"
    assert cells["tags"].startswith("'=formula | @at | ")  # the whole cell is what a spreadsheet sees
    assert cells["external_id"] == "EXT|1 =x"  # text that merely contains "=" stays as it is
    for name, cell in cells.items():
        assert not cell.startswith(encodings.FORMULA_START), name
    assert not any(encodings.looks_like_formula(cell) for cell in row)


def test_exported_csv_is_utf8_text_with_a_header_row_and_multi_valued_cells():
    text = export_csv_text(Initiative.objects.filter(slug="amicall"), include_private=False)
    header, row = list(csv.reader(io.StringIO(text, newline="")))
    assert header == [column.name for column in columns.COLUMNS if not column.private]  # issue 13: two private
    cells = dict(zip(header, row, strict=True))
    assert cells["countries"] == "de | hu | it | nl | es | gb"
    assert cells["organisations"] == "council-of-europe:associate | compas:implementer"
    assert cells["ongoing"] == "false"
    assert cells["status"] == "published"


def test_json_export_is_a_list_of_objects_with_lists_as_arrays():
    data = json.loads(export_json_text(Initiative.objects.filter(slug="amicall"), include_private=False))
    assert isinstance(data, list) and len(data) == 1
    assert data[0]["themes"] == ["inclusion-and-social-cohesion", "eliminate-discrimination"]
    assert data[0]["organisations"][0] == {"slug": "council-of-europe", "role": "associate", "note": ""}
    assert data[0]["ongoing"] is False
    assert "submitter_email" not in data[0]
    assert json.loads(export_json_text(Initiative.objects.none())) == []


def test_export_reads_chunk_by_chunk_with_a_fixed_number_of_queries_per_chunk():
    for n in range(10):
        make_initiative(tags=[f"tag {n}"], countries=["md"], themes=["remittances"], organisations=["ILO"])
    queryset = Initiative.objects.order_by("slug")
    total = queryset.count()
    whole = list(exporting.export_rows(queryset, include_private=True))
    assert len(whole) == total == 17

    def queries(chunk_size):
        with CaptureQueriesContext(connection) as captured:
            rows = list(exporting.export_rows(queryset, include_private=True, chunk_size=chunk_size))
        assert rows == whole  # chunks change nothing but the number of queries
        return len(captured.captured_queries)

    # One query reads the initiatives; each chunk prefetches themes, principles, regions, countries, tags,
    # links, organisations, SDGs and SDG targets (issue 13: +2).
    assert queries(total) == 1 + 9
    assert queries(5) == 1 + 4 * 9


def test_record_values_are_checked_with_reasons():
    values, errors = cleaning.clean_record(
        {
            "themes": "remittances",
            "ongoing": "maybe",
            "featured_order": "-1",
            "start_date": "2019-13-01",
            "published_at": "yesterday",
            "status": "hidden",
            "links": [{"title": "", "url": "not a url", "kind": "podcast"}],
            "organisations": [{"slug": "iom", "role": "boss"}],
            "title": 42,
        }
    )
    text = "\n".join(errors)
    for expected in (
        "themes: expected a list",
        "ongoing: “maybe” is not true or false",
        "featured_order: “-1” is not a whole number",
        "start_date: “2019-13-01” is not a date",
        "published_at: “yesterday” is not a date and time",
        "status: “hidden” is not one of draft, published, archived",
        "links: “not a url” is not a valid web address",
        "links: the link to not a url has no title",
        "links: “podcast” is not a kind of link",
        "organisations: iom has the role “boss”",
        "title: expected text",
    ):
        assert expected in text
    assert "ongoing" not in values and "themes" in values  # unreadable values are left out, lists keep good items


def test_naive_and_offset_datetimes_are_read_as_the_same_moment():
    values, errors = cleaning.clean_record({"published_at": "2024-03-01T10:30:00+01:00"})
    naive, _ = cleaning.clean_record({"published_at": "2024-03-01T09:30:00"})  # TIME_ZONE is UTC
    assert errors == []
    assert values["published_at"] == naive["published_at"] == datetime.datetime(2024, 3, 1, 9, 30, tzinfo=datetime.UTC)
    assert timezone.is_aware(values["published_at"])
