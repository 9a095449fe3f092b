"""Subscriptions spare their neighbours: what was published while an alert was paused stays unsent after it
resumes (the always-active subscription beside it gets everything), and the one-click limit counts one account."""

import datetime

import pytest
from django.test import Client

from initiatives.models import Initiative
from subscriptions import ratelimit, tokens
from subscriptions.models import Subscription
from tests.accounts.factories import make_account
from tests.subscriptions.alert_helpers import (
    publish,
    quiet_seed,  # noqa: F401 (fixture)
    send_digests,
    site,  # noqa: F401 (fixture)
    subscribe,
    titles_in,
)
from tests.subscriptions.test_alerts import committed  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("site", "quiet_seed")]
REMITTANCES = "theme=remittances"
TITLES = ("Before Pausing", "While Paused", "After Resuming")


def _manage(subscription: Subscription, action: str) -> None:
    response = Client().post(tokens.manage_path(subscription), {"action": action})
    assert response.status_code == 302
    subscription.refresh_from_db()


def _a_day_passes() -> None:
    """Move every moment the digests compare back by a day, as if the digest ran the next morning."""
    day = datetime.timedelta(days=1)
    for subscription in Subscription.objects.all():
        subscription.since -= day
        subscription.confirmed_at -= day
        subscription.save(update_fields=["since", "confirmed_at"])
    for initiative in Initiative.objects.exclude(published_at=None):
        initiative.published_at -= day
        initiative.save(update_fields=["published_at"])


def test_after_pause_and_resume_the_next_digest_holds_only_what_came_after_resuming(mailoutbox):
    paused = subscribe("paused@example.org", REMITTANCES)
    steady = subscribe("steady@example.org", REMITTANCES)
    publish("Before Pausing", themes=["remittances"])
    _manage(paused, "pause")
    publish("While Paused", themes=["remittances"])
    _manage(paused, "resume")
    publish("After Resuming", themes=["remittances"])
    _a_day_passes()

    send_digests("daily")
    sent = {message.to[0]: message for message in mailoutbox}
    assert titles_in(sent["paused@example.org"], TITLES) == ["After Resuming"]
    assert titles_in(sent["steady@example.org"], TITLES) == list(TITLES)  # the neighbour, never paused
    assert steady.pk != paused.pk


def test_an_alert_gets_nothing_published_while_it_was_paused_even_if_the_worker_runs_after_resuming(
    committed,  # noqa: F811
    run_tasks,  # noqa: F811
    mailoutbox,
):
    paused = subscribe("paused@example.org", REMITTANCES, frequency="immediate")
    subscribe("steady@example.org", REMITTANCES, frequency="immediate")
    _manage(paused, "pause")
    committed(publish, title="While Paused", themes=["remittances"])
    run_tasks()
    assert [m.to for m in mailoutbox] == [["steady@example.org"]]

    # Published while paused, but the worker only gets to it once the alert is active again.
    committed(publish, title="Queued During The Pause", themes=["remittances"])
    _manage(paused, "resume")
    committed(publish, title="After Resuming", themes=["remittances"])
    run_tasks()
    got = {}
    for message in mailoutbox[1:]:
        got.setdefault(message.to[0], []).extend(
            titles_in(message, ("While Paused", "Queued During The Pause", "After Resuming"))
        )
    assert got["paused@example.org"] == ["After Resuming"]
    assert sorted(got["steady@example.org"]) == ["After Resuming", "Queued During The Pause"]


# --- the one-click limit -----------------------------------------------------------------------------------------


def _one_click(client, n: int):
    """Follow a listing the account does not follow yet (one new subscription per call)."""
    return client.post(f"/en/subscribe/?q=listing{n}", {"frequency": "daily"})


def test_one_click_subscriptions_are_counted_per_account(db):
    limit = ratelimit.PER_ACCOUNT.count
    ana, ben = make_account(email="ana@example.org"), make_account(email="ben@example.org")
    client = Client()
    client.force_login(ana)
    for n in range(limit):
        assert _one_click(client, n).status_code == 302, n  # the last one within the limit succeeds
    refused = _one_click(client, limit)
    assert refused.status_code == 429
    assert "Too many subscription requests" in refused.content.decode()
    assert Subscription.objects.filter(user=ana).count() == limit

    other = Client()
    other.force_login(ben)
    assert _one_click(other, 0).status_code == 302  # another account is not held back
    assert Subscription.objects.filter(user=ben).count() == 1
