"""The user admin, with the profile inline."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def curator(django_user_model):
    user = django_user_model.objects.create_superuser("curator", "curator@example.org", password=None)
    browser = Client()
    browser.force_login(user)
    return browser


def test_user_changelist_shows_and_searches_profiles(curator, account, unverified_account):
    url = reverse("admin:auth_user_changelist")
    response = curator.get(url)
    assert response.status_code == 200
    assert "Migration Research Network" in response.content.decode()
    response = curator.get(url, {"q": "Research Network"})
    assert [user.pk for user in response.context["cl"].result_list] == [account.pk]
    assert curator.get(url, {"is_active__exact": "0"}).status_code == 200
    assert curator.get(url, {"o": "4"}).status_code == 200  # ordered by honorific


def test_user_change_form_has_the_profile_inline(curator, account):
    response = curator.get(reverse("admin:auth_user_change", args=[account.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="profile-TOTAL_FORMS"' in html
    assert 'name="profile-0-organisation" value="Migration Research Network"' in html


def test_user_add_form_opens(curator):
    assert curator.get(reverse("admin:auth_user_add")).status_code == 200


def test_admin_change_of_a_user_without_profile_opens(curator):
    other = get_user_model().objects.create_user("someone", "someone@example.org", "x")
    assert curator.get(reverse("admin:auth_user_change", args=[other.pk])).status_code == 200
