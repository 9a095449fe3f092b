"""Moderation spares its neighbours: staff who are not moderators get nowhere near the queue, and a decision
taken on a stale view of a submission is refused (on every database, not only under PostgreSQL's locks)."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from initiatives.models import Initiative
from submissions import services
from submissions.models import ModeratorNote, Submission, Transition
from tests.properties.test_coverage import url_patterns

from .test_views import messages_of

pytestmark = pytest.mark.django_db
State = Submission.State
STALE = "Someone else changed this submission a moment ago"


@pytest.fixture
def staff(make_user):
    """Staff with every permission on submissions in the admin, but not in the Moderators group."""
    user = make_user("staff@example.org", name="Stella Staff")
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="submissions"))
    return user


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# (name, kwargs, method, data, the state the submission starts in, the state a moderator leaves it in)
MESSAGE = {"message": "Thank you."}
MODERATION_REQUESTS = [
    ("queue", False, "GET", None, State.SUBMITTED, State.SUBMITTED),
    ("moderate", True, "GET", None, State.SUBMITTED, State.SUBMITTED),
    ("moderator-action:claim", True, "POST", {}, State.SUBMITTED, State.IN_REVIEW),
    ("moderator-action:release", True, "POST", {}, State.IN_REVIEW, State.SUBMITTED),
    ("moderator-action:approve", True, "POST", {}, State.SUBMITTED, State.APPROVED),
    ("moderator-action:request_changes", True, "POST", MESSAGE, State.SUBMITTED, State.CHANGES_REQUESTED),
    ("moderator-action:reject", True, "POST", MESSAGE, State.SUBMITTED, State.REJECTED),
    ("moderator-action:note", True, "POST", {"text": "Known partner."}, State.SUBMITTED, State.SUBMITTED),
    ("bulk:approve", False, "POST", {"action": "approve"}, State.SUBMITTED, State.APPROVED),
    ("bulk:reject", False, "POST", {"action": "reject", **MESSAGE}, State.SUBMITTED, State.REJECTED),
    ("correct", True, "GET", None, State.IN_REVIEW, State.IN_REVIEW),  # the form of the moderator who claimed it
]


def test_every_moderation_url_and_action_is_in_the_table():
    """A new moderation URL or action fails here until it is added to the table above."""
    names = {
        name.removeprefix("submissions:")
        for name, route, _namespace in url_patterns()
        if name and name.startswith("submissions:") and route.startswith("moderation/")
    }
    covered = {request[0].partition(":")[0] for request in MODERATION_REQUESTS}
    assert names == covered
    actions = {request[0].partition(":")[2] for request in MODERATION_REQUESTS if request[0].startswith("moderator-")}
    assert actions == {name for name, action in services.ACTIONS.items() if action.by_moderator} | {"note"}


def _request(client, submission, name, with_pk, method, data):
    url_name, _colon, action = name.partition(":")
    kwargs = {"pk": submission.pk} if with_pk else {}
    if url_name == "moderator-action":
        kwargs["action"] = action
    url = reverse(f"submissions:{url_name}", kwargs=kwargs)
    if method == "GET":
        return client.get(url)
    if url_name == "bulk":
        data = {**data, "selected": [submission.pk]}
    return client.post(url, data)


@pytest.mark.parametrize(("name", "with_pk", "method", "data", "start", "after"), MODERATION_REQUESTS)
def test_staff_outside_the_moderators_group_cannot_moderate_while_a_moderator_can(
    staff, moderator, submitted, name, with_pk, method, data, start, after
):
    if start == State.IN_REVIEW:
        services.claim(submission=submitted, moderator=moderator)
    history = Transition.objects.count()
    response = _request(_client(staff), submitted, name, with_pk, method, data)
    assert response.status_code == 403
    submitted.refresh_from_db()
    assert submitted.state == start
    assert Transition.objects.count() == history
    assert not ModeratorNote.objects.exists()
    assert not Initiative.objects.filter(title=submitted.title).exists()

    # The neighbour: a moderator, with the same request, gets through.
    response = _request(_client(moderator), submitted, name, with_pk, method, data)
    assert response.status_code == (200 if method == "GET" else 302)
    submitted.refresh_from_db()
    assert submitted.state == after
    if name.endswith(":note"):
        assert ModeratorNote.objects.get().author == moderator


# --- two tabs ----------------------------------------------------------------------------------


def test_a_decision_from_a_tab_opened_before_the_approval_is_refused(moderator, submitted, make_user):
    """Two tabs on the same review page: the first approves, the second then rejects. The second is refused;
    the initiative stays published and its history holds only the approval."""
    colleague = make_user("colleague@example.org", moderator=True, name="Carl Colleague")
    first, second = _client(moderator), _client(colleague)
    page = f"/en/moderation/{submitted.pk}/"
    assert "/reject/" in second.get(page).content.decode()  # the second tab shows the buttons
    first.post(f"{page}approve/")
    response = second.post(f"{page}reject/", {"message": "Out of scope."}, follow=True)
    assert any("cannot be changed" in m or STALE in m for m in messages_of(response))
    submitted.refresh_from_db()
    assert submitted.state == State.APPROVED
    assert submitted.initiative.is_published()
    assert list(submitted.transitions.values_list("to_state", flat=True)) == [State.SUBMITTED, State.APPROVED]


@pytest.mark.parametrize(
    ("decision", "kwargs"),
    [
        (services.reject, {"message": "Out of scope."}),
        (services.request_changes, {"message": "Add dates."}),
        (services.approve, {}),
        (services.release, {}),
    ],
)
def test_a_service_call_with_a_copy_loaded_before_the_approval_is_refused(
    moderator, submitted, make_user, decision, kwargs
):
    """The copy still says "submitted" (or "in review"); the conditional UPDATE (or the locked re-read) sees
    the approval and refuses: no second transition, no second initiative."""
    colleague = make_user("colleague@example.org", moderator=True, name="Carl Colleague")
    if decision is services.release:
        submitted = services.claim(submission=submitted, moderator=moderator)
    stale = Submission.objects.get(pk=submitted.pk)
    services.approve(submission=Submission.objects.get(pk=submitted.pk), moderator=moderator)
    initiatives = Initiative.objects.count()
    history = Transition.objects.count()
    with pytest.raises(services.TransitionRefused, match=STALE):
        decision(submission=stale, moderator=colleague, **kwargs)
    submitted.refresh_from_db()
    assert submitted.state == State.APPROVED
    assert Initiative.objects.count() == initiatives
    assert Transition.objects.count() == history
