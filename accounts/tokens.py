"""The token in an e-mail verification link: signed, good for one use, and only for a few days."""

from datetime import timedelta

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int

VERIFICATION_LINK_VALIDITY = timedelta(days=3)


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    """Django's password-reset tokens, under a salt of their own and with a validity of their own.

    The signed value covers the account's state (its password hash, last login, e-mail address and whether it
    is active), so a link stops working once it has been used, or once the address or password has changed.
    """

    key_salt = "accounts.tokens.EmailVerificationTokenGenerator"
    validity = VERIFICATION_LINK_VALIDITY

    def _make_hash_value(self, user, timestamp):
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}"

    def check_token(self, user, token):
        """Like Django's, but the age limit is ``validity`` rather than ``settings.PASSWORD_RESET_TIMEOUT``."""
        if not (user and token) or not isinstance(token, str):
            return False
        try:
            timestamp_b36, _hash = token.split("-")
            timestamp = base36_to_int(timestamp_b36)
        except ValueError:
            return False
        if self._num_seconds(self._now()) - timestamp > self.validity.total_seconds():
            return False
        return any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        )


email_verification_token = EmailVerificationTokenGenerator()
