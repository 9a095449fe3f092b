"""Two moderators acting on one submission at the same moment: exactly one action wins, the other is
told that someone else changed it, and one submission never produces two initiatives.

The races run on PostgreSQL with two real connections (one per thread, in ``transaction=True`` tests,
so that each thread's transaction really commits); SQLite serialises writers, so they are skipped
there. The constraints that back the services up are checked on both databases.
"""

import threading
import time

import pytest
from django.db import IntegrityError, connection, transaction

from initiatives.models import Initiative
from submissions import services
from submissions.models import Submission, Transition

State = Submission.State
REFUSAL = "Someone else changed this submission"
HOLD_SECONDS = 0.5


@pytest.fixture
def seeded(seeded_database):
    """``transaction=True`` tests flush the database afterwards: the seed, put back (``seeded_database``)."""


@pytest.fixture
def second_moderator(make_user):
    return make_user("second@example.org", moderator=True, name="Sam Second")


def act(action, submission, moderator):
    if action == "approve":
        return services.approve(submission=submission, moderator=moderator, message="Welcome")
    if action == "request_changes":
        return services.request_changes(submission=submission, moderator=moderator, message="Add the dates")
    return services.reject(submission=submission, moderator=moderator, message="Out of scope")


class Moderator(threading.Thread):
    """One moderator in their own thread, hence on their own database connection."""

    def __init__(self, work):
        super().__init__()
        self.work = work
        self.result = self.error = None

    def run(self):
        try:
            self.result = self.work()
        except Exception as error:  # reported by the test
            self.error = error
        finally:
            connection.close()  # this thread's connection; left open it would warn (and warnings are errors)


def run_together(*threads, timeout=30):
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
        assert not thread.is_alive(), "a moderator is stuck (deadlock?)"


def assert_one_winner(first, second, submission):
    winners = [thread for thread in (first, second) if thread.error is None]
    losers = [thread for thread in (first, second) if thread.error is not None]
    assert len(winners) == 1 and len(losers) == 1, [first.error, second.error]
    (loser,) = losers
    assert isinstance(loser.error, services.TransitionRefused), repr(loser.error)
    assert REFUSAL in str(loser.error)
    decisions = Transition.objects.filter(submission=submission, from_state=State.SUBMITTED).exclude(
        to_state=State.SUBMITTED
    )
    assert decisions.count() == 1
    return winners[0], loser


@pytest.mark.postgresql
@pytest.mark.system
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("first_action", "second_action"),
    [("approve", "approve"), ("approve", "reject"), ("reject", "approve"), ("request_changes", "approve")],
)
def test_the_second_moderator_is_refused_while_the_first_decides(
    first_action, second_action, on_postgresql, seeded, submitted, moderator, second_moderator
):
    """The first moderator's transaction has decided but not committed when the second one acts: the
    second waits for the row, then sees the new state and is refused."""
    both_loaded = threading.Barrier(2, timeout=10)
    first_has_decided = threading.Event()
    second_waited = []

    def first():
        mine = Submission.objects.get(pk=submitted.pk)
        both_loaded.wait()
        with transaction.atomic():
            outcome = act(first_action, mine, moderator)
            first_has_decided.set()
            time.sleep(HOLD_SECONDS)  # still inside the transaction: the row is locked, nothing committed
        return outcome

    def second():
        mine = Submission.objects.get(pk=submitted.pk)  # loaded while still "submitted"
        both_loaded.wait()
        assert first_has_decided.wait(10)
        started = time.monotonic()
        try:
            return act(second_action, mine, second_moderator)
        finally:
            second_waited.append(time.monotonic() - started)

    first_moderator, second_moderator_thread = Moderator(first), Moderator(second)
    run_together(first_moderator, second_moderator_thread)

    winner, loser = assert_one_winner(first_moderator, second_moderator_thread, submitted)
    assert winner is first_moderator
    # It waited for the first transaction to end instead of acting on what it had loaded.
    assert second_waited[0] >= HOLD_SECONDS * 0.8
    submitted.refresh_from_db()
    assert submitted.state == services.ACTIONS[first_action].target
    expected_initiatives = 1 if first_action == "approve" else 0
    assert Initiative.objects.filter(title=submitted.title).count() == expected_initiatives
    if first_action == "approve":
        assert submitted.initiative == Initiative.objects.get(title=submitted.title)


@pytest.mark.postgresql
@pytest.mark.system
@pytest.mark.django_db(transaction=True)
def test_two_approvals_started_at_the_same_instant_make_one_initiative(
    on_postgresql, seeded, author, proposal_data, moderator, second_moderator
):
    """No choreography: both press "Approve" at once, several times over; one wins each time."""
    for round_number in range(3):
        title = f"Simultaneous approval {round_number}"
        submission = services.create_submission(author=author, data={**proposal_data, "title": title}, consent=True)
        services.submit(submission=submission, author=author)
        start = threading.Barrier(2, timeout=10)

        def approve(who, pk=submission.pk, start=start):
            mine = Submission.objects.get(pk=pk)
            start.wait()
            return services.approve(submission=mine, moderator=who, message="")

        first = Moderator(lambda approve=approve: approve(moderator))
        second = Moderator(lambda approve=approve: approve(second_moderator))
        run_together(first, second)

        winner, _loser = assert_one_winner(first, second, submission)
        (initiative,) = Initiative.objects.filter(title=title)
        assert winner.result == initiative
        submission.refresh_from_db()
        assert (submission.state, submission.initiative) == (State.APPROVED, initiative)


# --- what the database itself refuses (both databases) -------------------------------------------


@pytest.mark.django_db
def test_the_database_refuses_a_second_submission_claiming_a_new_initiative(author, proposal_data):
    initiative = Initiative.objects.get(slug="thamm")
    first = Submission.objects.create(author=author, data=proposal_data, initiative=initiative)
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        Submission.objects.create(author=author, data=proposal_data, initiative=initiative)
    if connection.vendor == "postgresql":
        assert "submission_new_initiative_unique" in str(error.value)
    assert list(Submission.objects.filter(initiative=initiative)) == [first]
    # Updates are not "new": any number of proposals may change the same initiative.
    for _n in range(2):
        Submission.objects.create(author=author, data=proposal_data, kind=Submission.Kind.UPDATE, initiative=initiative)
    assert Submission.objects.filter(initiative=initiative).count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "constraint"),
    [
        ({"state": "published"}, "submission_state_valid"),
        ({"kind": "other"}, "submission_kind_valid"),
        ({"kind": "update", "initiative": None}, "submission_update_has_initiative"),
        ({"state": "approved", "initiative": None}, "submission_approved_has_initiative"),
        ({"state": "in_review", "claimed_by": None}, "submission_claimed_iff_in_review"),
        ({"state": "submitted", "claimed_by": "moderator"}, "submission_claimed_iff_in_review"),
    ],
)
def test_the_database_refuses_impossible_states(changes, constraint, submitted, moderator):
    changes = {key: moderator if value == "moderator" else value for key, value in changes.items()}
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        Submission.objects.filter(pk=submitted.pk).update(**changes)
    assert constraint in str(error.value)
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED and submitted.claimed_by is None
