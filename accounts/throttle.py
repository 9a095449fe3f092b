"""How often a stranger may try to log in or make the portal send an e-mail, counted by the ratelimits app in the
database (so that every server process shares the count).

Log-in failures are counted per account (what stops a password being guessed from many addresses) and per client
(what stops one client trying many accounts). A throttled attempt is refused before the password is checked, so
guessing on stops working; a successful log-in forgets the account's failures. The forms that send e-mail
(sign-up, a new verification link, a password reset) are counted per client, and per address where they send to
one.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ratelimits import counters

from .services import username_for

LOGIN_FAILURES_PER_ACCOUNT = counters.Limit("login-account", 5, 15 * 60)
LOGIN_FAILURES_PER_CLIENT = counters.Limit("login-client", 20, 15 * 60)
EMAILS_PER_ADDRESS = counters.Limit("account-email-address", 5, 3600)
EMAILS_PER_CLIENT = counters.Limit("account-email-client", 20, 3600)
SIGN_UPS_PER_CLIENT = counters.Limit("sign-up-client", 10, 3600)


class ThrottledLoginMixin:
    """For an AuthenticationForm (the portal's and the admin's): refuse while the account or the client has used up
    its failures, count each wrong password against both, forget the account's failures on success."""

    throttled_message = _(
        "Too many failed log-in attempts. Please wait %(minutes)s minutes and try again, or reset your password."
    )

    def clean(self):
        self.throttled = False
        account = _key(self.cleaned_data.get("username") or "")
        client = counters.client_ip(self.request) if self.request is not None else "unknown"
        if counters.exceeded(LOGIN_FAILURES_PER_ACCOUNT, account) or counters.exceeded(
            LOGIN_FAILURES_PER_CLIENT, client
        ):
            self.throttled = True
            raise ValidationError(
                self.throttled_message,
                code="throttled",
                params={"minutes": LOGIN_FAILURES_PER_ACCOUNT.seconds // 60},
            )
        try:
            cleaned_data = super().clean()
        except ValidationError as error:
            if error.code == "invalid_login":
                counters.hit(LOGIN_FAILURES_PER_ACCOUNT, account)
                counters.hit(LOGIN_FAILURES_PER_CLIENT, client)
            raise
        counters.reset(LOGIN_FAILURES_PER_ACCOUNT, account)
        return cleaned_data


def email_requests_exceeded(request, address: str | None = None) -> bool:
    """Count a request that would send an e-mail (to ``address``, when there is one); True when over a limit."""
    over_client = counters.hit(EMAILS_PER_CLIENT, counters.client_ip(request))
    over_address = address is not None and counters.hit(EMAILS_PER_ADDRESS, _key(address))
    return over_client or over_address


def _key(account: str) -> str:
    """What the counts are kept under: an address in canonical form (a look-alike is counted apart from the address
    it mimics), any other username (an administrator's) in any case."""
    return username_for(account).lower()
