from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import Delivery, Subscription, SuppressedAddress


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    """Subscriptions are made by the people who follow (with their consent), so none is added here, and states
    change only through the same services as the manage page (the actions below)."""

    list_display = ["email", "label", "frequency", "language", "status", "confirmed_at", "created_at"]
    list_filter = ["status", "frequency", "language"]
    search_fields = ["email", "label", "query"]
    # The language is the subscriber's choice (the manage page), and it relabels the subscription: not edited here.
    readonly_fields = ["email", "query", "language", "status", "created_at", "confirmed_at", "since"]
    fields = [
        "email",
        "user",
        "label",
        "query",
        "frequency",
        "language",
        "status",
        "created_at",
        "confirmed_at",
        "since",
    ]
    autocomplete_fields = ["user"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"
    actions = ["pause_selected", "resume_selected", "unsubscribe_selected"]

    def has_add_permission(self, request):
        return False

    def _apply(self, request, queryset, change, message):
        done = 0
        for subscription in queryset:
            try:
                change(subscription=subscription)
            except services.NotAllowed:
                continue
            done += 1
        self.message_user(request, message(done) % {"count": done}, messages.SUCCESS)

    @admin.action(description=_("Pause the selected subscriptions"))
    def pause_selected(self, request, queryset):
        self._apply(
            request,
            queryset.filter(status=Subscription.Status.ACTIVE),
            services.pause,
            lambda n: ngettext("%(count)d subscription paused.", "%(count)d subscriptions paused.", n),
        )

    @admin.action(description=_("Resume the selected subscriptions"))
    def resume_selected(self, request, queryset):
        self._apply(
            request,
            queryset.filter(status=Subscription.Status.PAUSED),
            services.resume,
            lambda n: ngettext("%(count)d subscription resumed.", "%(count)d subscriptions resumed.", n),
        )

    @admin.action(description=_("Unsubscribe the selected subscriptions"))
    def unsubscribe_selected(self, request, queryset):
        self._apply(
            request,
            queryset.exclude(status=Subscription.Status.UNSUBSCRIBED),
            services.unsubscribe,
            lambda n: ngettext("%(count)d subscription stopped.", "%(count)d subscriptions stopped.", n),
        )


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["__str__", "subscription", "initiative", "created_at", "sent_at"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter)]
    list_select_related = ["subscription", "initiative"]
    search_fields = ["subscription__email", "subscription__label", "initiative__title"]
    autocomplete_fields = ["subscription", "initiative"]
    readonly_fields = ["created_at"]
    date_hierarchy = "created_at"


@admin.register(SuppressedAddress)
class SuppressedAddressAdmin(admin.ModelAdmin):
    list_display = ["email", "reason", "created_at"]
    search_fields = ["email", "reason"]
    readonly_fields = ["created_at"]
