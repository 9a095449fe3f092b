"""A message to an initiative's contact person, waiting for its sender to prove their address.

The message is kept only until it is relayed or its verification link expires; ``services.purge_expired`` (the
``purge_contact_messages`` command) deletes it after that.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from initiatives.models import Initiative

MESSAGE_MAX_LENGTH = 5000
SUBJECT_MAX_LENGTH = 150


class ContactMessage(models.Model):
    initiative = models.ForeignKey(
        Initiative, verbose_name=_("initiative"), on_delete=models.CASCADE, related_name="contact_messages"
    )
    sender_name = models.CharField(_("sender's name"), max_length=200)
    sender_email = models.EmailField(_("sender's e-mail"))
    subject = models.CharField(_("subject"), max_length=SUBJECT_MAX_LENGTH, blank=True)
    message = models.TextField(_("message"), max_length=MESSAGE_MAX_LENGTH)
    language = models.CharField(_("language"), max_length=7, default="en")
    created_at = models.DateTimeField(_("written"), auto_now_add=True, db_index=True)
    # Set once, when the sender follows the verification link: the message is then queued to the contact.
    relayed_at = models.DateTimeField(_("relayed"), null=True, blank=True)

    class Meta:
        verbose_name = _("contact message")
        verbose_name_plural = _("contact messages")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.sender_name} → {self.initiative_id}"
