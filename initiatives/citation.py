"""How to cite a published initiative: one ``Citation`` built here feeds the detail page's "Cite this" reference,
its printed block, the "Share by e-mail" link and the RIS and BibTeX downloads for reference managers.

The reference follows the APA style for a web page (author, year, title, a description in brackets, the site, the
date it was retrieved and its address). Its author is the implementing organisation(s) of the initiative, else the
person who submitted it, else the portal. Everything is in the reader's language where a translation exists (the
title, the organisations' names, the dates), as on the page; the permalink is the page in that language.

The downloads (``/<lang>/initiatives/<slug>/cite.ris`` and ``cite.bib``) are cached like the detail page: per
path, language and day (the "retrieved" date) until the collection changes (``counts``), and an anonymous client
computing too many of them is refused like for pages (``throttle``).
"""

import dataclasses
import datetime
import re
from urllib.parse import quote

from django.conf import settings
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import get_text_list
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from modeltranslation.utils import get_language as reader_language

from . import counts, dependencies, throttle
from .models import Initiative, Involvement

# A summary line in the e-mail link, and the summary in a reference manager's record, are cut at these lengths.
MAILTO_SUMMARY_CHARS = 300
ABSTRACT_CHARS = 2000


@dataclasses.dataclass(frozen=True)
class Citation:
    """What a reference to one initiative says, in the reader's language."""

    authors: tuple[str, ...]
    title: str
    title_lang: str
    acronym: str
    summary: str
    site_name: str
    url: str
    published: datetime.date | None
    updated: datetime.date
    retrieved: datetime.date
    language: str
    slug: str
    keywords: tuple[str, ...]

    @property
    def year(self) -> str:
        # Translators: "no date", in a reference whose year is unknown (APA style "n.d.").
        return str(self.published.year) if self.published else _("n.d.")

    def author_text(self) -> str:
        # "A", "A & B", "A, B & C": the ampersand is how APA joins authors, whatever the language.
        return get_text_list(list(self.authors), "&")

    def _parts(self, escape_part) -> dict:
        return {
            "authors": escape_part(self.author_text().rstrip(".")),
            "year": escape_part(self.year),
            "site": escape_part(self.site_name),
            "date": escape_part(date_format(self.retrieved, "DATE_FORMAT")),
            "url": escape_part(self.url),
        }

    def reference_html(self) -> SafeString:
        """The reference for the page: the title in <cite> (with its language when it is not the page's), the
        address a link."""
        lang = format_html(' lang="{}"', self.title_lang) if self.title_lang != reader_language() else ""
        parts = self._parts(conditional_escape)
        parts["title"] = format_html('<cite dir="auto"{}>{}</cite>', lang, self.title)
        parts["url"] = format_html('<a href="{}">{}</a>', self.url, self.url)
        # The translated sentence is escaped too: only the parts above bring markup.
        return mark_safe(escape(reference_template()) % parts)

    def mailto_url(self) -> str:
        """A ``mailto:`` address (RFC 6068) whose subject is the title and whose body the summary's first line
        and the permalink, every character that is not unreserved percent-encoded (spaces as %20, not +)."""
        lines = [line.strip() for line in self.summary.splitlines() if line.strip()]
        first = lines[0] if lines else ""
        if len(first) > MAILTO_SUMMARY_CHARS:
            first = first[: MAILTO_SUMMARY_CHARS - 1].rstrip() + "…"
        body = "\r\n\r\n".join(part for part in (first, self.url) if part)
        return f"mailto:?subject={quote(self.title, safe='')}&body={quote(body, safe='')}"


def reference_template() -> str:
    # Translators: a reference in APA style. Keep the placeholders; "Good practice" describes what kind of
    # document is cited; %(date)s is the date the reader retrieved the page, %(url)s its address.
    return _("%(authors)s. (%(year)s). %(title)s [Good practice]. %(site)s. Retrieved %(date)s, from %(url)s")


def citation_for(initiative: Initiative, *, retrieved: datetime.date | None = None) -> Citation:
    """The citation of a saved, published initiative, read in the active language. Reads its involvements (with
    their organisations) and tags: prefetched by the detail page and the downloads, so no query of its own."""
    implementers = [
        str(involvement.organisation)
        for involvement in initiative.involvements.all()
        if involvement.role == Involvement.Role.IMPLEMENTER
    ]
    authors = implementers or [initiative.submitter_display or settings.SITE_NAME]
    title = initiative.text("title")
    published = timezone.localdate(initiative.published_at) if initiative.published_at else None
    return Citation(
        authors=tuple(dict.fromkeys(authors)),
        title=str(title),
        title_lang=title.lang,
        acronym=str(initiative.text("acronym")),
        summary=str(initiative.text("summary")),
        site_name=settings.SITE_NAME,
        url=f"{settings.SITE_URL}{initiative.get_absolute_url()}",
        published=published,
        updated=timezone.localdate(initiative.updated_at),
        retrieved=retrieved or timezone.localdate(),
        language=title.lang,
        slug=initiative.slug,
        keywords=tuple(sorted({tag.name for tag in initiative.tags.all()}, key=str.lower)),
    )


# RIS ---------------------------------------------------------------------------------------------------------------


def _one_line(text: str) -> str:
    """RIS and BibTeX fields are one line each: line breaks and other control characters become spaces."""
    return re.sub(r"\s+", " ", re.sub(r"[\x00-\x1f\x7f]", " ", text)).strip()


def to_ris(citation: Citation) -> str:
    """The RIS record (``TY  - ELEC`` … ``ER  -``) of an electronic source, lines ended by CRLF, in UTF-8."""
    lines = [("TY", "ELEC")]
    lines += [("AU", author) for author in citation.authors]
    lines += [("TI", citation.title)]
    if citation.acronym:
        lines.append(("ST", citation.acronym))
    lines += [("T2", citation.site_name), ("PB", citation.site_name)]
    if citation.published:
        lines += [("PY", str(citation.published.year)), ("DA", citation.published.strftime("%Y/%m/%d"))]
    lines += [
        ("Y2", citation.retrieved.strftime("%Y/%m/%d")),  # the date the page was accessed
        ("UR", citation.url),
        ("LA", citation.language),
        # Translators: the kind of document, in a reference manager's record.
        ("M3", _("Good practice")),
    ]
    lines += [("KW", keyword) for keyword in citation.keywords]
    if citation.summary:
        lines.append(("AB", citation.summary[:ABSTRACT_CHARS]))
    body = "".join(f"{tag}  - {_one_line(value)}\r\n" for tag, value in lines if _one_line(value))
    return body + "ER  - \r\n"


# BibTeX ------------------------------------------------------------------------------------------------------------

# LaTeX's special characters in a BibTeX value. Braces are escaped too, so that a title's unbalanced "{" cannot end
# the field; characters outside ASCII are kept as they are (biber and BibTeX with inputenc read UTF-8).
BIBTEX_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "#": r"\#",
    "$": r"\$",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_BIBTEX_SPECIAL = re.compile("[" + re.escape("".join(BIBTEX_ESCAPES)) + "]")


def bibtex_escape(text: str) -> str:
    return _BIBTEX_SPECIAL.sub(lambda match: BIBTEX_ESCAPES[match.group()], _one_line(text))


def bibtex_key(citation: Citation) -> str:
    """A key reference managers accept (ASCII letters, digits, hyphens): the slug and the year."""
    slug = re.sub(r"[^A-Za-z0-9-]+", "-", citation.slug).strip("-") or "initiative"
    return f"{slug}-{citation.published.year if citation.published else 'nd'}"


def to_bibtex(citation: Citation) -> str:
    """A ``@misc`` entry. Authors are organisations (or a name as typed): each is braced whole, so that BibTeX
    neither splits it into first and last names nor reads "and" inside it as a separator. The title is braced
    too, to keep its capitals."""
    fields = [("author", " and ".join("{" + bibtex_escape(author) + "}" for author in citation.authors))]
    fields.append(("title", "{" + bibtex_escape(citation.title) + "}"))
    if citation.acronym:
        fields.append(("shorttitle", bibtex_escape(citation.acronym)))
    if citation.published:
        fields += [("year", str(citation.published.year)), ("date", citation.published.isoformat())]
    fields += [
        ("howpublished", bibtex_escape(citation.site_name)),
        ("organization", bibtex_escape(citation.site_name)),
        ("url", citation.url),  # a permalink: the site's address and a slug, nothing to escape
        ("urldate", citation.retrieved.isoformat()),
        ("language", citation.language),
        ("note", bibtex_escape(_("Good practice"))),
    ]
    if citation.keywords:
        fields.append(("keywords", bibtex_escape(", ".join(citation.keywords))))
    if citation.summary:
        fields.append(("abstract", bibtex_escape(citation.summary[:ABSTRACT_CHARS])))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{bibtex_key(citation)},\n{body}\n}}\n"


# Downloads ---------------------------------------------------------------------------------------------------------

FORMATS = {
    "ris": (to_ris, "application/x-research-info-systems; charset=utf-8"),
    "bib": (to_bibtex, "application/x-bibtex; charset=utf-8"),
}


def citation_queryset():
    involvements = Involvement.objects.select_related("organisation")
    return Initiative.objects.published().prefetch_related("tags", Prefetch("involvements", queryset=involvements))


@require_safe
def download(request, slug: str, fmt: str):
    """The citation of a published initiative for reference managers, as a file to save (drafts: 404)."""
    render, content_type = FORMATS[fmt]
    # The file reads no parameter; it depends on the initiative, the language and the day (the "retrieved" date).
    parts = (request.path, get_language(), timezone.localdate().isoformat())
    body = counts.lookup("cite", parts).value
    if body is None:
        refused = throttle.refuse_page_computation(request)
        if refused is not None:
            return refused
        initiative = get_object_or_404(citation_queryset(), slug=slug)
        counts.depends_on([dependencies.initiative_key(initiative.pk)])
        body = render(citation_for(initiative))
        counts.store("cite", parts, body)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{slug}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
