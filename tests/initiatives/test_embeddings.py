"""Issue 14: vectors of published initiatives, computed by the task, and the precomputed "Related initiatives"."""

import io

import numpy as np
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from initiatives import embeddings, services
from initiatives.models import Initiative, InitiativeEmbedding, RelatedInitiative
from tests.factories import make_initiative

pytestmark = pytest.mark.django_db

ENGLISH = {
    "title": "Reducing the cost of remittance transfers",
    "summary": "A programme that lowers the fees migrants pay to send money home, with mobile money and price lists.",
    "themes": ["remittances"],
}
FRENCH = {
    "title": "Réduire le coût des transferts de fonds",
    "summary": "Un programme qui diminue les frais payés par les migrants pour envoyer de l'argent chez eux.",
    "language": "fr",
    "themes": ["remittances"],
}
UNRELATED = {
    "title": "Mobile clinics for migrants in transit",
    "summary": "Medical teams travel along migration routes to give first aid and vaccinations to people on the move.",
}


@pytest.fixture
def written(django_capture_on_commit_callbacks, run_tasks):
    """Run a write as if it committed (its tasks enqueued), then the worker."""

    def write(call, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            result = call(**kwargs)
        run_tasks()
        return result

    return write


@pytest.fixture
def encoded(monkeypatch):
    """The texts the encoder was asked for."""
    texts = []
    real = embeddings.encode

    def spy(batch):
        texts.extend(batch)
        return real(batch)

    monkeypatch.setattr(embeddings, "encode", spy)
    return texts


def related_slugs(initiative) -> list[str]:
    return list(
        RelatedInitiative.objects.filter(initiative=initiative).order_by("rank").values_list("related__slug", flat=True)
    )


def test_publishing_stores_a_unit_vector_by_the_task_and_a_translation_is_related_first(written, encoded):
    english = written(make_initiative, **ENGLISH)
    unrelated = written(make_initiative, **UNRELATED)
    french = written(make_initiative, **FRENCH)
    draft = make_initiative(**{**ENGLISH, "title": "Reducing remittance costs (draft)"}, publish=False)

    stored = InitiativeEmbedding.objects.get(initiative=english)
    vector = embeddings.from_bytes(stored.vector)
    assert vector.shape == (512,) and abs(float(np.linalg.norm(vector)) - 1) < 1e-2
    assert stored.model == embeddings.model_name() and stored.model.startswith("usem3-")
    assert len(encoded) == 3  # one text per published initiative, none for the draft
    assert not InitiativeEmbedding.objects.filter(initiative=draft).exists()

    # Across languages, the same idea comes first; the draft never appears in any list.
    assert related_slugs(french)[0] == english.slug
    assert related_slugs(english)[0] == french.slug
    assert related_slugs(unrelated)  # a list of its own, nearest first
    assert not RelatedInitiative.objects.filter(related=draft).exists()
    assert not RelatedInitiative.objects.filter(initiative=draft).exists()


def test_the_vector_is_recomputed_only_when_the_text_changes(written, encoded):
    initiative = written(make_initiative, **ENGLISH)
    first = InitiativeEmbedding.objects.get(initiative=initiative)
    assert len(encoded) == 1

    initiative.countries.set([])  # not text: the task runs, nothing is encoded
    written(services.publish_initiative, initiative=initiative)
    assert len(encoded) == 1
    outcomes = [result.return_value for result in DBTaskResult.objects.order_by("enqueued_at")]
    assert outcomes[-1].startswith("unchanged text")

    initiative.summary = "A programme that makes sending money home cheaper for migrant workers."
    written(services.publish_initiative, initiative=initiative)
    assert len(encoded) == 2 and "cheaper for migrant workers" in encoded[-1]
    assert InitiativeEmbedding.objects.get(initiative=initiative).text_hash != first.text_hash


def test_an_unpublished_initiative_leaves_every_list_and_its_neighbour_keeps_its_own(written):
    english = written(make_initiative, **ENGLISH)
    french = written(make_initiative, **FRENCH)
    unrelated = written(make_initiative, **UNRELATED)
    assert french.slug in related_slugs(english)

    written(services.unpublish_initiative, initiative=french)
    assert not InitiativeEmbedding.objects.filter(initiative=french).exists()
    assert not RelatedInitiative.objects.filter(related=french).exists()
    assert not RelatedInitiative.objects.filter(initiative=french).exists()
    assert related_slugs(english)[0] == unrelated.slug  # refilled from what is still published
    assert InitiativeEmbedding.objects.filter(initiative=english).exists()  # the neighbour is spared

    written(services.delete_initiative, initiative=unrelated)
    assert related_slugs(english) == []


def test_lists_updated_one_change_at_a_time_equal_a_full_rebuild(written):
    """What the task keeps up to date incrementally (the lists a new initiative enters) is what computing every list
    from scratch gives."""
    call_command("rebuild_embeddings", stdout=io.StringIO())
    thamm = Initiative.objects.get(slug="thamm")
    french = written(
        make_initiative,
        title="Vers une approche globale de la gouvernance des migrations de travail en Afrique du Nord",
        summary="Un programme régional qui aide le Maroc, la Tunisie et l'Égypte à mettre en place des politiques "
        "de migration de travail sûre, ordonnée et régulière.",
        language="fr",
        themes=[t.slug for t in thamm.themes.all()],
    )
    assert related_slugs(thamm)[0] == french.slug  # it entered thamm's list, at the top

    def lists():
        return sorted(RelatedInitiative.objects.values_list("initiative_id", "rank", "related_id"))

    incremental = lists()
    embeddings.forget_index()  # the matrix the task patched in place, read afresh
    call_command("rebuild_embeddings", stdout=io.StringIO())
    assert lists() == incremental


def test_the_rebuild_command_encodes_only_what_changed_and_has_a_dry_run():
    out = io.StringIO()
    call_command("rebuild_embeddings", "--dry-run", stdout=out)
    assert "Would encode 7 texts" in out.getvalue() and not InitiativeEmbedding.objects.exists()

    call_command("rebuild_embeddings", stdout=out)
    assert InitiativeEmbedding.objects.count() == 7 and RelatedInitiative.objects.count() == 7 * 6

    out = io.StringIO()
    call_command("rebuild_embeddings", stdout=out)
    assert "0 texts encoded, 7 related lists computed." in out.getvalue()


def _queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries), response


def test_the_detail_page_reads_precomputed_rows_and_never_encodes(
    client, django_user_model, miss_window_begun, monkeypatch
):
    call_command("rebuild_embeddings", stdout=io.StringIO())
    thamm = Initiative.objects.get(slug="thamm")
    draft = make_initiative(title=thamm.title, summary=thamm.summary, publish=False)  # the same words, a draft

    def refuse(*args, **kwargs):
        raise AssertionError("a page must not encode")

    monkeypatch.setattr(embeddings, "encoder", refuse)
    monkeypatch.setattr(embeddings, "published_index", refuse)
    # Cold (counts computed) and warm (the page from the cache): 20 and 0 with the shared-terms ranking; the rows
    # make it two queries fewer (one join instead of two counts, a fetch by primary key and its attachments).
    cold, response = _queries(client, "/en/initiatives/thamm/")
    warm, _response = _queries(client, "/en/initiatives/thamm/")
    # Cards prefetch themes, countries and regions (+3); issue 15 (presentation.card_terms): which they are in one
    # query (−2), the terms and categories from each process's copy, read for this page without facets (+4).
    assert (cold, warm) == (20, 0)
    shown = [item.slug for item in response.context["related"]]
    assert shown == related_slugs(thamm)[:4]
    assert draft.slug not in response.content.decode()

    # Rendered for a logged-in reader with warm counts: as many queries as with the shared-terms ranking (14 + 3 + 3),
    # the cards' relations in one query (−2), their terms known.
    client.force_login(django_user_model.objects.create_user("reader", "reader@example.org", password=None))
    _queries(client, "/en/initiatives/thamm/")
    assert _queries(client, "/en/initiatives/thamm/")[0] == 14 + 3 + 1


def test_without_vectors_the_page_falls_back_to_shared_terms(client):
    assert not RelatedInitiative.objects.exists()
    response = client.get("/en/initiatives/thamm/")
    assert response.status_code == 200 and response.context["related"]  # the seed shares themes and regions
