from django.http import QueryDict
from django.shortcuts import render
from django.urls import reverse

from initiatives.filters import InitiativeFilter


def describe(query: QueryDict) -> str:
    """A human label for a followed listing: its active filters, or "All initiatives"."""
    from django.utils.translation import gettext as _

    filterset = InitiativeFilter(query)
    chips = filterset.active_filters()
    if not chips:
        return _("All initiatives")
    return "; ".join(
        f"{chip.label}: {chip.text}" if chip.param in ("q", "year_from", "year_to", "status") else chip.text
        for chip in chips
    )


def subscribe(request):
    """Follow a listing, a term or a search: its feeds (and, soon, e-mail alerts)."""
    query = request.GET.copy()
    for name in ("page", "sort"):
        query.pop(name, None)
    encoded = query.urlencode()
    feed = reverse("initiatives:feed")
    atom = reverse("initiatives:feed-atom")
    return render(
        request,
        "subscriptions/subscribe.html",
        {
            "label": describe(query),
            "rss_url": f"{feed}?{encoded}" if encoded else feed,
            "atom_url": f"{atom}?{encoded}" if encoded else atom,
            "listing_url": f"{reverse('initiatives:list')}?{encoded}" if encoded else reverse("initiatives:list"),
        },
    )
