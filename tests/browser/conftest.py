"""Browser tests: Playwright driving the system Chromium against Django's live server.

Every test collected under this folder is marked ``browser``: ``make test`` runs ``-m "not browser"``, and
``make test-browser`` runs ``-m browser`` after ``scripts/install-browser-deps`` (Chromium, Java, and the npm
packages axe-core and vnu-jar). Never run ``playwright install``: it downloads a browser build of its own.
"""

import os
from pathlib import Path

import pytest

BROWSER_TESTS_DIR = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session", autouse=True)
def _allow_django_orm_under_playwright():
    """Playwright's sync API runs an event loop in the test's thread, where Django refuses ORM calls without this.

    Set for the browser tests only (not at import: this conftest is imported by ``make test`` too, whose tests
    should keep Django's async-safety checks).
    """
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark every test under tests/browser ``browser`` before ``-m`` selects (this hook sees the whole session)."""
    for item in items:
        if BROWSER_TESTS_DIR in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch the Debian Chromium (scripts/install-browser-deps), not a Playwright-downloaded build."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} not found: run scripts/install-browser-deps (never `playwright install`)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """Bypass the site's Content-Security-Policy so that axe-core can be injected into its pages."""
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture(scope="session")
def live_server(django_db_setup, live_server):
    """pytest-django's live server, started only once the test database exists.

    Without this the (session-scoped) server can be set up before the (session-scoped) ``django_db_setup``: it then
    does not share the in-memory SQLite test database's connection, and its request threads open connections of
    their own that are never closed (a ResourceWarning at exit, which fails the run).
    """
    return live_server


@pytest.fixture
def seeded_live_server(live_server, seeded_database):
    """The live server, with the taxonomy and the seven seed initiatives loaded (``seeded_database``)."""
    return live_server


@pytest.fixture(autouse=True)
def _mail_sent_at_once(mail_sent_at_once):
    """The walks read the e-mails the live server queues: the queue runs each one as it is enqueued."""
