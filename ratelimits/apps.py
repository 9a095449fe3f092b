from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RatelimitsConfig(AppConfig):
    name = "ratelimits"
    verbose_name = _("rate limits")
