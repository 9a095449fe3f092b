"""One account keeps at most ``SUBMISSION_DRAFTS_PER_ACCOUNT`` drafts: past it, nothing typed is lost."""

import pytest
from django.test import Client

from submissions import services
from submissions.models import Submission

from .test_views import form_values, messages_of, proposal

pytestmark = pytest.mark.django_db
State = Submission.State
CAP = 3
REFUSAL = "You already have 3 drafts, the most one account may keep."


@pytest.fixture(autouse=True)
def _cap(settings):
    settings.SUBMISSION_DRAFTS_PER_ACCOUNT = CAP


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _drafts(author, proposal_data, n: int) -> None:
    for _n in range(n):
        services.create_submission(author=author, data=proposal_data)


def test_the_last_draft_under_the_cap_is_saved(author, proposal_data):
    _drafts(author, proposal_data, CAP - 1)
    response = _client(author).post("/en/submit/", proposal(action="save", title="The last one that fits"))
    assert response.status_code == 302
    assert Submission.objects.filter(author=author, state=State.DRAFT).count() == CAP


@pytest.mark.parametrize("path", ["/en/submit/", "/en/initiatives/thamm/suggest-update/"])
def test_past_the_cap_the_form_says_so_and_keeps_what_was_typed(author, proposal_data, path):
    _drafts(author, proposal_data, CAP)
    response = _client(author).post(path, proposal(action="save", title="Kept as typed", acronym="KAT"))
    assert response.status_code == 200
    assert any(m.startswith(REFUSAL) for m in messages_of(response))
    values = form_values(response)
    assert values["title"] == ["Kept as typed"]
    assert values["acronym"] == ["KAT"]
    assert Submission.objects.filter(author=author).count() == CAP


def test_the_cap_counts_only_that_accounts_drafts(author, other, proposal_data):
    _drafts(author, proposal_data, CAP)
    response = _client(other).post("/en/submit/", proposal(action="save", title="Someone else's"))
    assert response.status_code == 302
    assert Submission.objects.filter(author=other).count() == 1


def test_sent_and_finished_submissions_do_not_count(author, proposal_data):
    """What was sent is bounded by SUBMISSIONS_PER_DAY; what was decided or withdrawn is finished."""
    for n in range(CAP):
        draft = services.create_submission(author=author, data=proposal_data, consent=True)
        if n == 0:
            services.withdraw(submission=draft, author=author)
        else:
            services.submit(submission=draft, author=author)
    response = _client(author).post("/en/submit/", proposal(action="save", title="A new draft"))
    assert response.status_code == 302


def test_editing_an_existing_draft_at_the_cap_still_works(author, proposal_data):
    _drafts(author, proposal_data, CAP)
    draft = Submission.objects.filter(author=author).first()
    response = _client(author).post(f"/en/submissions/{draft.pk}/edit/", proposal(action="save", title="Renamed"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Renamed"
