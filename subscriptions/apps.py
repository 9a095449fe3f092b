from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubscriptionsConfig(AppConfig):
    name = "subscriptions"
    verbose_name = _("Subscriptions")

    def ready(self):
        # The one sanctioned signal: the collection announces a publication; alerts follow from it.
        from initiatives.signals import initiative_published

        from . import receivers

        initiative_published.connect(
            receivers.queue_immediate_alerts, dispatch_uid="subscriptions.queue_immediate_alerts"
        )
