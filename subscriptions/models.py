"""Who follows which part of the collection, and what has been sent to them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from initiatives.models import Initiative
from portal.addresses import CanonicalEmailField


def language_choices() -> list[tuple[str, str]]:
    """The site's languages, read when asked: the migrations name this function, not today's list, so adding a
    language to ``settings.LANGUAGES`` needs no new migration (and no database constraint, for the same reason:
    the services check a language before they save it)."""
    return list(settings.LANGUAGES)


def default_language() -> str:
    return settings.LANGUAGE_CODE


def is_language(code) -> bool:
    """Whether ``code`` is one of the site's languages (read now, as ``language_choices`` is)."""
    return isinstance(code, str) and code in dict(settings.LANGUAGES)


class Subscription(models.Model):
    """An address following one listing: a term, a search, or everything (``query`` is its query string).

    ``query`` is the listing's query string in a normal form (sorted, without page/sort), so the same
    search is the same subscription, and it means what it means on the listing, its feed and the API.
    """

    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", _("As soon as something is published")
        DAILY = "daily", _("Daily digest")
        WEEKLY = "weekly", _("Weekly digest")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")

    email = CanonicalEmailField(_("e-mail address"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="subscriptions"
    )
    query = models.CharField(_("what is followed (query string)"), max_length=2000, blank=True)
    label = models.CharField(_("label"), max_length=300)
    frequency = models.CharField(_("frequency"), max_length=9, choices=Frequency, default=Frequency.DAILY)
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.PENDING)
    # The language its e-mails are written in (and its links lead to): the page's when it was subscribed to.
    language = models.CharField(
        _("language of the e-mails"), max_length=8, choices=language_choices, default=default_language
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    # Nothing published before this moment is sent (set on confirmation, moved on by digests).
    since = models.DateTimeField(_("alerts for what is published after"), null=True, blank=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ["email", "label"]
        constraints = [
            models.UniqueConstraint(fields=["email", "query"], name="subscription_unique_per_address_and_query"),
            models.CheckConstraint(
                condition=Q(frequency__in=["immediate", "daily", "weekly"]), name="subscription_frequency_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "active", "paused", "unsubscribed"]),
                name="subscription_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(confirmed_at__isnull=False), name="subscription_confirmed_has_date"
            ),
        ]
        indexes = [models.Index(fields=["status", "frequency"], name="subscription_due")]

    def __str__(self):
        return f"{self.email}: {self.label}"


class Delivery(models.Model):
    """One initiative sent (or to be sent) to one subscription: never twice, never skipped.

    A row is created before sending (the unique constraint makes a second worker's insert fail or do
    nothing), and ``sent_at`` is set once the e-mail has gone, with the ``message_id`` it carried: a function of
    what the e-mail is, so that one sent again after a crash carries the same one (see ``alerts``).
    """

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="deliveries")
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(_("Message-ID of the e-mail that carried it"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["subscription", "initiative"], name="delivery_once_per_subscription"),
        ]
        indexes = [models.Index(fields=["sent_at"], name="delivery_unsent")]

    def __str__(self):
        return f"{self.initiative_id} → {self.subscription_id}"


class SuppressedAddress(models.Model):
    """An address that bounces (or complained): nothing more is sent to it."""

    email = CanonicalEmailField(_("e-mail address"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("suppressed address")
        verbose_name_plural = _("suppressed addresses")
        constraints = [models.UniqueConstraint(fields=["email"], name="suppressed_address_unique")]

    def __str__(self):
        return self.email
