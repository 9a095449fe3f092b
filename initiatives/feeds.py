"""RSS 2.0 and Atom 1.0 feeds of the listing (with any of its query strings) and of every term page.

Rows come from the listing's one definition (``listing.Listing``), so a feed shows what the same query string shows
on the page, newest first; its links (to itself, the listing, the other format, the subscription) are the Listing's.

Caching: a feed only changes when what it reads does: its rows lie within its term (a term's feed) or the terms of
one of its filters, else anywhere in the collection (``Listing.keys``). The rendered body is cached under the
versions of those keys (``counts``) and the feed's address in key form (``listing.cache_query``, page and sort left
out; a feed with parameters or values it does not understand is not kept), so a repeated request makes no query, a
publication under another term leaves a term's feed warm, and a computed one counts against the anonymous client's
limit (``initiatives/throttle.py``). The ETag is a digest of the body, kept with it: a publish that changes a feed
changes its ETag, one that does not (another term's) leaves it, and readers polling an unchanged feed get a 304.
Last-Modified is when the feed was first computed after its keys last moved, a second later at least than the
copy it replaces (If-None-Match, which readers send with it, takes precedence). The headers for shared caches
(Cache-Control, Surrogate-Key) are set by ``initiatives.http_cache``.
Nothing of one request is kept on the Feed instance, which every request (and thread) shares: ``get_object``
returns a ``FeedSource`` that the other methods read.

Browsers show a feed served as ``application/rss+xml`` or ``application/atom+xml`` as plain text, and are dropping
XSLT (Chromium announces its removal on every page made by it). So every feed address negotiates: a request that
prefers ``text/html`` over the feed's type (a browser navigating) gets a page about the feed, rendered by Django in
the site's layout (``initiatives/feed_page.html``: what it is, its filters, its latest items, its address to copy
into a feed reader, the e-mail subscription); feed readers (their feed types, ``application/xml``, ``*/*`` or no
Accept at all) get the XML. Both answers say ``Vary: Accept``, are cached under keys that name the representation,
and have ETags that differ, so that neither is ever served, nor answered 304, for the other. The page is cached,
like the listing's pages, only for anonymous visitors with no message waiting (its header names a logged-in person)
and carries no Last-Modified (logging in changes it while the collection does not).
"""

import datetime
import hashlib
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.messages import get_messages
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.html import escape, format_html, linebreaks
from django.utils.http import http_date
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from . import counts, sections, selectors, throttle
from .listing import PRESENTATION, Listing, cache_query
from .models import Attachment, Region, Theme

FEED_ITEMS = 50
PAGE_ITEMS = 20  # the latest items the page about a feed lists
PAGE_SUMMARY_WORDS = 40
PAGE_CONTENT_TYPE = "text/html; charset=utf-8"
# (modeltranslation's only() adds every language's column of title and summary: Initiative.text() reads them.)
ITEM_FIELDS = (
    "title",
    "language",
    "slug",
    "summary",
    "published_at",
    "updated_at",
    "submitter_honorific",
    "submitter_name",
    *sections.FIELDS,  # the record's sections, in the item's content (issue 13)
)

# Characters XML 1.0 cannot carry (the feed generator refuses them): never let one stored by accident break a feed.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value) -> str:
    return _NOT_XML.sub("", str(value))


def sections_html(item) -> str:
    """The sections of the record an item has, each under its heading, cut to ``sections.FEED_LENGTH`` characters
    (the item links to the whole record), for its description (issue 13)."""
    return "".join(
        format_html(
            "<h3>{}</h3><div{}>{}</div>",
            section.heading,
            text.lang_attribute,
            linebreaks(escape(Truncator(text).chars(sections.FEED_LENGTH))),
        )
        for section, text in sections.written(item)
    )


class _LatestPostDateMixin:
    """An empty feed is dated when the collection last changed, not "now" (which would change on every render)."""

    def latest_post_date(self):
        if not any(item.get("updateddate") or item.get("pubdate") for item in self.items):
            return self.feed["empty_updated"]
        return super().latest_post_date()


class RssFeed(_LatestPostDateMixin, Rss201rev2Feed):
    """RSS 2.0."""


class AtomFeed(_LatestPostDateMixin, Atom1Feed):
    """Atom 1.0."""


@dataclass
class FeedSource:
    """What one request's feed is built from (never kept on the shared Feed instance: requests run in threads)."""

    request: object
    term: object | None
    listing: Listing
    modified: datetime.datetime | None = None  # when the collection last changed (dates an empty feed)


class InitiativeFeed(Feed):
    """The initiatives of a listing (with its query string) or of a term, newest first, as RSS 2.0."""

    feed_type = RssFeed
    model = None  # set for term feeds
    facet = None
    lookup = "slug"

    def __call__(self, request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        page = self.wants_page(request)
        counts.cacheable("html" if page else "feed")
        query = cache_query(request.GET, unread=PRESENTATION)  # a feed has one page, newest first
        url = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
        # The items' text is in the reader's language (Initiative.text()): one body per language, and per
        # representation (the feed's XML, or the page about it).
        language = translation.get_language()
        representation = "page" if page else self.feed_type.__name__
        parts = (representation, language, url)
        # The page names a logged-in person in its header, and shows the messages waiting: only anonymous visitors
        # with none share it.
        shared = query is not None and (not page or _anonymous_without_messages(request))
        found = counts.lookup("feed", parts) if shared else None
        cached = found.value if found is not None else None
        if cached is None:
            refused = throttle.refuse_page_computation(request)
            if refused is not None:
                return refused
            modified = int(time.time())
            previous = found.previous if found is not None else None
            if isinstance(previous, tuple) and len(previous) == 3:
                modified = max(modified, previous[2] + 1)  # never the date of the copy it replaces
            # Rendered before any 304 is considered, so that an unknown term is a 404 whatever the request says.
            render = self.render_page if page else self.render
            body, canonical = render(request, modified=modified, **kwargs)
            cached = (body, _digest(body), modified)
            if shared and canonical:  # only the feed of an address in normal form is kept
                counts.store("feed", parts, cached)
        body, content_digest, modified = cached

        etag = f'"{content_digest}-{"html" if page else "feed"}"'
        # The page has no Last-Modified: an If-Modified-Since must not keep a page made before a log-in.
        response = get_conditional_response(request, etag=etag, last_modified=None if page else modified)
        if response is None:
            response = HttpResponse(body, content_type=PAGE_CONTENT_TYPE if page else self.feed_type.content_type)
        response.headers["ETag"] = etag
        if not page:
            response.headers["Last-Modified"] = http_date(modified)
        patch_vary_headers(response, ["Accept"])
        if page and not shared:
            patch_cache_control(response, private=True)
        return response

    def wants_page(self, request) -> bool:
        """Whether the request prefers HTML to this feed's type: a browser navigating to the feed's address.

        ``*/*`` or no Accept (most feed readers), ``application/xml`` and the feed types all get the XML.
        """
        feed_type = self.feed_type.content_type.split(";")[0]
        return request.get_preferred_type([feed_type, "text/html"]) == "text/html"

    def render(self, request, *, modified: int, **kwargs) -> tuple[bytes, bool]:
        """The feed, and whether its filters understood every value they were given (else it is not cached)."""
        source = self.get_object(request, **kwargs)
        source.modified = datetime.datetime.fromtimestamp(modified, tz=datetime.UTC)
        body = self.get_feed(source, request).writeString("utf-8").encode()
        return body, source.listing.understood

    def render_page(self, request, *, modified: int, **kwargs) -> tuple[bytes, bool]:
        """The page about the feed (for a browser), and whether its filters understood everything they were given."""
        source = self.get_object(request, **kwargs)
        source.modified = datetime.datetime.fromtimestamp(modified, tz=datetime.UTC)
        listing = source.listing
        rss, atom = listing.feed_url(), listing.feed_url(atom=True)
        here = atom if issubclass(self.feed_type, Atom1Feed) else rss
        items = list(self.items(source)[:PAGE_ITEMS])
        for item in items:
            item.page_categories = [*item.feed_themes, *item.feed_regions]
        context = {
            "feed_title": self.title(source),
            "feed_name": str(source.term) if source.term is not None else _("Initiatives"),
            "term": source.term,
            "description": self.description(source),
            "chips": listing.chips,
            "items": items,
            "is_atom": here == atom,
            "feed_address": request.build_absolute_uri(here),
            "rss_url": rss,
            "atom_url": atom,
            "listing_url": listing.page_url,
            # The e-mail subscription follows the term too (as the term page's "Subscribe" link does).
            "subscribe_url": listing.subscribe_url,
            "summary_words": PAGE_SUMMARY_WORDS,
        }
        body = render_to_string("initiatives/feed_page.html", context, request=request).encode()
        return body, listing.understood

    def get_object(self, request, **kwargs):
        term = None
        if self.model is not None:
            term = get_object_or_404(selectors.public_terms(self.facet), **{self.lookup: kwargs[self.lookup].lower()})
        listing = Listing(request.GET, facet=self.facet, term=term, sort="newest")
        listing.depends_on()
        return FeedSource(request=request, term=term, listing=listing)

    # --- the feed ----------------------------------------------------------------------------

    def title(self, source):
        name = str(source.term) if source.term is not None else str(_("Initiatives"))
        filters = ", ".join(str(chip.text) for chip in source.listing.chips)
        if filters:
            # Translators: a feed's title: what it follows, then the filters applied, e.g. "Africa (Remittances)".
            name = _("%(name)s (%(filters)s)") % {"name": name, "filters": filters}
        # Translators: a feed's title: what it follows, then the site's name.
        return xml_text(_("%(name)s – %(site_name)s") % {"name": name, "site_name": settings.SITE_NAME})

    def link(self, source):
        """The page that shows the same initiatives, with the same filters."""
        return source.listing.page_url

    def feed_url(self, source):
        # The feed's own address in the link form, as every link to it is: the body is cached under the key form
        # of the address asked for, which "?page=2&theme=B" shares with "?theme=b" (the address asked for would be
        # served to the other).
        return source.listing.feed_url(atom=issubclass(self.feed_type, Atom1Feed))

    def feed_guid(self, source):
        # The feed's canonical address on the public site, whatever host, parameter order or spelling it was asked
        # with.
        return f"{settings.SITE_URL}{source.listing.feed_url(atom=issubclass(self.feed_type, Atom1Feed))}"

    def description(self, source):
        if source.term is not None:
            return xml_text(_("Initiatives filed under %(term)s.") % {"term": source.term})
        return _("Newly published initiatives on migration governance.")

    def author_name(self, source):
        # Atom needs an author for the feed when some entries have none.
        return settings.SITE_NAME

    def author_link(self, source):
        return f"{settings.SITE_URL}/"

    def feed_extra_kwargs(self, source):
        return {"empty_updated": source.modified}

    def items(self, source):
        # Only what an item shows (the page about the feed links its terms: their slugs): no description or search
        # vector (the widest columns), no category.
        rows = source.listing.rows.only(*ITEM_FIELDS).prefetch_related(
            Prefetch("themes", queryset=Theme.objects.only("name", "number", "slug"), to_attr="feed_themes"),
            Prefetch("regions", queryset=Region.objects.only("name", "slug"), to_attr="feed_regions"),
            # issue 13, files: the image, as the item's enclosure
            Prefetch("attachments", queryset=Attachment.objects.filter(kind="image"), to_attr="feed_images"),
        )
        # A term's or a filter's newest, from each process's copy of the listing's order, then read by their ids:
        # in SQL, PostgreSQL walked the collection's date index newest first, testing each initiative, until 50
        # matched (a small country's feed at a million: 16,000 initiatives, 60,000 buffers, 50-400 ms). The whole
        # collection's newest are the index's first rows: read in SQL.
        in_order = source.listing.filterset.ids_in_order() if source.term is not None or source.listing.chips else None
        ids = in_order(0, FEED_ITEMS) if in_order is not None else None
        if ids is None:
            return rows[:FEED_ITEMS]
        return selectors.in_order_of(rows, ids)

    # --- its items ---------------------------------------------------------------------------

    def item_title(self, item):
        return xml_text(item.text("title"))

    def item_description(self, item):
        # Feed readers read the description as HTML: the plain-text summary (and sections) are escaped first.
        return xml_text(linebreaks(escape(item.text("summary"))) + sections_html(item))

    def item_guid(self, item):
        # Stable whatever is edited later: the primary key never changes.
        return f"{settings.SITE_URL}/initiatives/id/{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return max(item.updated_at, item.published_at)

    def item_author_name(self, item):
        return xml_text(item.submitter_display) or None

    def item_categories(self, item):
        return [xml_text(term) for term in [*item.feed_themes, *item.feed_regions]]

    def item_enclosures(self, item):  # issue 13, files: the first image (RSS allows one enclosure)
        return [
            Enclosure(f"{settings.SITE_URL}{image.get_absolute_url()}", str(image.size), image.content_type)
            for image in item.feed_images[:1]
        ]


class AtomInitiativeFeed(InitiativeFeed):
    """The same items as Atom 1.0."""

    feed_type = AtomFeed

    def subtitle(self, source):
        return self.description(source)


def term_feed(*, model, facet: str, lookup: str, atom: bool = False) -> InitiativeFeed:
    """The feed of one kind of term page, e.g. ``/regions/<slug>/feed/`` (RSS) or ``…/feed/atom/``."""
    base = AtomInitiativeFeed if atom else InitiativeFeed
    name = f"{model.__name__}{'Atom' if atom else ''}Feed"
    return type(name, (base,), {"model": model, "facet": facet, "lookup": lookup})()


def _anonymous_without_messages(request) -> bool:
    return not request.user.is_authenticated and not len(get_messages(request))


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()
