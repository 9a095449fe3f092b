"""The signed link that proves a sender's address: it names one message and a keyed digest of its sender's
address (not the address: links end up in logs), and expires after ``VERIFICATION_LINK_VALIDITY``. It is used
once: the message is relayed when it is first followed, and never again (``ContactMessage.relayed_at``)."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

from .models import ContactMessage

VERIFICATION_LINK_VALIDITY = timedelta(days=2)
SALT = "contact.tokens.verify"


class InvalidToken(Exception):
    """Tampered with, truncated, expired, or naming a message that is gone or another sender's."""


def _digest(email: str, secret: str | None = None) -> str:
    return salted_hmac("contact.tokens.email", email.strip().lower(), secret=secret, algorithm="sha256").hexdigest()[
        :20
    ]


def make_token(message: ContactMessage) -> str:
    return signing.TimestampSigner(salt=SALT).sign_object({"m": message.pk, "e": _digest(message.sender_email)})


def message_for(token: str) -> ContactMessage:
    """The message a token names (``InvalidToken`` whatever is wrong with it: never another exception)."""
    try:
        payload = signing.TimestampSigner(salt=SALT).unsign_object(token, max_age=VERIFICATION_LINK_VALIDITY)
    except (signing.BadSignature, ValueError, TypeError, UnicodeError, OverflowError) as error:
        raise InvalidToken from error
    if not isinstance(payload, dict):
        raise InvalidToken
    pk, digest = payload.get("m"), payload.get("e")
    if not isinstance(pk, int) or isinstance(pk, bool) or not isinstance(digest, str):
        raise InvalidToken
    message = ContactMessage.objects.select_related("initiative").filter(pk=pk).first()
    if message is None:
        raise InvalidToken
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    if not any(constant_time_compare(_digest(message.sender_email, secret), digest) for secret in secrets):
        raise InvalidToken
    return message


def verify_url(message: ContactMessage) -> str:
    """The absolute link of the verification e-mail, in the active language."""
    return settings.SITE_URL + reverse("contact:verify", kwargs={"token": make_token(message)})
