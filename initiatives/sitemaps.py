"""The sitemap: an index (``/sitemap.xml``) of sections, one for the static pages, one per taxonomy and one for the
initiatives in pages of ``SITEMAP_PAGE_SIZE`` (``/sitemap-initiatives.xml?p=2``…).

A sitemap changes only when the collection does, so every section page (and the index) is cached whole under the
collection version (``counts``), like the feeds: a crawler's repeated requests make no query. Computing a page
afresh is cheap too: the initiatives' pages are read by primary-key range (``KeysetPaginator``), not by an
``OFFSET`` that walks every row before the page, and the index's last modification is one aggregate rather than a
pass over every initiative (``Sitemap.get_latest_lastmod``'s default).

Every page has a version per language (``/en/…``, ``/fr/…``…): each is listed with the others as its alternates and
the unprefixed address as ``x-default`` (``LanguageVersions``), what Django's ``i18n`` sitemaps write; theirs pages
a list of (item, language) pairs, which the keyset paging cannot read, so a section page holds the versions of
``SITEMAP_PAGE_SIZE`` pages (four entries each with four languages, well under the 50,000 a file may hold).
"""

from functools import wraps

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.core.paginator import Paginator
from django.db.models import Max
from django.http import HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.functional import cached_property

from . import counts, selectors
from .models import Initiative
from .taxonomies import TAXONOMIES


class KeysetPaginator(Paginator):
    """Pages of a queryset in primary-key order, each read from its first key on (``pk >= first … LIMIT``).

    The first key of every page, and the count, come from one query over the keys alone, cached under the
    collection version.
    """

    @cached_property
    def _bounds(self) -> tuple[int, list]:
        def compute():
            keys = list(self.object_list.order_by("pk").values_list("pk", flat=True))
            return len(keys), keys[:: self.per_page]

        return counts.cached("keyset-pages", (*counts.queryset_key(self.object_list), self.per_page), compute)

    @cached_property
    def count(self) -> int:
        return self._bounds[0]

    def page(self, number):
        number = self.validate_number(number)
        rows = self.object_list.order_by("pk")
        starts = self._bounds[1]
        if starts:
            rows = rows.filter(pk__gte=starts[number - 1])
        return self._get_page(rows[: self.per_page], number, self)


class LanguageVersions:
    """A sitemap whose items' pages are listed in every language, each version naming all of them (``hreflang``)
    and the unprefixed address as ``x-default``. The locations do not depend on the request's language."""

    def get_urls(self, page=1, site=None, protocol=None):
        protocol, domain = self.get_protocol(protocol), self.get_domain(site)
        codes = [code for code, _name in settings.LANGUAGES]
        urls, lastmods = [], []
        for item in self.paginator.page(page).object_list:
            versions = {}
            for code in codes:
                with translation.override(code):
                    versions[code] = f"{protocol}://{domain}{self.location(item)}"
            default = versions[settings.LANGUAGE_CODE]
            alternates = [{"location": location, "lang_code": code} for code, location in versions.items()]
            alternates.append(
                {"location": default.replace(f"/{settings.LANGUAGE_CODE}/", "/", 1), "lang_code": "x-default"}
            )
            lastmod = self._get("lastmod", item)
            lastmods.append(lastmod)
            priority = self._get("priority", item)
            entry = {
                "item": item,
                "lastmod": lastmod,
                "changefreq": self._get("changefreq", item),
                "priority": str(priority if priority is not None else ""),
                "alternates": alternates,
            }
            urls += [{**entry, "location": versions[code]} for code in codes]
        if lastmods and None not in lastmods:
            self.latest_lastmod = max(lastmods)
        return urls


class InitiativeSitemap(LanguageVersions, Sitemap):
    changefreq = "monthly"
    priority = 0.8

    @property
    def limit(self) -> int:
        return settings.SITEMAP_PAGE_SIZE

    @property
    def paginator(self):
        return KeysetPaginator(self.items(), self.limit)

    def items(self):
        return Initiative.objects.published().only("slug", "updated_at")

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        return self.items().aggregate(latest=Max("updated_at"))["latest"]


class TermSitemap(LanguageVersions, Sitemap):
    """The term pages of one taxonomy that some published initiative is filed under."""

    changefreq = "weekly"

    def __init__(self, taxonomy):
        self.taxonomy = taxonomy
        self.priority = taxonomy.sitemap_priority

    def items(self):
        lookup = self.taxonomy.lookup
        return selectors.terms_in_use(self.taxonomy.name).only("pk", lookup).order_by(lookup)

    def location(self, item):
        return reverse(f"initiatives:{self.taxonomy.name}", args=[getattr(item, self.taxonomy.lookup)])


class StaticSitemap(LanguageVersions, Sitemap):
    priority = 0.6

    def items(self):
        return ["initiatives:home", "initiatives:list", *(t.index_url_name for t in TAXONOMIES)]

    def location(self, item):
        return reverse(item)


sitemaps = {
    "pages": StaticSitemap,
    "initiatives": InitiativeSitemap,
    **{taxonomy.plural: TermSitemap(taxonomy) for taxonomy in TAXONOMIES},
}


def _cached(view):
    """``view``'s answer, cached under the collection version, the address and, for a section, the page (only an
    integer ``p``: other values answer 404, and the index ignores it, so a query string cannot fill the cache)."""

    @wraps(view)
    def cached_view(request, **kwargs):
        page = 0
        if "section" in kwargs:
            try:
                page = int(request.GET.get("p", "1"))
            except ValueError:
                page = None  # the view answers 404; nothing to cache
        parts = (request.scheme, request.get_host(), view.__name__, kwargs.get("section"), page)
        body = counts.lookup("sitemap", parts).value if page is not None else None
        if body is None:
            counts.depends_on([counts.COLLECTION])  # every published initiative and term, with its date
            response = view(request, sitemaps=sitemaps, sitemap_url_name="sitemap-section", **kwargs)
            body = response.render().content.decode()
            if page is not None:
                counts.store("sitemap", parts, body)
        response = HttpResponse(body, content_type="application/xml")
        response["X-Robots-Tag"] = "noindex, noodp, noarchive"
        return response

    return cached_view


@_cached
def index(request, *, sitemaps, sitemap_url_name):
    return sitemap_views.index(request, sitemaps, sitemap_url_name=sitemap_url_name)


@_cached
def section(request, *, sitemaps, sitemap_url_name, section):
    return sitemap_views.sitemap(request, sitemaps, section=section)
