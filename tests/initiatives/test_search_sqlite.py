"""Search on SQLite (FTS5, migration 0016): what is SQLite's own. The behaviour both databases share (OR, phrases,
accents, stemming, "did you mean") is tested in test_search.py, test_search_languages.py and test_vocabulary.py."""

import importlib
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from initiatives import search, search_sqlite, sections, services
from initiatives.models import Initiative
from tests.factories import make_initiative

pytestmark = pytest.mark.django_db

SECTORAL = "regional-project-on-sectoral-qualifications-in-the-euro-mediterranean"
MIGRATION = importlib.import_module("initiatives.migrations.0016_sqlite_search")


@pytest.fixture(autouse=True)
def on_sqlite(db):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's full-text index")


def results(client, query, reader="en"):
    response = client.get(f"/{reader}/initiatives/", {"q": query})
    assert response.status_code == 200
    return [i.slug for i in response.context["page_obj"].object_list], response


def indexed(initiative) -> list[int]:
    """The languages (places in SEARCH_LANGUAGES) of the index rows of ``initiative``."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid & 3 FROM {search_sqlite.TABLE} WHERE rowid BETWEEN %s AND %s ORDER BY 1",
            [initiative.pk * 4, initiative.pk * 4 + 3],
        )
        return [row[0] for row in cursor.fetchall()]


# --- forgiving search ---------------------------------------------------------------------------------------------


def test_europeen_finds_europeen_with_its_accent(client):
    found, _response = results(client, "europeen")
    assert found == [SECTORAL]  # the text says "Européen"; no other seed initiative does
    assert results(client, "EUROPÉEN")[0] == [SECTORAL]


def test_remitances_suggests_remittances_which_finds_results(client):
    found, response = results(client, "remitances")
    assert found == [] and response.context["suggestion"] == "remittances"
    assert 'href="?q=remittances"' in response.content.decode()
    found, response = results(client, "remittances")
    assert found == ["pare-1-1"] and response.context["suggestion"] is None
    # Only the misspelt word is corrected; a known word of another initiative stays as typed.
    assert results(client, "diaspora remitances")[1].context["suggestion"] == "diaspora remittances"


def test_phrases_or_and_exclusions(client):
    assert results(client, '"vocational education"')[0] == ["thamm"]
    assert results(client, '"education vocational"')[0] == []
    assert set(results(client, "xenophobia OR remittances")[0]) == {"anti-rumour-strategy-handbook", "pare-1-1"}
    assert results(client, "diaspora -Moldova")[0] == ["eudif"]
    assert set(results(client, '-"vocational education"')[0]) == set(
        Initiative.objects.published().exclude(slug="thamm").values_list("slug", flat=True)
    )


def test_an_exclusion_applies_within_each_language(client):
    """As on PostgreSQL: the French text says "diaspora" and not "Moldova" (it says "Moldavie")."""
    make_initiative(
        slug="bilingual",
        title="Diaspora bonds for Moldova",
        summary="Diaspora investment in Moldova.",
        title_fr="Obligations de la diaspora",
        summary_fr="L'investissement de la diaspora en Moldavie.",
    )
    assert "bilingual" in results(client, "diaspora -Moldova")[0]
    assert "bilingual" not in results(client, "diaspora -Moldova -Moldavie")[0]


# --- ranking ------------------------------------------------------------------------------------------------------


@pytest.fixture(params=["bm25", "columns"])
def ranking(request, monkeypatch):
    """Both rankings: exact bm25 (few matches) and the best matching column (past EXACTLY_RANKED matches)."""
    if request.param == "columns":
        monkeypatch.setattr(search_sqlite, "EXACTLY_RANKED", 0)
    return request.param


def test_title_ranks_above_summary_above_description(client, ranking):
    make_initiative(slug="in-d", title="Alpha", summary="Beta.", budget="Zanzibar clove money.")
    make_initiative(slug="in-description", title="Alpha", summary="Beta.", description="Zanzibar clove trade.")
    make_initiative(slug="in-summary", title="Gamma", summary="Zanzibar workers.", description="Delta.")
    make_initiative(slug="in-title", title="Zanzibar labour", summary="Epsilon.", description="Eta.")
    assert results(client, "zanzibar")[0] == ["in-title", "in-summary", "in-description", "in-d"]


def test_the_readers_language_ranks_first_whatever_the_field(client, ranking, settings):
    settings.LANGUAGES = [("en", "English"), ("fr", "French")]
    make_initiative(slug="english-title", title="Sahel labour mobility", summary="Across borders.")
    with translation.override("fr"):
        make_initiative(
            slug="french-body", language="fr", title="Mobilité", summary="Travail.", description="Au Sahel."
        )
    assert results(client, "Sahel")[0] == ["english-title", "french-body"]
    assert results(client, "Sahel", reader="fr")[0] == ["french-body", "english-title"]


# --- snippets -----------------------------------------------------------------------------------------------------


def test_snippets_are_escaped_and_highlight_only_what_matched(client):
    hostile = make_initiative(slug="hostile", title="Hostile", summary="Remittances <b>bold</b> \ue000x\ue001 flow.")
    neighbour = make_initiative(slug="calm", title="Remittances help", summary="Plain words only.")
    _found, response = results(client, "remittances")
    snippets = response.context["snippets"]
    assert snippets[hostile.pk] == "<mark>Remittances</mark> &lt;b&gt;bold&lt;/b&gt; x flow."
    assert snippets[neighbour.pk] == "Plain words only."  # matched in its title: its summary, nothing marked
    assert "<b>bold</b>" not in response.content.decode()


# --- hostile queries ----------------------------------------------------------------------------------------------

HOSTILE = [
    '"',
    '"""',
    "*",
    "remittances*",
    "NEAR(remittances economy)",
    "NEAR remittances",
    "title:remittances",
    "{title}: remittances",
    "- title : diaspora",
    "^remittances",
    "remittances AND",
    "NOT remittances",
    "AND OR NOT",
    "(remittances",
    "remittances)",
    '"unbalanced phrase',
    "-",
    "--",
    "- -",
    "OR OR",
    "a OR -b",
    "-a OR -b",
    "+remittances",
    "'; DROP TABLE initiatives_search_fts; --",
    "\u0000remittances",
    "ـــ",
    "وَالمُهاجِرين",
    "_",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_fts_syntax_typed_by_a_visitor_never_errors(client, query):
    found, response = results(client, query)
    assert client.get("/api/initiatives/", {"q": query}).status_code in (200, 400)
    assert client.get("/en/initiatives/feed/", {"q": query}).status_code == 200


def test_fts_syntax_is_only_words(client):
    """A column filter, NEAR, prefix or AND typed by a visitor means nothing special."""
    assert results(client, "{title}: remittances")[0] == []  # "title" is a word the text doesn't hold near it
    assert results(client, "remittances*")[0] == ["pare-1-1"]  # the star is punctuation, not a prefix query
    assert results(client, "diasp*")[0] == []  # no prefix query: "diasp" is no word of theirs
    assert results(client, "NEAR(remittances economy)")[0] == []  # the word "near" is in no seed text


WORDS = st.sampled_from(
    ['"', "*", "^", ":", "{", "}", "(", ")", "-", "+", "NEAR", "AND", "OR", "NOT", "title", "remittances", " ", "é"]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.lists(st.one_of(WORDS, st.text(max_size=4)), max_size=12).map("".join))
def test_any_query_runs(query):
    rows = search.apply(Initiative.objects.published(), query)
    listed = list(rows.order_by(*(["-rank"] if "rank" in rows.query.annotations else []), "-pk")[:5])
    assert all(row.status == Initiative.Status.PUBLISHED for row in listed)
    search.snippets(listed, query)
    search.suggest(query)


# --- the index follows every write -------------------------------------------------------------------------------


def test_drafts_are_never_found_highlighted_or_suggested(client):
    draft = make_initiative(slug="draft", title="Zygomorphic flowers", summary="Zygomorphic.", publish=False)
    assert indexed(draft) == []
    found, response = results(client, "zygomorphic")
    assert found == [] and response.context["suggestion"] is None
    assert results(client, "zygomorphc")[1].context["suggestion"] is None
    services.publish_initiative(initiative=draft)
    services.collection_changed()
    assert results(client, "zygomorphic")[0] == ["draft"]
    assert results(client, "zygomorphc")[1].context["suggestion"] == "zygomorphic"


def test_an_edit_or_unpublication_is_reflected_at_once_and_spares_the_neighbour(client):
    initiative = make_initiative(slug="renamed", title="Before", summary="Plain.")
    neighbour = make_initiative(slug="neighbour", title="Kaleidoscope neighbour", summary="Plain.")
    # A raw update, past the services: the triggers keep the index.
    Initiative.objects.filter(pk=initiative.pk).update(title="Kaleidoscope of mobility")
    services.collection_changed()
    assert set(results(client, "kaleidoscope")[0]) == {"renamed", "neighbour"}
    services.unpublish_initiative(initiative=initiative)
    services.collection_changed()
    assert indexed(initiative) == [] and indexed(neighbour) == [0]
    assert results(client, "kaleidoscope")[0] == ["neighbour"]
    Initiative.objects.filter(pk=neighbour.pk).delete()
    assert indexed(neighbour) == []


def test_a_translation_gets_a_row_of_its_own(client):
    initiative = make_initiative(slug="translated", title="Seasonal work", summary="Advice.")
    assert indexed(initiative) == [0]
    initiative.title_es = "Trabajo de temporada"
    initiative.save()
    assert indexed(initiative) == [0, 2]


def test_rebuild_repairs_the_index_and_the_vocabulary(client):
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {search_sqlite.TABLE}")
    assert results(client, "remittances")[0] == []
    call_command("rebuild_search_vocabulary", stdout=io.StringIO())
    assert results(client, "remittances")[0] == ["pare-1-1"]


def test_the_triggers_survive_every_later_migration():
    """Django rebuilds a SQLite table for some schema changes, dropping its triggers: a migration that rebuilds
    initiatives_initiative must create migration 0016's triggers again (and re-index: rebuild_search_vocabulary)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'initiatives_initiative'")
        triggers = {row[0] for row in cursor.fetchall()}
    assert {f"{search_sqlite.TABLE}_{event}" for event in ("insert", "update", "delete")} <= triggers


def test_the_index_weighs_the_sections_as_sections_py_says():
    """A new section needs a migration re-creating the triggers with it (as 0011 did for PostgreSQL)."""
    assert set(MIGRATION.SECTIONS_C) == {s.field for s in sections.SECTIONS if s.weight == "C"}
    assert set(MIGRATION.SECTIONS_D) == {s.field for s in sections.SECTIONS if s.weight == "D"}
    assert tuple(MIGRATION.COLUMNS) == search_sqlite.COLUMNS


@pytest.mark.parametrize("more", [3, 8])
# Issue 15: the nine facets share the search's base and are counted in one query (facet_counts.py): −8; the size
# from a sample of ids (estimates.py: the id range, then the sample, every id in a small collection), no COUNT: +1.
# The facet bitmaps (facet_bitmaps.py) read the memberships of the initiatives the test published: +1. The page
# ranks only the ids the sample read, then reads its rows by id: +1.
# The cards' themes, countries and regions in one query (presentation.card_terms): −2.
@pytest.mark.parametrize(("query", "queries"), [("remittances", 18), ("remitances", 6)])
def test_a_search_page_costs_a_fixed_number_of_queries(client, django_assert_num_queries, query, queries, more):
    """Whatever the number of results: snippets are one query for the page, "did you mean" one for the known words
    and one per unknown word."""
    for n in range(more):
        make_initiative(slug=f"more-{n}", title=f"Remittances corridor {n}", summary="Remittances and savings.")
    with django_assert_num_queries(queries):
        results(client, query)
