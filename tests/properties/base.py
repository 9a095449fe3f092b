"""What every property test shares: one rolled-back transaction and a fresh client and cache per example."""

from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.test import override_settings
from django.utils.html import conditional_escape
from hypothesis.extra import django as hypothesis_django

from accounts.models import Profile
from initiatives.models import Initiative
from submissions import services as submission_services
from submissions.models import ModeratorNote, Submission, Transition
from subscriptions.models import Subscription
from tests.accounts.factories import PASSWORD, make_account
from tests.properties.strategies import encode

User = get_user_model()

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class PropertyTestCase(hypothesis_django.TestCase):
    """``hypothesis.extra.django.TestCase``: each example runs in its own transaction, rolled back after it, with a
    new test client (logged out) and an empty mail outbox. The cache is cleared too, so that counts cached by one
    example (whose data is rolled back) do not leak into the next.

    Shared people, made once per class (``setUpTestData``): ``submitter`` (a verified account) and ``moderator``.
    Passwords are hashed with MD5: what is tested is the handling of input, not the hasher.
    """

    @classmethod
    def setUpTestData(cls):
        cls.submitter = make_account(email="submitter@example.org", name="Sam Submitter")
        cls.moderator = make_account(email="moderator@example.org", name="Mona Moderator")
        cls.moderator.groups.add(submission_services.ensure_moderators_group())
        cls.password = PASSWORD

    _handler = None  # the test client's request handler, middleware loaded, shared by every example

    def setup_example(self):
        super().setup_example()
        cache.clear()
        # Each example gets a new client (no cookies), whose handler would load the middleware again on its first
        # request (WhiteNoise's scan of the static files alone costs more than most requests): keep the first one.
        if PropertyTestCase._handler is None:
            PropertyTestCase._handler = self.client.handler
        self.client.handler = PropertyTestCase._handler

    def log_in(self, who: str):
        """Log the client in as "anonymous" (nobody), "submitter" or "moderator"."""
        if who != "anonymous":
            self.client.force_login(getattr(self, who))

    def assert_no_server_error(self, response, what: str = ""):
        assert response.status_code < 500, f"{response.status_code} for {what or response.request}"
        if response.streaming:  # a download fails while it is streamed, after its status was sent
            b"".join(response.streaming_content)

    # --- forms ---------------------------------------------------------------------------------------------------

    def post(self, path: str, pairs):
        """POST ``pairs`` (names and values, text or raw bytes, repeated or not) as a browser's form would."""
        response = self.client.post(path, data=encode(pairs), content_type=FORM_CONTENT_TYPE)
        self.assert_no_server_error(response, f"POST {path}")
        return response

    @staticmethod
    def form_errors(response, *names: str) -> dict:
        """The errors of the forms ``names`` in the page's context (empty when the page is no form page)."""
        if response.status_code not in (200, 400, 429) or response.context is None:
            return {}
        errors = {}
        for name in names:
            form = response.context.get(name)
            if form is not None and form.is_bound:
                errors.update(form.errors)
        return errors

    @staticmethod
    def assert_kept(response, fields):
        """What was typed in the text fields ``fields`` is in the page again (escaped), to be corrected."""
        html = response.content.decode()
        posted = response.wsgi_request.POST
        for name in fields:
            value = posted.get(name)
            if value:
                assert conditional_escape(value) in html, f"{name}={value[:200]!r} was not kept in the form"

    @staticmethod
    def snapshot() -> dict:
        """What a form could save: accounts, profiles, submissions and their history, initiatives, subscriptions,
        e-mail sent. (Not the rate-limit counters, which count invalid attempts on purpose.)"""
        return {
            "users": list(
                User.objects.order_by("pk").values_list(
                    "pk", "username", "email", "first_name", "last_name", "password", "is_active"
                )
            ),
            "profiles": list(
                Profile.objects.order_by("pk").values_list("user_id", "honorific", "organisation", "email_verified_at")
            ),
            "submissions": list(
                Submission.objects.order_by("pk").values_list(
                    "pk", "state", "data", "note_to_moderators", "duplicate_explanation", "consent", "claimed_by_id"
                )
            ),
            "transitions": Transition.objects.count(),
            "notes": ModeratorNote.objects.count(),
            "initiatives": list(Initiative.objects.order_by("pk").values_list("pk", "status", "title")),
            "subscriptions": list(
                Subscription.objects.order_by("pk").values_list("pk", "email", "query", "status", "frequency")
            ),
            "mail": len(mail.outbox),
        }

    def assert_nothing_saved(self, before: dict):
        after = self.snapshot()
        changed = [key for key in before if before[key] != after[key]]
        assert not changed, f"an invalid form changed {changed}"
