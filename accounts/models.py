"""What the portal keeps about a person beyond Django's ``User``: how to credit them, and whether they verified."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from initiatives.models import Initiative

from .tokens import VERIFICATION_LINK_VALIDITY


class Profile(models.Model):
    """One per account created by sign-up (accounts made otherwise, by ``createsuperuser`` say, may have none).

    The account's name is ``User.first_name`` (the whole name, as the person writes it; ``last_name`` stays
    empty), its e-mail address ``User.email``, and its username that same address; both in canonical form
    (portal/addresses.py).
    """

    # The same choices as an initiative's submitter, so that a credit copies across unchanged.
    Honorific = Initiative.Honorific

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="profile"
    )
    honorific = models.CharField(_("honorific"), max_length=4, choices=Honorific, blank=True)
    organisation = models.CharField(_("organisation"), max_length=255, blank=True)
    email_verified_at = models.DateTimeField(_("e-mail address verified"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")
        constraints = [
            models.CheckConstraint(
                condition=Q(honorific__in=["", "Ms.", "Mr.", "Mx.", "Dr."]), name="profile_honorific_valid"
            ),
        ]

    def __str__(self):
        return self.credit or self.user.get_username()

    @property
    def credit(self) -> str:
        """How the portal credits this person in public: "Ms. Ana Díaz" (never the e-mail address)."""
        return " ".join(part for part in (self.honorific, self.user.get_full_name()) if part)


def unverified_accounts():
    """Accounts made by sign-up whose e-mail address was never verified, however old: no one has shown that the
    address is theirs, so such an account counts as no account (a new sign-up for its address replaces it).

    Not the accounts an administrator deactivated: those were verified once, and a verification link or a new
    one asked for must not bring them back.
    """
    return get_user_model()._default_manager.filter(
        is_active=False, profile__isnull=False, profile__email_verified_at__isnull=True
    )


def unverification_cutoff():
    """An unverified account whose sign-up (``date_joined``, restarted by each new link) is older than this has
    expired with its link: log-in and resend treat it as absent, and ``purge_unverified_accounts`` deletes it."""
    return timezone.now() - VERIFICATION_LINK_VALIDITY


def users_awaiting_verification():
    """Unverified accounts whose verification link may still work (not expired)."""
    return unverified_accounts().filter(date_joined__gt=unverification_cutoff())
