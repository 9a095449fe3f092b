"""The terms a listing's facets name, from each process's memory (issue 15: the floor of a page no cache has seen).

A listing's nine facets each read their terms (a theme's name, a country's code…): nine queries and as many
querysets compiled, about 6 ms of every cold listing, for rows that change when a curator renames, merges or
deletes a term. Each process keeps every term of a taxonomy, in the order of the reader's language, as the
version of ``all`` (``counts.ALL``) found them: every such change moves that version (``services.collection_changed``
with no keys), and the page already read it before its facets (its cached body is stored under it). A term this
copy does not know yet (a tag made as an initiative was published) makes it read the taxonomy again. The copy is
also read again after ``COUNTS_CACHE_SECONDS``, like every cached count, in case a term was changed without the
services (a raw ``UPDATE``).

Outside a request that has read the version of ``all`` (a management command, the API), the terms are read from the
database as before.
"""

import threading
import time

from django.conf import settings
from django.utils.translation import get_language

from . import counts

_lock = threading.Lock()
# (model, language): (the version of ``all``, when read, the terms in the model's order, their pks)
_held: dict[tuple, tuple[str, float, list, frozenset]] = {}
# (model, language): pks asked for that the last reading did not find (forgotten at the next reading)
_absent: dict[tuple, frozenset] = {}


def warm_up() -> None:
    """Read every taxonomy's terms in every language as a server process starts (``portal/startup.py``), under the
    current version of ``all``: the first listing a worker answers does not read them."""
    from django.utils import translation

    from .taxonomies import TAXONOMIES

    version = counts.current_versions(())[counts.ALL]
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for taxonomy in TAXONOMIES:
                _read(taxonomy.model, version)


def _read(model, version: str) -> tuple:
    """Every term of ``model`` in the active language's order, kept under ``version``."""
    every = list(model.objects.all())
    held = (version, time.monotonic(), every, frozenset(term.pk for term in every))
    with _lock:
        _held[(model, get_language())] = held
        _absent.pop((model, get_language()), None)
    return held


def forget() -> None:
    """Drop every copy (the tests' database is emptied under them)."""
    with _lock:
        _held.clear()
        _absent.clear()


def terms(model, pks) -> list:
    """The terms of ``model`` whose pk is in ``pks``, in the model's order (as ``model.objects.filter(pk__in=pks)``
    would give them)."""
    wanted = set(pks)
    if not wanted:
        return []
    reads = counts.request_reads()
    version = reads.versions.get(counts.ALL) if reads is not None else None
    if version is None:
        return list(model.objects.filter(pk__in=wanted))
    key = (model, get_language())
    with _lock:
        held = _held.get(key)
    fresh = held is not None and held[0] == version and time.monotonic() - held[1] < settings.COUNTS_CACHE_SECONDS
    if not fresh or not wanted <= held[3] | _absent.get(key, frozenset()):
        held = _read(model, version)
        missing = wanted - held[3]
        if missing:  # no such term (a count that names a term since deleted): not read again for it until then
            with _lock:
                _absent[key] = _absent.get(key, frozenset()) | missing
    return [term for term in held[2] if term.pk in wanted]
