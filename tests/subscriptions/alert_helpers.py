"""What the alert and digest tests share: subscriptions in a given state, publications at a given moment, the
worker, and reading the e-mails back."""

import datetime
import email
import email.policy
import io
import re

import pytest
from django.core.management import call_command
from django.http import QueryDict
from django.utils import timezone, translation

from initiatives import services as initiative_services
from initiatives.models import Initiative
from subscriptions.models import Subscription
from subscriptions.services import followed_listing
from tests.factories import make_initiative

SITE = "https://practices.example.org"


def subscribe(
    address: str,
    query: str = "",
    *,
    frequency: str = "daily",
    status: str = "active",
    confirmed: datetime.datetime | None = None,
    language: str = "en",
) -> Subscription:
    """A subscription to the listing ``query`` (normalised and labelled as the subscribe page in ``language``
    does), confirmed two days ago unless said otherwise (so a digest is due)."""
    with translation.override(language):
        followed = followed_listing(QueryDict(query))
    confirmed = confirmed or timezone.now() - datetime.timedelta(days=2)
    return Subscription.objects.create(
        email=address,
        query=followed.query,
        label=followed.label,
        frequency=frequency,
        language=language,
        status=status,
        confirmed_at=None if status == "pending" else confirmed,
        since=None if status == "pending" else confirmed,
    )


def publish(title: str, *, when: datetime.datetime | None = None, **terms) -> Initiative:
    """A published initiative (through the publish service), credited to a submitter."""
    initiative = make_initiative(
        title=title,
        publish=False,
        summary=f"What {title} does, in a few words.",
        submitter_honorific="Ms.",
        submitter_name="Ana Díaz",
        submitted_on=datetime.date(2026, 3, 1),
        **terms,
    )
    return initiative_services.publish_initiative(initiative=initiative, when=when)


def send_digests(frequency: str = "daily", *args) -> str:
    out = io.StringIO()
    call_command("send_digests", "--frequency", frequency, *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def html_of(message) -> str:
    (html, mimetype), *others = message.alternatives
    assert mimetype == "text/html" and not others
    return html


def titles_in(message, candidates) -> list[str]:
    """Which of ``candidates`` (titles) the e-mail mentions, checked in the plain text and in the HTML alike."""
    in_text = [title for title in candidates if title in message.body]
    in_html = [title for title in candidates if title in html_of(message)]
    assert in_text == in_html
    return in_text


def count_in(message, title: str) -> int:
    """How many times the e-mail lists ``title`` (as an entry: its link in the HTML)."""
    return len(re.findall(rf">{re.escape(title)}</a></h2>", html_of(message)))


def parse(raw: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)


@pytest.fixture
def site(settings):
    settings.SITE_URL = SITE
    settings.SITE_NAME = "Practice Portal"
    settings.DEFAULT_FROM_EMAIL = "alerts@example.org"


@pytest.fixture
def quiet_seed(db):
    """The seed was published when the test database was made, minutes ago: move it a month back, so that only
    what a test publishes is new."""
    Initiative.objects.update(published_at=timezone.now() - datetime.timedelta(days=30))
