"""Published initiatives that look like the one being proposed: by meaning and title together, across languages
(issue 14), or the same acronym.

``score = MEANING_WEIGHT × meaning + (1 − MEANING_WEIGHT) × title``, where *meaning* is the cosine of the sentence
embeddings of title and summary (initiatives/embeddings.py: a French proposal of an English practice scores high),
and *title* the better of the titles' spelling likeness (difflib) and the cosine of the titles' own embeddings.
A look-alike is one scoring at least ``THRESHOLD``. The weight and the threshold were chosen on the labelled pairs of
tests/submissions/duplicate_pairs.csv (true duplicates, translations into French, Spanish and Arabic,
related-but-different and unrelated practices), where they give precision 0.96 and recall 1.0
(tests/submissions/test_duplicates_meaning.py reports them).

Candidates are the ``CANDIDATES`` nearest published initiatives by meaning and those whose titles share words (or
trigrams, on PostgreSQL) with the proposal's: the cost is one encoding batch of at most ``2 + 2 × (CANDIDATES +
LIMIT)`` bounded texts and a few queries, whatever the size of the collection.
"""

import difflib
import re

import numpy as np
from django.db import connection
from django.db.models import Q

from initiatives import embeddings
from initiatives.models import Initiative

LIMIT = 5
CANDIDATES = 10
MEANING_WEIGHT = 0.5
THRESHOLD = 0.50
MAX_TITLE_CHARS = 300
MAX_SUMMARY_CHARS = 1000
_WORD = re.compile(r"\w{4,}", re.UNICODE)


def proposal_text(title: str, summary: str = "") -> str:
    """What is encoded of a proposal (bounded)."""
    parts = [(title or "").strip()[:MAX_TITLE_CHARS], (summary or "").strip()[:MAX_SUMMARY_CHARS]]
    return "\n".join(part for part in parts if part)


def spelling_likeness(a: str, b: str) -> float:
    a, b = (a or "").lower()[:MAX_TITLE_CHARS], (b or "").lower()[:MAX_TITLE_CHARS]
    return difflib.SequenceMatcher(None, a, b).ratio()


def duplicate_score(*, meaning: float, title: float) -> float:
    return MEANING_WEIGHT * meaning + (1 - MEANING_WEIGHT) * title


def pair_score(*, text_vectors, title_vectors, titles) -> float:
    """The score of two texts given their vectors (text, title) and their titles: what the labelled pairs measure."""
    meaning = float(np.dot(text_vectors[0], text_vectors[1]))
    title = max(spelling_likeness(*titles), float(np.dot(title_vectors[0], title_vectors[1])))
    return duplicate_score(meaning=meaning, title=title)


def _lexical_candidates(published, title: str, acronym: str) -> list[int]:
    """Published initiatives with the same acronym or a title that looks alike by its letters."""
    same_acronym = Q(acronym__iexact=acronym) if acronym else Q(pk__in=[])
    if connection.vendor == "postgresql":
        condition = same_acronym | (Q(title__trigram_similar=title) if title else Q(pk__in=[]))
        return list(published.filter(condition).order_by("-published_at").values_list("pk", flat=True)[:LIMIT])
    words = sorted(set(_WORD.findall(title.lower())), key=len, reverse=True)[:3]
    condition = same_acronym
    for word in words:
        condition |= Q(title__icontains=word)
    found = list(published.filter(condition).values_list("pk", "title")[:200])
    found.sort(key=lambda row: -spelling_likeness(title, row[1]))
    return [pk for pk, _title in found[:LIMIT]]


def similar_initiatives(
    *, title: str, acronym: str = "", summary: str = "", exclude_pk: int | None = None, vector=None
) -> list[Initiative]:
    """The look-alikes, best first, each with its ``duplicate_score`` (0–1). ``vector``: the proposal's text vector
    when it is stored already (the moderators' page); otherwise it is encoded here (one short batch)."""
    title, acronym = (title or "").strip()[:MAX_TITLE_CHARS], (acronym or "").strip()[:50]
    if not title and not acronym:
        return []
    published = Initiative.objects.published()
    if exclude_pk:
        published = published.exclude(pk=exclude_pk)
    text = proposal_text(title, summary)
    index = embeddings.published_index()
    meaning: dict[int, float] = {}
    if title and len(index.ids):
        if vector is None:
            vector = embeddings.encode([text])[0]
        row = index.scores(np.asarray(vector, dtype=np.float32)[None])[0]
        count = min(CANDIDATES + 1, len(row))
        meaning = {int(index.ids[n]): float(row[n]) for n in np.argpartition(-row, count - 1)[:count]}
        meaning.pop(exclude_pk, None)
    ids = set(meaning) | set(_lexical_candidates(published, title, acronym))
    candidates = list(published.filter(pk__in=ids)) if ids else []
    if not candidates:
        return []
    # One batch: the proposal's title (and text, if not given), the candidates' titles, and the texts of those
    # without a stored vector yet (published before the task ran).
    unstored = [c for c in candidates if c.pk not in meaning]
    batch = [title or acronym, *(c.title for c in candidates), *(embeddings.initiative_text(c) for c in unstored)]
    if vector is None:
        batch.append(text)
    vectors = embeddings.encode(batch)
    if vector is None:
        vector = vectors[-1]
    title_vectors = vectors[1 : 1 + len(candidates)]
    for candidate, unstored_vector in zip(unstored, vectors[1 + len(candidates) :], strict=False):
        meaning[candidate.pk] = float(np.dot(vector, unstored_vector))
    found = []
    for candidate, title_vector in zip(candidates, title_vectors, strict=True):
        likeness = max(spelling_likeness(title, candidate.title), float(np.dot(vectors[0], title_vector)))
        candidate.duplicate_score = duplicate_score(meaning=meaning[candidate.pk], title=likeness)
        same_acronym = bool(acronym) and candidate.acronym.lower() == acronym.lower()
        if candidate.duplicate_score >= THRESHOLD or same_acronym:
            found.append(candidate)
    found.sort(key=lambda item: (-item.duplicate_score, -item.pk))
    return found[:LIMIT]


def submission_text(submission) -> str:
    data = submission.data if isinstance(submission.data, dict) else {}
    return proposal_text(str(data.get("title") or ""), str(data.get("summary") or ""))


def stored_vector(submission):
    """The stored vector of the submission's current text, or None (then ``similar_initiatives`` encodes it)."""
    from .models import SubmissionEmbedding

    stored = SubmissionEmbedding.objects.filter(pk=submission.pk).first()
    if stored is None or stored.text_hash != embeddings.text_hash(submission_text(submission)):
        return None
    return embeddings.from_bytes(stored.vector)


def store_submission_vector(*, submission_id: int) -> str:
    """Encode and store a submission's text unless the stored vector is of the same text (the task's work)."""
    from .models import Submission, SubmissionEmbedding

    submission = Submission.objects.filter(pk=submission_id).first()
    if submission is None:
        return "gone"
    text = submission_text(submission)
    digest = embeddings.text_hash(text)
    if SubmissionEmbedding.objects.filter(pk=submission_id, text_hash=digest).exists():
        return "unchanged text"
    SubmissionEmbedding.objects.update_or_create(
        submission_id=submission_id,
        defaults={
            "vector": embeddings.to_bytes(embeddings.encode([text])[0]),
            "text_hash": digest,
            "model": embeddings.model_name(),
        },
    )
    return "encoded"
