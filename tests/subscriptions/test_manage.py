"""The links in every alert: the manage page (frequency, pause, resume, unsubscribe, unsubscribe from all) and the
one-click unsubscribe of RFC 8058. Each acts on one subscription of one address, and never on anyone else's."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from subscriptions import services, tokens
from subscriptions.models import Subscription, SuppressedAddress
from tests.subscriptions.test_tokens import clock_moved

Status = Subscription.Status

ANA = "ana.diaz@example.org"
BEN = "ben.okafor@example.org"


def make_subscription(*, email=ANA, query="region=europe", label="Europe", status=Status.ACTIVE, **fields):
    confirmed = None if status == Status.PENDING else timezone.now()
    return Subscription.objects.create(
        email=email, query=query, label=label, status=status, confirmed_at=confirmed, since=confirmed, **fields
    )


def path(url: str) -> str:
    return urlsplit(url).path


def main(response) -> str:
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def page(response) -> str:
    """The whole page, with the messages shown above the main content."""
    return response.content.decode()


def state(subscription) -> tuple:
    subscription.refresh_from_db()
    return subscription.status, subscription.frequency


@pytest.fixture
def europe(db):
    return make_subscription(frequency="daily")


@pytest.fixture
def others(db):
    """Ana's other subscription, and Ben's subscriptions to the same listings: what must not change."""
    return [
        make_subscription(email=ANA, query="theme=remittances", label="Remittances"),
        make_subscription(email=BEN, query="region=europe"),
        make_subscription(email=BEN, query="theme=remittances", label="Remittances"),
    ]


def untouched(subscriptions) -> bool:
    return all(state(s) == (Status.ACTIVE, "daily") for s in subscriptions)


# --- the manage page ---------------------------------------------------------------------------------------------


def test_the_manage_page_shows_the_subscription(client, europe, others):
    response = client.get(path(tokens.manage_url(europe)))
    assert response.status_code == 200
    html = main(response)
    assert '<a href="/en/initiatives/?region=europe">Europe</a>' in html
    assert ANA in html and BEN not in html
    assert "Daily digest" in html and "Active" in html
    assert "(2 alerts)" in html  # Ana's two; Ben's are none of this page's business
    assert response["Cache-Control"].startswith("max-age=0")
    assert response.get("X-Robots-Tag") is None and 'content="noindex' in response.content.decode()


def test_change_the_frequency(client, europe, others):
    url = path(tokens.manage_url(europe))
    response = client.post(url, {"action": "frequency", "frequency": "weekly"})
    assert response.status_code == 302 and response["Location"] == url
    assert state(europe) == (Status.ACTIVE, "weekly")
    assert "Saved: Weekly digest." in page(client.get(url))
    assert untouched(others)


def test_pause_and_resume(client, europe, others):
    url = path(tokens.manage_url(europe))
    client.post(url, {"action": "pause"})
    assert state(europe) == (Status.PAUSED, "daily")
    client.post(url, {"action": "pause"})  # twice: harmless
    assert state(europe) == (Status.PAUSED, "daily")
    html = page(client.get(url))
    assert "Paused: you will receive no alerts" in html and "Resume this alert" in html
    before = europe.since
    client.post(url, {"action": "resume"})
    assert state(europe) == (Status.ACTIVE, "daily")
    assert europe.since > before  # nothing published while paused is sent
    assert untouched(others)


def test_unsubscribe_and_subscribe_again(client, europe, others):
    url = path(tokens.manage_url(europe))
    client.post(url, {"action": "unsubscribe"})
    assert state(europe) == (Status.UNSUBSCRIBED, "daily")
    html = page(client.get(url))
    assert "You are unsubscribed from this alert." in html
    assert "Subscribe again" in html and "Pause this alert" not in html
    client.post(url, {"action": "unsubscribe"})  # replayed: harmless
    assert state(europe) == (Status.UNSUBSCRIBED, "daily")
    response = client.post(url, {"action": "frequency", "frequency": "weekly"})
    assert "subscribe again to choose how often" in page(client.get(response["Location"]))
    client.post(url, {"action": "resume", "frequency": "immediate"})
    assert state(europe) == (Status.ACTIVE, "immediate")
    assert untouched(others)


def test_unsubscribe_from_all_stops_only_this_address(client, europe, others):
    ana_pending = make_subscription(email=ANA.upper(), query="q=diaspora", label="Search", status=Status.PENDING)
    url = path(tokens.manage_url(europe))
    response = client.post(url, {"action": "unsubscribe-all"})
    assert response.status_code == 302
    assert "You are unsubscribed from 3 alerts" in page(client.get(url))
    assert state(europe)[0] == Status.UNSUBSCRIBED
    assert state(others[0])[0] == Status.UNSUBSCRIBED
    assert not Subscription.objects.filter(pk=ana_pending.pk).exists()  # never confirmed: forgotten
    assert untouched(others[1:])
    # Replayed: nothing left to stop.
    client.post(url, {"action": "unsubscribe-all"})
    assert "No e-mail alerts are sent to this address." in main(client.get(url))


def test_a_pending_subscription_can_be_cancelled_not_resumed(client, db):
    pending = make_subscription(status=Status.PENDING)
    url = path(tokens.manage_url(pending))
    html = main(client.get(url))
    assert "waiting for its confirmation" in html and "Cancel this alert" in html
    response = client.post(url, {"action": "resume"})
    assert "waiting for its confirmation: follow the link" in page(client.get(response["Location"]))
    assert state(pending)[0] == Status.PENDING
    response = client.post(url, {"action": "unsubscribe"})
    assert response.status_code == 200 and "<h1>You are unsubscribed</h1>" in main(response)
    assert not Subscription.objects.exists()
    # The link now leads to a page that says so.
    response = client.get(url)
    assert response.status_code == 404 and "This alert no longer exists" in main(response)


@pytest.mark.parametrize(
    "data",
    [{}, {"action": "delete"}, {"action": "frequency"}, {"action": "frequency", "frequency": "hourly"}],
)
def test_bad_actions_are_explained_and_change_nothing(client, europe, data):
    response = client.post(path(tokens.manage_url(europe)), data)
    assert response.status_code == 400
    assert 'class="error-summary"' in main(response)
    assert state(europe) == (Status.ACTIVE, "daily")


def test_the_manage_page_needs_the_csrf_token(europe):
    client = Client(enforce_csrf_checks=True)
    url = path(tokens.manage_url(europe))
    assert client.get(url).status_code == 200
    assert client.post(url, {"action": "unsubscribe"}).status_code == 403
    assert state(europe)[0] == Status.ACTIVE


def test_a_manage_link_of_one_subscription_never_acts_on_another(client, europe, others):
    theirs = others[1]
    mine = tokens.make_token(europe, tokens.MANAGE)
    their_token = tokens.make_token(theirs, tokens.MANAGE)
    # Splice: my payload with their signature, their payload with my signature.
    for forged in (
        f"{mine.rsplit(':', 1)[0]}:{their_token.rsplit(':', 1)[1]}",
        f"{their_token.rsplit(':', 1)[0]}:{mine.rsplit(':', 1)[1]}",
    ):
        assert client.post(f"/en/subscriptions/manage/{forged}/", {"action": "unsubscribe-all"}).status_code == 400
    assert untouched([europe, *others])


# --- one-click unsubscribe ---------------------------------------------------------------------------------------


@pytest.fixture
def csrf_client():
    """A client that, like a mail provider, has no CSRF cookie and sends no token."""
    return Client(enforce_csrf_checks=True)


def test_one_click_unsubscribe_by_post_without_csrf(csrf_client, europe, others):
    url = path(tokens.one_click_unsubscribe_url(europe))
    response = csrf_client.post(url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert "<h1>You are unsubscribed</h1>" in main(response)
    assert state(europe)[0] == Status.UNSUBSCRIBED
    assert untouched(others)
    # Replayed (mail clients retry, people click twice): the same clear page, nothing else changes.
    again = csrf_client.post(url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert again.status_code == 200 and main(again) == main(response)
    assert state(europe)[0] == Status.UNSUBSCRIBED and untouched(others)


def test_a_get_only_shows_a_button(client, europe):
    url = path(tokens.unsubscribe_url(europe))
    for _ in range(3):  # link scanners fetch, and fetch again
        response = client.get(url)
        assert response.status_code == 200
        assert client.head(url).status_code == 200
    html = main(response)
    assert "<h1>Unsubscribe from this alert?</h1>" in html
    assert re.search(r'<form method="post">\s*<input type="hidden" name="List-Unsubscribe" value="One-Click">', html)
    assert "csrfmiddlewaretoken" not in html
    assert state(europe)[0] == Status.ACTIVE
    # The button posts the form: done.
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and state(europe)[0] == Status.UNSUBSCRIBED
    # The page after offers to subscribe again through the manage link.
    assert "/en/subscriptions/manage/" in main(response)
    assert "<h1>You are unsubscribed</h1>" in main(client.get(url))


def test_one_click_and_unsubscribe_links_are_the_same_https_address(europe, settings):
    settings.SITE_URL = "https://practices.example.org"
    url = tokens.one_click_unsubscribe_url(europe)
    assert url.startswith("https://practices.example.org/en/subscriptions/unsubscribe/")
    assert url == tokens.unsubscribe_url(europe)


def test_only_get_head_and_post(client, europe):
    url = path(tokens.unsubscribe_url(europe))
    assert client.put(url).status_code == 405
    assert client.delete(url).status_code == 405
    assert state(europe)[0] == Status.ACTIVE


def test_unsubscribing_a_pending_or_deleted_subscription_is_a_clear_page(csrf_client, db):
    pending = make_subscription(status=Status.PENDING)
    url = path(tokens.unsubscribe_url(pending))
    for _ in range(2):
        response = csrf_client.post(url)
        assert response.status_code == 200 and "<h1>You are unsubscribed</h1>" in main(response)
    assert not Subscription.objects.exists()
    assert csrf_client.get(url).status_code == 200


def test_a_tampered_one_click_link_is_a_400_and_changes_nothing(csrf_client, europe, others):
    url = path(tokens.one_click_unsubscribe_url(europe))
    response = csrf_client.post(
        url[:-5] + "xxxx/", "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert "This link does not work" in main(response)
    assert untouched([europe, *others])


def test_an_unsubscribe_link_works_years_later(client, europe):
    with clock_moved(-timedelta(days=2000)):
        url = path(tokens.unsubscribe_url(europe))
    assert client.post(url).status_code == 200
    assert state(europe)[0] == Status.UNSUBSCRIBED


# --- services used by the admin and others -----------------------------------------------------------------------


def test_services_refuse_what_does_not_apply(db):
    pending = make_subscription(status=Status.PENDING)
    unsubscribed = make_subscription(email=BEN, status=Status.UNSUBSCRIBED)
    with pytest.raises(services.NotAllowed):
        services.pause(subscription=pending)
    with pytest.raises(services.NotAllowed):
        services.resume(subscription=pending)
    with pytest.raises(services.NotAllowed):
        services.change_frequency(subscription=unsubscribed, frequency="weekly")
    with pytest.raises(ValueError):
        services.change_frequency(subscription=pending, frequency="hourly")
    assert services.unsubscribe(subscription=unsubscribed) is False
    assert services.unsubscribe_all(email="nobody@example.org") == 0


# --- admin -------------------------------------------------------------------------------------------------------


@pytest.fixture
def admin_client_(client, django_user_model):
    user = django_user_model.objects.create_superuser(username="root", email="root@example.org", password="x" * 12)
    client.force_login(user)
    return client


def test_admin_lists_filters_and_searches(admin_client_, europe, others):
    SuppressedAddress.objects.create(email="bounce@example.org", reason="hard bounce")
    response = admin_client_.get("/admin/subscriptions/subscription/?status__exact=active&frequency__exact=daily")
    assert response.status_code == 200
    assert ANA in response.content.decode()
    response = admin_client_.get("/admin/subscriptions/subscription/?q=ben.okafor")
    html = response.content.decode()
    assert BEN in html and ANA not in html
    assert admin_client_.get(f"/admin/subscriptions/subscription/{europe.pk}/change/").status_code == 200
    assert admin_client_.get("/admin/subscriptions/subscription/add/").status_code == 403
    assert admin_client_.get("/admin/subscriptions/delivery/?sent_at__isnull=True").status_code == 200
    assert (
        "bounce@example.org" in admin_client_.get("/admin/subscriptions/suppressedaddress/?q=bounce").content.decode()
    )


def test_admin_actions_use_the_services(admin_client_, europe, others):
    changelist = "/admin/subscriptions/subscription/"
    response = admin_client_.post(
        changelist, {"action": "pause_selected", "_selected_action": [europe.pk, others[1].pk]}, follow=True
    )
    assert "2 subscriptions paused." in response.content.decode()
    assert state(europe)[0] == Status.PAUSED and state(others[1])[0] == Status.PAUSED
    admin_client_.post(changelist, {"action": "resume_selected", "_selected_action": [europe.pk]})
    assert state(europe)[0] == Status.ACTIVE
    admin_client_.post(changelist, {"action": "unsubscribe_selected", "_selected_action": [europe.pk]})
    assert state(europe)[0] == Status.UNSUBSCRIBED
    assert state(others[0]) == (Status.ACTIVE, "daily")
