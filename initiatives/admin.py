from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import Category, Country, GuidingPrinciple, Initiative, Involvement, Link, Organisation, Region, Theme


class InvolvementInline(admin.TabularInline):
    model = Involvement
    autocomplete_fields = ["organisation"]
    extra = 1


class LinkInline(admin.TabularInline):
    model = Link
    extra = 1


@admin.register(Initiative)
class InitiativeAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "acronym",
        "status",
        "category",
        "featured",
        "submitter_name",
        "submitted_on",
        "published_at",
        "updated_at",
    ]
    list_filter = ["status", "featured", "category", "scope", "themes", "regions"]
    list_select_related = ["category"]
    search_fields = ["title", "acronym", "summary", "slug", "organisations__name", "organisations__acronym"]
    search_help_text = _("Title, acronym, summary, slug or organisation.")
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["category", "themes", "principles", "regions", "countries"]
    readonly_fields = ["published_at", "created_at", "updated_at"]
    date_hierarchy = "published_at"
    inlines = [InvolvementInline, LinkInline]
    actions = ["publish", "unpublish", "archive"]
    show_facets = admin.ShowFacets.ALLOW
    fieldsets = [
        (None, {"fields": ["title", "acronym", "slug", "summary", "description", "category", "tags"]}),
        (_("Classification"), {"fields": ["themes", "principles", "scope", "regions", "countries"]}),
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
        (_("Publication"), {"fields": ["status", "featured", "published_at", "created_at", "updated_at"]}),
    ]

    def save_model(self, request, obj, form, change):
        # Publishing for the first time goes through the publish service (it stamps the date and
        # announces the initiative), once the related objects are saved.
        form.publish_requested = obj.status == Initiative.Status.PUBLISHED and obj.published_at is None
        if form.publish_requested:
            obj.status = Initiative.Status.DRAFT
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.refresh_coverage(initiative=form.instance)
        services.record_history(
            initiative=form.instance, user=request.user, reason=_("Changed in the admin") if change else _("Created")
        )
        if getattr(form, "publish_requested", False):
            services.publish_initiative(initiative=form.instance, user=request.user)

    def delete_model(self, request, obj):
        services.delete_initiative(initiative=obj)

    def delete_queryset(self, request, queryset):
        for initiative in queryset:
            services.delete_initiative(initiative=initiative)

    @admin.action(description=_("Publish selected initiatives"), permissions=["change"])
    def publish(self, request, queryset):
        for initiative in queryset:
            services.publish_initiative(initiative=initiative)
        self._done(request, queryset.count(), _("published"))

    @admin.action(description=_("Unpublish selected initiatives (back to draft)"), permissions=["change"])
    def unpublish(self, request, queryset):
        for initiative in queryset:
            services.unpublish_initiative(initiative=initiative)
        self._done(request, queryset.count(), _("unpublished"))

    @admin.action(description=_("Archive selected initiatives"), permissions=["change"])
    def archive(self, request, queryset):
        for initiative in queryset:
            services.archive_initiative(initiative=initiative)
        self._done(request, queryset.count(), _("archived"))

    def _done(self, request, count, verb):
        message = ngettext("%(count)d initiative %(verb)s.", "%(count)d initiatives %(verb)s.", count)
        self.message_user(request, message % {"count": count, "verb": verb}, messages.SUCCESS)


class TermAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.collection_changed()  # cached feeds and pages show the term's new name at once


@admin.register(Region)
class RegionAdmin(TermAdmin):
    list_display = ["name", "m49_code", "level", "parent"]
    list_filter = ["level"]
    list_select_related = ["parent"]
    search_fields = ["name", "m49_code"]
    autocomplete_fields = ["parent"]


@admin.register(Country)
class CountryAdmin(TermAdmin):
    list_display = ["name", "code", "iso3", "m49_code", "region"]
    list_filter = ["region__parent", "region"]
    list_select_related = ["region"]
    search_fields = ["name", "code", "iso3", "m49_code"]
    autocomplete_fields = ["region"]
    prepopulated_fields = {}


@admin.register(Theme)
class ThemeAdmin(TermAdmin):
    list_display = ["number", "name", "title", "slug"]
    list_display_links = ["name"]
    search_fields = ["name", "title", "slug"]


@admin.register(GuidingPrinciple)
class GuidingPrincipleAdmin(TermAdmin):
    list_display = ["number", "name", "slug"]
    list_display_links = ["name"]


@admin.register(Category)
class CategoryAdmin(TermAdmin):
    pass


@admin.register(Organisation)
class OrganisationAdmin(TermAdmin):
    list_display = ["name", "acronym", "slug", "website"]
    search_fields = ["name", "acronym", "slug"]
