"""Every page answered with a GET, with random and hostile values in its address: never a 5xx.

Each URL name gets a test of its own (``GET_TARGETS``): hostile values in every query parameter the page reads,
valid and almost valid ones mixed in (real slugs with garbage, years, page numbers like 0, -1, 10**30, "last"),
repeated parameters, unknown ones, bare names without "=", invalid UTF-8; and in the path, real slugs, codes,
keys and tokens next to mangled and hostile ones. Pages behind a login are asked by the right kind of user, and by
someone who is not logged in.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.tokens import default_token_generator
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from hypothesis import given
from hypothesis import strategies as st

from accounts.tokens import email_verification_token
from initiatives.models import Attachment, Initiative, Organisation
from initiatives.taxonomies import TAXONOMIES
from submissions import services as submission_services
from submissions.forms import ProposalForm
from submissions.models import Submission, SubmissionFile
from subscriptions import tokens
from subscriptions.models import Subscription
from tests.accounts.factories import make_account
from tests.properties import examples
from tests.properties.base import PropertyTestCase
from tests.properties.strategies import (
    HOSTILE,
    LISTING,
    almost,
    arbitrary_text,
    encode,
    hostile_value,
    next_urls,
    page_numbers,
    parameters,
    raw_bytes,
    real,
    segment,
)
from tests.submissions.conftest import PROPOSAL

# Path values that match each converter, replaced in the reversed URL by what is drawn.
SENTINELS = {
    "slug": "sentinel-slug",
    "code": "zq",
    "pk": 987654321,
    "token": "sentinel-token",
    "uidb64": "sentinel-uid",
    "action": "sentinel-action",
}

RAW_PAYLOADS = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>")

Strategy = st.SearchStrategy | Callable[[PropertyTestCase], st.SearchStrategy]


def fill(name: str, values: dict) -> str:
    """The path of URL ``name`` with ``values`` (any text or bytes) percent-encoded in place of its arguments."""
    path = reverse(name, kwargs={key: SENTINELS[key] for key in values})
    for key, value in values.items():
        path = path.replace(f"/{SENTINELS[key]}/", f"/{segment(value)}/", 1)
    return path


@dataclass
class Target:
    """A page: its URL name, strategies for its path arguments and query parameters, and who asks for it."""

    name: str
    kwargs: dict[str, Strategy] = field(default_factory=dict)
    params: dict[str, st.SearchStrategy] = field(default_factory=dict)
    who: tuple[str, ...] = ("anonymous",)
    share: float = 0.2  # of the profile's examples
    path: Callable[[PropertyTestCase], st.SearchStrategy] | None = None  # instead of kwargs

    def paths(self, case: PropertyTestCase) -> st.SearchStrategy:
        if self.path is not None:
            return self.path(case)
        kwargs = {key: value(case) if callable(value) else value for key, value in self.kwargs.items()}
        return st.fixed_dictionaries(kwargs).map(lambda values: fill(self.name, values))


def own(attribute: str) -> Callable[[PropertyTestCase], st.SearchStrategy]:
    """A value made in ``setUpTestData`` (a key, a token) or a hostile one in its place."""

    def strategy(case):
        return st.one_of(st.just(getattr(case, attribute)), st.just(getattr(case, attribute)), hostile_value)

    return strategy


def own_pk(case) -> st.SearchStrategy:
    pks = [case.draft.pk, case.submitted.pk, case.others_draft.pk]
    return st.one_of(st.sampled_from(pks), st.integers(0, 2**64).map(str), st.sampled_from(["0", "1" * 40]))


API = {"format": almost(st.just("json")), "lang": almost(st.sampled_from(["en", "fr", "es", "ar"]))}
API_PAGES = {**API, "page": page_numbers, "page_size": almost(st.sampled_from(["1", "20", "100", "101"]))}
NEXT = {"next": st.one_of(next_urls, hostile_value)}
QUEUE = {
    "state": almost(st.sampled_from(["waiting", "all", *Submission.State.values])),
    "age": almost(st.sampled_from(["1", "7", "30"])),
    "category": almost(real("category")),
    "page": almost(page_numbers),
}


TERM_VALUE = {taxonomy.name: almost(real(taxonomy.name)) for taxonomy in TAXONOMIES}
LOOKUP = {taxonomy.name: "code" if taxonomy.name == "country" else "slug" for taxonomy in TAXONOMIES}


def api_not_found(case) -> st.SearchStrategy:
    words = st.sampled_from(["initiatives", "v2", "..", "%2F"])
    parts = st.lists(st.one_of(arbitrary_text, raw_bytes, words), max_size=3)
    return parts.map(lambda items: "/api/" + "".join(f"{segment(item)}/" for item in items if item))


# --- files (issue 13): /files/<kind>/<pk>/[card/]<filename>, served only for a known pk -----------------------------

FILE_PREFIXES = {
    "attachment-file": "a/{pk}/",
    "attachment-card": "a/{pk}/card/",
    "organisation-logo": "o/{pk}/",
    "submission-file": "s/{pk}/",
    "submission-file-card": "s/{pk}/card/",
}
FILE_NAMES = {
    "attachment-file": "report.pdf",
    "attachment-card": "image.webp",
    "organisation-logo": "logo.webp",
    "submission-file": "report.pdf",
    "submission-file-card": "image.webp",
}
# Ids the int converter accepts, around the largest one a row can have (uploads.MAX_ID: 2**63 - 1).
FILE_IDS = ["0", "1", "00001", str(2**63 - 1), str(2**63), str(2**64), "9" * 40]


def file_path(name: str, attribute: str) -> Callable[[PropertyTestCase], st.SearchStrategy]:
    """The address of file URL ``name``: the pk of a row made in ``setUpTestData`` (whose file is not stored) or
    a hostile one, and its file name or a hostile one (the converters: ``int`` and ``str``)."""

    def strategy(case):
        pks = st.one_of(
            st.just(str(getattr(case, attribute))),
            st.sampled_from(FILE_IDS),
            st.integers(0, 2**70).map(str),
            hostile_value,
        )
        filenames = st.one_of(
            st.just(FILE_NAMES[name]),
            almost(st.sampled_from([FILE_NAMES[name], "..", ".", "card", "%2e%2e"])),
            hostile_value,
        )
        return st.builds(
            lambda pk, filename: "/files/" + FILE_PREFIXES[name].format(pk=segment(pk)) + segment(filename),
            pks,
            filenames,
        )

    return strategy


GET_TARGETS = [
    # --- the collection: listing, term pages, feeds, downloads --------------------------------------------------
    Target("initiatives:home", params=LISTING),
    Target("initiatives:list", params=LISTING, share=1.0),
    Target("initiatives:feed", params=LISTING, share=0.5),
    Target("initiatives:feed-atom", params=LISTING, share=0.3),
    Target("initiatives:export-csv", params=LISTING, share=0.3),
    Target("initiatives:export-json", params=LISTING, share=0.3),
    Target("initiatives:insights", params=LISTING, share=0.5),  # issue 14
    Target("initiatives:detail", kwargs={"slug": almost(real("initiative"))}, params=LISTING),
    # "Cite this" (issue 13)
    Target("initiatives:cite-ris", kwargs={"slug": almost(real("initiative"))}, params=LISTING, share=0.15),
    Target("initiatives:cite-bib", kwargs={"slug": almost(real("initiative"))}, params=LISTING, share=0.15),
    *[Target(f"initiatives:{taxonomy.plural}", params=LISTING, share=0.15) for taxonomy in TAXONOMIES],
    *[
        Target(
            f"initiatives:{taxonomy.name}{suffix}",
            kwargs={LOOKUP[taxonomy.name]: TERM_VALUE[taxonomy.name]},
            params=LISTING,
            share=0.3 if not suffix else 0.15,
        )
        for taxonomy in TAXONOMIES
        for suffix in ("", "-feed", "-feed-atom")
    ],
    Target("sitemap", params={"p": almost(page_numbers)}),
    Target(
        "sitemap-section",
        path=lambda case: st.sampled_from(["/sitemap-initiatives.xml", "/sitemap-tags.xml", "/sitemap-pages.xml"]),
        params={"p": almost(page_numbers)},
    ),
    Target("robots", params=LISTING, share=0.15),
    Target("favicon", params=LISTING, share=0.15),  # issue 14
    Target("healthz", params=LISTING, share=0.15),
    Target("security-txt", params=LISTING, share=0.15),
    # --- accounts -----------------------------------------------------------------------------------------------
    Target("accounts:account", params=NEXT, who=("anonymous", "submitter")),
    Target("accounts:sign-up", params=NEXT, who=("anonymous", "submitter")),
    Target("accounts:login", params=NEXT, who=("anonymous", "submitter")),
    Target("accounts:logout", params=NEXT, who=("anonymous", "submitter"), share=0.15),
    Target("accounts:verify-sent", params=NEXT, share=0.15),
    Target("accounts:resend", params=NEXT, share=0.15),
    Target(
        "accounts:verify",
        kwargs={"uidb64": own("unverified_uid"), "token": own("verification_token")},
        params=NEXT,
        who=("anonymous", "submitter"),
    ),
    Target("accounts:password-change", params=NEXT, who=("anonymous", "submitter"), share=0.15),
    Target("accounts:password-change-done", params=NEXT, who=("anonymous", "submitter"), share=0.15),
    Target("accounts:password-reset", params=NEXT, share=0.15),
    Target("accounts:password-reset-done", params=NEXT, share=0.15),
    Target("accounts:password-reset-complete", params=NEXT, share=0.15),
    Target(
        "accounts:password-reset-confirm",
        kwargs={"uidb64": own("reset_uid"), "token": own("reset_token")},
        params=NEXT,
    ),
    # --- submissions and moderation -----------------------------------------------------------------------------
    Target("submissions:create", params=NEXT, who=("anonymous", "submitter")),
    Target(
        "submissions:suggest-update",
        kwargs={"slug": almost(real("initiative"))},
        params=NEXT,
        who=("anonymous", "submitter"),
    ),
    Target("submissions:mine", params=NEXT, who=("anonymous", "submitter"), share=0.15),
    *[
        Target(f"submissions:{name}", kwargs={"pk": own_pk}, params=NEXT, who=("anonymous", "submitter", "moderator"))
        for name in ("detail", "edit", "preview")
    ],
    Target(
        "submissions:author-action",
        kwargs={"pk": own_pk, "action": almost(st.sampled_from(["submit", "withdraw"]))},
        who=("anonymous", "submitter"),
        share=0.15,
    ),
    Target("submissions:queue", params=QUEUE, who=("moderator", "submitter"), share=0.6),
    Target("submissions:bulk", who=("moderator",), share=0.15),
    Target("submissions:moderate", kwargs={"pk": own_pk}, who=("moderator", "submitter")),
    Target(
        "submissions:moderator-action",
        kwargs={"pk": own_pk, "action": almost(st.sampled_from(["claim", "approve", "note"]))},
        who=("moderator",),
        share=0.15,
    ),
    # --- subscriptions ------------------------------------------------------------------------------------------
    Target("subscriptions:subscribe", params=LISTING, who=("anonymous", "submitter"), share=0.6),
    Target("subscriptions:sent", params=LISTING, share=0.15),
    Target("subscriptions:confirm", kwargs={"token": own("confirm_token")}),
    Target("subscriptions:manage", kwargs={"token": own("manage_token")}),
    Target("subscriptions:unsubscribe", kwargs={"token": own("unsubscribe_token")}),
    # --- files (issue 13): nothing is stored, so every answer is a 4xx ------------------------------------------
    Target("attachment-file", path=file_path("attachment-file", "attachment_pk"), who=("anonymous", "moderator")),
    Target("attachment-card", path=file_path("attachment-card", "attachment_pk"), who=("anonymous", "moderator")),
    Target("organisation-logo", path=file_path("organisation-logo", "organisation_pk"), share=0.15),
    Target(
        "submission-file",
        path=file_path("submission-file", "submission_file_pk"),
        who=("anonymous", "submitter", "moderator"),
    ),
    Target(
        "submission-file-card",
        path=file_path("submission-file-card", "submission_file_pk"),
        who=("anonymous", "submitter", "moderator"),
    ),
    # --- the API ------------------------------------------------------------------------------------------------
    Target("api:index", params=API),
    Target("api:schema", params={**API, "lang": almost(st.sampled_from(["en", "fr", "es"])), "version": hostile_value}),
    Target(
        "api:initiative-list",
        params={**LISTING, **API_PAGES, "page": almost(page_numbers)},
        share=1.0,
    ),
    Target("api:initiative-detail", kwargs={"slug": almost(real("initiative"))}, params=API),
    *[Target(f"api:{taxonomy.name}-list", params=API_PAGES, share=0.15) for taxonomy in TAXONOMIES],
    *[
        Target(f"api:{taxonomy.name}-detail", kwargs={LOOKUP[taxonomy.name]: TERM_VALUE[taxonomy.name]}, params=API)
        for taxonomy in TAXONOMIES
    ],
    Target("api:not-found", path=api_not_found, params=API, share=0.15),
]
URL_NAMES = {target.name for target in GET_TARGETS}


class QueryParameterTests(PropertyTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        form = ProposalForm(PROPOSAL)
        assert form.is_valid(), form.errors
        data = form.to_data()
        cls.draft = submission_services.create_submission(author=cls.submitter, data=data, consent=True)
        cls.submitted = submission_services.submit(
            submission=submission_services.create_submission(author=cls.submitter, data=data, consent=True),
            author=cls.submitter,
        )
        cls.others_draft = submission_services.create_submission(author=cls.moderator, data=data, consent=True)

        unverified = make_account(email="unverified@example.org", verified=False)
        cls.unverified_uid = urlsafe_base64_encode(force_bytes(unverified.pk))
        cls.verification_token = email_verification_token.make_token(unverified)
        cls.reset_uid = urlsafe_base64_encode(force_bytes(cls.submitter.pk))
        cls.reset_token = default_token_generator.make_token(cls.submitter)

        now = timezone.now()
        pending = Subscription.objects.create(email="ana@example.org", query="theme=remittances", label="Remittances")
        active = Subscription.objects.create(
            email="ben@example.org",
            query="region=europe",
            label="Europe",
            status=Subscription.Status.ACTIVE,
            confirmed_at=now,
            since=now,
        )
        cls.confirm_token = tokens.make_token(pending, tokens.CONFIRM, frequency="weekly")
        cls.manage_token = tokens.make_token(active, tokens.MANAGE)
        cls.unsubscribe_token = tokens.make_token(active, tokens.UNSUBSCRIBE, also=[pending])

        # Files (issue 13): rows whose files were never stored (the file views then answer 404).
        initiative = Initiative.objects.published().order_by("pk").first()
        cls.attachment_pk = Attachment.objects.create(
            initiative=initiative,
            kind=Attachment.Kind.IMAGE,
            file="attachments/never-stored.webp",
            card_file="attachments/never-stored-card.webp",
            filename="image.webp",
            title="Never stored",
            content_type="image/webp",
            size=1,
            sha256="0" * 64,
        ).pk
        cls.organisation_pk = Organisation.objects.order_by("pk").first().pk
        cls.submission_file_pk = SubmissionFile.objects.create(
            submission=cls.submitted,
            kind="document",
            file="submissions/never-stored.pdf",
            filename="report.pdf",
            title="Never stored",
            content_type="application/pdf",
            size=1,
            sha256="0" * 64,
        ).pk

    def check(self, target: Target, data):
        self.log_in(data.draw(st.sampled_from(target.who), label="who"))
        path = data.draw(target.paths(self), label="path")
        query = encode(data.draw(parameters(target.params), label="query")) if target.params else ""
        url = f"{path}?{query}" if query else path
        response = self.client.get(url)
        self.assert_no_server_error(response, url)
        if target.name in FILE_PREFIXES:
            assert 400 <= response.status_code < 500, f"{response.status_code} for {url}"
        content_type = response.get("Content-Type", "")
        if response.status_code == 200 and content_type.startswith("text/html"):
            html = response.content.decode()
            for payload in RAW_PAYLOADS:
                assert payload not in html, f"{payload!r} echoed unescaped by {url}"
        if target.name.startswith("api:") and target.name != "api:schema" and response.status_code in (200, 400, 404):
            assert content_type.startswith("application/json"), (url, response.status_code, content_type)


def _test_for(target: Target):
    @examples(target.share)
    @given(data=st.data())
    def test(self, data):
        self.check(target, data)

    test.__name__ = "test_" + target.name.replace(":", "_").replace("-", "_")
    test.__doc__ = f"GET {target.name} with random and hostile path arguments and query parameters: never a 5xx."
    return test


for _target in GET_TARGETS:
    _test = _test_for(_target)
    setattr(QueryParameterTests, _test.__name__, _test)


# --- request headers ------------------------------------------------------------------------------------------------

latin1_text = st.one_of(
    st.text(st.characters(max_codepoint=255), max_size=60),
    st.sampled_from([value for value in HOSTILE if value.isascii()]),
)
HEADERS = {
    "HTTP_ACCEPT": st.one_of(
        st.sampled_from(["text/html", "application/rss+xml", "*/*;q=0.1", "text/html;q=abc", "a/b/c", ";;;"]),
        latin1_text,
    ),
    "HTTP_ACCEPT_LANGUAGE": st.one_of(st.sampled_from(["fr", "es-ES,es;q=0.9", "zz", "*", "en;q=nan"]), latin1_text),
    "HTTP_IF_NONE_MATCH": st.one_of(st.sampled_from(['"abc"', "*", 'W/"x"', '"unterminated']), latin1_text),
    "HTTP_IF_MODIFIED_SINCE": st.one_of(
        st.sampled_from(["Sat, 29 Oct 1994 19:43:31 GMT", "Sat, 29 Oct 99999 19:43:31 GMT", "0", "-1"]), latin1_text
    ),
    "HTTP_X_FORWARDED_FOR": st.one_of(
        st.sampled_from(["1.2.3.4", "::1, 10.0.0.1", "unknown", "1.2.3.4, "]), latin1_text
    ),
    "HTTP_COOKIE": st.one_of(
        st.sampled_from(["sessionid=garbage", "csrftoken=x; sessionid=", "portal_primary=1", "=;;=", "sessionid=\\"]),
        latin1_text,
    ),
    "HTTP_ORIGIN": st.one_of(st.sampled_from(["https://evil.example", "null"]), latin1_text),
    "HTTP_ACCESS_CONTROL_REQUEST_METHOD": st.one_of(st.sampled_from(["GET", "DELETE"]), latin1_text),
}
HEADER_PAGES = [
    "/en/",
    "/en/initiatives/",
    "/en/initiatives/thamm/",
    "/en/initiatives/feed/",
    "/en/themes/remittances/feed/atom/",
    "/en/initiatives/export.csv",
    "/api/initiatives/",
    "/api/themes/remittances/",
    "/en/accounts/login/",
    "/en/subscribe/?theme=remittances",
    "/sitemap.xml",
]


# Forms that count attempts per client (the client's address comes from X-Forwarded-For behind the proxy).
HEADER_FORMS = {
    "/en/accounts/login/": {"username": "submitter@example.org", "password": "wrong"},
    "/en/subscribe/?theme=remittances": {"email": "ana@example.org", "frequency": "daily"},
    "/en/accounts/password/reset/": {"email": "ana@example.org"},
}


# As in production, behind the reverse proxy (the test client's 127.0.0.1): X-Forwarded-For names the client.
@override_settings(SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"), TRUSTED_PROXIES=["127.0.0.1"])
class HeaderTests(PropertyTestCase):
    @examples(1.0)
    @given(
        path=st.sampled_from(HEADER_PAGES + list(HEADER_FORMS)),
        method=st.sampled_from(["get", "get", "head", "options", "post"]),
        headers=st.dictionaries(st.sampled_from(sorted(HEADERS)), st.none()).flatmap(
            lambda names: st.fixed_dictionaries({name: HEADERS[name] for name in names})
        ),
    )
    def test_hostile_request_headers(self, path, method, headers):
        """Content negotiation, conditional requests, languages, cookies, CORS preflight: never a 5xx."""
        data = HEADER_FORMS.get(path, {}) if method == "post" else None
        response = getattr(self.client, method)(path, data, **headers)
        self.assert_no_server_error(response, f"{method.upper()} {path} {headers!r}")
