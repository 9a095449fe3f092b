"""A server process warms up before its first request (``portal/startup.py``, called by ``portal/wsgi.py``): the
templates it would otherwise compile on a visitor's request are compiled as it loads the application."""

import importlib
from pathlib import Path

import pytest
from django.template import engines

pytestmark = pytest.mark.django_db


def _compiled() -> set[str]:
    """The templates the engine's cached loader holds, by name."""
    cache = engines["django"].engine.template_loaders[0].get_template_cache
    return {template.origin.template_name for template in cache.values() if hasattr(template, "origin")}


def test_loading_the_application_compiles_every_template_of_the_project():
    import portal.wsgi

    engine = engines["django"].engine
    engine.template_loaders[0].reset()
    assert "initiatives/initiative_list.html" not in _compiled()
    importlib.reload(portal.wsgi)
    project = {
        path.relative_to(directory).as_posix()
        for directory in map(Path, engine.dirs)
        for path in directory.rglob("*")
        if path.is_file()
    }
    assert len(project) > 100
    assert project <= _compiled(), sorted(project - _compiled())[:10]


def test_a_template_that_does_not_compile_is_a_warning_not_a_server_that_does_not_start(settings, tmp_path, caplog):
    from portal import startup

    (tmp_path / "broken.html").write_text("{% if %}")
    (tmp_path / "fine.html").write_text("{{ value }}")
    engine = engines["django"].engine
    dirs = engine.dirs
    engine.dirs = [str(tmp_path)]
    try:
        assert startup.compile_templates() == 1
    finally:
        engine.dirs = dirs
        engine.template_loaders[0].reset()
    assert "Template" in caplog.text and "broken.html" in caplog.text


def test_a_server_process_freezes_what_it_loaded_out_of_the_collectors_reach():
    """What the process loaded lives as long as it does: a full collection (one every 40–70 requests) walks only what
    requests have left since, not the application (70–95 ms a collection at 100,000 initiatives, else)."""
    import gc

    import portal.wsgi

    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    importlib.reload(portal.wsgi)
    loaded = gc.get_freeze_count()
    assert loaded > 20_000  # the modules, the URL resolver, the compiled templates
    assert len(gc.get_objects()) < loaded / 100  # what the collector still walks: what was made since
    leftover = [[n] for n in range(1000)]
    assert len(gc.get_objects()) >= len(leftover)  # objects made later are tracked (and collected) as before


def test_a_server_process_reads_the_facets_terms_before_its_first_listing(client):
    """Its first listing reads no term to name its facets' options (initiatives/facet_terms.py), and, on PostgreSQL,
    its first search does not compile the snippets' query (initiatives/search.py)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    import portal.wsgi
    from initiatives import facet_terms, search

    facet_terms.forget()
    search._snippet_statement.cache_clear()
    importlib.reload(portal.wsgi)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/en/initiatives/")
    assert response.status_code == 200
    assert next(f for f in response.context["facets"] if f.name == "category").options
    assert not [q for q in captured if 'FROM "initiatives_category"' in q["sql"]]
    if connection.vendor == "postgresql":
        assert search._snippet_statement.cache_info().currsize == 4  # one per language


def test_a_database_not_ready_at_start_leaves_the_terms_to_the_first_listing(monkeypatch, caplog):
    from portal import startup

    def unreadable():
        raise RuntimeError("no such table: initiatives_theme")

    monkeypatch.setattr("initiatives.facet_terms.warm_up", unreadable)
    assert startup.read_ahead() is False
    assert "not read at start" in caplog.text


def test_a_server_process_loads_its_urls_in_every_language_before_its_first_request(settings):
    """The URLconf is imported and the reverse lookups of every language made as the application loads, not on a
    visitor's first request (80 ms, then 20-60 ms for the first address made in each language)."""
    from django.urls import clear_url_caches, get_resolver

    import portal.wsgi

    clear_url_caches()
    assert not get_resolver()._reverse_dict  # what reverse() fills, language by language
    importlib.reload(portal.wsgi)
    assert set(get_resolver()._reverse_dict) == {code for code, _name in settings.LANGUAGES}


def test_a_server_process_fills_the_url_resolvers_of_every_namespace_in_every_language(settings, monkeypatch):
    """A name in a namespace ("initiatives:feed", which every listing reverses) is reversed by a resolver of the
    namespace's own, filled at its first use in each language (3-6 ms each): at start, not on a visitor's request."""
    from django.urls import clear_url_caches, reverse
    from django.urls.resolvers import URLResolver, get_ns_resolver
    from django.utils import translation

    from portal import startup

    clear_url_caches()
    get_ns_resolver.cache_clear()
    startup.load_urls()
    filled = []
    original = URLResolver._populate
    monkeypatch.setattr(URLResolver, "_populate", lambda self: filled.append(self) or original(self))
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            assert reverse("initiatives:feed").startswith(f"/{code}/")
            reverse("subscriptions:subscribe")
    assert filled == []


@pytest.mark.django_db(transaction=True)
def test_the_reads_at_start_leave_their_connection_open_for_the_first_requests():
    """Its backend has read what the first requests read (a new one's first search pays 15-20 ms for it)."""
    from django.db import connection

    from portal import startup

    connection.close()
    assert startup.read_ahead()
    assert connection.connection is not None


def test_a_process_forked_after_the_reads_at_start_opens_its_own_connection_and_spares_the_parents(on_postgresql):
    """gunicorn's ``--preload`` forks its workers after the application is loaded (and the reads at start made): a
    worker must not use the parent's connection (one socket, one session on the server, two processes), nor close
    it (the parent's session would end)."""
    import os

    from django.db import connection

    import initiatives.start_reads  # noqa: F401 (what registers the fork's handler)

    def backend() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            return cursor.fetchone()[0]

    parents = backend()
    child = os.fork()
    if child == 0:  # pragma: no cover (the child's outcome is its exit status)
        try:
            os._exit(0 if backend() != parents else 3)
        except BaseException:
            os._exit(4)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert backend() == parents  # the parent's session is still there, its transaction included


def test_a_server_process_makes_each_languages_search_query_once_at_start(on_postgresql):
    """A PostgreSQL backend loads a text-search configuration's dictionaries at its first use (1-8 ms each): on the
    connection the first requests use, at start."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from initiatives import search

    with CaptureQueriesContext(connection) as captured:
        search.warm_up()
    made = " ".join(query["sql"] for query in captured)
    for code in search.SEARCH_LANGUAGES:
        assert f"websearch_to_tsquery('{search.SEARCH_CONFIGS[code]}'::regconfig" in made, made
