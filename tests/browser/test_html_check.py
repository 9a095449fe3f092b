"""The HTML checker (tests/browser/html_check.py) says the same as a command-line run once it runs as a server: the
same errors, at the same places, for a broken document, and none for a valid one."""

from tests.browser import html_check

BROKEN = "<!DOCTYPE html><html lang=en><title>x</title><p>ok<p><div></span>"
VALID = "<!DOCTYPE html><html lang=en><title>x</title><p>ok</p>"


def test_the_server_reports_what_the_command_line_reports(monkeypatch):
    monkeypatch.setattr(html_check, "_checks", 0)
    by_command_line = html_check.vnu_errors_many({"broken": BROKEN, "valid": VALID})
    assert html_check._checks == html_check.SERVER_AFTER_CHECKS  # the next check goes to the server
    by_server = html_check.vnu_errors_many({"broken": BROKEN, "valid": VALID})
    assert html_check._server.get("url"), "the checker server did not start"
    assert by_server == by_command_line
    assert by_server["valid"] == []
    assert "Stray end tag “span”." in " ".join(by_server["broken"])
    assert any(error.startswith("line 1, column ") for error in by_server["broken"])
