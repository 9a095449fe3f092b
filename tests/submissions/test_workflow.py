"""The state machine: every allowed transition works and is recorded; every other one is refused
with a clear message and changes nothing."""

import pytest

from initiatives.models import Initiative
from submissions import services
from submissions.models import Submission, Transition

pytestmark = pytest.mark.django_db
State = Submission.State

ALL_STATES = list(State.values)


def _put_in_state(submission, state, moderator, *, approved_as="thamm"):
    """Force a submission into a state, as the workflow would have left it."""
    changes = {"state": state, "claimed_by": moderator if state == State.IN_REVIEW else None}
    if state == State.APPROVED:
        changes["initiative"] = Initiative.objects.get(slug=approved_as)
    Submission.objects.filter(pk=submission.pk).update(**changes)
    submission.refresh_from_db()
    return submission


def _do(action, submission, author, moderator):
    if action == "submit":
        return services.submit(submission=submission, author=author)
    if action == "withdraw":
        return services.withdraw(submission=submission, author=author)
    if action == "claim":
        return services.claim(submission=submission, moderator=moderator)
    if action == "release":
        return services.release(submission=submission, moderator=moderator)
    if action == "approve":
        return services.approve(submission=submission, moderator=moderator, message="Fine")
    if action == "request_changes":
        return services.request_changes(submission=submission, moderator=moderator, message="Add dates")
    return services.reject(submission=submission, moderator=moderator, message="Out of scope")


@pytest.mark.parametrize("action", list(services.ACTIONS))
@pytest.mark.parametrize("state", ALL_STATES)
def test_every_action_from_every_state(action, state, draft, author, moderator, proposal_data):
    submission = _put_in_state(draft, state, moderator)
    # The neighbour: the same author's other submission, in the same state, which no action may move.
    neighbour = _put_in_state(
        services.create_submission(author=author, data=proposal_data, consent=True),
        state,
        moderator,
        approved_as="amicall",
    )
    allowed = state in services.ACTIONS[action].sources
    before = Transition.objects.count()
    if allowed:
        _do(action, submission, author, moderator)
        submission.refresh_from_db()
        assert submission.state == services.ACTIONS[action].target
        transition = Transition.objects.latest("pk")
        assert (transition.from_state, transition.to_state) == (state, submission.state)
        assert Transition.objects.count() == before + 1
        neighbour.refresh_from_db()
        assert neighbour.state == state and not neighbour.transitions.exists()
    else:
        with pytest.raises(services.TransitionRefused) as refusal:
            _do(action, submission, author, moderator)
        assert "cannot be changed" in str(refusal.value)
        submission.refresh_from_db()
        assert submission.state == state
        assert Transition.objects.count() == before


def test_the_state_machine_is_as_documented():
    assert {
        (State.DRAFT, State.SUBMITTED),
        (State.CHANGES_REQUESTED, State.SUBMITTED),
        (State.SUBMITTED, State.IN_REVIEW),
        (State.IN_REVIEW, State.SUBMITTED),
        (State.SUBMITTED, State.APPROVED),
        (State.IN_REVIEW, State.APPROVED),
        (State.SUBMITTED, State.CHANGES_REQUESTED),
        (State.IN_REVIEW, State.CHANGES_REQUESTED),
        (State.SUBMITTED, State.REJECTED),
        (State.IN_REVIEW, State.REJECTED),
        (State.DRAFT, State.WITHDRAWN),
        (State.SUBMITTED, State.WITHDRAWN),
        (State.IN_REVIEW, State.WITHDRAWN),
        (State.CHANGES_REQUESTED, State.WITHDRAWN),
    } == services.TRANSITIONS


def test_only_moderators_moderate_and_only_authors_submit(submitted, draft, author, other, moderator):
    for action in ("claim", "approve", "reject", "request_changes"):
        with pytest.raises(services.TransitionRefused, match="Only moderators"):
            _do(action, submitted, other, other)
    with pytest.raises(services.TransitionRefused, match="Only the author"):
        services.withdraw(submission=submitted, author=other)


def test_request_changes_and_reject_need_a_message(submitted, moderator):
    for call in (services.request_changes, services.reject):
        with pytest.raises(services.TransitionRefused, match="message"):
            call(submission=submitted, moderator=moderator, message="   ")
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED


def test_claiming_shows_who_reviews_and_deciding_clears_it(submitted, moderator):
    services.claim(submission=submitted, moderator=moderator)
    assert submitted.claimed_by == moderator
    services.request_changes(submission=submitted, moderator=moderator, message="Please add the end date.")
    assert submitted.claimed_by is None and submitted.state == State.CHANGES_REQUESTED


def test_a_stale_action_is_refused_and_changes_nothing(submitted, moderator, make_user):
    second = make_user("second@example.org", moderator=True)
    stale = Submission.objects.get(pk=submitted.pk)  # what the second moderator loaded
    services.reject(submission=submitted, moderator=moderator, message="No")
    with pytest.raises(services.TransitionRefused, match="Someone else changed this submission"):
        services.approve(submission=stale, moderator=second)
    assert not Initiative.objects.filter(title=submitted.title).exists()


def test_approving_publishes_with_the_credit_and_the_submission_date(submitted, moderator):
    initiative = services.approve(submission=submitted, moderator=moderator, message="Welcome")
    assert initiative.status == Initiative.Status.PUBLISHED
    assert initiative.submitter_display == "Ms. Ana Díaz"
    assert initiative.submitted_on == submitted.submitted_at.date()
    assert initiative.slug == "seasonal-workers-mobility-pilot"
    assert sorted(initiative.themes.values_list("number", flat=True)) == [5, 6]
    assert set(initiative.covered_regions.values_list("slug", flat=True)) == {"eastern-europe", "europe"}
    assert {(i.organisation.name, i.role) for i in initiative.involvements.select_related("organisation")} == {
        ("International Labour Organization", "implementer"),
        ("Moldovan Employment Agency", "implementer"),
    }
    assert initiative.links.get().title == "Final report"
    assert initiative.ongoing and initiative.start_precision == "month"
    submitted.refresh_from_db()
    assert submitted.initiative == initiative and submitted.decided_at is not None
    # The history says where the initiative came from and who approved it.
    created, published = initiative.history.order_by("history_date", "history_id")
    assert (created.history_type, created.history_change_reason) == ("+", f"Approved submission #{submitted.pk}")
    assert (published.history_change_reason, published.history_user) == ("Published", moderator)
    assert created.history_user == moderator and published.tags_snapshot == sorted(initiative.tags.names())


def test_a_submission_needs_consent(draft, author):
    Submission.objects.filter(pk=draft.pk).update(consent=False)
    draft.refresh_from_db()
    with pytest.raises(services.TransitionRefused, match="agree to publication"):
        services.submit(submission=draft, author=author)


def test_per_account_daily_limit(author, proposal_data, settings):
    settings.SUBMISSIONS_PER_DAY = 2
    for _n in range(2):
        services.submit(
            submission=services.create_submission(author=author, data=proposal_data, consent=True), author=author
        )
    third = services.create_submission(author=author, data=proposal_data, consent=True)
    with pytest.raises(services.TransitionRefused, match="most we accept"):
        services.submit(submission=third, author=author)


def test_an_update_changes_the_live_initiative_and_keeps_its_url_and_credit(author, moderator, proposal_data):
    thamm = Initiative.objects.get(slug="thamm")
    data = {**proposal_data, "title": "THAMM (updated)", "submitter_name": "Someone Else"}
    update = services.create_submission(
        author=author, data=data, kind=Submission.Kind.UPDATE, initiative=thamm, consent=True
    )
    services.submit(submission=update, author=author)
    services.approve(submission=update, moderator=moderator)
    thamm.refresh_from_db()
    assert thamm.title == "THAMM (updated)" and thamm.slug == "thamm"
    assert thamm.submitter_display == "Ms. Charlotte …"  # the original credit stays
    assert Initiative.objects.filter(title="THAMM (updated)").count() == 1


def test_an_update_approved_after_the_initiative_was_archived_does_not_republish_it(author, moderator, proposal_data):
    from initiatives import services as initiative_services

    thamm = Initiative.objects.get(slug="thamm")
    update = services.create_submission(
        author=author, data=proposal_data, kind=Submission.Kind.UPDATE, initiative=thamm, consent=True
    )
    services.submit(submission=update, author=author)
    initiative_services.archive_initiative(initiative=thamm)
    services.approve(submission=update, moderator=moderator)
    thamm.refresh_from_db()
    assert thamm.status == Initiative.Status.ARCHIVED
    assert thamm.title == proposal_data["title"]


def test_two_approvals_of_the_same_title_get_distinct_slugs(author, moderator, proposal_data):
    first = services.create_submission(author=author, data=proposal_data, consent=True)
    second = services.create_submission(author=author, data=proposal_data, consent=True)
    for submission in (first, second):
        services.submit(submission=submission, author=author)
    slugs = {services.approve(submission=s, moderator=moderator).slug for s in (first, second)}
    assert slugs == {"seasonal-workers-mobility-pilot", "seasonal-workers-mobility-pilot-2"}


def test_a_submission_naming_a_term_merged_since_gets_the_survivor(submitted, moderator):
    from initiatives import services as initiative_services
    from initiatives.models import Category, Organisation

    survivor = Organisation.objects.create(name="International Labour Office", slug="ilo-office")
    initiative_services.merge_terms(source=Organisation.objects.get(slug="ilo"), target=survivor)
    initiative_services.merge_terms(
        source=Category.objects.get(slug="programmes-and-projects"), target=Category.objects.get(slug="partnerships")
    )
    initiative = services.approve(submission=submitted, moderator=moderator, message="Welcome")
    assert "ilo-office" in set(initiative.organisations.values_list("slug", flat=True))
    assert initiative.category.slug == "partnerships"
