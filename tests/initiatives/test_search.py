"""Search: full-text (weighted, websearch syntax, accent-insensitive, ranked, highlighted, "did you mean") on
PostgreSQL and on SQLite (FTS5) behind the same interface; tests/initiatives/test_search_sqlite.py has SQLite's own."""

import pytest
from django.db import connection

from initiatives import search, services
from initiatives.models import SearchWord
from tests.factories import make_initiative

pytestmark = pytest.mark.django_db


def results(client, query, **params):
    response = client.get("/en/initiatives/", {"q": query, **params})
    assert response.status_code == 200
    return [i.slug for i in response.context["page_obj"].object_list], response


# --- both databases ----------------------------------------------------------------------------


def test_search_finds_words_in_title_summary_and_description(client):
    make_initiative(slug="desc-only", title="Unrelated", summary="Nothing.", description="About seasonal harvest work.")
    assert results(client, "remittances")[0] == ["pare-1-1"]
    assert results(client, "xenophobia")[0] == ["anti-rumour-strategy-handbook"]
    assert results(client, "harvest")[0] == ["desc-only"]
    assert results(client, "AMICALL")[0] == ["amicall"]  # acronym


def test_all_words_must_match_and_minus_excludes(client):
    assert set(results(client, "diaspora")[0]) == {"eudif", "pare-1-1"}
    assert results(client, "diaspora Moldova")[0] == ["pare-1-1"]
    assert results(client, "diaspora -Moldova")[0] == ["eudif"]


def test_quoted_phrase(client):
    assert results(client, '"vocational education"')[0] == ["thamm"]
    assert results(client, '"education vocational"')[0] == []


@pytest.mark.parametrize("query", ["OR", "-", "OR -"])
def test_a_search_of_operators_alone_finds_nothing_without_an_error(client, query):
    """Found by the property tests: such a search (nothing to look for) was a 500 on the listing and the API."""
    assert results(client, query)[0] == []
    assert client.get("/en/themes/remittances/", {"q": query}).status_code == 200
    response = client.get("/api/initiatives/", {"q": query})
    assert response.status_code == 200 and response.json()["count"] == 0


def test_ranking_weights_title_over_summary_over_description(client):
    make_initiative(slug="in-description", title="Alpha", summary="Beta.", description="Zanzibar clove trade.")
    make_initiative(slug="in-summary", title="Gamma", summary="Zanzibar workers.", description="Delta.")
    make_initiative(slug="in-title", title="Zanzibar labour", summary="Epsilon.", description="Eta.")
    found, response = results(client, "zanzibar")
    assert found == ["in-title", "in-summary", "in-description"]
    assert response.context["sort"] == "relevance"


def test_snippets_highlight_matches_and_escape_stored_text(client):
    make_initiative(slug="hostile", title="Hostile", summary="Remittances <script>alert(1)</script> flow.")
    found, response = results(client, "remittances")
    html = response.content.decode()
    assert "<mark>" in html
    assert "<script>alert(1)</script>" not in html
    assert "<mark>Remittances</mark>" in html
    assert "alert(1)" in html  # shown as text (escaped on SQLite; PostgreSQL's headline drops the tags)


def test_search_combines_with_facets(client):
    assert results(client, "migration", region="europe")[0] == ["amicall"]


def test_empty_and_blank_queries_list_everything(client):
    assert len(results(client, "   ")[0]) == 7


def test_search_url_is_a_feed(client):
    response = client.get("/en/initiatives/feed/", {"q": "diaspora"})
    body = response.content.decode()
    assert body.count("<item>") == 2


# --- both databases: limits, OR, accents, stemming, "did you mean" (the GIN index is PostgreSQL's) ----------


SHORTENED = "the rest of yours was left out"


def test_a_search_uses_at_most_sixteen_words_and_says_so(client):
    """Every word is one more lookup: past ``MAX_WORDS`` the rest is left out (here an exclusion), on the page too."""
    within = " ".join(["diaspora"] * (search.MAX_WORDS - 1) + ["-Moldova"])
    found, response = results(client, within)
    assert found == ["eudif"]
    assert SHORTENED not in response.content.decode()
    found, response = results(client, "diaspora " + within)
    assert set(found) == {"eudif", "pare-1-1"}  # the 17th word, -Moldova, was left out
    assert SHORTENED in response.content.decode()
    # Words are what the search sees: punctuation does not make one token of many.
    assert search.clean_query(",".join(["w"] * 40)) == ",".join(["w"] * search.MAX_WORDS)


def test_a_search_has_at_most_eight_alternatives(client):
    words = [f"zzz{n}" for n in range(search.MAX_ALTERNATIVES - 1)]
    eight = " OR ".join([*words, "remittances"])
    nine = " OR ".join([*words, "qqq", "remittances"])
    assert search.clean_query(nine) == " OR ".join([*words, "qqq"])
    found, response = results(client, nine)
    assert found == [] and SHORTENED in response.content.decode()
    found, response = results(client, eight)
    assert SHORTENED not in response.content.decode()
    assert found == ["pare-1-1"]
    # The API does not shorten silently: it says what is too long.
    response = client.get("/api/initiatives/", {"q": nine})
    assert response.status_code == 400 and response.json()["errors"][0]["parameter"] == "q"
    assert client.get("/api/initiatives/", {"q": eight}).status_code == 200


@pytest.fixture
def vocabulary(db):
    search.rebuild_vocabulary()


def test_or_syntax(client, vocabulary):
    assert set(results(client, "xenophobia or remittances")[0]) == {"anti-rumour-strategy-handbook", "pare-1-1"}


def test_accent_insensitive_both_ways(client, vocabulary):
    sectoral = "regional-project-on-sectoral-qualifications-in-the-euro-mediterranean"
    assert results(client, "Europeen")[0] == [sectoral]  # the text says "Européen"
    make_initiative(slug="cafe", title="Migrant café network", summary="Meeting places.")
    assert results(client, "cafe")[0] == ["cafe"]
    assert results(client, "café")[0] == ["cafe"]


def test_stemming(client, vocabulary):
    assert "pare-1-1" in results(client, "remittance")[0]
    assert "anti-rumour-strategy-handbook" in results(client, "discriminating")[0]


def test_search_vector_follows_edits(client, vocabulary):
    initiative = make_initiative(slug="renamed", title="Before", summary="Plain.")
    assert results(client, "kaleidoscope")[0] == []
    initiative.title = "Kaleidoscope of mobility"
    initiative.save()
    services.collection_changed()  # as every service that changes an initiative does (cached results follow)
    assert results(client, "kaleidoscope")[0] == ["renamed"]


def test_did_you_mean(client, vocabulary):
    found, response = results(client, "remitances")
    assert found == []
    assert response.context["suggestion"] == "remittances"
    html = response.content.decode()
    assert "Did you mean:" in html and 'href="?q=remittances"' in html
    assert results(client, "remittances")[1].context["suggestion"] is None


def test_newly_published_words_join_the_vocabulary(client, vocabulary):
    make_initiative(slug="new-word", title="Xylophone orchestra for migrants", summary="Music.")
    assert results(client, "xylophon")[1].context["suggestion"] == "xylophone"


def test_a_word_too_long_for_the_vocabulary_is_left_out(client, vocabulary):
    """Found by the property tests: a "word" of more than 100 letters made publishing fail (a 500)."""
    make_initiative(slug="long-word", title="Glossary of terms", summary="a" * 150 + " lexicographers")
    words = set(SearchWord.objects.values_list("word", flat=True))
    assert "lexicographers" in words
    assert not any(word.startswith("aaa") for word in words)


@pytest.mark.parametrize("language", search.SEARCH_LANGUAGES)
def test_search_uses_a_gin_index_per_language(on_postgresql, language):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [f"initiative_search_{language}"])
        (definition,) = cursor.fetchone()
    assert f"USING gin (search_{language})" in definition


def test_highlight_markers_typed_into_stored_text_do_not_become_mark_elements(client):
    """U+E000/U+E001 mark highlights inside snippets; the same characters in a title or summary mark nothing."""
    marked = make_initiative(
        slug="markers",
        title="Markers \ue000title\ue001 of remittances",
        summary="Remittances and \ue000injected\ue001 text \ue001\ue000 here.",
    )
    neighbour = make_initiative(slug="markers-neighbour", title="Plain", summary="Remittances without markers.")
    _found, response = results(client, "remittances")
    snippets = response.context["snippets"]
    assert snippets[marked.pk].startswith("<mark>Remittances</mark> and injected text")  # the real highlight stays
    assert snippets[marked.pk].count("<mark>") == snippets[marked.pk].count("</mark>") == 1
    assert snippets[neighbour.pk] == "<mark>Remittances</mark> without markers."
    html = response.content.decode()
    assert "<mark>injected" not in html and "<mark>title" not in html
