"""The structured sections of a record (issue 13, initiatives/sections.py): the detail page, feeds, API, import and
export, history and revert, search at their weights, and the "has evidence of results" filter."""

import html
import importlib
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

from initiatives import search, sections, services
from initiatives.interchange import encodings, exporting
from initiatives.models import Initiative
from tests.factories import make_initiative

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module("initiatives.migrations.0011_sections")


def page(response) -> str:
    return html.unescape(response.content.decode())


def slugs(response) -> list[str]:
    assert response.status_code == 200
    return [initiative.slug for initiative in response.context["initiatives"]]


@pytest.fixture
def with_evidence():
    return make_initiative(
        title="Sections pilot",
        slug="sections-pilot",
        context="Workers were recruited through brokers who charged high fees.",
        results="Recruitment fees fell by half.\n\nNo worker paid a broker in the second year.",
        evidence="An independent evaluation (2021) surveyed 400 workers.",
        lessons="Employers needed training before the workers arrived.",
        budget="EUR 2 million from the EU.",
    )


@pytest.fixture
def without_evidence():
    return make_initiative(title="Sections neighbour", slug="sections-neighbour", results="Some results, no proof.")


# --- the definition ---------------------------------------------------------------------------------------------


def test_one_list_defines_the_sections_and_the_model_has_each():
    fields = [section.field for section in sections.SECTIONS]
    assert fields == list(sections.FIELDS) and len(set(fields)) == len(fields) == 10
    for section in sections.SECTIONS:
        field = Initiative._meta.get_field(section.field)
        assert field.blank and str(field.verbose_name) == str(section.heading)
        assert field.help_text == section.guidance
        for code in ("en", "fr", "es", "ar"):
            Initiative._meta.get_field(f"{section.field}_{code}")  # translated like the summary
        assert section.weight in ("C", "D")


def test_the_search_trigger_weighs_the_sections_as_sections_py_says():
    assert {section.field: section.weight for section in sections.SECTIONS} == MIGRATION.SECTION_WEIGHTS
    assert MIGRATION.SECTIONS == sections.FIELDS
    # A changed weight would change the trigger the migration writes.
    assert "'C'" in MIGRATION._vector("en") and "'D'" in MIGRATION._vector("en")


def test_a_section_longer_than_the_cap_is_refused_by_the_model():
    initiative = make_initiative(publish=False)
    initiative.results = "x" * (sections.MAX_LENGTH + 1)
    with pytest.raises(ValidationError) as error:
        initiative.full_clean()
    assert set(error.value.message_dict) == {"results", "results_en"}  # the plain column is the original's
    initiative.results = "x" * sections.MAX_LENGTH
    initiative.full_clean()


# --- the detail page --------------------------------------------------------------------------------------------


def test_the_detail_page_shows_each_written_section_under_its_heading_in_order(client, with_evidence):
    body = page(client.get("/en/initiatives/sections-pilot/"))
    headings = [
        "Context and problem addressed",
        "Results and impact",
        "Evidence of results",
        "Challenges and lessons learned",
        "Budget and funding",
    ]
    positions = [body.index(f">{heading}</h2>") for heading in headings]
    assert positions == sorted(positions)
    assert '<section class="record-section" aria-labelledby="section-results-heading">' in body
    assert "<p>Recruitment fees fell by half.</p>\n\n<p>No worker paid a broker in the second year.</p>" in body
    # Sections not written have no heading.
    assert "Recommendations</h2>" not in body and "Activities</h2>" not in body


def test_the_neighbour_without_sections_shows_none(client, with_evidence):
    body = page(client.get("/en/initiatives/thamm/"))
    assert 'class="record-section"' not in body and "Results and impact" not in body


def test_a_section_in_the_original_language_is_marked_with_it_for_another_reader(client, with_evidence):
    with_evidence.results_fr = "Les frais de recrutement ont baissé de moitié."
    with_evidence.save()
    body = page(client.get("/fr/initiatives/sections-pilot/"))
    assert '<div dir="auto"><p>Les frais de recrutement ont baissé de moitié.</p></div>' in body  # French, unmarked
    assert '<div dir="auto" lang="en"><p>An independent evaluation (2021) surveyed 400 workers.</p></div>' in body


def test_section_text_is_escaped(client):
    make_initiative(slug="hostile", results='<script>alert("x")</script> & more')
    body = client.get("/en/initiatives/hostile/").content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more" in body


# --- feeds, API, export -----------------------------------------------------------------------------------------


def test_the_feed_item_carries_the_sections_cut_to_a_bounded_length(client, with_evidence, without_evidence):
    with_evidence.activities = "word " * 1000
    with_evidence.save()
    body = page(client.get("/en/initiatives/feed/"))
    item = body.split("<title>Sections pilot</title>", 1)[1].split("</item>", 1)[0]
    assert "<h3>Results and impact</h3>" in item and "Recruitment fees fell by half." in item
    assert "<h3>Evidence of results</h3>" in item
    activities = item.split("<h3>Activities</h3>", 1)[1].split("<h3>", 1)[0]
    assert len(activities) < sections.FEED_LENGTH + 100 and "…" in activities
    neighbour = body.split("<title>Sections neighbour</title>", 1)[1].split("</item>", 1)[0]
    assert "<h3>Evidence of results</h3>" not in neighbour and "<h3>Results and impact</h3>" in neighbour


def test_the_api_gives_the_sections_shown_and_in_every_language(client, with_evidence):
    with_evidence.results_fr = "Les frais ont baissé."
    with_evidence.save()
    data = client.get("/api/initiatives/sections-pilot/?lang=fr").json()
    assert data["sections"]["results"] == "Les frais ont baissé."
    assert data["sections"]["evidence"] == "An independent evaluation (2021) surveyed 400 workers."  # the original
    assert data["sections"]["recommendations"] is None
    assert list(data["sections"]) == list(sections.FIELDS)
    assert data["translations"]["en"]["sections"]["results"].startswith("Recruitment fees fell by half.")
    assert data["translations"]["fr"]["sections"] == {
        **dict.fromkeys(sections.FIELDS),
        "results": "Les frais ont baissé.",
    }
    assert data["translations"]["fr"]["title"] == ""  # only a section is translated: the version is listed


def test_the_export_has_a_column_per_section_and_per_translation(client, with_evidence):
    response = client.get("/en/initiatives/export.json")
    records = {record["slug"]: record for record in json.loads(b"".join(response.streaming_content))}
    record = records["sections-pilot"]
    assert record["evidence"] == "An independent evaluation (2021) surveyed 400 workers."
    assert record["evidence_fr"] == "" and record["recommendations"] == ""
    header = b"".join(client.get("/en/initiatives/export.csv").streaming_content).decode().splitlines()[0]
    for name in sections.FIELDS:
        assert f",{name}," in header and f",{name}_ar," in header


def test_import_round_trip_keeps_the_sections_and_changes_them(tmp_path, with_evidence):
    with_evidence.lessons_es = "Los empleadores necesitaban formación."
    with_evidence.save()
    path = tmp_path / "all.json"
    with path.open("w", encoding="utf-8") as out:
        encodings.write_json(exporting.export_rows(Initiative.objects.order_by("slug"), include_private=True), out)
    report = io.StringIO()
    call_command("import_initiatives", str(path), stdout=report, stderr=io.StringIO())
    assert "0 created, 0 changed" in report.getvalue()

    records = json.loads(path.read_text(encoding="utf-8"))
    for record in records:
        if record["slug"] == "sections-pilot":
            record["recommendations"] = "Train employers first."
            record["results_fr"] = "Les frais ont baissé."
    path.write_text(json.dumps(records), encoding="utf-8")
    report = io.StringIO()
    call_command("import_initiatives", str(path), stdout=report, stderr=io.StringIO())
    assert "0 created, 1 changed" in report.getvalue()
    with_evidence.refresh_from_db()
    assert with_evidence.recommendations == with_evidence.recommendations_en == "Train employers first."
    assert with_evidence.results_fr == "Les frais ont baissé."
    assert with_evidence.lessons_es == "Los empleadores necesitaban formación."  # kept
    assert with_evidence.results_en.startswith("Recruitment fees")


def test_an_imported_section_over_the_cap_is_a_bad_row(tmp_path, with_evidence):
    records = list(exporting.export_rows(Initiative.objects.filter(slug="sections-pilot"), include_private=True))
    records[0]["context"] = "x" * (sections.MAX_LENGTH + 1)
    path = tmp_path / "long.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    report = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_initiatives", str(path), stdout=report, stderr=io.StringIO())
    assert "sections-pilot" in report.getvalue() and "10000 characters" in report.getvalue()
    with_evidence.refresh_from_db()
    assert with_evidence.context.startswith("Workers were recruited")


# --- history and revert -----------------------------------------------------------------------------------------


@pytest.fixture
def curator(django_user_model):
    browser = Client()
    browser.force_login(django_user_model.objects.create_superuser("curator", "curator@example.org", password=None))
    return browser


def test_history_shows_and_revert_brings_back_the_sections_in_every_language(curator, with_evidence):
    with_evidence.results_fr = "Les frais ont baissé."
    with_evidence.save()
    services.record_history(initiative=with_evidence, reason="French results")
    before = with_evidence.history.first()
    services.save_initiative(
        content=services.InitiativeContent(
            fields={"results": "Vandalised results", "results_fr": "", "evidence": ""},
            themes=list(with_evidence.themes.all()),
        ),
        initiative=with_evidence,
    )
    with_evidence.refresh_from_db()
    assert (with_evidence.results, with_evidence.results_fr, with_evidence.evidence) == ("Vandalised results", "", "")

    history = page(curator.get(reverse("admin:initiatives_initiative_history", args=[with_evidence.pk])))
    assert "Results and impact" in history  # the field changed by the last version
    revert_url = reverse("admin:initiatives_initiative_simple_history", args=[with_evidence.pk, before.history_id])
    confirm = page(curator.get(revert_url))
    assert "Vandalised results" in confirm and "Recruitment fees fell by half." in confirm
    assert "Les frais ont baissé." in confirm
    assert curator.post(revert_url).status_code == 302
    with_evidence.refresh_from_db()
    assert with_evidence.results.startswith("Recruitment fees fell by half.")
    assert with_evidence.results_fr == "Les frais ont baissé."
    assert with_evidence.evidence.startswith("An independent evaluation")


def test_the_admin_edits_the_sections_in_every_language(curator, with_evidence):
    body = page(curator.get(reverse("admin:initiatives_initiative_change", args=[with_evidence.pk])))
    assert "Sections of the record" in body
    for code in ("en", "fr", "es", "ar"):
        assert f'name="results_{code}"' in body


# --- search -----------------------------------------------------------------------------------------------------


def test_a_word_only_in_a_section_is_found(client, with_evidence, without_evidence):
    assert slugs(client.get("/en/initiatives/?q=brokers")) == ["sections-pilot"]  # only in the context (D)
    assert slugs(client.get("/en/initiatives/?q=evaluation")) == ["sections-pilot"]  # only in the evidence (C)
    assert slugs(client.get("/en/initiatives/?q=proof")) == ["sections-neighbour"]


def test_a_word_in_a_translated_section_is_found_in_that_language(client, with_evidence):
    with_evidence.lessons_fr = "Les employeurs avaient besoin d'une formation préalable."
    with_evidence.save()
    assert slugs(client.get("/fr/initiatives/?q=employeurs")) == ["sections-pilot"]
    assert slugs(client.get("/en/initiatives/?q=employeurs")) == ["sections-pilot"]  # any language matches


def test_ranking_follows_the_weights_title_summary_c_sections_d_sections(client):
    # Created in the expected order (the last is the newest), so that a tie, broken newest first, fails the test.
    make_initiative(slug="in-title", title="The zanzibarian initiative")  # A
    make_initiative(slug="in-summary", summary="A zanzibarian pilot.")  # B
    make_initiative(slug="in-results", results="The zanzibarian model was copied.")  # C
    make_initiative(slug="in-budget", budget="The zanzibarian fund paid for it.")  # D
    found = slugs(client.get("/en/initiatives/?q=zanzibarian&sort=relevance"))
    assert found == ["in-title", "in-summary", "in-results", "in-budget"]


def test_the_sqlite_fallback_and_postgresql_weigh_sections_alike():
    assert tuple(s.field for s in sections.SECTIONS if s.weight == "C") == search.WEIGHTED_C
    assert set(search.WEIGHTED_C) | set(search.WEIGHTED_D) == set(sections.FIELDS)
    assert set(sections.FIELDS) <= set(search.TRANSLATED_FIELDS)


# --- the evidence filter ----------------------------------------------------------------------------------------


def test_the_evidence_filter_keeps_only_initiatives_with_evidence(client, with_evidence, without_evidence):
    found = slugs(client.get("/en/initiatives/?evidence=1"))
    assert found == ["sections-pilot"]  # not the neighbour with results but no evidence, nor the seeds
    assert "sections-neighbour" in slugs(client.get("/en/initiatives/"))
    body = page(client.get("/en/initiatives/?evidence=1"))
    assert '<input type="checkbox" name="evidence" value="1" id="f-evidence" checked>' in body
    assert "Has evidence of results" in body
    unchecked = page(client.get("/en/initiatives/"))
    assert '<input type="checkbox" name="evidence" value="1" id="f-evidence">' in unchecked


def test_evidence_written_only_in_a_translation_counts(client, without_evidence):
    without_evidence.evidence_ar = "تقييم مستقل"
    without_evidence.save()
    assert slugs(client.get("/en/initiatives/?evidence=1")) == ["sections-neighbour"]


def test_the_evidence_filter_combines_with_search_and_terms(client, with_evidence, without_evidence):
    assert slugs(client.get("/en/initiatives/?evidence=1&q=results")) == []
    assert slugs(client.get("/en/initiatives/?evidence=1&q=fees")) == ["sections-pilot"]


def test_the_evidence_filter_works_for_feeds_api_and_export(client, with_evidence, without_evidence):
    feed = page(client.get("/en/initiatives/feed/?evidence=1"))
    assert "Sections pilot" in feed and "Sections neighbour" not in feed
    data = client.get("/api/initiatives/?evidence=1").json()
    assert [item["slug"] for item in data["results"]] == ["sections-pilot"]
    records = json.loads(b"".join(client.get("/en/initiatives/export.json?evidence=1").streaming_content))
    assert [record["slug"] for record in records] == ["sections-pilot"]


def test_the_evidence_filter_has_a_chip_that_removes_it(client, with_evidence):
    response = client.get("/en/initiatives/?evidence=1")
    chips = response.context["filterset"].active_filters()
    assert [(chip.param, chip.value, str(chip.text)) for chip in chips] == [
        ("evidence", "1", "Has evidence of results")
    ]


@pytest.mark.parametrize("value", ["yes", "0", "2", "1" * 500, "<script>"])
def test_a_hostile_evidence_value_is_ignored_on_the_page_and_refused_by_the_api(client, value, with_evidence):
    response = client.get("/en/initiatives/", {"evidence": value})
    assert response.status_code == 200
    assert "sections-neighbour" not in slugs(response)
    assert len(slugs(response)) == 8  # the seven seeds and the pilot: the filter was ignored
    assert "Some filters in the address were not understood" in page(response)
    api = client.get("/api/initiatives/", {"evidence": value})
    assert api.status_code == 400
    assert api.json()["errors"][0]["parameter"] == "evidence"


def test_the_proposal_and_translation_forms_know_each_section():
    from submissions.forms import ProposalForm
    from submissions.languages import TranslationForm

    with translation.override("en"):
        form = ProposalForm()
        for section in sections.SECTIONS:
            assert form.fields[section.field].help_text == section.guidance
            assert form.fields[section.field].max_length == sections.MAX_LENGTH
            assert str(form.fields[f"{section.field}_fr"].label) == f"{section.heading} in French"
        assert section.field in TranslationForm.base_fields
