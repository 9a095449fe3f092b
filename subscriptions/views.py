"""Following a listing: its feeds, and e-mail alerts (subscribe, confirm, manage, unsubscribe).

No page here reveals whether an address follows anything: the subscribe form answers the same for every address,
and the pages that act on a subscription are reached only through signed links sent to its address (or from the
account page of its verified owner). Tokens name one subscription of one address (``tokens``); every lookup is
scoped by both.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from ratelimits import counters

from . import ratelimit, services, tokens
from .forms import ManageForm, SubscribeForm
from .models import Subscription

Status = Subscription.Status

# Where the "check your inbox" page finds the address a confirmation was sent to.
SENT_TO_SESSION_KEY = "subscriptions:sent-to"


def _subscribe_path(query: str) -> str:
    path = reverse("subscriptions:subscribe")
    return f"{path}?{query}" if query else path


def _feed_urls(query: str) -> dict:
    suffix = f"?{query}" if query else ""
    return {
        "rss_url": reverse("initiatives:feed") + suffix,
        "atom_url": reverse("initiatives:feed-atom") + suffix,
        "listing_url": services.listing_path(query),
    }


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request):
    """Follow a listing, a term or a search: its feeds, or e-mail alerts at a chosen frequency.

    The query string is the listing's: unknown parameters and values are left out as the listing leaves them out,
    but a facet none of whose values names a term (``?region=atlantis``) is a 404, not "all initiatives".
    """
    followed = services.followed_listing(request.GET)
    if followed.unknown_terms:
        raise Http404("no such term")
    one_click = services.has_verified_email(request.user)
    current = None
    if one_click:
        current = services.subscriptions_of(request.user).filter(query=followed.query).first()
    initial = {"frequency": current.frequency} if current else None
    form = SubscribeForm(request.POST if request.method == "POST" else None, one_click=one_click, initial=initial)
    status = 200
    if form.is_valid():
        if _limited(request, form, one_click=one_click):
            form.add_error(None, _("Too many subscription requests. Please wait an hour and try again."))
            status = 429
        elif followed.too_long:
            form.add_error(None, _("This search is too long to follow by e-mail. Follow a shorter one, or its feed."))
            status = 400
        elif one_click:
            try:
                services.subscribe_verified(
                    user=request.user,
                    followed=followed,
                    frequency=form.cleaned_data["frequency"],
                    language=translation.get_language(),
                )
            except services.AddressSuppressed:
                form.add_error(
                    None,
                    _(
                        "E-mail to your address has been bouncing, so we have stopped sending any. "
                        "Please write to us to have it sent again."
                    ),
                )
            else:
                messages.success(request, _("Done: you follow “%(label)s” by e-mail.") % {"label": followed.label})
                return redirect(_subscribe_path(followed.query))
        else:
            services.request_subscription(
                email=form.cleaned_data["email"],
                followed=followed,
                frequency=form.cleaned_data["frequency"],
                language=translation.get_language(),
            )
            request.session[SENT_TO_SESSION_KEY] = {"email": form.cleaned_data["email"], "query": followed.query}
            return redirect("subscriptions:sent")
    elif request.method == "POST":
        # Invalid input counts towards the client's limit too (someone trying addresses), and says so when over.
        if not one_click and counters.hit(ratelimit.PER_CLIENT, counters.client_ip(request)):
            form.add_error(None, _("Too many subscription requests. Please wait an hour and try again."))
            status = 429
        else:
            status = 400
    return render(
        request,
        "subscriptions/subscribe.html",
        {
            "form": form,
            "followed": followed,
            "label": followed.label,
            "one_click": one_click,
            "current": current,
            "current_manage_url": tokens.manage_path(current) if current else "",
            "action": _subscribe_path(followed.query),
            **_feed_urls(followed.query),
        },
        status=status,
    )


def _limited(request, form, *, one_click: bool) -> bool:
    """Count this attempt (per account, or per client and per address); True when one of them is over its limit."""
    if one_click:
        return counters.hit(ratelimit.PER_ACCOUNT, str(request.user.pk))
    over_client = counters.hit(ratelimit.PER_CLIENT, counters.client_ip(request))
    over_address = counters.hit(ratelimit.PER_ADDRESS, form.cleaned_data["email"])  # canonical: see the form
    return over_client or over_address


@never_cache
@require_GET
def sent(request):
    """After the form, whatever the address: "check your inbox"."""
    sent_to = request.session.get(SENT_TO_SESSION_KEY) or {}
    query = sent_to.get("query", "")
    return render(
        request,
        "subscriptions/sent.html",
        {
            "email": sent_to.get("email", ""),
            "subscribe_url": _subscribe_path(query),
            "listing_url": services.listing_path(query),
            "valid_days": tokens.CONFIRMATION_LINK_VALIDITY.days,
        },
    )


def _invalid_link(request, *, kind: str, status: int = 400):
    return render(
        request,
        "subscriptions/invalid_link.html",
        {"kind": kind, "valid_days": tokens.CONFIRMATION_LINK_VALIDITY.days},
        status=status,
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token: str):
    """The link from the confirmation e-mail: a page with a button (GET changes nothing, because mail scanners
    follow links); the button confirms. Confirming twice is harmless."""
    try:
        data = tokens.read_token(token, tokens.CONFIRM)
    except tokens.InvalidToken:
        return _invalid_link(request, kind="confirm")
    subscription = Subscription.objects.filter(pk=data.pk).first()
    if subscription is None or not data.matches(subscription):
        return _invalid_link(request, kind="confirm")
    frequency = data.frequency or subscription.frequency
    context = {
        "subscription": subscription,
        "frequency_display": Subscription.Frequency(frequency).label,
        "listing_url": services.listing_path(subscription.query),
        "manage_url": tokens.manage_path(subscription),
    }
    if request.method == "POST":
        services.confirm_subscription(subscription=subscription, frequency=frequency, language=data.language)
        return render(request, "subscriptions/confirmed.html", context)
    if subscription.status == Status.ACTIVE and subscription.frequency == frequency:
        return render(request, "subscriptions/confirmed.html", {**context, "already": True})
    return render(request, "subscriptions/confirm.html", context)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def manage(request, token: str):
    """One subscription, for its address's owner: frequency, pause/resume, unsubscribe, unsubscribe from all."""
    try:
        subscription = tokens.subscription_for(token, tokens.MANAGE)
    except tokens.InvalidToken:
        return _invalid_link(request, kind="manage")
    if subscription is None:
        return render(request, "subscriptions/unsubscribed.html", {"gone": True}, status=404)
    form = ManageForm(
        request.POST if request.method == "POST" else None,
        initial={"frequency": subscription.frequency, "language": subscription.language},
    )
    if request.method == "POST":
        if form.is_valid():
            return _manage_action(request, subscription, form.cleaned_data)
        status = 400
    else:
        status = 200
    others = (
        Subscription.objects.filter(email=subscription.email)
        .exclude(pk=subscription.pk)
        .exclude(status=Status.UNSUBSCRIBED)
        .count()
    )
    return render(
        request,
        "subscriptions/manage.html",
        {
            "subscription": subscription,
            "form": form,
            "others": others,
            "listing_url": services.listing_path(subscription.query),
            "subscribe_url": _subscribe_path(subscription.query),
        },
        status=status,
    )


def _manage_action(request, subscription, data):
    action, frequency = data["action"], data.get("frequency") or ""
    try:
        if action == "frequency":
            subscription = services.change_frequency(subscription=subscription, frequency=frequency)
            messages.success(request, _("Saved: %(frequency)s.") % {"frequency": subscription.get_frequency_display()})
        elif action == "language":
            subscription = services.change_language(subscription=subscription, language=data["language"])
            messages.success(
                request,
                _("Saved. The e-mails of this alert will be in this language: %(language)s.")
                % {"language": subscription.get_language_display()},
            )
        elif action == "pause":
            services.pause(subscription=subscription)
            messages.success(request, _("Paused: you will receive no alerts for this until you resume."))
        elif action == "resume":
            subscription = services.resume(subscription=subscription, frequency=frequency)
            messages.success(
                request,
                _("Active again (%(frequency)s), for what is published from now on.")
                % {"frequency": subscription.get_frequency_display()},
            )
        elif action == "unsubscribe":
            was_pending = subscription.status == Status.PENDING
            services.unsubscribe(subscription=subscription)
            if was_pending:
                return _deleted(request, subscription)
            messages.success(request, _("You are unsubscribed from this alert."))
        else:
            count = services.unsubscribe_all(email=subscription.email)
            messages.success(
                request,
                ngettext(
                    "You are unsubscribed from %(count)d alert: nothing more will be sent to this address.",
                    "You are unsubscribed from %(count)d alerts: nothing more will be sent to this address.",
                    count,
                )
                % {"count": count},
            )
            if not Subscription.objects.filter(pk=subscription.pk).exists():
                return _deleted(request, subscription)
    except services.NotAllowed as refusal:
        messages.error(request, str(refusal))
    return redirect(request.path)


def _deleted(request, subscription):
    """The page after a pending (never confirmed) subscription was cancelled, and so deleted."""
    return render(
        request,
        "subscriptions/unsubscribed.html",
        {"subscription": subscription, "listing_url": services.listing_path(subscription.query)},
    )


def _links(subscription) -> dict:
    """The links the unsubscribe pages offer: the listing followed, and the manage page (to subscribe again)."""
    if subscription is None:
        return {"subscription": None}
    return {
        "subscription": subscription,
        "listing_url": services.listing_path(subscription.query),
        "manage_url": tokens.manage_path(subscription),
    }


@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token: str):
    """One-click unsubscribe (RFC 8058) and the "Unsubscribe" link of every alert.

    POST (a mail client's ``List-Unsubscribe=One-Click``, or this page's button) unsubscribes at once: no login,
    no CSRF token (csrf_exempt for this view alone: the signed token is what authorises it), idempotent. GET only
    shows the button, because link scanners fetch the links in e-mails.
    """
    try:
        subscription = tokens.subscription_for(token, tokens.UNSUBSCRIBE)
    except tokens.InvalidToken:
        return _invalid_link(request, kind="unsubscribe")
    if request.method == "POST":
        for other in tokens.also_named(token):  # the rest of what the e-mail covered (a digest)
            services.unsubscribe(subscription=other)
        if subscription is not None:
            services.unsubscribe(subscription=subscription)
            if not Subscription.objects.filter(pk=subscription.pk).exists():
                subscription = None  # a pending one is deleted: nothing left to manage
        return render(request, "subscriptions/unsubscribed.html", _links(subscription))
    if subscription is None or subscription.status == Status.UNSUBSCRIBED:
        return render(request, "subscriptions/unsubscribed.html", _links(subscription))
    return render(request, "subscriptions/unsubscribe.html", _links(subscription))
