"""The e-mails of accounts, built by the task worker when it sends them (``portal.mail``), never in a request.

Both are built from the account as it is when the worker gets to them, so a link is made fresh (and never waits in
the task table), and an e-mail that has become pointless is dropped: the verification of an account verified
meanwhile, the password reset of an account deactivated meanwhile.

The verification e-mail goes to an address nobody has proved yet: it greets nobody by the name typed at sign-up,
so that the form cannot be used to send a stranger a sentence of one's choosing.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from portal import mail
from portal.addresses import same_mailbox

from .models import unverified_accounts, users_awaiting_verification
from .tokens import VERIFICATION_LINK_VALIDITY


@mail.builds_email
def verification(*, user_id: int, next_url: str = "") -> mail.Email | None:
    """The link that verifies the account's address; None once the account no longer awaits verification."""
    from .services import verification_link

    user = users_awaiting_verification().filter(pk=user_id).first()
    if user is None:
        return None
    context = {"link": verification_link(user=user, next_url=next_url), "valid_days": VERIFICATION_LINK_VALIDITY.days}
    return mail.build(prefix="accounts/email/verification_email", to=[user.email], context=context)


@mail.builds_email
def new_verification(*, email: str) -> mail.Email | None:
    """A new link for the account awaiting verification at this address, whose wait restarts with it
    (``date_joined``), so that it expires with this link, not before; None when no account awaits it there."""
    from .services import username_for

    user = users_awaiting_verification().filter(username=username_for(email)).first()
    if user is None:
        return None
    user.date_joined = timezone.now()
    user.save(update_fields=["date_joined"])
    return verification(user_id=user.pk)


@mail.builds_email
def password_reset(*, email: str) -> mail.Email | None:
    """The link that sets a new password (Django's token) for the active account with this very address (canonical
    form: Django's own look-up folds ``ſam@`` into ``sam@``); None when there is none, or it can't reset."""
    users = get_user_model()._default_manager.filter(same_mailbox(email), is_active=True)
    user = next((user for user in users.order_by("pk") if user.has_usable_password()), None)
    if user is None:
        return None
    context = {
        "user": user,
        "email": user.email,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }
    return mail.build(prefix="accounts/email/password_reset_email", to=[user.email], context=context)


@mail.builds_email
def sign_up_attempt(*, email: str) -> mail.Email | None:
    """Someone tried to sign up with the address of an account: the ways in, for its owner. It names no one (the
    name typed on the form is a stranger's). None if no verified account holds the address any more."""
    from .services import accounts_with_address

    holder = accounts_with_address(email).exclude(pk__in=unverified_accounts()).first()
    if holder is None or not holder.email:  # gone since, or an account made without an address
        return None
    context = {
        "login_url": settings.SITE_URL + reverse("accounts:login"),
        "reset_url": settings.SITE_URL + reverse("accounts:password-reset"),
    }
    return mail.build(prefix="accounts/email/sign_up_attempt_email", to=[holder.email], context=context)
