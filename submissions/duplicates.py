"""Published initiatives that look like the one being proposed (similar title, same acronym)."""

import difflib
import re

from django.db import connection
from django.db.models import Q

from initiatives.models import Initiative

LIMIT = 5
_WORD = re.compile(r"\w{4,}", re.UNICODE)


def similar_initiatives(*, title: str, acronym: str = "", exclude_pk: int | None = None) -> list[Initiative]:
    title, acronym = (title or "").strip(), (acronym or "").strip()
    if not title and not acronym:
        return []
    published = Initiative.objects.published()
    if exclude_pk:
        published = published.exclude(pk=exclude_pk)
    same_acronym = Q(acronym__iexact=acronym) if acronym else Q(pk__in=[])
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import TrigramSimilarity

        condition = same_acronym
        if title:
            condition |= Q(title__trigram_similar=title)
        return list(
            published.filter(condition)
            .annotate(similarity=TrigramSimilarity("title", title or acronym))
            .order_by("-similarity", "-published_at")[:LIMIT]
        )
    # SQLite: candidates sharing a long word with the title, ranked by difflib's ratio.
    words = sorted(set(_WORD.findall(title.lower())), key=len, reverse=True)[:3]
    condition = same_acronym
    for word in words:
        condition |= Q(title__icontains=word)
    candidates = list(published.filter(condition)[:200])
    scored = []
    for initiative in candidates:
        ratio = difflib.SequenceMatcher(None, title.lower(), initiative.title.lower()).ratio()
        if ratio >= 0.5 or (acronym and initiative.acronym.lower() == acronym.lower()):
            scored.append((ratio, initiative))
    scored.sort(key=lambda pair: -pair[0])
    return [initiative for _ratio, initiative in scored[:LIMIT]]
