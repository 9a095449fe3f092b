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
