"""The interchange format's columns: their names, kinds and defaults, shared by the export, the two
encodings and the import."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings

from .. import sections
from ..models import Initiative, Involvement, Link
from ..taxonomies import TAXONOMIES

TEXT, LIST, ORGANISATIONS, LINKS, DATE, DATETIME, BOOL, INT = (
    "text",
    "list",
    "organisations",
    "links",
    "date",
    "datetime",
    "bool",
    "int",
)


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = TEXT
    private: bool = False  # left out of the public export
    code: bool = False  # an identifier or a choice: surrounding spaces are not part of it


# The initiative's text that has a version per content language (translation.INITIATIVE_TEXT). The plain columns
# (title, summary…) hold the original's text, in the language the ``language`` column names; ``title_fr``,
# ``summary_es``… hold the translations. The original language's own columns are left empty on export (its text is
# in the plain ones); on import they may repeat the plain column's text, not contradict it.
TRANSLATED = ("title", "acronym", "summary", "description", *sections.FIELDS)  # the sections too (issue 13)
CONTENT_LANGUAGES = tuple(settings.MODELTRANSLATION_LANGUAGES)


def translated_column(name: str, code: str) -> str:
    return f"{name}_{code}"


TRANSLATION_COLUMNS = tuple(translated_column(name, code) for code in CONTENT_LANGUAGES for name in TRANSLATED)

COLUMNS: tuple[Column, ...] = (
    Column("external_id", code=True),
    Column("slug", code=True),
    Column("title"),
    Column("acronym"),
    Column("summary"),
    Column("description"),
    *(Column(name) for name in sections.FIELDS),  # the sections of the record (issue 13)
    Column("language", code=True),
    *(Column(name) for name in TRANSLATION_COLUMNS),
    Column("category", code=True),
    Column("themes", LIST),
    Column("principles", LIST),
    Column("sdg_goals", LIST),  # issue 13: goal numbers ("10")
    Column("sdg_targets", LIST),  # issue 13: target slugs ("10-7")
    Column("regions", LIST),
    Column("countries", LIST),
    Column("organisations", ORGANISATIONS),
    Column("tags", LIST),
    Column("links", LINKS),
    Column("scope", code=True),
    Column("start_date", DATE),
    Column("start_precision", code=True),
    Column("end_date", DATE),
    Column("end_precision", code=True),
    Column("ongoing", BOOL),
    Column("website"),
    Column("submitter_honorific", code=True),
    Column("submitter_name"),
    Column("submitter_organisation"),
    Column("submitter_email", private=True),
    Column("submitted_on", DATE),
    # issue 13 (orgs): the contact person; the address only in the admin's and the command's files
    Column("contact_name"),
    Column("contact_role"),
    Column("contact_organisation"),
    Column("contact_email", private=True),
    Column("status", code=True),
    Column("featured", BOOL),
    Column("featured_order", INT),
    Column("published_at", DATETIME),
)
BY_NAME = {column.name: column for column in COLUMNS}
REQUIRED_COLUMNS = ("title", "summary", "category")
IDENTIFIER_COLUMNS = ("slug", "external_id")  # a file needs at least one of them, a row a value in one

# Model fields an import sets through services.save_initiative (status and published_at go through the
# publish/unpublish/archive services).
SCALAR_FIELDS = (
    "external_id",
    "slug",
    "language",
    "title",
    "acronym",
    "summary",
    "description",
    *sections.FIELDS,
    "category",
    "scope",
    "start_date",
    "start_precision",
    "end_date",
    "end_precision",
    "ongoing",
    "website",
    "submitter_honorific",
    "submitter_name",
    "submitter_organisation",
    "submitter_email",
    "submitted_on",
    "contact_name",  # issue 13 (orgs)
    "contact_role",
    "contact_organisation",
    "contact_email",
    "featured",
    "featured_order",
)

# The columns that name terms of a taxonomy, each by the field that names a term (``Taxonomy.lookup``): all but the
# tags, which a file names by their text (a tag that does not exist yet is created).
TERM_COLUMNS = {
    taxonomy.field: taxonomy
    for taxonomy in sorted(TAXONOMIES, key=lambda t: [column.name for column in COLUMNS].index(t.field))
    if not taxonomy.named_freely
}

DEFAULTS = {
    "external_id": "",
    "slug": "",
    "title": "",
    "acronym": "",
    "summary": "",
    "description": "",
    **dict.fromkeys(sections.FIELDS, ""),
    "language": Initiative._meta.get_field("language").default,
    **dict.fromkeys(TRANSLATION_COLUMNS, ""),
    "category": "",
    "themes": (),
    "principles": (),
    "sdg_goals": (),
    "sdg_targets": (),
    "regions": (),
    "countries": (),
    "organisations": (),
    "tags": (),
    "links": (),
    "scope": "",
    "start_date": None,
    "start_precision": Initiative.DatePrecision.YEAR.value,
    "end_date": None,
    "end_precision": Initiative.DatePrecision.YEAR.value,
    "ongoing": False,
    "website": "",
    "submitter_honorific": "",
    "submitter_name": "",
    "submitter_organisation": "",
    "submitter_email": "",
    "submitted_on": None,
    "contact_name": "",  # issue 13 (orgs)
    "contact_role": "",
    "contact_organisation": "",
    "contact_email": "",
    "status": Initiative.Status.DRAFT.value,
    "featured": False,
    "featured_order": 0,
    "published_at": None,
}

EXPORT_CHUNK_SIZE = 500
PLAN_BATCH_SIZE = 500
LIST_SEPARATOR = " | "
LINK_KINDS = tuple(Link.Kind.values)
ROLES = tuple(Involvement.Role.values)
TRUE_WORDS, FALSE_WORDS = {"true", "yes", "1"}, {"false", "no", "0", ""}
TAG_MAX_LENGTH = 100


def columns(*, include_private: bool) -> list[Column]:
    return [column for column in COLUMNS if include_private or not column.private]


def join_names(values: Iterable[str]) -> str:
    """Names listed in a message ("a, b, c")."""
    return ", ".join(values)
