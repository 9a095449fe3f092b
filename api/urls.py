"""/api/: URL names are "<kind>-list" and "<kind>-detail" (the old-slug redirects read the kind from them)."""

from django.urls import path, re_path

from initiatives.taxonomies import TAXONOMIES

from . import views

app_name = "api"

urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path("initiatives/", views.InitiativeListView.as_view(), name="initiative-list"),
    path("initiatives/<slug:slug>/", views.InitiativeDetailView.as_view(), name="initiative-detail"),
]

# Detail addresses accept what the site's term pages accept (the taxonomy's URL converter).
for taxonomy in TAXONOMIES:
    list_view, detail_view = views.term_views(taxonomy)
    urlpatterns += [
        path(f"{taxonomy.plural}/", list_view.as_view(), name=f"{taxonomy.name}-list"),
        re_path(
            rf"^{taxonomy.plural}/(?P<{taxonomy.lookup}>{taxonomy.path_regex})/$",
            detail_view.as_view(),
            name=f"{taxonomy.name}-detail",
        ),
    ]

# Last: any other address under /api/ that ends with a slash is a JSON 404 (without the slash,
# CommonMiddleware first redirects here).
urlpatterns.append(re_path(r"^[\s\S]*/$", views.not_found, name="not-found"))
