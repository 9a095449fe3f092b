"""State changes of accounts: sign up, verify an e-mail address, send a verification link, edit a profile.

Views (and, later, tasks or the admin) call these; nothing else repeats them.
"""

import logging
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from portal import mail
from portal.addresses import canonical_email, canonical_or_none

from .models import Profile, unverification_cutoff, unverified_accounts
from .tokens import email_verification_token

logger = logging.getLogger(__name__)


class EmailTaken(Exception):
    """An account with this e-mail address exists already."""


def username_for(email: str) -> str:
    """An account's username: its e-mail address in canonical form (portal/addresses.py); text that is no address
    stays as typed, and then names no account made by sign-up.

    The username column is unique, so this is what keeps two accounts from sharing a mailbox. Not NFKC (Django's
    log-in form's own normalisation), which made ``ſam@`` the username of ``sam@``.
    """
    return canonical_or_none(email) or email.strip()


def username_to_log_in(typed: str) -> str:
    """The username a log-in form authenticates for what was typed: an e-mail address names the account made with it
    (its username) or, when there is none, the one account that has it as its address (an administrator made with
    createsuperuser keeps a username of its own); anything else is a username, as typed.

    One query whenever an address is typed, whether or not it names an account.
    """
    if "@" not in typed:
        return typed
    address = username_for(typed)
    holders = list(accounts_with_address(address).values_list("username", flat=True)[:3])
    if address in holders or len(holders) != 1:
        return address
    return holders[0]


def accounts_with_address(email: str):
    """The accounts holding this mailbox: by username or address, both compared in canonical form."""
    address = username_for(email)
    return get_user_model()._default_manager.filter(Q(username=address) | Q(email=address))


@transaction.atomic
def register_account(*, email: str, name: str, password: str, honorific: str = "", organisation: str = ""):
    """Make an account that waits for its e-mail address to be verified (inactive until then).

    An unverified account already holding the address is no account: whoever signed it up never showed the
    address was theirs. It is taken over in place: new password, name, honorific and organisation, and a new
    ``date_joined`` that restarts its expiry. The new password hash voids every link sent before (the token
    signs it), so a squatter's account cannot be activated by the owner's later verification.

    Raises ``EmailTaken`` when a verified (or deactivated) account has the address (in any case), or a request
    running alongside this one made it a moment ago.
    """
    user_model = get_user_model()
    email = canonical_email(email)
    # Hashed first, whatever follows: a taken address must cost the same time as a new one.
    password_hash = make_password(password)
    holders = list(accounts_with_address(email).select_for_update())
    unverified_pks = set(
        unverified_accounts().filter(pk__in=[holder.pk for holder in holders]).values_list("pk", flat=True)
    )
    if any(holder.pk not in unverified_pks for holder in holders):
        raise EmailTaken(email)
    user = holders[0] if holders else user_model(is_active=False)
    user_model._default_manager.filter(pk__in=unverified_pks - {user.pk}).delete()
    user.username, user.email, user.date_joined = username_for(email), email, timezone.now()
    user.first_name = _clean_name(user, name)
    user.password = password_hash
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as error:
        raise EmailTaken(email) from error
    profile = Profile.objects.filter(user=user).first() or Profile(user=user)
    profile.honorific = honorific
    profile.organisation = organisation.strip()
    profile.full_clean()
    profile.save()
    return user


def verification_link(*, user: AbstractBaseUser, next_url: str = "") -> str:
    """The absolute address (under ``SITE_URL``) that verifies ``user``'s e-mail address, then goes to ``next_url``."""
    path = reverse(
        "accounts:verify",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": email_verification_token.make_token(user),
        },
    )
    query = f"?{urlencode({'next': next_url})}" if next_url else ""
    return f"{settings.SITE_URL}{path}{query}"


def send_verification_email(*, user: AbstractBaseUser, next_url: str = "") -> None:
    """Queue the e-mail with a link that verifies ``user``'s address (``emails.verification``).

    The page says the same whether or not it goes out (so that the resend form reveals nothing); the worker
    retries a failing mail server, and the person can ask for a new link.
    """
    from . import emails

    mail.queue(emails.verification, user_id=user.pk, next_url=next_url)


def send_sign_up_attempt_email(*, email: str) -> None:
    """Queue the e-mail that tells the owner of an address that has an account that someone tried to sign up with it.

    Sign-up answers such an attempt exactly as it answers a new address (so it reveals nothing); this e-mail is
    how the owner, and only she, learns of it, with the ways in if it was her. It names no one: the text typed
    on the form is a stranger's.
    """
    from . import emails

    mail.queue(emails.sign_up_attempt, email=email)


def resend_verification(*, email: str) -> None:
    """Queue a new link for ``email``: one task whatever the address, so that the request does the same work
    whether or not an account awaits verification there (``emails.new_verification`` looks it up)."""
    from . import emails

    mail.queue(emails.new_verification, email=email)


@transaction.atomic
def verify_email(*, user: AbstractBaseUser) -> bool:
    """Activate an account awaiting verification. False (and no change) if it was not awaiting it."""
    profile = (
        Profile.objects.select_for_update()
        .filter(user=user, user__is_active=False, email_verified_at__isnull=True)
        .first()
    )
    if profile is None:
        return False
    profile.email_verified_at = timezone.now()
    profile.save(update_fields=["email_verified_at", "updated_at"])
    user.is_active = True
    user.save(update_fields=["is_active"])
    return True


@transaction.atomic
def purge_expired_accounts(*, dry_run: bool = False) -> int:
    """Delete the unverified accounts whose link has expired; returns how many (would have) gone.

    Log-in, resend and sign-up already treat them as absent; deleting them keeps an address nobody proved
    from sitting in the database, and their profiles go with them (CASCADE).
    """
    expired = unverified_accounts().filter(date_joined__lte=unverification_cutoff())
    if dry_run:
        return expired.count()
    return expired.delete()[1].get(get_user_model()._meta.label, 0)


@transaction.atomic
def update_profile(*, user: AbstractBaseUser, name: str, honorific: str = "", organisation: str = "") -> Profile:
    """Change how a person is credited. Makes the profile of an account that has none (made by an administrator)."""
    user.first_name = _clean_name(user, name)
    user.last_name = ""
    # Only an active account can reach its page: its address is as trusted as it will get.
    profile = Profile.objects.filter(user=user).first() or Profile(user=user, email_verified_at=timezone.now())
    profile.honorific = honorific
    profile.organisation = organisation.strip()
    profile.full_clean()
    user.save(update_fields=["first_name", "last_name"])
    profile.save()
    return profile


def _clean_name(user: AbstractBaseUser, name: str) -> str:
    """The whole name, as the person writes it, checked against the ``first_name`` column (length, NUL bytes)."""
    return user._meta.get_field("first_name").clean(name.strip(), user)
