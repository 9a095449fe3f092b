import gc
import io
import itertools
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker, django_db_modify_db_settings):
    """The test database, with the taxonomy and the seven seed initiatives: made once per run and copied by each test
    process (tests/shared_database.py).

    Tests run inside transactions that are rolled back, so each starts from this state.
    """
    from initiatives import facet_bitmaps
    from tests import shared_database

    with django_db_blocker.unblock():
        remove = shared_database.set_up(request.config, _load_seed)
        facet_bitmaps.prime()  # the seed's facet bitmaps, which each test starts from (_fresh_facet_bitmaps)
        _SEED_BITMAPS.update(facet_bitmaps.copies())
    _freeze_what_lives_until_the_end()
    yield
    with django_db_blocker.unblock():
        remove()


def _load_seed() -> None:
    from django_tasks_db.models import DBTaskResult

    call_command("load_seed", stdout=io.StringIO())
    DBTaskResult.objects.all().delete()  # the build of the download files that publishing the seed queued


# The garbage collector (issue 15, CI time). A test process holds several hundred thousand objects that live until it
# ends (the modules, the collected tests, the migrated models); every full collection went through all of them
# again, and the young collections ran every 2,000 allocations: 6.5 % of the database pass's CPU time (26 of 400 CPU-s
# on SQLite, measured with gc.callbacks). Frozen after the collection and after the database's set-up (they are
# never garbage), and with young collections ten times rarer, it is 13 CPU-s, and the pass 7 % faster. The tests'
# own objects are collected as before.
YOUNG_COLLECTION_EVERY = 20_000


def _freeze_what_lives_until_the_end() -> None:
    gc.collect()
    gc.freeze()


def pytest_collection_finish(session):
    gc.set_threshold(YOUNG_COLLECTION_EVERY, *gc.get_threshold()[1:])
    _freeze_what_lives_until_the_end()


@pytest.fixture(scope="session", autouse=True)
def _static_files_scanned_once():
    """The static files are listed once per process and settings, not once per test client.

    WhiteNoise lists and stats every collected file (about 180 with their compressed copies) when its middleware is
    made, which a server does once per process; but each test's client makes the middleware again, and that listing
    was about a tenth of the database pass's time. What it finds is a function of the directory and the settings
    (WhiteNoise reads nothing else), so a listing is kept per directory, prefix and settings, and a test that
    changes any of them (STATIC_ROOT, STORAGES, a WHITENOISE_ setting) gets a listing of its own."""
    from django.conf import settings
    from whitenoise.base import WhiteNoise

    original = WhiteNoise.update_files_dictionary
    listed: dict[tuple, dict] = {}

    def update_files_dictionary(self, root, prefix):
        names = sorted(name for name in dir(settings) if name.startswith("WHITENOISE_"))
        names += ["DEBUG", "FORCE_SCRIPT_NAME", "STATIC_ROOT", "STATIC_URL"]
        # Of the storages, the static files' only: every test has a media directory of its own (``_media_root``),
        # and a key with the whole setting would list the files again for each test.
        read = [(name, getattr(settings, name, None)) for name in names]
        read.append(("STORAGES[staticfiles]", settings.STORAGES.get("staticfiles")))
        key = (type(self), root, prefix, repr(read))
        if key not in listed:
            kept, self.files = self.files, {}
            try:
                original(self, root, prefix)
                listed[key] = self.files
            finally:
                self.files = kept
        self.files.update(listed[key])

    WhiteNoise.update_files_dictionary = update_files_dictionary
    yield
    WhiteNoise.update_files_dictionary = original


@pytest.fixture(scope="session")
def _seeded_snapshot(django_db_blocker):
    from tests.seeded import SeededSnapshot

    snapshot = SeededSnapshot()
    yield snapshot
    with django_db_blocker.unblock():
        snapshot.close()


@pytest.fixture
def seeded_database(transactional_db, _seeded_snapshot):
    """For a ``transaction=True`` test: the taxonomy and the seven seed initiatives, committed (an earlier such test
    flushed the database), from a copy taken once per process (tests/seeded.py)."""
    _seeded_snapshot.load()


@pytest.fixture
def on_postgresql(db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request activates its language in the thread (LocaleMiddleware,
    the API's ?lang) and leaves it active after the response, so without this a test's outcome would depend on
    which test ran before it in the same process."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_embedding_index():
    """The matrix of published vectors is kept per process (initiatives/embeddings.py): a rolled-back test's must
    not serve the next one."""
    from initiatives import embeddings

    embeddings.forget_index()
    yield
    embeddings.forget_index()


# The facet bitmaps of the seed, read once the test database is made (django_db_setup).
_SEED_BITMAPS: dict = {}


@pytest.fixture(autouse=True)
def _fresh_facet_bitmaps(request):
    """The facet bitmaps are kept per process (initiatives/facet_bitmaps.py) and brought up to date from the changes
    written since: a rolled-back test's changes are not in the database the next test reads, so each test starts
    from the seed's. A test whose database is emptied after it (``transaction=True``) leaves none: the next reads
    the database again."""
    from initiatives import facet_bitmaps

    facet_bitmaps.restore(_SEED_BITMAPS)
    yield
    if "transactional_db" in request.fixturenames or "live_server" in request.fixturenames:
        _SEED_BITMAPS.clear()
    facet_bitmaps.restore(_SEED_BITMAPS)


@pytest.fixture(autouse=True)
def _no_pending_announcement():
    """Keys changed in a transaction are announced when it commits; a test's transaction is rolled back, and its
    keys would otherwise be announced with the next test's first commit (initiatives/dependencies.py)."""
    from initiatives import dependencies

    dependencies._pending_keys().clear()
    yield
    dependencies._pending_keys().clear()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Cached counts must not leak from one test (whose data is rolled back) into the next; nor the facets' terms
    each process keeps (initiatives/facet_terms.py; a cleared cache moves the version they are kept under anyway)."""
    from django.core.cache import cache

    from initiatives import facet_terms

    cache.clear()
    facet_terms.forget()


@pytest.fixture(autouse=True)
def _rate_limit_clock_held(monkeypatch):
    """The rate limits' clock stands still at the test's start: their windows are fixed (a quarter of an hour, an
    hour), and a test of a limit that ran across a window's end would see its count start again. Tests of the
    windows themselves move this clock."""
    from ratelimits import counters

    now = counters.clock()
    monkeypatch.setattr(counters, "clock", lambda: now)


@pytest.fixture(scope="session")
def _per_test_directories(tmp_path_factory):
    return tmp_path_factory.mktemp("per-test"), itertools.count(1)


@pytest.fixture
def _own_directory(_per_test_directories) -> Path:
    """A directory of the test's own, not made until something writes there (the storages make it): pytest's
    ``tmp_path`` makes and numbers a directory and cleans old ones up for every test that asks, about 1 % of the
    database pass when every test asked for it."""
    base, numbers = _per_test_directories
    return base / str(next(numbers))


@pytest.fixture(autouse=True)
def _exports_root(settings, _own_directory):
    """Download files built by one test (or by a developer's `make setup` under var/) are not served to another."""
    settings.EXPORTS_ROOT = _own_directory / "exports"


@pytest.fixture(autouse=True)
def _media_root(settings, _own_directory):
    """Uploaded files (issue 13) go to a directory of the test's own, never under var/media."""
    settings.MEDIA_ROOT = _own_directory / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(_own_directory / "media")},
        },
    }


@pytest.fixture
def mail_sent_at_once(settings):
    """Run queued e-mail tasks as they are enqueued (the immediate task backend), for tests of what an e-mail says.

    Every e-mail goes through the task queue (portal/mail.py); tests of the queue itself (nothing sent in the
    request, retries) keep the database backend and run the worker.
    """
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def run_tasks(monkeypatch):
    """Run what was enqueued through the real database worker (``db_worker --batch``), until the queue is empty.

    The worker calls ``close_old_connections()`` on every turn, which closes a connection found inside a
    transaction, as a test's always is: on PostgreSQL that would lose the test's transaction. A real worker
    runs in autocommit, so the test keeps its connection open instead.
    """
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run():
        call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO(), stderr=io.StringIO())

    return run


@pytest.fixture
def miss_window_begun(db, monkeypatch):
    """The test client's window of the anonymous cache-miss limit (initiatives/throttle.py) has begun and lasts the
    day: for pinned query counts, each page computed for it costs exactly one query to count (never the clean-up of
    passed windows that the first count of a window makes, whenever a minute ends during the test)."""
    from initiatives import throttle
    from ratelimits import counters

    monkeypatch.setattr(throttle, "WINDOW_SECONDS", 86400)
    counters.hit(throttle.cache_miss_limit(), "127.0.0.1")
