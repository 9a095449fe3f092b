"""/api/: URL names are "<kind>-list" and "<kind>-detail" (the old-slug redirects read the kind from them)."""

from django.urls import path, re_path

from . import views
from .kinds import KINDS

app_name = "api"

# Detail addresses accept what the site's term pages accept: slugs, tag slugs with any letters, ISO codes.
DETAIL_PATTERNS = {
    "country": r"(?P<code>[A-Za-z]{2})",
    "tag": r"(?P<slug>[-\w]+)",
}
SLUG = r"(?P<slug>[-a-zA-Z0-9_]+)"

urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path("initiatives/", views.InitiativeListView.as_view(), name="initiative-list"),
    path("initiatives/<slug:slug>/", views.InitiativeDetailView.as_view(), name="initiative-detail"),
]

for kind in KINDS:
    list_view, detail_view = views.term_views(kind)
    urlpatterns += [
        path(f"{kind.plural}/", list_view.as_view(), name=f"{kind.name}-list"),
        re_path(
            rf"^{kind.plural}/{DETAIL_PATTERNS.get(kind.name, SLUG)}/$",
            detail_view.as_view(),
            name=f"{kind.name}-detail",
        ),
    ]

# Last: any other address under /api/ that ends with a slash is a JSON 404 (without the slash,
# CommonMiddleware first redirects here).
urlpatterns.append(re_path(r"^[\s\S]*/$", views.not_found, name="not-found"))
