"""The search on SQLite, behind ``search.py``'s interface: FTS5 (migration 0016) and a "did you mean" vocabulary.

The query language is PostgreSQL's web-search syntax ("quoted phrases", OR, -exclusion), translated here into an
FTS5 expression in which every word the visitor typed is a double-quoted string: FTS5 reads nothing inside one as
syntax, so NEAR, AND, ``*``, ``^``, ``:`` or a column filter typed by a visitor are only words. An exclusion applies
within each language's row, as on PostgreSQL.

Ranking. bm25 needs, for every phrase, its number of matches in the whole table: a ranked row costs a pass over
its phrases' postings. Django can't join a listing to a ranked subquery, so a row's rank is a subquery of its own:
exact bm25 (column weights 10, 10, 4, 2, 1: PostgreSQL's A 1.0, B 0.4, C 0.2, D 0.1) while a query matches at most
``EXACTLY_RANKED`` rows; past that, the rank is the best column that matches (title or acronym, summary, the C
text, the D text), each an index pass made once per query. Either way a match in the reader's language ranks
above any match in the others alone (1 + its score, the others' score below 1), as on PostgreSQL.

"Did you mean" on SQLite keeps the vocabulary in the same table as PostgreSQL (``SearchWord``: the words of the
published titles, acronyms and summaries per language, with their number of initiatives), counted in Python by
the same services; the nearest known word of an unknown one is looked for among the words that start with the
same two letters and are about as long (at most ``CANDIDATES`` of them, by the unique index), by edit distance.
"""

import re
import unicodedata
from collections import Counter

from django.db import connection
from django.db.models import F, FloatField, Func

from . import search

TABLE = "initiatives_search_fts"
COLUMNS = ("title", "acronym", "summary", "body_c", "body_d")
WEIGHTS = "10, 10, 4, 2, 1"
# A row's rowid is its initiative's id × 4 + the place of its language in SEARCH_LANGUAGES (migration 0016).
SLOTS = 4
EXACTLY_RANKED = 20
# The columns a match ranks by when more than EXACTLY_RANKED rows match, best first, and the score each gives.
TIERS = (("{title acronym}", 0.9), ("{summary}", 0.7), ("{body_c}", 0.4), ("", 0.1))
CANDIDATES = 5000

_QUERY_TERM = re.compile(r'(?P<minus>-)?(?:"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+))')
_TOKEN = re.compile(r"[^\W_]+")


def _tokens(text: str) -> list[str]:
    """The words of ``text`` as the tokenizer will see them (near enough: each becomes a quoted FTS5 string)."""
    return _TOKEN.findall(search._fold(search._ARABIC_MARKS.sub("", text)))


def _quoted(tokens: list[str]) -> str:
    return '"' + " ".join(tokens).replace('"', '""') + '"'


class FtsQuery:
    """A cleaned web-search query as FTS5 expressions: ``match`` (None when nothing is looked for) and
    ``excluded`` (the exclusions alone, for a query of nothing but exclusions)."""

    def __init__(self, query: str):
        groups: list[list[tuple[bool, list[str]]]] = []  # AND of ORs of (negated, phrase)
        pending_or = False
        for found in _QUERY_TERM.finditer(query):
            word, phrase, negated = found["word"], found["phrase"], bool(found["minus"])
            if word is not None and not negated and word.upper() == "OR":
                pending_or = bool(groups)
                continue
            tokens = _tokens(phrase if phrase is not None else word)
            if not tokens:
                continue
            if pending_or:
                groups[-1].append((negated, tokens))
            else:
                groups.append([(negated, tokens)])
            pending_or = False
        positive, negative = [], []
        for group in groups:
            included = [tokens for negated, tokens in group if not negated]
            if included:  # "a OR -b": FTS5 has no "not b" alone; the positive alternatives stay
                positive.append("(" + " OR ".join(_quoted(tokens) for tokens in included) + ")")
            else:  # "-a OR -b" excludes what has both
                negative.append("(" + " AND ".join(_quoted(tokens) for _negated, tokens in group) + ")")
        self.positive = " AND ".join(positive) or None
        self.excluded = " OR ".join(negative) or None
        self.match = None
        if self.positive:
            self.match = f"({self.positive})" + (f" NOT ({self.excluded})" if self.excluded else "")

    def in_columns(self, columns: str) -> str:
        """This expression, its positive part found in ``columns`` (an FTS5 column filter, or "" for all)."""
        if not columns:
            return self.match
        return f"({columns} : ({self.positive})) AND ({self.match})"


def _place(code: str) -> int:
    return search.SEARCH_LANGUAGES.index(code)


def matching_ids_sql(match: str) -> tuple[str, list]:
    return f"SELECT rowid >> 2 FROM {TABLE} WHERE {TABLE} MATCH %s", [match]


class Rank(Func):
    """An initiative's rank for one expression (see the module's docstring); takes the initiative's pk."""

    output_field = FloatField()

    def __init__(self, expression: FtsQuery, reader: str):
        super().__init__(F("pk"))
        self.expression, self.reader = expression, reader

    def as_sql(self, compiler, connection, **extra):
        pk, pk_params = compiler.compile(self.get_source_expressions()[0])
        match, reader = self.expression.match, _place(self.reader)
        exact = (
            f"(SELECT max(CASE WHEN (rowid & 3) = %s THEN 1.0 ELSE 0.0 END + s / (1.0 + s)) FROM "
            f"(SELECT rowid, -bm25({TABLE}, {WEIGHTS}) AS s FROM {TABLE} "
            f"WHERE {TABLE} MATCH %s AND rowid BETWEEN {pk} * 4 AND {pk} * 4 + 3 LIMIT -1))"
        )
        exact_params = [reader, match, *pk_params, *pk_params]
        tiers, tier_params = [], []
        for in_reader in (True, False):
            for columns, score in TIERS:
                tiers.append(
                    f"WHEN {pk} IN (SELECT rowid >> 2 FROM {TABLE} WHERE {TABLE} MATCH %s "
                    f"AND (rowid & 3) {'=' if in_reader else '<>'} %s) THEN {score + in_reader}"
                )
                tier_params += [*pk_params, self.expression.in_columns(columns), reader]
        few = f"(SELECT count(*) FROM (SELECT 1 FROM {TABLE} WHERE {TABLE} MATCH %s LIMIT {EXACTLY_RANKED + 1}))"
        sql = f"CASE WHEN {few} <= {EXACTLY_RANKED} THEN {exact} {' '.join(tiers)} ELSE 0.0 END"
        return sql, [match, *exact_params, *tier_params]


def snippets(initiatives: list, expression: FtsQuery, reader: str) -> dict[int, tuple[str, str]]:
    """(text with markers, language) by pk: the summary of the language a snippet comes from (as PostgreSQL's
    ``_snippet_choices``), highlighted by FTS5 where that language's row matched."""
    matched = {}
    if expression.match:
        rowids = [initiative.pk * SLOTS + place for initiative in initiatives for place in range(SLOTS)]
        placeholders = ", ".join(["%s"] * len(rowids))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid, snippet({TABLE}, 2, %s, %s, '…', {search.SNIPPET_WORDS}) FROM {TABLE} "
                f"WHERE {TABLE} MATCH %s AND rowid IN ({placeholders})",
                [search._START, search._STOP, expression.match, *rowids],
            )
            for rowid, text in cursor.fetchall():
                if text:
                    matched[(rowid >> 2, search.SEARCH_LANGUAGES[rowid & 3])] = text
    found = {}
    others = [code for code in search.SEARCH_LANGUAGES if code != reader]
    for initiative in initiatives:
        original = [code for code in others if code == initiative.language]
        for code in [reader, *original, *others]:
            if (initiative.pk, code) in matched:
                found[initiative.pk] = matched[(initiative.pk, code)], code
                break
        else:  # no summary matched: the start of the summary the card shows
            for code in [reader, *original]:
                text = _summary(initiative, code)
                if text:
                    found[initiative.pk] = search._plain_excerpt(text, []), code
                    break
    return found


def _summary(initiative, code: str) -> str:
    text = getattr(initiative, f"summary_{code}") or ""
    if not text and initiative.language == code:
        text = initiative.summary or ""
    return text.translate(search._WITHOUT_MARKERS)


# --- "Did you mean" ----------------------------------------------------------------------------------------------


def _vocabulary_text(text: str, code: str) -> str:
    text = unicodedata.normalize("NFC", text)
    if code == "ar":
        text = search._ARABIC_CONJUNCTION.sub(r"\1\2", search._ARABIC_MARKS.sub("", text))
    return search._fold(text)


def _words(text: str, code: str) -> set[str]:
    """The vocabulary's words of ``text``: letters only, 3 to 100 of them (as PostgreSQL's vocabulary)."""
    return {word for word in _TOKEN.findall(_vocabulary_text(text, code)) if word.isalpha() and 3 <= len(word) <= 100}


def _counted(initiative_ids) -> Counter:
    """(language, word) → number of these initiatives, those published now, whose text in that language has it."""
    from .models import Initiative

    fields = ("title", "acronym", "summary")
    columns = [*fields, *(f"{field}_{code}" for field in fields for code in search.SEARCH_LANGUAGES)]
    rows = Initiative.objects.published()
    if initiative_ids is not None:
        rows = rows.filter(pk__in=initiative_ids)
    counted = Counter()
    for row in rows.values("language", *columns).iterator(chunk_size=500):
        for code in search.SEARCH_LANGUAGES:
            texts = []
            for field in fields:
                text = row[f"{field}_{code}"] or ""
                if not text and row["language"] == code:
                    text = row[field] or ""
                texts.append(text)
            counted.update((code, word) for word in _words(" ".join(texts), code))
    return counted


def add_to_vocabulary(initiative_ids) -> None:
    _count_in(_counted(initiative_ids))


def _count_in(counted: Counter) -> None:
    if counted:
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO initiatives_searchword (language, word, ndoc) VALUES (%s, %s, %s) "
                "ON CONFLICT (language, word) DO UPDATE SET ndoc = ndoc + excluded.ndoc",
                [(code, word, n) for (code, word), n in sorted(counted.items())],
            )


def withdraw_from_vocabulary(initiative_ids) -> None:
    counted = _counted(initiative_ids)
    if counted:
        rows = [(code, word, n) for (code, word), n in sorted(counted.items())]
        with connection.cursor() as cursor:
            # Words no other published initiative holds leave; the others count these initiatives fewer.
            cursor.executemany(
                "DELETE FROM initiatives_searchword WHERE language = %s AND word = %s AND ndoc <= %s", rows
            )
            cursor.executemany(
                "UPDATE initiatives_searchword SET ndoc = ndoc - %s WHERE language = %s AND word = %s",
                [(n, code, word) for code, word, n in rows],
            )


def rebuild_vocabulary() -> None:
    from .models import SearchWord

    SearchWord.objects.all().delete()
    _count_in(_counted(None))


def rebuild_index() -> None:
    """Index every published initiative again (the triggers of migration 0016 do it: a repair)."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")
        cursor.execute("UPDATE initiatives_initiative SET status = status")


def nearest(word: str, reader: str) -> str | None:
    """The known word nearest ``word`` (at most 1 edit for 3-4 letters, 2 up to 8, 3 beyond), the reader's
    language first, then the fewest edits, then the commonest."""
    from .models import SearchWord

    limit = 1 if len(word) <= 4 else 2 if len(word) <= 8 else 3
    prefix = word[:2]
    candidates = (
        SearchWord.objects.filter(
            language__in=search.SEARCH_LANGUAGES, word__gte=prefix, word__lt=prefix + "\U0010ffff"
        )
        .values_list("language", "word", "ndoc")
        .order_by()[:CANDIDATES]
    )
    best = None
    for language, candidate, ndoc in candidates:
        if abs(len(candidate) - len(word)) > limit:
            continue
        distance = _distance(word, candidate, limit)
        if distance > limit:
            continue
        key = (language != reader, distance, -ndoc, candidate)
        if best is None or key < best[0]:
            best = key, candidate
    return best[1] if best else None


def _distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (a transposition is one edit), or ``limit + 1`` once it must exceed it."""
    previous2, previous = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = ca != cb
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]
