from django.urls import path

from . import citation, exports, feeds, insights, views
from .taxonomies import TAXONOMIES

app_name = "initiatives"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("initiatives/", views.InitiativeListView.as_view(), name="list"),
    path("initiatives/feed/", feeds.InitiativeFeed(), name="feed"),
    path("initiatives/feed/atom/", feeds.AtomInitiativeFeed(), name="feed-atom"),
    path("initiatives/export.csv", exports.export_csv, name="export-csv"),
    path("initiatives/export.json", exports.export_json, name="export-json"),
    # Before the detail page's pattern: no initiative gets this slug (services.RESERVED_SLUGS).
    path("initiatives/insights/", insights.InsightsView.as_view(), name="insights"),
    path("initiatives/<slug:slug>/", views.InitiativeDetailView.as_view(), name="detail"),
    # "Cite this" (issue 13): the initiative's citation for reference managers.
    path("initiatives/<slug:slug>/cite.ris", citation.download, {"fmt": "ris"}, name="cite-ris"),
    path("initiatives/<slug:slug>/cite.bib", citation.download, {"fmt": "bib"}, name="cite-bib"),
]

for taxonomy in TAXONOMIES:
    prefix, term, name = taxonomy.plural, f"<{taxonomy.converter}:{taxonomy.lookup}>", taxonomy.name
    feed = {"model": taxonomy.model, "facet": name, "lookup": taxonomy.lookup}
    urlpatterns += [
        path(f"{prefix}/", views.term_index_view(taxonomy), name=prefix),
        path(f"{prefix}/{term}/", views.TermInitiativesView.as_view(taxonomy=taxonomy), name=name),
        path(f"{prefix}/{term}/feed/", feeds.term_feed(**feed), name=f"{name}-feed"),
        path(f"{prefix}/{term}/feed/atom/", feeds.term_feed(**feed, atom=True), name=f"{name}-feed-atom"),
    ]
