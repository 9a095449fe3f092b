"""The pure builder: synthetic initiative ``n`` of seed ``S`` from its own ``random.Random("S:n")`` and a snapshot
of the taxonomy (``Pools``), before anything touches the database.

Its output for a seed is what benchmarks are compared on (bench/pages.py reads ``synthetic-1-<n>``): a change here
or in the vocabulary changes every benchmark's data.
"""

import calendar
import datetime
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from initiatives.models import Category, Country, GuidingPrinciple, Initiative, Involvement, Region, Theme

from . import prose
from .vocabulary import (
    CATEGORY_NOUNS,
    CATEGORY_WEIGHTS,
    ORG_ADJECTIVES,
    ORG_CITIES,
    ORG_FIELDS,
    ORG_FORMS,
    PROMINENT_COUNTRIES,
    TAG_POOL,
    TOPICS,
)

SLUG_PREFIX = "synthetic"
ORGANISATION_SLUG_PREFIX = "synthetic-org-"
ORGANISATION_POOL_SIZE = 300
FIRST_START_YEAR, LAST_START_YEAR = 1995, 2026
PUBLISHED_SPAN = datetime.timedelta(days=10 * 365)


def initiative_slug(*, seed: int, number: int) -> str:
    """The slug of synthetic initiative ``number`` (1-based) of ``seed``."""
    return f"{SLUG_PREFIX}-{seed}-{number}"


class OrganisationSpec(NamedTuple):
    slug: str
    name: str
    acronym: str
    website: str


def organisation_pool() -> tuple[OrganisationSpec, ...]:
    """The 300 synthetic organisations, always the same ones (slugs ``synthetic-org-001`` …)."""
    rng = random.Random("synthetic-organisations")
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < ORGANISATION_POOL_SIZE:
        name = rng.choice(ORG_FORMS).format(
            city=rng.choice(ORG_CITIES), field=rng.choice(ORG_FIELDS), adj=rng.choice(ORG_ADJECTIVES)
        )
        if name not in seen:
            seen.add(name)
            names.append(name)
    pool = []
    for index, name in enumerate(names, start=1):
        slug = f"{ORGANISATION_SLUG_PREFIX}{index:03d}"
        acronym = prose.acronym(name) if rng.random() < 0.6 else ""
        if len(acronym) < 2:
            acronym = ""
        website = f"https://{slug}.example.org/" if rng.random() < 0.7 else ""
        pool.append(OrganisationSpec(slug, name, acronym, website))
    return tuple(pool)


# --- The taxonomy snapshot and the pure builder ---------------------------------------------------


class RegionInfo(NamedTuple):
    pk: int
    m49_code: str
    name: str
    parent_id: int | None


class CountryInfo(NamedTuple):
    pk: int
    code: str
    name: str
    region_id: int | None


class Pools:
    """What the builder chooses from, read once from the database (or given, in tests).

    Every list is ordered by a natural key (slug, objective number, M49 or ISO code), so the same
    seed picks the same terms in any database that holds the same taxonomy, whatever the pks.
    """

    def __init__(
        self,
        *,
        categories: Sequence[tuple[str, int]],
        themes: Sequence[tuple[int | None, int]],
        principles: Sequence[int],
        regions: Sequence[RegionInfo],
        countries: Sequence[CountryInfo],
        organisations: Sequence[OrganisationSpec] | None = None,
        tags: Sequence[str] = TAG_POOL,
    ):
        self.categories = tuple(sorted(categories))
        self.category_weights = tuple(CATEGORY_WEIGHTS.get(slug, 10) for slug, _pk in self.categories)
        self.themes = tuple(sorted(themes, key=lambda item: (item[0] is None, item[0] or 0, item[1])))
        self.theme_by_number = dict(self.themes)
        self.principles = tuple(principles)
        self.regions = tuple(sorted(regions, key=lambda r: r.m49_code))
        self.region_by_pk = {region.pk: region for region in self.regions}
        self.countries = tuple(sorted(countries, key=lambda c: c.code))
        self.organisations = tuple(organisations if organisations is not None else organisation_pool())
        self.tags = tuple(tags)
        self.tag_set = frozenset(self.tags)
        # Each region with its ancestors (the closure services.region_closure computes), once.
        self.closure: dict[int, frozenset[int]] = {}
        for region in self.regions:
            chain, node = [], region.pk
            while node is not None and node not in chain:
                chain.append(node)
                node = self.region_by_pk[node].parent_id if node in self.region_by_pk else None
            self.closure[region.pk] = frozenset(chain)
        # The countries inside each region (at any depth), and the regions holding two or more.
        inside: dict[int, list[CountryInfo]] = {region.pk: [] for region in self.regions}
        for country in self.countries:
            for region_pk in self.closure.get(country.region_id, ()):
                inside[region_pk].append(country)
        self.countries_in = {pk: tuple(members) for pk, members in inside.items()}
        self.clusters = tuple(region for region in self.regions if len(self.countries_in[region.pk]) >= 2)

    @classmethod
    def from_database(cls) -> "Pools":
        return cls(
            categories=list(Category.objects.values_list("slug", "pk")),
            themes=list(Theme.objects.values_list("number", "pk")),
            principles=list(GuidingPrinciple.objects.order_by("number").values_list("pk", flat=True)),
            regions=[RegionInfo(*row) for row in Region.objects.values_list("pk", "m49_code", "name", "parent_id")],
            countries=[CountryInfo(*row) for row in Country.objects.values_list("pk", "code", "name", "region_id")],
        )

    def covered(self, region_ids: Iterable[int]) -> frozenset[int]:
        """The given regions and all their ancestors."""
        result: set[int] = set()
        for pk in region_ids:
            result |= self.closure.get(pk, {pk})
        return frozenset(result)


@dataclass(frozen=True)
class InitiativeData:
    """Everything about one synthetic initiative, before it touches the database."""

    number: int
    slug: str
    title: str
    acronym: str
    summary: str
    description: str
    category_id: int
    scope: str
    theme_ids: tuple[int, ...]
    principle_ids: tuple[int, ...]
    region_ids: tuple[int, ...]
    country_ids: tuple[int, ...]
    covered_region_ids: tuple[int, ...]
    involvements: tuple[tuple[str, str, str], ...]  # (organisation slug, role, note)
    tags: tuple[str, ...]
    start_date: datetime.date | None
    start_precision: str
    end_date: datetime.date | None
    end_precision: str
    ongoing: bool
    website: str
    submitter_honorific: str
    submitter_name: str
    submitter_organisation: str
    submitter_email: str
    submitted_on: datetime.date | None
    published_at: datetime.datetime
    featured: bool

    def model_fields(self) -> dict:
        """The Initiative's own columns (the text is English, written in its own columns whatever the active
        language: bulk_create does not run Initiative.save)."""
        return {
            "language": "en",
            "title_en": self.title,
            "acronym_en": self.acronym,
            "slug": self.slug,
            "summary_en": self.summary,
            "description_en": self.description,
            "description_html_en": prose.description_html(self.description),
            "category_id": self.category_id,
            "scope": self.scope,
            "start_date": self.start_date,
            "start_precision": self.start_precision,
            "end_date": self.end_date,
            "end_precision": self.end_precision,
            "ongoing": self.ongoing,
            "website": self.website,
            "submitter_honorific": self.submitter_honorific,
            "submitter_name": self.submitter_name,
            "submitter_organisation": self.submitter_organisation,
            "submitter_email": self.submitter_email,
            "submitted_on": self.submitted_on,
            "status": Initiative.Status.PUBLISHED,
            "published_at": self.published_at,
            "featured": self.featured,
        }


def _pick_countries(rng: random.Random, members: Sequence[CountryInfo], count: int) -> list[CountryInfo]:
    """``count`` distinct countries of ``members``, most of them prominent ones when there are any."""
    prominent = [c for c in members if c.code in PROMINENT_COUNTRIES]
    chosen: list[CountryInfo] = []
    count = min(count, len(members))
    while len(chosen) < count:
        source = prominent if prominent and rng.random() < 0.75 else members
        country = rng.choice(source)
        if country not in chosen:
            chosen.append(country)
        elif all(c in chosen for c in source):
            prominent = []
    return chosen


class _Geography(NamedTuple):
    scope: str
    regions: tuple[RegionInfo, ...]
    countries: tuple[CountryInfo, ...]
    place: str  # for titles; "" when global
    pair: str  # "Morocco and Spain" when exactly two countries, else ""


def _join(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _geography(rng: random.Random, pools: Pools) -> _Geography:
    roll = rng.random()
    if roll < 0.10 or not pools.countries:  # global: no regions, no countries
        return _Geography(Initiative.Scope.GLOBAL, (), (), "", "")
    if roll < 0.20 and pools.regions:  # one or two regions, no countries
        regions = tuple(rng.sample(pools.regions, rng.choice((1, 1, 1, 2))))
        return _Geography(Initiative.Scope.REGIONAL, regions, (), _join([r.name for r in regions]), "")
    if roll < 0.52 and pools.clusters:  # several countries, mostly within one region
        cluster = rng.choice(pools.clusters)
        members = pools.countries_in[cluster.pk]
        countries = _pick_countries(rng, members, rng.randint(2, 5))
        if rng.random() < 0.15 and len(countries) < 5:  # with a partner from elsewhere
            outsider = rng.choice(pools.countries)
            if outsider not in countries:
                countries.append(outsider)
        regions = (cluster,) if rng.random() < 0.6 else ()
        scope = Initiative.Scope.REGIONAL if rng.random() < 0.9 else ""
        pair = _join([c.name for c in countries]) if len(countries) == 2 else ""
        return _Geography(scope, regions, tuple(countries), cluster.name, pair)
    if roll < 0.60 and len(pools.countries) >= 2:  # a few countries from anywhere
        countries = _pick_countries(rng, pools.countries, rng.randint(2, 4))
        pair = _join([c.name for c in countries]) if len(countries) == 2 else ""
        place = pair or _join([c.name for c in countries])
        return _Geography(rng.choice((Initiative.Scope.REGIONAL, "")), (), tuple(countries), place, pair)
    country = _pick_countries(rng, pools.countries, 1)[0]  # national or local
    regions = ()
    if country.region_id in pools.region_by_pk and rng.random() < 0.3:
        regions = (pools.region_by_pk[country.region_id],)
    scope = rng.choices((Initiative.Scope.NATIONAL, Initiative.Scope.LOCAL, ""), (75, 20, 5))[0]
    return _Geography(scope, regions, (country,), country.name, "")


def _partial_date(rng: random.Random, year: int, *, end: bool) -> tuple[datetime.date, str]:
    """A date known to the year (most often), the month or the day; ends fall on the period's last day."""
    precision = rng.choices(("year", "month", "day"), (55, 30, 15))[0]
    if precision == "year":
        return (datetime.date(year, 12, 31) if end else datetime.date(year, 1, 1)), precision
    month = rng.randint(1, 12)
    last = calendar.monthrange(year, month)[1]
    if precision == "month":
        return datetime.date(year, month, last if end else 1), precision
    return datetime.date(year, month, rng.randint(1, last)), precision


def _dates(rng: random.Random) -> tuple[datetime.date | None, str, datetime.date | None, str, bool]:
    start, start_precision = None, "year"
    if rng.random() < 0.93:
        year = min(LAST_START_YEAR, int(rng.triangular(FIRST_START_YEAR, LAST_START_YEAR + 1, 2018)))
        start, start_precision = _partial_date(rng, year, end=False)
    roll = rng.random()
    if roll < 0.35:  # ongoing: no end
        return start, start_precision, None, "year", True
    if roll < 0.45 or start is None:  # end not known
        return start, start_precision, None, "year", False
    years = rng.choices((0, 1, 2, 3, 4, 5, 6, 8, 10), (8, 12, 20, 22, 15, 10, 6, 4, 3))[0]
    end, end_precision = _partial_date(rng, start.year + years, end=True)
    if end < start:
        end, end_precision = start, start_precision
    return start, start_precision, end, end_precision, False


ROLE_CHOICES = (
    Involvement.Role.PARTNER,
    Involvement.Role.PARTNER,
    Involvement.Role.IMPLEMENTER,
    Involvement.Role.ASSOCIATE,
    Involvement.Role.FUNDER,
    Involvement.Role.FUNDER,
)


def build_initiative(*, seed: int, number: int, pools: Pools, now: datetime.datetime) -> InitiativeData:
    """Synthetic initiative ``number`` of ``seed``: a pure function of its arguments."""
    rng = random.Random(f"{seed}:{number}")
    category_slug, category_id = rng.choices(pools.categories, pools.category_weights)[0]
    topic, other = rng.sample(TOPICS, 2)
    phrase = rng.choice(topic.phrases)
    phrase2 = rng.choice(other.phrases if rng.random() < 0.6 else [p for p in topic.phrases if p != phrase] or [phrase])
    geo = _geography(rng, pools)

    title = prose.title(
        rng,
        category_slug=category_slug,
        topic=phrase,
        topic2=phrase2,
        place=geo.place,
        pair=geo.pair,
        countries=len(geo.countries),
    )
    acronym = ""
    if rng.random() < 0.4:
        candidate = prose.acronym(title.replace(geo.place, "") if geo.place else title)
        if 3 <= len(candidate) <= 6:
            acronym = candidate
            if rng.random() < 0.25 and len(title) + len(acronym) + 3 <= 300:
                title = f"{title} ({acronym})"

    # Themes: the topic's objectives first, then others; now and then "General".
    wanted = rng.choices((1, 2, 3, 4), (30, 35, 22, 13))[0]
    theme_ids = [pools.theme_by_number[n] for n in topic.themes + other.themes if n in pools.theme_by_number]
    theme_ids = list(dict.fromkeys(theme_ids))[:wanted]
    if None in pools.theme_by_number and rng.random() < 0.05 and len(theme_ids) < wanted:
        theme_ids.append(pools.theme_by_number[None])
    while len(theme_ids) < wanted and len(theme_ids) < len(pools.themes):
        pk = rng.choice(pools.themes)[1]
        if pk not in theme_ids:
            theme_ids.append(pk)
    if not theme_ids and pools.themes:
        theme_ids.append(rng.choice(pools.themes)[1])
    principle_count = min(len(pools.principles), rng.choices((0, 1, 2, 3), (25, 30, 25, 20))[0])
    principle_ids = sorted(rng.sample(pools.principles, principle_count))

    region_ids = tuple(r.pk for r in geo.regions)
    country_ids = tuple(c.pk for c in geo.countries)
    direct = set(region_ids) | {c.region_id for c in geo.countries if c.region_id is not None}
    covered = tuple(sorted(pools.covered(direct)))

    organisations = rng.sample(
        pools.organisations, min(len(pools.organisations), rng.choices((1, 2, 3, 4), (35, 30, 20, 15))[0])
    )
    involvements = []
    for index, org in enumerate(organisations):
        role = Involvement.Role.IMPLEMENTER if index == 0 else rng.choice(ROLE_CHOICES)
        note = f"from {rng.randint(2005, 2025)}" if rng.random() < 0.08 else ""
        involvements.append((org.slug, str(role), note))
    lead = organisations[0] if organisations else None

    tag_count = rng.choices((0, 1, 2, 3, 4, 5), (10, 18, 25, 22, 15, 10))[0]
    own = rng.sample(topic.tags, len(topic.tags))
    extra = list(other.tags[:2]) + rng.sample(pools.tags, min(3, len(pools.tags)))
    candidates = own[: max(1, round(tag_count * 0.6))] + rng.sample(extra, len(extra)) + own
    tags: list[str] = []
    for tag in candidates:
        if len(tags) == tag_count:
            break
        if tag in pools.tag_set and tag not in tags:
            tags.append(tag)

    start, start_precision, end, end_precision, ongoing = _dates(rng)
    published_at = now - datetime.timedelta(seconds=rng.randrange(int(PUBLISHED_SPAN.total_seconds())))
    submitted_on = None
    if rng.random() < 0.7:
        submitted_on = (published_at - datetime.timedelta(days=rng.randrange(0, 240))).date()

    noun = rng.choice(CATEGORY_NOUNS.get(category_slug, ("initiative", "programme")))
    subject = acronym if acronym and rng.random() < 0.7 else f"The {noun}"
    lead_name = lead.name if lead else "a consortium of partners"
    ctx = {
        "subject": subject,
        "subject_lower": subject if acronym and subject == acronym else f"the {noun}",
        "noun": noun,
        "where": geo.place or "countries of origin, transit and destination",
        "aims": topic.aims + other.aims[:1],
        "org": lead_name,
        "topic2_lower": phrase2.lower(),
        "start_year": start.year if start else None,
    }
    summary = prose.summary(rng, ctx)
    description = prose.description(rng, ctx)
    honorific, name, submitter_org, email = prose.submitter(rng, lead_name if lead else "")
    slug = initiative_slug(seed=seed, number=number)
    return InitiativeData(
        number=number,
        slug=slug,
        title=title,
        acronym=acronym,
        summary=summary,
        description=description,
        category_id=category_id,
        scope=str(geo.scope),
        theme_ids=tuple(theme_ids),
        principle_ids=tuple(principle_ids),
        region_ids=region_ids,
        country_ids=country_ids,
        covered_region_ids=covered,
        involvements=tuple(involvements),
        tags=tuple(tags),
        start_date=start,
        start_precision=start_precision,
        end_date=end,
        end_precision=end_precision,
        ongoing=ongoing,
        website=f"https://www.example.org/initiatives/{slug}/" if rng.random() < 0.45 else "",
        submitter_honorific=honorific,
        submitter_name=name,
        submitter_organisation=submitter_org,
        submitter_email=email,
        submitted_on=submitted_on,
        published_at=published_at,
        featured=rng.random() < 0.003,
    )


def build_initiatives(
    *, seed: int, numbers: Iterable[int], pools: Pools, now: datetime.datetime
) -> list[InitiativeData]:
    """``build_initiative`` for each of ``numbers``."""
    return [build_initiative(seed=seed, number=number, pools=pools, now=now) for number in numbers]


# --- Writing ------------------------------------------------------------------------------------
