"""How often a stranger may try to log in or make the portal send an e-mail, counted by the ratelimits app in the
database (so that every server process shares the count).

Log-in failures are counted per (account, client), per client and per account. A stranger's failures must never
lock the owner out, so the account's own count only comes into play once it is under attack (many failures from
anywhere): then a client that has failed on it even once in the window is refused, while a client with no recent
failure (the owner at her usual browser) still has its password checked. A throttled attempt is refused before
the password is checked, so guessing on stops working; a successful log-in forgets that client's failures. Wrong
old passwords on the password-change form are counted the same way, per account and per client.

The forms that send e-mail (sign-up, a new verification link, a password reset) are counted per client, and per
(address, client) where they send to an address: strangers asking for the owner's reset do not use up hers.
"""

import dataclasses

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ratelimits import counters

from .services import username_for

LOGIN_FAILURES_PER_ACCOUNT_CLIENT = counters.Limit("login-account-client", 5, 15 * 60)
LOGIN_FAILURES_PER_CLIENT = counters.Limit("login-client", 20, 15 * 60)
# Beyond this many failures from anywhere, an account is under attack: one failure refuses a client.
LOGIN_FAILURES_PER_ACCOUNT = counters.Limit("login-account", 50, 15 * 60)
PASSWORD_CHANGE_FAILURES_PER_ACCOUNT = counters.Limit("password-change-account", 5, 15 * 60)
PASSWORD_CHANGE_FAILURES_PER_CLIENT = counters.Limit("password-change-client", 20, 15 * 60)
EMAILS_PER_ADDRESS_CLIENT = counters.Limit("account-email-address-client", 5, 3600)
EMAILS_PER_CLIENT = counters.Limit("account-email-client", 20, 3600)
SIGN_UPS_PER_CLIENT = counters.Limit("sign-up-client", 10, 3600)


def _client(request) -> str:
    return counters.client_ip(request) if request is not None else "unknown"


def _account_client(account: str, client: str) -> str:
    return f"{account}\n{client}"


def login_refused(*, account: str, client: str) -> bool:
    """Whether a log-in attempt for ``account`` from ``client`` is refused without looking at the password."""
    pair = _account_client(account, client)
    failed_here = dataclasses.replace(LOGIN_FAILURES_PER_ACCOUNT_CLIENT, count=1)
    return (
        counters.exceeded(LOGIN_FAILURES_PER_CLIENT, client)
        or counters.exceeded(LOGIN_FAILURES_PER_ACCOUNT_CLIENT, pair)
        or (counters.exceeded(LOGIN_FAILURES_PER_ACCOUNT, account) and counters.exceeded(failed_here, pair))
    )


def count_login_failure(*, account: str, client: str) -> None:
    counters.hit(LOGIN_FAILURES_PER_ACCOUNT_CLIENT, _account_client(account, client))
    counters.hit(LOGIN_FAILURES_PER_CLIENT, client)
    counters.hit(LOGIN_FAILURES_PER_ACCOUNT, account)


def _refused(form, limit: counters.Limit) -> ValidationError:
    """Mark ``form`` as throttled (its view answers 429) and give the error that says how long to wait."""
    form.throttled = True
    return ValidationError(form.throttled_message, code="throttled", params={"minutes": limit.seconds // 60})


class ThrottledLoginMixin:
    """For an AuthenticationForm (the portal's and the admin's): refuse a client that has used up its failures
    (for this account, overall, or at all once the account is under attack), count each wrong password, forget
    this client's failures for the account on success."""

    throttled_message = _(
        "Too many failed log-in attempts. Please wait %(minutes)s minutes and try again, or reset your password."
    )

    def clean(self):
        self.throttled = False
        account = _key(self.cleaned_data.get("username") or "")
        client = _client(self.request)
        if login_refused(account=account, client=client):
            raise _refused(self, LOGIN_FAILURES_PER_ACCOUNT_CLIENT)
        try:
            cleaned_data = super().clean()
        except ValidationError as error:
            if error.code == "invalid_login":
                count_login_failure(account=account, client=client)
            raise
        counters.reset(LOGIN_FAILURES_PER_ACCOUNT_CLIENT, _account_client(account, client))
        return cleaned_data


class ThrottledOldPasswordMixin:
    """For a PasswordChangeForm: wrong old passwords are counted per account and per client like log-in failures,
    so a borrowed or stolen session cannot be used to guess the password it does not know."""

    throttled_message = ThrottledLoginMixin.throttled_message

    def __init__(self, user, *args, request=None, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.request = request
        self.throttled = False

    def clean_old_password(self):
        account, client = str(self.user.pk), _client(self.request)
        if counters.exceeded(PASSWORD_CHANGE_FAILURES_PER_ACCOUNT, account) or counters.exceeded(
            PASSWORD_CHANGE_FAILURES_PER_CLIENT, client
        ):
            raise _refused(self, PASSWORD_CHANGE_FAILURES_PER_ACCOUNT)
        try:
            return super().clean_old_password()
        except ValidationError:
            counters.hit(PASSWORD_CHANGE_FAILURES_PER_ACCOUNT, account)
            counters.hit(PASSWORD_CHANGE_FAILURES_PER_CLIENT, client)
            raise


def email_requests_exceeded(request, address: str | None = None) -> bool:
    """Count a request that would send an e-mail (to ``address``, when there is one); True when over a limit."""
    client = counters.client_ip(request)
    over_client = counters.hit(EMAILS_PER_CLIENT, client)
    over_address = address is not None and counters.hit(
        EMAILS_PER_ADDRESS_CLIENT, _account_client(_key(address), client)
    )
    return over_client or over_address


def _key(account: str) -> str:
    """What the counts are kept under: an address in canonical form (a look-alike is counted apart from the address
    it mimics), any other username (an administrator's) in any case."""
    return username_for(account).lower()
