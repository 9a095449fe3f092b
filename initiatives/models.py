"""The collection: initiatives ("good practices") and the taxonomies they are filed under."""

import datetime

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models, router
from django.db.models import Q
from django.db.models.functions import Coalesce, NullIf
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import get_language as reader_language
from simple_history import register as register_history
from simple_history.models import HistoricalRecords
from simple_history.signals import (
    post_create_historical_m2m_records,
    pre_create_historical_m2m_records,
    pre_create_historical_record,
)
from taggit.managers import TaggableManager
from taggit.models import Tag

from . import markup, reversing
from . import sections as record_sections


def content_languages() -> list[tuple[str, str]]:
    """The languages the collection's text may be written in: those with a column per translated field."""
    return [(code, get_language_info(code)["name_translated"]) for code in settings.MODELTRANSLATION_LANGUAGES]


class ShownText(str):
    """A translated field's text as shown to a reader, with the language it is actually in (``lang``)."""

    lang: str

    def __new__(cls, value: str, lang: str):
        text = super().__new__(cls, value)
        text.lang = lang
        return text

    @property
    def language_name(self) -> str:
        """The language's name in the reader's language ("French", "français" for a French reader…)."""
        return get_language_info(self.lang)["name_translated"]

    @property
    def is_foreign(self) -> bool:
        """Whether the text is in another language than the page's (it then needs a ``lang`` attribute)."""
        return self.lang != reader_language()

    @property
    def lang_attribute(self) -> str:
        """`` lang="fr"`` when the text is not in the page's language, else nothing (for an HTML start tag)."""
        return format_html(' lang="{}"', self.lang) if self.is_foreign else ""


class ShownFields:
    """``initiative.shown.title`` in templates: ``Initiative.text("title")``."""

    def __init__(self, initiative: "Initiative"):
        self._initiative = initiative

    def __getattr__(self, field: str) -> ShownText:
        if field.startswith("_"):
            raise AttributeError(field)
        return self._initiative.text(field)


def shown_text(obj, field: str, original: str) -> ShownText:
    """``obj.<field>`` in the active language if written, else in ``original``, else in any content language.

    This is the collection's fallback rule ("the reader's language, else the original"), which
    modeltranslation's fixed fallback order cannot express.
    """
    reader = reader_language()
    languages = [reader, original, *settings.MODELTRANSLATION_LANGUAGES]
    for code in dict.fromkeys(languages):
        value = getattr(obj, f"{field}_{code}", None)
        if value:
            return ShownText(value, code)
    return ShownText("", reader)


class SlugRedirect(models.Model):
    """An old slug (or country code) of an initiative or a term: its old URLs answer 301 to the current ones.

    Written when a slug changes (``RemembersSlug.save``) and when a term is merged into another
    (``services.merge_terms``). The target is an object, not a slug, so a redirect follows every later rename.
    """

    class Kind(models.TextChoices):
        INITIATIVE = "initiative", _("initiative")
        REGION = "region", _("region")
        COUNTRY = "country", _("country")
        THEME = "theme", _("theme")
        PRINCIPLE = "principle", _("guiding principle")
        CATEGORY = "category", _("category")
        ORGANISATION = "organisation", _("organisation")
        TAG = "tag", _("tag")
        SDG = "sdg", _("Sustainable Development Goal")  # issue 13
        SDG_TARGET = "sdg_target", _("SDG target")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind)
    old_slug = models.CharField(_("old slug"), max_length=255)
    target_id = models.PositiveBigIntegerField(_("now at (id)"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("old address")
        verbose_name_plural = _("old addresses")
        ordering = ["kind", "old_slug"]
        constraints = [models.UniqueConstraint(fields=["kind", "old_slug"], name="slug_redirect_unique")]
        indexes = [models.Index(fields=["kind", "target_id"], name="slug_redirect_target")]

    def __str__(self):
        return f"{self.kind}: {self.old_slug}"

    @classmethod
    def remember(cls, kind: str, old_slug: str, target_id: int) -> None:
        """``old_slug`` now leads to object ``target_id``; the object's current slug is no longer an old one."""
        cls.objects.update_or_create(kind=kind, old_slug=old_slug, defaults={"target_id": target_id})

    @classmethod
    def forget(cls, kind: str, slug: str) -> None:
        cls.objects.filter(kind=kind, old_slug=slug).delete()

    @classmethod
    def slug_changed(cls, kind: str, old: str | None, new: str, target_id: int) -> None:
        """Object ``target_id`` went from slug ``old`` (None: just created) to ``new``."""
        if old and new != old:
            cls.remember(kind, old, target_id)
        if new != old:
            cls.forget(kind, new)  # live again (a revert, or a new object taking an old slug)


class RemembersSlug(models.Model):
    """Keeps a redirect from the old slug whenever a saved object's slug changes."""

    slug_kind = ""
    slug_attname = "slug"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not hasattr(self, "_loaded_slug"):  # not read from the database: new, or built from a history version
            stored = type(self)._base_manager.filter(pk=self.pk).values_list(self.slug_attname, flat=True)
            self._loaded_slug = None if self.pk is None else stored.first()
        super().save(*args, **kwargs)
        current = getattr(self, self.slug_attname)
        SlugRedirect.slug_changed(self.slug_kind, self._loaded_slug, current, self.pk)
        self._loaded_slug = current

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        instance._loaded_slug = instance.__dict__.get(cls.slug_attname)  # None when deferred: no query
        return instance


class Term(RemembersSlug):
    """What every taxonomy term has: a name, a stable slug (old ones redirect) and a description; its history."""

    name = models.CharField(_("name"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=255, unique=True)
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name


class Region(Term):
    """A UN M49 geographic region, sub-region or intermediate region."""

    slug_kind = "region"

    class Level(models.TextChoices):
        REGION = "region", _("Region")
        SUBREGION = "subregion", _("Sub-region")
        INTERMEDIATE = "intermediate", _("Intermediate region")

    m49_code = models.CharField(_("M49 code"), max_length=3, unique=True)
    level = models.CharField(_("level"), max_length=12, choices=Level)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )

    class Meta(Term.Meta):
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [
            models.CheckConstraint(
                condition=Q(level__in=["region", "subregion", "intermediate"]),
                name="region_level_valid",
            ),
            models.CheckConstraint(
                condition=Q(level="region", parent__isnull=True) | (~Q(level="region") & Q(parent__isnull=False)),
                name="region_parent_matches_level",
            ),
        ]

    def get_absolute_url(self):
        return reversing.reverse("initiatives:region", slug=self.slug)

    def ancestors(self) -> list["Region"]:
        """This region's parents, nearest first (at most two queries: the tree is shallow)."""
        chain, node = [], self
        while node.parent_id:
            node = node.parent
            chain.append(node)
        return chain


class Country(RemembersSlug):
    """A country or territory, filed under its most specific M49 region."""

    slug_kind, slug_attname = "country", "code"

    code = models.CharField(_("ISO 3166-1 alpha-2 code"), max_length=2, unique=True)
    iso3 = models.CharField(_("ISO 3166-1 alpha-3 code"), max_length=3, unique=True)
    m49_code = models.CharField(_("M49 code"), max_length=3, blank=True)
    name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="countries",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^[a-z]{2}$"), name="country_code_lowercase_alpha2"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reversing.reverse("initiatives:country", code=self.code)


class Theme(Term):
    """A theme: one of the 23 objectives of the Global Compact for Migration, or "General"."""

    slug_kind = "theme"

    number = models.PositiveSmallIntegerField(_("GCM objective number"), null=True, blank=True, unique=True)
    title = models.CharField(_("official title"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = [models.F("number").asc(nulls_last=True), "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(number__isnull=True) | Q(number__gte=1, number__lte=23),
                name="theme_number_is_gcm_objective",
            ),
        ]

    def __str__(self):
        if self.number:
            return _("Objective %(number)s: %(name)s") % {"number": self.number, "name": self.name}
        return self.name

    def get_absolute_url(self):
        return reversing.reverse("initiatives:theme", slug=self.slug)


class GuidingPrinciple(Term):
    """One of the ten cross-cutting guiding principles of the Global Compact for Migration."""

    slug_kind = "principle"

    number = models.PositiveSmallIntegerField(_("number"), unique=True)

    class Meta:
        verbose_name = _("guiding principle")
        verbose_name_plural = _("guiding principles")
        ordering = ["number"]

    def get_absolute_url(self):
        return reversing.reverse("initiatives:principle", slug=self.slug)


class Category(Term):
    """A type of practice, e.g. "Regional Consultative Processes and International Regional Fora"."""

    slug_kind = "category"

    class Meta(Term.Meta):
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def get_absolute_url(self):
        return reversing.reverse("initiatives:category", slug=self.slug)


class Organisation(Term):
    """An organisation that implements, partners in or funds initiatives."""

    slug_kind = "organisation"

    acronym = models.CharField(_("acronym"), max_length=50, blank=True)
    website = models.URLField(_("website"), blank=True)
    # --- issue 13, files: the logo, re-encoded and scaled like every image (uploads.py); served by uploads views.
    logo = models.FileField(_("logo"), max_length=300, blank=True, upload_to="logos/")
    logo_width = models.PositiveIntegerField(_("logo width"), null=True, blank=True, editable=False)
    logo_height = models.PositiveIntegerField(_("logo height"), null=True, blank=True, editable=False)

    # --- end files

    # --- issue 13: organisation profiles (orgs) ---
    class Kind(models.TextChoices):
        UN_ENTITY = "un-entity", _("UN entity")
        GOVERNMENT = "government", _("Government")
        REGIONAL = "regional", _("Regional organisation")
        INTERNATIONAL = "international", _("International organisation")
        CIVIL_SOCIETY = "civil-society", _("Civil society")
        ACADEMIA = "academia", _("Academia")
        PRIVATE_SECTOR = "private-sector", _("Private sector")
        LOCAL_AUTHORITY = "local-authority", _("Local authority")
        FOUNDATION = "foundation", _("Philanthropic foundation")
        OTHER = "other", _("Other")

    # Translators: the type of an organisation (UN entity, government, civil society…).
    kind = models.CharField(_("organisation type"), max_length=20, choices=Kind, blank=True, db_index=True)
    country = models.ForeignKey(
        Country,
        verbose_name=_("headquarters country"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="organisations",
    )
    # --- end issue 13 (orgs) ---

    class Meta(Term.Meta):
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [  # issue 13 (orgs)
            models.CheckConstraint(
                condition=Q(
                    kind__in=[
                        "",
                        "un-entity",
                        "government",
                        "regional",
                        "international",
                        "civil-society",
                        "academia",
                        "private-sector",
                        "local-authority",
                        "foundation",
                        "other",
                    ]
                ),
                name="organisation_kind_valid",
            ),
        ]

    def __str__(self):
        if self.acronym and self.acronym != self.name:
            return f"{self.name} ({self.acronym})"
        return self.name

    def get_absolute_url(self):
        return reversing.reverse("initiatives:organisation", slug=self.slug)

    @property
    def logo_url(self) -> str:
        return (
            reverse("organisation-logo", kwargs={"pk": self.pk, "filename": self.logo.name.rsplit("/", 1)[-1]})
            if self.logo
            else ""
        )


# --- Sustainable Development Goals (issue 13) ---------------------------------------------------------------
# The 17 Goals and 169 targets of the 2030 Agenda (A/RES/70/1, as amended by A/RES/71/313), loaded from
# fixtures/sdg_goals.csv and fixtures/sdg_targets.csv (initiatives.taxonomy.load_sdgs). An initiative names goals
# and/or targets; the goals it covers (those named and the goals of its targets) are derived (Initiative.sdg_covered,
# services._refresh_sdg_coverage), so a goal's filter finds an initiative that names only one of its targets.


class SdgGoal(Term):
    """One of the 17 Sustainable Development Goals: its number, short name ("Reduced inequalities") and official
    title ("Reduce inequality within and among countries"). Its slug is its number: /sdgs/10/."""

    slug_kind = "sdg"

    number = models.PositiveSmallIntegerField(_("SDG number"), unique=True)
    title = models.CharField(_("official title"), max_length=500)  # some translations are longer than 255

    class Meta:
        verbose_name = _("Sustainable Development Goal")
        verbose_name_plural = _("Sustainable Development Goals")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(condition=Q(number__gte=1, number__lte=17), name="sdg_goal_number_1_to_17"),
        ]

    def __str__(self):
        return _("Goal %(number)s: %(name)s") % {"number": self.number, "name": self.name}

    def get_absolute_url(self):
        return reversing.reverse("initiatives:sdg", slug=self.slug)


class SdgTarget(Term):
    """A target of a Goal: its code ("10.7", "17.b"), its official text; its name is its code, its slug the code
    with a hyphen (/sdg-targets/10-7/)."""

    slug_kind = "sdg_target"

    code = models.CharField(_("code"), max_length=5, unique=True)
    goal = models.ForeignKey(SdgGoal, verbose_name=_("goal"), on_delete=models.PROTECT, related_name="targets")
    text = models.TextField(_("official text"))
    # The code's order: 1.1 … 1.5, 1.a, 1.b, 2.1 … (a digit sorts before a letter).
    position = models.PositiveSmallIntegerField(_("position"), default=0, editable=False)

    class Meta:
        verbose_name = _("SDG target")
        verbose_name_plural = _("SDG targets")
        ordering = ["position", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^[0-9]{1,2}\.[0-9a-z]{1,2}$"), name="sdg_target_code"),
        ]

    def __str__(self):
        return _("Target %(code)s") % {"code": self.code}

    def save(self, *args, **kwargs):
        self.position = self.position_of(self.code)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reversing.reverse("initiatives:sdg_target", slug=self.slug)

    @staticmethod
    def position_of(code: str) -> int:
        """1.1 → 101, 1.5 → 105, 1.a → 151, 17.19 → 1719: the order of the official list."""
        goal, _dot, rest = code.partition(".")
        if not goal.isdigit():
            return 0
        within = int(rest) if rest.isdigit() else 50 + ord(rest[:1] or "a") - ord("a") + 1
        return int(goal) * 100 + min(within, 99)


class InitiativeQuerySet(models.QuerySet):
    _after_fetch: tuple = ()

    def _clone(self):
        clone = super()._clone()
        clone._after_fetch = self._after_fetch
        return clone

    def after_fetch(self, function):
        """This queryset, calling ``function`` with its rows (instances) once they are fetched, as a prefetch does:
        for a prefetch of one's own (``presentation.for_cards``: a card's terms, from one query and memory)."""
        clone = self._chain()
        clone._after_fetch = (*self._after_fetch, function)
        return clone

    def _fetch_all(self):
        fetching = self._result_cache is None
        super()._fetch_all()
        if fetching and self._after_fetch and issubclass(self._iterable_class, models.query.ModelIterable):
            for function in self._after_fetch:
                function(self._result_cache)

    def published(self):
        """The one visibility rule: what the public sees."""
        return self.filter(status=Initiative.Status.PUBLISHED)

    def for_listing(self):
        """What a result card needs, in a fixed number of queries whatever the page size."""
        # issue 13, files: the attachments (the card's image, the API's list), one query for the whole page;
        # issue 14: the card's meta row (countries, else regions) and objective badges, one query each.
        return self.select_related("category").prefetch_related("attachments", "themes", "countries", "regions")

    def newest_first(self):
        return self.order_by("-published_at", "-pk")


class InitiativeHistoryExtras(models.Model):
    """What an initiative's history records beyond its own fields and many-to-many relations.

    Tags, organisations (with their roles) and links are not plain many-to-many fields, so each version
    keeps them as JSON; ``services.revert_initiative`` puts them back.
    """

    tags_snapshot = models.JSONField(_("tags"), default=list, blank=True)
    involvements_snapshot = models.JSONField(_("organisations"), default=list, blank=True)
    links_snapshot = models.JSONField(_("links"), default=list, blank=True)
    # issue 13, files: the attachments as they were (Attachment.snapshot()); their files stay in storage while a
    # version of the initiative refers to them, so a revert brings them back (uploads.discard_files).
    attachments_snapshot = models.JSONField(_("attachments"), default=list, blank=True)

    class Meta:
        abstract = True


class InitiativeHistoricalRecords(HistoricalRecords):
    """django-simple-history's records, with the many-to-many rows of a version written from their keys.

    The library reads ``history_instance.instance`` for each many-to-many field (a query for the excluded columns
    and a whole Initiative built, six times per version) only to reach the through model, and loads each through
    row with both its objects joined, only to copy their keys: a third of the cost of every write of an initiative.
    This writes the same rows from the through models' columns (one query per relation, none when saving them
    finds nothing to insert) and sends the same signals.
    """

    def create_historical_record_m2ms(self, history_instance, instance):
        for field in history_instance._history_m2m_fields:
            m2m_history_model = self.m2m_models[field]
            through_model = field.remote_field.through
            attnames = [f.attname for f in through_model._meta.fields]
            values = through_model._base_manager.filter(**{field.m2m_field_name(): instance.pk}).values_list(*attnames)
            insert_rows = [
                m2m_history_model(history=history_instance, **dict(zip(attnames, row, strict=True))) for row in values
            ]
            pre_create_historical_m2m_records.send(
                sender=m2m_history_model,
                rows=insert_rows,
                history_instance=history_instance,
                instance=instance,
                field=field,
            )
            created_rows = m2m_history_model.objects.bulk_create(insert_rows)
            post_create_historical_m2m_records.send(
                sender=m2m_history_model,
                created_rows=created_rows,
                history_instance=history_instance,
                instance=instance,
                field=field,
            )


INITIATIVE_HISTORY = InitiativeHistoricalRecords(
    m2m_fields=["themes", "principles", "regions", "countries", "sdg_goals", "sdg_targets"],
    # Derived columns: a version keeps the Markdown, a revert renders it again.
    # (description_html_en, _fr, … are its translations: translation.py adds them to the model.)
    excluded_fields=[
        *(f"search_{code}" for code in ("en", "fr", "es", "ar")),
        "description_html",
        *(f"description_html_{code}" for code in settings.MODELTRANSLATION_LANGUAGES),
        "created_at",
        "updated_at",
    ],
    bases=[InitiativeHistoryExtras],
)


def section_field(name: str) -> models.TextField:
    """An optional structured section of the record (``sections.py``), capped at ``sections.MAX_LENGTH``."""
    section = record_sections.BY_FIELD[name]
    return models.TextField(
        section.heading,
        blank=True,
        help_text=section.guidance,
        validators=[MaxLengthValidator(record_sections.MAX_LENGTH)],
    )


# Paths under /initiatives/ that are pages of their own (urls.py): an initiative with such a slug would be unreachable.
RESERVED_SLUGS = frozenset({"feed", "insights"})


def shown_text_sql(field: str, language: str):
    """SQL for what ``Initiative.text(field)`` shows a reader of ``language``: that language's column when written,
    else the original language's (``presentation.shown_expression``: the listing's order by title). The same
    expression names an index per language (``initiative_<field>_shown_<language>``): sorting the published
    initiatives by the title a reader sees is then a walk of an index, not a sort of every row."""
    original = models.Case(
        *[models.When(language=code, then=models.F(f"{field}_{code}")) for code in settings.MODELTRANSLATION_LANGUAGES],
        default=models.F(f"{field}_{settings.MODELTRANSLATION_DEFAULT_LANGUAGE}"),
        output_field=models.TextField(),
    )
    return Coalesce(
        NullIf(models.F(f"{field}_{language}"), models.Value("")),
        original,
        output_field=models.TextField(),
    )


class Initiative(RemembersSlug):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    class Scope(models.TextChoices):
        GLOBAL = "global", _("Global")
        REGIONAL = "regional", _("Regional")
        NATIONAL = "national", _("National")
        LOCAL = "local", _("Local")

    class Honorific(models.TextChoices):
        MS = "Ms.", _("Ms.")
        MR = "Mr.", _("Mr.")
        MX = "Mx.", _("Mx.")
        DR = "Dr.", _("Dr.")

    class DatePrecision(models.TextChoices):
        YEAR = "year", _("Year")
        MONTH = "month", _("Month")
        DAY = "day", _("Day")

    # The language the initiative was written in: its text in any other language is a translation, and a reader
    # whose language has none reads this one (text()). Title, acronym, summary and description have a column per
    # content language (translation.py); the plain columns hold the original's text (sync_original_text()).
    language = models.CharField(
        _("original language"), max_length=7, choices=content_languages, default="en", db_index=True
    )
    title = models.CharField(_("title"), max_length=300)
    acronym = models.CharField(_("acronym"), max_length=50, blank=True)
    slug = models.SlugField(_("slug"), max_length=255, unique=True)
    summary = models.TextField(_("summary"), help_text=_("Plain text, shown on listings."))
    description = models.TextField(
        _("description"), blank=True, help_text=_("Markdown. Raw HTML is removed when the page is shown.")
    )
    # The description as sanitised HTML, written with it (render_description) so no page renders Markdown.
    description_html = models.TextField(_("description (HTML)"), blank=True, editable=False)

    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="initiatives"
    )
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True, related_name="initiatives")
    principles = models.ManyToManyField(
        GuidingPrinciple, verbose_name=_("guiding principles"), blank=True, related_name="initiatives"
    )
    regions = models.ManyToManyField(Region, verbose_name=_("regions"), blank=True, related_name="initiatives")
    countries = models.ManyToManyField(Country, verbose_name=_("countries"), blank=True, related_name="initiatives")
    # Derived: the regions named above, the regions of the countries, and all their ancestors.
    # Kept by services.refresh_coverage() so that a region filter and its facet counts are one join.
    covered_regions = models.ManyToManyField(
        Region, verbose_name=_("covered regions"), blank=True, editable=False, related_name="+"
    )
    scope = models.CharField(_("geographic scope"), max_length=10, choices=Scope, blank=True)
    organisations = models.ManyToManyField(
        Organisation,
        verbose_name=_("organisations"),
        through="Involvement",
        blank=True,
        related_name="initiatives",
    )

    start_date = models.DateField(_("start"), null=True, blank=True)
    start_precision = models.CharField(
        _("start precision"), max_length=5, choices=DatePrecision, default=DatePrecision.YEAR
    )
    end_date = models.DateField(_("end"), null=True, blank=True)
    end_precision = models.CharField(
        _("end precision"), max_length=5, choices=DatePrecision, default=DatePrecision.YEAR
    )
    ongoing = models.BooleanField(_("ongoing"), default=False)

    website = models.URLField(_("website"), max_length=500, blank=True)
    tags = TaggableManager(verbose_name=_("tags"), blank=True)

    submitter_honorific = models.CharField(_("submitter's honorific"), max_length=4, choices=Honorific, blank=True)
    submitter_name = models.CharField(_("submitter's name"), max_length=200, blank=True)
    submitter_organisation = models.CharField(_("submitter's organisation"), max_length=255, blank=True)
    submitter_email = models.EmailField(
        _("submitter's contact e-mail"), blank=True, help_text=_("Never shown publicly.")
    )
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)

    # --- issue 13: the contact person (orgs). The address is never shown: the contact app relays messages. ---
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_role = models.CharField(_("contact person's role"), max_length=200, blank=True)
    contact_organisation = models.CharField(_("contact person's organisation"), max_length=255, blank=True)
    contact_email = models.EmailField(
        _("contact person's e-mail"),
        blank=True,
        help_text=_("Never shown publicly: visitors write through the “Contact the implementer” form."),
    )
    # --- end issue 13 (orgs) ---

    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    featured = models.BooleanField(_("featured"), default=False)
    featured_order = models.PositiveIntegerField(
        _("featured order"), default=0, help_text=_("Featured initiatives appear on the home page lowest number first.")
    )
    external_id = models.CharField(
        _("external id"),
        max_length=100,
        blank=True,
        help_text=_("This initiative's identifier in a partner's system; imports match on it."),
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # PostgreSQL only: one weighted tsvector per content language, kept by a trigger (migration 0010, search.py).
    search_en = SearchVectorField(null=True, editable=False)
    search_fr = SearchVectorField(null=True, editable=False)
    search_es = SearchVectorField(null=True, editable=False)
    search_ar = SearchVectorField(null=True, editable=False)

    # --- issue 13: the structured sections of the record, in the order of sections.SECTIONS (plain text,
    # translated like the summary: translation.py; searched at the weights sections.py gives). ---
    context = section_field("context")
    activities = section_field("activities")
    results = section_field("results")
    evidence = section_field("evidence")
    good_practice = section_field("good_practice")
    lessons = section_field("lessons")
    recommendations = section_field("recommendations")
    beneficiaries = section_field("beneficiaries")
    budget = section_field("budget")
    source = section_field("source")
    # --- Sustainable Development Goals (issue 13): the goals and targets named; the goals covered are derived
    # (those named and the goals of the targets named), kept by services.refresh_coverage like covered_regions.
    sdg_goals = models.ManyToManyField(
        "SdgGoal", verbose_name=_("Sustainable Development Goals"), blank=True, related_name="initiatives"
    )
    sdg_targets = models.ManyToManyField(
        "SdgTarget", verbose_name=_("SDG targets"), blank=True, related_name="initiatives"
    )
    sdg_covered = models.ManyToManyField(
        "SdgGoal", verbose_name=_("SDGs covered"), blank=True, editable=False, related_name="+"
    )

    objects = InitiativeQuerySet.as_manager()
    # One version per change, written by services.record_history once all relations are saved
    # (automatic records on every save and on every many-to-many change would split one edit into many).
    history = INITIATIVE_HISTORY
    skip_history_when_saving = True
    slug_kind = "initiative"

    class Meta:
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published", "archived"]), name="initiative_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="initiative_published_has_date",
            ),
            models.CheckConstraint(
                condition=Q(scope__in=["", "global", "regional", "national", "local"]),
                name="initiative_scope_valid",
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="initiative_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(submitter_honorific__in=["", "Ms.", "Mr.", "Mx.", "Dr."]),
                name="initiative_honorific_valid",
            ),
            models.UniqueConstraint(
                fields=["external_id"], condition=~Q(external_id=""), name="initiative_external_id_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-published_at", "-id"], name="initiative_status_published"),
            models.Index(fields=["status", "title"], name="initiative_status_title"),
            models.Index(fields=["status", "category"], name="initiative_status_category"),
            models.Index(fields=["start_date"], name="initiative_start"),
            models.Index(fields=["end_date"], name="initiative_end"),
            models.Index(fields=["featured", "status"], name="initiative_featured"),
            *(
                models.Index(
                    shown_text_sql("title", code),
                    models.F("id"),
                    condition=Q(status="published"),
                    name=f"initiative_title_shown_{code}",
                )
                for code in settings.MODELTRANSLATION_LANGUAGES
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # A translated field's plain column is written from the active language's value: saving under the
        # original language makes it hold the original text whichever language the editor works in, so the
        # search trigger and every reader of the plain columns see one text.
        with translation.override(self.language or settings.MODELTRANSLATION_DEFAULT_LANGUAGE):
            super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reversing.reverse("initiatives:detail", slug=self.slug)

    def validate_constraints(self, exclude=None):
        """Django's validation of the table's constraints, each given only the columns it reads.

        Django checks a check constraint (or a unique constraint's condition) with a query into which it puts every
        column of the row as a value: about 110 here (each translation is a column), for each of six constraints,
        which cost a third of publishing an initiative. Each constraint is given the columns it names (the others are
        passed as excluded, which Django only uses to leave them out of that query, or to skip a constraint that
        names one); what is checked, and the errors, are Django's."""
        exclude = set(exclude or ())
        names = {field.name for field in self._meta.concrete_fields}
        using = router.db_for_write(type(self), instance=self)
        errors = {}
        for model_class, model_constraints in self.get_constraints():
            for constraint in model_constraints:
                read = set(getattr(constraint, "fields", ()) or ())
                for expression in (getattr(constraint, "condition", None), *getattr(constraint, "expressions", ())):
                    if expression is not None:
                        read |= {reference[0] for reference in model_class._get_expr_references(expression)}
                read |= {self._meta.get_field(name).name for name in read if name != "pk"}  # an attname's field
                unread = names - read - {"pk", self._meta.pk.name}
                try:
                    constraint.validate(model_class, self, exclude=exclude | unread, using=using)
                except ValidationError as error:
                    if getattr(error, "code", None) == "unique" and len(constraint.fields) == 1:
                        errors.setdefault(constraint.fields[0], []).append(error)
                    else:
                        errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def clean(self):
        super().clean()
        if self.slug in RESERVED_SLUGS:
            # Translators: %(slug)s is a web address's last part, such as "insights".
            raise ValidationError(
                {"slug": _("“%(slug)s” is the address of another page: choose another slug.") % {"slug": self.slug}}
            )

    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def render_description(self) -> None:
        """Bring ``description_html`` in step with ``description`` in every language; every path that writes a
        description calls this."""
        for code in settings.MODELTRANSLATION_LANGUAGES:
            source = getattr(self, f"description_{code}")
            setattr(self, f"description_html_{code}", markup.render(source) if source else source)

    def text(self, field: str) -> "ShownText":
        """``field`` (title, acronym, summary, description_html) in the reader's language when it has been
        written, else in the initiative's original language; the result knows its language (``.lang``)."""
        return shown_text(self, field, self.language)

    @property
    def shown(self) -> ShownFields:
        return ShownFields(self)

    @property
    def submitter_display(self) -> str:
        """The public credit: "Ms. Angelica Pinzon" (never the e-mail address), the honorific in the reader's
        language ("Mme Angelica Pinzon" in French)."""
        honorific = self.get_submitter_honorific_display() if self.submitter_honorific else ""
        return " ".join(part for part in (str(honorific), self.submitter_name) if part)

    @property
    def card_image(self):
        """The first image attached, for a listing card (issue 13, files; for_listing() prefetches them)."""
        return next((item for item in self.attachments.all() if item.is_image and item.card_file), None)


def format_partial_date(value: datetime.date | None, precision: str) -> str:
    """Show a date only as precisely as it is known: "2019", "June 2019" or "22 August 2019"."""
    from django.utils.formats import date_format

    if value is None:
        return ""
    if precision == Initiative.DatePrecision.YEAR:
        return str(value.year)
    if precision == Initiative.DatePrecision.MONTH:
        return date_format(value, "YEAR_MONTH_FORMAT")
    return date_format(value, "DATE_FORMAT")


class Involvement(models.Model):
    """An organisation's part in an initiative."""

    class Role(models.TextChoices):
        IMPLEMENTER = "implementer", _("Implementing organisation")
        PARTNER = "partner", _("Partner")
        ASSOCIATE = "associate", _("Associate partner")
        FUNDER = "funder", _("Funder")

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="involvements")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="involvements")
    role = models.CharField(_("role"), max_length=12, choices=Role, default=Role.IMPLEMENTER)
    note = models.CharField(_("note"), max_length=255, blank=True, help_text=_('e.g. "from 2020"'))

    class Meta:
        verbose_name = _("involvement")
        verbose_name_plural = _("involvements")
        ordering = ["role", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "organisation", "role"], name="involvement_unique_role"),
            models.CheckConstraint(
                condition=Q(role__in=["implementer", "partner", "associate", "funder"]),
                name="involvement_role_valid",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "initiative"], name="involvement_org_initiative")]

    def __str__(self):
        return f"{self.organisation} – {self.get_role_display()}"


class Link(models.Model):
    """A document or web page about an initiative."""

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("Document")
        WEBPAGE = "webpage", _("Web page")
        VIDEO = "video", _("Video")

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="links")
    title = models.CharField(_("title"), max_length=300)
    url = models.URLField(_("address"), max_length=500)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.DOCUMENT)

    class Meta:
        verbose_name = _("link")
        verbose_name_plural = _("links")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "url"], name="link_unique_per_initiative"),
            models.CheckConstraint(condition=Q(kind__in=["document", "webpage", "video"]), name="link_kind_valid"),
        ]

    def __str__(self):
        return self.title


class SearchWord(models.Model):
    """The vocabulary of published initiatives in each content language, for "did you mean" (PostgreSQL only)."""

    language = models.CharField(max_length=7, default="en")
    word = models.CharField(max_length=100)
    ndoc = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("search word")
        verbose_name_plural = _("search words")
        constraints = [models.UniqueConstraint(fields=["language", "word"], name="searchword_unique_per_language")]

    def __str__(self):
        return self.word


def _snapshot_relations(sender, instance, history_instance, **kwargs):
    """Each initiative version keeps its tags, organisations (with roles) and links, for diffs and reverts."""
    history_instance.tags_snapshot = sorted(instance.tags.names(), key=str.lower)
    history_instance.involvements_snapshot = [
        [involvement.organisation_id, involvement.role, involvement.note]
        for involvement in instance.involvements.order_by("role", "organisation_id")
    ]
    history_instance.links_snapshot = [[link.title, link.url, link.kind] for link in instance.links.order_by("pk")]
    history_instance.attachments_snapshot = [attachment.snapshot() for attachment in instance.attachments.all()]


pre_create_historical_record.connect(_snapshot_relations, sender=Initiative.history.model)


# --- issue 13, files: documents and images attached to an initiative ---------------------------------------------


class StoredFile(models.Model):
    """A document or an image checked by its content (uploads.py) and served by the portal: what an initiative's
    attachment and a proposal's submitted file have in common (the proposal's becomes the attachment on approval).

    An image's ``file`` is its detail-page size (re-encoded, metadata stripped) and ``card_file`` its listing-card
    size; a document's ``file`` is the file as uploaded. Files are named by storage, never by the uploader.
    """

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("Document")
        IMAGE = "image", _("Image")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind)
    file = models.FileField(_("file"), max_length=300, upload_to="attachments/")
    filename = models.CharField(_("file name"), max_length=150, help_text=_("The name the file is downloaded as."))
    title = models.CharField(_("title"), max_length=300)
    alt_text = models.CharField(
        _("text alternative"),
        max_length=300,
        blank=True,
        help_text=_("What the image shows, for those who cannot see it."),
    )
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    width = models.PositiveIntegerField(_("width"), null=True, blank=True)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True)
    card_file = models.FileField(_("card image"), max_length=300, blank=True, upload_to="attachments/")
    card_width = models.PositiveIntegerField(_("card width"), null=True, blank=True)
    card_height = models.PositiveIntegerField(_("card height"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["position", "pk"]

    def __str__(self):
        return self.title

    @property
    def is_image(self) -> bool:
        return self.kind == self.Kind.IMAGE

    def storage_names(self) -> list[str]:
        return [name for name in (self.file.name, self.card_file.name) if name]

    @property
    def type_label(self) -> str:
        from initiatives.uploads import type_label

        return type_label(self.content_type)


class Attachment(StoredFile):
    """A document or an image of an initiative (see ``StoredFile``)."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="attachments")

    class Meta(StoredFile.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["document", "image"]), name="attachment_kind_valid"),
        ]
        indexes = [models.Index(fields=["initiative", "kind", "position"], name="attachment_initiative_kind")]

    def get_absolute_url(self):
        return reverse("attachment-file", kwargs={"pk": self.pk, "filename": self.filename})

    def card_url(self):
        return reverse("attachment-card", kwargs={"pk": self.pk, "filename": self.filename}) if self.card_file else ""

    SNAPSHOT_FIELDS = (
        "kind",
        "file",
        "filename",
        "title",
        "alt_text",
        "content_type",
        "size",
        "sha256",
        "width",
        "height",
        "card_file",
        "card_width",
        "card_height",
        "position",
    )

    def snapshot(self) -> dict:
        """What a history version keeps of this attachment (file names, not bytes)."""
        values = {name: getattr(self, name) for name in self.SNAPSHOT_FIELDS}
        values["file"], values["card_file"] = self.file.name, self.card_file.name or ""
        return values


# Tags are taggit's model: their history is kept here, under this app.
register_history(Tag, app=__package__)


def _attachment_deleted(sender, instance, **kwargs):
    from .uploads import discard_files

    discard_files(instance.storage_names(), initiative_id=instance.initiative_id)


def _initiative_deleted(sender, instance, **kwargs):
    """A deleted initiative takes its files with it: its attachments' and those only its history still named."""
    from .uploads import discard_files

    names = [name for attachment in instance.attachments.all() for name in attachment.storage_names()]
    for snapshot in Initiative.history.filter(id=instance.pk).values_list("attachments_snapshot", flat=True):
        names += [name for item in snapshot or [] for name in (item.get("file"), item.get("card_file")) if name]
    discard_files(names, initiative_id=instance.pk)


def _organisation_deleted(sender, instance, **kwargs):
    from .uploads import discard_files

    discard_files([instance.logo.name])


models.signals.post_delete.connect(_attachment_deleted, sender=Attachment)
models.signals.pre_delete.connect(_initiative_deleted, sender=Initiative)
models.signals.post_delete.connect(_organisation_deleted, sender=Organisation)


# --- issue 14: related initiatives by meaning ------------------------------------------------------------------


class StoredEmbedding(models.Model):
    """A text's sentence embedding (initiatives/embeddings.py) as float16 bytes: what an initiative's and a proposal's
    have in common. Written only by their tasks; ``text_hash`` says which text (and model) it was computed from, so
    an edit that leaves the text alone costs no encoding."""

    vector = models.BinaryField(_("vector"))
    text_hash = models.CharField(_("text hash"), max_length=64)
    model = models.CharField(_("model"), max_length=100)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class InitiativeEmbedding(StoredEmbedding):
    """The sentence embedding of a published initiative's text."""

    initiative = models.OneToOneField(
        Initiative, on_delete=models.CASCADE, primary_key=True, related_name="embedding", verbose_name=_("initiative")
    )

    class Meta:
        verbose_name = _("initiative embedding")
        verbose_name_plural = _("initiative embeddings")

    def __str__(self):
        return f"{self.initiative_id} ({self.model})"


class RelatedInitiative(models.Model):
    """One entry of an initiative's precomputed "Related initiatives" list (meaning and shared terms together).

    The detail page reads these rows and never computes them; the embedding task keeps them current.
    """

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="related_rows", verbose_name=_("initiative")
    )
    related = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="related_of_rows", verbose_name=_("related initiative")
    )
    score = models.FloatField(_("score"))
    rank = models.PositiveSmallIntegerField(_("rank"))

    class Meta:
        verbose_name = _("related initiative")
        verbose_name_plural = _("related initiatives")
        ordering = ["initiative", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "related"], name="related_initiative_once"),
            models.UniqueConstraint(fields=["initiative", "rank"], name="related_initiative_rank_once"),
            models.CheckConstraint(condition=~Q(initiative=models.F("related")), name="related_initiative_not_itself"),
        ]

    def __str__(self):
        return f"{self.initiative_id} → {self.related_id} ({self.score:.3f})"


# --- issue 15: the derived tables that make facet counts cheap (initiatives/facet_counts.py) -------------------


class FacetMembership(models.Model):
    """One row per published initiative and term it is filed under, in every taxonomy (a region: each region it
    covers; an organisation once whatever its roles): derived from the relations by ``facet_counts.sync`` in the
    one write path, rebuilt by ``manage.py rebuild_facet_counts``. Counting a facet over a set of initiatives is
    then an index-only scan of one narrow table instead of a join with the wide initiatives table."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="+", db_index=False)
    facet = models.CharField(max_length=16)  # the taxonomy's name (taxonomies.TAXONOMIES)
    term_id = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["facet", "term_id", "initiative"], name="facetmembership_unique"),
        ]
        indexes = [models.Index(fields=["initiative", "facet", "term_id"], name="facetmembership_by_initiative")]

    def __str__(self):
        return f"{self.initiative_id} {self.facet} {self.term_id}"


class TermTotal(models.Model):
    """How many published initiatives each term has (``FacetMembership`` rows per term), kept with it: the
    unfiltered listing's facets, the home page and the term indexes read these instead of counting."""

    facet = models.CharField(max_length=16)
    term_id = models.IntegerField()
    n = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["facet", "term_id"], name="termtotal_unique")]

    def __str__(self):
        return f"{self.facet} {self.term_id}: {self.n}"


class FacetChange(models.Model):
    """An initiative written, whose ``FacetMembership`` rows or place in the listing's order may have changed, in
    the order written (no initiative: any of them may have, after a rebuild or a term's deletion; a negative one,
    -N: the rows up to id N were pruned, ``facet_counts._prune_changes``). Each process's copy of the memberships as
    bitmaps (``facet_bitmaps.py``), and of the listing's order (``listing_order.py``), reads the rows written since
    it last looked, to catch up."""

    id = models.BigAutoField(primary_key=True)
    initiative_id = models.BigIntegerField(null=True)

    def __str__(self):
        return f"{self.pk}: {self.initiative_id if self.initiative_id is not None else 'all'}"
