import copy
import datetime
import math
from functools import partial

from django.conf import settings
from django.contrib.messages import get_messages
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.template.response import SimpleTemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, ListView, TemplateView

from . import (
    counts,
    dependencies,
    estimates,
    facet_bitmaps,
    facet_counts,
    facet_terms,
    presentation,
    search,
    selectors,
    throttle,
)
from .filters import InitiativeFilter
from .listing import Listing, cache_query
from .models import (
    Category,
    Country,
    FacetMembership,
    Initiative,
    Involvement,
    Region,
    RelatedInitiative,
    SdgGoal,
    SdgTarget,
    Theme,
    format_partial_date,
)
from .taxonomies import Taxonomy


class CachedForVisitorsMixin:
    """Pages that show the collection alone are cached whole for anonymous visitors, like the feeds.

    What such a page shows depends on its address (path and the query string, in the normal form of
    ``page_cache_query``), the language, the day (the "ongoing" and "completed" filters) and the part of the
    collection it reads: the dependency keys its views and cached counts name (``dependencies.py``), whose versions
    (``counts``) move with every change to what they name. So the page rendered for one anonymous visitor is served
    to the next ones until one of its keys moves; the body is cached, the response and its headers are made again by
    the middleware on every request (``http_cache``: with its keys as Surrogate-Key, public for anonymous visitors).
    Logged-in people (their name, the moderation link, a CSRF token) and visitors with a message waiting get a page
    rendered for them.

    Only the page of an address in normal form is stored: parameters the page does not read, or values it ignored,
    would otherwise each add a copy of the page to the shared cache. Each page an anonymous visitor makes the portal
    compute counts against their limit (``initiatives/throttle.py``); pages served from the cache do not.
    """

    def page_cache_query(self) -> str | None:
        """The query string in the form the page is cached under; None when the page is not to be cached. These
        pages read no parameter: one with any is answered, never stored."""
        return None if self.request.GET else ""

    def page_is_canonical(self) -> bool:
        """Checked once the page is built: whether it is the page of ``page_cache_query`` (nothing was ignored)."""
        return True

    def dispatch(self, request, *args, **kwargs):
        counts.cacheable("html")
        if request.method not in ("GET", "HEAD") or request.user.is_authenticated or len(get_messages(request)):
            return super().dispatch(request, *args, **kwargs)
        query = self.page_cache_query()
        parts = (request.path, query, get_language(), timezone.localdate().isoformat())
        found = counts.lookup("html", parts) if query is not None else None
        if found is not None and found.value is not None:
            return HttpResponse(found.value)
        refused = throttle.refuse_page_computation(request)
        if refused is not None:
            return refused
        response = super().dispatch(request, *args, **kwargs)
        if query is not None and response.status_code == 200 and isinstance(response, SimpleTemplateResponse):

            def store(rendered):
                # A page that used this response's CSP nonce (an inline script) cannot be served again: the next
                # response's policy names another nonce.
                if not getattr(request, "_csp_nonce", None) and self.page_is_canonical():
                    counts.store("html", parts, rendered.content.decode(rendered.charset))

            response.add_post_render_callback(store)
        return response


class HomeView(CachedForVisitorsMixin, TemplateView):
    template_name = "initiatives/home.html"

    def get_context_data(self, **kwargs):
        counts.depends_on([counts.COLLECTION])  # the latest and featured initiatives, every count
        published = Initiative.objects.published()
        facets = ("region", "theme", "category")
        # The total and each taxonomy's counts in one cache round trip (after a publication, one write of them all).
        total, *per_term = counts.cached_many([("total", (), published.count), *map(_term_counts_item, facets)])
        regions, themes, categories = (
            _with_counts(model, found) for model, found in zip((Region, Theme, Category), per_term, strict=True)
        )
        return super().get_context_data(
            total=total,
            regions=[region for region in regions if region.level == Region.Level.REGION],
            themes=themes,
            categories=categories,
            featured=list(
                presentation.for_cards(published.filter(featured=True)).order_by(
                    "featured_order", "-published_at", "-pk"
                )[:3]
            ),
            latest=list(presentation.for_cards(published).newest_first()[:6]),
            world_map=_home_map(),
            **kwargs,
        )


def _home_map():
    """The map of every published initiative (issue 14), from the listing's cached facet counts."""
    from .insights import build  # insights' page is built on this module's page cache

    return build(Listing(QueryDict()).filterset, with_charts=False)


def _with_counts(model, found: dict[int, int]) -> list:
    """The terms of ``model`` that have published initiatives (``found``: term pk → number), in the model's order,
    each with its number (``n``). Copies of each process's terms (``facet_terms``): no query."""
    with_n = []
    for term in facet_terms.terms(model, {pk for pk, n in found.items() if n}):
        term = copy.copy(term)  # the process's copy is shared by every request: its own attribute on a copy
        term.n = found[term.pk]
        with_n.append(term)
    return with_n


def _term_counts_item(facet: str) -> tuple:
    """The ``counts.cached_many`` item of ``term_counts(facet)``."""
    return ("terms", (facet,), partial(facet_counts.totals, facet))  # issue 15: kept totals


def term_counts(facet: str) -> dict[int, int]:
    """Published initiatives per term of one taxonomy (regions count everything they cover); cached."""
    return counts.cached_many([_term_counts_item(facet)])[0]


def region_counts() -> dict[int, int]:
    return term_counts("region")


class InitiativeListView(CachedForVisitorsMixin, ListView):
    """The listing: every filter in the URL, facets with counts, sorting, pagination."""

    template_name = "initiatives/initiative_list.html"
    context_object_name = "initiatives"
    facet: str | None = None  # set on term pages: the facet fixed by the URL

    def get_term(self):
        return None

    def get_queryset(self):
        self.term = self.get_term()
        self.listing = Listing(self.request.GET, facet=self.facet, term=self.term)
        self.filterset = self.listing.filterset
        self.listing.depends_on(suggestion=True)
        return presentation.for_cards(self.listing.rows)

    def page_cache_query(self) -> str | None:
        return cache_query(self.request.GET)

    def page_is_canonical(self) -> bool:
        # A page number past the last, or not a number, shows another page than the one asked for.
        asked = self.request.GET.get(self.page_kwarg, "").strip() or "1"
        return self.listing.understood and asked == str(self.page_number)

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size, allow_empty_first_page=True)
        # get_page() turns "abc" into the first page and 999999 into the last: never an error page.
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        self.page_number = page.number
        return paginator, page, page.object_list, page.has_other_pages()

    def get_paginator(self, queryset, per_page, **kwargs):
        # A search ordered by relevance ranks every match to find a page: its pages' ids are cached too.
        ranked = self.filterset.query and self.filterset.active_sort == "relevance"
        keys = self.listing.keys
        if not self.filterset.query:
            found = self.filterset.result_ids()
            if found is not None:
                # Facets and years: the bitmaps know the results (their number is the total). Newest or oldest
                # first, a page of them is found in each process's copy of the listing's order (listing_order.py):
                # else PostgreSQL walks the order's index until the page's rows, testing each initiative it passes
                # (seconds for a rare combination, or a deep page, at a million). In another order, a few are put
                # in order from their ids (one query), more walked in SQL.
                in_order = self.filterset.ids_in_order()
                few = in_order is None and len(found) <= few_results(self.filterset.collection_size())
                return counts.CachedCountPaginator(
                    queryset,
                    per_page,
                    keys=keys,
                    total=len(found),
                    among=list(found) if few else None,
                    in_order=in_order,
                    **kwargs,
                )
            # The whole collection (or another filter): its first page is the order's index read for 20 rows; a
            # page past it is found in the copy of the order too, where it has one.
            in_order = self.filterset.ids_in_order()
            return counts.CachedCountPaginator(
                queryset,
                per_page,
                cache_rows=bool(ranked),
                keys=keys,
                counter=self.filterset.counter(),
                in_order=(lambda bottom, top: in_order(bottom, top) if bottom else None) if in_order else None,
                **kwargs,
            )
        # A search: its size is exact up to SEARCH_EXACT_LIMIT, else "about" (estimates.py), and a broad one is ranked
        # among its best title matches only.
        size = counts.cached("search-size", counts.queryset_key(queryset), self.filterset.search_size, keys)
        bounded = None
        if ranked and not size.exact:
            within = self.filterset.search_within()
            bounded = estimates.ranked_page_ids(
                queryset, self.filterset.query, within=within, newest=self.filterset.newest_within
            )
        # Every result's id, when they were read to count them exactly: a page then ranks (or sorts) only those.
        among = self.filterset.search_ids() if size.exact else None
        paginator = counts.CachedCountPaginator(
            queryset,
            per_page,
            cache_rows=bool(ranked) and among is None,
            keys=keys,
            total=size.n,
            page_ids=bounded,
            among=among,
            **kwargs,
        )
        paginator.approximate = not size.exact
        return paginator

    def get_paginate_by(self, queryset):
        return settings.INITIATIVES_PAGE_SIZE

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page_objects = list(context["page_obj"].object_list)
        filterset = self.filterset
        listing = self.listing
        chips = listing.chips
        context.update(
            listing=listing,
            filterset=filterset,
            term=self.term,
            facet_name=self.facet,
            initiatives=page_objects,
            snippets=search.snippets(page_objects, filterset.query),
            facets=filterset.facets(),
            chips=chips,
            # The filters panel's control counts what it holds: every active filter but the search.
            active_filter_count=sum(1 for chip in chips if chip.param != "q"),
            page_numbers=page_numbers(context["page_obj"]),
            ignored=filterset.ignored_parameters,
            query=filterset.query,
            query_shortened=filterset.query_shortened,
            search_limits={"words": search.MAX_WORDS, "alternatives": search.MAX_ALTERNATIVES},
            sort=filterset.active_sort,
            sorts=[
                (key, label) for key, label in InitiativeFilter.SORTS.items() if key != "relevance" or filterset.query
            ],
            statuses=InitiativeFilter.STATUSES,
            year_fields=[
                (filterset.form["year_from"], _("From")),
                (filterset.form["year_to"], _("Until")),
            ],
            suggestion=search.suggest(filterset.query),
            feed_url=listing.feed_url(),
            atom_feed_url=listing.feed_url(atom=True),
            feed_title=str(self.term) if self.term is not None else _("Initiatives"),
            subscribe_url=listing.subscribe_url,
            **listing.export_urls(total=context["paginator"].count),
        )
        return context


# A listing of facets and years with at most few_results(n) results orders them from their ids (get_paginator).
FEW_RESULTS_FACTOR = 70


def few_results(collection_size: int) -> int:
    """Up to how many results a listing of facets and years orders from their ids rather than by walking the
    collection in the listing's order until a page of them is found: √(70 × the collection's size), about 2,600 at
    100,000 and 8,400 at a million. Ordering k ids fetches k rows; the walk reads about page × n / k of the n rows
    (the results spread through the collection), so the ids pay off below a multiple of √n; 70 is what
    ``make bench`` measured at 100,000 and a million (bench/README.md, "the few-results path")."""
    return math.isqrt(FEW_RESULTS_FACTOR * collection_size)


def page_numbers(page) -> list[int | None]:
    """The page numbers the pagination links to: the first and last, two either side of this page, and a gap
    (None) for each run left out: 1 … 4 5 [6] 7 8 … 40."""
    if not page.has_other_pages():
        return []
    elided = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    return [number if isinstance(number, int) else None for number in elided]


class TermInitiativesView(InitiativeListView):
    """A term's page: its name and description, its initiatives with the listing's filters."""

    template_name = "initiatives/term_detail.html"
    taxonomy: Taxonomy | None = None

    @property
    def facet(self) -> str:
        return self.taxonomy.name

    @property
    def lookup(self) -> str:
        return self.taxonomy.lookup

    def get_term(self):
        return get_object_or_404(selectors.public_terms(self.facet), **{self.lookup: self.kwargs[self.lookup]})

    def get(self, request, *args, **kwargs):
        if self.lookup == "code" and kwargs["code"] != kwargs["code"].lower():
            return redirect("initiatives:country", code=kwargs["code"].lower(), permanent=True)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        term = self.term
        if isinstance(term, Region):
            context["ancestors"] = list(reversed(term.ancestors()))
            context.update(place_navigation(term))
        if isinstance(term, Country) and term.region_id:
            context["ancestors"] = list(reversed([term.region, *term.region.ancestors()]))
        context.update(profile_context(term))  # issue 13 (orgs)
        return context


def place_navigation(region: Region) -> dict:
    """A region page's way down: its sub-regions and all its countries, each with its number of published
    initiatives (``n``), cached (one cache read for both); countries no initiative covers yet are listed apart
    (``quiet_countries``).

    The numbers are the kept per-term totals (``facet_counts``: one query). Whatever has one of the region's
    sub-regions or countries covers the region too, so those totals only move when an initiative covering the region
    changes: they depend on the region's key alone (a publication elsewhere leaves the page warm)."""
    children = list(region.children.all())
    # Its countries at any depth (the M49 tree has three levels): one query.
    within = Q(region=region) | Q(region__parent=region) | Q(region__parent__parent=region)
    countries = list(Country.objects.filter(within))
    wanted = [("region", children), ("country", countries)]
    keys = {dependencies.term_key("region", region.pk)}
    found = counts.cached_many(
        [
            ("place-terms", (facet, region.pk), partial(facet_counts.totals, facet), keys)
            for facet, terms in wanted
            if terms
        ]
    )
    by_facet = dict(zip([facet for facet, terms in wanted if terms], found, strict=True))
    for facet, terms in wanted:
        for term in terms:
            term.n = by_facet.get(facet, {}).get(term.pk, 0)
    return {
        "children": children,
        "member_countries": countries,
        "active_countries": [country for country in countries if country.n],
        "quiet_countries": [country for country in countries if not country.n],
    }


# --- issue 13: organisation profiles, partner countries (orgs) ---

# How many of the initiatives with a partner from a country its page lists; the rest are a link away.
PARTNER_LIST_SIZE = 10


def profile_context(term) -> dict:
    """What an organisation's page (its profile, its roles) and a country's page (the initiatives its
    organisations take part in) show besides the listing: three queries on a country page, one on an
    organisation's."""
    from .models import Organisation

    if isinstance(term, Country):
        counts.depends_on([dependencies.partner_key(term.pk)])
        partners = selectors.partner_initiatives(term)
        return {
            "partner_count": partners.count(),
            "partner_initiatives": list(partners[:PARTNER_LIST_SIZE]),
            "partner_list_url": f"{reverse('initiatives:list')}?{urlencode({'partner_country': term.code})}",
        }
    if isinstance(term, Organisation):
        return {"organisation_roles": selectors.organisation_roles(term)}
    return {}


class InitiativeDetailView(CachedForVisitorsMixin, DetailView):
    template_name = "initiatives/initiative_detail.html"
    context_object_name = "initiative"

    def get_queryset(self):
        return (
            Initiative.objects.published()
            .select_related("category")
            .prefetch_related(
                "themes", "principles", "regions", "countries", "tags", "links", "involvements__organisation"
            )
            .prefetch_related(*SDG_PREFETCH)  # issue 13
            .prefetch_related("attachments")  # issue 13, files
            .annotate(has_related=Exists(RelatedInitiative.objects.filter(initiative=OuterRef("pk"))))  # issue 14
        )

    def get_context_data(self, **kwargs):
        initiative = self.object
        counts.depends_on([dependencies.initiative_key(initiative.pk)])
        return super().get_context_data(
            **stored_detail_context(initiative),
            related=related_initiatives(initiative),
            json_ld=initiative_json_ld(initiative, self.request),
            original_language=presentation.original_language_note(initiative),
            versions=presentation.other_versions(initiative),
            **kwargs,
        )


def stored_detail_context(initiative) -> dict:
    """``detail_context`` of a saved initiative, its terms, tags, links and organisations read from the database."""
    return detail_context(
        initiative,
        themes=initiative.themes.all(),
        principles=initiative.principles.all(),
        regions=initiative.regions.all(),
        countries=initiative.countries.all(),
        tags=initiative.tags.all(),
        links=initiative.links.all(),
        involvements=initiative.involvements.all(),
        sdg_goals=initiative.sdg_goals.all(),
        sdg_targets=initiative.sdg_targets.all(),
    ) | attachment_context(initiative.attachments.all())


# --- issue 13, files -------------------------------------------------------------------------------------------


def attachment_context(items) -> dict:
    """The images and documents the detail page (or a preview) shows, from attachments or a proposal's files."""
    items = list(items)
    return {
        "attached_images": [item for item in items if item.is_image],
        "attached_documents": [item for item in items if not item.is_image],
    }


# --- issue 13: the Sustainable Development Goals of an initiative on its page ---------------------------------
SDG_PREFETCH = ("sdg_goals", Prefetch("sdg_targets", queryset=SdgTarget.objects.select_related("goal")))


def sdgs_display(goals, targets) -> list[tuple]:
    """(goal, its targets) for the goals named and the goals of the targets named, in the official order."""
    by_goal: dict = {goal: [] for goal in goals}
    for target in targets:
        by_goal.setdefault(target.goal, []).append(target)
    return sorted(
        ((goal, sorted(chosen, key=lambda t: t.position)) for goal, chosen in by_goal.items()),
        key=lambda pair: pair[0].number,
    )


def detail_context(
    initiative, *, themes, principles, regions, countries, tags, links, involvements, sdg_goals=(), sdg_targets=()
) -> dict:
    """What the detail template shows besides the initiative itself (also used for previews)."""
    role_order = list(Involvement.Role.values)
    by_role: dict[str, list] = {}
    for involvement in sorted(involvements, key=lambda i: role_order.index(i.role)):
        by_role.setdefault(involvement.get_role_display(), []).append(involvement)
    return {
        "initiative": initiative,
        "themes": list(themes),
        "principles": list(principles),
        "regions": list(regions),
        "countries": list(countries),
        "tags": sorted(tags, key=lambda t: t.name.lower()),
        "links": list(links),
        "organisations_by_role": list(by_role.items()),
        "period": period_display(initiative),
        "sdgs": sdgs_display(sdg_goals, sdg_targets),  # issue 13
    }


def period_display(initiative: Initiative) -> str:
    """ "2019 – 2025", "Since 2010 (ongoing)", "June 2019 – 2023" … only as precise as what is known."""
    start = format_partial_date(initiative.start_date, initiative.start_precision)
    end = format_partial_date(initiative.end_date, initiative.end_precision)
    if start and end:
        # Translators: a period from one date to another, e.g. "June 2019 – 2023".
        return start if start == end else _("%(start)s – %(end)s") % {"start": start, "end": end}
    if start:
        return _("Since %(start)s (ongoing)") % {"start": start} if initiative.ongoing else start
    if end:
        return _("Until %(end)s") % {"end": end}
    return _("Ongoing") if initiative.ongoing else ""


def initiative_json_ld(initiative: Initiative, request) -> dict:
    """schema.org description of the initiative, read by search engines."""
    url = f"{settings.SITE_URL}{initiative.get_absolute_url()}"
    data = {
        "@context": "https://schema.org",
        "@type": "CreativeWork",
        "@id": url,
        "url": url,
        "name": str(initiative.text("title")),
        "description": str(initiative.text("summary")),
        "inLanguage": initiative.text("title").lang,
        "genre": initiative.category.name,
        "about": [theme.title or theme.name for theme in initiative.themes.all()],
        "keywords": [tag.name for tag in initiative.tags.all()],
        "spatialCoverage": [
            {"@type": "Place", "name": place.name} for place in [*initiative.regions.all(), *initiative.countries.all()]
        ],
        "contributor": [
            {"@type": "Organization", "name": involvement.organisation.name}
            for involvement in initiative.involvements.all()
        ],
        "dateModified": initiative.updated_at.isoformat(),
        "publisher": {"@type": "Organization", "name": settings.SITE_NAME, "url": settings.SITE_URL},
    }
    if initiative.acronym:
        data["alternateName"] = initiative.acronym
    if initiative.published_at:
        data["datePublished"] = initiative.published_at.isoformat()
    if initiative.submitter_display:
        data["author"] = {"@type": "Person", "name": initiative.submitter_display}
    return data


def related_initiatives(initiative: Initiative, limit: int = 4) -> list[Initiative]:
    """The initiative's precomputed related list (issue 14: meaning and shared terms, initiatives/embeddings.py),
    read and never computed here; until it has one, the published initiatives sharing the most themes and regions
    with it (cached). ``has_related`` comes with the detail page's own query (no query more to know).

    The page then depends on the initiatives shown (their cards) and, for the precomputed list, on the
    initiative's own key, which moves whenever its list is written again (``embeddings.initiative_changed``); the
    ranking by shared terms depends on those terms."""
    has_related = getattr(initiative, "has_related", None)
    if has_related is None:
        has_related = RelatedInitiative.objects.filter(initiative=initiative).exists()
    if has_related:
        shown = list(
            presentation.for_cards(
                Initiative.objects.published().filter(related_of_rows__initiative=initiative)
            ).order_by("related_of_rows__rank")[:limit]
        )
        counts.depends_on(dependencies.initiative_key(i.pk) for i in shown)
        return shown
    theme_ids = sorted(t.pk for t in initiative.themes.all())
    region_ids = sorted(r.pk for r in initiative.regions.all())
    if not theme_ids and not region_ids:
        return []

    def ranked_ids():
        bitmaps = facet_bitmaps.snapshot()
        if bitmaps is not None:  # issue 15: counted in each process's bitmaps (their regions are covered ones)
            terms = [("theme", pk) for pk in theme_ids] + [("region", pk) for pk in region_ids]
            return bitmaps.most_shared(terms, without=initiative.pk, limit=limit)
        published = Initiative.objects.published().exclude(pk=initiative.pk).values("pk")
        # The themes' rows of published initiatives are the membership table's (facet_counts.py): an index-only scan
        # of it, where the themes' own table had to be joined with every published id (at 100,000 initiatives, 18
        # instead of 52 ms). Its region rows are the covered regions, not the named ones ranked here.
        by_theme = FacetMembership.objects.filter(facet="theme", term_id__in=theme_ids).exclude(
            initiative_id=initiative.pk
        )
        by_region = Initiative.regions.through.objects.filter(region_id__in=region_ids, initiative_id__in=published)
        scores: dict[int, int] = {}
        for rows, ids in ((by_theme, theme_ids), (by_region, region_ids)):
            if not ids:
                continue
            ranked = rows.values_list("initiative_id").annotate(n=Count("*")).order_by("-n", "-initiative_id")[:50]
            for pk, n in ranked:
                scores[pk] = scores.get(pk, 0) + n
        return sorted(scores, key=lambda pk: (-scores[pk], -pk))[:limit]

    keys = [dependencies.term_key("theme", pk) for pk in theme_ids]
    keys += [dependencies.term_key("region", pk) for pk in region_ids]  # (a direct region is a covered one)
    ids = counts.cached("related", (initiative.pk, limit), ranked_ids, keys)
    by_pk = {i.pk: i for i in presentation.for_cards(Initiative.objects.published().filter(pk__in=ids))}
    counts.depends_on(dependencies.initiative_key(pk) for pk in by_pk)
    return [by_pk[pk] for pk in ids if pk in by_pk]


class TermIndexView(TemplateView):
    """All the terms of one taxonomy with their number of published initiatives (those that are public only once
    used: only those some published initiative has)."""

    template_name = "initiatives/term_index.html"
    taxonomy: Taxonomy | None = None

    def dispatch(self, request, *args, **kwargs):
        counts.cacheable("html")  # its counts depend on the whole collection (term_counts)
        return super().dispatch(request, *args, **kwargs)

    def get_terms(self):
        found = term_counts(self.taxonomy.name)
        model = self.taxonomy.model
        terms = list(model.objects.filter(pk__in=found) if self.taxonomy.shown_only_when_used else model.objects.all())
        for term in terms:
            term.n = found.get(term.pk, 0)
        return terms

    def get_context_data(self, **kwargs):
        taxonomy = self.taxonomy
        terms = self.get_terms()
        for term in terms:
            term.url = reverse(f"initiatives:{taxonomy.name}", args=[getattr(term, taxonomy.lookup)])
        return super().get_context_data(terms=terms, title=taxonomy.plural_label, facet=taxonomy.name, **kwargs)


class RegionIndexView(TermIndexView):
    """The regions as the M49 tree: regions, their sub-regions and intermediate regions."""

    def get_terms(self):
        counts = region_counts()
        regions = list(Region.objects.all())
        for region in regions:
            region.n = counts.get(region.pk, 0)
        by_parent = {}
        for region in regions:
            by_parent.setdefault(region.parent_id, []).append(region)
        for region in regions:
            region.subregions = by_parent.get(region.pk, [])
        return by_parent.get(None, [])


class SdgIndexView(TermIndexView):
    """Issue 13: the 17 Goals, each with its official title and its targets, each with its number of published
    initiatives (the index of the goals and that of the targets)."""

    def get_terms(self):
        goal_counts, target_counts = term_counts("sdg"), term_counts("sdg_target")
        goals = {goal.pk: goal for goal in SdgGoal.objects.all()}
        for goal in goals.values():
            goal.n, goal.target_list = goal_counts.get(goal.pk, 0), []
        for target in SdgTarget.objects.all():
            target.n = target_counts.get(target.pk, 0)
            goals[target.goal_id].target_list.append(target)
        return list(goals.values())


def term_index_view(taxonomy: Taxonomy):
    view = RegionIndexView if taxonomy.facet_order == "tree" else TermIndexView
    if taxonomy.model in (SdgGoal, SdgTarget):  # issue 13
        view = SdgIndexView
    return view.as_view(taxonomy=taxonomy)


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_GET
@cache_control(max_age=86400, public=True)
def security_txt(request):
    """Where to report a vulnerability (RFC 9116). It expires 180 days from when it is served: the contact comes
    from the settings (SECURITY_CONTACT), which are reviewed with every deployment."""
    expires = timezone.now().replace(microsecond=0) + datetime.timedelta(days=180)
    lines = [f"Contact: {contact}" for contact in settings.SECURITY_CONTACT]
    lines += [
        f"Expires: {expires.isoformat().replace('+00:00', 'Z')}",
        "Preferred-Languages: en",
        f"Canonical: {settings.SITE_URL}{reverse('security-txt')}",
    ]
    if settings.SECURITY_POLICY_URL:
        lines.append(f"Policy: {settings.SECURITY_POLICY_URL}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_GET
@never_cache
def healthz(request):
    """Liveness and readiness: 200 when every database answers (the primary, and the read replica when one is
    configured, since anonymous pages read from it), 503 when one does not."""
    states = {}
    for alias in settings.DATABASES:
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
        except DatabaseError:
            states[alias] = "unavailable"
        else:
            states[alias] = "ok"
    body = {"database": states.pop(DEFAULT_DB_ALIAS), **states}
    healthy = all(state == "ok" for state in body.values())
    return JsonResponse({"status": "ok" if healthy else "error", **body}, status=200 if healthy else 503)
