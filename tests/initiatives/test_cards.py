"""The result card (``initiatives.cards``), built in Python: whatever it shows that people wrote is escaped, on every
page that shows cards, and the initiative's own page credits its submitter the same way."""

import pytest
from django.core.cache import cache

from initiatives.models import Country, Theme
from tests.factories import make_initiative

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script> & co'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co"


@pytest.fixture
def hostile_card():
    Country.objects.filter(code="ma").update(name=f"Aa Morocco {HOSTILE}", name_en=f"Aa Morocco {HOSTILE}")
    Theme.objects.filter(slug="remittances").update(name_en=f"Remittances {HOSTILE}")
    cache.clear()  # the terms were renamed behind the services' back: every process reads them again
    initiative = make_initiative(
        title=f"Title {HOSTILE}",
        summary=f"Summary {HOSTILE}",
        countries=["ma", "es", "it", "fr", "de"],
        themes=["remittances"],
        submitter_name=f"Jane {HOSTILE}",
        submitted_on="2024-03-01",
        start_date="2019-01-01",
        ongoing=True,
    )
    plain = make_initiative(title="A plain neighbour", countries=["fr"])
    return initiative, plain


@pytest.mark.parametrize("path", ["/en/initiatives/", "/en/", "/en/countries/ma/"])
def test_what_people_wrote_is_escaped_on_every_page_of_cards(client, hostile_card, path):
    initiative, plain = hostile_card
    html = client.get(path).content.decode()
    assert "<script>" not in html.replace('<script type="application/ld+json">', "")
    assert f">Title {ESCAPED}</a></h3>" in html
    # Countries by name: Morocco is fourth of the five, hence renamed to come first.
    assert f'<li class="card-places">Aa Morocco {ESCAPED}, France, Germany and 2 others</li>' in html
    assert f'<p class="submitted-by">Submitted by Jane {ESCAPED} on 1 March 2024</p>' in html
    assert f'title="Objective 20: Remittances {ESCAPED}"' in html
    assert '<li class="card-years">Since 2019</li>' in html
    if path != "/en/countries/ma/":  # the neighbour, filed under France only, is on the pages that are not Morocco's
        assert f'<a href="{plain.get_absolute_url()}" dir="auto">A plain neighbour</a>' in html


def test_the_initiatives_page_credits_the_submitter_escaped(client, hostile_card):
    initiative, _plain = hostile_card
    html = client.get(initiative.get_absolute_url()).content.decode()
    assert f'<p class="submitted-by">Submitted by Jane {ESCAPED} on 1 March 2024</p>' in html


def test_a_search_shows_its_snippet_instead_of_the_summary(client, hostile_card):
    initiative, _plain = hostile_card
    html = client.get("/en/initiatives/", {"q": "title"}).content.decode()
    assert '<p class="card-summary snippet" dir="auto">' in html
    assert "<script>" not in html.replace('<script type="application/ld+json">', "")
