"""Full-text search behind one interface, in every content language (en, fr, es, ar).

On PostgreSQL each initiative has one weighted tsvector per content language (``search_en`` … ``search_ar``: title
and acronym A, summary B, description C, the record's sections C or D as ``sections.py`` says: results, evidence,
good practice and lessons C, the others D; migration 0011), built by a trigger from that language's columns
(``title_fr`` …) with that language's text search configuration (``portal_en``, ``portal_fr``, ``portal_es``: the
Snowball stemmer over ``unaccent``, so "europeen" finds "Européen" and "travailleurs migrants" finds "travailleur
migrant"; French and Spanish also stemmed with their accents, then unaccented, so that "réfugiés" finds "réfugiées";
``portal_ar``: the Arabic stemmer, which drops diacritics and tatweel, after ``portal_ar_normalize`` detaches the
conjunctions و/ف from an article, applied to the text and the query alike). For the initiative's original
language the plain column (which holds the original text) stands in when the translated column is empty.

A query is parsed once per language (``websearch_to_tsquery``: quotes, OR, -exclusion) and matches when it matches
in ANY language: four GIN index scans OR'ed (a BitmapOr). The rank puts the reader's language
(``translation.get_language()``) first: a match there ranks 1 + its ``ts_rank_cd`` (normalised into [0, 1)), a
match only in other languages ranks its best ``ts_rank_cd`` there, below 1. So a French reader sees the
initiatives that match in French first, then those that match in another language. An exclusion applies within
each language's text: "diaspora -Moldova" still finds an initiative whose French text says "diaspora" and not
"Moldova" (a translation says "Moldavie" anyway). Snippets (``ts_headline``) come from the summary in the
language that matched, the reader's first, then the original; a snippet in another language than the reader's is
marked with its ``lang``. "Did you mean" compares the query's words with the vocabulary of published initiatives
in each language by trigram similarity (pg_trgm), the reader's language first.

On SQLite (the default of ``make run``) the same interface runs on FTS5 (migration 0016, ``search_sqlite.py``): an
index of the published initiatives, a row per language with the same fields and weights, kept by triggers; the same
query language; bm25 ranking with the reader's language first; FTS5 snippets with the same markers; and the same
"did you mean" vocabulary, kept by the same services and searched by edit distance instead of trigrams.

Known limits: a snippet highlights the words as the stemmer sees the displayed text, so an Arabic word with an
attached conjunction (والمهاجرين) is found but not highlighted; detaching و/ف merges a few words with another
(والدين, parents, with الدين); a French query typed without accents still stems "-ees" apart from "-es"
("refugies" misses "réfugiées"); Arabic words in the vocabulary ([[:alpha:]]) and their trigrams need a database
whose LC_CTYPE knows Arabic letters (C.UTF-8 or a real locale, not "C"). On SQLite: one stemmer (Porter's English
suffixes) for every language, no detached و/ف in the index, and "did you mean" corrects no typo in a word's first two
letters.

The content languages with a search column are fixed by migration 0010 (``SEARCH_LANGUAGES``): adding a language
means a migration adding its configuration, column, index and trigger expression.
"""

import functools
import re
import unicodedata
from functools import reduce
from operator import or_

from django.contrib.postgres.search import (
    SearchConfig,
    SearchHeadline,
    SearchQuery,
    SearchQueryCombinable,
    SearchQueryField,
    SearchRank,
)
from django.db import connection, connections, router
from django.db.models import (
    BooleanField,
    Case,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Greatest
from django.utils.html import escape
from django.utils.safestring import SafeString
from modeltranslation.utils import get_language as reader_language

from . import search_sqlite, sections, selectors

SEARCH_LANGUAGES = ("en", "fr", "es", "ar")
SEARCH_CONFIGS = {code: f"portal_{code}" for code in SEARCH_LANGUAGES}
TRANSLATED_FIELDS = ("title", "acronym", "summary", "description", *sections.FIELDS)
# The sections by search weight (sections.py, migration 0011): C like the description, or D below it.
WEIGHTED_C = tuple(section.field for section in sections.SECTIONS if section.weight == "C")
WEIGHTED_D = tuple(section.field for section in sections.SECTIONS if section.weight == "D")
MAX_QUERY_LENGTH = 200
# Private-use characters mark highlighted words inside ts_headline's output; the text is escaped
# first and the markers become <mark> afterwards, so no stored HTML ever reaches the page. Stored text
# may hold these characters too (anyone can type them): they are removed from it before highlighting,
# so every marker in a snippet is one the highlighter put there.
_START, _STOP = "\ue000", "\ue001"
_WITHOUT_MARKERS = str.maketrans("", "", _START + _STOP)
SNIPPET_WORDS = 35


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


# Every word is one more index lookup, every OR one more set of matches to rank: a query is cut after this many of
# either, whatever the backend, so that no query string costs more than a bounded search.
MAX_ALTERNATIVES = 8
MAX_WORDS = 16
_WORDS_IN_TOKEN = re.compile(r"\w+")


def clean_query(raw: str | None) -> str:
    """Normalise what a visitor typed: strip control characters, collapse spaces, cap the length and the number of
    words and alternatives (``is_shortened`` tells whether the last two cut anything)."""
    return _bounded(raw)[0]


def is_shortened(raw: str | None) -> bool:
    """Whether ``clean_query`` left out words or alternatives of ``raw`` (the page says so)."""
    return _bounded(raw)[1]


def _bounded(raw: str | None) -> tuple[str, bool]:
    if not raw:
        return "", False
    text = "".join(ch if ch.isprintable() else " " for ch in raw)
    kept, alternatives, words = [], 1, 0
    for token in " ".join(text.split())[:MAX_QUERY_LENGTH].split():
        # A run of exclusions ("---x", "- - x") nests a NOT per dash: PostgreSQL's parser fails past about a hundred
        # ("tsquery stack too small"). One dash excludes as many; dashes alone in a row are one.
        token = re.sub(r"^-+", "-", token)
        if token == "-" and kept and kept[-1] == "-":
            continue
        if token.upper() == "OR":
            alternatives += 1
            if alternatives > MAX_ALTERNATIVES:
                return _joined(kept), True
            kept.append(token)
            continue
        # Punctuation separates words too ("a,b,c" is three): count what the search will see.
        found = list(_WORDS_IN_TOKEN.finditer(token))
        if words + len(found) > MAX_WORDS:
            room = MAX_WORDS - words
            if room:
                kept.append(token[: found[room - 1].end()])
            return _joined(kept), True
        words += len(found)
        kept.append(token)
    return " ".join(kept), False


def _joined(tokens: list[str]) -> str:
    """The tokens kept of a query that was cut: not ending with an OR, unless it is all there is."""
    while len(tokens) > 1 and tokens[-1].upper() == "OR":
        tokens.pop()
    return " ".join(tokens)


def _search_query(query: str, code: str) -> SearchQuery:
    """``query`` as a tsquery in language ``code``, normalised as the trigger normalises that language's text."""
    value = Func(Value(query), function="portal_ar_normalize", output_field=TextField()) if code == "ar" else query
    search_query = SearchQuery(value, search_type="websearch", config=SEARCH_CONFIGS[code])
    if code in _STEMMED_WITH_ACCENTS:
        return search_query | _AccentedStems(SearchConfig(_STEMMED_WITH_ACCENTS[code]), Value(query))
    return search_query


# French and Spanish text is stemmed twice (migration 0010): unaccented then stemmed, as the configuration does, and
# stemmed with its accents then unaccented, because these stemmers read accented suffixes ("réfugiées" and
# "réfugiés" stem alike only with their accents). A query matches in either form.
_STEMMED_WITH_ACCENTS = {"fr": "french", "es": "spanish"}


class _AccentedStems(SearchQueryCombinable, Func):
    """A web-search query stemmed by a language's own configuration, accents kept, then unaccented."""

    template = "unaccent(websearch_to_tsquery(%(expressions)s)::text)::tsquery"
    output_field = SearchQueryField()


def _matches(code: str, search_query: SearchQuery) -> Q:
    return Q(**{f"search_{code}": search_query})


def _others(reader: str) -> list[str]:
    return [code for code in SEARCH_LANGUAGES if code != reader]


def apply(queryset: QuerySet, query: str) -> QuerySet:
    """Filter ``queryset`` to the initiatives matching ``query`` in any language and annotate their ``rank``
    (the reader's language first)."""
    query = clean_query(query)
    if not query:
        return queryset
    reader = reader_language()
    if is_postgresql():
        queries = {code: _search_query(query, code) for code in SEARCH_LANGUAGES}
        # normalization 32 = rank / (rank + 1): below 1, so that a match in the reader's language (1 + its rank)
        # always ranks above a match in the others alone; within one language the order is ts_rank_cd's.
        ranks = {
            code: SearchRank(F(f"search_{code}"), queries[code], cover_density=True, normalization=32)
            for code in SEARCH_LANGUAGES
        }
        rank = Case(
            When(_matches(reader, queries[reader]), then=Value(1.0) + ranks[reader]),
            default=Greatest(*(ranks[code] for code in _others(reader))),
            output_field=FloatField(),
        )
        any_language = reduce(or_, (_matches(code, queries[code]) for code in SEARCH_LANGUAGES))
        return queryset.filter(any_language).annotate(rank=rank)
    expression = search_sqlite.FtsQuery(query)
    if expression.match is None:
        if expression.excluded is None:
            return queryset.none()
        return queryset.exclude(pk__in=RawSQL(*search_sqlite.matching_ids_sql(expression.excluded))).annotate(
            rank=Value(0.0, output_field=FloatField())
        )
    return queryset.filter(pk__in=RawSQL(*search_sqlite.matching_ids_sql(expression.match))).annotate(
        rank=search_sqlite.Rank(expression, reader)
    )


# --- title matches (a broad search's ranking candidates, estimates.py) -------------------------------------------


def title_text_sql(code: str) -> str:
    """SQL for an initiative's title and acronym in language ``code`` (the original's plain columns standing in, as
    in the search vectors). Migration 0018 indexes ``to_tsvector('portal_<code>'::regconfig, <this>)``: the query
    must spell the expression exactly as the index does."""

    def column(field: str) -> str:
        return (
            f"CASE WHEN language = '{code}' THEN coalesce(nullif({field}_{code}, ''), {field}, '') "
            f"ELSE coalesce({field}_{code}, '') END"
        )

    text = f"{column('title')} || ' ' || {column('acronym')}"
    return f"portal_ar_normalize({text})" if code == "ar" else text


def title_matches(query: str):
    """A condition: the initiative's title or acronym matches ``query`` in some language (on PostgreSQL each language
    by a GIN index of its own, migration 0018; French and Spanish in their unaccented stems only). For the ranking
    of a broad search, not for what a search finds."""
    query = clean_query(query)
    if not is_postgresql():
        expression = search_sqlite.FtsQuery(query)
        if expression.match is None:
            return Q(pk__in=[])
        return Q(pk__in=RawSQL(*search_sqlite.matching_ids_sql(expression.in_columns("{title acronym}"))))
    # Unqualified columns: the condition is used in a subquery, where Django renames the table.
    conditions, params = [], []
    for code in SEARCH_LANGUAGES:
        typed = "portal_ar_normalize(%s)" if code == "ar" else "%s"
        conditions.append(
            f"to_tsvector('{SEARCH_CONFIGS[code]}'::regconfig, {title_text_sql(code)}) "
            f"@@ websearch_to_tsquery('{SEARCH_CONFIGS[code]}'::regconfig, {typed})"
        )
        params.append(query)
    return RawSQL("(" + " OR ".join(conditions) + ")", params, output_field=BooleanField())


class Snippet(SafeString):
    """A highlighted excerpt (safe HTML with <mark>) and the language of its text (``lang``).

    When that is not the reader's language, the HTML is wrapped in ``<span lang=… dir="auto">`` already, so a card
    shows it correctly whatever its own ``lang`` says."""

    lang: str


def snippets(initiatives: list, query: str) -> dict[int, Snippet]:
    """Highlighted excerpts for the initiatives of one page, by pk: from the summary in the reader's language when
    the initiative matches there, else in the original language or another one that matches, else from the summary
    the card would show."""
    query = clean_query(query)
    if not query or not initiatives:
        return {}
    reader = reader_language()
    if is_postgresql():
        from .models import Initiative

        statement = _snippet_statement(reader)
        # Where the ORM would read it (a read replica, when the request may read from one: portal/db_router.py).
        with connections[router.db_for_read(Initiative)].cursor() as cursor:
            cursor.execute(statement.sql, statement.params(query, [i.pk for i in initiatives]))
            return {pk: _render(text, language, reader) for pk, text, language in cursor.fetchall() if language}
    found = search_sqlite.snippets(initiatives, search_sqlite.FtsQuery(query), reader)
    return {pk: _render(text, language, reader) for pk, (text, language) in found.items()}


# Stand-ins for a search's words and a page's ids while a statement is compiled once (``_Statement``).
_WORDS_PLACEHOLDER = "\U000f0000 words \U000f0000"  # a plane-15 private-use character
_IDS_PLACEHOLDER = [-0x5EED]


class _Statement:
    """A query's SQL compiled once per process, its parameters filled in for each use: the words of a search and
    the ids of a page. Compiling the snippets' query (two ``CASE`` of eleven branches, each a search in one
    language) took 5 ms of every search page; filling in its parameters takes microseconds."""

    def __init__(self, queryset, columns: tuple[str, ...]):
        inner, params = queryset.query.sql_with_params()
        # The columns in the order asked for (Django orders a ``values_list``'s in Python, not in its SQL).
        selected = ", ".join(connection.ops.quote_name(column) for column in columns)
        self.sql = f"SELECT {selected} FROM ({inner}) AS statement"
        self._params = list(params)
        self._words = [n for n, param in enumerate(params) if param == _WORDS_PLACEHOLDER]
        self._ids = [n for n, param in enumerate(params) if param == selectors.pk_array_text(_IDS_PLACEHOLDER)]
        leftover = [param for param in params if isinstance(param, str) and "\U000f0000" in param]
        if len(leftover) != len(self._words) or len(self._ids) != 1:  # a placeholder changed on its way to SQL
            raise ValueError("the statement's parameters do not show where its words and ids go")

    def params(self, words: str, ids: list[int]) -> list:
        filled = list(self._params)
        for n in self._words:
            filled[n] = words
        for n in self._ids:
            filled[n] = selectors.pk_array_text(ids)  # as selectors.pk_among passes it
        return filled


def warm_up() -> None:
    """Compile the snippets' query for each language's readers as a server process starts (``portal/startup.py``):
    about 10 ms each, otherwise paid by a worker's first search in that language. And make each language's search
    query once on the process's connection: a PostgreSQL backend loads a configuration's dictionaries (the stemmers,
    unaccent's rules) at its first use, 1-8 ms each, which the first search of a worker paid otherwise."""
    if is_postgresql():
        from django.conf import settings
        from django.utils import translation

        from .models import Initiative

        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                _snippet_statement(code)
        queries = {
            f"query_{code}": ExpressionWrapper(_search_query(WARM_UP_WORDS, code), output_field=SearchQueryField())
            for code in SEARCH_LANGUAGES
        }
        list(Initiative.objects.order_by().annotate(**queries).values_list(*queries)[:1])


WARM_UP_WORDS = "migrants"


@functools.cache
def _snippet_statement(reader: str) -> _Statement:
    """The snippets' query for a reader of language ``reader`` (PostgreSQL): each initiative's highlighted
    summary and its language, for the ids of one page."""
    from .models import Initiative

    queries = {code: _search_query(_WORDS_PLACEHOLDER, code) for code in SEARCH_LANGUAGES}
    choices = list(_snippet_choices(lambda code: _matches(code, queries[code]), reader))
    rows = Initiative.objects.filter(selectors.pk_among(_IDS_PLACEHOLDER)).annotate(
        snippet=Case(*(When(condition, then=_headline(code, queries[code])) for condition, code in choices)),
        snippet_language=Case(*(When(condition, then=Value(code)) for condition, code in choices)),
    )
    columns = ("pk", "snippet", "snippet_language")
    return _Statement(rows.order_by().values_list(*columns), columns)


def _snippet_choices(matches, reader: str):
    """(condition, language) pairs in order of preference, for the summary a snippet comes from."""
    written = {code: Q(**{f"summary_{code}__gt": ""}) for code in SEARCH_LANGUAGES}  # neither NULL nor empty
    yield matches(reader) & written[reader], reader
    for code in _others(reader):
        yield Q(language=code) & matches(code) & written[code], code
    for code in _others(reader):
        yield matches(code) & written[code], code
    # None of the summaries matched (the words are in a title or a description): the summary the card shows.
    yield written[reader], reader
    for code in _others(reader):
        yield Q(language=code) & written[code], code


def _headline(code: str, search_query: SearchQuery) -> SearchHeadline:
    return SearchHeadline(
        Func(F(f"summary_{code}"), Value(_START + _STOP), Value(""), function="translate"),
        search_query,
        config=SEARCH_CONFIGS[code],
        start_sel=_START,
        stop_sel=_STOP,
        max_words=SNIPPET_WORDS,
        min_words=15,
        highlight_all=False,
    )


def _plain_excerpt(text: str, terms: list[str]) -> str:
    words = text.split()
    lowered = [w.lower() for w in words]
    needles = [t.lower() for t in terms if t]
    start = 0
    for index, word in enumerate(lowered):
        if any(n in word for n in needles):
            start = max(0, index - 8)
            break
    window = words[start : start + SNIPPET_WORDS]
    excerpt = " ".join(window)
    if needles:
        pattern = re.compile("|".join(re.escape(n) for n in sorted(needles, key=len, reverse=True)), re.I)
        excerpt = pattern.sub(lambda m: f"{_START}{m.group(0)}{_STOP}", excerpt)
    prefix = "… " if start else ""
    suffix = " …" if start + SNIPPET_WORDS < len(words) else ""
    return f"{prefix}{excerpt}{suffix}"


def _render(text: str, language: str, reader: str) -> Snippet:
    html = escape(text or "").replace(_START, "<mark>").replace(_STOP, "</mark>")
    if language != reader:
        html = f'<span lang="{language}" dir="auto">{html}</span>'
    snippet = Snippet(html)
    snippet.lang = language
    return snippet


# --- "Did you mean" --------------------------------------------------------------------------

_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
# Arabic diacritics (harakat, superscript alef) and tatweel: dropped from the vocabulary and from the words typed,
# as the Arabic stemmer drops them; و/ف attached to an article are detached (as portal_ar_normalize does).
_ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670\u0640]")
_ARABIC_CONJUNCTION = re.compile("(^|[^\u0621-\u064a])[\u0648\u0641](\u0627\u0644[\u0621-\u064a]{3,})")


def _fold(word: str) -> str:
    """A typed word as the vocabulary holds it: lower-case, without Latin accents (roughly ``unaccent``)."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not "\u0300" <= ch <= "\u036f"))


def suggest(query: str) -> str | None:
    """A corrected query when some of its words are unknown to the collection in every language, else None; a
    correction is looked for in the reader's language first, then in the others."""
    query = clean_query(query)
    if not query:
        return None
    from .models import SearchWord

    query = _ARABIC_CONJUNCTION.sub(r"\1\2", _ARABIC_MARKS.sub("", unicodedata.normalize("NFC", query)))
    typed = {_fold(word): word for word in _WORD.findall(query)}
    if not typed:
        return None
    known = set(SearchWord.objects.filter(word__in=typed).values_list("word", flat=True).distinct())
    reader = reader_language()
    corrected, changed = query, False
    for word, as_typed in typed.items():
        if word in known:
            continue
        match = _nearest(word, reader)
        if match and match != word:
            corrected = re.sub(rf"(?i)\b{re.escape(as_typed)}\b", match, corrected, count=1)
            changed = True
    return corrected if changed else None


def _nearest(word: str, reader: str) -> str | None:
    """The known word most like ``word``, the reader's language first."""
    if not is_postgresql():
        return search_sqlite.nearest(word, reader)
    from .models import SearchWord

    return (
        SearchWord.objects.filter(word__trigram_similar=word)
        .annotate(
            similarity=_similarity(word),
            elsewhere=Case(When(language=reader, then=Value(0)), default=Value(1)),
        )
        .order_by("elsewhere", "-similarity", "-ndoc")
        .values_list("word", flat=True)
        .first()
    )


def _similarity(word):
    from django.contrib.postgres.search import TrigramSimilarity

    return TrigramSimilarity("word", word)


# The vocabulary is a function of the published collection: for each content language, ``ndoc`` is the number of
# published initiatives whose title, acronym or summary in that language hold the word, and a word none holds has
# no row. Every service that changes what a published initiative says, or whether it is published, takes its words
# out before the change (withdraw_from_vocabulary) and puts the words of what is published after it back
# (add_to_vocabulary), in its own transaction: a word of a withdrawn, archived, deleted or edited text stops being
# suggested at once. The cost follows the initiatives changed, not the collection; rebuild_vocabulary is the repair.

# The words of each language, as one relation (language, word, ndoc): one ts_stat per language.
_STATS = " UNION ALL ".join(f"SELECT '{code}' AS language, word, ndoc FROM ts_stat(%s)" for code in SEARCH_LANGUAGES)
# Words of 3 to 100 letters: SearchWord.word holds 100 characters (a longer "word" would fail the whole INSERT,
# and with it the publication), and no one mistypes a word that long. In word order, as withdrawals lock
# them, so two transactions changing the same words wait for each other instead of deadlocking.
_VOCABULARY_SQL = f"""
    INSERT INTO initiatives_searchword (language, word, ndoc)
    SELECT language, word, ndoc FROM ({_STATS}) AS s
    WHERE length(word) BETWEEN 3 AND 100 AND word ~ '^[[:alpha:]]+$'
    ORDER BY language, word
    ON CONFLICT (language, word) DO UPDATE SET ndoc = initiatives_searchword.ndoc + EXCLUDED.ndoc
"""
_WITHDRAW_SQL = (
    "SELECT 1 FROM initiatives_searchword WHERE (language, word) IN (SELECT language, word FROM "
    f"({_STATS}) AS s) ORDER BY language, word FOR UPDATE",
    # Words that no other published initiative holds leave; the others count one initiative fewer.
    f"DELETE FROM initiatives_searchword AS v USING ({_STATS}) AS s "
    "WHERE v.language = s.language AND v.word = s.word AND v.ndoc <= s.ndoc",
    f"UPDATE initiatives_searchword AS v SET ndoc = v.ndoc - s.ndoc FROM ({_STATS}) AS s "
    "WHERE v.language = s.language AND v.word = s.word",
)
# The 'simple' (unstemmed, lower-cased) words, without accents, Arabic diacritics or tatweel (Arabic text is
# normalised first, so the vocabulary holds المهاجرين for والمهاجرين).
_FOLD_SQL = r"regexp_replace(unaccent({}), '[\u064B-\u065F\u0670\u0640]', '', 'g')"


def _language_text(field: str, code: str) -> str:
    """SQL for ``field`` in language ``code``; the plain column (the original's text) stands in for an empty
    translated column of the original language (as in migration 0010's trigger)."""
    return (
        f"CASE WHEN language = '{code}' THEN coalesce(nullif({field}_{code}, ''), {field}, '') "
        f"ELSE coalesce({field}_{code}, '') END"
    )


def _vocabulary_sources(queryset: QuerySet) -> list[str]:
    """SQL for ts_stat, one per content language: the words of the titles, acronyms and summaries in it."""
    ids_sql, params = queryset.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        ids_sql = cursor.mogrify(ids_sql, params)
        if isinstance(ids_sql, bytes):
            ids_sql = ids_sql.decode()
    sources = []
    for code in SEARCH_LANGUAGES:
        text = " || ' ' || ".join(_language_text(field, code) for field in ("title", "acronym", "summary"))
        if code == "ar":
            text = f"portal_ar_normalize({text})"
        sources.append(
            f"SELECT to_tsvector('simple', {_FOLD_SQL.format(text)}) FROM initiatives_initiative "
            f"WHERE id IN ({ids_sql})"
        )
    return sources


def _published_sources(initiative_ids: list[int]) -> list[str] | None:
    """ts_stat's sources for those of these initiatives that are published now, or None (nothing to do)."""
    if not is_postgresql() or not initiative_ids:
        return None
    from .models import Initiative

    published = Initiative.objects.published().filter(pk__in=initiative_ids)
    return _vocabulary_sources(published) if published.exists() else None


def add_to_vocabulary(*, initiative_ids: list[int]) -> None:
    """Count the words of these initiatives, those published now, in the "did you mean" vocabulary."""
    if not is_postgresql():
        search_sqlite.add_to_vocabulary(initiative_ids)
        return
    sources = _published_sources(initiative_ids)
    if sources is not None:
        with connection.cursor() as cursor:
            cursor.execute(_VOCABULARY_SQL, sources)


def withdraw_from_vocabulary(*, initiative_ids: list[int]) -> None:
    """Stop counting the words of these initiatives, those published now (call it before changing them)."""
    if not is_postgresql():
        search_sqlite.withdraw_from_vocabulary(initiative_ids)
        return
    sources = _published_sources(initiative_ids)
    if sources is not None:
        with connection.cursor() as cursor:
            for sql in _WITHDRAW_SQL:
                cursor.execute(sql, sources)


def rebuild_vocabulary() -> int:
    """Rebuild the vocabulary from every published initiative; returns the number of words (all languages). On
    SQLite the full-text index is rebuilt too (a repair: its triggers keep it)."""
    from .models import Initiative, SearchWord

    if not is_postgresql():
        search_sqlite.rebuild_index()
        search_sqlite.rebuild_vocabulary()
        return SearchWord.objects.count()

    sources = _vocabulary_sources(Initiative.objects.published())
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM initiatives_searchword")
        cursor.execute(_VOCABULARY_SQL, sources)
    return SearchWord.objects.count()
