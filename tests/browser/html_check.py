"""HTML validity checks with the Nu Html Checker (npm ``vnu-jar``, pinned in package-lock.json; needs Java)."""

import atexit
import json
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

from tests.portal.servers import free_port

VNU_JAR = Path(__file__).resolve().parents[2] / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# The checker runs for a second or two on a few pages, so the JVM's start is most of its cost: only the quick
# compiler (C1; the optimising one spends more than it saves in so short a run) and the serial collector (no GC
# threads) take it from about 2.4 to 1.1 s of CPU a run, which the browser tests pay 34 times. C1's frames are
# larger, and the schema's recursion then needs a bigger thread stack than the 512 KB the checker asks for.
JAVA_OPTIONS = ["-Xss4m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]


# A process that checks more than once runs the checker as a server (its servlet, on a port of its own) from the second
# check on: its JVM starts once (about 3 CPU-s) and each document then costs about 0.05 CPU-s instead of a run's 1.4.
# The browser tests check about 70 times (CI runs them in one process).
SERVER_AFTER_CHECKS = 1
SERVER_START_SECONDS = 120
_checks = 0
_server: dict = {}


def _server_url() -> str | None:
    """The running checker server's URL, started if need be; None if it does not answer in time (the command line
    is then used, as for the first check)."""
    if "url" in _server:
        return _server["url"]
    port = free_port()
    process = subprocess.Popen(
        ["java", *JAVA_OPTIONS, "-cp", str(VNU_JAR), "nu.validator.servlet.Main", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    atexit.register(_stop, process)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=5):
                _server["url"] = url
                return url
        except OSError:
            time.sleep(0.5)
    _stop(process)
    _server["url"] = None
    return None


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def _messages_from_server(url: str, html: str) -> list[dict]:
    request = urllib.request.Request(
        f"{url}?out=json&level=error",
        data=html.encode("utf-8"),
        headers={"Content-Type": "text/html; charset=utf-8"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=300) as response:
        return json.loads(response.read().decode("utf-8"))["messages"]


def _error_line(message: dict) -> str:
    line, column = message.get("lastLine", "?"), message.get("firstColumn", message.get("lastColumn", "?"))
    return f"line {line}, column {column}: {message.get('message', '')}"


def vnu_errors(html: str) -> list[str]:
    """Validate one HTML document and return its errors, each as ``"line L, column C: message"``."""
    return vnu_errors_many({"document": html})["document"]


def vnu_errors_many(documents: dict[str, str]) -> dict[str, list[str]]:
    """Validate several HTML documents in one run of the checker (one JVM start, about a second).

    ``documents`` maps a name (a URL, say; only used to tell them apart) to HTML; returns each name's errors.
    """
    if not VNU_JAR.is_file():
        raise RuntimeError(f"{VNU_JAR} is missing: run scripts/install-browser-deps")
    global _checks
    errors: dict[str, list[str]] = {name: [] for name in documents}
    if not documents:
        return errors
    _checks += 1
    url = _server_url() if _checks > SERVER_AFTER_CHECKS else None
    if url is not None:
        for name, html in documents.items():
            for message in _messages_from_server(url, html):
                if message.get("type") != "error":
                    raise RuntimeError(f"vnu could not check {name}: {message}")
                errors[name].append(_error_line(message))
        return errors
    with tempfile.TemporaryDirectory(prefix="vnu-") as tmp:
        files = {}  # file name -> document name
        for index, (name, html) in enumerate(documents.items()):
            path = Path(tmp) / f"document-{index}.html"
            path.write_text(html, encoding="utf-8")
            files[path.name] = name
        command = ["java", *JAVA_OPTIONS, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--stdout"]
        result = subprocess.run(
            [*command, *(str(Path(tmp) / file) for file in files)],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    # vnu exits 0 for valid documents and 1 when it reports errors; anything else does not print its JSON.
    try:
        messages = json.loads(result.stdout)["messages"]
    except (ValueError, KeyError) as error:
        raise RuntimeError(f"vnu.jar failed (exit {result.returncode}):\n{result.stdout}{result.stderr}") from error
    for message in messages:
        file = str(message.get("url", "")).rsplit("/", 1)[-1]
        if message.get("type") != "error" or file not in files:
            # A "non-document-error" (an I/O or internal problem), or a message about no document we sent.
            raise RuntimeError(f"vnu.jar could not check the documents: {message}")
        errors[files[file]].append(_error_line(message))
    return errors
