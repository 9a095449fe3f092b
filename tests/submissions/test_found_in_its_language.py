"""A proposal written in French or Spanish, approved through the moderation pages, is found by a search in its own
language's words on PostgreSQL (stemmed: the query's plural finds the text's singular), and its neighbour is not."""

import pytest
from django.utils import translation

from initiatives import search
from submissions.models import Submission

from .test_translations import errors, post, proposal, url

pytestmark = pytest.mark.postgresql

FRENCH = {
    "language": "fr",
    "title": "Maison d'accueil des saisonniers",
    "summary": "Un accompagnement juridique pour le travailleur migrant saisonnier et sa famille.",
    "description": "",
}
SPANISH = {
    "language": "es",
    "title": "Fondo familiar de los migrantes",
    "summary": "Cada remesa enviada a casa cuenta el doble gracias a una cuenta de ahorro.",
    "description": "",
}
NEIGHBOUR = {
    "duplicate_explanation": "Another practice, in another town.",  # the duplicate warning does not stop it
    "language": "fr",
    "title": "Réseau des entrepreneures",
    "summary": "Des femmes créent des entreprises dans leur ville.",
    "description": "",
}


@pytest.fixture
def approved(client, author, moderator, on_postgresql):
    """Propose ``fields`` as the author, approve as a moderator, both through the pages; the published initiative."""
    from django.test import Client

    author_browser, moderator_browser = Client(), Client()
    author_browser.force_login(author)
    moderator_browser.force_login(moderator)

    def propose_and_approve(fields: dict):
        language = fields["language"]
        response = post(author_browser, url("submissions:create", language), proposal(**fields), language)
        assert response.status_code == 302, errors(response)
        submission = Submission.objects.filter(author=author).latest("pk")
        response = post(moderator_browser, url("submissions:moderator-action", pk=submission.pk, action="approve"), {})
        assert response.status_code == 302
        submission.refresh_from_db()
        assert submission.state == Submission.State.APPROVED
        return submission.initiative

    return propose_and_approve


def found(client, query: str, reader: str) -> list[str]:
    with translation.override(reader):
        address = url("initiatives:list", reader)
    response = client.get(address, {"q": query})
    assert response.status_code == 200
    return [initiative.slug for initiative in response.context["page_obj"].object_list]


def test_a_french_proposal_is_found_by_french_words_once_approved(client, approved):
    french = approved(FRENCH)
    approved(NEIGHBOUR)
    assert french.language == "fr"
    assert found(client, "travailleurs migrants", "fr") == [french.slug]
    assert found(client, "travailleurs migrants", "en") == [french.slug]  # every language is searched
    assert search.suggest("travailleurs migrents") is not None  # its words are in the French vocabulary


def test_a_spanish_proposal_is_found_by_spanish_words_once_approved(client, approved):
    spanish = approved(SPANISH)
    approved(NEIGHBOUR)
    assert spanish.language == "es"
    assert found(client, "remesas", "es") == [spanish.slug]
    assert found(client, "remesas", "fr") == [spanish.slug]
