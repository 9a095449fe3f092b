"""Synthetic initiatives for benchmarks and load tests.

``generate(count=N, seed=S)`` adds the published initiatives ``synthetic-S-1`` … ``synthetic-S-N``.
It is deterministic and idempotent:

- Initiative number ``n`` of seed ``S`` is built from its own ``random.Random("S:n")``, so its title,
  text, taxonomy terms, organisations, tags and dates are the same on every run and do not depend on
  which other numbers are built (generating 200 after 100 adds 100 and keeps the first 100 as they
  were). Only ``published_at`` and ``submitted_on`` are offsets from the moment of the run.
- Slugs that already exist are skipped, so running the same command twice duplicates nothing.

The taxonomy (categories, themes, countries; regions and guiding principles are used when present)
must be loaded first. A pool of 300 synthetic organisations (``synthetic-org-001`` …) and about 150
tags is created once, then reused by every seed.

Writing is done in bulk, one transaction per batch: the initiatives, their many-to-many rows
(themes, principles, regions, countries and the derived ``covered_regions``), the involvements and
the tagged items. The PostgreSQL search vectors (one per language) are filled by their trigger; the
"did you mean" vocabulary is rebuilt once at the end.
"""

import calendar
import datetime
import random
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag, TaggedItem

from . import counts, markup, search
from .models import Category, Country, GuidingPrinciple, Initiative, Involvement, Organisation, Region, Theme

SLUG_PREFIX = "synthetic"
ORGANISATION_SLUG_PREFIX = "synthetic-org-"
ORGANISATION_POOL_SIZE = 300
FIRST_START_YEAR, LAST_START_YEAR = 1995, 2026
PUBLISHED_SPAN = datetime.timedelta(days=10 * 365)

ProgressCallback = Callable[[int, int], None]


class TaxonomyMissing(Exception):
    """The taxonomy the generator files initiatives under has not been loaded."""


def initiative_slug(*, seed: int, number: int) -> str:
    """The slug of synthetic initiative ``number`` (1-based) of ``seed``."""
    return f"{SLUG_PREFIX}-{seed}-{number}"


def check_taxonomy() -> None:
    """Raise ``TaxonomyMissing`` unless there are categories, themes and countries to choose from."""
    missing = [
        label
        for label, model in (("categories", Category), ("themes", Theme), ("countries", Country))
        if not model.objects.exists()
    ]
    if missing:
        raise TaxonomyMissing(
            f"The taxonomy is not loaded (no {', '.join(missing)}). Run `manage.py load_taxonomy` first."
        )


# --- Word lists ---------------------------------------------------------------------------------


class Topic(NamedTuple):
    phrases: tuple[str, ...]  # Title Case, for titles
    themes: tuple[int, ...]  # GCM objective numbers
    tags: tuple[str, ...]
    aims: tuple[str, ...]  # verb phrases: "to …"


TOPICS: tuple[Topic, ...] = (
    Topic(
        ("Labour Mobility", "Labour Migration Governance", "Circular Migration", "Regular Labour Pathways"),
        (5, 6),
        ("labour migration", "labour mobility", "circular migration", "seasonal work", "work permits"),
        (
            "open regular pathways for labour migration",
            "match workers' skills with labour market needs",
            "improve the governance of labour migration",
            "support circular and seasonal work schemes",
            "protect the rights of migrant workers throughout the migration cycle",
        ),
    ),
    Topic(
        ("Fair Recruitment", "Ethical Recruitment", "Decent Work for Migrant Workers", "Domestic Workers' Rights"),
        (6, 7),
        ("fair recruitment", "decent work", "domestic workers", "recruitment fees", "labour inspection"),
        (
            "eliminate recruitment fees charged to workers",
            "strengthen the oversight of private recruitment agencies",
            "promote decent working conditions for migrant workers",
            "give migrant domestic workers access to complaint mechanisms",
        ),
    ),
    Topic(
        ("Diaspora Engagement", "Diaspora Investment", "Diaspora Knowledge Transfer", "Diaspora Entrepreneurship"),
        (19,),
        ("diaspora", "diaspora engagement", "diaspora investment", "knowledge transfer", "entrepreneurship"),
        (
            "mobilise the skills and investments of the diaspora",
            "strengthen the ties between diaspora communities and their countries of origin",
            "support diaspora entrepreneurs investing at home",
            "organise short knowledge-transfer missions by diaspora professionals",
        ),
    ),
    Topic(
        ("Remittances", "Remittances for Development", "Financial Inclusion of Migrants", "Digital Remittances"),
        (20, 19),
        ("remittances", "financial inclusion", "financial literacy", "digital payments", "mobile money"),
        (
            "reduce the cost of sending money home",
            "channel remittances into productive investment",
            "expand access to digital financial services for migrants and their families",
            "improve the financial literacy of migrant households",
        ),
    ),
    Topic(
        ("Return and Reintegration", "Sustainable Reintegration", "Assisted Voluntary Return"),
        (21,),
        ("return", "reintegration", "assisted voluntary return", "psychosocial support", "returnees"),
        (
            "support the sustainable reintegration of returning migrants",
            "provide psychosocial and economic support to returnees",
            "strengthen national referral systems for returning migrants",
            "involve communities of return in reintegration planning",
        ),
    ),
    Topic(
        ("Skills Recognition", "Global Skills Partnerships", "Recognition of Qualifications", "Vocational Training"),
        (18, 5),
        ("skills recognition", "qualifications framework", "vocational training", "skills partnerships"),
        (
            "recognise the skills and qualifications of migrants",
            "develop skills partnerships between countries of origin and destination",
            "align vocational training with labour market needs",
            "make qualifications comparable across borders",
        ),
    ),
    Topic(
        ("Counter-Trafficking", "Protection of Trafficking Survivors", "Prevention of Human Trafficking"),
        (10, 7),
        ("human trafficking", "victim protection", "forced labour", "prosecution", "child protection"),
        (
            "identify and protect victims of trafficking",
            "strengthen the prosecution of traffickers",
            "prevent trafficking through awareness and community outreach",
            "improve cooperation between law enforcement and victim support services",
        ),
    ),
    Topic(
        ("Countering Migrant Smuggling", "Cooperation against Migrant Smuggling"),
        (9, 11),
        ("migrant smuggling", "law enforcement", "judicial cooperation", "organised crime"),
        (
            "dismantle migrant smuggling networks",
            "protect smuggled migrants from abuse",
            "strengthen judicial cooperation against smuggling",
        ),
    ),
    Topic(
        ("Integrated Border Management", "Border Governance", "Humanitarian Border Management"),
        (11, 12),
        ("border management", "border officials", "screening", "referral mechanisms"),
        (
            "strengthen border management in line with human rights",
            "improve the screening and referral of vulnerable migrants at borders",
            "train border officials on protection-sensitive procedures",
        ),
    ),
    Topic(
        ("Migration Data", "Migration Statistics", "Evidence-Based Migration Policy", "Migration Profiles"),
        (1, 23),
        ("migration data", "statistics", "census", "surveys", "migration profiles", "data sharing"),
        (
            "improve the collection and use of migration data",
            "harmonise migration statistics across countries",
            "inform policy with reliable evidence",
            "build the capacity of national statistical offices",
        ),
    ),
    Topic(
        ("Migrant Integration", "Social Cohesion", "Inclusive Cities", "Anti-Discrimination"),
        (16, 17),
        ("integration", "social cohesion", "xenophobia", "public perceptions", "cities", "local authorities"),
        (
            "promote the inclusion of migrants in host communities",
            "counter xenophobia and discrimination",
            "support local authorities to welcome newcomers",
            "change public perceptions of migration through evidence",
        ),
    ),
    Topic(
        ("Climate Mobility", "Disaster Displacement", "Addressing Drivers of Migration", "Community Resilience"),
        (2, 5),
        ("climate change", "disaster displacement", "environmental migration", "resilience", "planned relocation"),
        (
            "address the adverse drivers that compel people to leave their homes",
            "prepare for displacement caused by disasters and climate change",
            "build the resilience of communities affected by environmental change",
            "plan relocation together with the communities concerned",
        ),
    ),
    Topic(
        ("Legal Identity", "Civil Registration", "Travel Document Security"),
        (4,),
        ("legal identity", "civil registration", "statelessness", "travel documents", "birth registration"),
        (
            "provide migrants with proof of legal identity",
            "reduce and prevent statelessness",
            "modernise civil registration and travel documents",
        ),
    ),
    Topic(
        ("Migrant Health", "Access to Basic Services", "Education for Migrant Children", "Access to Justice"),
        (15, 7),
        ("migrant health", "education", "access to services", "access to justice", "housing"),
        (
            "ensure access to health care for migrants regardless of status",
            "enrol migrant children in school",
            "remove barriers to basic services",
            "train service providers to respond to migrants' needs",
        ),
    ),
    Topic(
        ("Social Protection", "Portability of Social Security", "Social Security Agreements"),
        (22,),
        ("social protection", "social security", "pensions", "portability of benefits"),
        (
            "make social security benefits portable across borders",
            "extend social protection to migrant workers and their families",
            "negotiate bilateral social security agreements",
        ),
    ),
    Topic(
        ("Consular Protection", "Consular Assistance to Migrants", "Migrant Resource Centres"),
        (14, 3),
        ("consular services", "migrant resource centres", "crisis response"),
        (
            "strengthen consular assistance to nationals abroad",
            "support migrants caught in crises in their countries of destination",
            "coordinate consular networks across the region",
        ),
    ),
    Topic(
        ("Alternatives to Immigration Detention", "Community-Based Case Management"),
        (13, 7),
        ("alternatives to detention", "case management", "children on the move"),
        (
            "develop community-based alternatives to immigration detention",
            "end the detention of migrant children",
            "introduce case management for people in migration procedures",
        ),
    ),
    Topic(
        ("Missing Migrants", "Search and Rescue", "Saving Lives at Sea"),
        (8,),
        ("missing migrants", "search and rescue", "forensic identification", "family tracing"),
        (
            "prevent migrant deaths and disappearances",
            "identify missing migrants and inform their families",
            "coordinate search and rescue operations",
        ),
    ),
    Topic(
        ("Safe Migration Awareness", "Pre-Departure Orientation", "Migration Information Centres"),
        (3,),
        ("pre-departure orientation", "awareness raising", "information campaigns", "digital services", "hotlines"),
        (
            "provide accurate information at every stage of migration",
            "prepare prospective migrants before departure",
            "counter misinformation about migration",
        ),
    ),
    Topic(
        ("Regional Cooperation on Migration", "Migration Policy Dialogue", "Migration and Development"),
        (23, 1),
        ("regional cooperation", "policy dialogue", "migration and development", "development cooperation"),
        (
            "foster dialogue between countries of origin, transit and destination",
            "make migration policy coherent across government",
            "mainstream migration into development planning",
            "share good practices between governments",
        ),
    ),
)

GENERAL_TAGS = (
    "gender",
    "youth",
    "women",
    "children",
    "private sector",
    "trade unions",
    "civil society",
    "covid-19",
    "digitalisation",
    "innovation",
    "south-south cooperation",
    "rural areas",
    "urban areas",
    "refugees",
    "internal migration",
    "irregular migration",
    "research",
    "training",
    "toolkit",
    "good practice",
    "peer learning",
    "monitoring and evaluation",
    "sustainable development goals",
    "human rights",
    "migrant workers",
    "agriculture",
    "health workers",
    "care work",
    "construction",
    "tourism",
    "seafarers",
    "students",
    "older persons",
    "persons with disabilities",
    "indigenous peoples",
    "employers",
    "municipalities",
    "capacity building",
    "legal aid",
    "language learning",
    "employment services",
    "small businesses",
    "microfinance",
    "public health",
    "mental health",
    "family reunification",
    "unaccompanied children",
    "ministries of labour",
    "parliaments",
    "media",
    "anti-discrimination",
    "whole-of-government",
    "whole-of-society",
    "crisis response",
    "humanitarian action",
    "labour market information",
    "professional licensing",
    "student mobility",
    "brain circulation",
    "communication",
)

# ~150 names: every topic's tags and the general ones, sorted so the pool never depends on set order.
TAG_POOL: tuple[str, ...] = tuple(sorted({tag for topic in TOPICS for tag in topic.tags} | set(GENERAL_TAGS)))

ACTIONS = (
    "Strengthening",
    "Improving",
    "Promoting",
    "Supporting",
    "Enhancing",
    "Advancing",
    "Building Capacity for",
    "Scaling Up",
    "Mainstreaming",
    "Towards Better",
)
WHOM = (
    "Local Authorities",
    "Employers",
    "Migrant Workers",
    "Consular Staff",
    "Social Workers",
    "Border Officials",
    "Journalists",
    "Trade Unions",
    "Policymakers",
    "Youth Organisations",
    "Health Professionals",
)
ORDINALS = ("2nd", "3rd", "4th", "5th", "6th", "7th", "8th", "9th", "10th", "11th", "12th", "14th")

# Title forms by category slug. A form with {pair} needs exactly two countries; "N|" marks forms for
# one country only and "R|" forms for anything but one country. Global forms have no place.
TITLE_FORMS: dict[str, tuple[str, ...]] = {
    "programmes-and-projects": (
        "{action} {topic} in {place}",
        "{topic} Programme in {place}",
        "{place} {topic} Project",
        "Joint Programme on {topic} and {topic2} in {place}",
        "{action} {topic} for {whom} in {place}",
        "Pilot Project on {topic} in {place}",
    ),
    "policies-and-legislation": (
        "N|{place} National Action Plan on {topic}",
        "Policy Framework on {topic} for {place}",
        "N|{place} Law on {topic}",
        "Strategy on {topic} and {topic2} ({place})",
        "R|Regional Strategy on {topic} for {place}",
    ),
    "partnerships": (
        "{place} Partnership on {topic}",
        "Partnership on {topic} between {pair}",
        "Multi-Stakeholder Alliance for {topic} in {place}",
        "R|{place} Compact on {topic} and {topic2}",
    ),
    "research-and-data": (
        "Study on {topic_lower} in {place}",
        "{place} Survey on {topic}",
        "Assessment of {topic} Policies in {place}",
        "Mapping {topic} Practices in {place}",
        "{topic} Observatory for {place}",
    ),
    "tools-and-guidance": (
        "{topic} Toolkit for {whom}",
        "Handbook on {topic} for {whom}",
        "Guidelines on {topic} in {place}",
        "Training Manual on {topic} and {topic2}",
    ),
    "regional-consultative-processes": (
        "{place} Dialogue on {topic}",
        "Ministerial Conference on {topic} and {topic2} in {place}",
        "R|Regional Consultative Process on {topic} ({place})",
        "Recommendations of the {ordinal} {place} Forum on {topic}",
    ),
}
GENERIC_FORMS = (
    "{action} {topic} in {place}",
    "{topic} Initiative for {place}",
    "{action} {topic} and {topic2} in {place}",
    "{action} {topic} between {pair}",
)
GLOBAL_FORMS = (
    "Global Programme on {topic}",
    "Global {topic} Facility",
    "International Dialogue on {topic}",
    "Global Knowledge Platform on {topic} and {topic2}",
    "{topic} Toolkit for {whom}",
    "Handbook on {topic} for {whom}",
    "{action} {topic} Worldwide",
)
CATEGORY_WEIGHTS = {
    "programmes-and-projects": 35,
    "policies-and-legislation": 15,
    "partnerships": 15,
    "research-and-data": 12,
    "tools-and-guidance": 12,
    "regional-consultative-processes": 11,
}
CATEGORY_NOUNS = {
    "programmes-and-projects": ("programme", "project", "initiative"),
    "policies-and-legislation": ("strategy", "policy", "action plan"),
    "partnerships": ("partnership", "alliance", "initiative"),
    "research-and-data": ("study", "research project", "survey"),
    "tools-and-guidance": ("toolkit", "handbook", "guide"),
    "regional-consultative-processes": ("process", "dialogue", "forum"),
}
ACTORS = (
    "national institutions",
    "local authorities",
    "employers' organisations",
    "civil society organisations",
    "migrant associations",
    "trade unions",
    "public employment services",
    "consular networks",
    "ministries of labour",
    "national statistical offices",
    "municipal governments",
    "recruitment agencies",
    "universities and training providers",
    "financial institutions",
)
BENEFICIARIES = (
    "young women and men",
    "returning migrants",
    "migrant domestic workers",
    "seasonal agricultural workers",
    "migrant children and their families",
    "diaspora entrepreneurs",
    "international students",
    "health workers",
    "women migrant workers",
    "survivors of trafficking",
    "displaced communities",
    "refugees and migrants",
    "prospective migrants",
    "small businesses run by migrants",
)
VERBS = ("supports", "helps", "assists", "works with", "equips", "accompanies")
ACTIVITIES = (
    "training for frontline officials",
    "peer exchanges between municipalities",
    "legal counselling",
    "a telephone hotline",
    "small grants for community projects",
    "online courses",
    "policy dialogues",
    "joint research",
    "awareness campaigns in local languages",
    "mentoring schemes",
    "job matching",
    "language courses",
    "referral to health and social services",
    "technical assistance to ministries",
    "a digital information platform",
)
FINDINGS = (
    "participants were more likely to find decent work within six months",
    "coordination between ministries improved markedly",
    "the approach could be replicated in other regions",
    "costs fell by almost a third",
    "local ownership was the key to sustainability",
    "women benefited less than men at first, which later phases corrected",
    "the referral system was used well beyond the pilot areas",
)
RESULTS = (
    "{n} officials trained",
    "{n} {beneficiaries} reached",
    "{k} bilateral agreements negotiated",
    "{k} municipalities with a local action plan",
    "{n} people counselled before departure",
    "{k} national policies reviewed",
    "{n} returnees supported with business grants",
    "{k} data-sharing protocols adopted",
)
HEADINGS = {
    "objectives": ("Objectives", "Aims", "What it sets out to do"),
    "activities": ("Activities", "Main activities", "How it works"),
    "results": ("Results", "Achievements", "Results so far"),
    "lessons": ("Lessons learned", "What worked", "Challenges"),
    "partners": ("Partners", "Who is involved"),
}
FIRST_NAMES = (
    "Amina", "Ana", "Angelica", "Camille", "Carlos", "Charlotte", "Chen", "Daniel", "Dilnoza", "Elena",
    "Emeka", "Fatima", "Grace", "Hassan", "Ines", "Ivan", "Jana", "José", "Karim", "Kofi",
    "Lucía", "Mai", "Maria", "Mariam", "Mehmet", "Nadia", "Noor", "Olga", "Omar", "Priya",
    "Rafael", "Rania", "Samuel", "Sara", "Siosaia", "Sofia", "Tariq", "Thomas", "Wanjiru", "Yusuf",
    "Zainab", "Zoë", "Aroha", "Bilal", "Chloé", "Dmitri", "Esther", "Farid", "Hana", "Juan",
)  # fmt: skip
LAST_NAMES = (
    "Abdi", "Adeyemi", "Alvarez", "Banda", "Bello", "Chowdhury", "Costa", "Diallo", "Dubois", "Fernández",
    "Fischer", "García", "Haddad", "Hakimi", "Ivanova", "Jansen", "Kamara", "Khan", "Kowalski", "Lee",
    "Mahlangu", "Martin", "Mensah", "Moreno", "Müller", "Nakamura", "Ndiaye", "Nguyen", "Novak", "Okafor",
    "Papadopoulos", "Pérez", "Petrova", "Pinzon", "Rahman", "Rossi", "Saadé", "Santos", "Schmidt", "Silva",
    "Singh", "Suleimenov", "Tan", "Taufa", "Traoré", "Usmonov", "Van Dijk", "Wang", "Yilmaz", "Zapata",
)  # fmt: skip
HONORIFICS = ("Ms.", "Mr.", "Mx.", "Dr.", "")
HONORIFIC_WEIGHTS = (40, 35, 3, 12, 10)

# The organisation pool: built from these with a fixed random stream, the same for every seed.
ORG_CITIES = (
    "Accra", "Addis Ababa", "Almaty", "Amman", "Bangkok", "Beirut", "Bogotá", "Brussels", "Buenos Aires",
    "Cairo", "Casablanca", "Chișinău", "Colombo", "Dakar", "Dhaka", "Geneva", "Guatemala City", "Hanoi",
    "Jakarta", "Johannesburg", "Kathmandu", "Kingston", "Kyiv", "Lima", "Lisbon", "Madrid", "Manila",
    "Mexico City", "Nairobi", "Niamey", "Ottawa", "Quito", "Rabat", "San José", "Santiago", "Suva",
    "Tashkent", "Tbilisi", "Tunis", "Vienna", "Yerevan",
)  # fmt: skip
ORG_FIELDS = (
    "Migration Studies",
    "Labour Mobility",
    "Diaspora Affairs",
    "Migrant Rights",
    "Refugee and Migrant Health",
    "Remittance Innovation",
    "Skills and Mobility",
    "Return and Reintegration",
    "Inclusive Cities",
    "Migration Policy",
    "Human Mobility and Climate",
    "Legal Empowerment",
    "Decent Work",
)
ORG_ADJECTIVES = (
    "Global",
    "Regional",
    "International",
    "African",
    "Asian",
    "Andean",
    "Mediterranean",
    "Pacific",
    "Caribbean",
    "Nordic",
    "Sahel",
    "Balkan",
    "Central Asian",
    "Latin American",
    "Mekong",
    "Euro-African",
)
ORG_FORMS = (
    "{city} Centre for {field}",
    "Institute for {field}",
    "{adj} Network for {field}",
    "Foundation for {field}",
    "{city} Migrant Workers' Association",
    "{adj} Alliance of Diaspora Organisations",
    "Office for {field} of {city}",
    "University of {city} {field} Programme",
    "{adj} Chamber of Commerce and Industry",
    "{city} Trade Union Confederation",
    "{adj} Development Agency",
    "{adj} Fund for {field}",
    "{city} Legal Aid Clinic",
    "{adj} Observatory on {field}",
)
STOP_WORDS = frozenset({"and", "of", "the", "for", "in", "on", "to", "a", "an", "between", "with", "by", "at"})


def _acronym(words: str) -> str:
    """Initials of the significant capitalised words: "Global Fund for Decent Work" → "GFDW"."""
    letters = [
        word[0].upper()
        for word in words.replace("-", " ").replace("(", " ").replace(")", " ").split()
        if word and word[0].isalpha() and word.lower() not in STOP_WORDS and word[0].isupper()
    ]
    return unicodedata.normalize("NFKD", "".join(letters)).encode("ascii", "ignore").decode()


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


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
        acronym = _acronym(name) if rng.random() < 0.6 else ""
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
            "description_html_en": markup.render(self.description),
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


# Countries of origin, transit and destination that most practices name; picked more often than the
# rest of the 249 countries and territories (ISO 3166-1 alpha-2).
PROMINENT_COUNTRIES = frozenset({
    "ma", "tn", "eg", "dz", "ly", "sn", "ml", "ne", "ng", "gh", "ci", "et", "so", "ke", "ug", "za",
    "zw", "cd", "er", "sd", "ss", "ph", "id", "vn", "th", "my", "mm", "kh", "la", "bd", "in", "np",
    "pk", "lk", "af", "ir", "iq", "sy", "jo", "lb", "tr", "ae", "sa", "qa", "kw", "de", "fr", "it",
    "es", "gr", "gb", "nl", "be", "se", "pt", "pl", "ro", "md", "ua", "ge", "am", "az", "kz", "kg",
    "tj", "uz", "ru", "us", "ca", "mx", "gt", "hn", "sv", "co", "ve", "ec", "pe", "br", "ar", "cl",
    "bo", "ht", "jm", "fj", "to", "ws", "pg", "au", "nz", "cn", "jp", "kr",
})  # fmt: skip


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


def _title(rng: random.Random, *, category_slug: str, topic: str, topic2: str, geo: _Geography) -> str:
    if not geo.place:
        forms = GLOBAL_FORMS
    else:
        single = len(geo.countries) == 1
        forms = (
            tuple(
                form.removeprefix("N|").removeprefix("R|")
                for form in TITLE_FORMS.get(category_slug, GENERIC_FORMS)
                if (geo.pair or "{pair}" not in form)
                and (single or not form.startswith("N|"))
                and (not single or not form.startswith("R|"))
            )
            or GENERIC_FORMS[:1]
        )
        if geo.pair and rng.random() < 0.3:
            forms = ("{action} {topic} between {pair}", "{topic} Partnership between {pair}")
    return rng.choice(forms).format(
        action=rng.choice(ACTIONS),
        topic=topic,
        topic_lower=topic[0].lower() + topic[1:] if not topic[:2].isupper() else topic,
        topic2=topic2,
        place=geo.place,
        pair=geo.pair,
        whom=rng.choice(WHOM),
        ordinal=rng.choice(ORDINALS),
    )[:300]


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


def _sentence(text: str) -> str:
    return text[0].upper() + text[1:]


def _summary(rng: random.Random, ctx: dict) -> str:
    openings = [
        "{subject} {verb} {actors} in {where} to {aim}.",
        "{subject} aims to {aim} and to {aim2}.",
        "{subject} brings together {actors} and {actors2} to {aim}.",
        "{subject} {verb} {actors} to {aim}, with a focus on {beneficiaries}.",
    ]
    if ctx["start_year"]:
        openings.append("Launched in {start_year}, {subject_lower} {verb} {actors} to {aim}.")
    following = (
        "It pays particular attention to {beneficiaries}.",
        "Activities include {activity}, {activity2} and {activity3}.",
        "It is implemented by {org}.",
        "It builds on earlier work on {topic2_lower}.",
        "Results are shared through a network of practitioners in {where}.",
        "An independent evaluation found that {finding}.",
        "It also seeks to {aim2}.",
        "It expects to reach {number} {beneficiaries}.",
    )
    count = rng.choices((1, 2, 3, 4), (20, 35, 30, 15))[0]
    parts = [rng.choice(openings)] + rng.sample(following, count - 1)
    return " ".join(_fill(rng, part, ctx) for part in parts)


def _fill(rng: random.Random, template: str, ctx: dict) -> str:
    """Fill one sentence template, drawing only the random values it uses."""
    values = {
        "subject": ctx["subject"],
        "subject_lower": ctx["subject_lower"],
        "where": ctx["where"],
        "org": ctx["org"],
        "topic2_lower": ctx["topic2_lower"],
        "start_year": ctx["start_year"],
    }
    if "{verb}" in template:
        values["verb"] = rng.choice(VERBS)
    if "{actors" in template:
        values["actors"], values["actors2"] = rng.sample(ACTORS, 2)
    if "{aim" in template:
        values["aim"], values["aim2"] = rng.sample(ctx["aims"], 2)
    if "{beneficiaries}" in template:
        values["beneficiaries"] = rng.choice(BENEFICIARIES)
    if "{activity" in template:
        values["activity"], values["activity2"], values["activity3"] = rng.sample(ACTIVITIES, 3)
    if "{finding}" in template:
        values["finding"] = rng.choice(FINDINGS)
    if "{number}" in template:
        values["number"] = f"{rng.randrange(200, 50_000, 50):,}"
    return _sentence(template.format(**values))


def _description(rng: random.Random, ctx: dict) -> str:
    """Markdown: nothing, a paragraph, or several sections with lists."""
    size = rng.choices((0, 1, 2, 3, 4, 5, 6), (15, 25, 15, 15, 12, 10, 8))[0]
    if not size:
        return ""
    paragraph_sentences = (
        "{subject} {verb} {actors} in {where} to {aim}.",
        "It responds to a need expressed by {actors} and {actors2}.",
        "Activities include {activity}, {activity2} and {activity3}.",
        "Particular attention goes to {beneficiaries}.",
        "An independent evaluation found that {finding}.",
        "The work is led by {org} together with {actors}.",
        "It also seeks to {aim2}.",
        "Over time it expects to reach {number} {beneficiaries}.",
        "Lessons from earlier work on {topic2_lower} shaped its design.",
    )

    def paragraph() -> str:
        return " ".join(_fill(rng, s, ctx) for s in rng.sample(paragraph_sentences, rng.randint(2, 5)))

    blocks = [paragraph()]
    sections = rng.sample(("objectives", "activities", "results", "lessons", "partners"), min(size - 1, 5))
    for section in sections:
        heading = f"## {rng.choice(HEADINGS[section])}"
        if section == "objectives":
            items = rng.sample(ctx["aims"], min(len(ctx["aims"]), rng.randint(2, 4)))
            body = "\n".join(f"- {_sentence(item)}" for item in items)
        elif section == "activities":
            body = "\n".join(f"- {_sentence(item)}" for item in rng.sample(ACTIVITIES, rng.randint(3, 6)))
        elif section == "results":
            items = rng.sample(RESULTS, rng.randint(2, 4))
            body = "\n".join(
                f"{i}. "
                + _sentence(
                    item.format(
                        n=f"{rng.randrange(50, 20_000, 10):,}",
                        k=rng.randint(2, 40),
                        beneficiaries=rng.choice(BENEFICIARIES),
                    )
                )
                for i, item in enumerate(items, start=1)
            )
        elif section == "partners":
            first, second = rng.sample(ACTORS, 2)
            body = f"The {ctx['noun']} is run by **{ctx['org']}** with {first} and {second}."
        else:
            body = paragraph()
            if rng.random() < 0.3:
                body += f"\n\n> {_sentence(rng.choice(FINDINGS))}."
        blocks.append(f"{heading}\n\n{body}")
    return "\n\n".join(blocks)


def _submitter(rng: random.Random, organisation_name: str) -> tuple[str, str, str, str]:
    if rng.random() < 0.15:
        return "", "", "", ""
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    honorific = rng.choices(HONORIFICS, HONORIFIC_WEIGHTS)[0]
    local = _ascii(f"{first}.{last}").lower().replace(" ", "").replace("'", "")
    email = f"{local}@example.org" if rng.random() < 0.85 else ""
    organisation = organisation_name if rng.random() < 0.8 else ""
    return honorific, f"{first} {last}", organisation, email


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

    title = _title(rng, category_slug=category_slug, topic=phrase, topic2=phrase2, geo=geo)
    acronym = ""
    if rng.random() < 0.4:
        candidate = _acronym(title.replace(geo.place, "") if geo.place else title)
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
    summary = _summary(rng, ctx)
    description = _description(rng, ctx)
    honorific, name, submitter_org, email = _submitter(rng, lead_name if lead else "")
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


def ensure_organisations(pool: Sequence[OrganisationSpec]) -> dict[str, int]:
    """Get or create the pool's organisations by slug; their pks by slug."""
    slugs = [spec.slug for spec in pool]
    existing = dict(Organisation.objects.filter(slug__in=slugs).values_list("slug", "pk"))
    missing = [
        Organisation(slug=spec.slug, name=spec.name, acronym=spec.acronym, website=spec.website)
        for spec in pool
        if spec.slug not in existing
    ]
    for organisation in Organisation.objects.bulk_create(missing):
        existing[organisation.slug] = organisation.pk
    return existing


def ensure_tags(names: Sequence[str]) -> dict[str, int]:
    """Get or create taggit tags by name (with a free slug); their pks by name."""
    existing = dict(Tag.objects.filter(name__in=names).values_list("name", "pk"))
    missing = [name for name in names if name not in existing]
    if missing:
        taken = set(Tag.objects.filter(slug__in=[slugify(n) for n in missing]).values_list("slug", flat=True))
        new = []
        for name in missing:
            slug, suffix = slugify(name)[:100], 1
            while slug in taken:
                suffix += 1
                slug = f"{slugify(name)[:90]}-{suffix}"
            taken.add(slug)
            new.append(Tag(name=name, slug=slug))
        for tag in Tag.objects.bulk_create(new):
            existing[tag.name] = tag.pk
    return existing


def _through(field_name: str, pairs: Iterable[tuple[int, int]]) -> None:
    """Bulk-insert rows of an auto-created many-to-many table of Initiative."""
    field = Initiative._meta.get_field(field_name)
    through = field.remote_field.through
    source, target = field.m2m_column_name(), field.m2m_reverse_name()
    through.objects.bulk_create([through(**{source: a, target: b}) for a, b in pairs])


def write_batch(
    records: Sequence[InitiativeData],
    *,
    organisation_ids: dict[str, int],
    tag_ids: dict[str, int],
    content_type_id: int,
) -> int:
    """Insert one batch of initiatives with all their relations, in one transaction."""
    if not records:
        return 0
    with transaction.atomic():
        initiatives = Initiative.objects.bulk_create([Initiative(**record.model_fields()) for record in records])
        pairs = [(initiative.pk, record) for initiative, record in zip(initiatives, records, strict=True)]
        _through("themes", ((pk, t) for pk, r in pairs for t in r.theme_ids))
        _through("principles", ((pk, p) for pk, r in pairs for p in r.principle_ids))
        _through("regions", ((pk, g) for pk, r in pairs for g in r.region_ids))
        _through("countries", ((pk, c) for pk, r in pairs for c in r.country_ids))
        _through("covered_regions", ((pk, g) for pk, r in pairs for g in r.covered_region_ids))
        Involvement.objects.bulk_create(
            [
                Involvement(initiative_id=pk, organisation_id=organisation_ids[slug], role=role, note=note)
                for pk, r in pairs
                for slug, role, note in r.involvements
            ]
        )
        TaggedItem.objects.bulk_create(
            [
                TaggedItem(content_type_id=content_type_id, object_id=pk, tag_id=tag_ids[name])
                for pk, r in pairs
                for name in r.tags
            ]
        )
    return len(initiatives)


def generate(
    *,
    count: int,
    seed: int = 1,
    batch_size: int = 2000,
    progress: ProgressCallback | None = None,
    dry_run: bool = False,
    now: datetime.datetime | None = None,
) -> int:
    """Add synthetic initiatives 1…``count`` of ``seed`` that do not exist yet; return how many were added.

    ``progress(done, total)`` is called after each batch. With ``dry_run`` everything is built but
    nothing is written; the return value is then how many would have been added.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    check_taxonomy()
    now = now or timezone.now()
    pools = Pools.from_database()
    existing = set(Initiative.objects.filter(slug__startswith=f"{SLUG_PREFIX}-{seed}-").values_list("slug", flat=True))
    organisation_ids: dict[str, int] = {}
    tag_ids: dict[str, int] = {}
    content_type_id = 0
    if not dry_run:
        with transaction.atomic():
            organisation_ids = ensure_organisations(pools.organisations)
            tag_ids = ensure_tags(pools.tags)
        content_type_id = ContentType.objects.get_for_model(Initiative).pk

    # (numbers still to create, how far along the run is after them), one entry per batch.
    plan = [
        (
            [
                n
                for n in range(first, min(first + batch_size, count + 1))
                if initiative_slug(seed=seed, number=n) not in existing
            ],
            min(first + batch_size - 1, count),
        )
        for first in range(1, count + 1, batch_size)
    ]
    created = 0
    for numbers, done in plan:
        records = build_initiatives(seed=seed, numbers=numbers, pools=pools, now=now)
        if dry_run:
            created += len(records)
        else:
            created += write_batch(
                records, organisation_ids=organisation_ids, tag_ids=tag_ids, content_type_id=content_type_id
            )
        if progress:
            progress(done, count)
    if created and not dry_run:
        search.rebuild_vocabulary()
        counts.invalidate()
        _analyze()
    return created


def _analyze() -> None:
    """Give PostgreSQL's planner statistics for the new rows (without them, first queries are slow)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def preview(*, seed: int = 1, count: int = 3) -> list[str]:
    """The titles of the first ``count`` initiatives of ``seed`` (for a dry run)."""
    check_taxonomy()
    pools = Pools.from_database()
    return [
        record.title
        for record in build_initiatives(seed=seed, numbers=range(1, count + 1), pools=pools, now=timezone.now())
    ]
