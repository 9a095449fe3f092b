from django.db import models
from django.utils.translation import gettext_lazy as _


class Counter(models.Model):
    """How many attempts one key made in one window; rows are removed once their window has passed."""

    key = models.CharField(_("key"), max_length=120, unique=True)  # "<scope>:<digest of the key>:<window>"
    count = models.PositiveIntegerField(_("count"), default=0)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    class Meta:
        verbose_name = _("rate limit counter")
        verbose_name_plural = _("rate limit counters")

    def __str__(self):
        return f"{self.key}: {self.count}"
