import pytest

from tests.accounts.factories import make_account


@pytest.fixture
def account(db):
    """A verified, active account: Ms. Ana Díaz of the Migration Research Network."""
    return make_account()


@pytest.fixture
def unverified_account(db):
    """An account that signed up and has not followed its verification link yet."""
    return make_account(
        email="ben.okafor@example.org",
        name="Ben Okafor",
        honorific="",
        organisation="Okafor Consulting",
        verified=False,
    )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hash passwords quickly: these tests hash hundreds, and what they test is the flow, not the hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _mail_sent_at_once(mail_sent_at_once):
    """These tests read what the e-mails say: the queue runs each one as it is enqueued."""
