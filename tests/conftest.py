import io

import pytest
from django.core.management import call_command
from django.db import connection


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the taxonomy and the seven seed initiatives once into the test database.

    Tests run inside transactions that are rolled back, so each starts from this state.
    """
    with django_db_blocker.unblock():
        call_command("load_seed", stdout=io.StringIO())


@pytest.fixture
def on_postgresql(db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Cached counts must not leak from one test (whose data is rolled back) into the next."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def miss_window_begun(db, monkeypatch):
    """The test client's window of the anonymous cache-miss limit (initiatives/throttle.py) has begun and lasts the
    day: for pinned query counts, each page computed for it costs exactly one query to count (never the clean-up of
    passed windows that the first count of a window makes, whenever a minute ends during the test)."""
    from initiatives import throttle
    from ratelimits import counters

    monkeypatch.setattr(throttle, "WINDOW_SECONDS", 86400)
    counters.hit(throttle.cache_miss_limit(), "127.0.0.1")
