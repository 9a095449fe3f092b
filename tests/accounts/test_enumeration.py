"""Log-in, sign-up and password reset do the same expensive work whether the account exists, is unverified or is
not there, so that how long they take tells a stranger nothing. Counted, not timed: a test hasher registered in
PASSWORD_HASHERS counts the password hashes each request computes."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client
from django.urls import reverse

from tests.accounts.factories import PASSWORD, make_account, sign_up_data

pytestmark = pytest.mark.django_db


class CountingHasher(MD5PasswordHasher):
    algorithm = "counting-md5"
    computed = 0

    def encode(self, password, salt):
        CountingHasher.computed += 1
        return super().encode(password, salt)


@pytest.fixture(autouse=True)
def _counting_hasher(settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]


@pytest.fixture
def addresses(db):
    """One address of each kind: verified, unverified, deactivated, and none."""
    make_account(email="verified@example.org")
    make_account(email="unverified@example.org", verified=False)
    get_user_model().objects.filter(pk=make_account(email="deactivated@example.org").pk).update(is_active=False)
    return ["verified@example.org", "unverified@example.org", "deactivated@example.org", "nobody@example.org"]


def _hashes(url: str, data: dict) -> int:
    """How many password hashes one POST of ``data`` to ``url`` (from a new browser) computes."""
    before = CountingHasher.computed
    Client().post(url, data)
    return CountingHasher.computed - before


def test_a_refused_log_in_hashes_the_same_for_every_kind_of_address(addresses):
    counts = {
        (email, password): _hashes(reverse("accounts:login"), {"username": email, "password": password})
        for email in addresses
        for password in (PASSWORD, "wrong password")
        if not (email == "verified@example.org" and password == PASSWORD)
    }
    assert set(counts.values()) == {2}, counts


def test_sign_up_does_the_same_work_for_every_kind_of_address(addresses, mailoutbox):
    """One hash and one e-mail each: a verification link, or (for a taken address) word to its owner."""
    counts = {email: _hashes(reverse("accounts:sign-up"), sign_up_data(email=email)) for email in addresses}
    assert set(counts.values()) == {1}, counts
    assert [message.to for message in mailoutbox] == [[email] for email in addresses]


def test_password_reset_hashes_nothing_for_any_address(addresses):
    counts = {email: _hashes(reverse("accounts:password-reset"), {"email": email}) for email in addresses}
    assert set(counts.values()) == {0}, counts
