"""The collection at a glance (issue 14): a world map, bars per GCM objective and per year, counts per region, for
any listing's filters.

Everything is drawn on the server (inline SVG, links inside it, a data table beside each picture), so the page needs
no script, no tile server and no download. The country shapes were projected once at build time
(``scripts/build-world-map``, data/README.md) and are joined to the portal's countries by their M49 code.

The counts are the listing's own: the same facet counts (``InitiativeFilter.count_terms`` over
``queryset_without(facet)``), cached with ``counts.cached_many`` under the same keys, so a listing and its insight
page share their cached counts and the page costs what a listing costs. A count therefore applies every filter but
its own facet's, which is what the listing would show once that shape or bar is followed: each link replaces that
facet's values by its own. A broad search is the exception: the listing shows estimated counts ("~N", estimates.py),
this page counts exactly (it shows its numbers unmarked), under keys of their own.
"""

import json
import math
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path

from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.views.generic import TemplateView

from . import dependencies, reversing
from .counts import cached_many, queryset_key
from .filters import MAX_YEAR, MIN_YEAR, InitiativeFilter
from .listing import PRESENTATION, Listing, cache_query, understood_pairs
from .models import Country, Initiative, Region, Theme
from .views import CachedForVisitorsMixin

MAP_FILE = Path(__file__).parent / "data" / "world_map.json"
STEPS = 5  # shades of the map, from 1 initiative to the most any country has
MAX_YEAR_BARS = 40  # the most recent years shown, at most (a bounded page whatever the dates in the collection)
YEAR_PARAMS = ("year_from", "year_to")


@cache
def world_map() -> dict:
    """The projected shapes: ``width``, ``height``, ``viewBox``, ``sphere``, ``countries`` (M49 code → name, path)
    and ``without_m49`` (areas that have no M49 code)."""
    return json.loads(MAP_FILE.read_text(encoding="utf-8"))


# --- what the page shows ------------------------------------------------------------------------------------


@dataclass
class Shape:
    code: str  # M49
    d: str
    name: str = ""
    count: int = 0
    step: int = 0  # 0: no initiative (drawn neutral, not linked)
    url: str = ""
    selected: bool = False


@dataclass
class Bar:
    label: str
    count: int
    url: str = ""
    number: str = ""  # the objective's number or the year, shown before the label
    length: float = 0.0  # share of the longest bar, 0 to 100 (an SVG width in a viewBox 100 wide)
    level: str = ""  # regions: "region", "subregion" or "intermediate"


@dataclass
class Legend:
    step: int
    low: int
    high: int


@dataclass
class Insight:
    total: int
    shapes: list[Shape]
    unassigned: list[str]  # path data of areas without an M49 code
    legend: list[Legend]
    countries: list[Shape]  # the countries with initiatives, most first (the map's table)
    themes: list[Bar] = field(default_factory=list)
    years: list[Bar] = field(default_factory=list)
    regions: list[Bar] = field(default_factory=list)
    width: int = 0
    height: int = 0
    view_box: str = ""
    sphere: str = ""


# --- counting -------------------------------------------------------------------------------------------------


def _facet_item(filterset: InitiativeFilter, name: str) -> tuple:
    """The cache item of facet ``name``'s counts, keyed exactly as ``InitiativeFilter.facets()`` keys it."""
    return filterset.facet_item(name)


def _without_years(filterset: InitiativeFilter):
    qs = filterset.queryset.all()
    for name, value in filterset.form.cleaned_data.items():
        if name not in (*YEAR_PARAMS, "sort"):
            qs = filterset.filters[name].filter(qs, value)
    return qs


def year_spans(qs) -> list[tuple[int, int | None, int]]:
    """(start year, end year or None, number of initiatives) of the initiatives in ``qs`` that have a start date:
    one grouped query."""
    rows = (
        Initiative.objects.filter(pk__in=qs.order_by().values("pk"), start_date__isnull=False)
        .values(start=ExtractYear("start_date"), end=ExtractYear("end_date"))
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [(row["start"], row["end"], row["n"]) for row in rows]


def active_per_year(spans, *, this_year: int) -> dict[int, int]:
    """How many initiatives were active each year, as the listing's ``year_from=Y&year_to=Y`` reads it: started in
    Y or before and ended in Y or later, or has no end (those count up to this year)."""
    spans = [(max(start, MIN_YEAR), end, n) for start, end, n in spans if start <= MAX_YEAR]
    if not spans:
        return {}
    last = max([this_year, *(min(end, MAX_YEAR) for _start, end, _n in spans if end is not None)])
    first = max(min(start for start, _end, _n in spans), last - MAX_YEAR_BARS + 1)
    change = [0] * (last - first + 2)
    for start, end, n in spans:
        stop = last if end is None else min(end, last)
        start = max(start, first)
        if stop < start:
            continue
        change[start - first] += n
        change[stop - first + 1] -= n
    running, per_year = 0, {}
    for offset, delta in enumerate(change[:-1]):
        running += delta
        per_year[first + offset] = running
    return per_year


def _country_terms() -> list[tuple]:
    return [(c.pk, c.m49_code.zfill(3), c.code, str(c)) for c in Country.objects.exclude(m49_code="")]


def _theme_terms() -> list[tuple]:
    return [(t.pk, t.number, t.slug, t.name) for t in Theme.objects.filter(number__isnull=False).order_by("number")]


def _region_terms() -> list[tuple]:
    return [(r.pk, r.parent_id, r.slug, str(r), r.level) for r in Region.objects.all()]


TERMS = {"country": _country_terms, "theme": _theme_terms, "region": _region_terms}


def counts_for(filterset: InitiativeFilter, *, with_charts: bool = True) -> dict:
    """The counts the page shows and the terms it names (in the reader's language: the collection's version changes
    when a term is renamed), in one cache round trip; those missing are computed and stored."""
    filterset.form.is_valid()  # queryset_without() reads the cleaned values
    filterset.estimates = False  # its counts are shown unmarked: exact, even for a broad search (estimates.py)
    names = ["country", "theme", "region"] if with_charts else ["country"]
    items = [_facet_item(filterset, name) for name in names]
    # The terms' names change when a curator renames, adds or deletes one, which moves ``all``: not at a publication.
    items += [(f"insight-{name}-terms", (get_language(),), TERMS[name], frozenset()) for name in names]
    keys = [*names, *(f"{name}_terms" for name in names)]
    if with_charts:
        rows = filterset.qs.for_listing().order_by()
        # The listing paginator's key, and its dependency keys; counted as the listing counts (the bitmaps' size for
        # facets and years).
        total = partial(_total, filterset, rows)
        items.append(("count", queryset_key(rows), total, dependencies.of_filters(filterset)))
        years = _without_years(filterset)
        items.append(("years", queryset_key(years), partial(year_spans, years)))
        keys += ["total", "years"]
    return dict(zip(keys, cached_many(items), strict=True))


def _total(filterset: InitiativeFilter, rows) -> int:
    found = filterset.result_ids()
    return len(found) if found is not None else rows.count()


# --- links ------------------------------------------------------------------------------------------------------


def listing_url(params: list[tuple[str, str]], **replace) -> str:
    """The listing with ``params``, the parameters named in ``replace`` set to its values instead."""
    kept = [(key, value) for key, value in params if key not in replace]
    pairs = sorted(kept + [(key, str(value)) for key, value in replace.items()])
    return f"{reversing.reverse('initiatives:list')}?{urlencode(pairs)}"


# --- the map ----------------------------------------------------------------------------------------------------


def steps_for(highest: int) -> list[Legend]:
    """At most ``STEPS`` classes from 1 to ``highest``, their bounds spaced evenly on a log scale (a few countries
    have many initiatives, most a few)."""
    if highest <= 0:
        return []
    lows = sorted({1, *(math.ceil(highest ** (i / STEPS)) for i in range(1, STEPS))})
    lows = [low for low in lows if low <= highest]
    highs = [low - 1 for low in lows[1:]] + [highest]
    return [Legend(step=i + 1, low=low, high=high) for i, (low, high) in enumerate(zip(lows, highs, strict=True))]


def step_of(count: int, legend: list[Legend]) -> int:
    for item in legend:
        if item.low <= count <= item.high:
            return item.step
    return 0


def shapes_for(country_counts: dict[int, int], terms, params, selected: set[int]) -> tuple[list[Shape], list[Legend]]:
    countries = {m49: (pk, code, name) for pk, m49, code, name in terms}
    legend = steps_for(max(country_counts.values(), default=0))
    shapes = []
    for m49, shape in world_map()["countries"].items():
        item = Shape(code=m49, d=shape["d"], name=shape["name"])
        if m49 in countries:
            pk, code, item.name = countries[m49]
            item.count = country_counts.get(pk, 0)
            item.selected = pk in selected
            if item.count:
                item.step = step_of(item.count, legend)
                item.url = listing_url(params, country=code)
        shapes.append(item)
    return shapes, legend


def build(filterset: InitiativeFilter, *, with_charts: bool = True) -> Insight:
    counted = counts_for(filterset, with_charts=with_charts)
    params = understood_pairs(filterset)
    selected = {term.pk for term in filterset.selected_terms("country")}
    shapes, legend = shapes_for(counted["country"], counted["country_terms"], params, selected)
    atlas = world_map()
    insight = Insight(
        total=counted.get("total", 0),
        shapes=shapes,
        unassigned=[area["d"] for area in atlas["without_m49"]],
        legend=legend,
        countries=sorted((s for s in shapes if s.count), key=lambda s: (-s.count, s.name)),
        width=atlas["width"],
        height=atlas["height"],
        view_box=atlas["viewBox"],
        sphere=atlas["sphere"],
    )
    if with_charts:
        insight.themes = _theme_bars(counted["theme"], counted["theme_terms"], params)
        insight.years = _year_bars(counted["years"], params)
        insight.regions = _region_bars(counted["region"], counted["region_terms"], params)
    return insight


# --- the charts ---------------------------------------------------------------------------------------------------


def _scaled(bars: list[Bar]) -> list[Bar]:
    highest = max((bar.count for bar in bars), default=0)
    for bar in bars:
        bar.length = round(100 * bar.count / highest, 1) if highest else 0
    return bars


def _theme_bars(theme_counts: dict[int, int], terms, params) -> list[Bar]:
    bars = []
    for pk, number, slug, name in terms:
        n = theme_counts.get(pk, 0)
        bars.append(Bar(label=name, number=str(number), count=n, url=listing_url(params, theme=slug) if n else ""))
    return _scaled(bars)


def _year_bars(spans, params) -> list[Bar]:
    per_year = active_per_year(spans, this_year=timezone.localdate().year)
    bars = [
        Bar(
            label=str(year),
            number=str(year),
            count=n,
            url=listing_url(params, year_from=year, year_to=year) if n else "",
        )
        for year, n in per_year.items()
    ]
    return _scaled(bars)


def _region_bars(region_counts: dict[int, int], terms, params) -> list[Bar]:
    """M49 regions, each followed by its sub-regions (and their intermediate regions), those with initiatives."""
    children: dict[int | None, list[tuple]] = {}
    for term in terms:
        children.setdefault(term[1], []).append(term)
    bars: list[Bar] = []

    def walk(parent_id):
        for pk, _parent, slug, name, level in sorted(children.get(parent_id, []), key=lambda term: term[3]):
            n = region_counts.get(pk, 0)
            if n:
                bars.append(Bar(label=name, count=n, url=listing_url(params, region=slug), level=level))
                walk(pk)

    walk(None)
    return _scaled(bars)


# --- the page -----------------------------------------------------------------------------------------------------


class InsightsView(CachedForVisitorsMixin, TemplateView):
    """The insight page of a listing: ``/initiatives/insights/?theme=…``, the listing's filters; cached whole for
    anonymous visitors like the listing, under the same normal form of its query string."""

    template_name = "initiatives/insights.html"

    def page_cache_query(self) -> str | None:
        return cache_query(self.request.GET, unread=PRESENTATION)  # (one page, in no order)

    def page_is_canonical(self) -> bool:
        return self.listing.understood

    def get_context_data(self, **kwargs):
        self.listing = Listing(self.request.GET)
        filterset = self.listing.filterset
        params = self.listing.followed_pairs()
        return super().get_context_data(
            insight=build(filterset),
            filterset=filterset,
            chips=self.listing.chips,
            ignored=filterset.ignored_parameters,
            listing_url=listing_url(params),
            **kwargs,
        )
