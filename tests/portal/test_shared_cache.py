"""One cache shared by the development server and the management commands run beside it.

The counts and pages a server process caches are dropped when the collection changes (``initiatives/counts.py``
moves the collection version). With a per-process cache (locmem, the former development default) a command run in
another terminal (load_seed, an import, the generator) moved its own copy of the version only, and the server kept
showing the old counts; the development default is now the database cache, which every process shares.

Two real processes on one SQLite file with the development settings (DEBUG on, no CACHE_BACKEND): a long-lived
"server" process answering listing requests through Django's test client (so its in-process cache, were it one,
would stay warm), and the generator (``python -m bench.generator``) run beside it.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.system
BASE_DIR = Path(__file__).resolve().parents[2]
GENERATOR = ("-m", "bench.generator")  # benchmark tooling: a script, not a management command

# The server: one listing request per line read, printing the result count it shows.
SERVER = r"""
import re, sys
import django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="127.0.0.1")
for _line in sys.stdin:
    html = client.get("/en/initiatives/").content.decode()
    found = re.search(r'class="result-count"[^>]*>([\d,\u202f\xa0 ]+) initiative', html)
    print(re.sub(r"\D", "", found.group(1)) if found else "?", flush=True)
"""


def _env(database: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "DJANGO_", "PYTEST", "SQLITE_", "CACHE_", "DEBUG"))
    }
    env.update(DATABASE_URL=f"sqlite:///{database}", DJANGO_SETTINGS_MODULE="portal.settings", **extra)
    return env


def _manage(*args: str, env: dict[str, str], program: tuple[str, ...] = ("manage.py",)) -> str:
    done = subprocess.run(
        [sys.executable, *program, *args], capture_output=True, cwd=BASE_DIR, env=env, timeout=300, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> Path:
    """A development database as `make setup` makes it (migrated, with the cache table and the taxonomy), in a
    SQLite file of its own. The commands make it, rather than a copy of the test database, so that these tests run
    in the system part whichever database that part uses (CI runs it on PostgreSQL)."""
    path = tmp_path_factory.mktemp("shared-cache") / "portal.sqlite3"
    env = _env(path)
    _manage("migrate", "--no-input", "-v0", env=env)
    _manage("createcachetable", env=env)
    _manage("load_taxonomy", "-v0", env=env)
    return path


class Server:
    def __init__(self, env):
        self.process = subprocess.Popen(
            [sys.executable, "-c", SERVER],
            cwd=BASE_DIR,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def count(self) -> str:
        self.process.stdin.write("get\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline().strip()
        assert line, self.process.stderr.read()[-2000:]
        return line

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=30)
        self.process.stdout.close()
        self.process.stderr.close()


def test_the_development_default_is_the_shared_database_cache(database):
    code = (
        "import django; django.setup(); from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, cwd=BASE_DIR, env=_env(database), text=True, timeout=60
    )
    # The database cache (portal/cache.py: Django's, writing many keys in one statement).
    assert done.stdout.strip() == "portal.cache.DatabaseCache", done.stderr


def test_counts_seen_by_the_server_follow_a_command_run_beside_it(database):
    env = _env(database)
    server = Server(env)
    try:
        before = int(server.count())
        assert server.count() == str(before)  # now from its cache
        _manage("3", "--seed", "7", "-v0", env=env, program=GENERATOR)
        assert server.count() == str(before + 3)
    finally:
        server.close()


def test_a_per_process_cache_would_not_follow(database):
    """The neighbour that shows why: with locmem (per process), the server keeps its stale count."""
    env = _env(database, CACHE_BACKEND="locmem")
    server = Server(env)
    try:
        before = int(server.count())
        _manage("2", "--seed", "8", "--database-url", env["DATABASE_URL"], env=env, program=GENERATOR)
        assert server.count() == str(before)  # stale: the command moved only its own copy of the version
    finally:
        server.close()
