"""Whatever a visitor puts in an address comes back escaped, on every page answered to a GET.

The pages are the property tests' list (``GET_TARGETS``, which ``tests/properties/test_coverage.py`` keeps in step
with the URLconf, so a new page is covered here too), each asked by the kinds of visitor it serves. Each query
parameter the page reads, a few it does not (``label``, ``next``, ``format``), a parameter *named* by the payload and
every path argument carry a payload that breaks out of text, attributes, ``<title>`` and ``<textarea>``; whatever
the answer (a page, a feed, a download, a JSON error, a redirect, the 404 page), neither its body nor any of its
headers may hold the payload's markup as markup.
"""

import re
from urllib.parse import quote, urlencode

import pytest

from initiatives.models import Category, GuidingPrinciple
from tests.properties.test_query_parameters import GET_TARGETS, Target, fill

from .conftest import as_role

# What it checks is the HTTP layer, not the database engine: run once, in the SQLite pass (README, "Running the tests").
pytestmark = [pytest.mark.django_db, pytest.mark.any_database]

PAYLOAD = "\"'><img src=x onerror=alert(1)></title></textarea><script>alert(2)</script>"
# What the payload leaves behind if any part of it is echoed as markup (escaped, none of these can appear).
MARKUP = ("<img src=x onerror", "<script>alert(2)", "</title></textarea>")
EXTRA_PARAMETERS = ("label", "next", "format")


def _path_arguments(world, target: Target) -> dict:
    """Real values for the page's path arguments, so that it answers with its own page."""
    objects = world.objects
    name = target.name.partition(":")[2]
    terms = {  # the terms of the world's published initiative
        "region": "northern-africa",
        "country": "ma",
        "theme": "regular-pathways",
        "principle": GuidingPrinciple.objects.order_by("pk").first().slug,
        "sdg": "10",  # issue 13: official lists, whose pages exist whether or not an initiative names them
        "sdg_target": "10-7",
        "category": Category.objects.order_by("pk").first().slug,
        "organisation": objects["organisation"],
        "tag": objects["tag"],
    }
    values = {
        "uidb64": objects["reset_uid"] if "reset" in name else objects["verify_uid"],
        "token": {
            "verify": objects["verify_token"],
            "password-reset-confirm": objects["reset_token"],
            "confirm": objects["confirm_token"],
            "manage": objects["manage_token"],
            "unsubscribe": objects["unsubscribe_token"],
        }.get(name),
        "pk": objects["submission"],
        "action": "approve" if name == "moderator-action" else "withdraw",
    }
    kwargs = {}
    for key in target.kwargs:
        if key in values:
            kwargs[key] = values[key]
        else:  # slug or code: the initiative's, or the term's of the taxonomy the URL name starts with
            taxonomy = name.removesuffix("-detail").split("-")[0]
            kwargs[key] = terms.get(taxonomy, objects["initiative"])
    return kwargs


# The pages whose path the property tests draw whole (a Target with ``path``), by URL name: a real path, and the
# parts of it the payload takes the place of.
PATHS_DRAWN_WHOLE = {
    "sitemap-section": ("/sitemap-initiatives.xml", ["initiatives"]),
    # Files (issue 13): no file is stored in the world (see the permission matrix), so these are 404 pages.
    "attachment-file": ("/files/a/999999/report.pdf", ["999999", "report.pdf"]),
    "attachment-card": ("/files/a/999999/card/image.webp", ["999999", "image.webp"]),
    "organisation-logo": ("/files/o/999999/logo.webp", ["999999", "logo.webp"]),
    "submission-file": ("/files/s/999999/report.pdf", ["999999", "report.pdf"]),
    "submission-file-card": ("/files/s/999999/card/image.webp", ["999999", "image.webp"]),
}


def _urls(world, target: Target) -> list[str]:
    """The page with the payload in each place it could be echoed from."""
    if target.name == "api:not-found":
        base, kwargs = "/api/no-such-thing/", {}
        hostile_paths = [f"/api/{quote(PAYLOAD, safe='')}/"]
    elif target.path is not None:  # a path the property tests draw whole: one real one, and the payload inside it
        base, parts = PATHS_DRAWN_WHOLE[target.name]
        hostile_paths = [base.replace(part, quote(PAYLOAD, safe="")) for part in parts]
    else:
        kwargs = _path_arguments(world, target)
        base = fill(target.name, kwargs)
        hostile_paths = [fill(target.name, {**kwargs, key: PAYLOAD}) for key in kwargs]
    names = sorted({*target.params, *EXTRA_PARAMETERS})
    return [
        *(f"{base}?{urlencode({name: PAYLOAD})}" for name in names),
        f"{base}?{urlencode({PAYLOAD: '1'})}",
        *hostile_paths,
    ]


def _unescaped(response) -> list[str]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode(errors="replace")
    found = [f"body: {marker}" for marker in MARKUP if marker in text]
    for header, value in response.items():
        found += [f"{header}: {marker}" for marker in MARKUP if marker in value]
    return found


@pytest.mark.parametrize("target", GET_TARGETS, ids=lambda target: target.name)
def test_no_page_echoes_its_address_as_markup(world, target):
    for role in target.who:
        with as_role(world, role) as client:
            for url in _urls(world, target):
                response = client.get(url)
                assert response.status_code < 500, (role, url)
                assert not _unescaped(response), (role, url, response.status_code, _unescaped(response))


def test_the_404_page_escapes_the_address(world):
    with as_role(world, "anonymous") as client:
        for path in (f"/{quote(PAYLOAD, safe='')}/", f"/en/initiatives/{quote(PAYLOAD, safe='')}/"):
            response = client.get(f"{path}?{urlencode({'q': PAYLOAD})}")
            assert response.status_code == 404
            assert not _unescaped(response)


HTML_ESCAPED = "&lt;script&gt;alert(2)&lt;/script&gt;"
JSON_ESCAPED = "\\u003cscript\\u003ealert(2)\\u003c/script\\u003e"


@pytest.mark.parametrize(
    ("url", "escaped"),
    [
        ("/en/initiatives/?q=", HTML_ESCAPED),  # the search box, the "results for" line
        ("/en/subscribe/?q=", HTML_ESCAPED),  # the label of what is followed
        ("/en/accounts/login/?next=/en/initiatives/%3Fq%3D", HTML_ESCAPED),  # where to go after logging in
        ("/api/initiatives/?format=", JSON_ESCAPED),  # the error names the value it refuses
    ],
)
def test_the_payload_does_come_back_escaped_where_a_page_shows_it(world, url, escaped):
    """The check above would pass on pages that drop the payload: these show it, escaped, so it is looking at the
    right text."""
    with as_role(world, "anonymous") as client:
        response = client.get(url + quote(PAYLOAD, safe=""))
    body = response.content.decode()
    assert not _unescaped(response)
    assert escaped in body


def test_pagination_links_and_notes_escape_what_they_carry_over(world, settings):
    """Pagination links keep every parameter of the address (understood or not), the notes name what was not
    understood, and a misspelt search offers a correction: none of them turns the payload into markup."""
    settings.INITIATIVES_PAGE_SIZE = 2
    hostile = urlencode({"sort": PAYLOAD, "year_from": PAYLOAD, PAYLOAD: PAYLOAD, "label": PAYLOAD})
    with as_role(world, "anonymous") as client:
        for url in (f"/en/initiatives/?{hostile}", f"/en/initiatives/?{hostile}&page=2"):
            response = client.get(url)
            links = re.findall(r'<a href="([^"]*)" rel="(?:next|prev)"', response.content.decode())
            assert links, f"no pagination on {url}"
            assert all("%3Cscript%3E" in link and "&amp;" in link for link in links), links  # carried over, encoded
            assert not _unescaped(response), url
        misspelt = client.get(f"/en/initiatives/?{urlencode({'q': 'remitances ' + PAYLOAD})}")
        assert not _unescaped(misspelt)
