"""HTML validity checks with the Nu Html Checker (npm ``vnu-jar``, pinned in package-lock.json; needs Java)."""

import json
import subprocess
import tempfile
from pathlib import Path

VNU_JAR = Path(__file__).resolve().parents[2] / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# The checker runs for a second or two on a few pages, so the JVM's start is most of its cost: only the quick
# compiler (C1; the optimising one spends more than it saves in so short a run) and the serial collector (no GC
# threads) take it from about 2.4 to 1.1 s of CPU a run, which the browser tests pay 34 times. C1's frames are
# larger, and the schema's recursion then needs a bigger thread stack than the 512 KB the checker asks for.
JAVA_OPTIONS = ["-Xss4m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]


def vnu_errors(html: str) -> list[str]:
    """Validate one HTML document and return its errors, each as ``"line L, column C: message"``."""
    return vnu_errors_many({"document": html})["document"]


def vnu_errors_many(documents: dict[str, str]) -> dict[str, list[str]]:
    """Validate several HTML documents in one run of the checker (one JVM start, about a second).

    ``documents`` maps a name (a URL, say; only used to tell them apart) to HTML; returns each name's errors.
    """
    if not VNU_JAR.is_file():
        raise RuntimeError(f"{VNU_JAR} is missing: run scripts/install-browser-deps")
    errors: dict[str, list[str]] = {name: [] for name in documents}
    if not documents:
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
        line, column = message.get("lastLine", "?"), message.get("firstColumn", message.get("lastColumn", "?"))
        errors[files[file]].append(f"line {line}, column {column}: {message.get('message', '')}")
    return errors
