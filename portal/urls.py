from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.http import HttpResponseRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.decorators.http import require_safe

from initiatives import sitemaps
from initiatives.views import healthz, robots_txt, security_txt

# The site's pages live under a language prefix, English included (/en/…, /fr/…, /es/…, /ar/…): each language
# version has its own address, to share and to index. An unprefixed page address answers 302 to the visitor's
# language (LocaleMiddleware: language cookie, else Accept-Language, else English).
urlpatterns = i18n_patterns(
    path("", include("initiatives.urls")),
    path("accounts/", include("accounts.urls")),
    path("", include("submissions.urls")),
    path("", include("subscriptions.urls")),
    path("", include("contact.urls")),  # issue 13
    prefix_default_language=True,
)

# Machine addresses stay unprefixed: the API takes its language from ?lang= or Accept-Language, the admin from
# the cookie or Accept-Language.
urlpatterns += [
    path("api/", include("api.urls", namespace="api")),
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemaps.index, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemaps.section, name="sitemap-section"),
    path("robots.txt", robots_txt, name="robots"),
    # Browsers ask for /favicon.ico whatever the page says (issue 14): the icon's versioned static address, looked up
    # on each request (a permanent redirect would keep an old icon in browsers' caches).
    path("favicon.ico", require_safe(lambda request: HttpResponseRedirect(static("img/favicon.ico"))), name="favicon"),
    path(".well-known/security.txt", security_txt, name="security-txt"),
    path("healthz", healthz, name="healthz"),
    # Documents, images and logos (issue 13), served by the portal's views, which check who may read them.
    path("files/", include("initiatives.file_urls")),
    path("files/", include("submissions.file_urls")),
]

# An unreachable database answers 503 (portal/outage.py); any other error the usual 500 page.
handler500 = "portal.outage.server_error"
