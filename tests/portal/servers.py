"""A PostgreSQL server and a portal (gunicorn) that a test owns: started, stopped and restarted at will.

initdb refuses to run as root, so when the tests run as root the server runs as the ``postgres`` system user
(``runuser``), in a temporary directory owned by it. The server listens on 127.0.0.1 on a free port, with
trust authentication for the ``postgres`` role, fsync off.
"""

import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import psycopg
from psycopg import sql

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
BASE_DIR = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on just now: for a server a test starts, or for one that refuses
    connections (the tests' one way to find a port)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} within {timeout} s")
        time.sleep(0.1)


class OwnedPostgres:
    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="portal-owned-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = free_port()
        self.as_owner = []
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
            self.as_owner = ["runuser", "-u", "postgres", "--"]
        self._run(
            PG_BIN / "initdb",
            "-D",
            self.data,
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )

    def _run(self, *args) -> None:
        subprocess.run([*self.as_owner, *map(str, args)], check=True, capture_output=True, cwd=self.root)

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} -c fsync=off"
        self._run(PG_BIN / "pg_ctl", "-D", self.data, "-l", self.log, "-o", options, "-w", "start")

    def stop(self) -> None:
        """Fast shutdown: open sessions are cut off, as when the server goes down under the portal."""
        self._run(PG_BIN / "pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")

    def destroy(self) -> None:
        subprocess.run(
            [*self.as_owner, str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"],
            capture_output=True,
            cwd=self.root,
        )
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def execute(self, database: str, statement, params=None) -> list[tuple]:
        with psycopg.connect(self.url(database), autocommit=True) as conn:
            cursor = conn.execute(statement, params)
            return cursor.fetchall() if cursor.description else []

    def clone(self, template: str, name: str) -> str:
        self.execute(
            "postgres", sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(template))
        )
        return self.url(name)


def portal_env(**extra: str) -> dict[str, str]:
    """The environment of a production-like portal process: DEBUG off, so the production defaults (the
    database cache among them), HTTP on 127.0.0.1, mail kept in memory."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "DJANGO_", "PYTEST", "SQLITE_"))
    }
    env.update(
        DEBUG="false",
        SECRET_KEY="owned-server-test-key-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        MAIL_BACKEND="locmem",
        LOG_LEVEL="WARNING",
    )
    env.update(extra)
    return env


def manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args], check=True, capture_output=True, cwd=BASE_DIR, env=env, timeout=120
    )


class Portal:
    """gunicorn serving portal.wsgi on a free port, one worker (its connections persist between requests)."""

    def __init__(self, env: dict[str, str], log: Path):
        self.port = free_port()
        self.log = log
        self._log_file = log.open("wb")
        self.process = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "portal.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "1",
                "--timeout",
                "30",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )
        wait_until(self._answers, 30, "the portal did not answer")

    def _answers(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{self.log.read_text()}")
        try:
            self.request("GET", "/robots.txt")
        except OSError:
            return False
        return True

    def request(self, method: str, path: str, body: str | None = None, headers: dict | None = None):
        """(status, headers, body text) of one request, redirects not followed."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, response.headers, response.read().decode()
        finally:
            conn.close()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log_file.close()


class Browser:
    """Keeps cookies between requests by hand (the portal marks them Secure, with DEBUG off, and this is
    HTTP), honouring Max-Age."""

    def __init__(self, portal: Portal):
        self.portal = portal
        self.jar: dict[str, tuple[str, float]] = {}  # name: (value, expiry on the monotonic clock)

    @property
    def cookies(self) -> dict[str, str]:
        now = time.monotonic()
        return {name: value for name, (value, expires) in self.jar.items() if expires > now}

    def request(self, method: str, path: str, form: dict | None = None):
        headers = {}
        if cookies := self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        status, response_headers, text = self.portal.request(method, path, body, headers)
        for header in response_headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                max_age = float(morsel["max-age"]) if morsel["max-age"] else float("inf")
                self.jar[name] = (morsel.value, time.monotonic() + max_age)
        return status, response_headers, text

    def get(self, path: str):
        return self.request("GET", path)

    def post(self, path: str, form: dict):
        return self.request("POST", path, {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **form})
