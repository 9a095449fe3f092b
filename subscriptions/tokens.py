"""Signed links that act on one subscription without a login: confirm it, manage it, unsubscribe from it.

A token signs the subscription's primary key, its address and the link's purpose, under a salt of that purpose, so a
token made for one purpose is refused for another, and a token names exactly one subscription of exactly one
address: nothing in a link can be edited to reach someone else's. The address is signed as a keyed digest, not
written out: links end up in server logs and browser histories, and must not tell whose they are.

* Confirmation links expire (``CONFIRMATION_LINK_VALIDITY``); they also carry the frequency and the language asked
  for, which confirming applies (a stranger can ask, only the address's owner can make it happen).
* Manage and unsubscribe links never expire: they are in e-mails people keep, and must still work a year later.

The alert e-mails use ``manage_url``, ``unsubscribe_url`` and ``one_click_unsubscribe_url`` (for the
``List-Unsubscribe`` header of RFC 8058: a POST to it unsubscribes at once). All three are absolute, under
``settings.SITE_URL``, which is HTTPS in production, and reversed in the active language: an e-mail built in a
subscription's language leads to the pages in that language (under its prefix, once pages have one).
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

from portal.addresses import canonical_or_none

from .models import Subscription, is_language

CONFIRMATION_LINK_VALIDITY = timedelta(days=3)

CONFIRM = "confirm"
MANAGE = "manage"
UNSUBSCRIBE = "unsubscribe"
PURPOSES = (CONFIRM, MANAGE, UNSUBSCRIBE)


class InvalidToken(Exception):
    """The token is tampered with, truncated, made for another purpose, or (for confirmation) expired."""


@dataclass(frozen=True)
class TokenData:
    pk: int
    email_digest: str
    frequency: str = ""  # confirmation tokens only: the frequency asked for
    language: str = ""  # confirmation tokens only: the language asked in (if still one of the site's)
    also: tuple[int, ...] = ()  # one-click tokens of an e-mail naming several subscriptions: the others

    def matches(self, subscription: Subscription) -> bool:
        """Whether this token was made for ``subscription`` (its key, and its address under any accepted secret)."""
        if subscription.pk != self.pk:
            return False
        secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
        return any(
            constant_time_compare(email_digest(subscription.email, secret), self.email_digest) for secret in secrets
        )


def email_digest(email: str, secret: str | None = None) -> str:
    """A keyed digest of the address in canonical form: binds a token to that mailbox without showing it.

    For an ASCII address the canonical form is the address trimmed and lower-cased, what was digested before
    addresses had one form, so the links already sent keep working.
    """
    address = canonical_or_none(email) or email.strip().lower()
    digest = salted_hmac("subscriptions.tokens.email", address, secret=secret, algorithm="sha256")
    return digest.hexdigest()[:20]


def _salt(purpose: str) -> str:
    return f"subscriptions.tokens.{purpose}"


def _signer(purpose: str) -> signing.Signer:
    if purpose not in PURPOSES:
        raise ValueError(f"unknown token purpose {purpose!r}")
    if purpose == CONFIRM:
        return signing.TimestampSigner(salt=_salt(purpose))
    return signing.Signer(salt=_salt(purpose))


def make_token(subscription: Subscription, purpose: str, *, frequency: str = "", language: str = "", also=()) -> str:
    payload = {"s": subscription.pk, "e": email_digest(subscription.email), "p": purpose}
    if frequency:
        payload["f"] = frequency
    if language:
        payload["l"] = language
    if also:
        payload["x"] = sorted({other.pk for other in also} - {subscription.pk})
    return _signer(purpose).sign_object(payload, compress=True)


def read_token(token: str, purpose: str) -> TokenData:
    """What a token of ``purpose`` says, or ``InvalidToken`` (whatever the input: never another exception)."""
    signer = _signer(purpose)
    try:
        if purpose == CONFIRM:
            payload = signer.unsign_object(token, max_age=CONFIRMATION_LINK_VALIDITY)
        else:
            payload = signer.unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError, UnicodeError, OverflowError) as error:
        raise InvalidToken from error
    if not isinstance(payload, dict) or payload.get("p") != purpose:
        raise InvalidToken
    pk, digest, frequency = payload.get("s"), payload.get("e"), payload.get("f", "")
    if not isinstance(pk, int) or isinstance(pk, bool) or not isinstance(digest, str) or not isinstance(frequency, str):
        raise InvalidToken
    if frequency and frequency not in Subscription.Frequency.values:
        raise InvalidToken
    language = payload.get("l", "")
    if not isinstance(language, str):
        raise InvalidToken
    also = payload.get("x", [])
    if not isinstance(also, list) or not all(isinstance(x, int) and not isinstance(x, bool) for x in also):
        raise InvalidToken
    # A language taken out of the site's since the link was sent is left out: the subscription keeps its own.
    language = language if is_language(language) else ""
    return TokenData(pk=pk, email_digest=digest, frequency=frequency, language=language, also=tuple(also[:100]))


def subscription_for(token: str, purpose: str) -> Subscription | None:
    """The subscription a token of ``purpose`` names, or None if it has been deleted since.

    ``InvalidToken`` if the token is bad, or if the subscription with that key has another address: a token only
    ever reaches the one subscription of the one address it was made for.
    """
    data = read_token(token, purpose)
    subscription = Subscription.objects.filter(pk=data.pk).first()
    if subscription is not None and not data.matches(subscription):
        raise InvalidToken
    return subscription


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def confirm_url(subscription: Subscription, *, frequency: str, language: str = "") -> str:
    """Absolute link that confirms ``subscription`` at ``frequency`` (and in ``language``, if given); it expires after
    ``CONFIRMATION_LINK_VALIDITY``. In the active language's site, as every link in an e-mail."""
    token = make_token(subscription, CONFIRM, frequency=frequency, language=language)
    return _absolute(reverse("subscriptions:confirm", kwargs={"token": token}))


def manage_path(subscription: Subscription) -> str:
    """The site-relative manage link (for pages; e-mails use ``manage_url``)."""
    return reverse("subscriptions:manage", kwargs={"token": make_token(subscription, MANAGE)})


def manage_url(subscription: Subscription) -> str:
    """Absolute link to the page where the address's owner changes the frequency, pauses or unsubscribes."""
    return _absolute(manage_path(subscription))


def unsubscribe_url(subscription: Subscription) -> str:
    """Absolute link that unsubscribes from this one subscription (a page with a button; a POST acts at once)."""
    return _absolute(reverse("subscriptions:unsubscribe", kwargs={"token": make_token(subscription, UNSUBSCRIBE)}))


def also_named(token: str) -> list[Subscription]:
    """The other subscriptions a one-click token covers, only those of the token's own address."""
    data = read_token(token, UNSUBSCRIBE)
    return [
        other
        for other in Subscription.objects.filter(pk__in=data.also)
        if TokenData(pk=other.pk, email_digest=data.email_digest).matches(other)
    ]


def one_click_unsubscribe_url(subscription: Subscription, *, also=()) -> str:
    """The ``List-Unsubscribe`` URL of RFC 8058: a POST (``List-Unsubscribe=One-Click``) unsubscribes at once.

    The same address as ``unsubscribe_url``: mail clients POST to it without a CSRF token, link scanners that
    fetch it with GET only get the page with the button. Pair it with ``List-Unsubscribe-Post:
    List-Unsubscribe=One-Click``; RFC 8058 wants it HTTPS, which it is when ``SITE_URL`` is. ``also``: the other
    subscriptions of the same address that the e-mail covers (a digest); the POST unsubscribes them too.
    """
    if not also:
        return unsubscribe_url(subscription)
    token = make_token(subscription, UNSUBSCRIBE, also=also)
    return _absolute(reverse("subscriptions:unsubscribe", kwargs={"token": token}))
