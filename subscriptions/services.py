"""State changes of subscriptions: ask, confirm, subscribe in one click, change the frequency, pause, resume,
unsubscribe (one or all of an address's). Views, the admin and (later) tasks call these; nothing else repeats them.

States: pending (asked, not confirmed: receives nothing) → active ⇄ paused → unsubscribed → active again (after a
new confirmation, or from the manage page). A pending subscription that is cancelled is deleted: its address never
agreed to anything, so nothing about it is kept.

``since`` is the moment from which alerts are due: set whenever a subscription becomes active (confirmation,
resumption, re-subscription), so nothing published before, or while it was paused, is sent.

``language`` is the language its e-mails are written in: the page's when it was asked for, changed on the manage
page (or by subscribing again, logged in, from a page in another language). A stranger's request changes the
language of a subscription only while it is pending; for one that was unsubscribed, the language asked in travels in
the confirmation link and applies once the address's owner confirms, as the frequency does.

What a stranger can learn: nothing. ``request_subscription`` does the same visible thing (nothing) whatever the
address's state; only the address's owner gets an e-mail, which says what applies.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from initiatives.filters import InitiativeFilter
from initiatives.listing import PRESENTATION, Listing
from portal import mail
from portal.addresses import canonical_email, canonical_or_none, same_mailbox

from .models import Subscription, SuppressedAddress, is_language

logger = logging.getLogger(__name__)

Status = Subscription.Status
Frequency = Subscription.Frequency

QUERY_MAX_LENGTH = Subscription._meta.get_field("query").max_length
LABEL_MAX_LENGTH = Subscription._meta.get_field("label").max_length


class AddressSuppressed(Exception):
    """E-mail to this address bounced or was reported: nothing is sent to it (said only to its verified owner)."""


# --- what is followed ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Followed:
    """A listing to follow: its query string in normal form, a label for people, and what was left out."""

    query: str
    label: str
    ignored: tuple[str, ...] = ()  # parameters given but not understood (left out, as the listing does)
    unknown_terms: tuple[str, ...] = ()  # facets all of whose values name no term (the page is a 404)

    @property
    def too_long(self) -> bool:
        return len(self.query) > QUERY_MAX_LENGTH


def followed_listing(params: QueryDict) -> Followed:
    """Read a listing's query string as the listing does and put it in the listing's link form
    (``Listing.followed_query``: the form of the listing's own "Subscribe" and feed links).

    Only what changes the results is kept, each value as the listing understood it (a term's slug or code, the
    cleaned search, a valid year or status), sorted: ``?theme=b&region=europe&page=2&x=1`` and
    ``?region=europe&theme=b`` are one subscription. The label is the listing's filter chips ("Europe; Search:
    “diaspora”"), or "All initiatives".
    """
    listing = Listing(params)
    filterset = listing.filterset
    known = set(filterset.filters) | set(PRESENTATION)
    ignored = [name for name in params if name not in known and any(params.getlist(name))]
    ignored += [name for name in filterset.ignored_parameters if name not in ignored]
    unknown_terms = tuple(
        name for name in InitiativeFilter.FACETS if any(params.getlist(name)) and not filterset.selected_terms(name)
    )
    return Followed(
        query=listing.followed_query, label=_label(listing.chips), ignored=tuple(ignored), unknown_terms=unknown_terms
    )


def _label(chips) -> str:
    if not chips:
        return _("All initiatives")
    label = "; ".join(
        f"{chip.label}: {chip.text}" if chip.param in ("q", "year_from", "year_to", "status") else chip.text
        for chip in chips
    )
    return label if len(label) <= LABEL_MAX_LENGTH else label[: LABEL_MAX_LENGTH - 1] + "…"


# --- who may do what -------------------------------------------------------------------------------------------


def is_suppressed(email: str) -> bool:
    return SuppressedAddress.objects.filter(same_mailbox(email)).exists()


def has_verified_email(user) -> bool:
    """Whether ``user`` is logged in with an address they have proved is theirs (sign-up's verification link)."""
    if not (user.is_authenticated and user.is_active and canonical_or_none(user.email)):
        return False
    profile = getattr(user, "profile", None)
    return profile is not None and profile.email_verified_at is not None


def subscriptions_of(user):
    """An account's subscriptions: those it made, and those of its verified address made without logging in."""
    if not user.is_authenticated:
        return Subscription.objects.none()
    mine = Subscription.objects.filter(user=user)
    if has_verified_email(user):
        # The very mailbox that was verified, not a look-alike that upper-cases the same (portal/addresses.py).
        mine = mine | Subscription.objects.filter(same_mailbox(user.email))
    return mine.exclude(status=Status.UNSUBSCRIBED).order_by("label", "pk")


# --- asking and confirming ------------------------------------------------------------------------------------


def request_subscription(*, email: str, followed: Followed, frequency: str, language: str | None = None) -> None:
    """Someone (not logged in, or without a verified address) asks that ``email`` follow ``followed``, in
    ``language`` (by default the active one: the page's).

    Returns nothing on purpose: the caller must answer the same whatever happened. What happens:

    * a new address/listing pair: a pending subscription, and a confirmation e-mail in ``language``;
    * pending, or unsubscribed: a (new) confirmation e-mail in ``language``; confirming applies ``frequency`` and
      ``language``;
    * active or paused: an e-mail to the address, in the subscription's language, saying it already follows this,
      with the manage link and, when something would change (another frequency, or paused), a link to confirm that
      change;
    * a suppressed address: nothing at all.
    """
    _check_frequency(frequency)
    language = _checked_language(language)
    email = canonical_email(email)
    if is_suppressed(email):
        return
    subscription = _pending_or_existing(email=email, followed=followed, frequency=frequency, language=language)
    if subscription.status in (Status.ACTIVE, Status.PAUSED):
        send_already_subscribed_email(subscription=subscription, frequency=frequency)
    else:
        send_confirmation_email(subscription=subscription, frequency=frequency, language=language)


def _pending_or_existing(*, email: str, followed: Followed, frequency: str, language: str) -> Subscription:
    """The address's subscription to this listing, made (pending) if there is none; a pending one takes the new
    frequency and language (they change nothing until confirmed). Safe against a second request racing this one."""
    for _attempt in range(2):
        with transaction.atomic():
            subscription = Subscription.objects.select_for_update().filter(email=email, query=followed.query).first()
            if subscription is not None:
                if subscription.status == Status.PENDING:
                    fields = _set_language(subscription, language)
                    if subscription.frequency != frequency:
                        subscription.frequency = frequency
                        fields.append("frequency")
                    if fields:
                        subscription.save(update_fields=fields)
                return subscription
            try:
                with transaction.atomic():
                    return Subscription.objects.create(
                        email=email,
                        query=followed.query,
                        label=followed.label,
                        frequency=frequency,
                        language=language,
                    )
            except IntegrityError:
                continue  # made a moment ago by a request running alongside this one: take that one
    raise RuntimeError("subscription neither found nor created")  # pragma: no cover


@transaction.atomic
def confirm_subscription(*, subscription: Subscription, frequency: str = "", language: str = "") -> bool:
    """The address's owner followed a confirmation link: the subscription is active, at ``frequency`` and in
    ``language`` if given.

    Confirming again is harmless (True, nothing changes but the frequency and language). A confirmation is also what
    makes an unsubscribed or paused subscription active again. Returns whether the subscription was not active
    before.
    """
    if frequency:
        _check_frequency(frequency)
    if language:
        _check_language(language)
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    was_active = subscription.status == Status.ACTIVE
    now = timezone.now()
    fields = ["frequency"]
    subscription.frequency = frequency or subscription.frequency
    fields += _set_language(subscription, language)
    if not was_active:
        subscription.status = Status.ACTIVE
        subscription.confirmed_at = now
        subscription.since = now
        fields += ["status", "confirmed_at", "since"]
    subscription.save(update_fields=fields)
    return not was_active


@transaction.atomic
def subscribe_verified(*, user, followed: Followed, frequency: str, language: str | None = None) -> Subscription:
    """A logged-in person whose address is verified follows ``followed``, in ``language`` (by default the active
    one): active at once, no confirmation.

    Following the same listing again changes the frequency and language (and makes a paused or unsubscribed
    subscription active again) instead of adding a second one. Raises ``AddressSuppressed`` if mail to the address
    bounces.
    """
    _check_frequency(frequency)
    language = _checked_language(language)
    if not has_verified_email(user):
        raise ValueError("subscribe_verified needs a logged-in account with a verified address")
    email = canonical_email(user.email)
    if is_suppressed(email):
        raise AddressSuppressed(user.email)
    now = timezone.now()
    subscription = Subscription.objects.select_for_update().filter(email=email, query=followed.query).first()
    if subscription is None:
        try:
            with transaction.atomic():
                return Subscription.objects.create(
                    email=email,
                    user=user,
                    query=followed.query,
                    label=followed.label,
                    frequency=frequency,
                    language=language,
                    status=Status.ACTIVE,
                    confirmed_at=now,
                    since=now,
                )
        except IntegrityError:
            subscription = Subscription.objects.select_for_update().get(email=email, query=followed.query)
    subscription.user = user
    subscription.frequency = frequency
    fields = ["user", "frequency", *_set_language(subscription, language)]
    if subscription.status != Status.ACTIVE:
        subscription.status = Status.ACTIVE
        subscription.confirmed_at = now
        subscription.since = now
        fields += ["status", "confirmed_at", "since"]
    subscription.save(update_fields=fields)
    return subscription


# --- managing ---------------------------------------------------------------------------------------------------


class NotAllowed(Exception):
    """The change does not apply to the subscription in its present state (the message says why)."""


@transaction.atomic
def change_frequency(*, subscription: Subscription, frequency: str) -> Subscription:
    _check_frequency(frequency)
    subscription = _locked(subscription)
    if subscription.status == Status.UNSUBSCRIBED:
        raise NotAllowed(_("You are unsubscribed from this alert: subscribe again to choose how often."))
    if subscription.frequency != frequency:
        subscription.frequency = frequency
        subscription.save(update_fields=["frequency"])
    return subscription


@transaction.atomic
def change_language(*, subscription: Subscription, language: str) -> Subscription:
    """Write this subscription's e-mails in ``language`` from now on (its label too). Allowed in any state: a
    paused or unsubscribed alert resumed from the manage page writes in it."""
    _check_language(language)
    subscription = _locked(subscription)
    fields = _set_language(subscription, language)
    if fields:
        subscription.save(update_fields=fields)
    return subscription


@transaction.atomic
def pause(*, subscription: Subscription) -> Subscription:
    """Stop alerts for now (nothing published while paused is sent later). Pausing twice is harmless."""
    subscription = _locked(subscription)
    if subscription.status not in (Status.ACTIVE, Status.PAUSED):
        raise NotAllowed(_("Only an active alert can be paused."))
    if subscription.status == Status.ACTIVE:
        subscription.status = Status.PAUSED
        subscription.save(update_fields=["status"])
    return subscription


@transaction.atomic
def resume(*, subscription: Subscription, frequency: str = "") -> Subscription:
    """Active again after a pause or an unsubscription (from the manage page, whose link proves the address).

    Alerts start from now. A pending subscription is not resumed: it needs its confirmation.
    """
    if frequency:
        _check_frequency(frequency)
    subscription = _locked(subscription)
    if subscription.status == Status.PENDING:
        raise NotAllowed(_("This alert is waiting for its confirmation: follow the link in the e-mail we sent."))
    fields = []
    if frequency and frequency != subscription.frequency:
        subscription.frequency = frequency
        fields.append("frequency")
    if subscription.status != Status.ACTIVE:
        subscription.status = Status.ACTIVE
        subscription.since = timezone.now()
        fields += ["status", "since"]
    if fields:
        subscription.save(update_fields=fields)
    return subscription


@transaction.atomic
def unsubscribe(*, subscription: Subscription) -> bool:
    """No more alerts for this subscription. Idempotent: returns whether anything changed.

    A pending subscription (never confirmed) is deleted rather than kept as unsubscribed.
    """
    current = Subscription.objects.select_for_update().filter(pk=subscription.pk).first()
    if current is None or current.status == Status.UNSUBSCRIBED:
        return False
    if current.status == Status.PENDING:
        current.delete()
        return True
    current.status = Status.UNSUBSCRIBED
    current.save(update_fields=["status"])
    return True


@transaction.atomic
def unsubscribe_all(*, email: str) -> int:
    """No more alerts of any kind to ``email`` (in canonical form: that mailbox, no look-alike of it). Returns how many
    subscriptions this stopped."""
    subscriptions = Subscription.objects.filter(same_mailbox(email))
    deleted, _by_model = subscriptions.filter(status=Status.PENDING).delete()
    stopped = subscriptions.filter(status__in=[Status.ACTIVE, Status.PAUSED]).update(status=Status.UNSUBSCRIBED)
    return stopped + deleted


def _locked(subscription: Subscription) -> Subscription:
    return Subscription.objects.select_for_update().get(pk=subscription.pk)


def _check_frequency(frequency: str) -> None:
    if frequency not in Frequency.values:
        raise ValueError(f"unknown frequency {frequency!r}")


# --- languages --------------------------------------------------------------------------------------------------


def email_language(code: str) -> str:
    """The language to write in for a subscription in ``code``: itself, or the site's language if ``code`` is no
    longer one of the site's (taken out of ``LANGUAGES`` since)."""
    return code if is_language(code) else settings.LANGUAGE_CODE


def _check_language(language: str) -> None:
    if not is_language(language):
        raise ValueError(f"unknown language {language!r}")


def _checked_language(language: str | None) -> str:
    """``language``, checked; None for the active language (LocaleMiddleware activates only the site's)."""
    if language is None:
        language = email_language(translation.get_language() or "")
    _check_language(language)
    return language


def _set_language(subscription: Subscription, language: str) -> list[str]:
    """Set ``language`` (when given and new) and the label as a page in it names the listing; the fields changed.

    The label stays as it was if the listing no longer reads the same (a term it names was deleted since): the old
    label still says what was followed, a new one would name less, or "All initiatives".
    """
    if not language or language == subscription.language:
        return []
    subscription.language = language
    with translation.override(language):
        followed = followed_listing(QueryDict(subscription.query))
    if followed.query != subscription.query or followed.unknown_terms:
        return ["language"]
    subscription.label = followed.label
    return ["language", "label"]


# --- e-mail -----------------------------------------------------------------------------------------------------


def send_confirmation_email(*, subscription: Subscription, frequency: str, language: str) -> None:
    """Queue the e-mail, in ``language``, with the link that confirms ``subscription`` at ``frequency`` and in
    ``language`` (``emails.confirmation``)."""
    from . import emails

    mail.queue(emails.confirmation, subscription_id=subscription.pk, frequency=frequency, lang=language)


def send_already_subscribed_email(*, subscription: Subscription, frequency: str) -> None:
    """Queue the e-mail to an address that already follows this (``emails.already_subscribed``)."""
    from . import emails

    mail.queue(emails.already_subscribed, subscription_id=subscription.pk, frequency=frequency)


def listing_path(query: str) -> str:
    """The listing that a subscription's query string selects (site-relative)."""
    path = reverse("initiatives:list")
    return f"{path}?{query}" if query else path
