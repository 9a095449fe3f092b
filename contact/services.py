"""Relaying a visitor's message to an initiative's contact person, once the visitor has proved their address.

1. ``request_message`` stores the message and queues an e-mail to the SENDER with a signed link (``tokens``);
   nothing reaches the contact yet. Over a limit, nothing is stored or sent, and the visitor is told the same.
2. ``relay`` (the sender followed the link and pressed the button) marks the message relayed, once, and queues it
   to the contact address with Reply-To the sender. The sender never learns the contact's address.
3. ``purge_expired`` deletes every message older than the link's validity (plus a day for the e-mail to leave).
"""

import datetime

from django.db import transaction
from django.utils import timezone

from initiatives.models import Initiative
from portal import mail

from . import emails, tokens
from .models import ContactMessage


def contactable_initiatives():
    """The initiatives that have the contact form: published, with a contact address."""
    return Initiative.objects.published().exclude(contact_email="")


def can_be_contacted(initiative: Initiative) -> bool:
    return initiative.is_published() and bool(initiative.contact_email)


@transaction.atomic
def request_message(
    *, initiative: Initiative, sender_name: str, sender_email: str, subject: str, message: str, language: str
) -> ContactMessage:
    """Keep the message until its sender follows the link e-mailed to them now."""
    pending = ContactMessage.objects.create(
        initiative=initiative,
        sender_name=sender_name,
        sender_email=sender_email,
        subject=subject,
        message=message,
        language=language,
    )
    mail.queue(emails.verification, language=language, message_id=pending.pk)
    return pending


@transaction.atomic
def relay(*, message: ContactMessage) -> bool:
    """Send the verified message to the contact person; False when it was relayed already (a link used twice) or
    the initiative can no longer be contacted. The row is locked: two clicks at once relay it once."""
    current = ContactMessage.objects.select_for_update().filter(pk=message.pk).first()
    if current is None or current.relayed_at is not None:
        return False
    if not can_be_contacted(Initiative.objects.get(pk=current.initiative_id)):
        return False
    current.relayed_at = timezone.now()
    current.save(update_fields=["relayed_at"])
    mail.queue(emails.relay, language=current.initiative.language, message_id=current.pk)
    return True


def purge_expired(*, dry_run: bool = False) -> int:
    """Delete the messages whose link has expired (relayed or not); return how many."""
    cutoff = timezone.now() - tokens.VERIFICATION_LINK_VALIDITY - datetime.timedelta(days=1)
    expired = ContactMessage.objects.filter(created_at__lt=cutoff)
    if dry_run:
        return expired.count()
    count, _by_model = expired.delete()
    return count
