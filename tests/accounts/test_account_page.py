"""The account page: for the logged-in person only, shows their details and saves changes to them."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.models import Profile

pytestmark = [pytest.mark.django_db, pytest.mark.any_database]

ACCOUNT = reverse("accounts:account")


def test_account_page_needs_login(client):
    response = client.get(ACCOUNT)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={ACCOUNT}"
    assert client.post(ACCOUNT, {"name": "X"}).status_code == 302


def test_account_page_shows_the_details(client, account):
    client.force_login(account)
    response = client.get(ACCOUNT)
    assert response.status_code == 200
    html = response.content.decode()
    for text in ["Ana Díaz", "ana.diaz@example.org", "Ms.", "Migration Research Network"]:
        assert text in html
    assert "What you submit is credited as “Submitted by Ms. Ana Díaz”." in html
    # The form starts from the current details, and the log-out button is a POST form.
    assert 'value="Ana Díaz"' in html
    assert '<option value="Ms." selected>' in html
    assert f'<form method="post" action="{reverse("accounts:logout")}">' in html
    assert reverse("accounts:password-change") in html


def test_saving_the_profile(client, account):
    client.force_login(account)
    response = client.post(ACCOUNT, {"name": "  Ana María Díaz ", "honorific": "Dr.", "organisation": "IOM"})
    assert response.status_code == 302
    assert response["Location"] == ACCOUNT
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Your details are saved."]
    account.refresh_from_db()
    assert (account.first_name, account.last_name) == ("Ana María Díaz", "")
    assert (account.profile.honorific, account.profile.organisation) == ("Dr.", "IOM")
    assert account.profile.credit == "Dr. Ana María Díaz"
    assert account.email == "ana.diaz@example.org"  # not editable here


def test_invalid_changes_are_explained_and_kept(client, account):
    client.force_login(account)
    response = client.post(ACCOUNT, {"name": "", "honorific": "Sir", "organisation": "Kept"})
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"name", "honorific"}
    html = response.content.decode()
    assert 'id="id_name_error"' in html
    assert 'id="id_honorific_error"' in html
    assert 'value="Kept"' in html
    account.refresh_from_db()
    assert account.profile.honorific == "Ms."


def test_an_account_without_a_profile_gets_one_when_saved(client):
    """Accounts not made by sign-up (createsuperuser, the admin) have no profile until their details are saved."""
    curator = get_user_model().objects.create_superuser("curator", "curator@example.org", "x")
    client.force_login(curator)
    assert client.get(ACCOUNT).status_code == 200
    response = client.post(ACCOUNT, {"name": "Chief Curator", "honorific": "", "organisation": ""})
    assert response.status_code == 302
    profile = Profile.objects.get(user=curator)
    assert profile.email_verified_at is not None  # so that a deactivation is never undone by a verification link
    assert profile.credit == "Chief Curator"
