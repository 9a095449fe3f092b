"""The profile's constraint and credit, which accounts await verification, and the verification token."""

from datetime import datetime, timedelta

import pytest
from django.db import IntegrityError

from accounts import services
from accounts.models import Profile, users_awaiting_verification
from accounts.tokens import EmailVerificationTokenGenerator, email_verification_token
from tests.accounts.factories import make_account

pytestmark = pytest.mark.django_db


def test_the_database_refuses_an_unknown_honorific(account):
    with pytest.raises(IntegrityError):
        Profile.objects.filter(pk=account.profile.pk).update(honorific="Sir")


def test_credit_and_str(account):
    assert account.profile.credit == "Ms. Ana Díaz"
    assert str(account.profile) == "Ms. Ana Díaz"


def test_awaiting_verification_is_only_unverified_sign_ups(account, unverified_account, django_user_model):
    account.is_active = False  # deactivated by an administrator after verifying
    account.save()
    django_user_model.objects.create_user("no-profile", "np@example.org", "x", is_active=False)
    assert list(users_awaiting_verification()) == [unverified_account]


def test_verify_email_only_once(unverified_account):
    assert services.verify_email(user=unverified_account)
    assert not services.verify_email(user=unverified_account)


def test_register_refuses_a_taken_address(account):
    with pytest.raises(services.EmailTaken):
        services.register_account(email="ANA.DIAZ@example.org", name="Other", password="x")


def test_the_token_is_not_a_password_reset_token(unverified_account):
    from django.contrib.auth.tokens import default_token_generator

    assert not default_token_generator.check_token(
        unverified_account, email_verification_token.make_token(unverified_account)
    )
    assert not email_verification_token.check_token(
        unverified_account, default_token_generator.make_token(unverified_account)
    )


def test_the_token_stops_working_when_the_account_changes(unverified_account):
    token = email_verification_token.make_token(unverified_account)
    assert email_verification_token.check_token(unverified_account, token)
    unverified_account.email = "other@example.org"
    assert not email_verification_token.check_token(unverified_account, token)


@pytest.mark.parametrize("token", [None, "", "abc", "1-2-3", 42])
def test_malformed_tokens_are_refused(unverified_account, token):
    assert not email_verification_token.check_token(unverified_account, token)


def test_the_token_lasts_three_days_whatever_the_password_reset_timeout(unverified_account, monkeypatch, settings):
    settings.PASSWORD_RESET_TIMEOUT = 60
    now = datetime.now()
    monkeypatch.setattr(EmailVerificationTokenGenerator, "_now", lambda self: now)
    token = email_verification_token.make_token(unverified_account)
    monkeypatch.setattr(EmailVerificationTokenGenerator, "_now", lambda self: now + timedelta(days=3))
    assert email_verification_token.check_token(unverified_account, token)
    monkeypatch.setattr(EmailVerificationTokenGenerator, "_now", lambda self: now + timedelta(days=3, seconds=1))
    assert not email_verification_token.check_token(unverified_account, token)


def test_make_account_factory_makes_distinct_accounts():
    first = make_account(email="one@example.org")
    second = make_account(email="two@example.org", verified=False)
    assert first.is_active and not second.is_active
