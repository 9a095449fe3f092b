from django.urls import path, register_converter

from . import exports, feeds, views
from .models import TAXONOMIES

app_name = "initiatives"


class CountryCodeConverter:
    """Two ASCII letters (ISO 3166-1 alpha-2), any case; anything else is a 404 before any query."""

    regex = "[A-Za-z]{2}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(CountryCodeConverter, "country")


class TagSlugConverter:
    """Tag slugs keep their letters (taggit slugifies "Café" to "café"), so any word characters and hyphens."""

    regex = r"[-\w]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(TagSlugConverter, "tagslug")

INDEX_VIEWS = {
    "region": views.RegionIndexView,
    "country": views.CountryIndexView,
    "theme": views.ThemeIndexView,
    "principle": views.PrincipleIndexView,
    "category": views.CategoryIndexView,
    "tag": views.TagIndexView,
    "organisation": views.OrganisationIndexView,
}

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("initiatives/", views.InitiativeListView.as_view(), name="list"),
    path("initiatives/feed/", feeds.InitiativeFeed(), name="feed"),
    path("initiatives/feed/atom/", feeds.AtomInitiativeFeed(), name="feed-atom"),
    path("initiatives/export.csv", exports.export_csv, name="export-csv"),
    path("initiatives/export.json", exports.export_json, name="export-json"),
    path("initiatives/<slug:slug>/", views.InitiativeDetailView.as_view(), name="detail"),
]

for taxonomy in TAXONOMIES:
    prefix, facet, model, lookup = taxonomy.plural, taxonomy.name, taxonomy.model, taxonomy.lookup
    converter = {"country": "country", "tag": "tagslug"}.get(facet, "slug")
    urlpatterns += [
        path(f"{prefix}/", INDEX_VIEWS[facet].as_view(title=model._meta.verbose_name_plural), name=prefix),
        path(
            f"{prefix}/<{converter}:{lookup}>/",
            views.TermInitiativesView.as_view(model=model, facet=facet, lookup=lookup),
            name=facet,
        ),
        path(
            f"{prefix}/<{converter}:{lookup}>/feed/",
            feeds.term_feed(model=model, facet=facet, lookup=lookup),
            name=f"{facet}-feed",
        ),
        path(
            f"{prefix}/<{converter}:{lookup}>/feed/atom/",
            feeds.term_feed(model=model, facet=facet, lookup=lookup, atom=True),
            name=f"{facet}-feed-atom",
        ),
    ]
