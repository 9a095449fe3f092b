"""Who may do what, portal-wide: every URL of the portal against anonymous, a submitter, another submitter, a
moderator and a superuser, with the answer each one gets.

The submissions and moderation URLs have their own matrix (tests/submissions/test_permissions.py); this one covers
the rest (public pages, accounts, subscriptions, the API, the admin, generated from ``admin.site._registry``), and
``test_every_url_pattern_has_a_row`` fails when a URL pattern is in neither, so that a new URL needs a row.

Every cell also checks what the request wrote: a read, or a refused write, writes nothing (the session and the cache
aside) and sends no e-mail; an allowed write does change something.
"""

from dataclasses import dataclass
from urllib.parse import quote

import pytest
from django.contrib import admin
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve

from tests.submissions import test_permissions as submissions_matrix

from .conftest import ROLES, as_role, inline_markup, send

# What it checks is the HTTP layer, not the database engine: run once, in the SQLite pass (README, "Running the tests").
pytestmark = [pytest.mark.django_db, pytest.mark.any_database]


@dataclass(frozen=True)
class Go:
    """A redirect to ``to`` ("{next}" is the requested path, quoted), and nothing changed."""

    to: str


@dataclass(frozen=True)
class Done:
    """``status`` (and, if given, a redirect to ``to``), and the request changed something."""

    status: int = 302
    to: str | None = None


LOGIN = Go("/en/accounts/login/?next={next}")
ADMIN_LOGIN = Go("/admin/login/?next={next}")
MINE = Go("/en/submissions/")  # where a logged-in person is sent from the log-in and sign-up pages
ACCOUNT = Go("/en/accounts/")


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    path: str  # with "{placeholders}" from the ``world`` fixture
    expected: tuple  # one per role, in the order of ROLES
    data: dict | None = None
    pending: str = ""  # a reason to skip the row for now

    def param(self):
        marks = [pytest.mark.skip(reason=self.pending)] if self.pending else []
        return pytest.param(self, id=self.name, marks=marks)


def _pending_unless_resolves(path: str) -> str:
    """Pending: the lead is adding /.well-known/security.txt (URL name security-txt); the row runs once it exists."""
    try:
        resolve(path)
    except Resolver404:
        return f"pending: {path} does not exist yet"
    return ""


def everyone(expected) -> tuple:
    return (expected,) * len(ROLES)


# fmt: off
PUBLIC = [
    Row("home",                 "GET", "/en/",                                   everyone(200)),
    Row("listing",              "GET", "/en/initiatives/",                       everyone(200)),
    Row("search",               "GET", "/en/initiatives/?q=matrix",              everyone(200)),
    Row("feed",                 "GET", "/en/initiatives/feed/",                  everyone(200)),
    Row("feed-atom",            "GET", "/en/initiatives/feed/atom/",             everyone(200)),
    Row("export-csv",           "GET", "/en/initiatives/export.csv",             everyone(200)),
    Row("export-json",          "GET", "/en/initiatives/export.json",            everyone(200)),
    # The collection at a glance (issue 14): map and charts of any listing.
    Row("insights",             "GET", "/en/initiatives/insights/",              everyone(200)),
    Row("insights-filtered",    "GET", "/en/initiatives/insights/?q=matrix",     everyone(200)),
    Row("detail",               "GET", "/en/initiatives/{initiative}/",          everyone(200)),
    Row("detail-unpublished",   "GET", "/en/initiatives/{draft}/",               everyone(404)),
    Row("detail-unknown",       "GET", "/en/initiatives/no-such-initiative/",    everyone(404)),
    # "Cite this" (issue 13): the citation of a published initiative, none of a draft.
    Row("cite-ris",             "GET", "/en/initiatives/{initiative}/cite.ris",  everyone(200)),
    Row("cite-bib",             "GET", "/en/initiatives/{initiative}/cite.bib",  everyone(200)),
    Row("cite-ris-unpublished", "GET", "/en/initiatives/{draft}/cite.ris",       everyone(404)),
    Row("cite-bib-unpublished", "GET", "/en/initiatives/{draft}/cite.bib",       everyone(404)),
    Row("sitemap",              "GET", "/sitemap.xml",                        everyone(200)),
    Row("sitemap-section",      "GET", "/sitemap-initiatives.xml",            everyone(200)),
    Row("robots",               "GET", "/robots.txt",                         everyone(200)),
    Row("favicon",              "GET", "/favicon.ico",                        everyone(302)),
    Row("healthz",              "GET", "/healthz",                            everyone(200)),
    Row("security-txt",         "GET", "/.well-known/security.txt",           everyone(200),
        pending=_pending_unless_resolves("/.well-known/security.txt")),
    # Files (issue 13): no row here names a stored file (the world is built once, files live in each test's media
    # directory); who may read a real one (author, moderators, curators; others 404) is tests/*/test_files.py's.
    Row("attachment-unknown",   "GET", "/files/a/999999/report.pdf",            everyone(404)),
    Row("attachment-card-unknown", "GET", "/files/a/999999/card/image.webp",    everyone(404)),
    Row("logo-unknown",         "GET", "/files/o/999999/logo.webp",             everyone(404)),
    Row("submission-file-unknown", "GET", "/files/s/999999/report.pdf",         everyone(404)),
    Row("submission-card-unknown", "GET", "/files/s/999999/card/image.webp",    everyone(404)),
]
TERMS = {  # each kind of term page: its index, one term, its feeds
    "regions": "northern-africa", "countries": "ma", "themes": "regular-pathways", "principles": "human-rights",
    "categories": "programmes-and-projects", "organisations": "{organisation}", "tags": "{tag}",
    "sdgs": "10", "sdg-targets": "10-7",  # issue 13: a goal's slug is its number, a target's its code ("10.7")
}
for prefix, term in TERMS.items():
    PUBLIC += [
        Row(f"{prefix}-index",     "GET", f"/en/{prefix}/",                   everyone(200)),
        Row(f"{prefix}-term",      "GET", f"/en/{prefix}/{term}/",            everyone(200)),
        Row(f"{prefix}-feed",      "GET", f"/en/{prefix}/{term}/feed/",       everyone(200)),
        Row(f"{prefix}-feed-atom", "GET", f"/en/{prefix}/{term}/feed/atom/",  everyone(200)),
        Row(f"{prefix}-unknown",   "GET",
            f"/en/{prefix}/zz-no-such-term/" if prefix != "countries" else "/en/countries/zz/", everyone(404)),
    ]

SIGN_UP = {
    "name": "Nina New", "email": "nina.new@example.org", "password1": "{password}", "password2": "{password}",
    "honorific": "", "organisation": "",
}
PROFILE = {"name": "Renamed Person", "honorific": "Dr.", "organisation": "New Organisation"}
NEW_PASSWORD = {"old_password": "{password}", "new_password1": "Another-Long-Pass-77", "new_password2":
                "Another-Long-Pass-77"}
SET_PASSWORD = {"new_password1": "Another-Long-Pass-77", "new_password2": "Another-Long-Pass-77"}
RESET_SET = "/en/accounts/password/reset/{reset_uid}/set-password/"

ACCOUNTS = [
    #   name                    method  path
    #       anonymous  submitter  other      moderator  superuser
    Row("account",              "GET",  "/en/accounts/",
        (LOGIN,     200,       200,       200,       200)),
    Row("account-save",         "POST", "/en/accounts/",
        (LOGIN,     Done(),    Done(),    Done(),    Done()), PROFILE),
    Row("sign-up-form",         "GET",  "/en/accounts/sign-up/",
        (200,       ACCOUNT,   ACCOUNT,   ACCOUNT,   ACCOUNT)),
    Row("sign-up",              "POST", "/en/accounts/sign-up/",
        (Done(302, "/en/accounts/verify/sent/"), ACCOUNT, ACCOUNT, ACCOUNT, ACCOUNT), SIGN_UP),
    Row("verify-sent",          "GET",  "/en/accounts/verify/sent/",           everyone(200)),
    Row("resend-form",          "GET",  "/en/accounts/verify/resend/",         everyone(200)),
    Row("resend",               "POST", "/en/accounts/verify/resend/",
        everyone(Done(302, "/en/accounts/verify/sent/")), {"email": "unverified@example.org"}),
    # Opening the e-mailed link shows a button and changes nothing; pressing it (a POST) verifies the address,
    # whoever is logged in, and sends to the log-in page a browser that did not sign up with the password.
    Row("verify",               "GET",  "/en/accounts/verify/{verify_uid}/{verify_token}/", everyone(200)),
    Row("verify-confirm",       "POST", "/en/accounts/verify/{verify_uid}/{verify_token}/",
        everyone(Done(302, "/en/accounts/login/")), {}),
    Row("verify-bad-token",     "GET",  "/en/accounts/verify/{verify_uid}/1a2b-0123456789abcdef/", everyone(400)),
    Row("verify-bad-uid",       "GET",  "/en/accounts/verify/zzzz/{verify_token}/", everyone(400)),
    Row("login-form",           "GET",  "/en/accounts/login/",
        (200,       MINE,      MINE,      MINE,      MINE)),
    Row("login",                "POST", "/en/accounts/login/",
        (Done(302, "/en/submissions/"), MINE, MINE, MINE, MINE),
        {"username": "other@example.org", "password": "{password}"}),
    Row("login-wrong-password", "POST", "/en/accounts/login/",
        (200,       MINE,      MINE,      MINE,      MINE),
        {"username": "other@example.org", "password": "not-the-password"}),
    Row("logout-by-get",        "GET",  "/en/accounts/logout/",                everyone(405)),
    Row("logout",               "POST", "/en/accounts/logout/",                everyone(Go("/en/"))),
    Row("password-change-form", "GET",  "/en/accounts/password/change/",
        (LOGIN,     200,       200,       200,       200)),
    Row("password-change",      "POST", "/en/accounts/password/change/",
        (LOGIN,     Done(302, "/en/accounts/password/change/done/"), Done(302, "/en/accounts/password/change/done/"),
         Done(302, "/en/accounts/password/change/done/"), Done(302, "/en/accounts/password/change/done/")),
        NEW_PASSWORD),
    Row("password-change-done", "GET",  "/en/accounts/password/change/done/",
        (LOGIN,     200,       200,       200,       200)),
    Row("password-reset-form",  "GET",  "/en/accounts/password/reset/",        everyone(200)),
    Row("password-reset",       "POST", "/en/accounts/password/reset/",
        everyone(Done(302, "/en/accounts/password/reset/sent/")), {"email": "resetting@example.org"}),
    Row("password-reset-sent",  "GET",  "/en/accounts/password/reset/sent/",   everyone(200)),
    Row("password-reset-done",  "GET",  "/en/accounts/password/reset/done/",   everyone(200)),
    Row("password-reset-link",  "GET",  "/en/accounts/password/reset/{reset_uid}/{reset_token}/",
        everyone(Go(RESET_SET))),
    Row("password-reset-bad-link", "GET", "/en/accounts/password/reset/{reset_uid}/1a2b-0123456789abcdef/",
        everyone(200)),
    Row("password-reset-set-without-link", "POST", RESET_SET,               everyone(200), SET_PASSWORD),
]

SUBSCRIBE = {"email": "new.follower@example.org", "frequency": "weekly"}
BAD = "not-a-valid-token"
SUBSCRIPTIONS = [
    Row("subscribe-form",       "GET",  "/en/subscribe/?theme=regular-pathways", everyone(200)),
    Row("subscribe-unknown",    "GET",  "/en/subscribe/?region=atlantis",      everyone(404)),
    # Anonymous people are sent a confirmation link; people with a verified address follow at once.
    Row("subscribe",            "POST", "/en/subscribe/?theme=regular-pathways",
        (Done(302, "/en/subscribe/sent/"), *(Done(302, "/en/subscribe/?theme=regular-pathways"),) * 4), SUBSCRIBE),
    Row("subscribe-sent",       "GET",  "/en/subscribe/sent/",                 everyone(200)),
    Row("confirm-page",         "GET",  "/en/subscriptions/confirm/{confirm_token}/", everyone(200)),
    Row("confirm",              "POST", "/en/subscriptions/confirm/{confirm_token}/", everyone(Done(200))),
    Row("confirm-bad-token",    "GET",  f"/en/subscriptions/confirm/{BAD}/",   everyone(400)),
    Row("confirm-bad-token-post", "POST", f"/en/subscriptions/confirm/{BAD}/", everyone(400)),
    Row("confirm-with-manage-token", "POST", "/en/subscriptions/confirm/{manage_token}/", everyone(400)),
    Row("manage-page",          "GET",  "/en/subscriptions/manage/{manage_token}/", everyone(200)),
    Row("manage-pause",         "POST", "/en/subscriptions/manage/{manage_token}/",
        everyone(Done(302, "/en/subscriptions/manage/{manage_token}/")), {"action": "pause"}),
    Row("manage-bad-action",    "POST", "/en/subscriptions/manage/{manage_token}/", everyone(400),
        {"action": "delete"}),
    Row("manage-bad-token",     "GET",  f"/en/subscriptions/manage/{BAD}/",    everyone(400)),
    Row("manage-bad-token-post", "POST", f"/en/subscriptions/manage/{BAD}/",   everyone(400), {"action": "pause"}),
    Row("manage-with-unsubscribe-token", "POST", "/en/subscriptions/manage/{unsubscribe_token}/", everyone(400),
        {"action": "unsubscribe-all"}),
    Row("unsubscribe-page",     "GET",  "/en/subscriptions/unsubscribe/{unsubscribe_token}/", everyone(200)),
    Row("unsubscribe",          "POST", "/en/subscriptions/unsubscribe/{unsubscribe_token}/", everyone(Done(200))),
    Row("unsubscribe-bad-token", "GET", f"/en/subscriptions/unsubscribe/{BAD}/", everyone(400)),
    Row("unsubscribe-bad-token-post", "POST", f"/en/subscriptions/unsubscribe/{BAD}/", everyone(400)),
    Row("unsubscribe-with-manage-token", "POST", "/en/subscriptions/unsubscribe/{manage_token}/", everyone(400)),
]

# Issue 13 (orgs): "Contact the implementer". Posting stores a message and e-mails its sender; the link relays it.
CONTACT_POST = {"sender_name": "Matrix Sender", "sender_email": "matrix.sender@example.org", "message": "Hello"}
CONTACT = [
    Row("contact-form",         "GET",  "/en/initiatives/{initiative}/contact/", everyone(200)),
    Row("contact-form-draft",   "GET",  "/en/initiatives/{draft}/contact/",     everyone(404)),
    Row("contact",              "POST", "/en/initiatives/{initiative}/contact/",
        everyone(Done(302, "/en/initiatives/{initiative}/contact/sent/")), CONTACT_POST),
    Row("contact-invalid",      "POST", "/en/initiatives/{initiative}/contact/", everyone(400), {"message": "Hi"}),
    Row("contact-sent",         "GET",  "/en/initiatives/{initiative}/contact/sent/", everyone(200)),
    Row("contact-verify-page",  "GET",  "/en/contact/verify/{contact_token}/",  everyone(200)),
    Row("contact-verify",       "POST", "/en/contact/verify/{contact_token}/",  everyone(Done(200))),
    Row("contact-verify-bad",   "POST", f"/en/contact/verify/{BAD}/",           everyone(400)),
]

API_READS = [
    Row("api-index",            "GET",  "/api/",                            everyone(200)),
    Row("api-schema",           "GET",  "/api/schema/",                     everyone(200)),
    Row("api-initiatives",      "GET",  "/api/initiatives/",                everyone(200)),
    Row("api-initiative",       "GET",  "/api/initiatives/{initiative}/",   everyone(200)),
    Row("api-initiative-unpublished", "GET", "/api/initiatives/{draft}/",   everyone(404)),
    Row("api-not-found",        "GET",  "/api/no-such-endpoint/",           everyone(404)),
]
for prefix, term in TERMS.items():
    API_READS += [
        Row(f"api-{prefix}",        "GET", f"/api/{prefix}/",         everyone(200)),
        Row(f"api-{prefix}-detail", "GET", f"/api/{prefix}/{term}/",  everyone(200)),
    ]
# The API is read-only: no write method reaches anything, whoever asks.
API_WRITES = [
    Row(f"{row.name}-{method}", method, row.path, everyone(404 if row.name == "api-not-found" else 405), {})
    for row in API_READS
    for method in ("POST", "PUT", "PATCH", "DELETE")
]
# fmt: on


# --- the admin, generated from its registry -------------------------------------------------------------

STAFF_ONLY = (ADMIN_LOGIN,) * 4  # anonymous, submitter, other, moderator: none is staff


def staff(superuser) -> tuple:
    return (*STAFF_ONLY, superuser)


# What the superuser gets where it is not 200: models that nobody adds in the admin.
ADMIN_EXCEPTIONS = {
    ("subscriptions.subscription", "add"): 403,  # subscriptions are made by the people who follow
    ("django_tasks_database.dbtaskresult", "add"): 403,  # tasks are queued by the portal...
    ("django_tasks_database.dbtaskresult", "delete"): 403,  # ...and only ever deleted by their worker
    ("contact.contactmessage", "add"): 403,  # messages are written by visitors, through the form (issue 13)
}


def _admin_rows() -> list[Row]:
    rows = []
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label_lower
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        obj = f"{{obj_{label}}}"
        views = {
            "changelist": base,
            "add": f"{base}add/",
            "change": f"{base}{obj}/change/",
            "delete": f"{base}{obj}/delete/",
            "history": f"{base}{obj}/history/",
            "redirect-to-change": f"{base}{obj}/",
        }
        if hasattr(model_admin, "history_form_view"):  # django-simple-history: one past version
            views["version"] = f"{base}{obj}/history/{{version_{label}}}/"
        for view, path in views.items():
            superuser = ADMIN_EXCEPTIONS.get((label, view), 200)
            if view == "redirect-to-change":
                superuser = Go(f"{base}{obj}/change/")
            rows.append(Row(f"admin-{label}-{view}", "GET", path, staff(superuser)))
    return rows


LAST_VERSION = "/admin/initiatives/initiative/{initiative_pk}/history/{initiative_version}/"
SELECTED_INITIATIVE = {"action": "unpublish", "_selected_action": ["{initiative_pk}"]}
SUPPRESSED = "/admin/subscriptions/suppressedaddress/"
SUPPRESS = {"email": "suppress-me@example.org", "reason": "asked"}
CATEGORY = {"name_en": "Renamed category", "slug": "renamed-category", "description_en": ""}
ADMIN_PASSWORD = {"password1": "Another-Long-Pass-77", "password2": "Another-Long-Pass-77"}

# fmt: off
ADMIN_CUSTOM = [
    Row("admin-index",               "GET",  "/admin/",                              staff(200)),
    Row("admin-login-form",          "GET",  "/admin/login/",
        (200, 200, 200, 200, Go("/admin/"))),
    Row("admin-login-as-non-staff",  "POST", "/admin/login/",
        everyone(200), {"username": "moderator@example.org", "password": "{password}"}),
    # Logging out of the admin: people who are not staff are sent to its index (and so to its log-in page).
    Row("admin-logout-by-get",       "GET",  "/admin/logout/",                       (*(Go("/admin/"),) * 4, 405)),
    Row("admin-logout",              "POST", "/admin/logout/",             (*(Go("/admin/"),) * 4, Go("/en/"))),
    Row("admin-password-change-form", "GET", "/admin/password_change/",              staff(200)),
    Row("admin-password-change",     "POST", "/admin/password_change/",
        staff(Done(302, "/admin/password_change/done/")), NEW_PASSWORD),
    Row("admin-password-change-done", "GET", "/admin/password_change/done/",         staff(200)),
    Row("admin-autocomplete",        "GET",
        "/admin/autocomplete/?app_label=subscriptions&model_name=delivery&field_name=subscription", staff(200)),
    Row("admin-autocomplete-bare",   "GET",  "/admin/autocomplete/",                 staff(403)),
    Row("admin-jsi18n",              "GET",  "/admin/jsi18n/",                       staff(200)),
    Row("admin-view-on-site",        "GET",  "/admin/r/{initiative_ct}/{initiative_pk}/",
        staff(Go("http://testserver/en/initiatives/{initiative}/"))),
    Row("admin-unknown-page",        "GET",  "/admin/no-such-page/",                 staff(404)),
    Row("admin-user-password-form",  "GET",  "/admin/auth/user/{submitter_pk}/password/", staff(200)),
    Row("admin-user-password",       "POST", "/admin/auth/user/{submitter_pk}/password/",
        staff(Done(302, "/admin/auth/user/{submitter_pk}/change/")), {**ADMIN_PASSWORD, "set_usable_password": "true"}),
    Row("admin-revert-page",         "GET",  LAST_VERSION,                           staff(200)),
    Row("admin-revert",              "POST", LAST_VERSION,
        staff(Done(302, "/admin/initiatives/initiative/{initiative_pk}/history/")), {}),
    Row("admin-term-version",        "GET",
        "/admin/initiatives/category/{obj_initiatives.category}/history/999999/",  staff(404)),
    Row("admin-changelist-action",   "POST", "/admin/initiatives/initiative/",
        staff(Done(302, "/admin/initiatives/initiative/")), SELECTED_INITIATIVE),
    Row("admin-delete-selected-confirmation", "POST", "/admin/subscriptions/suppressedaddress/",
        staff(200), {"action": "delete_selected", "_selected_action": ["{obj_subscriptions.suppressedaddress}"]}),
    Row("admin-delete-selected",     "POST", "/admin/subscriptions/suppressedaddress/",
        staff(Done(302, "/admin/subscriptions/suppressedaddress/")),
        {"action": "delete_selected", "_selected_action": ["{obj_subscriptions.suppressedaddress}"], "post": "yes"}),
    Row("admin-delete",              "POST", SUPPRESSED + "{obj_subscriptions.suppressedaddress}/delete/",
        staff(Done(302, "/admin/subscriptions/suppressedaddress/")), {"post": "yes"}),
    Row("admin-add",                 "POST", "/admin/subscriptions/suppressedaddress/add/",
        staff(Done(302, "/admin/subscriptions/suppressedaddress/")), SUPPRESS),
    Row("admin-add-refused",         "POST", "/admin/subscriptions/subscription/add/",
        staff(403), {"email": "x@example.org", "query": "", "frequency": "daily"}),
    Row("admin-change",              "POST", "/admin/initiatives/category/{obj_initiatives.category}/change/",
        staff(Done(302, "/admin/initiatives/category/")), CATEGORY),
]
for app_label in sorted({model._meta.app_label for model in admin.site._registry}):
    ADMIN_CUSTOM.append(Row(f"admin-app-{app_label}", "GET", f"/admin/{app_label}/", staff(200)))
# fmt: on

ADMIN = _admin_rows() + ADMIN_CUSTOM

MATRIX = PUBLIC + ACCOUNTS + SUBSCRIPTIONS + API_READS + API_WRITES + ADMIN
MATRIX += CONTACT  # issue 13 (orgs)


def check_cell(world, row: Row, role: str, expected, outcome) -> str | None:
    """What is wrong with this cell's answer, or None."""
    response, path = outcome.response, world.fill(row.path)
    status = response.status_code
    location = response.get("Location")
    if isinstance(expected, Go):
        want = world.fill(expected.to).replace("{next}", quote(path))
        if (status, location) != (302, want):
            return f"expected 302 to {want}, got {status} {location or ''}"
    elif isinstance(expected, Done):
        if status != expected.status:
            return f"expected {expected.status}, got {status} {location or ''}"
        if expected.to is not None and location != world.fill(expected.to):
            return f"expected a redirect to {world.fill(expected.to)}, got {location}"
        if not outcome.changed:
            return "expected the request to change something; it changed nothing"
        return None
    elif status != expected:
        return f"expected {expected}, got {status} {location or ''}"
    if outcome.changed:
        return f"expected no change, but it wrote {sorted(outcome.written)} and sent {outcome.mails} e-mail(s)"
    html = response.content.decode() if status == 200 and response["Content-Type"].startswith("text/html") else ""
    if refused := inline_markup(html):
        return f"markup the Content Security Policy refuses: {refused}"
    return None


@pytest.mark.parametrize("row", [row.param() for row in MATRIX])
def test_permission_matrix(world, fast_passwords, row):
    problems = []
    for role, expected in zip(ROLES, row.expected, strict=True):
        with as_role(world, role) as client:
            outcome = send(client, row.method, world.fill(row.path), world.fill(row.data))
            problem = check_cell(world, row, role, expected, outcome)
            if problem:
                problems.append(f"{role}: {problem}")
    assert not problems, f"{row.method} {row.path}\n" + "\n".join(problems)


# --- coverage: every URL pattern of the portal has a row --------------------------------------------------


def all_routes(resolver=None, prefix=""):
    """Every URL pattern of the portal, as the full route ``resolve()`` reports for it."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = str(pattern.pattern)
        route = prefix + route.removeprefix("^") if prefix else route
        if isinstance(pattern, URLResolver):
            yield from all_routes(pattern, route)
        else:
            assert isinstance(pattern, URLPattern)
            yield route


def covered_routes(world) -> set:
    paths = [world.fill(row.path) for row in MATRIX if not row.pending]
    paths += [submissions_matrix._fill(row.path, 1) for row in submissions_matrix.MATRIX]
    return {resolve(path.split("?")[0]).route for path in paths}


def test_every_url_pattern_has_a_row(world):
    missing = set(all_routes()) - covered_routes(world)
    assert not missing, "URL patterns without a row in a permission matrix:\n" + "\n".join(sorted(missing))


def test_every_registered_model_admin_has_its_rows():
    labels = {model._meta.label_lower for model in admin.site._registry}
    rows = {row.name for row in ADMIN}
    for label in labels:
        for view in ("changelist", "add", "change", "delete", "history"):
            assert f"admin-{label}-{view}" in rows
