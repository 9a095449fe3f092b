"""A moderator cannot publish their own proposal alone: another moderator (or a superuser) approves it."""

import pytest
from django.test import Client

from initiatives.models import Initiative
from submissions import services
from submissions.models import Submission

from .test_views import messages_of, page

pytestmark = pytest.mark.django_db
State = Submission.State
OWN_REFUSAL = "You cannot approve your own submission: another moderator has to approve it."


@pytest.fixture
def own(moderator, proposal_data):
    """A submission sent by a moderator."""
    submission = services.create_submission(author=moderator, data=proposal_data, consent=True)
    return services.submit(submission=submission, author=moderator)


@pytest.fixture
def colleague(make_user):
    return make_user("colleague@example.org", moderator=True, name="Carl Colleague")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_review_page_offers_no_approval_of_ones_own_and_says_why(moderator, colleague, own):
    mine = _client(moderator).get(f"/en/moderation/{own.pk}/")
    assert f"/en/moderation/{own.pk}/approve/" not in mine.content.decode()
    assert f"/en/moderation/{own.pk}/reject/" in mine.content.decode()  # the other decisions stay
    assert "This is your own submission: another moderator has to approve it." in page(mine)
    # The neighbour: a colleague sees the approve button and no such note.
    theirs = _client(colleague).get(f"/en/moderation/{own.pk}/")
    assert f"/en/moderation/{own.pk}/approve/" in theirs.content.decode()
    assert "another moderator has to approve it" not in page(theirs)


def test_approving_ones_own_is_refused_and_publishes_nothing(moderator, own):
    count = Initiative.objects.count()
    response = _client(moderator).post(f"/en/moderation/{own.pk}/approve/", follow=True)
    assert OWN_REFUSAL in messages_of(response)
    own.refresh_from_db()
    assert own.state == State.SUBMITTED
    assert Initiative.objects.count() == count


def test_another_moderator_approves_it(colleague, own):
    response = _client(colleague).post(f"/en/moderation/{own.pk}/approve/", follow=True)
    assert OWN_REFUSAL not in messages_of(response)
    own.refresh_from_db()
    assert own.state == State.APPROVED
    assert own.initiative.is_published()


def test_bulk_approval_skips_ones_own_with_a_message_and_approves_the_rest(moderator, own, submitted):
    response = _client(moderator).post(
        "/en/moderation/bulk/", {"action": "approve", "selected": [own.pk, submitted.pk]}, follow=True
    )
    assert f"{own}: {OWN_REFUSAL}" in messages_of(response)
    assert "1 submission done." in messages_of(response)
    own.refresh_from_db()
    submitted.refresh_from_db()
    assert own.state == State.SUBMITTED
    assert submitted.state == State.APPROVED  # the neighbour in the same batch


def test_ones_own_may_still_be_rejected(moderator, own):
    """Rejecting one's own holds back only one's own work, as withdrawing it would."""
    _client(moderator).post(f"/en/moderation/{own.pk}/reject/", {"message": "Sent too early."})
    own.refresh_from_db()
    assert own.state == State.REJECTED


def test_a_superuser_may_approve_their_own(superuser, proposal_data):
    """A portal whose only moderator is its superuser keeps working."""
    submission = services.submit(
        submission=services.create_submission(author=superuser, data=proposal_data, consent=True), author=superuser
    )
    _client(superuser).post(f"/en/moderation/{submission.pk}/approve/")
    submission.refresh_from_db()
    assert submission.state == State.APPROVED
