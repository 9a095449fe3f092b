"""The registry of the taxonomies: one descriptor per way initiatives are filed (region, country, theme, guiding
principle, category, organisation, tag).

Everything that differs from one taxonomy to another is said here once; the listing's filters and facets, the
URLs, index and term pages, feeds, sitemaps, old-slug redirects, curators' bulk changes and merges, import and
export columns, the API's resources and the submission form's pickers are derived from ``TAXONOMIES``, so that
adding a taxonomy is adding one entry (and its model).

Labels are whole phrases, each marked for translation, because the places that show them need different ones:
a chip says "Theme", the facet's legend "Theme (GCM objective)", the submission form "Themes (GCM objectives)".
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.urls import register_converter
from django.urls.converters import get_converters
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag, TaggedItem

from .models import (
    Category,
    Country,
    GuidingPrinciple,
    Initiative,
    Involvement,
    Organisation,
    Region,
    SdgGoal,
    SdgTarget,
    Theme,
)

# --- URL converters -----------------------------------------------------------------------------------------


class CountryCodeConverter:
    """Two ASCII letters (ISO 3166-1 alpha-2), any case; anything else is a 404 before any query."""

    regex = "[A-Za-z]{2}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class TagSlugConverter:
    """Tag slugs keep their letters (taggit slugifies "Café" to "café"), so any word characters and hyphens."""

    regex = r"[-\w]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(CountryCodeConverter, "country")
register_converter(TagSlugConverter, "tagslug")


# --- how initiatives are filed under terms ------------------------------------------------------------------


@dataclass(frozen=True)
class ByForeignKey:
    """Each initiative has one term of this taxonomy, in a column of its own (the category)."""

    column: str  # "category_id"

    def restrict(self, qs: QuerySet, ids) -> QuerySet:
        return qs.filter(**{f"{self.column}__in": ids})

    def count(self, qs: QuerySet) -> dict[int, int]:
        return dict(qs.order_by().values_list(self.column).annotate(n=Count("pk")).order_by())

    def used_ids(self, published: QuerySet) -> QuerySet:
        return published.values(self.column)

    def move(self, source, target) -> set[int]:
        moving = Initiative.objects.filter(**{self.column: source.pk})
        ids = set(moving.values_list("pk", flat=True))
        moving.update(**{self.column: target.pk})
        return ids


@dataclass(frozen=True)
class ByRows:
    """Initiatives are filed under terms by rows of another table: a many-to-many table, the involvements of
    organisations, taggit's tagged items."""

    rows: Callable[[], QuerySet]  # every row that files an initiative under a term of this taxonomy
    term_column: str  # "theme_id"
    initiative_column: str = "initiative_id"
    # Columns besides the initiative's that tell two rows of one term apart (an organisation's role): a term can be
    # on one initiative more than once, so counts count initiatives once, and a merge keeps one row per value.
    also_keyed_by: tuple[str, ...] = ()

    def restrict(self, qs: QuerySet, ids) -> QuerySet:
        rows = self.rows().filter(**{self.initiative_column: OuterRef("pk"), f"{self.term_column}__in": list(ids)})
        return qs.filter(Exists(rows))

    def count(self, qs: QuerySet) -> dict[int, int]:
        ids = qs.order_by().values("pk")
        rows = (
            self.rows()
            .filter(**{f"{self.initiative_column}__in": ids})
            .values_list(self.term_column)
            .annotate(n=Count(self.initiative_column, distinct=bool(self.also_keyed_by)))
        )
        return dict(rows.order_by())

    def used_ids(self, published: QuerySet) -> QuerySet:
        return self.rows().filter(**{f"{self.initiative_column}__in": published}).values(self.term_column)

    def move(self, source, target) -> set[int]:
        """Re-file ``source``'s initiatives under ``target`` (each once) and return their ids: two statements,
        however many initiatives. Rows the target already has are dropped, the others move."""
        rows = self.rows()
        moving = rows.filter(**{self.term_column: source.pk})
        ids = set(moving.values_list(self.initiative_column, flat=True))
        keys = (self.initiative_column, *self.also_keyed_by)
        target_has_it = Exists(rows.filter(**{self.term_column: target.pk}, **{key: OuterRef(key) for key in keys}))
        moving.filter(target_has_it).delete()
        moving.update(**{self.term_column: target.pk})
        return ids


def initiative_content_type_id() -> int:
    return ContentType.objects.get_for_model(Initiative).pk


def _through(field: str) -> Callable[[], QuerySet]:
    return lambda: Initiative._meta.get_field(field).remote_field.through.objects.all()


def _tagged_initiatives() -> QuerySet:
    return TaggedItem.objects.filter(content_type_id=initiative_content_type_id())


# --- the descriptor -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bulk:
    """Curators add or remove a term of this taxonomy on many initiatives at once (admin actions)."""

    add_label: str
    remove_label: str


@dataclass(frozen=True)
class Taxonomy:
    name: str  # the query parameter, the URL name ("initiatives:theme", "api:theme-list"), the old-slug kind
    plural: str  # the URL prefix, on the site and in the API
    model: type
    field: str  # the Initiative field, and the column of import/export files and the API's initiative
    filing: ByForeignKey | ByRows  # how to restrict a listing to some terms and count initiatives per term
    label: str  # one term's kind, as a filter chip says it: "Theme"
    plural_label: str  # the index page's title: "Themes"
    facet_label: str  # the legend of its facet in the listing's filters: "Theme (GCM objective)"
    lookup: str = "slug"  # the field that names a term in URLs, query strings and files
    converter: str = "slug"  # the URL converter of that field
    api_example: str = ""  # a value that exists wherever the reference data and the seed are loaded
    api_note: str = ""  # a sentence added to the description of its API filter parameter
    api_select_related: tuple[str, ...] = ()  # what its API representation reads besides the term
    # A reference list (UN M49 regions, ISO countries): curators correct a term but never merge two.
    mergeable: bool = True
    # Terms that come from submissions (organisations, tags) are public only once a published initiative has them;
    # the official lists are public whether or not anything is filed under them yet.
    shown_only_when_used: bool = False
    # Terms are named by their text and created when new (tags), not chosen from a list.
    named_freely: bool = False
    facet_top: int | None = None  # the facet shows the N largest options (and the selected ones), then a link
    facet_order: str = "name"  # "name", "model" (the model's order: objective numbers) or "tree" (regions)
    bulk: Bulk | None = None
    picker_label: str = ""  # the submission form's list of terms to tick ("" when the form asks otherwise)
    sitemap_priority: float = 0.5

    def __deepcopy__(self, memo):
        """Itself: an entry of the registry, fixed, which every ``InitiativeFilter`` shares (django-filter copies a
        filter set's filters, a ``TermFilter`` and its taxonomy included, for each filter set it makes)."""
        return self

    @property
    def path_regex(self) -> str:
        """What its URLs accept as a term (the converter's pattern)."""
        return get_converters()[self.converter].regex

    @property
    def index_url_name(self) -> str:
        return f"initiatives:{self.plural}"

    def restrict(self, qs: QuerySet, ids) -> QuerySet:
        """Initiatives of ``qs`` filed under any of the terms ``ids``."""
        return self.filing.restrict(qs, ids)

    def count(self, qs: QuerySet) -> dict[int, int]:
        """How many of the initiatives in ``qs`` each term has, by term pk."""
        return self.filing.count(qs)


TAXONOMIES = (
    Taxonomy(
        "region",
        "regions",
        Region,
        field="regions",
        # A region filter and its counts read the regions an initiative covers: those it names, its countries'
        # regions and all their ancestors (kept by services.refresh_coverage).
        filing=ByRows(_through("covered_regions"), "region_id"),
        label=_("Region"),
        plural_label=_("Regions"),
        facet_label=_("Region"),
        api_example="europe",
        api_note=_("A region includes its sub-regions and their countries."),
        api_select_related=("parent",),
        mergeable=False,
        facet_order="tree",
        bulk=Bulk(_("Add a region to selected initiatives"), _("Remove a region from selected initiatives")),
        picker_label=_("Regions"),
    ),
    Taxonomy(
        "country",
        "countries",
        Country,
        field="countries",
        filing=ByRows(_through("countries"), "country_id"),
        label=_("Country"),
        plural_label=_("Countries"),
        facet_label=_("Country"),
        lookup="code",
        converter="country",
        api_example="md",
        api_select_related=("region",),
        mergeable=False,
        facet_top=10,
        picker_label=_("Countries"),
    ),
    Taxonomy(
        "theme",
        "themes",
        Theme,
        field="themes",
        filing=ByRows(_through("themes"), "theme_id"),
        label=_("Theme"),
        plural_label=_("Themes"),
        facet_label=_("Theme (GCM objective)"),
        api_example="remittances",
        facet_order="model",
        bulk=Bulk(_("Add a theme to selected initiatives"), _("Remove a theme from selected initiatives")),
        picker_label=_("Themes (GCM objectives)"),
    ),
    Taxonomy(
        "principle",
        "principles",
        GuidingPrinciple,
        field="principles",
        filing=ByRows(_through("principles"), "guidingprinciple_id"),
        label=_("Principle"),
        plural_label=_("Guiding principles"),
        facet_label=_("Guiding principle"),
        api_example="gender-responsive",
        facet_order="model",
        picker_label=_("Guiding principles"),
    ),
    # Sustainable Development Goals (issue 13). A goal's filter, counts and feed read the goals an initiative covers:
    # those it names and the goals of the targets it names (kept by services.refresh_coverage). Both are the UN's
    # official lists: corrected, never merged.
    Taxonomy(
        "sdg",
        "sdgs",
        SdgGoal,
        field="sdg_goals",
        filing=ByRows(_through("sdg_covered"), "sdggoal_id"),
        label=_("SDG"),
        plural_label=_("Sustainable Development Goals"),
        facet_label=_("Sustainable Development Goal"),
        api_example="10",
        api_note=_("A goal includes the initiatives that name one of its targets."),
        mergeable=False,
        facet_order="model",
        bulk=Bulk(_("Add an SDG to selected initiatives"), _("Remove an SDG from selected initiatives")),
        picker_label=_("Sustainable Development Goals"),
    ),
    Taxonomy(
        "sdg_target",
        "sdg-targets",
        SdgTarget,
        field="sdg_targets",
        filing=ByRows(_through("sdg_targets"), "sdgtarget_id"),
        label=_("SDG target"),
        plural_label=_("SDG targets"),
        facet_label=_("SDG target"),
        api_example="10-7",
        api_select_related=("goal",),
        mergeable=False,
        facet_top=10,
        picker_label=_("SDG targets"),
    ),
    Taxonomy(
        "category",
        "categories",
        Category,
        field="category",
        filing=ByForeignKey("category_id"),
        label=_("Category"),
        plural_label=_("Categories"),
        facet_label=_("Category"),
        api_example="regional-consultative-processes",
    ),
    Taxonomy(
        "organisation",
        "organisations",
        Organisation,
        field="organisations",
        filing=ByRows(Involvement.objects.all, "organisation_id", also_keyed_by=("role",)),
        label=_("Organisation"),
        plural_label=_("Organisations"),
        facet_label=_("Organisation"),
        api_example="icmpd",
        api_select_related=("country",),  # issue 13 (orgs): the headquarters' country
        shown_only_when_used=True,
        facet_top=10,
    ),
    Taxonomy(
        "tag",
        "tags",
        Tag,
        field="tags",
        filing=ByRows(_tagged_initiatives, "tag_id", initiative_column="object_id"),
        label=_("Tag"),
        plural_label=_("Tags"),
        facet_label=_("Tag"),
        converter="tagslug",
        api_example="diaspora",
        shown_only_when_used=True,
        named_freely=True,
        facet_top=10,
        bulk=Bulk(_("Add a tag to selected initiatives"), _("Remove a tag from selected initiatives")),
        sitemap_priority=0.3,
    ),
)

BY_NAME = {taxonomy.name: taxonomy for taxonomy in TAXONOMIES}


def of_model(model) -> Taxonomy:
    """The taxonomy whose terms are ``model``'s (``LookupError`` if none)."""
    for taxonomy in TAXONOMIES:
        if taxonomy.model is model:
            return taxonomy
    raise LookupError(model)
