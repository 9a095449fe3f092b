"""The one definition of what a listing's query string means.

The listing page, every term page, every feed, the downloads, the API and the subscriptions build their rows with
``InitiativeFilter`` over ``Initiative.objects.published()``, through ``listing.Listing``, so a query string means the
same thing everywhere.

Semantics: several values within one facet combine with OR, different facets with AND. Values that
are malformed or name no known term are dropped (the rest of the query still applies); a facet
whose values are all unknown is ignored.
"""

import datetime
import re
from dataclasses import dataclass, field
from functools import partial, reduce
from operator import or_

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import get_translation_fields
from pyroaring import BitMap

from . import (
    dependencies,
    estimates,
    facet_bitmaps,
    facet_counts,
    facet_terms,
    presentation,
    redirects,
    search,
    sections,
    selectors,
)
from .counts import cached_many, kept_until_renamed, queryset_key
from .models import Attachment, Country, Initiative
from .taxonomies import BY_NAME, TAXONOMIES, Taxonomy

MAX_VALUES_PER_FACET = 20
MAX_VALUE_LENGTH = 100
_VALUE = re.compile(r"^\w[\w-]*$")  # slugs and codes; tag slugs may have accented letters
MIN_YEAR, MAX_YEAR = 1900, 2100


class ValuesField(forms.Field):
    """A repeated query parameter (``?theme=a&theme=b``) reduced to its well-formed, distinct values."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        cleaned = []
        for item in list(value)[: MAX_VALUES_PER_FACET * 2]:
            item = self.normalise(item)
            if len(item) <= MAX_VALUE_LENGTH and _VALUE.match(item) and item not in cleaned:
                cleaned.append(item)
        return cleaned[:MAX_VALUES_PER_FACET]

    @staticmethod
    def normalise(item) -> str:
        return str(item).strip().lower()

    def validate(self, value):
        """Unknown or malformed values are dropped, never an error."""


class YearField(forms.IntegerField):
    def __init__(self, **kwargs):
        super().__init__(min_value=MIN_YEAR, max_value=MAX_YEAR, **kwargs)

    def to_python(self, value):
        if isinstance(value, str) and len(value) > 8:
            raise forms.ValidationError(_("Enter a year."), code="invalid")
        return super().to_python(value)


class PartnerCountryField(forms.CharField):
    """A country's ISO code, any case (issue 13, orgs); anything else is a value the listing ignores."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 2)
        super().__init__(**kwargs)

    def to_python(self, value):
        return super().to_python(value).strip().lower()

    def validate(self, value):
        super().validate(value)
        if value and not re.fullmatch(r"[a-z]{2}", value):
            raise forms.ValidationError(_("Give a country's two-letter code, e.g. md."), code="invalid")


class PartnerCountryFilter(django_filters.CharFilter):
    field_class = PartnerCountryField


class YearFilter(django_filters.NumberFilter):
    field_class = YearField


# On a place's page (a region or a country) every initiative listed covers that place: the facets of the other
# places say what else those initiatives cover.
ALSO_COVERS = {
    "region": _("Also covers: regions"),
    "country": _("Also covers: countries"),
}


@dataclass
class Facet:
    """One facet of the listing: a taxonomy's options, each with the number of results it would give."""

    taxonomy: Taxonomy
    options: list = field(default_factory=list)
    hidden: int = 0  # how many options the top-N cut left out
    approximate: bool = False  # counts scaled from a sample (a broad search: estimates.py), shown "~N"
    on_place_page: bool = False  # shown on a region's or a country's page

    @property
    def name(self) -> str:
        return self.taxonomy.name

    @property
    def label(self) -> str:
        if self.on_place_page and self.name in ALSO_COVERS:
            return ALSO_COVERS[self.name]
        return self.taxonomy.facet_label

    @property
    def index(self) -> str:
        """URL name of the page listing every term of this taxonomy."""
        return self.taxonomy.index_url_name


class TermFilter(django_filters.Filter):
    """Filter by one or more terms of a taxonomy (OR within the facet)."""

    field_class = ValuesField

    def __init__(self, *, taxonomy: Taxonomy, **kwargs):
        self.taxonomy = taxonomy
        self.term_model = taxonomy.model  # not "model": django-filter sets that to the FilterSet's model
        self.lookup = taxonomy.lookup
        super().__init__(**kwargs)

    def filter(self, qs, value):
        terms = self.parent.selected_terms(self.field_name)
        if not terms:
            return qs
        return self.parent.restrict(qs, self.field_name, [term.pk for term in terms])


def _taxonomy_filters() -> type[django_filters.FilterSet]:
    """One filter per taxonomy, named like it (``?theme=…``)."""
    filters = {taxonomy.name: TermFilter(taxonomy=taxonomy) for taxonomy in TAXONOMIES}
    return type("TaxonomyFilterSet", (django_filters.FilterSet,), filters)


class InitiativeFilter(_taxonomy_filters()):
    SORTS = {
        "relevance": _("Relevance"),
        "newest": _("Newest first"),
        "oldest": _("Oldest first"),
        "title": _("Title (A–Z)"),
    }
    STATUSES = {"ongoing": _("Ongoing"), "completed": _("Completed")}

    q = django_filters.CharFilter(method="filter_q", max_length=search.MAX_QUERY_LENGTH * 5)
    year_from = YearFilter(method="filter_year_from")
    year_to = YearFilter(method="filter_year_to")
    status = django_filters.ChoiceFilter(method="filter_status", choices=list(STATUSES.items()))
    sort = django_filters.ChoiceFilter(method="filter_sort", choices=list(SORTS.items()))
    # Issue 13: only initiatives whose record has an "evidence of results" section (sections.py), ?evidence=1.
    EVIDENCE = {"1": _("Has evidence of results")}
    evidence = django_filters.ChoiceFilter(method="filter_evidence", choices=list(EVIDENCE.items()))
    # issue 13 (orgs): initiatives in which an organisation based in a country takes part (?partner_country=md)
    partner_country = PartnerCountryFilter(method="filter_partner_country", label=_("Partner country"))
    # issue 13, files: ?documents=1, initiatives with at least one document attached
    documents = django_filters.ChoiceFilter(method="filter_documents", choices=[("1", _("Has documents"))])

    FACETS = tuple(BY_NAME)
    YEARS = ("year_from", "year_to")  # read from the membership table too (facet_counts.in_years)

    class Meta:
        model = Initiative
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, fixed_facet: str | None = None, fixed_term=None, **kwargs):
        # Facet counts can come from the membership table alone when the rows are the published initiatives (of
        # the fixed term, on a term page).
        published = queryset is None  # the published initiatives, as given: no SQL to compare
        if queryset is None:
            queryset = Initiative.objects.published()
        self.counts_from_membership = fixed_term is not None or published or _is_published(queryset)
        self.fixed_facet = fixed_facet
        self.fixed_term = fixed_term  # the term ``queryset`` is restricted to (a term page's), for its cache keys
        self.fixed_term_id = getattr(fixed_term, "pk", None)
        self._counted: dict[tuple, dict[str, dict[int, int]]] = {}  # per count base: every facet's counts
        self._bases: dict[str | None, tuple] = {}  # per facet (None: every filter): its count base and key
        self._samples: dict[tuple, tuple] = {}  # per count base of a search: its sample (estimates.sample)
        self._drawn_beside: dict[tuple, tuple] = {}  # samples drawn with another one, until asked for (_draw)
        self._member_ids: dict[tuple, object] = {}  # per ``Members`` base: its initiatives (a bitmap)
        # Whether a broad search's facet counts may be estimated from a sample (estimates.py), as the listing shows
        # them ("~N"); False for a page that shows them unmarked.
        self.estimates = True
        self._found: dict[str, dict] = {}  # per facet: {value: the term it names}
        super().__init__(data, queryset, **kwargs)

    # --- resolving values ------------------------------------------------------------------

    def cleaned(self, name):
        self.form.is_valid()
        return self.form.cleaned_data.get(name)

    @cached_property
    def _selected(self) -> dict[str, list]:
        selected = {}
        for name in self.FACETS:
            values = self.cleaned(name) or []
            if not values:
                selected[name] = []
                continue
            term_filter = self.filters[name]
            # Old slugs (of renamed or merged terms) still select the term they now lead to.
            found = self._found[name] = redirects.terms_by_value(term_filter.term_model, term_filter.lookup, values)
            selected[name] = list(dict.fromkeys(found[value] for value in values if value in found))
        return selected

    def selected_terms(self, name) -> list:
        return self._selected[name]

    @property
    def query(self) -> str:
        return search.clean_query(self.cleaned("q"))

    @property
    def query_shortened(self) -> bool:
        """Whether the search had more words or alternatives than a search may have (the rest was left out)."""
        return search.is_shortened(self.cleaned("q"))

    @property
    def active_sort(self) -> str:
        sort = self.cleaned("sort")
        if sort == "relevance" and not self.query:
            sort = None
        return sort or ("relevance" if self.query else "newest")

    @property
    def ignored_parameters(self) -> list[str]:
        """Parameters that were given but not understood (shown to the visitor as a note)."""
        ignored = list(self.form.errors)
        ignored += [name for name in self.FACETS if self.unknown_values(name)]
        return ignored

    def unknown_values(self, name) -> list[str]:
        """The values given for facet ``name`` (as given) that name no term, not even by an old slug."""
        self.selected_terms(name)
        found = self._found.get(name, {})
        raw = [v for v in self.data.getlist(name) if v] if hasattr(self.data, "getlist") else []
        return [value for value in raw if ValuesField.normalise(value) not in found]

    def understood_everything(self) -> bool:
        """Whether the page these filters built is the one of their key form (``listing.cache_query``): every
        value was understood, none was left out."""
        if self.ignored_parameters or self.query_shortened:
            return False
        return all(
            len([v for v in self.data.getlist(name) if v]) == len(self.cleaned(name) or [])
            for name in self.FACETS
            if hasattr(self.data, "getlist")
        )

    # --- filtering -------------------------------------------------------------------------

    @staticmethod
    def restrict(qs, name, ids):
        """Initiatives having any of the terms ``ids`` in facet ``name``."""
        return BY_NAME[name].restrict(qs, ids)

    def filter_q(self, qs, name, value):
        return search.apply(qs, value)

    def filter_year_from(self, qs, name, value):
        # Active at some point in or after that year: ends then or later, or has no known end.
        since = datetime.date(value, 1, 1)
        return qs.filter(Q(end_date__gte=since) | Q(end_date__isnull=True, start_date__isnull=False))

    def filter_year_to(self, qs, name, value):
        return qs.filter(start_date__lte=datetime.date(value, 12, 31))

    def filter_status(self, qs, name, value):
        today = timezone.localdate()
        completed = Q(ongoing=False, end_date__lt=today)
        if value == "ongoing":
            return qs.filter(~completed & (Q(ongoing=True) | Q(start_date__isnull=False)))
        return qs.filter(completed)

    def filter_evidence(self, qs, name, value):
        """Initiatives with an evidence section in some language (the plain column holds the original's)."""
        columns = [sections.EVIDENCE, *get_translation_fields(sections.EVIDENCE)]
        return qs.filter(reduce(or_, (Q(**{f"{column}__gt": ""}) for column in columns)))

    def filter_partner_country(self, qs, name, value):  # issue 13 (orgs)
        return selectors.with_partner_from(qs, value)

    def filter_documents(self, qs, name, value):  # issue 13, files
        if value != "1":
            return qs
        return qs.filter(pk__in=Attachment.objects.filter(kind=Attachment.Kind.DOCUMENT).values("initiative_id"))

    def filter_sort(self, qs, name, value):
        return qs  # applied last, in filter_queryset, because relevance depends on the query

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        return _ORDERINGS[self.active_sort](queryset)

    def queryset_without(self, facet: str):
        """The results with every active filter except ``facet`` (for that facet's option counts)."""
        qs = self.queryset.all()
        for name, value in self.form.cleaned_data.items():
            if name in (facet, "sort"):
                continue
            qs = self.filters[name].filter(qs, value)
        return qs

    # --- facets ----------------------------------------------------------------------------

    def facets(self) -> list[Facet]:
        """Each facet's options with the number of results each would give with the other filters."""
        on_place_page = self.fixed_facet in ALSO_COVERS
        specs = [Facet(taxonomy, on_place_page=on_place_page) for taxonomy in TAXONOMIES]
        specs = [facet for facet in specs if facet.name != self.fixed_facet]
        all_counts = cached_many([self.facet_item(facet.name) for facet in specs])
        facets = []
        for facet, counts in zip(specs, all_counts, strict=True):
            selected = {term.pk for term in self.selected_terms(facet.name)}
            taxonomy = facet.taxonomy
            candidates = set(counts) | selected
            every = len(candidates)
            if taxonomy.facet_top and taxonomy.facet_order != "tree" and len(counts) > taxonomy.facet_top:
                # Only the terms that can be among the N shown are read (those with at least the N-th largest count,
                # ties included, and the selected ones): not the hundreds of organisations or tags a listing has.
                floor = sorted(counts.values(), reverse=True)[taxonomy.facet_top - 1]
                candidates = {pk for pk, n in counts.items() if n >= floor} | selected
            terms = facet_terms.terms(taxonomy.model, candidates)
            options = [
                FacetOption(
                    term=term,
                    value=getattr(term, taxonomy.lookup),
                    count=counts.get(term.pk, 0),
                    selected=term.pk in selected,
                )
                for term in terms
            ]
            if taxonomy.facet_order == "tree":
                options = _region_tree(options)
            elif taxonomy.facet_top:
                options.sort(key=lambda o: (-o.count, str(o.term)))
                shown = [o for i, o in enumerate(options) if i < taxonomy.facet_top or o.selected]
                facet.hidden = every - len(shown)
                options = shown
            elif taxonomy.facet_order == "name":
                options.sort(key=lambda o: str(o.term))
            facet.options = options
            facet.approximate = isinstance(counts, facet_counts.Estimated)
            facets.append(facet)
        return facets

    @staticmethod
    def count_terms(name: str, qs) -> dict[int, int]:
        """How many of the initiatives in ``qs`` each term of facet ``name`` has, by term pk."""
        return BY_NAME[name].count(qs)

    # --- counting the facets (issue 15: see facet_counts.py) --------------------------------------------------

    def facet_item(self, name: str) -> tuple:
        """The ``counts.cached_many`` item of facet ``name``'s counts (with every other filter). The facets that
        share a base are counted together, by the first of them missing from the cache: one query for all the
        facets a filter doesn't name, one for each it does; none when the base is the whole collection (the
        kept totals, one query for them all)."""
        base = self._count_base(name)
        keys = dependencies.of_filters(self, without=name)
        if base is None:
            return ("facet-total", (name,), partial(self._count_group, ("totals",), None, name), keys)
        key = self._count_base_key(name)
        # A search's counts may be estimates (estimates.py): kept apart from exact ones, which a page showing its
        # counts unmarked (the insight page: ``estimates = False``) reads.
        kind = "facet-search" if self.query and self.estimates else "facet"
        return (kind, (name, *key), partial(self._count_group, key, base, name), keys)

    def _count_group(self, key: tuple, base, name: str) -> dict[int, int]:
        if key not in self._counted:
            names = [n for n in self.FACETS if n != self.fixed_facet]
            sharing = [n for n in names if n == name or self._count_base_key(n) == key]
            if base is None:
                self._counted[key] = facet_counts.all_totals(sharing)
            elif self.query and self.estimates:  # a search: exact when cheap enough, else from a sample
                within = self.search_within(name)
                collection = self.collection_size() if within is not None else None
                drawn = self._sample(key, base, within)
                self._counted[key] = estimates.facet_counts(
                    sharing, base, drawn, within=within, collection=collection, counter=self._ids_counter()
                )
            elif isinstance(base, facet_counts.Members) and self._bitmaps is not None:
                self._counted[key] = self._bitmaps.count(sharing, self._members_ids(base))
            else:
                self._counted[key] = facet_counts.count(sharing, base)
        return self._counted[key][name]

    @cached_property
    def _bitmaps(self):
        """The facet bitmaps as this filter set first needs them (``facet_bitmaps.snapshot``: one query, the
        changes since the process last read them), or None when they are not used: the listing's results and
        every facet's counts are then made in memory, with no other query."""
        return facet_bitmaps.snapshot()

    def _ids_counter(self):
        """What counts the facets of a list of ids: from the bitmaps as this request read them (no query: each count
        through ``facet_counts.count`` read the changes since again), or ``facet_counts.count`` when they are not
        used; no ids, nothing read."""

        def count(facets, ids) -> dict[str, dict[int, int]]:
            if not ids:
                return {facet: {} for facet in facets}
            if self._bitmaps is None:
                return facet_counts.count(facets, ids)
            return self._bitmaps.count(facets, BitMap(ids))

        return count

    def _members_ids(self, members: "facet_counts.Members"):
        if members.key not in self._member_ids:
            self._member_ids[members.key] = self._bitmaps.ids(members)
        return self._member_ids[members.key]

    def _sample(self, key: tuple, base, within=None) -> tuple:
        if key not in self._samples:
            # A sample is kept across publications (an estimate: "about N"); one that is every candidate is not.
            draw = partial(self._draw, key, base, within)
            self._samples[key] = kept_until_renamed("search-sample", key, draw, keep=lambda drawn: drawn[1] != 1.0)
        return self._samples[key]

    def _draw(self, key: tuple, base, within) -> tuple:
        """The sample of count base ``key`` (``estimates.sample``), drawn with the others this page will need when
        they test the same search (``_samples_beside``): in one query, the others kept until asked for."""
        if key in self._drawn_beside:
            return self._drawn_beside.pop(key)
        beside = self._samples_beside(key, within)
        # Drawn from ``within``, the facets' initiatives, the search alone tells which match (testing the facets again
        # made PostgreSQL hash a principle's 14,000 rows to check 1,000 ids already known to have it); so do the
        # samples drawn beside it. A base with another filter (a status…) is tested whole.
        rows = base if within is None and not beside else self.searched().order_by().values("pk")
        collection, words = self.collection_size() if within is not None or beside else None, len(self.query.split())
        plans = {
            other: estimates.plan(among, collection=None if among is None else collection, words=words)
            for other, among in {key: within, **beside}.items()
        }
        drawn = estimates.drawn_together(rows, plans)
        self._drawn_beside.update((other, drawn[other]) for other in beside)
        return drawn[key]

    def _samples_beside(self, key: tuple, within) -> dict:
        """The other samples this page will draw besides count base ``key``'s (drawn from ``within``; those of its
        own count base and of the facets a filter names), not drawn yet, that test the same search: by count base,
        the initiatives each is drawn from (None: the whole collection's id ranges, for a base that is the search
        alone). None when ``key``'s own sample tests something else (another filter beside the search)."""
        named = [n for n in self.FACETS if n != self.fixed_facet and self.selected_terms(n)]
        if not named or not (self.query and self.estimates) or self._bitmaps is None:
            return {}
        bases = {}
        for name in [None, *named]:
            other = self._count_base_key(name)
            among = self.search_within(name)
            if among is not None or self._restrictions(name, search_aside=True) == []:  # the search, tested on ids
                bases.setdefault(other, among)
        if key not in bases or bases[key] is not within:
            return {}
        return {other: among for other, among in bases.items() if other != key and other not in self._samples}

    def search_within(self, name: str | None = None):
        """For a search whose other filters are all facets and years (a term page's term included): the initiatives
        those select, but facet ``name``'s (all of them for None), as a bitmap; its sample is drawn from them
        (``estimates.sample``). None otherwise: no such filter, another filter, or the bitmaps off."""
        restrictions = self._restrictions(name, search_aside=True) if self.query else None
        if not restrictions or self._bitmaps is None:
            return None
        return self._members_ids(facet_counts.Members(restrictions))

    def newest_within(self, bottom: int, top: int) -> list[int]:
        """The ids at places ``bottom`` to ``top``, in the listing's order (newest first), of the initiatives the
        facet and year filters select beside a search (``search_within``): from each process's copy of the order."""
        return self._bitmaps.page(self.search_within(), bottom, top)

    def searched(self):
        """The search alone, over the published initiatives (what a sample within the facets tests)."""
        return search.apply(Initiative.objects.published(), self.query)

    def search_ids(self) -> list[int] | None:
        """The ids of every result of the search, when ``search_size`` read them all in this request (to count
        them exactly); else None."""
        key = self._count_base_key(None)
        ids, scale = self._samples.get(key, (None, None))
        return ids if scale == 1.0 else None

    def search_size(self) -> estimates.Size:
        """How many initiatives a search selects, exactly or about (``estimates.size``), from the sample its
        facet counts use."""
        base, key = self._base_and_key(None)
        within = self.search_within()
        drawn = self._sample(key, base, within)
        collection = self.collection_size() if within is not None else None
        size, every = estimates.size(self.qs, drawn=drawn, within=within, collection=collection)
        if every is not None:  # all the ids, read to count them exactly: the facets count the same
            self._samples[key] = (every, 1.0)
        return size

    def _count_base_key(self, name: str | None) -> tuple:
        return self._base_and_key(name)[1]

    def _count_base(self, name: str | None):
        return self._base_and_key(name)[0]

    def _base_and_key(self, name: str | None) -> tuple:
        """``_build_count_base(name)`` and its cache key, made once per filter set: a page asks for each facet's
        several times (its cache item, the facets sharing it, the total), and building a search's queryset and
        compiling its SQL for the key cost about 4 ms each time (9 facets: a hundred milliseconds of a cold
        search page). A facet that no filter names counts the same base as the listing's rows (None)."""
        if name is not None and not self.selected_terms(name):
            name = None
        if name not in self._bases:
            base = self._build_count_base(name)
            if base is None:
                key = ("totals",)
            else:
                key = base.key if isinstance(base, facet_counts.Members) else queryset_key(base)
            self._bases[name] = (base, key)
        return self._bases[name]

    def _build_count_base(self, name: str | None):
        """The initiatives that facet ``name``'s options count (every filter but its own; every filter for None):
        ``facet_counts.Members`` when the membership table can say which, else a subquery of their ids; None for
        the whole published collection."""
        restrictions = self._restrictions(name)
        if restrictions is None:
            return self.queryset_without(name).order_by().values("pk")
        return facet_counts.Members(restrictions) if restrictions else None

    def _restrictions(self, name: str | None, *, search_aside: bool = False) -> list | None:
        """The ``facet_counts.Restriction``s whose intersection is every filter but facet ``name``'s (every filter
        for None), or None when a filter cannot be read from the membership table (a search, a status…): the
        facets, a term page's term and the years can. ``search_aside``: the search left out (not a reason for None)."""
        self.form.is_valid()
        data = self.form.cleaned_data
        aside = ("sort", "q") if search_aside else ("sort",)
        others = [key for key, value in data.items() if key not in (*self.FACETS, *self.YEARS, *aside) and value]
        if others or not self.counts_from_membership:
            return None
        restrictions = [
            facet_counts.Restriction(n, tuple(t.pk for t in self.selected_terms(n)))
            for n in self.FACETS
            if n != name and self.selected_terms(n)
        ]
        if self.fixed_term_id is not None:
            restrictions.append(facet_counts.Restriction(self.fixed_facet, (self.fixed_term_id,)))
        return restrictions + facet_counts.in_years(since=data.get("year_from"), until=data.get("year_to"))

    def result_ids(self):
        """The ids of these filters' results as a bitmap, when every filter is a facet or a year (a term page's term
        included) and each process's bitmaps are used (``_bitmaps``; the facets without a filter of their own
        count the same bitmap); else None (another filter, no filter at all, or the bitmaps off)."""
        base = self._count_base(None)
        if not isinstance(base, facet_counts.Members) or self._bitmaps is None:
            return None
        return self._members_ids(base)

    def ids_in_order(self):
        """A function giving the ids of the results at places ``bottom`` to ``top``, from each process's copy of
        the listing's order (``listing_order.py``; None when the bitmaps are not used), when the results are the
        newest or oldest first and every filter is a facet or a year (or there is none); else None. Nothing is read
        until it is called (the whole collection's first page reads its rows in SQL: ``views``)."""
        sort = self.active_sort
        if self.query or sort not in ("newest", "oldest"):
            return None
        base = self._count_base(None)
        if base is not None and not isinstance(base, facet_counts.Members):
            return None

        def ids(bottom: int, top: int) -> list[int] | None:
            if self._bitmaps is None:
                return None
            found = None if base is None else self._members_ids(base)
            return self._bitmaps.page(found, bottom, top, reverse=sort == "oldest")

        return ids

    def collection_size(self) -> int | None:
        """About how many initiatives are published (``facet_bitmaps.Snapshot.size``), when ``result_ids`` is
        known."""
        return None if self._bitmaps is None else self._bitmaps.size

    def counter(self):
        """A function counting these filters' results from the membership table (issue 15), or None when they
        cannot be counted there (a search, a status… or the whole collection: counted as it is).

        The listing's total was a ``COUNT(*)`` over the wide initiatives table joined with the filters; when every
        filter is a facet or a year (a term page included), the results are an intersection of index ranges of the
        membership table, counted by an index-only scan of it. An initiative filed under two of one facet's
        selected terms has two rows there: distinct initiatives are counted."""
        base = self._count_base(None)
        if not isinstance(base, facet_counts.Members):
            return None
        return partial(facet_counts.count_distinct, base.queryset())

    def active_filters(self) -> list["Chip"]:
        """Chips for every active filter, each with the query string that removes it."""
        chips = []
        if self.query:
            chips.append(Chip(_("Search"), f"“{self.query}”", "q", self.query))
        for taxonomy in TAXONOMIES:
            if taxonomy.name == self.fixed_facet:
                continue
            for term in self.selected_terms(taxonomy.name):
                chips.append(Chip(taxonomy.label, str(term), taxonomy.name, getattr(term, taxonomy.lookup)))
        for name, label in (("year_from", _("From")), ("year_to", _("Until"))):
            value = self.cleaned(name)
            if value:
                chips.append(Chip(label, str(value), name, str(value)))
        status = self.cleaned("status")
        if status:
            chips.append(Chip(_("Status"), self.STATUSES[status], "status", status))
        evidence = self.cleaned("evidence")
        if evidence:
            chips.append(Chip(_("Evidence"), self.EVIDENCE[evidence], "evidence", evidence))
        partner_country = self.cleaned("partner_country")  # issue 13 (orgs)
        if partner_country:
            country = Country.objects.filter(code=partner_country).first()
            text = str(country) if country else partner_country.upper()
            chips.append(Chip(_("Partner country"), text, "partner_country", partner_country))
        if self.cleaned("documents"):  # issue 13, files
            chips.append(Chip(_("Documents"), _("Has documents"), "documents", "1"))
        return chips


def _is_published(queryset) -> bool:
    """Whether ``queryset`` is the published initiatives, no more, no less (as its SQL says)."""
    return str(queryset.order_by().query) == str(Initiative.objects.published().order_by().query)


@dataclass
class FacetOption:
    term: object
    value: str
    count: int
    selected: bool
    children: list = field(default_factory=list)


@dataclass
class Chip:
    label: str
    text: str
    param: str
    value: str


def _region_tree(options: list[FacetOption]) -> list[FacetOption]:
    """Nest region options under their parents; hide empty, unselected branches."""
    by_pk = {o.term.pk: o for o in options}
    roots = []
    for option in options:
        parent = by_pk.get(option.term.parent_id)
        (parent.children if parent else roots).append(option)
    return [o for o in roots if o.count or o.selected]


def _order_relevance(qs):
    if "rank" in qs.query.annotations:
        return qs.order_by("-rank", "-published_at", "-pk")
    return _order_newest(qs)


def _order_newest(qs):
    return qs.newest_first()


def _order_oldest(qs):
    return qs.order_by("published_at", "pk")


def _order_title(qs):
    return qs.order_by(presentation.shown_expression("title").asc(), "pk")  # the title the reader sees


_ORDERINGS = {"relevance": _order_relevance, "newest": _order_newest, "oldest": _order_oldest, "title": _order_title}
