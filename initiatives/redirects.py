"""Old slugs keep working: a 404 on an address that names an old slug answers 301 to the current address."""

from django.http import HttpResponsePermanentRedirect
from django.urls import Resolver404, resolve, reverse

from .models import Initiative, SlugRedirect
from .taxonomies import BY_NAME, TAXONOMIES

KIND_MODELS = {"initiative": Initiative, **{taxonomy.name: taxonomy.model for taxonomy in TAXONOMIES}}


def kind_of(model) -> str:
    """The SlugRedirect kind of a model ("theme" for Theme…)."""
    return next(kind for kind, candidate in KIND_MODELS.items() if candidate is model)


def current_objects(kind: str, old_slugs) -> dict:
    """``{old slug: object}`` for those of ``old_slugs`` that used to name an object of this kind."""
    targets = dict(
        SlugRedirect.objects.filter(kind=kind, old_slug__in=list(old_slugs)).values_list("old_slug", "target_id")
    )
    if not targets:
        return {}
    by_pk = KIND_MODELS[kind].objects.in_bulk(set(targets.values()))
    return {old: by_pk[pk] for old, pk in targets.items() if pk in by_pk}


def terms_by_value(model, lookup: str, values) -> dict:
    """``{value: object}`` for those of ``values`` (slugs, or codes for countries) that name a term, old
    slugs included."""
    values = list(values or [])
    found = {getattr(obj, lookup): obj for obj in model.objects.filter(**{f"{lookup}__in": values})}
    missing = [value for value in values if value not in found]
    if missing:
        found.update(current_objects(kind_of(model), missing))
    return found


def resolve_terms(model, lookup: str, values) -> list:
    """The objects that ``values`` name, in order, each once (an old and a new slug name one term)."""
    found = terms_by_value(model, lookup, values)
    return list(dict.fromkeys(found[value] for value in values or [] if value in found))


def redirect_for_old_slug(request):
    """The 301 for this request if its URL names an old slug of an initiative or a term, else None.

    URL names say what a slug names: "detail" (an initiative's page), or a kind first ("theme",
    "theme-feed", "theme-feed-atom", "initiative-detail" and "theme-detail" in the API…).
    """
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    name = match.url_name or ""
    kind = "initiative" if name == "detail" and match.namespace == "initiatives" else name.split("-")[0]
    if kind not in KIND_MODELS:
        return None
    key = BY_NAME[kind].lookup if kind in BY_NAME else "slug"
    if key not in match.kwargs:
        return None
    old = str(match.kwargs[key]).lower() if key == "code" else str(match.kwargs[key])
    target = current_objects(kind, [old]).get(old)
    if target is None:
        return None
    url = reverse(match.view_name, args=match.args, kwargs={**match.kwargs, key: getattr(target, key)})
    if request.META.get("QUERY_STRING"):
        url = f"{url}?{request.META['QUERY_STRING']}"
    return HttpResponsePermanentRedirect(url)


class OldSlugRedirectMiddleware:
    """Turns a 404 on an old slug's address (page, feed, API…) into a permanent redirect."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 404 and request.method in ("GET", "HEAD"):
            return redirect_for_old_slug(request) or response
        return response
