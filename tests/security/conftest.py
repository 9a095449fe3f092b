"""One set of people and things for the security tests, built once per module.

``world`` is created inside a transaction that is rolled back when the module is done; each test (and each role
within a test, see ``as_role``) runs in a savepoint inside it, so nothing a request does leaks into the next.
"""

import re
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.tokens import email_verification_token
from initiatives.models import (
    Category,
    Country,
    GuidingPrinciple,
    Initiative,
    Organisation,
    Region,
    SdgGoal,
    SdgTarget,
    SlugRedirect,
    Theme,
)
from submissions import services as submission_services
from subscriptions import tokens
from subscriptions.models import Delivery, Subscription, SuppressedAddress
from tests.accounts.factories import PASSWORD, make_account
from tests.factories import make_initiative
from tests.submissions.conftest import PROPOSAL

ROLES = ("anonymous", "submitter", "other", "moderator", "superuser")
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Tables a request may write without having changed anything: the session (log-in, messages, CSRF rotation), the
# database cache (counts) when CACHE_BACKEND=database, and the rate limits' counters (a refused log-in counts).
NEUTRAL_TABLES = {"django_session", "portal_cache", "ratelimits_counter"}
_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+"?([\w.]+)"?', re.IGNORECASE)


_STYLE_ATTRIBUTE = re.compile(r"<[^>]*\sstyle=[^>]*>", re.IGNORECASE)
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>", re.IGNORECASE)


def inline_markup(html: str) -> list[str]:
    """Style attributes and inline scripts in a page: what the Content Security Policy (no 'unsafe-inline') refuses."""
    return _STYLE_ATTRIBUTE.findall(html) + _INLINE_SCRIPT.findall(html)


@dataclass
class World:
    users: dict
    objects: dict = field(default_factory=dict)  # what "{name}" placeholders in paths and data stand for

    def fill(self, value):
        """``value`` (a path, or post data) with its "{name}" placeholders replaced."""
        if isinstance(value, str):
            return re.sub(r"\{([\w.]+)\}", lambda match: str(self.objects.get(match.group(1), match.group(0))), value)
        if isinstance(value, dict):
            return {key: self.fill(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [self.fill(item) for item in value]
        return value


def _build() -> World:
    submitter = make_account(email="submitter@example.org", name="Sam Submitter")
    other = make_account(email="other@example.org", name="Otto Other")
    moderator = make_account(email="moderator@example.org", name="Mona Moderator")
    moderator.groups.add(submission_services.ensure_moderators_group())
    superuser = make_account(email="root@example.org", name="Sue Superuser")
    superuser.is_staff = superuser.is_superuser = True
    superuser.save()
    unverified = make_account(email="unverified@example.org", name="Una Verified", verified=False)
    resetting = make_account(email="resetting@example.org", name="Rita Reset")

    initiative = make_initiative(
        title="Matrix initiative", slug="matrix-initiative", regions=["northern-africa"], themes=["regular-pathways"],
        countries=["ma"], tags=["matrix tag"], organisations=["Matrix Org"],
    )  # fmt: skip
    draft = make_initiative(title="Unpublished initiative", slug="unpublished-initiative", publish=False)
    submission = submission_services.create_submission(
        author=submitter, data=_proposal_data(), consent=True
    )  # fmt: skip
    submission_services.submit(submission=submission, author=submitter)

    active = Subscription.objects.create(
        email="submitter@example.org", query="region=europe", label="Europe", status=Subscription.Status.ACTIVE,
        frequency="daily", confirmed_at=timezone.now(), since=timezone.now(),
    )  # fmt: skip
    pending = Subscription.objects.create(
        email="stranger@example.org", query="theme=regular-pathways", label="Regular pathways",
        status=Subscription.Status.PENDING, frequency="weekly",
    )  # fmt: skip
    delivery = Delivery.objects.create(subscription=active, initiative=initiative)
    suppressed = SuppressedAddress.objects.create(email="bounced@example.org", reason="bounce")
    slug_redirect = SlugRedirect.objects.create(kind="initiative", old_slug="matrix-old", target_id=initiative.pk)
    version = Initiative.history.filter(id=initiative.pk).order_by("history_id").first()
    # Issue 13 (orgs): the matrix initiative has a contact address, and a message waits for its sender's click.
    from contact import tokens as contact_tokens
    from contact.models import ContactMessage

    Initiative.objects.filter(pk=initiative.pk).update(contact_email="contact@matrix.example")
    contact_message = ContactMessage.objects.create(
        initiative=initiative, sender_name="Sender", sender_email="sender@example.org", message="Hello"
    )

    from taggit.models import Tag

    tag = Tag.objects.get(name="matrix tag")
    objects = {
        "initiative": initiative.slug,
        "initiative_pk": initiative.pk,
        "initiative_version": version.history_id,
        "draft": draft.slug,
        "tag": tag.slug,
        "organisation": Organisation.objects.get(name="Matrix Org").slug,
        "submission": submission.pk,
        "submitter_pk": submitter.pk,
        "manage_token": tokens.make_token(active, tokens.MANAGE),
        "unsubscribe_token": tokens.make_token(active, tokens.UNSUBSCRIBE),
        "confirm_token": tokens.make_token(pending, tokens.CONFIRM, frequency="weekly"),
        "verify_uid": urlsafe_base64_encode(force_bytes(unverified.pk)),
        "verify_token": email_verification_token.make_token(unverified),
        "reset_uid": urlsafe_base64_encode(force_bytes(resetting.pk)),
        "reset_token": default_token_generator.make_token(resetting),
        "password": PASSWORD,
        "initiative_ct": _content_type(Initiative),
        # One object of every model registered in the admin (``admin_object``).
        "obj_initiatives.initiative": initiative.pk,
        "obj_initiatives.region": Region.objects.get(slug="northern-africa").pk,
        "obj_initiatives.country": Country.objects.get(code__iexact="ma").pk,
        "obj_initiatives.theme": Theme.objects.get(slug="regular-pathways").pk,
        "obj_initiatives.sdggoal": SdgGoal.objects.get(number=10).pk,  # issue 13: loaded with the taxonomy
        "obj_initiatives.sdgtarget": SdgTarget.objects.get(code="10.7").pk,
        "obj_initiatives.guidingprinciple": GuidingPrinciple.objects.order_by("pk").first().pk,
        "obj_initiatives.category": Category.objects.order_by("pk").first().pk,
        "obj_initiatives.organisation": Organisation.objects.get(name="Matrix Org").pk,
        "obj_initiatives.slugredirect": slug_redirect.pk,
        "obj_taggit.tag": tag.pk,
        "obj_submissions.submission": submission.pk,
        "obj_subscriptions.subscription": active.pk,
        "obj_subscriptions.delivery": delivery.pk,
        "obj_subscriptions.suppressedaddress": suppressed.pk,
        "obj_auth.user": submitter.pk,
        "obj_auth.group": Group.objects.get(name=submission_services.MODERATORS_GROUP).pk,
        "obj_django_tasks_database.dbtaskresult": _task_result(submission).pk,
        "obj_contact.contactmessage": contact_message.pk,
        "contact_token": contact_tokens.make_token(contact_message),
    }
    for name, pk in list(objects.items()):
        if name.startswith("obj_"):
            objects[f"version_{name[4:]}"] = _a_version(name[4:], pk)
    users = {"anonymous": None, "submitter": submitter, "other": other, "moderator": moderator, "superuser": superuser}
    return World(users=users, objects=objects)


def _proposal_data():
    from submissions.forms import ProposalForm

    form = ProposalForm({**PROPOSAL, "title": "Matrix proposal", "submitter_email": "submitter@example.org"})
    assert form.is_valid(), form.errors
    return form.to_data()


def _a_version(label: str, pk: int):
    """The id of a past version of the object (for django-simple-history's version pages), if the model keeps any."""
    from django.apps import apps

    model = apps.get_model(label)
    history = getattr(model, "history", None)
    if history is None:
        return None
    if not history.filter(**{model._meta.pk.attname: pk}).exists():
        model._default_manager.get(pk=pk).save()  # the seed's terms were loaded without a history
    return history.filter(**{model._meta.pk.attname: pk}).order_by("history_id").first().history_id


def _content_type(model) -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(model).pk


def _task_result(submission):
    """A queued task (the e-mail to moderators about the submission above), for the task results' admin.

    Services enqueue it once their transaction commits, which this one never does: it is enqueued here instead.
    """
    from django_tasks_db.models import DBTaskResult

    from portal import mail
    from submissions.emails import notification

    mail.queue(notification, kind="submitted", submission_id=submission.pk)
    return DBTaskResult.objects.order_by("-pk").first()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield _build()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


@dataclass
class Outcome:
    response: object
    written: set  # the tables written, besides the neutral ones
    mails: int  # messages sent

    @property
    def changed(self) -> bool:
        return bool(self.written or self.mails)


_CLIENTS = {}


def _client(**options) -> Client:
    """A test client with no cookies, reused: a new one loads the middleware again (whitenoise reads every
    static file's headers), which would be most of this matrix's time."""
    key = tuple(sorted(options.items()))
    if key not in _CLIENTS:
        _CLIENTS[key] = Client(**options)
    client = _CLIENTS[key]
    client.cookies.clear()
    return client


@contextmanager
def as_role(world: World, role: str, **client_options):
    """A client logged in as ``role``, in a savepoint rolled back afterwards (with a clean cache)."""
    with transaction.atomic():
        cache.clear()
        client = _client(**client_options)
        if world.users[role] is not None:
            client.force_login(world.users[role])
        yield client
        transaction.set_rollback(True)
    cache.clear()


def send(client, method: str, path: str, data=None, **extra) -> Outcome:
    """Make one request and record what it wrote to the database and how many e-mails it sent."""
    outbox = getattr(mail, "outbox", [])
    mails_before = len(outbox)
    with CaptureQueriesContext(connection) as queries:
        if method in ("GET", "HEAD"):
            response = getattr(client, method.lower())(path, data or {}, **extra)
        elif method == "POST":
            response = client.post(path, data or {}, **extra)
        else:
            response = getattr(client, method.lower())(path, data or "", **extra)
    written = {match.group(1) for query in queries for match in [_WRITE.match(query["sql"])] if match}
    return Outcome(response, written - NEUTRAL_TABLES, len(getattr(mail, "outbox", [])) - mails_before)
