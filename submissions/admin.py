from django.contrib import admin

from .models import Correction, ModeratorNote, Submission, Transition


class TransitionInline(admin.TabularInline):
    model = Transition
    extra = 0
    can_delete = False
    readonly_fields = ["created_at", "actor", "from_state", "to_state", "message"]

    def has_add_permission(self, request, obj=None):
        return False


class NoteInline(admin.TabularInline):
    model = ModeratorNote
    extra = 0
    readonly_fields = ["created_at", "author"]


class CorrectionInline(admin.TabularInline):
    """The moderators' corrections (issue 13), as recorded: read only."""

    model = Correction
    extra = 0
    can_delete = False
    readonly_fields = ["created_at", "moderator", "note", "before", "after"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "state", "author", "claimed_by", "submitted_at", "updated_at"]
    list_filter = ["state", "kind"]
    list_select_related = ["author", "claimed_by"]
    search_fields = ["title", "author__email", "author__first_name", "author__last_name"]
    readonly_fields = ["state", "claimed_by", "created_at", "updated_at", "submitted_at", "decided_at", "initiative"]
    autocomplete_fields = ["author"]
    inlines = [TransitionInline, NoteInline, CorrectionInline]
    date_hierarchy = "submitted_at"
