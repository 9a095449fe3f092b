"""Full-text search behind one interface.

On PostgreSQL: a weighted tsvector (title and acronym A, summary B, description C) kept by a trigger
and indexed with GIN, the ``portal_search`` text search configuration (English stemming over
``unaccent``, so "Saade" finds "Saadé"), ``websearch_to_tsquery`` (quotes, OR, -exclusion), ranking
with ``ts_rank_cd`` and snippets with ``ts_headline``. "Did you mean" compares the query's words with
the vocabulary of published initiatives by trigram similarity (pg_trgm).

On SQLite: every word must appear in the title, acronym, summary or description (case-insensitive),
quoted phrases are kept together and ``-word`` excludes; results are ranked by where the words occur.
"""

import re
import shlex

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import Case, F, Func, IntegerField, Q, QuerySet, Value, When
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from modeltranslation.utils import get_translation_fields as in_every_language

SEARCH_CONFIG = "portal_search"
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


def _search_query(query: str) -> SearchQuery:
    return SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)


def _parse_terms(query: str) -> tuple[list[str], list[str]]:
    """Split a query into included and excluded terms, keeping "quoted phrases" together."""
    try:
        parts = shlex.split(query)
    except ValueError:  # unbalanced quotes: treat them as ordinary characters
        parts = query.replace('"', " ").split()
    include, exclude = [], []
    for part in parts:
        if part.upper() == "OR":
            continue
        if part.startswith("-") and len(part) > 1:
            exclude.append(part[1:])
        elif part.strip("-"):
            include.append(part)
    return include, exclude


def apply(queryset: QuerySet, query: str) -> QuerySet:
    """Filter ``queryset`` to the initiatives matching ``query`` and annotate their ``rank``."""
    query = clean_query(query)
    if not query:
        return queryset
    if is_postgresql():
        search_query = _search_query(query)
        return queryset.filter(search_vector=search_query).annotate(
            rank=SearchRank(F("search_vector"), search_query, cover_density=True)
        )
    include, exclude = _parse_terms(query)
    if not include and not exclude:
        return queryset.none()
    # Every language's column, named explicitly (a plain "title" would mean the active language's only).
    fields = [column for name in ("title", "acronym", "summary", "description") for column in in_every_language(name)]
    for term in include:
        queryset = queryset.filter(_any_field(fields, term))
    for term in exclude:
        queryset = queryset.exclude(_any_field(fields, term))
    weights = [
        (column, weight)
        for name, weight in (("title", 8), ("acronym", 8), ("summary", 4), ("description", 1))
        for column in in_every_language(name)
    ]
    rank = Value(0)
    for term in include:
        rank = rank + Case(
            *[When(**{f"{field}__icontains": term}, then=Value(weight)) for field, weight in weights],
            default=Value(0),
            output_field=IntegerField(),
        )
    return queryset.annotate(rank=rank)


def _any_field(fields, term) -> Q:
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__icontains": term})
    return condition


def snippets(initiatives: list, query: str) -> dict[int, SafeString]:
    """Highlighted excerpts (safe HTML with <mark>) for the initiatives of one page, by pk."""
    query = clean_query(query)
    if not query or not initiatives:
        return {}
    if is_postgresql():
        from .models import Initiative

        rows = Initiative.objects.filter(pk__in=[i.pk for i in initiatives]).annotate(
            snippet=SearchHeadline(
                Func(F("summary"), Value(_START + _STOP), Value(""), function="translate"),
                _search_query(query),
                config=SEARCH_CONFIG,
                start_sel=_START,
                stop_sel=_STOP,
                max_words=SNIPPET_WORDS,
                min_words=15,
                highlight_all=False,
            )
        )
        return {pk: _render(text) for pk, text in rows.values_list("pk", "snippet")}
    include, _exclude = _parse_terms(query)
    return {
        initiative.pk: _render(_plain_excerpt(initiative.summary.translate(_WITHOUT_MARKERS), include))
        for initiative in initiatives
    }


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


def _render(text: str) -> SafeString:
    escaped = escape(text or "")
    return mark_safe(escaped.replace(_START, "<mark>").replace(_STOP, "</mark>"))


# --- "Did you mean" (PostgreSQL) -------------------------------------------------------------

_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)


def suggest(query: str) -> str | None:
    """A corrected query when some of its words are unknown to the collection, else None."""
    query = clean_query(query)
    if not query or not is_postgresql():
        return None
    from .models import SearchWord

    words = _WORD.findall(query.lower())
    if not words:
        return None
    known = set(SearchWord.objects.filter(word__in=words).values_list("word", flat=True))
    corrected, changed = query, False
    for word in words:
        if word in known:
            continue
        match = (
            SearchWord.objects.filter(word__trigram_similar=word)
            .annotate(similarity=_similarity(word))
            .order_by("-similarity", "-ndoc")
            .values_list("word", flat=True)
            .first()
        )
        if match and match != word:
            corrected = re.sub(rf"(?i)\b{re.escape(word)}\b", match, corrected, count=1)
            changed = True
    return corrected if changed else None


def _similarity(word):
    from django.contrib.postgres.search import TrigramSimilarity

    return TrigramSimilarity("word", word)


# The vocabulary is a function of the published collection: ``ndoc`` is the number of published initiatives
# whose title, acronym or summary hold the word, and a word none holds has no row. Every service that changes
# what a published initiative says, or whether it is published, takes its words out before the change
# (withdraw_from_vocabulary) and puts the words of what is published after it back (add_to_vocabulary), in
# its own transaction: a word of a withdrawn, archived, deleted or edited text stops being suggested at once.
# The cost follows the initiatives changed, not the collection; rebuild_vocabulary is the repair.

# Words of 3 to 100 letters: SearchWord.word holds 100 characters (a longer "word" would fail the whole INSERT,
# and with it the publication), and no one mistypes a word that long. In word order, as withdrawals lock
# them, so two transactions changing the same words wait for each other instead of deadlocking.
_VOCABULARY_SQL = """
    INSERT INTO initiatives_searchword (word, ndoc)
    SELECT word, ndoc FROM ts_stat(%s)
    WHERE length(word) BETWEEN 3 AND 100 AND word ~ '^[[:alpha:]]+$'
    ORDER BY word
    ON CONFLICT (word) DO UPDATE SET ndoc = initiatives_searchword.ndoc + EXCLUDED.ndoc
"""
_WITHDRAW_SQL = (
    "SELECT 1 FROM initiatives_searchword WHERE word IN (SELECT word FROM ts_stat(%s)) ORDER BY word FOR UPDATE",
    # Words that no other published initiative holds leave; the others count one initiative fewer.
    "DELETE FROM initiatives_searchword AS v USING ts_stat(%s) AS s WHERE v.word = s.word AND v.ndoc <= s.ndoc",
    "UPDATE initiatives_searchword AS v SET ndoc = v.ndoc - s.ndoc FROM ts_stat(%s) AS s WHERE v.word = s.word",
)


def _vocabulary_source(queryset: QuerySet) -> str:
    """SQL for ts_stat: the 'simple' (unstemmed, lower-cased) words of titles, acronyms and summaries."""
    ids_sql, params = queryset.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        ids_sql = cursor.mogrify(ids_sql, params)
        if isinstance(ids_sql, bytes):
            ids_sql = ids_sql.decode()
    return (
        "SELECT to_tsvector('simple', unaccent(coalesce(title, '') || ' ' || coalesce(acronym, '') "
        "|| ' ' || coalesce(summary, ''))) FROM initiatives_initiative "
        f"WHERE id IN ({ids_sql})"
    )


def _published_source(initiative_ids: list[int]) -> str | None:
    """ts_stat's source for those of these initiatives that are published now, or None (nothing to do)."""
    if not is_postgresql() or not initiative_ids:
        return None
    from .models import Initiative

    published = Initiative.objects.published().filter(pk__in=initiative_ids)
    return _vocabulary_source(published) if published.exists() else None


def add_to_vocabulary(*, initiative_ids: list[int]) -> None:
    """Count the words of these initiatives, those published now, in the "did you mean" vocabulary."""
    source = _published_source(initiative_ids)
    if source is not None:
        with connection.cursor() as cursor:
            cursor.execute(_VOCABULARY_SQL, [source])


def withdraw_from_vocabulary(*, initiative_ids: list[int]) -> None:
    """Stop counting the words of these initiatives, those published now (call it before changing them)."""
    source = _published_source(initiative_ids)
    if source is not None:
        with connection.cursor() as cursor:
            for sql in _WITHDRAW_SQL:
                cursor.execute(sql, [source])


def rebuild_vocabulary() -> int:
    """Rebuild the vocabulary from every published initiative; returns the number of words."""
    if not is_postgresql():
        return 0
    from .models import Initiative, SearchWord

    source = _vocabulary_source(Initiative.objects.published())
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM initiatives_searchword")
        cursor.execute(_VOCABULARY_SQL, [source])
    return SearchWord.objects.count()
