"""What the API answers: stable snake_case field names, slugs (ISO alpha-2 codes for countries) as ids.

The serializers only read; the OpenAPI description is generated from them, so the description and the
answers cannot drift apart (the schemathesis test holds every answer to it). An optional value the
collection does not know is ``null``, never ``""``. ``submitter_email`` is never read here.
"""

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from initiatives import reversing
from initiatives import sections as record_sections
from initiatives.filters import InitiativeFilter
from initiatives.models import Initiative, Involvement, Link, Organisation, Region
from initiatives.taxonomies import BY_NAME, TAXONOMIES, Taxonomy

from . import kinds
from .kinds import absolute

# --- fields ----------------------------------------------------------------------------------


class OptionalCharField(serializers.CharField):
    """A text the database keeps as ``""`` when unknown: ``null`` in the API."""

    def __init__(self, **kwargs):
        super().__init__(allow_null=True, **kwargs)

    def to_representation(self, value):
        return str(value) if value else None


class OptionalURLField(serializers.URLField):
    def __init__(self, **kwargs):
        super().__init__(allow_null=True, **kwargs)

    def to_representation(self, value):
        return str(value) if value else None


class OptionalChoiceField(serializers.ChoiceField):
    def __init__(self, choices, **kwargs):
        super().__init__(choices, allow_null=True, **kwargs)

    def to_representation(self, value):
        return value or None


class ShownTextField(serializers.CharField):
    """An initiative's text (its field of the same name) in the answer's language when it has been written in it,
    else in the initiative's original language (``Initiative.text``); ``optional``: ``null`` when there is none."""

    def __init__(self, *, optional: bool = False, **kwargs):
        self.optional = optional
        super().__init__(source="*", read_only=True, allow_null=optional, **kwargs)

    def to_representation(self, initiative):
        value = initiative.text(self.field_name)
        return str(value) if value or not self.optional else None


@extend_schema_field(OpenApiTypes.URI)
class TermURLField(serializers.Field):
    """An absolute URL of a term: its page on the site, its API resource, or the API list of its initiatives."""

    def __init__(self, kind: str, target: str = "site", **kwargs):
        self.taxonomy = BY_NAME[kind]
        self.target = target
        kwargs.setdefault("source", "*")
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, term):
        value = getattr(term, self.taxonomy.lookup)
        if self.target == "api":
            return kinds.api_url(self.taxonomy, value)
        if self.target == "initiatives":
            return kinds.initiatives_api_url(self.taxonomy, value)
        return kinds.site_url(self.taxonomy, value)


@extend_schema_field(OpenApiTypes.URI)
class InitiativeURLField(serializers.Field):
    def __init__(self, url_name: str, **kwargs):
        self.url_name = url_name
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, initiative):
        return absolute(reversing.reverse(self.url_name, slug=initiative.slug))


@extend_schema_field(OpenApiTypes.INT)
class InitiativesCountField(serializers.Field):
    """How many published initiatives a term has (``context["counts"]``: term pk → number)."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, term):
        return self.context["counts"].get(term.pk, 0)


# --- terms as an initiative names them -------------------------------------------------------


class KnownTermsListSerializer(serializers.ListSerializer):
    """An initiative's terms of one relation: the list ``presentation.card_terms`` gave it (``card_<field>``, the
    same terms in the same order, from one query for a page of initiatives and each process's copy of the terms:
    the listing, ``api.views``), else the relation's. Prefetched, the page's themes, regions and countries were
    three queries and a model instance for every link of every row (about 12 ms of a page no cache has seen)."""

    def get_attribute(self, instance):
        known = getattr(instance, f"card_{self.field_name}", None)
        return known if known is not None else super().get_attribute(instance)


class RegionRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    m49_code = serializers.CharField()
    url = TermURLField("region")
    api_url = TermURLField("region", "api")

    class Meta:
        list_serializer_class = KnownTermsListSerializer


class CountryRefSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="ISO 3166-1 alpha-2 code, lower case.")
    name = serializers.CharField()
    url = TermURLField("country")
    api_url = TermURLField("country", "api")

    class Meta:
        list_serializer_class = KnownTermsListSerializer


class ThemeRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    number = serializers.IntegerField(allow_null=True, help_text="GCM objective number (1–23); null for others.")
    url = TermURLField("theme")
    api_url = TermURLField("theme", "api")

    class Meta:
        list_serializer_class = KnownTermsListSerializer


# Issue 13: the Sustainable Development Goals and targets an initiative serves.
class SdgGoalRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    number = serializers.IntegerField(help_text="SDG number (1–17).")
    name = serializers.CharField()
    url = TermURLField("sdg")
    api_url = TermURLField("sdg", "api")

    class Meta:
        list_serializer_class = KnownTermsListSerializer


class SdgTargetRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    code = serializers.CharField(help_text='The official code: "10.7", "17.b".')
    goal = serializers.IntegerField(source="goal.number", help_text="The number of its goal.")
    url = TermURLField("sdg_target")
    api_url = TermURLField("sdg_target", "api")

    class Meta:
        list_serializer_class = KnownTermsListSerializer


class PrincipleRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    number = serializers.IntegerField()
    url = TermURLField("principle")
    api_url = TermURLField("principle", "api")

    class Meta:
        list_serializer_class = KnownTermsListSerializer


class CategoryRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    url = TermURLField("category")
    api_url = TermURLField("category", "api")


class TagRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    url = TermURLField("tag")
    api_url = TermURLField("tag", "api")


class InvolvementSerializer(serializers.Serializer):
    """An organisation with its part in one initiative."""

    slug = serializers.CharField(source="organisation.slug")
    name = serializers.CharField(source="organisation.name")
    acronym = OptionalCharField(source="organisation.acronym")
    role = serializers.ChoiceField(Involvement.Role.choices)
    url = TermURLField("organisation", source="organisation")
    api_url = TermURLField("organisation", "api", source="organisation")


class LinkSerializer(serializers.Serializer):
    title = serializers.CharField()
    url = serializers.URLField()
    kind = serializers.ChoiceField(Link.Kind.choices)


class AttachmentSerializer(serializers.Serializer):
    """A document or an image attached to an initiative (issue 13, files)."""

    kind = serializers.ChoiceField(["document", "image"])
    title = serializers.CharField()
    alt_text = OptionalCharField(help_text="What an image shows (null for a document).")
    url = serializers.SerializerMethodField()
    content_type = serializers.CharField(help_text="As the file is served (images are re-encoded as WebP).")
    size = serializers.IntegerField(help_text="In bytes.")
    sha256 = serializers.CharField()
    width = serializers.IntegerField(allow_null=True, help_text="Of an image, in pixels.")
    height = serializers.IntegerField(allow_null=True)
    card_url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, attachment):
        return absolute(attachment.get_absolute_url())

    @extend_schema_field(serializers.URLField(allow_null=True, help_text="A smaller image, for lists."))
    def get_card_url(self, attachment):
        return absolute(attachment.card_url()) if attachment.card_file else None


class SubmitterSerializer(serializers.Serializer):
    """The public credit of whoever proposed the initiative (never their e-mail address)."""

    honorific = OptionalChoiceField(Initiative.Honorific.choices, source="submitter_honorific")
    name = OptionalCharField(source="submitter_name")
    organisation = OptionalCharField(source="submitter_organisation")
    credit = serializers.CharField(source="submitter_display", help_text='As the site shows it: "Ms. Jane Doe".')


# --- initiatives -----------------------------------------------------------------------------

ROLE_ORDER = list(Involvement.Role.values)
CONTENT_LANGUAGES = list(settings.MODELTRANSLATION_LANGUAGES)
TEXT_FIELDS = ("title", "acronym", "summary", "description")  # translation.INITIATIVE_TEXT


# --- issue 13: the structured sections of the record (initiatives/sections.py) ---

# The sections as written in one language (``null`` where empty), in their order.
SectionsSerializer = type(
    "SectionsSerializer",
    (serializers.Serializer,),
    {section.field: OptionalCharField(help_text=str(section.heading)) for section in record_sections.SECTIONS},
)
# Each section in the answer's language when written in it, else in the original language (as ``title``).
ShownSectionsSerializer = type(
    "ShownSectionsSerializer",
    (serializers.Serializer,),
    {
        section.field: ShownTextField(optional=True, help_text=str(section.heading))
        for section in record_sections.SECTIONS
    },
)


class TextVersionSerializer(serializers.Serializer):
    """An initiative's text in one language, as written in it (no fallback: an unwritten field is empty)."""

    title = serializers.CharField()
    acronym = OptionalCharField()
    summary = serializers.CharField(help_text="Plain text.")
    description = serializers.CharField(help_text="Markdown source (may be empty).")
    sections = SectionsSerializer(help_text="The sections of the record as written in this language (issue 13).")


def section_versions(initiative, code: str) -> dict[str, str | None]:
    """The sections as written in language ``code`` (no fallback), ``null`` where empty."""
    return {name: getattr(initiative, f"{name}_{code}") or None for name in record_sections.FIELDS}


def text_versions(initiative) -> dict[str, dict]:
    """Each language the initiative's text is written in (any of its fields or sections), the original first."""
    versions = {}
    for code in sorted(CONTENT_LANGUAGES, key=lambda code: code != initiative.language):
        fields = {name: getattr(initiative, f"{name}_{code}") or "" for name in TEXT_FIELDS}
        written_sections = section_versions(initiative, code)
        if any(fields.values()) or any(written_sections.values()):
            versions[code] = {**fields, "acronym": fields["acronym"] or None, "sections": written_sections}
    return versions


class InitiativeSerializer(serializers.Serializer):
    slug = serializers.CharField()
    url = InitiativeURLField("initiatives:detail", help_text="The initiative's page on the site.")
    api_url = InitiativeURLField("api:initiative-detail")
    title = ShownTextField(
        help_text="In the answer's language (lang, Accept-Language) when written in it, else in the original "
        "language; so are acronym, summary and description, each on its own. Every version: translations."
    )
    acronym = ShownTextField(optional=True)
    summary = ShownTextField(help_text="Plain text.")
    description = ShownTextField(help_text="Markdown source (may be empty).")
    sections = ShownSectionsSerializer(
        source="*",
        help_text="The sections of the record (plain text), each in the answer's language when written in it, "
        "else in the original language; null where the initiative has none.",
    )
    language = serializers.ChoiceField(CONTENT_LANGUAGES, help_text="The language the initiative was written in.")
    translations = serializers.SerializerMethodField()
    category = CategoryRefSerializer()
    themes = ThemeRefSerializer(many=True)
    principles = PrincipleRefSerializer(many=True)
    sdg_goals = SdgGoalRefSerializer(  # issue 13
        many=True, source="sdg_covered", help_text="The goals it names and the goals of the targets it names."
    )
    sdg_targets = SdgTargetRefSerializer(many=True)
    regions = RegionRefSerializer(many=True)
    countries = CountryRefSerializer(many=True)
    organisations = serializers.SerializerMethodField()
    tags = serializers.SerializerMethodField()
    links = LinkSerializer(many=True)
    scope = OptionalChoiceField(Initiative.Scope.choices)
    start_date = serializers.DateField(allow_null=True, help_text="Only as precise as start_precision says.")
    start_precision = serializers.SerializerMethodField()
    end_date = serializers.DateField(allow_null=True, help_text="Only as precise as end_precision says.")
    end_precision = serializers.SerializerMethodField()
    ongoing = serializers.BooleanField()
    website = OptionalURLField()
    submitter = serializers.SerializerMethodField()
    submitted_on = serializers.DateField(allow_null=True)
    published_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    featured = serializers.BooleanField()
    attachments = serializers.SerializerMethodField()  # issue 13, files

    def _each(self, serializer_class, items) -> list:
        """``serializer_class(items, many=True).data``, by one serializer made once per answer (a page of 20
        initiatives made 80 of them, each copying its fields: 10 ms of a cold API page)."""
        children = self.__dict__.setdefault("_children", {})
        if serializer_class not in children:
            children[serializer_class] = serializer_class(context=self.context)
        child = children[serializer_class]
        return [child.to_representation(item) for item in items]

    @extend_schema_field(AttachmentSerializer(many=True))
    def get_attachments(self, initiative):
        return self._each(AttachmentSerializer, initiative.attachments.all())

    @extend_schema_field(
        serializers.DictField(
            child=TextVersionSerializer(),
            help_text="The text in every language it is written in, by language code (en, fr, es, ar), the "
            "original language included and first; a language without any text is left out.",
        )
    )
    def get_translations(self, initiative):
        return text_versions(initiative)

    @extend_schema_field(InvolvementSerializer(many=True))
    def get_organisations(self, initiative):
        involvements = sorted(initiative.involvements.all(), key=lambda i: (ROLE_ORDER.index(i.role), i.pk))
        return self._each(InvolvementSerializer, involvements)

    @extend_schema_field(TagRefSerializer(many=True))
    def get_tags(self, initiative):
        known = getattr(initiative, "card_tags", None)  # a page of the listing's (presentation.API_LISTS)
        tags = sorted(initiative.tags.all() if known is None else known, key=lambda tag: (tag.name.lower(), tag.pk))
        return self._each(TagRefSerializer, tags)

    @extend_schema_field(OptionalChoiceField(Initiative.DatePrecision.choices))
    def get_start_precision(self, initiative):
        return initiative.start_precision if initiative.start_date else None

    @extend_schema_field(OptionalChoiceField(Initiative.DatePrecision.choices))
    def get_end_precision(self, initiative):
        return initiative.end_precision if initiative.end_date else None

    @extend_schema_field(SubmitterSerializer(allow_null=True))
    def get_submitter(self, initiative):
        if not (initiative.submitter_name or initiative.submitter_organisation):
            return None
        return self._each(SubmitterSerializer, [initiative])[0]


# --- terms -----------------------------------------------------------------------------------


class TermSerializer(serializers.Serializer):
    """What every term has besides its own fields (which come first): its URLs and its number of initiatives."""

    LINKS = ("url", "api_url", "initiatives_api_url", "initiatives_count")

    def get_fields(self):
        fields = super().get_fields()
        for name in self.LINKS:
            fields[name] = fields.pop(name)
        return fields


def term_links(kind: str) -> type[serializers.Serializer]:
    return type(
        f"{kind.title()}Links",
        (TermSerializer,),
        {
            "url": TermURLField(kind, help_text="The term's page on the site."),
            "api_url": TermURLField(kind, "api"),
            "initiatives_api_url": TermURLField(
                kind, "initiatives", help_text="The API list of its published initiatives."
            ),
            "initiatives_count": InitiativesCountField(help_text="Number of published initiatives."),
        },
    )


class RegionSerializer(term_links("region")):
    slug = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    m49_code = serializers.CharField(help_text="UN M49 code.")
    level = serializers.ChoiceField(Region.Level.choices)
    parent = serializers.CharField(source="parent.slug", allow_null=True, help_text="Slug of the parent region.")


class CountrySerializer(term_links("country")):
    code = serializers.CharField(help_text="ISO 3166-1 alpha-2 code, lower case.")
    iso3 = serializers.CharField(help_text="ISO 3166-1 alpha-3 code.")
    m49_code = OptionalCharField(help_text="UN M49 code.")
    name = serializers.CharField()
    description = serializers.CharField()
    region = serializers.CharField(
        source="region.slug", allow_null=True, help_text="Slug of its most specific M49 region."
    )


class ThemeSerializer(term_links("theme")):
    slug = serializers.CharField()
    name = serializers.CharField()
    number = serializers.IntegerField(allow_null=True, help_text="GCM objective number (1–23); null for others.")
    title = OptionalCharField(help_text="Official title of the GCM objective.")
    description = serializers.CharField()


class PrincipleSerializer(term_links("principle")):
    slug = serializers.CharField()
    name = serializers.CharField()
    number = serializers.IntegerField()
    description = serializers.CharField()


class SdgGoalSerializer(term_links("sdg")):  # issue 13
    slug = serializers.CharField(help_text="Its number.")
    number = serializers.IntegerField(help_text="SDG number (1–17).")
    name = serializers.CharField()
    title = serializers.CharField(help_text="The goal's official title.")


class SdgTargetSerializer(term_links("sdg_target")):  # issue 13
    slug = serializers.CharField(help_text='Its code with a hyphen: "10-7".')
    code = serializers.CharField(help_text='The official code: "10.7", "17.b".')
    text = serializers.CharField(help_text="The target's official text.")
    goal = serializers.IntegerField(source="goal.number", help_text="The number of its goal.")


class OrganisationSerializer(term_links("organisation")):
    slug = serializers.CharField()
    name = serializers.CharField()
    acronym = OptionalCharField()
    website = OptionalURLField()
    description = serializers.CharField()
    # issue 13 (orgs): the profile
    kind = OptionalCharField(
        help_text="Organisation type: " + ", ".join(Organisation.Kind.values) + "; null when not known."
    )
    country = serializers.CharField(
        source="country.code", allow_null=True, help_text="ISO 3166-1 alpha-2 code of its headquarters' country."
    )


def plain_term_serializer(taxonomy: Taxonomy) -> type[serializers.Serializer]:
    """A term as the API shows one that has nothing besides what every term has: its slug (or code), name and
    description, if it has one."""
    names = [field.name for field in taxonomy.model._meta.get_fields()]
    fields = {taxonomy.lookup: serializers.CharField(), "name": serializers.CharField()}
    if "description" in names:
        fields["description"] = serializers.CharField()
    return type(f"{taxonomy.model.__name__}Serializer", (term_links(taxonomy.name),), fields)


# Taxonomies whose terms have more to say than a plain term's.
_SERIALIZERS = {
    "region": RegionSerializer,
    "country": CountrySerializer,
    "theme": ThemeSerializer,
    "principle": PrincipleSerializer,
    "organisation": OrganisationSerializer,
    "sdg": SdgGoalSerializer,
    "sdg_target": SdgTargetSerializer,
}
TERM_SERIALIZERS = {t.name: _SERIALIZERS.get(t.name) or plain_term_serializer(t) for t in TAXONOMIES}


# --- pages, errors, index --------------------------------------------------------------------


class PageSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Number of results on all pages.")
    num_pages = serializers.IntegerField()
    page = serializers.IntegerField()
    page_size = serializers.IntegerField()
    next = serializers.URLField(allow_null=True, help_text="The next page, with the same parameters.")
    previous = serializers.URLField(allow_null=True)


def page_of(item: type[serializers.Serializer], **fields) -> type[serializers.Serializer]:
    name = item.__name__.removesuffix("Serializer")
    return type(f"{name}PageSerializer", (PageSerializer,), {**fields, "results": item(many=True)})


InitiativePageSerializer = page_of(
    InitiativeSerializer,
    sort=serializers.ChoiceField(
        list(InitiativeFilter.SORTS), help_text="The order applied (relevance only with a search)."
    ),
)
TERM_PAGE_SERIALIZERS = {kind: page_of(serializer) for kind, serializer in TERM_SERIALIZERS.items()}


class ParameterErrorSerializer(serializers.Serializer):
    parameter = serializers.CharField()
    value = serializers.CharField()
    message = serializers.CharField()


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in a sentence.")
    errors = ParameterErrorSerializer(many=True, required=False, help_text="Each rejected query parameter.")


class IndexSerializer(serializers.Serializer):
    name = serializers.CharField()
    site = serializers.URLField()
    schema = serializers.URLField(help_text="The OpenAPI 3 description of this API.")
    initiatives = serializers.URLField()
    regions = serializers.URLField()
    countries = serializers.URLField()
    themes = serializers.URLField()
    principles = serializers.URLField()
    categories = serializers.URLField()
    organisations = serializers.URLField()
    tags = serializers.URLField()


# Issue 13: the lists of the SDG taxonomies ("sdg-targets" is not an attribute name).
IndexSerializer = type(
    "IndexSerializer",
    (IndexSerializer,),
    {"sdgs": serializers.URLField(), "sdg-targets": serializers.URLField(), "__module__": __name__},
)
