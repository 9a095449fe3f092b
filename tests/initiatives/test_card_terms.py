"""The terms a result card lists (issue 15, ``presentation.card_terms``): which they are from one query of the
relations' tables, the terms themselves (and the cards' categories) from each process's copy of the taxonomies; the
same lists, in the same order and language, as the relations give."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from initiatives.models import Initiative
from tests.factories import make_initiative

pytestmark = pytest.mark.django_db


def as_related(initiative) -> dict:
    return {
        "card_themes": list(initiative.themes.all()),
        "card_countries": list(initiative.countries.all()),
        "card_regions": list(initiative.regions.all()),
        "category": initiative.category,
    }


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_a_cards_terms_are_its_relations_in_their_order_and_the_readers_language(client, language):
    many = make_initiative(themes=["remittances", "regular-pathways"], countries=["ma", "fr", "de"], regions=["europe"])
    bare = make_initiative(title="Nothing filed")  # the neighbour: no theme, country or region
    with translation.override(language):
        response = client.get(f"/{language}/initiatives/")
        cards = {initiative.pk: initiative for initiative in response.context["initiatives"]}
        assert set(cards) >= {many.pk, bare.pk}
        for pk, card in cards.items():
            expected = as_related(Initiative.objects.get(pk=pk))
            shown = {name: getattr(card, name) for name in expected}
            assert shown == expected, pk
            # In the reader's language, as the page shows them.
            assert [c.name for c in card.card_countries] == [c.name for c in expected["card_countries"]]
    assert cards[bare.pk].card_themes == [] and cards[bare.pk].card_countries == []
    html = response.content.decode()
    with translation.override(language):
        assert all(country.name in html for country in cards[many.pk].card_countries[:3])


@pytest.fixture
def page_queries(client, settings):
    def queries(page_size):
        settings.INITIATIVES_PAGE_SIZE = page_size
        with CaptureQueriesContext(connection) as captured:  # a parameter it ignores: the page is not kept
            response = client.get(f"/en/initiatives/?page=2&utm_source={page_size}")
        cards = response.context["initiatives"]
        assert len(cards) == page_size and all(card.card_themes and card.category for card in cards)
        return len(captured), [q["sql"] for q in captured]

    return queries


def test_the_cards_terms_cost_the_same_for_two_cards_or_eight(client, page_queries):
    """The relations' tables in one query for all the cards; the terms and categories, in a request, from memory
    (the first page after the cache was emptied read them): a page of 2 cards and one of 8 cost the same."""
    for _n in range(16):
        make_initiative(themes=["remittances"], countries=["ma", "tn"], regions=["northern-africa"])
    client.get("/en/initiatives/?page=2&utm_source=0")  # the terms and the listing's order read, the bitmaps caught up
    two, _ = page_queries(2)
    eight, statements = page_queries(8)
    assert two == eight
    assert len([sql for sql in statements if "UNION ALL" in sql and "initiatives_initiative_themes" in sql]) == 1
    assert not [sql for sql in statements if 'FROM "initiatives_theme"' in sql or 'FROM "initiatives_country"' in sql]
