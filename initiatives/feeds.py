"""RSS feeds of the listing and of every term page (the subscriptions issue adds Atom and e-mail)."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext_lazy as _

from .filters import InitiativeFilter
from .models import Initiative

FEED_ITEMS = 50


class InitiativeFeed(Feed):
    """The initiatives of a listing (with its query string) or of a term, newest first."""

    feed_type = Rss201rev2Feed
    model = None  # set for term feeds
    facet = None
    lookup = "slug"

    def get_object(self, request, **kwargs):
        self.request = request
        if self.model is None:
            return None
        return get_object_or_404(self.model, **{self.lookup: kwargs[self.lookup].lower()})

    def title(self, obj):
        name = settings.SITE_NAME
        return f"{obj} – {name}" if obj is not None else _("Initiatives – %(site)s") % {"site": name}

    def link(self, obj):
        if obj is None:
            return reverse("initiatives:list")
        return reverse(f"initiatives:{self.facet}", kwargs={self.lookup: getattr(obj, self.lookup)})

    def description(self, obj):
        if obj is not None:
            return _("Initiatives filed under %(term)s.") % {"term": obj}
        return _("Newly published initiatives on migration governance.")

    def items(self, obj):
        queryset = Initiative.objects.published()
        if obj is not None:
            queryset = InitiativeFilter.restrict(queryset, self.facet, [obj.pk])
        data = self.request.GET.copy()
        data["sort"] = "newest"
        filterset = InitiativeFilter(data, queryset=queryset, fixed_facet=self.facet)
        return filterset.qs.for_listing().prefetch_related("themes", "regions")[:FEED_ITEMS]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # Feed readers read the description as HTML: the plain-text summary is escaped first.
        return linebreaks(escape(item.summary))

    def item_guid(self, item):
        # Stable whatever is edited later: the primary key never changes.
        return f"{settings.SITE_URL}/initiatives/id/{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.submitter_display or None

    def item_categories(self, item):
        return [str(t) for t in item.themes.all()] + [str(r) for r in item.regions.all()]


class AtomInitiativeFeed(InitiativeFeed):
    """The same items as Atom 1.0."""

    feed_type = Atom1Feed

    def subtitle(self, obj):
        return self.description(obj)


def term_feed(*, model, facet: str, lookup: str, atom: bool = False) -> InitiativeFeed:
    """The feed of one kind of term page, e.g. ``/regions/<slug>/feed/`` (RSS) or ``…/feed/atom/``."""
    base = AtomInitiativeFeed if atom else InitiativeFeed
    name = f"{model.__name__}{'Atom' if atom else ''}Feed"
    return type(name, (base,), {"model": model, "facet": facet, "lookup": lookup})()
