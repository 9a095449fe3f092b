"""The e-mails that answer a request to subscribe, built by the task worker when it sends them (``portal.mail``).

Whoever asks need not own the address, so these e-mails carry nothing of the asker's choosing but the search
words, quoted by ``portal.mail.quote_stranger_text`` (letters and digits, cut short): the listing is named by the
official names of its terms (not by the stored label, which quotes the search in full), and the e-mail leaves out
the listing's address when it would spell the search out.

Each is written in a language, and everything in it follows: words, dates, the listing's name, and every link
(reversed in that language, so they lead to the pages in it). The confirmation is in the language it was asked in;
the "already subscribed" e-mail in the subscription's own.
"""

from django.conf import settings
from django.http import QueryDict
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext as _

from initiatives.listing import Listing
from portal import mail

from . import tokens
from .models import Subscription
from .services import email_language, is_suppressed, listing_path

Frequency = Subscription.Frequency
Status = Subscription.Status

# Chips whose text is the listing's own wording of a validated value (a year, a status), named with their label.
LABELLED_CHIPS = ("year_from", "year_to", "status")


def _followed(subscription: Subscription) -> dict:
    """What the subscription follows, for an e-mail: its terms by their names, its search words quoted."""
    chips = Listing(QueryDict(subscription.query)).chips
    search = mail.quote_stranger_text(" ".join(chip.value for chip in chips if chip.param == "q"))
    named = [
        f"{chip.label}: {chip.text}" if chip.param in LABELLED_CHIPS else chip.text
        for chip in chips
        if chip.param != "q"
    ]
    if search:
        named.insert(0, _("Search: %(words)s") % {"words": search})
    label = "; ".join(named) or _("All initiatives")
    listing_url = "" if search else f"{settings.SITE_URL}{listing_path(subscription.query)}"
    return {
        "label": label,
        "label_html": format_html('<a href="{}">{}</a>', listing_url, label) if listing_url else label,
        "listing_url": listing_url,
    }


def _build(subscription: Subscription, template: str, context: dict) -> mail.Email:
    """The e-mail ``template`` to ``subscription``'s address, in the active language."""
    return mail.build(
        prefix=f"subscriptions/email/{template}",
        to=[subscription.email],
        context={
            **context,
            **_followed(subscription),
            "subscription": subscription,
            "manage_url": tokens.manage_url(subscription),
            "valid_days": tokens.CONFIRMATION_LINK_VALIDITY.days,
        },
    )


def _current(subscription_id: int) -> Subscription | None:
    """The subscription, unless it is gone (cancelled while the e-mail waited) or its address is suppressed."""
    subscription = Subscription.objects.filter(pk=subscription_id).first()
    if subscription is None or is_suppressed(subscription.email):
        return None
    return subscription


@mail.builds_email
def confirmation(*, subscription_id: int, frequency: str, lang: str = "") -> mail.Email | None:
    """The link that confirms the subscription at ``frequency`` and in ``lang`` (the language it was asked in,
    which the e-mail is written in; the subscription's, for a task queued before there were languages); None once
    it is active (confirmed meanwhile)."""
    subscription = _current(subscription_id)
    if subscription is None or subscription.status == Status.ACTIVE:
        return None
    language = email_language(lang or subscription.language)
    with translation.override(language):
        context = {
            "confirm_url": tokens.confirm_url(subscription, frequency=frequency, language=language),
            "frequency_display": Frequency(frequency).label,
        }
        return _build(subscription, "confirm", context)


@mail.builds_email
def already_subscribed(*, subscription_id: int, frequency: str) -> mail.Email | None:
    """To an address that already follows this: how to manage it, and a link to confirm a change if one was asked."""
    subscription = _current(subscription_id)
    if subscription is None:
        return None
    change = frequency != subscription.frequency or subscription.status != Status.ACTIVE
    with translation.override(email_language(subscription.language)):
        context = {
            "confirm_url": tokens.confirm_url(subscription, frequency=frequency) if change else "",
            "frequency_display": Frequency(frequency).label,
            "current_frequency_display": subscription.get_frequency_display(),
            "paused": subscription.status == Status.PAUSED,
        }
        return _build(subscription, "confirm_already", context)
