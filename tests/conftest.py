import io

import pytest
from django.core.management import call_command
from django.db import connection


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the taxonomy and the seven seed initiatives once into the test database.

    Tests run inside transactions that are rolled back, so each starts from this state.
    """
    from django_tasks_db.models import DBTaskResult

    with django_db_blocker.unblock():
        call_command("load_seed", stdout=io.StringIO())
        DBTaskResult.objects.all().delete()  # the build of the download files that publishing the seed queued


@pytest.fixture
def on_postgresql(db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Cached counts must not leak from one test (whose data is rolled back) into the next."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _exports_root(settings, tmp_path):
    """Download files built by one test (or by a developer's `make setup` under var/) are not served to another."""
    settings.EXPORTS_ROOT = tmp_path / "exports"
