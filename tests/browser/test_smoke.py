"""First browser tests: the tooling (Chromium, axe-core, the Nu Html Checker) and the home page."""

from django.conf import settings

from initiatives.models import Initiative
from tests.browser.axe import axe_violations, format_violations
from tests.browser.html_check import vnu_errors, vnu_errors_many

VALID_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Tooling check</title>
</head>
<body>
<header><a href="#main">Skip to content</a></header>
<main id="main">
<h1>Tooling check</h1>
<p>A small, valid and accessible page.</p>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="A dot" width="1" height="1">
</main>
</body>
</html>
"""

# An image without alternative text (axe's critical "image-alt") and a stray end tag (an HTML error).
BROKEN_PAGE = VALID_PAGE.replace(' alt="A dot"', "").replace("</p>", "</div>")


def test_tooling_on_static_pages(page):
    """Chromium launches, axe injects and reports, and vnu tells valid HTML from invalid HTML."""
    page.set_content(VALID_PAGE)
    assert page.title() == "Tooling check"
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)

    page.set_content(BROKEN_PAGE)
    assert "image-alt" in {violation["id"] for violation in axe_violations(page)}
    assert axe_violations(page, impacts=("minor",)) == []

    assert vnu_errors(VALID_PAGE) == []
    errors = vnu_errors_many({"valid": VALID_PAGE, "broken": BROKEN_PAGE})
    assert errors["valid"] == []
    assert any("Stray end tag" in error for error in errors["broken"]), errors["broken"]
    assert any("alt" in error for error in errors["broken"]), errors["broken"]


def test_home_page(page, seeded_live_server):
    response = page.goto(seeded_live_server.url + "/en/")
    assert response is not None
    assert response.status == 200, response.status
    assert settings.SITE_NAME in page.title()
    # The seed reached the live server: some published initiative is shown (an ORM call under Playwright, too).
    titles = list(Initiative.objects.published().values_list("title", flat=True))
    assert titles
    assert any(title in page.content() for title in titles), titles

    violations = axe_violations(page)
    assert violations == [], format_violations(violations)

    # The HTML as the server sent it (page.content() would be the DOM serialised again).
    errors = vnu_errors(response.text())
    assert errors == [], "\n".join(errors)
