from django.contrib import admin

from .models import ContactMessage


@admin.register(ContactMessage)
class ContactMessageAdmin(admin.ModelAdmin):
    """Read-only: what is waiting or was relayed, for staff looking into abuse. Deleting is allowed."""

    list_display = ("created_at", "initiative", "sender_name", "sender_email", "relayed_at")
    list_filter = ("relayed_at",)
    search_fields = ("sender_email", "sender_name", "initiative__title")
    readonly_fields = [field.name for field in ContactMessage._meta.fields]
    list_select_related = ("initiative",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
