"""The "Contact the implementer" form and the link that sends the message.

The form answers the same whatever happens to the message (stored and a link sent, or silently dropped because the
sender's address or the initiative is over its daily limit): nothing tells a visitor whether an address or an
initiative is being limited. Only the client's own limit is said (429), since that client caused it.
"""

from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from portal.addresses import canonical_or_none
from ratelimits import counters

from . import ratelimit, services, tokens
from .forms import ContactForm


def _initiative(slug: str):
    return get_object_or_404(services.contactable_initiatives(), slug=slug)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def contact_form(request, slug: str):
    initiative = _initiative(slug)
    form = ContactForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if counters.hit(ratelimit.PER_CLIENT, counters.client_ip(request)):
            form.is_valid()  # the typed text stays in the form, with its own errors if any
            form.add_error(None, _("Too many messages from your connection. Please wait an hour and try again."))
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            sender = canonical_or_none(data["sender_email"]) or data["sender_email"]
            over_sender = counters.hit(ratelimit.PER_SENDER, sender)
            over_initiative = counters.hit(ratelimit.PER_INITIATIVE, str(initiative.pk))
            if not (over_sender or over_initiative):
                services.request_message(
                    initiative=initiative,
                    sender_name=data["sender_name"],
                    sender_email=data["sender_email"],
                    subject=data["subject"],
                    message=data["message"],
                    language=translation.get_language(),
                )
            return redirect("contact:sent", slug=initiative.slug)
        else:
            status = 400
    return render(request, "contact/form.html", {"initiative": initiative, "form": form}, status=status)


@never_cache
@require_GET
def sent(request, slug: str):
    """After the form, whatever became of the message: "check your inbox"."""
    initiative = _initiative(slug)
    return render(
        request,
        "contact/sent.html",
        {"initiative": initiative, "valid_days": tokens.VERIFICATION_LINK_VALIDITY.days},
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request, token: str):
    """The link from the verification e-mail: a page with a button (GET sends nothing, because mail scanners follow
    links); the button relays the message, once."""
    try:
        message = tokens.message_for(token)
    except tokens.InvalidToken:
        return render(
            request,
            "contact/invalid_link.html",
            {"valid_days": tokens.VERIFICATION_LINK_VALIDITY.days},
            status=400,
        )
    initiative = message.initiative
    if not services.can_be_contacted(initiative):
        return render(request, "contact/invalid_link.html", {"gone": True}, status=404)
    context = {"initiative": initiative, "message": message}
    if message.relayed_at is not None:
        return render(request, "contact/relayed.html", {**context, "already": True})
    if request.method == "POST":
        relayed = services.relay(message=message)
        return render(request, "contact/relayed.html", {**context, "already": not relayed})
    return render(request, "contact/verify.html", context)
