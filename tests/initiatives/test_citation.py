""" "Cite this" and "Share" on an initiative's page, and its citation for reference managers (RIS, BibTeX).

One ``Citation`` (initiatives/citation.py) feeds the reference on the page, its printed block, the e-mail link
and both downloads: these tests read each through the public surface (the pages and files as a visitor gets them).
"""

import html
import re
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.formats import date_format

from initiatives import services
from initiatives.models import Initiative, Involvement, Organisation
from submissions import services as submission_services
from submissions.forms import ProposalForm
from tests.factories import make_initiative
from tests.initiatives.test_pages import COUNTED_FROM_BITMAPS, PINNED

# What it checks is the HTTP layer, not the database engine: run once, in the SQLite pass (README, "Running the tests").
pytestmark = [pytest.mark.django_db, pytest.mark.any_database]

HOSTILE_TITLE = r"Rights {and} 100% wages & a \back slash: #1 $5 under_score ~ ^"
ARABIC_TITLE = "مبادرة {حماية} العمال المهاجرين 100% & الحقوق"
RIS_TYPE = "application/x-research-info-systems; charset=utf-8"
BIB_TYPE = "application/x-bibtex; charset=utf-8"


@pytest.fixture
def hostile():
    """A published initiative whose title has every character BibTeX treats specially, and an Arabic translation."""
    with translation.override("en"):  # "title" is the English column's (a previous test's language may linger)
        initiative = make_initiative(
            title=HOSTILE_TITLE,
            title_ar=ARABIC_TITLE,
            slug="hostile-title",
            summary="First line of the summary, with 50% & more.\n\nA second paragraph that the e-mail leaves out.",
            tags=["wages", "Décent travail"],
        )
    implementer = Organisation.objects.create(slug="workers-rights", name="Workers & Rights Org")
    Involvement.objects.create(initiative=initiative, organisation=implementer, role=Involvement.Role.IMPLEMENTER)
    partner = Organisation.objects.create(slug="a-partner", name="A Partner Only")
    Involvement.objects.create(initiative=initiative, organisation=partner, role=Involvement.Role.PARTNER)
    return initiative


def permalink(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def today() -> str:
    return timezone.localdate().isoformat()


# --- RIS ------------------------------------------------------------------------------------------------------------


def test_ris_download_headers_and_record(client, hostile):
    response = client.get("/en/initiatives/hostile-title/cite.ris")
    assert response.status_code == 200
    assert response["Content-Type"] == RIS_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="hostile-title.ris"'
    assert response["X-Content-Type-Options"] == "nosniff"
    text = response.content.decode("utf-8")
    lines = text.split("\r\n")
    assert lines[0] == "TY  - ELEC"
    assert lines[-2:] == ["ER  - ", ""]  # the record ends the file
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line) for line in lines[:-1]), lines
    assert f"TI  - {HOSTILE_TITLE}" in lines  # RIS has nothing to escape: the title as typed
    assert "AU  - Workers & Rights Org" in lines
    assert "AU  - A Partner Only" not in lines  # partners are not the authors, implementers are
    year = hostile.published_at.year
    assert f"PY  - {year}" in lines
    assert f"DA  - {timezone.localdate(hostile.published_at):%Y/%m/%d}" in lines
    assert f"Y2  - {timezone.localdate():%Y/%m/%d}" in lines
    assert f"UR  - {permalink('/en/initiatives/hostile-title/')}" in lines
    assert f"T2  - {settings.SITE_NAME}" in lines
    assert {"KW  - wages", "KW  - Décent travail"} <= set(lines)
    # The summary's paragraphs are one line: a line break would start a line RIS cannot read.
    assert "AB  - First line of the summary, with 50% & more. A second paragraph that the e-mail leaves out." in lines


def test_ris_in_arabic_keeps_the_arabic_title_as_utf8(client, hostile):
    response = client.get("/ar/initiatives/hostile-title/cite.ris")
    assert response.status_code == 200 and response["Content-Type"] == RIS_TYPE
    assert f"TI  - {ARABIC_TITLE}\r\n".encode() in response.content
    assert b"LA  - ar\r\n" in response.content
    assert f"UR  - {permalink('/ar/initiatives/hostile-title/')}\r\n".encode() in response.content


# --- BibTeX ---------------------------------------------------------------------------------------------------------


def bib_field(text: str, name: str) -> str:
    match = re.search(rf"^  {name} = \{{(.*)\}},?$", text, re.MULTILINE)
    assert match, (name, text)
    return match.group(1)


def balanced(value: str) -> bool:
    """Whether the braces of a BibTeX value balance, escaped ones (\\{ \\}) aside."""
    depth = 0
    for char in re.sub(r"\\[{}]", "", value):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def test_bibtex_download_headers_and_escaped_entry(client, hostile):
    response = client.get("/en/initiatives/hostile-title/cite.bib")
    assert response.status_code == 200
    assert response["Content-Type"] == BIB_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="hostile-title.bib"'
    text = response.content.decode("utf-8")
    year = hostile.published_at.year
    assert text.startswith(f"@misc{{hostile-title-{year},\n") and text.endswith("\n}\n")
    assert bib_field(text, "title") == (
        r"{Rights \{and\} 100\% wages \& a \textbackslash{}back slash: \#1 \$5 under\_score \textasciitilde{} "
        r"\textasciicircum{}}"
    )
    # Each organisation is one author, braced whole: its "&" escaped, not a name to split.
    assert bib_field(text, "author") == r"{Workers \& Rights Org}"
    assert bib_field(text, "year") == str(year)
    assert bib_field(text, "url") == permalink("/en/initiatives/hostile-title/")
    assert bib_field(text, "urldate") == today()
    assert bib_field(text, "keywords") == "Décent travail, wages"  # non-ASCII kept as UTF-8
    assert bib_field(text, "abstract").startswith(r"First line of the summary, with 50\% \& more. A second")
    for line in text.splitlines()[1:-1]:
        value = line.split(" = ", 1)[1].rstrip(",")
        assert balanced(value[1:-1]), line  # no field can end early or swallow the next one


def test_bibtex_in_arabic_keeps_utf8_and_escapes(client, hostile):
    text = client.get("/ar/initiatives/hostile-title/cite.bib").content.decode("utf-8")
    assert bib_field(text, "title") == r"{مبادرة \{حماية\} العمال المهاجرين 100\% \& الحقوق}"
    assert bib_field(text, "language") == "ar"


def test_the_author_is_the_submitter_without_implementers_else_the_portal(client):
    make_initiative(title="Credited", slug="credited", submitter_honorific="Ms.", submitter_name="Ana Díaz")
    make_initiative(title="Anonymous", slug="anonymous")
    assert b"AU  - Ms. Ana D\xc3\xadaz\r\n" in client.get("/en/initiatives/credited/cite.ris").content
    anonymous = client.get("/en/initiatives/anonymous/cite.bib").content.decode()
    assert bib_field(anonymous, "author") == "{" + settings.SITE_NAME + "}"


# --- what is not cited ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["ris", "bib"])
def test_unpublished_initiatives_have_no_citation(client, fmt):
    draft = make_initiative(title="A draft", slug="a-draft", publish=False)
    archived = make_initiative(title="Archived", slug="archived-one")
    services.archive_initiative(initiative=archived)
    published = make_initiative(title="Published beside them", slug="published-beside")
    assert client.get(f"/en/initiatives/{draft.slug}/cite.{fmt}").status_code == 404
    assert client.get(f"/en/initiatives/{archived.slug}/cite.{fmt}").status_code == 404
    assert client.get(f"/en/initiatives/{published.slug}/cite.{fmt}").status_code == 200


def test_an_unpublished_initiative_loses_its_cached_citation(client):
    initiative = make_initiative(title="Soon withdrawn", slug="soon-withdrawn")
    assert client.get("/en/initiatives/soon-withdrawn/cite.bib").status_code == 200
    services.unpublish_initiative(initiative=initiative)
    assert client.get("/en/initiatives/soon-withdrawn/cite.bib").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/en/initiatives/no-such-initiative/cite.ris",
        "/en/initiatives/%3Cscript%3E/cite.ris",
        "/en/initiatives/thamm%27%20OR%201=1/cite.bib",
        "/en/initiatives/" + "x" * 5000 + "/cite.bib",
        "/en/initiatives/thamm/cite.RIS",
        "/en/initiatives/thamm/cite.ris/",
        "/en/initiatives/thamm/cite.pdf",
        "/en/initiatives/../cite.ris",
    ],
)
def test_hostile_addresses_get_a_404(client, path):
    assert client.get(path).status_code == 404


def test_only_get_and_head(client):
    assert client.head("/en/initiatives/thamm/cite.ris").status_code == 200
    assert client.post("/en/initiatives/thamm/cite.ris").status_code == 405


# --- cost -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["ris", "bib"])
def test_query_count_is_pinned_and_a_repeat_is_served_from_the_cache(client, fmt, miss_window_begun):
    def queries(path):
        with CaptureQueriesContext(connection) as context:
            assert client.get(path).status_code == 200
        return len(context.captured_queries)

    path = f"/en/initiatives/thamm/cite.{fmt}"
    # Cold: the count against the anonymous client's limit, the initiative, its tags, its involvements with their
    # organisations (one join). Warm: nothing (cached per language and day until the initiative changes).
    assert (queries(path), queries(path)) == (4, 0)
    for n in range(5):
        make_initiative(title=f"Another {n}", organisations=[f"Org {n}"], tags=[f"tag-{n}"])
    assert (queries(path), queries(path)) == (0, 0)  # others' publications leave it warm (its key did not move)
    services.set_featured(initiatives=[Initiative.objects.get(slug="thamm")], featured=True)
    assert (queries(path), queries(path)) == (4, 0)  # a change to it clears it: cold again, and no more queries


def test_each_language_has_its_own_cached_citation(client, hostile):
    english = client.get("/en/initiatives/hostile-title/cite.ris").content
    arabic = client.get("/ar/initiatives/hostile-title/cite.ris").content
    assert english != arabic
    assert client.get("/en/initiatives/hostile-title/cite.ris").content == english


def test_the_detail_page_costs_no_more_queries_for_its_citation(client, hostile, miss_window_begun):
    """The page's reference reads the involvements and tags the page has prefetched already."""
    with CaptureQueriesContext(connection) as context:
        html_text = client.get("/en/initiatives/thamm/").content.decode()
    assert 'id="cite-heading"' in html_text
    # The page's own pinned count, and the facet bitmaps catching up on the initiative the fixture wrote (its
    # related initiatives by shared terms are counted in them).
    caught_up = 1 if "/en/initiatives/thamm/" in COUNTED_FROM_BITMAPS else 0
    assert len(context.captured_queries) == PINNED["/en/initiatives/thamm/"][0] + caught_up


# --- the detail page ------------------------------------------------------------------------------------------------


def cite_section(page: str) -> str:
    start = page.index('<section class="cite"')
    return page[start : page.index("</section>", start)]


def test_the_detail_page_shows_the_reference_and_the_downloads(client, hostile):
    page = client.get("/en/initiatives/hostile-title/").content.decode()
    section = cite_section(page)
    url = permalink("/en/initiatives/hostile-title/")
    retrieved = date_format(timezone.localdate(), "DATE_FORMAT")
    year = hostile.published_at.year
    assert (
        f'Workers &amp; Rights Org. ({year}). <cite dir="auto">{html.escape(HOSTILE_TITLE)}</cite> [Good practice]. '
        f'{settings.SITE_NAME}. Retrieved {retrieved}, from <a href="{url}">{url}</a>'
    ) in section
    assert 'href="/en/initiatives/hostile-title/cite.ris"' in section
    assert 'href="/en/initiatives/hostile-title/cite.bib"' in section
    # Printed at the end: the permalink and the dates (hidden on screen by the stylesheet).
    assert f'<dd class="permalink">{url}</dd>' in section
    assert date_format(hostile.published_at, "DATE_FORMAT") in section
    # The page's own language is the reader's: the permalink of the French page is the French page.
    assert permalink("/fr/initiatives/hostile-title/") in client.get("/fr/initiatives/hostile-title/").content.decode()


def test_a_title_in_another_language_than_the_page_is_marked(client, hostile):
    french = cite_section(client.get("/fr/initiatives/hostile-title/").content.decode())
    assert f'<cite dir="auto" lang="en">{html.escape(HOSTILE_TITLE)}</cite>' in french  # no French title: the original
    arabic = cite_section(client.get("/ar/initiatives/hostile-title/").content.decode())
    assert f'<cite dir="auto">{html.escape(ARABIC_TITLE)}</cite>' in arabic


def mailto(page: str) -> str:
    match = re.search(r'<a href="(mailto:[^"]*)">Share by e-mail</a>', page)
    assert match, "no e-mail link"
    return html.unescape(match.group(1))


def test_share_by_email_link_is_encoded(client, hostile):
    page = client.get("/en/initiatives/hostile-title/").content.decode()
    link = mailto(page)
    # RFC 6068: no recipient, subject and body percent-encoded; spaces as %20 (a "+" would stay a "+").
    assert link.startswith("mailto:?subject=")
    assert not re.search(r"[ +{}\\\n\r]", link)
    query = urlsplit(link).query
    assert set(parse_qs(query, keep_blank_values=True)) == {"subject", "body"}  # "&" of the title did not split it
    fields = dict(part.split("=", 1) for part in query.split("&"))
    assert unquote(fields["subject"]) == HOSTILE_TITLE
    url = permalink("/en/initiatives/hostile-title/")
    assert unquote(fields["body"]) == f"First line of the summary, with 50% & more.\r\n\r\n{url}"
    assert fields["body"].endswith(
        "%0D%0A%0D%0Ahttp%3A%2F%2F" + url.removeprefix("http://").replace(":", "%3A").replace("/", "%2F")
    )


def test_a_long_summary_line_is_cut_in_the_email(client):
    make_initiative(title="Long", slug="long-summary", summary="word " * 400)
    body = unquote(
        dict(
            p.split("=", 1)
            for p in urlsplit(mailto(client.get("/en/initiatives/long-summary/").content.decode())).query.split("&")
        )["body"]
    )
    first, _blank, url = body.split("\r\n")
    assert len(first) <= 300 and first.endswith("…")
    assert url == permalink("/en/initiatives/long-summary/")


def test_the_copyable_link_works_without_javascript(client, hostile):
    page = client.get("/en/initiatives/hostile-title/").content.decode()
    url = permalink("/en/initiatives/hostile-title/")
    assert re.search(r'<label for="permalink">Link to this page</label>', page)
    assert re.search(rf'<input id="permalink" type="url" value="{re.escape(url)}" readonly', page)
    # The button is the portal's script's (shown by it); nothing inline, no third-party script.
    assert re.search(r'<button type="button"[^>]*data-copy-target="permalink"[^>]*hidden>Copy link</button>', page)
    assert "onclick" not in page and '<script src="http' not in page
    scripts = re.findall(r"<script[^>]*>", page)
    assert all('type="application/ld+json"' in tag or "/static/js/portal" in tag for tag in scripts), scripts


def test_the_page_links_the_print_stylesheet(client):
    page = client.get("/en/initiatives/thamm/").content.decode()
    assert re.search(r'<link rel="stylesheet" href="/static/css/print[^"]*\.css" media="print">', page)


def test_the_preview_has_nothing_to_cite_or_share(client, django_user_model):
    author = django_user_model.objects.create_user("author@example.org", "author@example.org", password=None)
    form = ProposalForm(
        {
            "title": "Preview only practice",
            "summary": "Not published yet.",
            "category": "programmes-and-projects",
            "scope": "national",
            "countries": ["md"],
            "submitter_name": "Ana Díaz",
            "submitter_email": "author@example.org",
        }
    )
    assert form.is_valid(), form.errors
    submission = submission_services.create_submission(author=author, data=form.to_data(), consent=True)
    client.force_login(author)
    page = client.get(f"/en/submissions/{submission.pk}/preview/").content.decode()
    assert "Preview only practice" in page
    assert 'id="cite-heading"' not in page and "mailto:" not in page and 'id="permalink"' not in page
    # The neighbour: the published page has them.
    assert 'id="cite-heading"' in client.get("/en/initiatives/thamm/").content.decode()
