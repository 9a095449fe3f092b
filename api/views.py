"""The read-only JSON API: initiatives with the listing's filters, and the seven taxonomies.

Rows come from the one listing definition, ``initiatives.listing.Listing``, exactly as the listing page takes
them, so a query string gives the same initiatives in the same order here as on /initiatives/.
"""

from django.conf import settings
from django.db.models import Prefetch
from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.renderers import OpenApiJsonRenderer, OpenApiJsonRenderer2
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from drf_spectacular.views import SpectacularAPIView
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from initiatives import counts, dependencies, presentation, selectors, throttle
from initiatives.filters import MAX_VALUE_LENGTH, MAX_VALUES_PER_FACET, MAX_YEAR, MIN_YEAR, InitiativeFilter
from initiatives.listing import Listing
from initiatives.models import Initiative, Involvement, SdgTarget
from initiatives.search import MAX_QUERY_LENGTH
from initiatives.taxonomies import TAXONOMIES, Taxonomy
from initiatives.views import term_counts

from . import params
from .kinds import absolute
from .serializers import (
    TERM_PAGE_SERIALIZERS,
    TERM_SERIALIZERS,
    ErrorSerializer,
    IndexSerializer,
    InitiativePageSerializer,
    InitiativeSerializer,
)

# What an initiative's representation reads, in a fixed number of queries whatever the page size.
INITIATIVE_PREFETCH = (
    "themes",
    "principles",
    "regions",
    "countries",
    "tags",
    "links",
    Prefetch("involvements", queryset=Involvement.objects.select_related("organisation")),
    "sdg_covered",  # issue 13
    Prefetch("sdg_targets", queryset=SdgTarget.objects.select_related("goal")),
    "attachments",  # issue 13, files
)

# A page of the listing: the themes, regions and countries (and the category) are the cards', and so are the
# principles, the SDGs and the tags (``presentation.for_cards`` with ``API_LISTS``: one query for the page, the
# terms from each process's copy; ``serializers.KnownTermsListSerializer``), and the attachments.
LISTING_PREFETCH = (
    "links",
    Prefetch("involvements", queryset=Involvement.objects.select_related("organisation")),
)

BAD_REQUEST = OpenApiResponse(ErrorSerializer, description="A parameter is unknown or has a value not understood.")
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="Nothing here (or a page past the last one).")
TOO_MANY = OpenApiResponse(
    ErrorSerializer,
    description=(
        "Too many uncached results asked for from one address within a minute (see the Retry-After header); "
        "answers already cached are still served."
    ),
)

PAGE_PARAMETERS = [
    OpenApiParameter("page", {"type": "integer", "minimum": 1}, default=1, description="Page number."),
    OpenApiParameter(
        "page_size",
        {"type": "integer", "minimum": 1, "maximum": params.MAX_PAGE_SIZE},
        default=settings.INITIATIVES_PAGE_SIZE,
        description="Results per page (the listing's pages have as many).",
    ),
]


def example(value) -> OpenApiExample:
    return OpenApiExample(value if isinstance(value, str) else "&".join(value), value=value)


def facet_parameter(taxonomy: Taxonomy) -> OpenApiParameter:
    if taxonomy.lookup == "code":
        item = {"type": "string", "pattern": "^[A-Za-z]{2}$"}
        what = _("ISO 3166-1 alpha-2 code of a country (any case)")
    else:
        item = {"type": "string", "pattern": r"^\w[\w-]*$", "maxLength": MAX_VALUE_LENGTH}
        what = _("slug of a %s") % taxonomy.model._meta.verbose_name
    return OpenApiParameter(
        taxonomy.name,
        {"type": "array", "items": item, "maxItems": MAX_VALUES_PER_FACET},
        style="form",
        explode=True,
        examples=[example([taxonomy.api_example])],
        description=_(
            "Repeatable: the %(what)s. Several values of one parameter combine with OR, different parameters with "
            "AND. A value naming no %(kind)s is a 400."
        )
        % {"what": what, "kind": taxonomy.model._meta.verbose_name}
        + (" " + str(taxonomy.api_note) if taxonomy.api_note else ""),
    )


INITIATIVE_PARAMETERS = [
    OpenApiParameter(
        "q",
        {"type": "string", "maxLength": MAX_QUERY_LENGTH * 5},
        description=_(
            'Search. On PostgreSQL web-search syntax ("a phrase", OR, -word), ranked; every word must appear. '
            "Only the first %d characters count."
        )
        % MAX_QUERY_LENGTH,
    ),
    *[facet_parameter(taxonomy) for taxonomy in TAXONOMIES],
    OpenApiParameter(
        "year_from",
        {"type": "integer", "minimum": MIN_YEAR, "maximum": MAX_YEAR},
        description=_("Active in or after this year (ends then or later, or has no known end)."),
    ),
    OpenApiParameter(
        "year_to",
        {"type": "integer", "minimum": MIN_YEAR, "maximum": MAX_YEAR},
        description=_("Started in or before this year."),
    ),
    OpenApiParameter("status", str, enum=list(InitiativeFilter.STATUSES), description=_("Ongoing or completed.")),
    OpenApiParameter("documents", str, enum=["1"], description=_("1: only initiatives with documents attached.")),
    OpenApiParameter(
        "evidence",
        str,
        enum=list(InitiativeFilter.EVIDENCE),
        description=_("1: only initiatives whose record has an evidence of results section."),
    ),
    OpenApiParameter(
        "sort",
        str,
        enum=list(InitiativeFilter.SORTS),
        description=_("Order. Default: relevance with a search, newest first without (relevance needs q)."),
    ),
    OpenApiParameter(  # issue 13 (orgs)
        "partner_country",
        {"type": "string", "pattern": "^[A-Za-z]{2}$"},
        description=_("An organisation based in this country (ISO 3166-1 alpha-2 code) takes part, in any role."),
    ),
    *PAGE_PARAMETERS,
]


class ApiView(APIView):
    """What every endpoint shares: JSON (settings.REST_FRAMEWORK), anonymous, reading only."""

    http_method_names = ["get", "head", "options"]


def page_links(request, page) -> dict:
    def link(number):
        query = request.query_params.copy()
        query["page"] = str(number)
        return f"{absolute(request.path)}?{query.urlencode()}"

    return {
        "count": page.paginator.count,
        "num_pages": page.paginator.num_pages,
        "page": page.number,
        "page_size": page.paginator.per_page,
        "next": link(page.next_page_number()) if page.has_next() else None,
        "previous": link(page.previous_page_number()) if page.has_previous() else None,
        "results": page.object_list,
    }


class IndexView(ApiView):
    @extend_schema(operation_id="api_index", tags=["index"], responses={200: IndexSerializer, 400: BAD_REQUEST})
    def get(self, request):
        """Where everything is: the collection, each taxonomy and the OpenAPI description."""
        counts.cacheable("api")  # it shows nothing of the collection: it depends on nothing but "all"
        errors = params.check_names(request.query_params)
        if errors:
            raise params.InvalidParameters(errors)
        links = {taxonomy.plural: absolute(reverse(f"api:{taxonomy.name}-list")) for taxonomy in TAXONOMIES}
        data = {
            "name": _("Migration Practice Portal API"),
            "site": absolute("/"),
            "schema": absolute(reverse("api:schema")),
            "initiatives": absolute(reverse("api:initiative-list")),
            **links,
        }
        return Response(IndexSerializer(data).data)


class InitiativeListView(ApiView):
    @extend_schema(
        operation_id="list_initiatives",
        tags=["initiatives"],
        parameters=INITIATIVE_PARAMETERS,
        responses={200: InitiativePageSerializer, 400: BAD_REQUEST, 404: NOT_FOUND, 429: TOO_MANY},
    )
    def get(self, request):
        """Published initiatives with the filters, search and sorting of the listing at /initiatives/.

        The same query string gives the same initiatives in the same order as the listing (whose pages
        have 20 results: with the default page_size, page n here is page n there).
        """
        counts.cacheable("api")
        query = request.query_params
        listing = Listing(query)
        filterset = listing.filterset
        errors = params.check_names(query, single=params.SINGLE_FILTERS, repeatable=InitiativeFilter.FACETS)
        page_number, page_size, paging_errors = params.paging(query)
        errors += paging_errors + params.filter_errors(filterset, query)
        if errors:
            raise params.InvalidParameters(errors)

        def representation():
            keys = listing.depends_on()  # the rows lie within the terms of one filter, if any
            rows = presentation.for_cards(listing.rows, presentation.API_LISTS).prefetch_related(*LISTING_PREFETCH)
            page = params.paginate(rows, page_number, page_size, keys=keys)
            data = {**page_links(request, page), "sort": filterset.active_sort}
            return InitiativePageSerializer(data, context={"request": request}).data

        # What a page shows depends only on its query string, its language and the part of the collection its rows
        # lie in (see initiatives.counts); the parameters were all understood (else 400), in whatever order they came.
        # The key is the query string itself (its pairs sorted), not the listing's key form: the answer repeats it,
        # as given, in its next and previous links, so "?theme=B" and "?theme=b" are two answers.
        parts = (request.path, get_language(), tuple(sorted(query.lists())))
        data = counts.lookup("api-initiatives", parts).value
        if data is None:
            refused = throttle.refuse_page_computation(request)
            if refused is not None:
                return refused
            data = representation()
            counts.store("api-initiatives", parts, data)
        return Response(data)


class InitiativeDetailView(ApiView):
    @extend_schema(
        operation_id="get_initiative",
        tags=["initiatives"],
        parameters=[
            OpenApiParameter(
                "slug", str, OpenApiParameter.PATH, pattern="^[-a-zA-Z0-9_]+$", examples=[example("thamm")]
            ),
        ],
        responses={200: InitiativeSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
    )
    def get(self, request, slug):
        """One published initiative (drafts and archived ones are 404s)."""
        counts.cacheable("api")
        errors = params.check_names(request.query_params)
        if errors:
            raise params.InvalidParameters(errors)
        queryset = Initiative.objects.published().select_related("category").prefetch_related(*INITIATIVE_PREFETCH)
        initiative = queryset.filter(slug=slug).first()
        if initiative is None:
            raise NotFound(_("No published initiative has the slug “%s”.") % slug)
        counts.depends_on([dependencies.initiative_key(initiative.pk)])
        return Response(InitiativeSerializer(initiative, context={"request": request}).data)


class TermListView(ApiView):
    taxonomy: Taxonomy

    def get(self, request):
        taxonomy = self.taxonomy
        counts.cacheable("api")  # its counts depend on the whole collection (term_counts)
        errors = params.check_names(request.query_params)
        page_number, page_size, paging_errors = params.paging(request.query_params)
        errors += paging_errors
        if errors:
            raise params.InvalidParameters(errors)
        found = term_counts(taxonomy.name)
        terms = term_queryset(taxonomy)
        if taxonomy.shown_only_when_used:
            terms = terms.filter(pk__in=list(found))
        ordering = taxonomy.model._meta.ordering or ["name"]
        page = params.paginate(terms.order_by(*ordering, "pk"), page_number, page_size)
        serializer = TERM_PAGE_SERIALIZERS[taxonomy.name](page_links(request, page), context={"counts": found})
        return Response(serializer.data)


class TermDetailView(ApiView):
    taxonomy: Taxonomy

    def get(self, request, **kwargs):
        taxonomy = self.taxonomy
        counts.cacheable("api")  # its count depends on the whole collection (term_counts)
        errors = params.check_names(request.query_params)
        if errors:
            raise params.InvalidParameters(errors)
        value = kwargs[taxonomy.lookup]
        if taxonomy.lookup == "code":
            value = value.lower()
        term = term_queryset(taxonomy).filter(**{taxonomy.lookup: value}).first()
        if term is None:
            raise NotFound(
                _("No %(kind)s has the %(lookup)s “%(value)s”.")
                % {"kind": taxonomy.model._meta.verbose_name, "lookup": taxonomy.lookup, "value": value}
            )
        serializer = TERM_SERIALIZERS[taxonomy.name](term, context={"counts": term_counts(taxonomy.name)})
        return Response(serializer.data)


def term_queryset(taxonomy: Taxonomy):
    """The terms of ``taxonomy`` that are public (``selectors.public_terms``), as on the site."""
    terms = selectors.public_terms(taxonomy.name)
    return terms.select_related(*taxonomy.api_select_related) if taxonomy.api_select_related else terms


def term_views(taxonomy: Taxonomy) -> tuple[type[APIView], type[APIView]]:
    """The list and detail views of one taxonomy, each documented with that taxonomy's serializer."""
    name = taxonomy.model._meta.verbose_name
    plural = taxonomy.model._meta.verbose_name_plural
    path_pattern = f"^{taxonomy.path_regex}$"
    list_view = type(f"{taxonomy.name.title()}ListView", (TermListView,), {"taxonomy": taxonomy})
    detail_view = type(f"{taxonomy.name.title()}DetailView", (TermDetailView,), {"taxonomy": taxonomy})
    list_schema = extend_schema(
        operation_id=f"list_{taxonomy.plural}",
        tags=["taxonomies"],
        summary=str(_("All %s") % plural),
        description=str(
            _("Each with its number of published initiatives and its URLs on the site and in the API.")
            + (" " + _("Only those some published initiative has.") if taxonomy.shown_only_when_used else "")
        ),
        parameters=PAGE_PARAMETERS,
        responses={200: TERM_PAGE_SERIALIZERS[taxonomy.name], 400: BAD_REQUEST, 404: NOT_FOUND},
    )
    detail_schema = extend_schema(
        operation_id=f"get_{taxonomy.name}",
        tags=["taxonomies"],
        summary=str(_("One %s") % name),
        parameters=[
            OpenApiParameter(
                taxonomy.lookup,
                str,
                OpenApiParameter.PATH,
                pattern=path_pattern,
                description=str(_("ISO 3166-1 alpha-2 code (any case)") if taxonomy.lookup == "code" else _("Slug")),
                examples=[example(taxonomy.api_example)],
            )
        ],
        responses={200: TERM_SERIALIZERS[taxonomy.name], 400: BAD_REQUEST, 404: NOT_FOUND},
    )
    # extend_schema_view copies the inherited get() first, so each taxonomy keeps its own description.
    list_view = extend_schema_view(get=list_schema)(list_view)
    detail_view = extend_schema_view(get=detail_schema)(detail_view)
    return list_view, detail_view


class SchemaView(SpectacularAPIView):
    """The OpenAPI 3 description, generated from the code, in JSON (application/json unless asked otherwise)."""

    renderer_classes = [OpenApiJsonRenderer2, OpenApiJsonRenderer]

    def _get_version_parameter(self, request):
        """None: the API has one version. drf-spectacular would take ``?version=`` as it is and put it in the
        Content-Disposition header's filename, where a newline raised BadHeaderError (a 500)."""
        return None


def not_found(request, *args, **kwargs):
    """Any other address under /api/: a JSON 404 rather than the site's HTML page."""
    return JsonResponse(
        {"detail": _("No API endpoint at this address; the index is %s.") % absolute("/api/")}, status=404
    )
