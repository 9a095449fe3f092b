"""Hostile text in every field of a submission, carried through submit → moderation → publication,
then looked for on every page that shows it: nothing the submitter or a moderator types may run in
a visitor's browser (no script, no event handler, no javascript: link), and URL fields refuse
javascript: addresses outright."""

import html
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from django.utils.html import escape

from initiatives.models import Initiative
from submissions import services
from submissions.models import Submission

from .conftest import PROPOSAL

# What it checks is the HTTP layer, not the database engine: run once, in the SQLite pass (README, "Running the tests").
pytestmark = [pytest.mark.django_db, pytest.mark.any_database]
State = Submission.State


PAYLOADS = {
    "script": "<script>alert(1)</script>",
    "img-onerror": "<img src=x onerror=alert(1)>",
    "svg-onload": "<svg onload=alert(1)>",
    "attribute-breakout": '"><script>alert(1)</script>',
    "single-quote-breakout": "'><svg/onload=alert(1)>",
    "broken-markup": '<a href="x',
    "javascript-url": "javascript:alert(1)",
    "markdown-link": "[x](javascript:alert(1))",
    "markdown-link-mixed-case": "[x](JaVaScRiPt:alert(1))",
    "markdown-autolink": "<javascript:alert(1)>",
    "markdown-entity-link": "[x](&#106;avascript:alert(1))",
    "markdown-image-breakout": '![x](x" onerror="alert(1))',
    "raw-html-link": '<a href="javascript:alert(1)">x</a>',
}
# A link address that passes URL validation but tries to break out of the href attribute.
BREAKOUT_URL = 'https://example.org/"onmouseover="alert(1)'

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "srcset", "data", "poster"}
FORBIDDEN_TAGS = {"svg", "img", "iframe", "object", "embed", "math", "base", "meta-refresh"}
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")


def _dangerous_url(value: str) -> bool:
    # Browsers ignore control characters and whitespace inside a scheme ("java\tscript:").
    squeezed = re.sub(r"[\x00-\x20]", "", value).lower()
    return squeezed.startswith(DANGEROUS_SCHEMES)


# The portal's own images: the logo (issue 14) from the static files, an initiative's checked and re-encoded image
# (issue 13) from /files/. Any other <img> on a page came from someone's text.
PORTAL_IMAGE_PREFIXES = ("/static/", "/files/")


# The pictures the portal draws itself as inline SVG (issue 14): the world map, its legend's swatches and the bars of
# the insight page. User text on these pages is escaped, so an <svg> with another class came from someone's text.
PORTAL_SVG_CLASSES = {"world-map-svg", "swatch", "bar"}


def _portal_image(tag: str, attributes: dict) -> bool:
    if tag == "svg":
        return bool(set((attributes.get("class") or "").split()) & PORTAL_SVG_CLASSES)
    return tag == "img" and (attributes.get("src") or "").startswith(PORTAL_IMAGE_PREFIXES)


class _Scanner(HTMLParser):
    """Parses a page as a browser would and lists whatever could run script."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag}> with event handler {name}={value!r}")
            if name in URL_ATTRIBUTES and value and _dangerous_url(value):
                self.problems.append(f"<{tag}> with {name}={value!r}")
        if tag in FORBIDDEN_TAGS and not _portal_image(tag, dict(attrs)):
            self.problems.append(f"a <{tag}> element")
        if tag == "script":
            attributes = dict(attrs)
            if "src" not in attributes and attributes.get("type") != "application/ld+json":
                self.problems.append(f"an inline script {attrs!r}")

    handle_startendtag = handle_starttag


def assert_harmless(html: str, where: str) -> None:
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    assert not scanner.problems, f"{where}: {scanner.problems}"
    lowered = html.lower()
    assert "<script>alert" not in lowered, where
    assert 'href="javascript:' not in lowered and "href='javascript:" not in lowered, where


def _hostile_proposal(payload: str) -> dict:
    return {
        **PROPOSAL,
        "title": f"Pilot {payload} title",
        "acronym": payload[:50],
        "summary": f"Summary {payload} end.",
        "description": f"## Results {payload}\n\n* {payload}\n\n{payload}\n\n[ok](https://example.org) {payload}",
        "other_organisations": f"Agency {payload}",
        "links": f"https://example.org/report {payload}\n{BREAKOUT_URL} Breakout",
        "tags": f"seasonal work, {payload}",
        "submitter_name": f"Ana {payload}",
        "submitter_organisation": f"Ministry {payload}",
        "note_to_moderators": f"Note {payload}",
        "duplicate_explanation": f"Different {payload}",
        "consent": "on",
    }


def _get(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return response.content.decode()


@pytest.mark.parametrize("payload", list(PAYLOADS.values()), ids=list(PAYLOADS))
def test_hostile_text_never_runs_on_any_page(client, author, moderator, payload):
    title = f"Pilot {payload} title"
    shown_title = escape(title)
    client.force_login(author)

    # The form sent back with an error shows everything typed, escaped.
    invalid = client.post("/en/submit/", {**_hostile_proposal(payload), "summary": "", "action": "submit"})
    assert invalid.status_code == 200
    assert_harmless(invalid.content.decode(), "form with errors")

    response = client.post("/en/submit/", {**_hostile_proposal(payload), "action": "submit"})
    assert response.status_code == 302, response.context and response.context["form"].errors
    submission = Submission.objects.get(author=author)
    assert submission.state == State.SUBMITTED

    client.force_login(moderator)
    client.post(f"/en/moderation/{submission.pk}/note/", {"text": f"Internal {payload}"})
    client.post(f"/en/moderation/{submission.pk}/request_changes/", {"message": f"Please {payload}"})
    submission.refresh_from_db()
    assert submission.state == State.CHANGES_REQUESTED and submission.notes.count() == 1

    client.force_login(author)
    for url in ("/en/submissions/", f"/en/submissions/{submission.pk}/", f"/en/submissions/{submission.pk}/edit/"):
        html = _get(client, url)
        assert_harmless(html, url)
        assert shown_title in html, url
    assert escape(f"Please {payload}") in _get(client, f"/en/submissions/{submission.pk}/edit/")
    client.post(f"/en/submissions/{submission.pk}/submit/")

    client.force_login(moderator)
    for url in ("/en/moderation/", "/en/moderation/?state=all", f"/en/moderation/{submission.pk}/"):
        html = _get(client, url)
        assert_harmless(html, url)
        assert shown_title in html, url
    moderation = _get(client, f"/en/moderation/{submission.pk}/")
    for shown in (f"Internal {payload}", f"Note {payload}", f"Different {payload}", f"Please {payload}"):
        assert escape(shown) in moderation
    client.post(f"/en/moderation/{submission.pk}/approve/", {"message": f"Welcome {payload}"})
    submission.refresh_from_db()
    assert submission.state == State.APPROVED
    initiative = submission.initiative

    client.force_login(author)
    for url in ("/en/submissions/", f"/en/submissions/{submission.pk}/", f"/en/submissions/{submission.pk}/preview/"):
        html = _get(client, url)
        assert_harmless(html, url)
        assert shown_title in html, url

    # Someone suggests a hostile update: the moderators' comparison table shows old and new text.
    client.post(
        f"/en/initiatives/{initiative.slug}/suggest-update/",
        {**_hostile_proposal(payload), "title": f"Updated {payload}", "action": "submit"},
    )
    update = Submission.objects.get(kind=Submission.Kind.UPDATE)
    client.force_login(moderator)
    comparison = _get(client, f"/en/moderation/{update.pk}/")
    assert_harmless(comparison, "comparison")
    assert escape(f"Updated {payload}") in comparison

    client.logout()
    public = [
        f"/en/initiatives/{initiative.slug}/",
        "/en/",
        "/en/initiatives/",
        "/en/initiatives/?q=pilot",
        "/en/initiatives/?sort=newest",
        "/en/regions/eastern-europe/",
        "/en/regions/europe/",
        "/en/themes/regular-pathways/",
        "/en/countries/md/",
        "/en/categories/programmes-and-projects/",
        "/en/principles/human-rights/",
        "/en/organisations/",
        "/en/tags/",
        *(f"/en/tags/{tag.slug}/" for tag in initiative.tags.all()),
        *(involvement.organisation.get_absolute_url() for involvement in initiative.involvements.all()),
    ]
    for url in public:
        html = _get(client, url)
        assert_harmless(html, url)
    detail = _get(client, f"/en/initiatives/{initiative.slug}/")
    assert shown_title in detail
    assert escape(f"Summary {payload} end.") in detail
    assert escape(f"Ana {payload}") in detail  # the credit
    # Every user link is marked as such.
    for href in re.findall(r'<a href="https://example\.org[^"]*"([^>]*)>', detail):
        assert 'rel="nofollow ugc' in href


def _text_of(description: str) -> str:
    """The plain text of an item description that should be escaped text, perhaps in paragraphs."""
    markup = re.findall(r"<[^>]*>?", description)
    assert set(markup) <= {"<p>", "</p>", "<br>"}, markup
    return html.unescape(re.sub(r"</?p>|<br>", "", description))


def _feed_items(xml: str) -> list[dict]:
    root = ET.fromstring(xml)
    return [{child.tag: child.text or "" for child in item} for item in root.iter("item")]


@pytest.mark.parametrize(
    "payload",
    [pytest.param(value, id=name) for name, value in PAYLOADS.items()],
)
def test_feed_items_carry_no_markup_from_the_submitter(client, author, moderator, payload):
    client.force_login(author)
    client.post("/en/submit/", {**_hostile_proposal(payload), "action": "submit"})
    submission = Submission.objects.get(author=author)
    services.approve(submission=submission, moderator=moderator)
    client.logout()
    for url in ("/en/initiatives/feed/", "/en/regions/europe/feed/", "/en/themes/regular-pathways/feed/"):
        response = client.get(url)
        assert response.status_code == 200, url
        items = [item for item in _feed_items(response.content.decode()) if "Pilot" in item.get("title", "")]
        assert items, url
        for item in items:
            # A feed reader renders the description as HTML: it must be the summary as text.
            assert_harmless(item["description"], f"{url} description")
            assert _text_of(item["description"]).strip() == f"Summary {payload} end.", url


JAVASCRIPT_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "javascript://example.org/%0Aalert(1)",
    "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
]


@pytest.mark.parametrize("url", JAVASCRIPT_URLS)
@pytest.mark.parametrize("field", ["website", "links"])
def test_url_fields_refuse_script_addresses(client, author, field, url):
    client.force_login(author)
    value = f"{url} Click me" if field == "links" else url
    for action in ("save", "submit"):
        response = client.post("/en/submit/", {**PROPOSAL, "consent": "on", field: value, "action": action})
        assert response.status_code == 200, (action, url)
        assert f'id="id_{field}_error"' in response.content.decode()
    assert not Submission.objects.exists()


def test_an_approved_description_keeps_its_safe_markdown_and_loses_the_rest(client, author, moderator):
    description = (
        "## Results\n\n**Bold** and [a report](https://example.org/report).\n\n"
        "<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)>"
    )
    client.force_login(author)
    client.post("/en/submit/", {**PROPOSAL, "consent": "on", "description": description, "action": "submit"})
    initiative = services.approve(submission=Submission.objects.get(), moderator=moderator)
    html = _get(client, initiative.get_absolute_url())
    body = html.split('class="description"', 1)[1].split("</section>", 1)[0]
    assert "<h2>Results</h2>" in body and "<strong>Bold</strong>" in body
    assert '<a href="https://example.org/report" rel="nofollow ugc noopener noreferrer">a report</a>' in body
    assert_harmless(html, "detail")
    assert Initiative.objects.filter(pk=initiative.pk, description=description).exists()  # stored as typed
