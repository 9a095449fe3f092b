"""A subscription to a Sustainable Development Goal or target works like one to a theme (issue 13): the subscribe
page names it, and a digest lists what was published under it, a goal including the initiatives that name only one
of its targets, and nothing else."""

import pytest

from initiatives import services as initiative_services
from initiatives.models import SdgTarget
from subscriptions.models import Subscription
from tests.factories import make_initiative
from tests.subscriptions.alert_helpers import (
    quiet_seed,  # noqa: F401 (fixture)
    send_digests,
    site,  # noqa: F401 (fixture)
    subscribe,
    titles_in,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("site", "quiet_seed")]


def publish_with_targets(title: str, *codes: str):
    initiative = make_initiative(title=title, publish=False, submitter_name="Ana Díaz")
    initiative.sdg_targets.set(SdgTarget.objects.filter(code__in=codes))
    return initiative_services.publish_initiative(initiative=initiative)


def test_the_subscribe_page_names_the_goal(client):
    response = client.get("/en/subscribe/", {"sdg": "10"})
    assert response.status_code == 200
    assert "Goal 10: Reduced inequalities" in response.content.decode()


def test_a_goal_digest_lists_initiatives_of_its_targets_and_spares_the_others(mailoutbox):
    publish_with_targets("Safe Corridors", "10.7")
    publish_with_targets("Decent Work", "8.8")
    subscribe("ana@example.org", "sdg=10")
    subscribe("bob@example.org", "sdg_target=8-8")
    assert Subscription.objects.get(email="ana@example.org").label == "Goal 10: Reduced inequalities"

    send_digests("daily")

    sent = {message.to[0]: message for message in mailoutbox}
    assert set(sent) == {"ana@example.org", "bob@example.org"}
    assert titles_in(sent["ana@example.org"], ["Safe Corridors", "Decent Work"]) == ["Safe Corridors"]
    assert titles_in(sent["bob@example.org"], ["Safe Corridors", "Decent Work"]) == ["Decent Work"]
