"""One listing: what a query string selects (within a term, on a term page) and everything the portal says about it.

The listing page, a term page, the feeds and the page about them, the insight page, the downloads, the API and the
subscriptions all read a query string. ``Listing`` is that reading, made once: its filters (``InitiativeFilter``
over ``Initiative.objects.published()``), rows, chips, the dependency keys its rows read, and the addresses of the
same listing in its other representations (feeds, downloads, subscription, insights).

A query string has two normal forms, because they are needed at different moments:

- ``cache_query(params)``, the *key form*, before anything is read: the parameters as the filters will read them
  (facet values lower-cased, deduplicated and sorted, the search cleaned, page 1 left out), so that a cached answer
  can be found without a query. It cannot know whether a slug names a term, or which term an old slug leads to; a
  parameter the listing does not read makes it None (such an answer is computed, never stored: each stray
  parameter would otherwise add a copy of the page to the shared cache).
- ``followed_query``, the *link form*, once the filters are resolved: only what changes the results, each value as
  the listing understood it (a renamed term's current slug, the search as it ran), unknown parameters and values,
  page and sort left out, sorted. Every link from a listing to its feed, downloads, subscription and insights
  carries it, and a subscription stores it, so "subscribe to this search" and the feed of this search follow the
  same thing, and a feed or page reached by a link is in key form already (``cache_query(followed_query) ==
  followed_query``): the links lead to warm answers.
"""

from django.conf import settings
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import urlencode

from . import counts, dependencies, search
from .filters import InitiativeFilter, ValuesField
from .models import Initiative
from .taxonomies import BY_NAME, TAXONOMIES

# Parameters a listing reads that choose how its rows are shown, not which: a link to another representation leaves
# them out, and so do the keys of representations that ignore them (a feed is one page, newest first).
PRESENTATION = ("page", "sort")
# The single-valued filters, in the order of the chips.
SINGLE_VALUED = ("year_from", "year_to", "status", "evidence", "partner_country", "documents")


def cache_query(params, *, unread: tuple[str, ...] = ()) -> str | None:
    """``params`` in the key form (see the module): values read as the filters read them (facet values normalised,
    deduplicated and sorted, a single-valued parameter's last value), empty ones, page 1 and the parameters in
    ``unread`` (those the representation ignores) left out, parameters sorted. None when a parameter is not the
    listing's: such an answer is computed, never stored.

    Whether every value was *understood* is only known once the filters have run (``Listing.understood``)."""
    pairs = []
    for name in params:
        if name in unread:
            continue
        if name != "page" and name not in InitiativeFilter.base_filters:
            return None
        if name in InitiativeFilter.FACETS:
            values = sorted(ValuesField().to_python([v for v in params.getlist(name) if v]))
        elif name == "q":
            values = [search.clean_query(params.get(name))]
        else:
            values = [params.get(name, "").strip()]
        pairs += [(name, value) for value in values if value and (name, value) != ("page", "1")]
    return urlencode(sorted(pairs))


def understood_pairs(filterset: InitiativeFilter) -> list[tuple[str, str]]:
    """What changes the rows of ``filterset``, each value as understood (a term's current slug or code, the search
    as it runs, a valid year…), sorted: the pairs of the link form. A term page's own facet is not among them."""
    pairs = set()
    for taxonomy in TAXONOMIES:
        if taxonomy.name != filterset.fixed_facet:
            terms = filterset.selected_terms(taxonomy.name)
            pairs.update((taxonomy.name, getattr(term, taxonomy.lookup)) for term in terms)
    if filterset.query:
        pairs.add(("q", filterset.query))
    for name in SINGLE_VALUED:
        value = filterset.cleaned(name)
        if value:
            pairs.add((name, str(value)))
    return sorted(pairs)


def _with_query(path: str, query: str) -> str:
    return f"{path}?{query}" if query else path


class Listing:
    """The published initiatives a query string selects, within ``term`` of taxonomy ``facet`` on a term page.

    ``sort`` overrides the query string's order (a feed is newest first); ``within`` narrows the published
    initiatives it selects from (the alerts: those just published). Building one makes no query; the rows, chips and
    links read the database when first asked for, once.
    """

    def __init__(self, params, *, facet: str | None = None, term=None, sort: str | None = None, within=None):
        self.facet = facet if term is not None else None
        self.term = term
        # None: the published initiatives, which the filters then know they count (comparing querysets' SQL to find
        # out took 3 ms a request).
        queryset = within
        if term is not None:
            queryset = InitiativeFilter.restrict(
                Initiative.objects.published() if within is None else within, facet, [term.pk]
            )
        data = params
        if sort is not None:
            data = params.copy()
            data["sort"] = sort
        self.filterset = InitiativeFilter(data, queryset=queryset, fixed_facet=self.facet, fixed_term=term)

    # --- what it selects --------------------------------------------------------------------------------------

    @property
    def rows(self):
        """Every row, in the listing's order (not yet for display: callers add what they show)."""
        return self.filterset.qs

    @property
    def query(self) -> str:
        """The search as it runs (cleaned, shortened)."""
        return self.filterset.query

    @cached_property
    def chips(self) -> list:
        """The active filters, each with the value that removes it (the term of a term page is not one)."""
        return self.filterset.active_filters()

    @property
    def understood(self) -> bool:
        """Whether every parameter and value was understood: the answer is the one of its ``cache_query``."""
        return self.filterset.understood_everything()

    # --- what it depends on -------------------------------------------------------------------------------------

    @cached_property
    def keys(self) -> frozenset[str]:
        """The dependency keys of the rows: the term of a term page, or the terms of one filter, else the whole
        collection (``dependencies.of_filters``)."""
        return dependencies.of_filters(self.filterset)

    def depends_on(self, *, suggestion: bool = False) -> frozenset[str]:
        """Note that the answer being built reads the rows (and, with ``suggestion``, the search's "did you mean",
        which reads the whole collection's words); the keys noted."""
        keys = self.keys | ({counts.COLLECTION} if suggestion and self.query else set())
        counts.depends_on(keys)
        return keys

    # --- the link form ------------------------------------------------------------------------------------------

    def followed_pairs(self, *, include_term: bool = True) -> list[tuple[str, str]]:
        """The link form's pairs (``understood_pairs``); a term page's term as a filter of its taxonomy with
        ``include_term`` (the whole collection's listing, downloads and subscriptions read it so)."""
        pairs = understood_pairs(self.filterset)
        if include_term and self.term is not None:
            pairs = sorted([*pairs, (self.facet, getattr(self.term, BY_NAME[self.facet].lookup))])
        return pairs

    @cached_property
    def followed_query(self) -> str:
        """The link form (see the module), with a term page's term as a filter: what downloads, subscriptions,
        insights and the whole collection's listing and feeds take."""
        return urlencode(self.followed_pairs())

    @cached_property
    def filter_query(self) -> str:
        """The link form without a term page's term (it is in the path): what the term's own page and feeds take."""
        return urlencode(self.followed_pairs(include_term=False))

    # --- the same listing elsewhere -----------------------------------------------------------------------------

    def _term_kwargs(self) -> dict:
        lookup = BY_NAME[self.facet].lookup
        return {lookup: getattr(self.term, lookup)}

    @property
    def page_url(self) -> str:
        """The listing page (a term's page) with these filters, first page, default order."""
        if self.term is None:
            return _with_query(reverse("initiatives:list"), self.filter_query)
        return _with_query(reverse(f"initiatives:{self.facet}", kwargs=self._term_kwargs()), self.filter_query)

    def feed_path(self, *, atom: bool = False) -> str:
        suffix = "-atom" if atom else ""
        if self.term is None:
            return reverse(f"initiatives:feed{suffix}")
        return reverse(f"initiatives:{self.facet}-feed{suffix}", kwargs=self._term_kwargs())

    def feed_url(self, *, atom: bool = False) -> str:
        """This listing's RSS (or Atom) feed: a term page's is the term's own."""
        return _with_query(self.feed_path(atom=atom), self.filter_query)

    @property
    def subscribe_url(self) -> str:
        return _with_query(reverse("subscriptions:subscribe"), self.followed_query)

    @property
    def insights_url(self) -> str:
        return _with_query(reverse("initiatives:insights"), self.followed_query)

    def export_urls(self, *, total: int) -> dict:
        """The CSV and JSON downloads of this listing (``export_csv_url``…). A filtered download stops after
        ``EXPORTS_MAX_ROWS`` rows: when this listing has more (``total``), the links say so and the whole
        collection's files are offered beside them."""
        query = self.followed_query
        urls = {fmt: reverse(f"initiatives:export-{fmt}") for fmt in ("csv", "json")}
        capped = bool(query) and total > settings.EXPORTS_MAX_ROWS
        return {
            **{f"export_{fmt}_url": _with_query(url, query) for fmt, url in urls.items()},
            **{f"export_full_{fmt}_url": url for fmt, url in urls.items()},
            "export_cap": settings.EXPORTS_MAX_ROWS if capped else None,
        }
