"""Settings for the migration-governance knowledge portal.

Every value that differs between machines comes from an environment variable (see
``.env.example``). The defaults are safe for development: SQLite under ``var/``, DEBUG on,
mail printed to the console. Production refuses to start without a SECRET_KEY.
"""

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PORTAL_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """A comma-separated variable as a list; unset or empty (as in a copied .env.example) means the default."""
    return [item.strip() for item in (os.environ.get(name) or default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Development only: a fixed, obviously insecure key so sessions survive restarts.
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"
# To rotate the key without logging everyone out: the new one in SECRET_KEY, the old ones here (comma-separated)
# until the sessions and links signed with them have expired.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The public address of the site, used in feeds, sitemaps, canonical links and e-mails.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = os.environ.get("SITE_NAME", "Migration Practice Portal")

INSTALLED_APPS = [
    "modeltranslation",  # before django.contrib.admin: its admin patches need to load first
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "django.forms",
    "django_filters",
    "taggit",
    "simple_history",
    "django_tasks_db",
    "rest_framework",
    "drf_spectacular",
    "ratelimits",
    "initiatives",
    "accounts",
    "submissions",
    "subscriptions",
    "api",
    "contact",  # issue 13: "Contact the implementer" relay
    "portal",  # site-wide plumbing: its AppConfig connects the purge of the HTTP caches (portal/cdn.py)
]

MIDDLEWARE = [
    "portal.outage.DatabaseOutageMiddleware",  # database unreachable: 503 and Retry-After, never a 500
    "portal.request_settings.RequestSettingsMiddleware",  # PostgreSQL: a request's queries are cut short
    # Cache-Control, ETag and 304, Vary and Surrogate-Key for what a CDN may keep; private for anything personal
    "initiatives.http_cache.HttpCacheMiddleware",
    "api.middleware.ApiHeadersMiddleware",  # /api/: CORS for every origin, ETag and Cache-Control on every answer
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "portal.db_router.ReplicaRoutingMiddleware",  # with a read replica: who may read from it (off without one)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",  # the language: the address's prefix; unprefixed pages: 302
    "portal.i18n.RememberLanguageMiddleware",  # a page read in a language becomes the one for unprefixed links
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",  # who made a change, for the history
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "initiatives.redirects.OldSlugRedirectMiddleware",  # old slugs of initiatives and terms answer 301
]

ROOT_URLCONF = "portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "initiatives.context_processors.site",
                "portal.i18n.languages",
                "submissions.context_processors.moderation",
            ],
        },
    },
]

# Form widgets may use the project's templates (templates/submissions/widgets/…).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

# DATABASE_URL selects the database: SQLite (the embedded default) or PostgreSQL via psycopg 3,
# e.g. postgres://portal:portal@127.0.0.1:5432/portal
DEFAULT_SQLITE_URL = f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"
# Each process keeps its PostgreSQL connection for CONN_MAX_AGE seconds (ten minutes; tested before the first query
# of each request, CONN_HEALTH_CHECKS, so a connection the server dropped is replaced, not an error). A new connection
# is a new PostgreSQL backend, whose first search loads the text-search dictionaries and the descriptions of the
# tables and indexes it reads again: 15-20 ms more on a common word's search page at 100,000 initiatives. Renewed
# every minute, as they were, one never-seen page in twenty paid it (bench/README.md, "Session 21").
CONN_MAX_AGE = int(os.environ.get("CONN_MAX_AGE", "600"))
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or DEFAULT_SQLITE_URL,
        conn_max_age=CONN_MAX_AGE,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # WAL and IMMEDIATE transactions let the server and the task worker share the file without
    # "database is locked" errors; the timeout lets a writer wait for the other.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE", "timeout": 20}
    )
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("SQLITE_TEST_NAME") or None}

# DATABASE_REPLICA_URL, when set, adds a read replica of the primary: anonymous page views read from it and
# everything else uses the primary (portal/db_router.py). A client that has just written reads from the
# primary for DATABASE_REPLICA_PIN_SECONDS, which must exceed the replica's lag.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
DATABASE_REPLICA_PIN_SECONDS = int(os.environ.get("DATABASE_REPLICA_PIN_SECONDS", "15"))
DATABASE_ROUTERS = []
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        conn_max_age=CONN_MAX_AGE,
        conn_health_checks=True,
    )
    # Tests see the primary through the replica's alias (no second test database).
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["portal.db_router.PrimaryReplicaRouter"]

# Each query of a web request (not of commands, migrations or the task worker) is cancelled on PostgreSQL after
# this many milliseconds and answered with the "too broad" page (portal/request_settings.py); 0 turns it off.
REQUEST_STATEMENT_TIMEOUT_MS = int(os.environ.get("REQUEST_STATEMENT_TIMEOUT_MS") or 3000)
# PostgreSQL's max_parallel_workers_per_gather for a web request's queries (portal/request_settings.py): none by
# default, a request's queries being small; -1 leaves the server's setting.
REQUEST_PARALLEL_WORKERS = int(os.environ.get("REQUEST_PARALLEL_WORKERS") or 0)

# How many pages (listings, term and detail pages, feeds, API answers) that are not in the cache one anonymous client
# may have computed per minute; past it, 429 with Retry-After while cached pages are still served
# (initiatives/throttle.py). Logged-in people are not limited. 0 turns it off.
ANONYMOUS_CACHE_MISSES_PER_MINUTE = int(os.environ.get("ANONYMOUS_CACHE_MISSES_PER_MINUTE") or 60)

# The HTTP caches in front of the app servers (Varnish, a CDN), comma-separated URLs: after a change commits, each
# gets `BAN` with the surrogate keys of the pages it made stale (portal/cdn.py). Empty: nothing is sent.
CDN_PURGE_URLS = env_list("CDN_PURGE_URLS")
for _url in CDN_PURGE_URLS:
    if not _url.startswith(("http://", "https://")):
        raise ImproperlyConfigured(f"CDN_PURGE_URLS: {_url!r} is not an http:// or https:// URL.")
# Seconds a purge waits for a cache that does not answer (the publication waits that long, at most, per URL; what
# failed is retried by the task worker).
CDN_PURGE_TIMEOUT = float(os.environ.get("CDN_PURGE_TIMEOUT") or 1)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# The test run (pytest imported, as for CACHE_BACKEND below) hashes with MD5: Django's default hasher takes about half
# a second of CPU per hash, which hundreds of tests pay (every admin_client, every account made), and what they test
# is how passwords are handled, not what the hasher costs. Processes that tests start keep the default.
if "pytest" in sys.modules:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("es", _("Spanish")), ("ar", _("Arabic"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The language last read, for addresses without a language prefix (portal/i18n.py): kept a year.
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# Our English and Arabic date formats where they differ from Django's (portal/formats/).
FORMAT_MODULE_PATH = ["portal.formats"]

# Translated model fields (initiatives/translation.py): a column per content language, `title_en`, `title_fr`, …
# The content languages are spelled out: the columns and their migrations must not follow LANGUAGES by accident.
MODELTRANSLATION_LANGUAGES = ("en", "fr", "es", "ar")
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
# Plain attribute reads (`initiative.title` in the admin, in e-mails) never come out empty: the reader's language,
# then any other. Pages show "the reader's language, else the original" through Initiative.text().
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en", "fr", "es", "ar")

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files (documents and images of initiatives and proposals, organisations' logos) go through Django's
# storage API: the filesystem under var/media by default, S3-compatible object storage with STORAGE_BACKEND=s3
# (django-storages; see media_storage() and "Storage in production" in the README). They are never served by a
# static server: the portal's own views (initiatives/uploads.py) check who may read them and set safe headers.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or VAR_DIR / "media")
MEDIA_URL = "/files/"


def media_storage() -> dict:
    """The ``STORAGES["default"]`` entry the environment asks for (read again by tests of it)."""
    if os.environ.get("STORAGE_BACKEND", "filesystem") != "s3":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(MEDIA_ROOT)}}
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["S3_BUCKET"],
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("S3_REGION") or None,
            "access_key": os.environ.get("S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY") or None,
            "location": os.environ.get("S3_PREFIX", ""),
            # Private objects, never addressed directly: the portal streams them after checking permissions.
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
            "addressing_style": os.environ.get("S3_ADDRESSING_STYLE") or None,
        },
    }


STORAGES = {
    "default": media_storage(),
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# The cache holds facet and term counts (invalidated whenever the collection changes). "database" (the default;
# `make setup` runs `manage.py createcachetable`) is shared by every process using the database: the server's
# workers, and in development runserver and the management commands run beside it (load_seed, an import), so that
# an invalidation reaches them all. "locmem" is per process: what the test run uses (pytest imported; fast, and the
# pinned query counts read no cache table), and a choice for one process alone.
CACHE_BACKEND = os.environ.get("CACHE_BACKEND") or ("locmem" if "pytest" in sys.modules else "database")
# Whole pages are cached for anonymous visitors as well as counts (initiatives/counts.py), so the caches hold far
# more than Django's default 300 entries, past which a third of them are dropped at once: a few thousand pages per
# process in memory, tens of thousands in the shared table (CACHE_MAX_ENTRIES).
_CACHE_BACKENDS = {
    "locmem": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "portal",
        "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("CACHE_MAX_ENTRIES") or 3000)},
    },
    "database": {
        "BACKEND": "portal.cache.DatabaseCache",  # set_many in one statement (portal/cache.py)
        "LOCATION": "portal_cache",
        "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("CACHE_MAX_ENTRIES") or 50000)},
    },
    "dummy": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
}
if CACHE_BACKEND not in _CACHE_BACKENDS:
    raise ImproperlyConfigured(f"CACHE_BACKEND must be one of {sorted(_CACHE_BACKENDS)}.")
CACHES = {"default": _CACHE_BACKENDS[CACHE_BACKEND]}
# How long counts may be served from the cache at most (they are also dropped on every change).
COUNTS_CACHE_SECONDS = int(os.environ.get("COUNTS_CACHE_SECONDS", "600"))

# What anonymous pages, feeds and API answers tell shared caches (a CDN, Varnish: initiatives/http_cache.py). Browsers
# ask again every time (max-age); a shared cache keeps an answer HTTP_CACHE_S_MAXAGE seconds, serves it while it asks
# again for HTTP_CACHE_STALE_WHILE_REVALIDATE more, and is purged by Surrogate-Key when what it shows changes.
HTTP_CACHE_MAX_AGE = int(os.environ.get("HTTP_CACHE_MAX_AGE", "0"))
HTTP_CACHE_API_MAX_AGE = int(os.environ.get("HTTP_CACHE_API_MAX_AGE", "60"))  # the API's clients: a minute
HTTP_CACHE_S_MAXAGE = int(os.environ.get("HTTP_CACHE_S_MAXAGE", "300"))
HTTP_CACHE_STALE_WHILE_REVALIDATE = int(os.environ.get("HTTP_CACHE_STALE_WHILE_REVALIDATE", "60"))
# Past this length (characters) an answer's Surrogate-Key header names "collection" instead of its many keys.
SURROGATE_KEY_MAX_LENGTH = int(os.environ.get("SURROGATE_KEY_MAX_LENGTH", "8192"))

# Mail (built and queued by portal/mail.py). MAIL_BACKEND is "console" (development default: each e-mail printed
# with its plain text decoded, links whole), "smtp", "locmem" or "file" (one file per connection under
# MAIL_FILE_PATH: what several processes send can be read back, as the scale-out check does).
MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "console" if DEBUG else "smtp")
_MAIL_BACKENDS = {
    "console": "portal.mail.ReadableConsoleBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
}
if MAIL_BACKEND not in _MAIL_BACKENDS:
    raise ImproperlyConfigured(f"MAIL_BACKEND must be one of {sorted(_MAIL_BACKENDS)}.")
MAILERS = {"default": {"BACKEND": _MAIL_BACKENDS[MAIL_BACKEND]}}
if MAIL_BACKEND == "smtp":
    MAILERS["default"]["OPTIONS"] = {
        "host": os.environ.get("SMTP_HOST", "localhost"),
        "port": int(os.environ.get("SMTP_PORT", "25")),
        "username": os.environ.get("SMTP_USER", ""),
        "password": os.environ.get("SMTP_PASSWORD", ""),
        "use_tls": env_bool("SMTP_USE_TLS", False),
        # Seconds a task waits for a mail server that does not answer before it fails and is retried later.
        "timeout": float(os.environ.get("SMTP_TIMEOUT") or 10),
    }
if MAIL_BACKEND == "file":
    MAILERS["default"]["OPTIONS"] = {"file_path": os.environ.get("MAIL_FILE_PATH", str(VAR_DIR / "mail"))}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "portal@localhost")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Security headers, on in development too so that violations show up while pages are built.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
# Cross-Origin-Opener-Policy (SecurityMiddleware's default, stated): no other site's window keeps a handle on ours.
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# /.well-known/security.txt (RFC 9116): where to report a vulnerability, and the policy page if there is one.
SECURITY_CONTACT = env_list("SECURITY_CONTACT", "mailto:" + os.environ.get("SERVER_EMAIL", "security@localhost"))
SECURITY_POLICY_URL = os.environ.get("SECURITY_POLICY_URL", "")
SECURE_CONTENT_TYPE_NOSNIFF = True
# The reverse proxies (addresses or networks, comma-separated) whose X-Forwarded-For names the client, for the rate
# limits; a request from anywhere else is its REMOTE_ADDR, whatever it says. Empty: no proxy is trusted.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

TAGGIT_CASE_INSENSITIVE = True

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "submissions:mine"
LOGOUT_REDIRECT_URL = "initiatives:home"

# Background work (e-mail) runs through Django's tasks framework. "database" queues tasks in the
# database for `manage.py db_worker` (django-tasks-db); "immediate" runs them in the request (tests).
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "database")
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "immediate": "django.tasks.backends.immediate.ImmediateBackend",
        }[TASKS_BACKEND]
    }
}

# Moderation: who gets told about new submissions, and where submitters' replies go.
MODERATION_EMAIL = os.environ.get("MODERATION_EMAIL", "moderators@localhost")
SUBMISSIONS_PER_DAY = int(os.environ.get("SUBMISSIONS_PER_DAY", "10"))
SUBMISSION_DRAFTS_PER_ACCOUNT = int(os.environ.get("SUBMISSION_DRAFTS_PER_ACCOUNT", "20"))

# Documents and images attached to initiatives and proposals (initiatives/uploads.py): size caps per file, per
# record (all its files together) and a count per record; images larger than UPLOAD_MAX_IMAGE_PIXELS are refused
# before they are decoded (decompression bombs), ZIP-based documents whose entries would unpack to more than
# UPLOAD_MAX_UNZIPPED_BYTES or hold more than UPLOAD_MAX_ZIP_ENTRIES entries too (ZIP bombs).
UPLOAD_MAX_IMAGE_BYTES = int(os.environ.get("UPLOAD_MAX_IMAGE_BYTES") or 2 * 1024 * 1024)
UPLOAD_MAX_DOCUMENT_BYTES = int(os.environ.get("UPLOAD_MAX_DOCUMENT_BYTES") or 20 * 1024 * 1024)
UPLOAD_MAX_TOTAL_BYTES = int(os.environ.get("UPLOAD_MAX_TOTAL_BYTES") or 60 * 1024 * 1024)
UPLOAD_MAX_FILES = int(os.environ.get("UPLOAD_MAX_FILES") or 12)
UPLOAD_MAX_IMAGE_PIXELS = int(os.environ.get("UPLOAD_MAX_IMAGE_PIXELS") or 40_000_000)
UPLOAD_MAX_UNZIPPED_BYTES = int(os.environ.get("UPLOAD_MAX_UNZIPPED_BYTES") or 200 * 1024 * 1024)
UPLOAD_MAX_ZIP_ENTRIES = int(os.environ.get("UPLOAD_MAX_ZIP_ENTRIES") or 5000)
# A request's body beyond this is refused (413) before Django reads it: one document, one image and the form.
UPLOAD_MAX_REQUEST_BYTES = UPLOAD_MAX_DOCUMENT_BYTES + UPLOAD_MAX_IMAGE_BYTES + 1024 * 1024

# Listing pages
INITIATIVES_PAGE_SIZE = 20
# A search matching more initiatives than SEARCH_EXACT_LIMIT (or whose matches are costlier to read than 3 times
# that many rows: estimates.readable) is counted "about N" from a sample of about SEARCH_SAMPLE_ROWS ids, and
# ranked among at most SEARCH_RANKED_LIMIT title matches (initiatives/estimates.py).
SEARCH_EXACT_LIMIT = int(os.environ.get("SEARCH_EXACT_LIMIT", "1000"))
SEARCH_SAMPLE_ROWS = int(os.environ.get("SEARCH_SAMPLE_ROWS", "3000"))
# ... or, with facet filters, from SEARCH_FACET_SAMPLE of the initiatives they select (each read by its id).
SEARCH_FACET_SAMPLE = int(os.environ.get("SEARCH_FACET_SAMPLE", "1000"))
SEARCH_RANKED_LIMIT = int(os.environ.get("SEARCH_RANKED_LIMIT", "500"))
# Facet counts of a filtered listing from bitmaps each process holds (initiatives/facet_bitmaps.py), instead of SQL.
FACET_BITMAPS = env_bool("FACET_BITMAPS", True)
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", 20 * 1024 * 1024))  # largest file import_initiatives reads

# Downloads (initiatives/exports.py, export_files.py). The whole collection is a file built in the background under
# EXPORTS_ROOT, EXPORTS_BUILD_DELAY seconds after a change (so that a burst of publications is one build); a
# filtered download is streamed and stops after EXPORTS_MAX_ROWS rows, saying so.
EXPORTS_ROOT = Path(os.environ.get("EXPORTS_ROOT", VAR_DIR / "exports"))
EXPORTS_BUILD_DELAY = int(os.environ.get("EXPORTS_BUILD_DELAY", "300"))
EXPORTS_MAX_ROWS = int(os.environ.get("EXPORTS_MAX_ROWS", "5000"))
# Initiatives per page of /sitemap-initiatives.xml (the protocol allows 50,000; smaller pages are cheaper to build).
SITEMAP_PAGE_SIZE = int(os.environ.get("SITEMAP_PAGE_SIZE", "10000"))

# The read-only JSON API (api/): JSON only, anonymous, no parsers (it reads nothing but query strings).
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["api.renderers.EscapedJSONRenderer"],  # <, > and & as \u escapes
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "URL_FORMAT_OVERRIDE": None,  # api/params.py accepts format=json and rejects any other format
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Migration Practice Portal API",
    "DESCRIPTION": (
        "Read-only open data: the published initiatives, with the same filters, search and sorting as the "
        "listing at /initiatives/, and the taxonomies they are filed under. JSON, no key, CORS open to all."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/",
    # Every operation takes lang and Accept-Language and answers with Content-Language (api/language.py).
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.language.document_languages"],
    "ENUM_NAME_OVERRIDES": {
        "DatePrecisionEnum": "initiatives.models.Initiative.DatePrecision",
        "HonorificEnum": "initiatives.models.Initiative.Honorific",
        "ScopeEnum": "initiatives.models.Initiative.Scope",
        "RoleEnum": "initiatives.models.Involvement.Role",
        "LinkKindEnum": "initiatives.models.Link.Kind",
        "RegionLevelEnum": "initiatives.models.Region.Level",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Django's own loggers print through the root handler only (not twice).
    "loggers": {"django": {"handlers": [], "level": "INFO", "propagate": True}},
}
