"""Descriptions are rendered once, when written, by a parser whose time is linear in its input, and pages
show the stored, sanitised HTML."""

import gc
import importlib
import io
import json
import time

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from bench.generator import loading
from initiatives import markup, seed, services
from initiatives.interchange import encodings, exporting
from initiatives.models import Initiative
from tests.factories import make_initiative

from .test_admin import _admin_url, _form_errors, curator, submit  # noqa: F401 (curator is a fixture)

# What it checks is the HTTP layer, not the database engine: run once, in the SQLite pass (README, "Running the tests").
pytestmark = [pytest.mark.django_db, pytest.mark.any_database]

# Inputs that took Python-Markdown quadratic time (20,000 "[" about 100 s), and others that stress a
# Markdown parser: nesting, emphasis and code-span delimiters, reference definitions, tables.
WORST_UNITS = ["[", "![", "[](", "<a ", ">", "*", "`", "> * ", "**a", "*a_", "_*", "[a](b", "[x][", " [", "[![", "|-"]
LIMIT = 20_000  # the proposal form's limit on a description

HOSTILE = (
    "## Goals\n\n**kept**\n\n<script>alert(1)</script><img src=x onerror=alert(2)>\n\n"
    "[click](javascript:alert(3)) [ok](https://example.org)"
)


def _description_section(client, initiative) -> str:
    response = client.get(initiative.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode().split('class="description"', 1)[1].split("</section>", 1)[0]


@pytest.mark.parametrize("unit", WORST_UNITS)
def test_the_worst_descriptions_render_in_linear_time(unit):
    text = (unit * (LIMIT // len(unit) + 1))[:LIMIT]
    # The parser's own work: this process's CPU (other work on a busy machine does not count), with the garbage
    # collector held, since a full collection of a process that has run a thousand tests can take a second by
    # itself (seen in CI: 1.2 s for an input that renders in 0.11 s).
    gc.collect()
    gc.disable()
    try:
        started = time.process_time()
        markup.render(text)
        spent = time.process_time() - started
    finally:
        gc.enable()
    # Quadratic time was about 100 s for the worst of these. Linear is 0.1-0.6 s on one machine of this kind and up
    # to 1.4 s on another, twice as slow and busy with CI (the worst, "[![" alone, 1.1 s idle there): a bound of 4 s
    # holds on both and still fails a quadratic parser twenty-five times over.
    assert spent < 4.0


def test_a_published_page_shows_the_stored_html_and_renders_nothing(client):
    initiative = make_initiative(slug="stored", description="[" * LIMIT)
    neighbour = make_initiative(slug="neighbour", description="The **neighbour's** text.")
    assert initiative.description_html == markup.render("[" * LIMIT)
    assert "[[[[" in _description_section(client, initiative)
    # The page shows what was stored, whatever the Markdown says: it does not render on request.
    Initiative.objects.filter(pk=initiative.pk).update(description_html="<p>stored marker</p>")
    services.collection_changed()  # past the page cache
    assert "<p>stored marker</p>" in _description_section(client, initiative)
    assert "<strong>neighbour's</strong>" in _description_section(client, neighbour)


def test_the_stored_html_is_sanitised(client):
    initiative = make_initiative(slug="hostile", description=HOSTILE)
    stored = Initiative.objects.get(pk=initiative.pk).description_html
    assert "<h2>Goals</h2>" in stored and "<strong>kept</strong>" in stored
    assert '<a href="https://example.org" rel="nofollow ugc noopener noreferrer">ok</a>' in stored
    for forbidden in ("<script", "alert(1)", "onerror", "javascript:", "<img"):
        assert forbidden not in stored
    assert _description_section(client, initiative).count("<h2>Goals</h2>") == 1


def test_editing_the_description_in_the_admin_updates_the_page_and_spares_the_neighbour(curator, client):  # noqa: F811
    thamm = Initiative.objects.get(slug="thamm")
    neighbour = make_initiative(slug="admin-neighbour", description="The **neighbour's** text.")
    neighbour_html = neighbour.description_html
    url = _admin_url(Initiative, "change", thamm.pk)
    response = submit(curator, url, "initiative_form", {"description_en": "## New plan\n\n" + "[" * LIMIT})
    assert response.status_code == 302, _form_errors(response)
    thamm.refresh_from_db()
    assert thamm.description_html == markup.render(thamm.description)
    assert "<h2>New plan</h2>" in _description_section(client, thamm)
    neighbour.refresh_from_db()
    assert neighbour.description_html == neighbour_html


def test_a_revert_renders_the_old_description_again(client):
    initiative = make_initiative(slug="reverted", description="First **version**.")
    first = initiative.history.latest()
    content = services.InitiativeContent(fields={"description": "Second *version*."})
    services.save_initiative(content=content, initiative=initiative)
    assert "<em>version</em>" in _description_section(client, initiative)
    assert not hasattr(first, "description_html")  # history keeps the Markdown, not what is derived from it
    services.revert_initiative(record=first)
    initiative.refresh_from_db()
    assert initiative.description_html == "<p>First <strong>version</strong>.</p>\n"
    assert "<strong>version</strong>" in _description_section(client, initiative)


def test_the_derived_html_is_neither_exported_nor_in_the_api(client):
    initiative = make_initiative(slug="exported", description="Some **markdown**.")
    [row] = exporting.export_rows(Initiative.objects.filter(pk=initiative.pk), include_private=True)
    assert "description_html" not in row and row["description"] == "Some **markdown**."
    data = json.loads(client.get("/api/initiatives/exported/").content)
    assert "description_html" not in data and data["description"] == "Some **markdown**."


def _import_changed(initiative, tmp_path, **changes) -> None:
    """Export ``initiative``, change its row and import the file again."""
    [row] = exporting.export_rows(Initiative.objects.filter(pk=initiative.pk), include_private=True)
    path = tmp_path / "rows.json"
    with path.open("w", encoding="utf-8") as out:
        encodings.write_json([{**row, **changes}], out)
    call_command("import_initiatives", str(path), stdout=io.StringIO(), stderr=io.StringIO())


def test_an_imported_description_is_stored_rendered(tmp_path, client):
    initiative = make_initiative(slug="imported", description="Old text.")
    _import_changed(initiative, tmp_path, description="Imported **text**.")
    initiative.refresh_from_db()
    assert initiative.description_html == "<p>Imported <strong>text</strong>.</p>\n"


def test_every_write_path_stores_the_html_of_its_description(tmp_path):
    """The seed loader and the generator write rows without save_initiative; their HTML is current too."""
    entries = json.loads(seed.SEED_FILE.read_text(encoding="utf-8"))
    entries[0]["description"] = "Seeded **text**."
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(entries), encoding="utf-8")
    seed.load_seed(path)
    assert Initiative.objects.get(slug=entries[0]["slug"]).description_html == "<p>Seeded <strong>text</strong>.</p>\n"
    loading.generate(count=3, seed=7)
    rows = Initiative.objects.values_list("description", "description_html")
    assert rows and all(html == markup.render(text) for text, html in rows)
    assert any(html for _text, html in rows)


def test_the_migration_renders_existing_descriptions():
    initiative = make_initiative(slug="migrated", description="Old **row**.")
    neighbour = make_initiative(slug="migrated-neighbour", description="")
    Initiative.objects.update(description_html="")
    migration = importlib.import_module("initiatives.migrations.0005_description_html")
    migration.render_descriptions(apps, None)
    assert Initiative.objects.get(pk=initiative.pk).description_html == "<p>Old <strong>row</strong>.</p>\n"
    assert Initiative.objects.get(pk=neighbour.pk).description_html == ""


def test_an_import_cannot_set_the_derived_html(tmp_path):
    initiative = make_initiative(slug="imported-html", description="Kept **as typed**.")
    with pytest.raises(CommandError, match="description_html"):
        _import_changed(initiative, tmp_path, description_html="<script>alert(1)</script>")
    initiative.refresh_from_db()
    assert initiative.description_html == "<p>Kept <strong>as typed</strong>.</p>\n"
