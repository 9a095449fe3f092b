"""The curator's admin: bulk changes, merges, history with revert, featured order, export."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db.models import ForeignKey, Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin
from modeltranslation.utils import get_translation_fields
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper
from taggit.models import Tag

from . import exports, history, redirects, services, uploads
from . import sections as record_sections
from .models import (
    Attachment,
    Category,
    Country,
    GuidingPrinciple,
    Initiative,
    Involvement,
    Link,
    Organisation,
    Region,
    SdgGoal,
    SdgTarget,
    SlugRedirect,
    Theme,
)
from .taxonomies import BY_NAME, TAXONOMIES, of_model


class HistoryAdmin(SimpleHistoryAdmin):
    """django-simple-history's admin, without its bare select_related() for models with no foreign key
    (deprecated in Django 6.1)."""

    history_list_per_page = 50

    def get_historical_record_context_helper(self, request, historical_record):
        # Long values (titles, summaries) are shown whole, not cut at 100 characters.
        return HistoricalRecordContextHelper(
            self.model, historical_record, max_displayed_delta_change_chars=history.FULL_VALUE
        )

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        queryset = history_manager.filter(**{pk_name: object_id}).select_related("history_user")
        foreign_keys = [f.name for f in history_manager.model.tracked_fields if isinstance(f, ForeignKey)]
        return queryset.select_related(*foreign_keys) if foreign_keys else queryset


class TranslatedAdmin(TranslationAdmin):
    """Each translated field in every language (``title_en``, ``title_fr``…), with no script of its own (the tabbed
    variant loads jQuery UI from a CDN, which the Content Security Policy forbids). Inputs say their language and
    take the direction of what is typed in them."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        language = getattr(db_field, "language", None)  # set on translation fields only
        if field is not None and language:
            field.widget.attrs.update({"lang": language, "dir": "auto"})
        return field

    def get_search_fields(self, request):
        # A search looks in every language (a plain "name" would mean the active language's column only, where a
        # French admin would not find an organisation named in English).
        translated = self.trans_opts.all_fields
        return [
            column
            for name in super().get_search_fields(request)
            for column in (get_translation_fields(name) if name in translated else [name])
        ]

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        # As django-simple-history does, but language by language (its plain "title" is the active language's).
        previous = None
        for current in historical_records:
            if previous is not None:
                delta = previous.diff_against(
                    current,
                    included_fields=history.compared_fields(previous, self.model),
                    foreign_keys_are_objs=foreign_keys_are_objs,
                )
                helper = self.get_historical_record_context_helper(request, previous)
                previous.history_delta_changes = helper.context_for_delta_changes(delta)
            previous = current


def side_by_side(name: str) -> tuple[str, ...]:
    """A fieldset row with a field's column in every language."""
    return tuple(get_translation_fields(name))


class InitiativeAdminForm(forms.ModelForm):
    """An initiative needs its title and summary in its original language; any other language may stay empty."""

    REQUIRED_IN_ORIGINAL = ("title", "summary")

    def clean(self):
        cleaned = super().clean()
        language = cleaned.get("language") or self.instance.language
        for name in self.REQUIRED_IN_ORIGINAL:
            column = f"{name}_{language}"
            if column in self.fields and not cleaned.get(column):
                self.add_error(column, _("This field is required in the original language."))
        return cleaned


class InvolvementInline(admin.TabularInline):
    model = Involvement
    autocomplete_fields = ["organisation"]
    extra = 1


class LinkInline(admin.TabularInline):
    model = Link
    extra = 1


# --- issue 13, files: attachments and logos, checked and re-encoded like every upload (uploads.py) ---------------


class AttachmentInlineForm(forms.ModelForm):
    upload = forms.FileField(
        label=_("file"),
        required=False,
        help_text=_("A document (PDF, Word, Excel, PowerPoint, OpenDocument, CSV) or an image (JPEG, PNG, WebP, GIF)."),
    )

    class Meta:
        model = Attachment
        fields = ["upload", "title", "alt_text", "position"]

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload:
            self.checked = uploads.check(upload)
        elif not self.instance.pk:
            raise forms.ValidationError(_("Choose a file."))
        return upload

    def clean(self):
        cleaned = super().clean()
        kind = self.checked.kind if getattr(self, "checked", None) else self.instance.kind
        if kind == uploads.IMAGE and not (cleaned.get("alt_text") or "").strip():
            self.add_error("alt_text", _("Say what the image shows, for people who cannot see it."))
        return cleaned

    def save(self, commit=True):
        attachment = super().save(commit=False)
        upload = self.cleaned_data.get("upload")
        if upload:
            old = attachment.storage_names() if attachment.pk else []
            for name, value in uploads.store(upload, prefix="attachments", checked=self.checked).items():
                setattr(attachment, name, value)
            uploads.discard_files(old, initiative_id=attachment.initiative_id)
        if commit:
            attachment.save()
        return attachment


class AttachmentInline(admin.TabularInline):
    model = Attachment
    form = AttachmentInlineForm
    extra = 1
    readonly_fields = ["kind", "file_link", "size"]
    fields = ["upload", "file_link", "kind", "title", "alt_text", "size", "position"]

    @admin.display(description=_("current file"))
    def file_link(self, obj):
        if not obj.pk:
            return "—"
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.filename)


class OrganisationAdminForm(forms.ModelForm):
    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo and hasattr(logo, "content_type"):  # a new upload (not the stored file, not "clear")
            checked = uploads.check(logo)
            if checked.kind != uploads.IMAGE:
                raise forms.ValidationError(_("A logo must be a JPEG, PNG, WebP or GIF image."))
            data, width, height = uploads.logo(logo)
            self.instance.logo_width, self.instance.logo_height = width, height
            return ContentFile(data, name=uploads.safe_filename(logo.name, uploads.WEBP[1]))
        if logo is False:
            self.instance.logo_width = self.instance.logo_height = None
        return logo


class SubmitterFilter(admin.SimpleListFilter):
    title = _("submitter")
    parameter_name = "submitter"

    def lookups(self, request, model_admin):
        return [("credited", _("Credited to a submitter")), ("none", _("No submitter credit"))]

    def queryset(self, request, queryset):
        if self.value() == "credited":
            return queryset.exclude(submitter_name="")
        if self.value() == "none":
            return queryset.filter(submitter_name="")
        return queryset


class BulkTermForm(forms.Form):
    """The term a bulk "add/remove" action applies (see ``Taxonomy.bulk``): chosen from the list, or named (a tag
    that does not exist yet is created)."""

    def __init__(self, *args, facet, **kwargs):
        super().__init__(*args, **kwargs)
        self.taxonomy = BY_NAME[facet]
        if self.taxonomy.named_freely:
            self.fields["term"] = forms.CharField(label=self.taxonomy.label, max_length=100, strip=True)
        else:
            model = self.taxonomy.model
            self.fields["term"] = forms.ModelChoiceField(
                label=capfirst(model._meta.verbose_name), queryset=model.objects.all()
            )

    def clean_term(self):
        term = self.cleaned_data["term"]
        if self.taxonomy.named_freely:
            model = self.taxonomy.model
            existing = model.objects.filter(name__iexact=term).first()
            return existing or model.objects.create(name=term)
        return term


def bulk_term_action(facet: str, add: bool):
    """An admin action that adds a term of ``facet`` to the selected initiatives, or removes it."""
    taxonomy = BY_NAME[facet]
    kind = taxonomy.model._meta.verbose_name
    description = taxonomy.bulk.add_label if add else taxonomy.bulk.remove_label

    def action(modeladmin, request, queryset):
        form = BulkTermForm(request.POST if "apply" in request.POST else None, facet=facet)
        if form.is_bound and form.is_valid():
            term = form.cleaned_data["term"]
            changed = services.change_classification(
                initiatives=queryset, facet=facet, term=term, add=add, user=request.user
            )
            template = (
                ngettext(
                    "%(kind)s “%(term)s” added to %(count)d initiative.",
                    "%(kind)s “%(term)s” added to %(count)d initiatives.",
                    changed,
                )
                if add
                else ngettext(
                    "%(kind)s “%(term)s” removed from %(count)d initiative.",
                    "%(kind)s “%(term)s” removed from %(count)d initiatives.",
                    changed,
                )
            )
            modeladmin.message_user(
                request, template % {"kind": capfirst(kind), "term": term, "count": changed}, messages.SUCCESS
            )
            return None
        return TemplateResponse(
            request,
            "admin/initiatives/initiative/bulk_term.html",
            {
                **modeladmin.admin_site.each_context(request),
                "title": description,
                "opts": modeladmin.model._meta,
                "form": form,
                "initiatives": queryset,
                "action_name": request.POST.get("action"),
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
                "add": add,
            },
        )

    action.__name__ = f"{'add' if add else 'remove'}_{facet}"
    return admin.action(description=description, permissions=["change"])(action)


@admin.register(Initiative)
class InitiativeAdmin(TranslatedAdmin, HistoryAdmin):
    form = InitiativeAdminForm

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and getattr(db_field, "language", None):
            field.required = False  # required in the original language only (InitiativeAdminForm)
        return field

    list_display = [
        "title",
        "status",
        "category",
        "region_list",
        "theme_list",
        "featured",
        "featured_order",
        "submitter",
        "submitted_on",
        "published_at",
        "updated_at",
    ]
    list_display_links = ["title"]
    list_editable = ["featured_order"]
    list_filter = [
        "status",
        "featured",
        "category",
        "themes",
        "regions",
        "principles",
        "scope",
        SubmitterFilter,
        ("submitted_on", admin.DateFieldListFilter),
        ("published_at", admin.DateFieldListFilter),
        ("updated_at", admin.DateFieldListFilter),
    ]
    list_select_related = ["category"]
    list_per_page = 50
    search_fields = [
        "title",
        "acronym",
        "summary",
        "slug",
        "external_id",
        "submitter_name",
        "organisations__name",
        "organisations__acronym",
    ]
    search_help_text = _("Title, acronym, summary, slug, external id, submitter or organisation.")
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["category", "themes", "principles", "regions", "countries", "sdg_goals", "sdg_targets"]
    readonly_fields = ["published_at", "created_at", "updated_at"]
    date_hierarchy = "published_at"
    inlines = [InvolvementInline, LinkInline, AttachmentInline]  # issue 13, files: AttachmentInline
    actions = [
        "publish",
        "unpublish",
        "archive",
        "feature",
        "unfeature",
        *(bulk_term_action(t.name, add=add) for t in TAXONOMIES if t.bulk for add in (True, False)),
        "export_csv",
        "export_json",
    ]
    show_facets = admin.ShowFacets.ALLOW
    object_history_form_template = "admin/initiatives/initiative/revert.html"
    fieldsets = [
        (None, {"fields": ["language", "slug", "category", "tags"]}),
        (
            _("Text in each language"),
            {
                "fields": [side_by_side(name) for name in ("title", "acronym", "summary", "description")],
                "description": _(
                    "Title and summary are required in the original language. Leave a language empty where there "
                    "is no translation: readers of that language see the original."
                ),
            },
        ),
        # Issue 13: the structured sections of the record (sections.py), each in every language.
        (
            _("Sections of the record"),
            {
                "fields": [side_by_side(name) for name in record_sections.FIELDS],
                "classes": ["collapse"],
                "description": _("Optional, plain text. Leave a language empty where there is no translation."),
            },
        ),
        (
            _("Classification"),
            {"fields": ["themes", "principles", "sdg_goals", "sdg_targets", "scope", "regions", "countries"]},
        ),
        (
            _("Period and links"),
            {"fields": [("start_date", "start_precision"), ("end_date", "end_precision"), "ongoing", "website"]},
        ),
        (
            _("Submitted by"),
            {
                "fields": [
                    "submitter_honorific",
                    "submitter_name",
                    "submitter_organisation",
                    "submitter_email",
                    "submitted_on",
                ]
            },
        ),
        (  # issue 13 (orgs): the contact person; staff may see the address, the public never does
            _("Contact person"),
            {
                "fields": ["contact_name", "contact_role", "contact_organisation", "contact_email"],
                "description": _("The address is never shown publicly: visitors write through a relay form."),
            },
        ),
        (
            _("Publication"),
            {
                "fields": [
                    "status",
                    ("featured", "featured_order"),
                    "external_id",
                    "published_at",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("themes", queryset=Theme.objects.only("pk", "name", "number")),
                Prefetch("regions", queryset=Region.objects.only("pk", "name")),
            )
        )

    @admin.display(description=_("regions"))
    def region_list(self, obj):
        return ", ".join(region.name for region in obj.regions.all()) or "—"

    @admin.display(description=_("themes"))
    def theme_list(self, obj):
        return ", ".join(str(theme.number or theme.name) for theme in obj.themes.all()) or "—"

    @admin.display(description=_("submitter"), ordering="submitter_name")
    def submitter(self, obj):
        return obj.submitter_display or "—"

    def view_on_site(self, obj):
        return obj.get_absolute_url() if obj.is_published() else None

    def save_model(self, request, obj, form, change):
        # Publishing for the first time goes through the publish service (it stamps the date and
        # announces the initiative), once the related objects are saved.
        form.publish_requested = obj.status == Initiative.Status.PUBLISHED and obj.published_at is None
        if form.publish_requested:
            obj.status = Initiative.Status.DRAFT
        obj.render_description()
        if change:
            services.initiative_writing(initiative_ids=[obj.pk])  # the start of the one write path (services.py)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        # The form saves every many-to-many field and every inline it has (so relations added to the model and
        # the form later are saved too); then the one end of every write refreshes what is derived.
        super().save_related(request, form, formsets, change)
        reason = _("Changed in the admin") if change else _("Created")
        services.initiative_written(initiative=form.instance, user=request.user, reason=reason, created=not change)
        if getattr(form, "publish_requested", False):
            services.publish_initiative(initiative=form.instance, user=request.user)

    def delete_model(self, request, obj):
        services.delete_initiative(initiative=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for initiative in queryset:
            services.delete_initiative(initiative=initiative, user=request.user)

    # --- history ---------------------------------------------------------------------------------

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        super().set_history_delta_changes(request, historical_records, foreign_keys_are_objs)
        records = list(historical_records)
        for newer, older in zip(records, records[1:], strict=False):
            newer.history_delta_changes = [
                *getattr(newer, "history_delta_changes", []),
                *history.snapshot_changes(older, newer),
            ]

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """Revert: a page comparing the current initiative with that version, and a button to go back to it."""
        initiative = get_object_or_404(Initiative, pk=object_id)
        if not self.has_change_permission(request, initiative):
            raise PermissionDenied
        record = get_object_or_404(Initiative.history.model, id=initiative.pk, history_id=version_id)
        if request.method == "POST":
            try:
                services.revert_initiative(record=record, user=request.user)
            except services.CurationError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("“%(title)s” is back to its version of %(date)s.")
                    % {"title": initiative.title, "date": record.history_date.strftime("%Y-%m-%d %H:%M")},
                    messages.SUCCESS,
                )
                return redirect(reverse("admin:initiatives_initiative_history", args=[initiative.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Revert “%(title)s”") % {"title": initiative.title},
            "opts": self.model._meta,
            "original": initiative,
            "record": record,
            "changes": history.changes_to_revert(initiative, record),
            "history_url": reverse("admin:initiatives_initiative_history", args=[initiative.pk]),
            **(extra_context or {}),
        }
        return TemplateResponse(request, self.object_history_form_template, context)

    # --- actions ---------------------------------------------------------------------------------

    @admin.action(description=_("Publish selected initiatives"), permissions=["change"])
    def publish(self, request, queryset):
        for initiative in queryset:
            services.publish_initiative(initiative=initiative, user=request.user)
        count = queryset.count()
        self._done(
            request, ngettext("%(count)d initiative published.", "%(count)d initiatives published.", count), count
        )

    @admin.action(description=_("Unpublish selected initiatives (back to draft)"), permissions=["change"])
    def unpublish(self, request, queryset):
        for initiative in queryset:
            services.unpublish_initiative(initiative=initiative, user=request.user)
        count = queryset.count()
        self._done(
            request, ngettext("%(count)d initiative unpublished.", "%(count)d initiatives unpublished.", count), count
        )

    @admin.action(description=_("Archive selected initiatives"), permissions=["change"])
    def archive(self, request, queryset):
        for initiative in queryset:
            services.archive_initiative(initiative=initiative, user=request.user)
        count = queryset.count()
        self._done(request, ngettext("%(count)d initiative archived.", "%(count)d initiatives archived.", count), count)

    @admin.action(description=_("Feature selected initiatives on the home page"), permissions=["change"])
    def feature(self, request, queryset):
        changed = services.set_featured(initiatives=queryset.order_by("title"), featured=True, user=request.user)
        self._done(
            request, ngettext("%(count)d initiative featured.", "%(count)d initiatives featured.", changed), changed
        )

    @admin.action(description=_("Stop featuring selected initiatives"), permissions=["change"])
    def unfeature(self, request, queryset):
        changed = services.set_featured(initiatives=queryset, featured=False, user=request.user)
        message = ngettext(
            "%(count)d initiative no longer featured.", "%(count)d initiatives no longer featured.", changed
        )
        self._done(request, message, changed)

    @admin.action(description=_("Export selected initiatives as CSV (for import_initiatives)"), permissions=["view"])
    def export_csv(self, request, queryset):
        return exports.export_response(queryset.order_by("pk"), "csv", include_private=True)

    @admin.action(description=_("Export selected initiatives as JSON (for import_initiatives)"), permissions=["view"])
    def export_json(self, request, queryset):
        return exports.export_response(queryset.order_by("pk"), "json", include_private=True)

    def _done(self, request, message, count):
        """Say what an action did: ``message``, a whole sentence in ngettext for ``count`` initiatives."""
        self.message_user(request, message % {"count": count}, messages.SUCCESS)


class MergeForm(forms.Form):
    survivor = forms.ModelChoiceField(queryset=None, label=_("Keep"), widget=forms.RadioSelect, empty_label=None)

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survivor"].queryset = queryset


@admin.action(description=_("Merge selected terms into one"), permissions=["change"])
def merge_terms(modeladmin, request, queryset):
    """Choose which of the selected terms survives; every initiative of the others moves to it."""
    opts = modeladmin.model._meta
    if queryset.count() < 2:
        modeladmin.message_user(request, _("Select at least two terms to merge."), messages.WARNING)
        return None
    form = MergeForm(request.POST if "apply" in request.POST else None, queryset=queryset)
    if form.is_bound and form.is_valid():
        survivor = form.cleaned_data["survivor"]
        moved = 0
        try:
            for source in queryset.exclude(pk=survivor.pk):
                moved += services.merge_terms(source=source, target=survivor, user=request.user)
        except services.CurationError as error:
            modeladmin.message_user(request, str(error), messages.ERROR)
            return None
        modeladmin.message_user(
            request,
            ngettext(
                "Merged into “%(term)s”: %(count)d initiative moved; the old addresses redirect to it.",
                "Merged into “%(term)s”: %(count)d initiatives moved; the old addresses redirect to it.",
                moved,
            )
            % {"term": survivor, "count": moved},
            messages.SUCCESS,
        )
        return None
    terms = list(queryset)
    # Initiatives of any status each term has: what the merge moves.
    counts = of_model(modeladmin.model).count(Initiative.objects.all())
    return TemplateResponse(
        request,
        "admin/initiatives/merge.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": _("Merge %(kinds)s") % {"kinds": opts.verbose_name_plural},
            "opts": opts,
            "form": form,
            "terms": [(term, counts.get(term.pk, 0)) for term in terms],
            "action_name": request.POST.get("action"),
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        },
    )


class TermAdmin(HistoryAdmin):
    """A taxonomy's terms; those of a mergeable taxonomy (``Taxonomy.mergeable``) can be merged. Those with
    translated names (all but tags) add TranslatedAdmin."""

    list_display = ["name", "slug"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    actions = [merge_terms]

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        if not of_model(model).mergeable:
            self.actions = []

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.collection_changed()  # cached feeds and pages show the term's new name at once

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        services.collection_changed()  # its cached page answers 404 at once, others lose its name

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        services.collection_changed()

    @admin.display(description=_("old slugs (redirected)"))
    def old_addresses(self, obj):
        slugs = SlugRedirect.objects.filter(kind=redirects.kind_of(self.model), target_id=obj.pk).values_list(
            "old_slug", flat=True
        )
        return format_html_join(", ", "{}", ((slug,) for slug in slugs)) or "—"


class TranslatedTermAdmin(TranslatedAdmin, TermAdmin):
    group_fieldsets = True  # one fieldset per translated field, its languages together


@admin.register(Region)
class RegionAdmin(TranslatedTermAdmin):
    list_display = ["name", "m49_code", "level", "parent"]
    list_filter = ["level"]
    list_select_related = ["parent"]
    search_fields = ["name", "m49_code"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["old_addresses"]


@admin.register(Country)
class CountryAdmin(TranslatedTermAdmin):
    list_display = ["name", "code", "iso3", "m49_code", "region"]
    list_filter = ["region__parent", "region"]
    list_select_related = ["region"]
    search_fields = ["name", "code", "iso3", "m49_code"]
    autocomplete_fields = ["region"]
    prepopulated_fields = {}
    readonly_fields = ["old_addresses"]


@admin.register(Theme)
class ThemeAdmin(TranslatedTermAdmin):
    list_display = ["number", "name", "title", "slug"]
    list_display_links = ["name"]
    search_fields = ["name", "title", "slug"]
    readonly_fields = ["old_addresses"]


@admin.register(GuidingPrinciple)
class GuidingPrincipleAdmin(TranslatedTermAdmin):
    list_display = ["number", "name", "slug"]
    list_display_links = ["name"]
    readonly_fields = ["old_addresses"]


@admin.register(Category)
class CategoryAdmin(TranslatedTermAdmin):
    readonly_fields = ["old_addresses"]


@admin.register(Organisation)
class OrganisationAdmin(TranslatedTermAdmin):
    list_display = ["name", "acronym", "slug", "website"]
    search_fields = ["name", "acronym", "slug"]
    readonly_fields = ["old_addresses"]
    # issue 13 (orgs): the profile
    list_display += ["kind", "country"]
    list_filter = ["kind", "country"]
    list_select_related = ["country"]
    autocomplete_fields = ["country"]
    form = OrganisationAdminForm  # issue 13, files: the logo is checked and re-encoded

    def save_model(self, request, obj, form, change):
        old = Organisation.objects.filter(pk=obj.pk).values_list("logo", flat=True).first() if change else None
        super().save_model(request, obj, form, change)
        if old and old != obj.logo.name:
            uploads.discard_files([old])


# --- Sustainable Development Goals (issue 13): official lists, corrected here, never merged --------------------


@admin.register(SdgGoal)
class SdgGoalAdmin(TranslatedTermAdmin):
    list_display = ["number", "name", "title", "slug"]
    list_display_links = ["name"]
    search_fields = ["number", "name", "title"]
    prepopulated_fields = {}
    readonly_fields = ["old_addresses"]


@admin.register(SdgTarget)
class SdgTargetAdmin(TranslatedTermAdmin):
    list_display = ["code", "text", "goal"]
    list_display_links = ["code"]
    list_filter = ["goal"]
    list_select_related = ["goal"]
    search_fields = ["code", "text"]
    prepopulated_fields = {}
    readonly_fields = ["old_addresses"]


admin.site.unregister(Tag)


@admin.register(Tag)
class TagAdmin(TermAdmin):
    """Tags, with their history and merges (replaces taggit's own admin)."""

    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    readonly_fields = ["old_addresses"]

    def save_model(self, request, obj, form, change):
        old_slug = Tag.objects.filter(pk=obj.pk).values_list("slug", flat=True).first() if change else None
        super().save_model(request, obj, form, change)
        SlugRedirect.slug_changed("tag", old_slug, obj.slug, obj.pk)  # taggit's model cannot remember it itself


@admin.register(SlugRedirect)
class SlugRedirectAdmin(admin.ModelAdmin):
    list_display = ["kind", "old_slug", "target_id", "created_at"]
    list_filter = ["kind"]
    search_fields = ["old_slug"]
