"""Signed links: each names one subscription of one address, for one purpose; confirmation links expire, the links
in alerts do not; anything else (tampered, truncated, another purpose, another subscription) is refused."""

import time
from contextlib import contextmanager
from datetime import timedelta
from unittest import mock
from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.utils import timezone

from subscriptions import tokens
from subscriptions.models import Subscription

Status = Subscription.Status


def make_subscription(*, email="ana@example.org", query="region=europe", label="Europe", status=Status.ACTIVE):
    now = timezone.now()
    confirmed = None if status == Status.PENDING else now
    return Subscription.objects.create(
        email=email, query=query, label=label, status=status, confirmed_at=confirmed, since=confirmed
    )


@contextmanager
def clock_moved(by: timedelta):
    """Signing's clock (``time.time``) moved by ``by``: tokens made inside carry that moment."""
    real = time.time
    with mock.patch("django.core.signing.time.time", lambda: real() + by.total_seconds()):
        yield


@pytest.fixture
def subscription(db):
    return make_subscription()


@pytest.mark.parametrize("purpose", tokens.PURPOSES)
def test_a_token_reads_back_as_its_subscription(subscription, purpose):
    token = tokens.make_token(subscription, purpose)
    assert tokens.subscription_for(token, purpose) == subscription
    assert tokens.read_token(token, purpose).pk == subscription.pk


@pytest.mark.parametrize("made_for", tokens.PURPOSES)
@pytest.mark.parametrize("used_for", tokens.PURPOSES)
def test_a_token_works_only_for_its_purpose(subscription, made_for, used_for):
    token = tokens.make_token(subscription, made_for)
    if made_for == used_for:
        assert tokens.read_token(token, used_for).pk == subscription.pk
    else:
        with pytest.raises(tokens.InvalidToken):
            tokens.read_token(token, used_for)


def test_the_address_is_not_readable_in_the_link(subscription):
    for url in (tokens.manage_url(subscription), tokens.unsubscribe_url(subscription)):
        token = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
        payload = signing.b64_decode(token.split(":")[0].lstrip(".").encode())
        assert b"ana@" not in payload.lower() and b"example.org" not in payload.lower()


@pytest.mark.parametrize("purpose", tokens.PURPOSES)
def test_tampered_and_malformed_tokens_are_refused(subscription, purpose):
    token = tokens.make_token(subscription, purpose)
    payload, _sep, signature = token.rpartition(":")
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    candidates = [
        "",
        "abc",
        ":",
        "::::",
        token[:-3],
        token + "x",
        f"{payload}:{flipped}",
        token.upper(),
        "é" * 50,
        "\x00",
        "a" * 5000,
        # A validly encoded payload naming another subscription, with this one's signature.
        signing.b64_encode(b'{"s":999,"e":"x","p":"manage"}').decode() + ":" + signature,
    ]
    for candidate in candidates:
        with pytest.raises(tokens.InvalidToken):
            tokens.read_token(candidate, purpose)


def test_a_token_never_reaches_another_subscription(db):
    mine = make_subscription(email="ana@example.org")
    theirs = make_subscription(email="ben@example.org")
    assert tokens.subscription_for(tokens.make_token(mine, tokens.MANAGE), tokens.MANAGE) == mine
    assert tokens.subscription_for(tokens.make_token(theirs, tokens.MANAGE), tokens.MANAGE) == theirs
    # Same key, another address (as if the row had been reused): refused, not "the subscription with that key".
    token = tokens.make_token(mine, tokens.UNSUBSCRIBE)
    Subscription.objects.filter(pk=mine.pk).update(email="mallory@example.org")
    with pytest.raises(tokens.InvalidToken):
        tokens.subscription_for(token, tokens.UNSUBSCRIBE)


def test_the_address_is_bound_whatever_its_case(db):
    subscription = make_subscription(email="Ana.Diaz@Example.org")
    token = tokens.make_token(subscription, tokens.MANAGE)
    Subscription.objects.filter(pk=subscription.pk).update(email="ana.diaz@example.org")
    assert tokens.subscription_for(token, tokens.MANAGE) == subscription


def test_a_deleted_subscription_reads_as_none(subscription):
    token = tokens.make_token(subscription, tokens.UNSUBSCRIBE)
    subscription.delete()
    assert tokens.subscription_for(token, tokens.UNSUBSCRIBE) is None


def test_confirmation_tokens_expire_after_three_days(subscription):
    assert timedelta(days=3) == tokens.CONFIRMATION_LINK_VALIDITY
    with clock_moved(-timedelta(days=3) + timedelta(minutes=1)):
        fresh_enough = tokens.make_token(subscription, tokens.CONFIRM, frequency="weekly")
    assert tokens.read_token(fresh_enough, tokens.CONFIRM).frequency == "weekly"
    with clock_moved(-timedelta(days=3, seconds=1)):
        expired = tokens.make_token(subscription, tokens.CONFIRM, frequency="weekly")
    with pytest.raises(tokens.InvalidToken):
        tokens.read_token(expired, tokens.CONFIRM)


@pytest.mark.parametrize("purpose", [tokens.MANAGE, tokens.UNSUBSCRIBE])
def test_links_in_alerts_never_expire(subscription, purpose):
    with clock_moved(-timedelta(days=3650)):
        old = tokens.make_token(subscription, purpose)
    assert tokens.subscription_for(old, purpose) == subscription


def test_urls_are_absolute_under_site_url(subscription, settings):
    settings.SITE_URL = "https://practices.example.org"
    for url, name in (
        (tokens.manage_url(subscription), "manage"),
        (tokens.unsubscribe_url(subscription), "unsubscribe"),
        (tokens.one_click_unsubscribe_url(subscription), "unsubscribe"),
        (tokens.confirm_url(subscription, frequency="daily"), "confirm"),
    ):
        parts = urlsplit(url)
        assert (parts.scheme, parts.netloc) == ("https", "practices.example.org")
        assert parts.path.startswith(f"/en/subscriptions/{name}/")
    assert tokens.manage_path(subscription) == urlsplit(tokens.manage_url(subscription)).path


def test_another_secret_key_invalidates_every_token(subscription, settings):
    token = tokens.make_token(subscription, tokens.MANAGE)
    settings.SECRET_KEY = "another-key-" + "x" * 50
    with pytest.raises(tokens.InvalidToken):
        tokens.read_token(token, tokens.MANAGE)


# --- the same, through the pages -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["confirm", "manage", "unsubscribe"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_pages_answer_a_bad_link_with_a_clear_400(client, subscription, kind, method):
    token = tokens.make_token(subscription, kind if kind != "confirm" else tokens.CONFIRM)
    for bad in (token[:-2], "nonsense", "x:y:z", tokens.make_token(subscription, _another_purpose(kind))):
        response = getattr(client, method)(f"/en/subscriptions/{kind}/{bad}/")
        assert response.status_code == 400, (kind, bad)
        assert "<h1>This link does not work</h1>" in response.content.decode()
    subscription.refresh_from_db()
    assert subscription.status == Status.ACTIVE


def _another_purpose(kind: str) -> str:
    return {"confirm": tokens.MANAGE, "manage": tokens.UNSUBSCRIBE, "unsubscribe": tokens.MANAGE}[kind]


def test_an_expired_confirmation_link_says_so_and_changes_nothing(client, db):
    pending = make_subscription(status=Status.PENDING)
    with clock_moved(-timedelta(days=4)):
        url = tokens.confirm_url(pending, frequency="weekly")
    path = urlsplit(url).path
    for response in (client.get(path), client.post(path)):
        assert response.status_code == 400
        assert "may have expired" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == Status.PENDING and pending.confirmed_at is None


def test_links_survive_a_key_rotation_with_fallbacks(subscription, settings):
    token = tokens.make_token(subscription, tokens.UNSUBSCRIBE)
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY = "the-new-key-" + "y" * 50
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert tokens.subscription_for(token, tokens.UNSUBSCRIBE) == subscription
