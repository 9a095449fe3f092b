"""What a server process does once it has loaded the application, before its first request (``portal/wsgi.py``):
the work each process would otherwise do on some visitor's request, which is then many times slower than the
others (the first cold listing of a gunicorn worker: 220 ms, where the next take 60)."""

import contextlib
import gc
import logging
from pathlib import Path

from django.template import engines

logger = logging.getLogger(__name__)


def compile_templates() -> int:
    """Compile every template of the project's template directories (``TEMPLATES`` ``DIRS``: about 150, 0.1 s)
    into the engine's cached loader, as a page would at its first rendering in this process. Returns how many."""
    engine = engines["django"].engine
    compiled = 0
    for directory in map(Path, engine.dirs):
        for path in sorted(directory.rglob("*")):
            if not path.is_file():
                continue
            try:
                engine.get_template(path.relative_to(directory).as_posix())
                compiled += 1
            except Exception as error:  # a template that does not compile fails where it is rendered, visibly
                logger.warning("Template %s not compiled at start: %r", path, error)
    return compiled


def load_urls() -> None:
    """Import the URLconf and fill the resolver's reverse lookups in each language, as a worker's first request and its
    first ``reverse()`` in each language would: the URLconf imports the API and its schema (about 80 ms), and the
    reverse lookups of the translated patterns are made per language (20-60 ms each)."""
    from django.conf import settings
    from django.urls import NoReverseMatch, get_resolver, reverse
    from django.utils import translation

    resolver = get_resolver()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            resolver.reverse_dict  # noqa: B018 (the property fills the active language's lookups)
            # A name in a namespace ("initiatives:feed") is reversed by a resolver of the namespace's own, made and
            # filled at its first use in each language: 3-6 ms each, which a worker's first listing paid.
            for namespace in _namespaces(resolver):
                with contextlib.suppress(NoReverseMatch):
                    reverse(f"{namespace}:{UNNAMED}")


UNNAMED = "-no-such-name-"


def _namespaces(resolver, within: str = ""):
    """The URL namespaces under ``resolver`` ("initiatives", "api", and any nested: "a:b"), in the active language."""
    for name, (_prefix, included) in resolver.namespace_dict.items():
        yield f"{within}{name}"
        yield from _namespaces(included, f"{within}{name}:")


def freeze_what_was_loaded() -> None:
    """Move every object the process holds now (the modules, the URL resolver, the compiled templates, the bitmaps)
    out of the garbage collector's reach (``gc.freeze``): they live as long as the process.

    Without it, each full collection walks all of them. CPython runs one every 100 young collections or so, about
    once in 40–70 requests of a listing, and at 100,000 initiatives a worker's full collection took 62–74 ms (150,000
    objects): the slowest request of a run was often just the one that paid for it. Frozen, a full collection walks
    only what the requests since have left alive (0.2 ms). Objects made later are collected as before."""
    gc.collect()
    gc.freeze()


def read_ahead() -> bool:
    """Read the facets' terms (``initiatives.facet_terms.warm_up``) and compile the search snippets' query
    (``initiatives.search.warm_up``), each otherwise paid by a worker's first listing or search: about 100 ms in all.
    A database that cannot be read yet leaves them to the first requests, with a warning. Whether they were read."""
    from initiatives import facet_terms, search
    from initiatives.start_reads import read_at_start

    return read_at_start("Facet terms and search statements", facet_terms.warm_up, search.warm_up)


def warm_up() -> None:
    """Read the facet bitmaps (``initiatives.facet_bitmaps.warm_up``), load the URLs (``load_urls``), compile the
    templates, read the facets' terms
    and compile the search statements (``read_ahead``), then freeze what was loaded (``freeze_what_was_loaded``).
    Never raises: a server that could not warm up still starts, and does the work at its first requests instead."""
    from initiatives import facet_bitmaps

    facet_bitmaps.warm_up()
    load_urls()
    compile_templates()
    read_ahead()
    freeze_what_was_loaded()
