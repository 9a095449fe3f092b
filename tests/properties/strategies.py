"""Strategies for hostile input: arbitrary text, raw bytes, numbers, and "almost valid" values per parameter.

Values are ``str`` (sent UTF-8 and percent-encoded, as a browser sends them) or ``bytes`` (sent percent-encoded
as they are: invalid UTF-8 and encoded lone surrogates included, which no ``str`` can carry into a URL).
Real slugs and codes come from the seed database the first time a strategy is drawn from (``st.deferred``).
"""

import datetime
import functools
from urllib.parse import quote_from_bytes

from hypothesis import strategies as st

# Text no URL or form can carry: lone surrogates (category Cs) cannot be encoded in UTF-8.
_CHARACTERS = st.characters(exclude_categories=("Cs",))

HOSTILE = [
    "",
    " ",
    "\x00",
    "%00",
    "a\x00b",
    "\x00" * 5,
    "\t\r\n",
    "\r\nSet-Cookie: pwned=1",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "{{ request.user.password }}",
    "{% debug %}",
    "{{",
    "{%",
    "%}",
    "{# x",
    "${7*7}",
    "' OR 1=1 --",
    "'; DROP TABLE initiatives_initiative; --",
    '" OR ""="',
    "\\",
    "%",
    "%%",
    "_",
    "*",
    "?",
    "&",
    "=",
    "#",
    "/",
    "../../etc/passwd",
    "null",
    "None",
    "undefined",
    "true",
    "[]",
    "{}",
    "NaN",
    "inf",
    "-inf",
    "1e308",
    "1e-308",
    "-0",
    "0",
    "-1",
    "1.5",
    "0x10",
    "1_000",
    str(10**30),
    str(-(10**30)),
    str(2**31),
    str(2**63 - 1),
    str(2**63),
    str(2**64),
    "９",
    "٣",
    "²",
    "\u202e",
    "\ufeff",
    "\ufffd",
    "\U0010ffff",
    "\u0301",
    "İ",
    "ß",
    "ﬁ",
    "💩",
    "𝕏",
    "﷽",
    "'",
    '"',
    "OR",
    "-",
    '"unbalanced',
    "!(&|:*)<->",
    "//evil.example/",
    "https://evil.example/",
    "\\\\evil.example",
    "/\\evil.example",
    "///evil.example",
    "http:evil.example",
]

# Long runs of one character (kept out of HOSTILE so that a failing test's report stays short).
RUNS = [("a", 5000), ("-", 300), ("é", 1000), ("<", 500), ('"', 101), ("\x00", 300), ("%", 1000)]

hostile_samples = st.one_of(st.sampled_from(HOSTILE), st.sampled_from(RUNS).map(lambda run: run[0] * run[1]))
arbitrary_text = st.text(_CHARACTERS, max_size=40)
long_text = st.builds(
    lambda part, times: part * times, st.text(_CHARACTERS, min_size=1, max_size=4), st.integers(50, 3000)
)
numbers = st.one_of(
    st.integers().map(str),
    st.integers(-(10**40), 10**40).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.floats(allow_nan=False, allow_infinity=False).map(str),
)
# Percent-encoded as they are: invalid UTF-8 (%FF), encoded surrogates (%ED%A0%80), overlong forms (%C0%AF).
raw_bytes = st.one_of(
    st.binary(max_size=20),
    st.sampled_from([b"\xff\xfe", b"\xed\xa0\x80", b"\xc0\xaf", b"\x80", b"remit\xfftances", b"\x00\xff"]),
)

# A NUL byte somewhere in ordinary text: PostgreSQL refuses it in any text column (SQLite keeps it).
with_nul = st.builds(lambda before, after: f"{before}\x00{after}", arbitrary_text, arbitrary_text)

hostile_text = st.one_of(hostile_samples, arbitrary_text, long_text, numbers, with_nul)
hostile_value = st.one_of(hostile_text, raw_bytes)


def combined(parts) -> st.SearchStrategy:
    """Two or three values (valid and not) glued together with or without a separator."""

    def join(items, separator):
        if any(isinstance(item, bytes) for item in items):  # raw bytes stay raw bytes
            return separator.encode().join(item if isinstance(item, bytes) else item.encode() for item in items)
        return separator.join(items)

    return st.builds(
        join,
        st.lists(parts, min_size=2, max_size=3),
        st.sampled_from(["", " ", "-", ",", "\x00", "%", "'", "/", "&", "="]),
    )


def mangled(valid: st.SearchStrategy) -> st.SearchStrategy:
    """A valid value as it is, or changed the way typos, copy-paste and attackers change it."""

    def mangle(value: str | bytes, how: str, garbage: str) -> str | bytes:
        if isinstance(value, bytes):
            return value
        match how:
            case "upper":
                return value.upper()
            case "title":
                return value.title()
            case "spaces":
                return f"  {value}\t"
            case "prefix":
                return garbage + value
            case "suffix":
                return value + garbage
            case "nul":
                return value + "\x00"
            case "cut":
                return value[:-1]
            case "underscore":
                return value.replace("-", "_")
            case "fullwidth":
                return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in value)
            case "double":
                return value + value
        return value

    return st.builds(
        mangle,
        valid,
        st.sampled_from(
            ["as-is", "as-is", "upper", "title", "spaces", "prefix", "suffix", "nul", "cut", "underscore", "fullwidth"]
        ),
        st.one_of(hostile_samples, arbitrary_text),
    )


def almost(valid: st.SearchStrategy) -> st.SearchStrategy:
    """Valid, almost valid, or hostile values (bytes included)."""
    return st.one_of(mangled(valid), combined(st.one_of(valid, hostile_samples)), hostile_value)


# --- what the seed database holds -------------------------------------------------------------------------------


@functools.cache
def vocabulary() -> dict[str, list[str]]:
    """Real slugs and codes of the seed database (the same on SQLite and PostgreSQL), read once."""
    from taggit.models import Tag

    from initiatives.models import (
        Category,
        Country,
        GuidingPrinciple,
        Initiative,
        Organisation,
        Region,
        SdgGoal,
        SdgTarget,
        Theme,
    )

    def slugs(model, field="slug"):
        return sorted(model.objects.values_list(field, flat=True))

    published = Initiative.objects.published()
    return {
        "region": slugs(Region),
        "country": slugs(Country, "code"),
        "theme": slugs(Theme),
        "principle": slugs(GuidingPrinciple),
        "sdg": slugs(SdgGoal),  # issue 13: "1" … "17"
        "sdg_target": slugs(SdgTarget),  # "10-7", "17-b"
        "category": slugs(Category),
        "organisation": slugs(Organisation),
        "tag": slugs(Tag),
        "initiative": sorted(published.values_list("slug", flat=True)),
        "words": sorted({word for title in published.values_list("title", flat=True) for word in title.split()}),
    }


def real(kind: str) -> st.SearchStrategy:
    """A real slug (or code) of ``kind`` from the seed database."""
    return st.deferred(lambda: st.sampled_from(vocabulary()[kind]))


def real_slugs() -> st.SearchStrategy:
    """A real slug or code of any kind."""
    kinds = ("region", "country", "theme", "principle", "sdg", "sdg_target", "category", "tag")
    return st.one_of(*[real(kind) for kind in kinds])


# --- per parameter ----------------------------------------------------------------------------------------------

PAGES = ["0", "-1", "1", "2", "3", "last", "first", "1.5", "1e3", "", " 1", "01", "+1", "0x1", "١", str(10**30)]
page_numbers = st.one_of(st.sampled_from(PAGES), st.integers().map(str), st.integers(-5, 5).map(str))

years = st.integers(1850, 2150).map(str)
iso_dates = st.dates(datetime.date(1, 1, 1), datetime.date(9999, 12, 31)).map(datetime.date.isoformat)
partial_dates = st.one_of(
    years,
    iso_dates,
    iso_dates.map(lambda d: d[:7]),
    st.builds(lambda y, m, d: f"{y}-{m}-{d}", st.integers(0, 3000), st.integers(-1, 14), st.integers(-1, 40)),
    st.sampled_from(["2019-02-29", "2020-02-30", "2019-13", "2019-00", "0000", "9999-12-31", "2019/06", "06/2019"]),
)
search_words = st.one_of(
    real("words"),
    st.sampled_from(["migration", "remittances", "labour", "diaspora", "OR", "-", '"', "*", ":", "&", "|", "!"]),
)
search_queries = st.lists(
    st.one_of(search_words, search_words.map(lambda word: f"-{word}"), hostile_samples), max_size=6
).map(" ".join)
next_urls = st.sampled_from(
    [
        "/",
        "/en/initiatives/",
        "/en/accounts/",
        "/en/accounts/login/",
        "/en/accounts/login/?next=/en/accounts/login/",
        "/en/accounts/sign-up/",
        "/en/submit/",
        "//evil.example/",
        "https://evil.example/",
        "http://testserver/en/initiatives/",
        "javascript:alert(1)",
        "/\\evil.example",
        "\\\\evil.example",
        "/%00",
        "/\x00",
        "/en/initiatives/?q=<script>",
        "mailto:x@example.org",
        "data:text/html,<script>alert(1)</script>",
        "",
    ]
)


FACETS = ("region", "country", "theme", "principle", "sdg", "sdg_target", "category")


def listing_values() -> dict[str, st.SearchStrategy]:
    """The listing's query parameters (``InitiativeFilter``, pagination) and what to send each of them."""
    values = {facet: almost(real(facet)) for facet in FACETS}
    values.update(
        organisation=almost(real("organisation")),
        tag=almost(real("tag")),
        q=st.one_of(search_queries, hostile_value, long_text),
        year_from=almost(years),
        year_to=almost(years),
        status=almost(st.sampled_from(["ongoing", "completed"])),
        sort=almost(st.sampled_from(["relevance", "newest", "oldest", "title"])),
        page=almost(page_numbers),
    )
    return values


LISTING = listing_values()


# --- query strings and form bodies ------------------------------------------------------------------------------

UNKNOWN_NAMES = ["foo", "theme[]", "page[]", "q ", "Q", "__proto__", "", "%00", "csrfmiddlewaretoken", "x" * 300]


def parameters(values: dict[str, st.SearchStrategy], *, max_size: int = 8) -> st.SearchStrategy:
    """A list of ``(name, value)`` pairs: known names (some repeated), now and then an unknown one."""
    names = st.sampled_from(sorted(values))
    known = names.flatmap(lambda name: st.tuples(st.just(name), values[name]))
    unknown = st.tuples(st.one_of(st.sampled_from(UNKNOWN_NAMES), arbitrary_text, raw_bytes), hostile_value)
    flag = st.tuples(names, st.none())  # "?theme" with no "="
    return st.lists(st.one_of(known, known, known, unknown, flag), max_size=max_size)


def segment(value) -> str:
    """``value`` (text, bytes or a number) percent-encoded as one segment of a path."""
    return quote_from_bytes(value if isinstance(value, bytes) else str(value).encode(), safe="")


def encode(pairs) -> str:
    """``pairs`` as a percent-encoded query string (or form body); a value of None is a bare name."""

    def part(value) -> str:
        return quote_from_bytes(value if isinstance(value, bytes) else value.encode(), safe="")

    return "&".join(part(name) if value is None else f"{part(name)}={part(value)}" for name, value in pairs)


# --- form fields ------------------------------------------------------------------------------------------------

PASSWORD = "Plover-Tandem-Gravel-42"  # tests.accounts.factories.PASSWORD: the shared accounts' password
EXISTING_EMAILS = ["submitter@example.org", "moderator@example.org", "unverified@example.org"]

emails = st.one_of(
    st.emails().map(str),
    st.sampled_from(EXISTING_EMAILS),
    st.sampled_from(EXISTING_EMAILS).map(str.upper),
    mangled(st.sampled_from(["ana.diaz@example.org", *EXISTING_EMAILS])),
    st.sampled_from(
        [
            "a@b",
            "@example.org",
            "ana@",
            "ana@@example.org",
            "ana@exämple.org",
            "ünïcode@example.org",
            '"quoted local"@example.org',
            "ana@[127.0.0.1]",
            "ana@-example.org",
            "a" * 200 + "@example.org",
            "ana@" + "b" * 250 + ".org",
            "ana@example.org\nBcc: victim@example.org",
            "ana@example.org, ben@example.org",
        ]
    ),
)
passwords = st.one_of(
    st.just(PASSWORD),
    st.just("Another-Long-Passphrase-77"),
    st.text(_CHARACTERS, min_size=8, max_size=30),
    hostile_text,
)
web_addresses = st.one_of(
    st.sampled_from(
        [
            "https://example.org/report.pdf",
            "http://example.org",
            "example.org/page",
            "https://例え.jp/パス",
            "https://xn--r8jz45g.jp/",
            "javascript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "ftp://example.org/file",
            "http://[::1",
            "http://a b.org",
            "https://example.org/" + "a" * 600,
            "https://user:pass@example.org:8080/p?q=1#f",
            "http://127.0.0.1:99999/",
            "//example.org",
            "https://",
        ]
    ),
    hostile_text,
)
link_lines = st.lists(
    st.tuples(web_addresses, st.one_of(arbitrary_text, hostile_samples)).map(lambda pair: f"{pair[0]} {pair[1]}"),
    max_size=12,
).flatmap(lambda lines: st.sampled_from(["\n", "\r\n", "\r"]).map(lambda newline: newline.join(lines)))
tag_lists = st.lists(
    st.one_of(
        real("tag"), st.sampled_from(["labour mobility", '"quoted, tag"', "'", '"', "!!!", "--", " "]), hostile_text
    ),
    max_size=18,
).flatmap(lambda tags: st.sampled_from([", ", ",", " ", ";"]).map(lambda sep: sep.join(tags)))
organisation_lines = st.lists(
    st.one_of(
        st.sampled_from(["Moldovan Employment Agency", "ICMPD", "icmpd", "!!!", "IOM (UN Migration)"]),
        real("organisation"),
        hostile_text,
    ),
    max_size=22,
).map("\n".join)
honorifics = almost(st.sampled_from(["", "Ms.", "Mr.", "Mx.", "Dr."]))
checkbox = st.sampled_from(["on", "", "off", "true", "false", "0", "1", "yes", "\x00"])


def field(valid: st.SearchStrategy, *, repeat: bool = True) -> st.SearchStrategy:
    """What to post for one form field: usually one value (valid, almost valid or hostile), sometimes none, or
    several (a repeated name, as a multiple choice sends)."""
    one = st.one_of(valid, valid, almost(valid), hostile_value)
    choices = [one, one, one, one, st.none()]
    if repeat:
        choices.append(st.lists(one, min_size=2, max_size=4))
    return st.one_of(*choices)


def several(valid: st.SearchStrategy) -> st.SearchStrategy:
    """A multiple choice (checkboxes): a list of values, real ones with almost valid and hostile ones."""
    return st.lists(st.one_of(valid, valid, almost(valid), hostile_value), max_size=6)


def form(fields: dict[str, st.SearchStrategy], *, unknown: bool = True) -> st.SearchStrategy:
    """A form body: ``(name, value)`` pairs for ``fields`` (a drawn None leaves the field out, a list repeats it),
    now and then with an unknown field."""

    def pairs(values: dict, extra: list) -> list:
        flat = []
        for name, value in values.items():
            if value is None:
                continue
            for item in value if isinstance(value, list) else [value]:
                flat.append((name, item))
        return flat + extra

    extra = st.lists(st.tuples(st.one_of(st.sampled_from(UNKNOWN_NAMES), arbitrary_text), hostile_value), max_size=2)
    return st.builds(pairs, st.fixed_dictionaries(fields), extra if unknown else st.just([]))
