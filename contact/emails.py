"""The two e-mails of the contact relay, built by the task worker when it sends them (``portal.mail``).

* ``verification`` goes to an address nobody has verified yet: it carries nothing the visitor typed (no name, no
  subject, no message), only the initiative's title and the link.
* ``relay`` goes to the contact person once the sender has proved their address: Reply-To is the sender. The name
  and subject are reduced by ``mail.quote_stranger_text``; the message (at most 5,000 characters) is quoted as
  plain text (escaped in the HTML part), so it carries no markup.
"""

from django.conf import settings

from portal import mail

from . import tokens
from .models import ContactMessage

NAME_MAX_LENGTH = 80
SUBJECT_MAX_LENGTH = 120


def _can_be_contacted(initiative) -> bool:
    return initiative.is_published() and bool(initiative.contact_email)


@mail.builds_email
def verification(*, message_id: int) -> mail.Email | None:
    """The link that proves the sender's address; None once relayed, or if the initiative can no longer be
    contacted."""
    message = ContactMessage.objects.select_related("initiative").filter(pk=message_id).first()
    if message is None or message.relayed_at is not None or not _can_be_contacted(message.initiative):
        return None
    return mail.build(
        prefix="contact/email/verify",
        to=[message.sender_email],
        context={
            "initiative_title": str(message.initiative.text("title")),
            "initiative_url": settings.SITE_URL + message.initiative.get_absolute_url(),
            "verify_url": tokens.verify_url(message),
            "valid_days": tokens.VERIFICATION_LINK_VALIDITY.days,
        },
    )


@mail.builds_email
def relay(*, message_id: int) -> mail.Email | None:
    """The message, to the contact person; None if it was never verified or the initiative lost its contact."""
    message = ContactMessage.objects.select_related("initiative").filter(pk=message_id).first()
    if message is None or message.relayed_at is None or not _can_be_contacted(message.initiative):
        return None
    initiative = message.initiative
    return mail.build(
        prefix="contact/email/relay",
        to=[initiative.contact_email],
        reply_to=[message.sender_email],
        context={
            "initiative_title": str(initiative.text("title")),
            "initiative_url": settings.SITE_URL + initiative.get_absolute_url(),
            "sender_name": mail.quote_stranger_text(message.sender_name, max_length=NAME_MAX_LENGTH),
            "sender_email": message.sender_email,
            "message_subject": mail.quote_stranger_text(message.subject, max_length=SUBJECT_MAX_LENGTH),
            "quoted_lines": [f"> {line}".rstrip() for line in message.message.splitlines()],
            "message": message.message,
        },
    )
