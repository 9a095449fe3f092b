from django.contrib import admin
from django.urls import include, path

from initiatives import sitemaps
from initiatives.views import healthz, robots_txt, security_txt

urlpatterns = [
    path("", include("initiatives.urls")),
    path("accounts/", include("accounts.urls")),
    path("", include("submissions.urls")),
    path("", include("subscriptions.urls")),
    path("api/", include("api.urls", namespace="api")),
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemaps.index, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemaps.section, name="sitemap-section"),
    path("robots.txt", robots_txt, name="robots"),
    path(".well-known/security.txt", security_txt, name="security-txt"),
    path("healthz", healthz, name="healthz"),
]

# An unreachable database answers 503 (portal/outage.py); any other error the usual 500 page.
handler500 = "portal.outage.server_error"
