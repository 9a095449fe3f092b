"""Malformed and hostile input: a normal page (bad filter ignored) or a 400, never a 500, nothing echoed raw.

Query strings are written percent-encoded into the URL, exactly as a browser or a bot would send them.
"""

from dataclasses import dataclass
from urllib.parse import quote

import feedparser
import pytest

from initiatives import services
from initiatives.models import Category, Initiative
from tests.factories import make_initiative
from tests.shared_rows import shared_rows

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(2)>'
# What must never reach a response body as is (it would run in the visitor's browser).
RAW_PAYLOADS = (SCRIPT, "<script>", "<img src=x", "onerror=alert(2)>")
IGNORED_NOTE = "Some filters in the address were not understood"


@dataclass(frozen=True)
class Target:
    url: str
    kind: str  # "html" or "feed"
    total: int  # results with no filter
    remittances: int  # results with ?theme=remittances

    def __str__(self):
        return self.url


TARGETS = [
    Target("/en/initiatives/", "html", total=7, remittances=1),
    Target("/en/regions/europe/", "html", total=4, remittances=1),
    Target("/en/themes/remittances/", "html", total=1, remittances=1),
    Target("/en/countries/ma/", "html", total=2, remittances=0),
    Target("/en/initiatives/feed/", "feed", total=7, remittances=1),
    Target("/en/regions/europe/feed/", "feed", total=4, remittances=1),
]

# (id, raw query string, expected results: "total", "remittances" or None for "any", whether the
# listing must say that some filters were not understood)
CASES = [
    ("page-abc", "page=abc", "total", False),
    ("page-zero", "page=0", "total", False),
    ("page-negative", "page=-1", "total", False),
    ("page-huge", "page=999999", "total", False),
    ("page-float", "page=1.5", "total", False),
    ("year-from-text", "year_from=x", "total", True),
    ("year-from-huge", "year_from=99999999999999999999", "total", True),
    ("year-to-negative", "year_to=-5", "total", True),
    ("year-from-exponent", "year_from=1e5", "total", True),
    ("region-script", "region=" + quote(SCRIPT), "total", True),
    ("theme-unknown", "theme=nonexistent", "total", True),
    ("theme-known-and-unknown", "theme=remittances&theme=nonexistent", "remittances", True),
    ("theme-very-long", "theme=" + "a" * 5000, "total", True),
    ("theme-repeated-100", "&".join(["theme=x"] * 100), "total", True),
    ("theme-emoji", "theme=" + quote("💩"), "total", True),
    ("theme-nul", "theme=remit%00tances", "total", True),
    ("country-unknown", "country=ZZ", "total", True),
    ("sort-bogus", "sort=bogus", "total", None),
    ("status-bogus", "status=bogus", "total", True),
    ("q-10000", "q=" + "a" * 10_000, None, None),
    ("q-nul", "q=remit%00tances", None, None),
    ("q-only-nul", "q=%00", None, None),
    ("q-script", "q=" + quote(SCRIPT), None, None),
    ("q-attribute-breakout", "q=" + quote(IMG), None, None),
    ("q-sql", "q=" + quote("' OR 1=1 --"), None, None),
    ("q-unbalanced-quotes", "q=" + quote('"labour -"mobility'), None, None),
    ("q-invalid-utf8", "q=%ff%fe%ED%A0%80%C0%AF", None, None),
    ("q-unicode-garbage", "q=" + quote("\u202e\u0000\ufeff\U0010ffff\u0301\u200b 𝕏 ﷽"), None, None),
    ("q-repeated", "&".join(["q=a"] * 100), None, None),
    ("unknown-parameter-script", "foo=" + quote(SCRIPT) + "&" + quote(SCRIPT) + "=1", "total", False),
    (
        "everything-at-once",
        "page=abc&year_from=x&region=%3Cb%3E&sort=bogus&status=bogus&q=" + quote(SCRIPT),
        None,
        None,
    ),
]


def _assert_nothing_raw(body: str):
    for payload in RAW_PAYLOADS:
        assert payload not in body, f"{payload!r} echoed unescaped"


def _count(target: Target, response) -> int:
    if target.kind == "feed":
        return len(feedparser.parse(response.content).entries)
    return response.context["paginator"].count


@pytest.mark.parametrize(("case_id", "query", "expected", "noted"), CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("target", TARGETS, ids=str)
def test_hostile_query_strings_give_a_normal_page_never_a_500(client, target, case_id, query, expected, noted):
    response = client.get(f"{target.url}?{query}")
    assert response.status_code in (200, 400), response.status_code
    body = response.content.decode("utf-8")
    _assert_nothing_raw(body)
    if response.status_code == 400:
        return
    if target.kind == "feed":
        parsed = feedparser.parse(response.content)
        assert parsed.bozo == 0, parsed.get("bozo_exception")
    if expected is not None:
        assert _count(target, response) == getattr(target, expected)
    if target.kind == "html" and noted is not None:
        assert (IGNORED_NOTE in body) is noted


@pytest.mark.parametrize("url", [t.url for t in TARGETS if t.kind == "html"])
def test_unknown_facet_value_is_ignored_and_said_so(client, url):
    response = client.get(f"{url}?theme=nonexistent")
    html = response.content.decode()
    assert response.status_code == 200
    assert IGNORED_NOTE in html


def test_unknown_theme_leaves_all_seven_initiatives(client):
    response = client.get("/en/initiatives/?theme=nonexistent")
    html = response.content.decode()
    assert "7 initiatives" in html
    assert len(response.context["initiatives"]) == 7
    assert IGNORED_NOTE in html


def test_valid_value_still_applies_next_to_an_unknown_one(client):
    response = client.get("/en/initiatives/?theme=remittances&theme=nonexistent")
    assert [i.slug for i in response.context["initiatives"]] == ["pare-1-1"]
    html = response.content.decode()
    assert "1 initiative<" in html
    assert IGNORED_NOTE in html


def test_valid_year_next_to_a_malformed_one_still_applies(client):
    # AMICALL ended in 2012, AFML in 2018: from 2019 on they drop out; the malformed year_to is ignored.
    response = client.get("/en/initiatives/?year_from=2019&year_to=abc")
    slugs = {i.slug for i in response.context["initiatives"]}
    assert "amicall" not in slugs and "recommendations-of-the-11th-asean-forum-on-migrant-labour" not in slugs
    assert "thamm" in slugs
    assert IGNORED_NOTE in response.content.decode()


@pytest.mark.parametrize("url", [t.url for t in TARGETS if t.kind == "html"])
def test_search_box_echoes_a_script_query_escaped(client, url):
    response = client.get(f"{url}?q={quote(SCRIPT)}")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in html
    _assert_nothing_raw(html)


def test_attribute_breakout_in_the_query_stays_inside_the_value(client):
    html = client.get(f"/en/initiatives/?q={quote(IMG)}").content.decode()
    assert 'value="&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"' in html
    _assert_nothing_raw(html)


def test_nul_byte_in_the_query_is_not_echoed(client):
    html = client.get("/en/initiatives/?q=remit%00tances").content.decode()
    assert "\x00" not in html


def test_sql_like_query_does_not_return_everything(client):
    response = client.get("/en/initiatives/?q=" + quote("' OR 1=1 --"))
    assert response.status_code == 200
    assert response.context["paginator"].count < 7


def test_unknown_parameters_are_urlencoded_in_pagination_and_feed_links(client):
    for n in range(22):
        make_initiative(title=f"Paged initiative {n}")
    response = client.get("/en/initiatives/?page=1&" + "foo=" + quote(SCRIPT) + "&q2=" + quote(IMG))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'rel="next"' in html  # the pagination link carries the unknown parameters
    assert "foo=%3Cscript%3Ealert%281%29%3C%2Fscript%3E" in html
    _assert_nothing_raw(html)


def _paged_initiatives():
    for n in range(25):
        make_initiative(title=f"Paged initiative {n}")  # 32 in all: two pages of 20


class TestPageNumbers:
    """The same 32 initiatives for each page number (written once: tests/shared_rows.py); the tests only read."""

    @pytest.fixture(scope="class")
    def paged(self, django_db_setup, django_db_blocker):
        yield from shared_rows(django_db_blocker, _paged_initiatives)

    @pytest.mark.parametrize(
        ("page", "expected"), [("999999", 2), ("abc", 1), ("0", 2), ("-1", 2), ("2", 2), ("", 1), ("%00", 1)]
    )
    def test_out_of_range_pages_give_the_first_or_last_page(self, paged, client, page, expected):
        assert Initiative.objects.published().count() == 32
        response = client.get(f"/en/initiatives/?page={page}")
        assert response.status_code == 200
        assert response.context["page_obj"].number == expected
        assert f"Page {expected} of 2" in response.content.decode()


# --- unknown addresses ----------------------------------------------------------------------

UNKNOWN = [
    "/en/initiatives/does-not-exist/",
    "/en/regions/atlantis/",
    "/en/countries/zz/",
    "/en/countries/zzz/",
    "/en/themes/nope/",
    "/en/tags/nope/",
    "/en/organisations/nope/",
    "/en/principles/nope/",
    "/en/categories/nope/",
    "/en/countries/%3Cscript%3Ealert(1)%3C%2Fscript%3E/",
    "/en/countries/%3Cscript%3E/",
    "/en/countries/m%00/",
    "/en/countries/%00/",
    "/en/countries/" + "x" * 3000 + "/",
    "/en/regions/%ff%fe/",
]


@pytest.mark.parametrize("url", UNKNOWN + [f"{url}feed/" for url in UNKNOWN])
def test_unknown_slugs_give_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    body = response.content.decode()
    _assert_nothing_raw(body)
    assert "\x00" not in body


def _unpublished(status):
    return Initiative.objects.create(
        title="Confidential draft",
        slug=f"confidential-{status}",
        summary="Not yet public.",
        category=Category.objects.order_by("pk").first(),
        status=status,
    )


@pytest.mark.parametrize("status", [Initiative.Status.DRAFT, Initiative.Status.ARCHIVED])
def test_unpublished_initiative_detail_gives_404_and_is_not_listed(client, status):
    initiative = _unpublished(status)
    assert client.get(f"/en/initiatives/{initiative.slug}/").status_code == 404
    assert "Confidential draft" not in client.get("/en/initiatives/").content.decode()
    assert "Confidential draft" not in client.get("/en/initiatives/feed/").content.decode()


def test_unpublished_again_gives_404(client):
    initiative = Initiative.objects.get(slug="thamm")
    assert client.get("/en/initiatives/thamm/").status_code == 200
    services.unpublish_initiative(initiative=initiative)
    assert client.get("/en/initiatives/thamm/").status_code == 404
