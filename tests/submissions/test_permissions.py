"""Who may do what: every submissions URL, read and write, for every kind of visitor.

A request that is not allowed answers 302 to the login page (anonymous), 403 (not a moderator),
404 (someone else's submission: lookups are scoped to the author in the query), 405 (wrong method)
or a redirect with a clear message (an action the submission's state does not allow), never a 500,
and it changes nothing.
"""

from dataclasses import dataclass
from urllib.parse import quote

import pytest
from django.contrib.messages import constants, get_messages
from django.test import Client
from django.urls import resolve

from initiatives.models import Initiative
from submissions import services
from submissions.models import ModeratorNote, Submission, Transition

from .conftest import PROPOSAL

# What it checks is the HTTP layer, not the database engine: run once, in the SQLite pass (README, "Running the tests").
pytestmark = [pytest.mark.django_db, pytest.mark.any_database]
State = Submission.State


ROLES = ("anonymous", "author", "other", "moderator", "superuser")

LOGIN = "login"  # 302 to /en/accounts/login/?next=<this page>, nothing changed
DONE = "done"  # 302, and the action took effect
REFUSED = "refused"  # 302 back with an error message, nothing changed
# 200, 403, 404, 405: that status, nothing changed

PROPOSAL_POST = {**PROPOSAL, "consent": "on", "action": "save", "title": "Posted by this visitor"}
TRANSLATION_POST = {"language": "fr", "title": "Traduit par ce visiteur", "summary": "Un résumé.", "action": "save"}


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    path: str  # "{pk}" is the author's submission
    state: str | None  # the state the author's submission is in
    data: dict | None
    expected: tuple  # one per role, in the order of ROLES


# fmt: off
MESSAGE = {"message": "Please add the dates."}
NOTE = {"text": "Known partner."}
BULK_APPROVE = {"action": "approve", "selected": "{pk}"}
BULK_REJECT = {"action": "reject", "selected": "{pk}", "message": "Out of scope."}
BULK_REJECT_SILENT = {"action": "reject", "selected": "{pk}"}
BULK_DELETE = {"action": "delete", "selected": "{pk}"}
D, SUB, REV, CHG, REJ, WDN = (State.DRAFT, State.SUBMITTED, State.IN_REVIEW, State.CHANGES_REQUESTED,
                              State.REJECTED, State.WITHDRAWN)

MATRIX = [
    #   name                      method  path                                    {pk} is  data
    #       anonymous author    other  moderator superuser
    Row("create-form",            "GET",  "/en/submit/",                             None, None,
        (LOGIN, 200,      200,   200,      200)),
    Row("create",                 "POST", "/en/submit/",                             None, PROPOSAL_POST,
        (LOGIN, DONE,     DONE,  DONE,     DONE)),
    Row("suggest-update-form",    "GET",  "/en/initiatives/thamm/suggest-update/",   None, None,
        (LOGIN, 200,      200,   200,      200)),
    Row("suggest-update",         "POST", "/en/initiatives/thamm/suggest-update/",   None, PROPOSAL_POST,
        (LOGIN, DONE,     DONE,  DONE,     DONE)),
    Row("suggest-update-unknown", "GET",  "/en/initiatives/no-such/suggest-update/", None, None,
        (LOGIN, 404,      404,   404,      404)),
    Row("suggest-translation-form", "GET", "/en/initiatives/thamm/suggest-translation/", None, None,
        (LOGIN, 200,      200,   200,      200)),
    Row("suggest-translation",    "POST", "/en/initiatives/thamm/suggest-translation/", None, TRANSLATION_POST,
        (LOGIN, DONE,     DONE,  DONE,     DONE)),
    Row("suggest-translation-unknown", "GET", "/en/initiatives/no-such/suggest-translation/", None, None,
        (LOGIN, 404,      404,   404,      404)),
    Row("mine",                   "GET",  "/en/submissions/",                        SUB,  None,
        (LOGIN, 200,      200,   200,      200)),
    Row("detail",                 "GET",  "/en/submissions/{pk}/",                   SUB,  None,
        (LOGIN, 200,      404,   404,      404)),
    Row("detail-unknown",         "GET",  "/en/submissions/999999/",                 None, None,
        (LOGIN, 404,      404,   404,      404)),
    Row("edit-form",              "GET",  "/en/submissions/{pk}/edit/",              D,    None,
        (LOGIN, 200,      404,   404,      404)),
    Row("edit-form-locked",       "GET",  "/en/submissions/{pk}/edit/",              REV,  None,
        (LOGIN, REFUSED,  404,   404,      404)),
    Row("edit",                   "POST", "/en/submissions/{pk}/edit/",              D,    PROPOSAL_POST,
        (LOGIN, DONE,     404,   404,      404)),
    Row("edit-locked",            "POST", "/en/submissions/{pk}/edit/",              SUB,  PROPOSAL_POST,
        (LOGIN, REFUSED,  404,   404,      404)),
    Row("edit-after-decision",    "POST", "/en/submissions/{pk}/edit/",              REJ,  PROPOSAL_POST,
        (LOGIN, REFUSED,  404,   404,      404)),
    Row("preview",                "GET",  "/en/submissions/{pk}/preview/",           D,    None,
        (LOGIN, 200,      404,   404,      404)),
    Row("submit",                 "POST", "/en/submissions/{pk}/submit/",            D,    {},
        (LOGIN, DONE,     404,   404,      404)),
    Row("resubmit",               "POST", "/en/submissions/{pk}/submit/",            CHG,  {},
        (LOGIN, DONE,     404,   404,      404)),
    Row("submit-twice",           "POST", "/en/submissions/{pk}/submit/",            SUB,  {},
        (LOGIN, REFUSED,  404,   404,      404)),
    Row("submit-by-get",          "GET",  "/en/submissions/{pk}/submit/",            D,    None,
        (LOGIN, 405,      405,   405,      405)),
    Row("withdraw",               "POST", "/en/submissions/{pk}/withdraw/",          REV,  {},
        (LOGIN, DONE,     404,   404,      404)),
    Row("withdraw-rejected",      "POST", "/en/submissions/{pk}/withdraw/",          REJ,  {},
        (LOGIN, REFUSED,  404,   404,      404)),
    Row("self-approve",           "POST", "/en/submissions/{pk}/approve/",           SUB,  {},
        (LOGIN, 403,      404,   404,      404)),
    Row("queue",                  "GET",  "/en/moderation/",                         SUB,  None,
        (LOGIN, 403,      403,   200,      200)),
    Row("moderate",               "GET",  "/en/moderation/{pk}/",                    SUB,  None,
        (LOGIN, 403,      403,   200,      200)),
    Row("moderate-a-draft",       "GET",  "/en/moderation/{pk}/",                    D,    None,
        (LOGIN, 403,      403,   200,      200)),
    Row("moderate-unknown",       "GET",  "/en/moderation/999999/",                  None, None,
        (LOGIN, 403,      403,   404,      404)),
    Row("moderate-huge-id",       "GET",  "/en/moderation/99999999999999999999/",    None, None,
        (LOGIN, 403,      403,   404,      404)),
    Row("claim",                  "POST", "/en/moderation/{pk}/claim/",              SUB,  {},
        (LOGIN, 403,      403,   DONE,     DONE)),
    Row("claim-claimed",          "POST", "/en/moderation/{pk}/claim/",              REV,  {},
        (LOGIN, 403,      403,   REFUSED,  REFUSED)),
    Row("release",                "POST", "/en/moderation/{pk}/release/",            REV,  {},
        (LOGIN, 403,      403,   DONE,     DONE)),
    Row("approve",                "POST", "/en/moderation/{pk}/approve/",            SUB,  MESSAGE,
        (LOGIN, 403,      403,   DONE,     DONE)),
    Row("approve-a-draft",        "POST", "/en/moderation/{pk}/approve/",            D,    {},
        (LOGIN, 403,      403,   REFUSED,  REFUSED)),
    Row("approve-withdrawn",      "POST", "/en/moderation/{pk}/approve/",            WDN,  {},
        (LOGIN, 403,      403,   REFUSED,  REFUSED)),
    Row("approve-by-get",         "GET",  "/en/moderation/{pk}/approve/",            SUB,  None,
        (LOGIN, 403,      403,   405,      405)),
    Row("request-changes",        "POST", "/en/moderation/{pk}/request_changes/",    REV,  MESSAGE,
        (LOGIN, 403,      403,   DONE,     DONE)),
    Row("request-changes-silent", "POST", "/en/moderation/{pk}/request_changes/",    SUB,  {"message": ""},
        (LOGIN, 403,      403,   REFUSED,  REFUSED)),
    Row("reject",                 "POST", "/en/moderation/{pk}/reject/",             SUB,  MESSAGE,
        (LOGIN, 403,      403,   DONE,     DONE)),
    Row("reject-silent",          "POST", "/en/moderation/{pk}/reject/",             SUB,  {},
        (LOGIN, 403,      403,   REFUSED,  REFUSED)),
    Row("reject-a-draft",         "POST", "/en/moderation/{pk}/reject/",             D,    MESSAGE,
        (LOGIN, 403,      403,   REFUSED,  REFUSED)),
    Row("note",                   "POST", "/en/moderation/{pk}/note/",               SUB,  NOTE,
        (LOGIN, 403,      403,   DONE,     DONE)),
    Row("note-empty",             "POST", "/en/moderation/{pk}/note/",               SUB,  {"text": ""},
        (LOGIN, 403,      403,   REFUSED,  REFUSED)),
    Row("unknown-action",         "POST", "/en/moderation/{pk}/delete/",             SUB,  {},
        (LOGIN, 403,      403,   403,      403)),
    # Correcting before approving (issue 13): the moderator who claimed it ("moderator"), no one else.
    Row("correct-form",           "GET",  "/en/moderation/{pk}/correct/",            REV,  None,
        (LOGIN, 403,      403,   200,      REFUSED)),
    Row("correct",                "POST", "/en/moderation/{pk}/correct/",            REV,  PROPOSAL_POST,
        (LOGIN, 403,      403,   DONE,     REFUSED)),
    Row("correct-unclaimed",      "POST", "/en/moderation/{pk}/correct/",            SUB,  PROPOSAL_POST,
        (LOGIN, 403,      403,   REFUSED,  REFUSED)),
    Row("correct-a-draft",        "GET",  "/en/moderation/{pk}/correct/",            D,    None,
        (LOGIN, 403,      403,   REFUSED,  REFUSED)),
    Row("bulk-approve",           "POST", "/en/moderation/bulk/",                    SUB,  BULK_APPROVE,
        (LOGIN, 403,      403,   DONE,     DONE)),
    Row("bulk-reject",            "POST", "/en/moderation/bulk/",                    SUB,  BULK_REJECT,
        (LOGIN, 403,      403,   DONE,     DONE)),
    Row("bulk-reject-silent",     "POST", "/en/moderation/bulk/",                    SUB,  BULK_REJECT_SILENT,
        (LOGIN, 403,      403,   REFUSED,  REFUSED)),
    Row("bulk-approve-drafts",    "POST", "/en/moderation/bulk/",                    D,    BULK_APPROVE,
        (LOGIN, 403,      403,   REFUSED,  REFUSED)),
    Row("bulk-unknown-action",    "POST", "/en/moderation/bulk/",                    SUB,  BULK_DELETE,
        (LOGIN, 403,      403,   REFUSED,  REFUSED)),
    Row("bulk-by-get",            "GET",  "/en/moderation/bulk/",                    None, None,
        (LOGIN, 403,      403,   405,      405)),
]
# fmt: on

CELLS = [
    pytest.param(row, role, expected, id=f"{row.name}-{role}")
    for row in MATRIX
    for role, expected in zip(ROLES, row.expected, strict=True)
]


def _put_in_state(submission: Submission, state: str, moderator) -> Submission:
    """Leave the author's submission as the workflow would have left it in ``state``."""
    if state in (State.SUBMITTED, State.IN_REVIEW, State.CHANGES_REQUESTED, State.REJECTED):
        services.submit(submission=submission, author=submission.author)
    if state == State.IN_REVIEW:
        services.claim(submission=submission, moderator=moderator)
    elif state == State.CHANGES_REQUESTED:
        services.request_changes(submission=submission, moderator=moderator, message="Add dates")
    elif state == State.REJECTED:
        services.reject(submission=submission, moderator=moderator, message="No")
    elif state == State.WITHDRAWN:
        services.withdraw(submission=submission, author=submission.author)
    submission.refresh_from_db()
    assert submission.state == state
    return submission


def snapshot() -> dict:
    """Everything a request could change."""
    return {
        "submissions": sorted(
            Submission.objects.values_list("pk", "state", "claimed_by", "title", "initiative", "updated_at")
        ),
        "transitions": Transition.objects.count(),
        "notes": ModeratorNote.objects.count(),
        "initiatives": sorted(Initiative.objects.values_list("pk", "status", "title", "updated_at")),
    }


def _fill(value, pk):
    if isinstance(value, str):
        return value.replace("{pk}", str(pk))
    if isinstance(value, dict):
        return {key: _fill(item, pk) for key, item in value.items()}
    if isinstance(value, list):
        return [_fill(item, pk) for item in value]
    return value


@pytest.fixture
def people(author, other, moderator, superuser):
    return {"anonymous": None, "author": author, "other": other, "moderator": moderator, "superuser": superuser}


@pytest.mark.parametrize("row, role, expected", CELLS)
def test_permission_matrix(client, people, draft, moderator, row, role, expected):
    submission = _put_in_state(draft, row.state, moderator) if row.state else draft
    path = _fill(row.path, submission.pk)
    if people[role]:
        client.force_login(people[role])
    before = snapshot()

    response = client.get(path) if row.method == "GET" else client.post(path, _fill(row.data, submission.pk))

    after = snapshot()
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"] == f"/en/accounts/login/?next={quote(path)}"
    elif expected in (DONE, REFUSED):
        assert response.status_code == 302, response.status_code
        errors = [m for m in get_messages(response.wsgi_request) if m.level == constants.ERROR]
        if expected == REFUSED:
            assert errors, "a refusal says why"
        else:
            assert not errors, [str(m) for m in errors]
    else:
        assert response.status_code == expected
    if expected == DONE:
        assert after != before, "the action took effect"
    else:
        assert after == before, "a refused or read-only request changes nothing"


def test_the_matrix_covers_every_submissions_url():
    from submissions.urls import urlpatterns

    routes = {f"{pattern.pattern}" for pattern in urlpatterns}
    covered = {resolve(_fill(row.path, 1)).route.removeprefix("en/") for row in MATRIX}
    assert routes <= covered, routes - covered


def test_a_moderator_still_only_sees_their_own_submissions_as_a_submitter(client, draft, moderator, proposal_data):
    own = services.create_submission(author=moderator, data=proposal_data)
    client.force_login(moderator)
    response = client.get("/en/submissions/")
    assert list(response.context["submissions"]) == [own]
    assert f'href="/en/submissions/{draft.pk}/"' not in response.content.decode()


# --- forged and replayed requests ------------------------------------------------------------------

# The POST rows a logged-in person is allowed to make, with who makes them.
ALLOWED_POSTS = [
    pytest.param(row, ROLES[index], id=row.name)
    for row in MATRIX
    if row.method == "POST"
    for index in [next((i for i, e in enumerate(row.expected) if e == DONE), None)]
    if index is not None
]


@pytest.mark.parametrize("row, role", ALLOWED_POSTS)
def test_a_post_without_a_csrf_token_is_refused_and_changes_nothing(people, draft, moderator, row, role):
    submission = _put_in_state(draft, row.state, moderator) if row.state else draft
    path, data = _fill(row.path, submission.pk), _fill(row.data, submission.pk)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(people[role])
    browser.get("/en/submissions/")  # sets the CSRF cookie
    before = snapshot()

    assert browser.post(path, data).status_code == 403
    forged = {**data, "csrfmiddlewaretoken": "x" * 64}
    assert browser.post(path, forged).status_code == 403
    # A token taken from someone else's session does not fit this browser's cookie.
    stranger = Client(enforce_csrf_checks=True)
    stranger.get("/en/accounts/login/")
    stolen = {**data, "csrfmiddlewaretoken": stranger.cookies["csrftoken"].value}
    assert browser.post(path, stolen).status_code == 403
    assert snapshot() == before

    # The same request with its own token goes through (so the refusals above were about CSRF).
    token = browser.cookies["csrftoken"].value
    response = browser.post(path, {**data, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert snapshot() != before


@pytest.mark.parametrize(
    "path, data",
    [
        ("/en/moderation/{pk}/approve/", {"message": "Welcome"}),
        ("/en/moderation/{pk}/reject/", {"message": "No"}),
        ("/en/moderation/{pk}/request_changes/", {"message": "Add dates"}),
        ("/en/moderation/bulk/", {"action": "approve", "selected": "{pk}"}),
    ],
)
def test_a_replayed_decision_is_refused_with_a_message(client, submitted, moderator, path, data):
    client.force_login(moderator)
    path, data = _fill(path, submitted.pk), _fill(data, submitted.pk)
    assert client.post(path, data).status_code == 302
    decided = snapshot()
    replay = client.post(path, data, follow=True)
    assert replay.status_code == 200
    assert any("cannot be changed" in str(m) for m in replay.context["messages"])
    assert snapshot() == decided
    assert Initiative.objects.filter(title=PROPOSAL["title"]).count() <= 1


def test_replaying_submit_and_withdraw_is_refused(client, draft, author):
    client.force_login(author)
    for path in (f"/en/submissions/{draft.pk}/submit/", f"/en/submissions/{draft.pk}/withdraw/"):
        client.post(path)
        done = snapshot()
        replay = client.post(path, follow=True)
        assert any("cannot be changed" in str(m) for m in replay.context["messages"])
        assert snapshot() == done


def test_a_stale_moderation_page_cannot_approve_what_was_withdrawn(client, submitted, author, moderator):
    client.force_login(moderator)
    client.get(f"/en/moderation/{submitted.pk}/")  # the moderator reads it...
    services.withdraw(submission=submitted, author=author)  # ...while the author withdraws it
    before = snapshot()
    response = client.post(f"/en/moderation/{submitted.pk}/approve/", follow=True)
    assert any("cannot be changed" in str(m) for m in response.context["messages"])
    assert snapshot() == before


@pytest.mark.parametrize(
    "selected",
    [["abc"], ["-1"], ["1.0"], ["²"], ["٣"], ["99999999999999999999"], ["999999"], ["\x00"], []],
    ids=["text", "negative", "decimal", "superscript", "arabic-digit", "huge", "unknown", "nul", "none"],
)
def test_bulk_with_forged_ids_says_so_and_changes_nothing(client, submitted, moderator, selected):
    client.force_login(moderator)
    before = snapshot()
    response = client.post("/en/moderation/bulk/", {"action": "approve", "selected": selected}, follow=True)
    assert response.status_code == 200
    notes = [str(m) for m in response.context["messages"]]
    assert notes and not any("done" in note for note in notes), notes
    assert snapshot() == before


def test_a_submitter_cannot_smuggle_an_update_onto_another_initiative_or_submission(client, draft, other):
    """Fields that are not part of the form (kind, initiative, author, state) are ignored."""
    client.force_login(other)
    forged = {
        **PROPOSAL_POST,
        "kind": "update",
        "initiative": Initiative.objects.get(slug="thamm").pk,
        "author": draft.author_id,
        "state": "approved",
        "pk": draft.pk,
    }
    assert client.post("/en/submit/", forged).status_code == 302
    created = Submission.objects.get(author=other)
    assert (created.kind, created.initiative, created.state) == (Submission.Kind.NEW, None, State.DRAFT)
    draft.refresh_from_db()
    assert draft.title == PROPOSAL["title"]
