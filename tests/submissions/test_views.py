"""The submission and moderation flows through HTTP: what a submitter and a moderator see and can do."""

import datetime
import html
import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import dateformat, timezone

from initiatives.models import Country, Initiative, Theme
from submissions import services
from submissions.models import ModeratorNote, Submission, Transition

from .conftest import PROPOSAL

pytestmark = pytest.mark.django_db
State = Submission.State


SIMILAR_TO_THAMM = "Towards a Holistic Approach to Labour Migration Governance in North Africa"


# --- helpers -------------------------------------------------------------------------------------


class _FormState(HTMLParser):
    """What a browser would send back: text inputs' values, checked boxes, textareas, selected options."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.values: dict[str, list[str]] = {}
        self._textarea = None
        self._select = None

    def _add(self, name, value):
        self.values.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self._add(name, attrs.get("value", "on"))
            elif kind not in ("submit", "button", "hidden"):
                self._add(name, attrs.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self._add(name, "")
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self._add(self._select, attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea][-1] += data


def form_values(response) -> dict[str, list[str]]:
    parser = _FormState()
    parser.feed(response.content.decode())
    # A textarea drops one leading newline, as browsers do.
    return {name: [v.removeprefix("\n") for v in values] for name, values in parser.values.items()}


def page(response) -> str:
    return html.unescape(response.content.decode())


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def proposal(**overrides) -> dict:
    """The proposal form as a browser posts it, with consent given; ``None`` leaves a field out."""
    data = {**PROPOSAL, "consent": "on", **overrides}
    return {name: value for name, value in data.items() if value is not None}


def credit_line(date: datetime.date, name: str = "Ms. Ana Díaz") -> str:
    return f"Submitted by {name} on {dateformat.format(date, 'j F Y')}"


@pytest.fixture
def second_moderator(make_user):
    return make_user("second@example.org", moderator=True, name="Max Second")


@pytest.fixture
def author_client(client, author):
    client.force_login(author)
    return client


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


def _as(client, user):
    client.logout()
    client.force_login(user)
    return client


def _submitted_via_http(client, **overrides) -> Submission:
    response = client.post("/en/submit/", proposal(action="submit", **overrides))
    assert response.status_code == 302, form_errors(response)
    return Submission.objects.latest("pk")


def form_errors(response):
    if response.context and "form" in response.context:
        return response.context["form"].errors, response.context["details"].errors
    return messages_of(response)


# --- creating ------------------------------------------------------------------------------------


def test_submit_page_needs_an_account(client):
    response = client.get("/en/submit/")
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/login/?next=/en/submit/"


def test_the_form_is_prefilled_with_the_persons_name_and_email(author_client):
    response = author_client.get("/en/submit/")
    assert response.status_code == 200
    values = form_values(response)
    assert values["submitter_name"] == ["Ana Díaz"]
    assert values["submitter_email"] == ["author@example.org"]
    assert values["title"] == [""]
    # Every taxonomy is offered as a filterable list of checkboxes, including all countries.
    body = response.content.decode()
    assert body.count('name="countries"') == Country.objects.count() > 200
    assert "data-picker" in body


def _organisation_reads(queries) -> int:
    return sum('FROM "initiatives_organisation"' in query["sql"] for query in queries)


def test_the_organisations_are_read_once_for_the_three_pickers_and_not_for_a_form_not_shown(author_client):
    with CaptureQueriesContext(connection) as shown:
        response = author_client.get("/en/submit/")
    assert response.status_code == 200
    assert _organisation_reads(shown.captured_queries) == 1  # implementers, partners and funders share it
    for name in ("implementers", "partners", "funders"):
        assert f'name="{name}"' in response.content.decode()
    with CaptureQueriesContext(connection) as saved:
        response = author_client.post("/en/submit/", {"action": "save", "title": "Just a title"})
    assert response.status_code == 302
    assert _organisation_reads(saved.captured_queries) == 0


def test_saving_a_draft_needs_only_a_title(author_client, author):
    response = author_client.post("/en/submit/", {"action": "save", "title": "Just a title"})
    submission = Submission.objects.get(author=author)
    assert response.status_code == 302
    assert response["Location"] == f"/en/submissions/{submission.pk}/edit/"
    assert submission.state == State.DRAFT and submission.title == "Just a title"
    assert not submission.transitions.exists()
    followed = author_client.get(response["Location"])
    assert "Your draft was saved." in messages_of(followed)
    assert form_values(followed)["title"] == ["Just a title"]


def test_errors_are_summarised_and_shown_next_to_their_fields_and_nothing_typed_is_lost(author_client):
    typed = proposal(
        action="submit",
        summary="",
        category="",
        submitter_name="",
        description="## Results\n\n* 300 workers <placed>",
        countries=["md", "ro", "ua"],
        themes=["regular-pathways", "recruitment-and-decent-work"],
        note_to_moderators="Please look at the annex.\nThank you.",
        website="not a web address",
    )
    response = author_client.post("/en/submit/", typed)
    assert response.status_code == 200
    assert not Submission.objects.exists()
    body = response.content.decode()
    summary = body.split('role="alert"', 1)[1].split("</div>", 1)[0]
    for field in ("summary", "category", "submitter_name", "website"):
        assert f'href="#field-{field}"' in summary
        field_block = body.split(f'id="field-{field}"', 1)[1].split('<div class="field', 1)[0]
        assert f'id="id_{field}_error"' in field_block, field
    assert "This field is required." in summary and "Enter a valid URL." in summary
    # The message is tied to its field for screen readers.
    assert re.search(r'<textarea[^>]*aria-invalid="true"[^>]*aria-describedby="[^"]*id_summary_error', body)

    values = form_values(response)
    assert values["title"] == [PROPOSAL["title"]]
    assert values["acronym"] == ["SWMP"]
    assert values["description"] == ["## Results\n\n* 300 workers <placed>"]
    assert sorted(values["countries"]) == ["md", "ro", "ua"]
    assert sorted(values["themes"]) == ["recruitment-and-decent-work", "regular-pathways"]
    assert values["principles"] == ["human-rights"]
    assert values["implementers"] == ["ilo"]
    assert values["scope"] == ["national"]
    assert values["ongoing"] == ["on"]
    assert values["consent"] == ["on"]
    assert values["start"] == ["2021-03"]
    assert values["links"] == [PROPOSAL["links"]]
    assert values["tags"] == [PROPOSAL["tags"]]
    assert values["other_organisations"] == [PROPOSAL["other_organisations"]]
    assert values["submitter_honorific"] == ["Ms."]
    assert values["website"] == ["not a web address"]
    assert values["note_to_moderators"] == ["Please look at the annex.\nThank you."]


def test_submitting_needs_consent(author_client):
    response = author_client.post("/en/submit/", proposal(action="submit", consent=None))
    assert response.status_code == 200
    assert "Please agree to publication under your name to submit." in page(response)
    assert 'id="id_consent_error"' in response.content.decode()
    assert not Submission.objects.exists()


def test_preview_shows_the_initiative_as_it_will_be_published(author_client, author):
    response = author_client.post("/en/submit/", proposal(action="preview"))
    submission = Submission.objects.get(author=author)
    assert response.status_code == 302
    assert response["Location"] == f"/en/submissions/{submission.pk}/preview/"
    assert submission.state == State.DRAFT
    preview = author_client.get(response["Location"])
    assert preview.status_code == 200
    text = page(preview)
    assert f'<h1 dir="auto">{PROPOSAL["title"]}</h1>' in text
    assert credit_line(timezone.localdate()) in text
    for slug in PROPOSAL["themes"]:
        assert str(Theme.objects.get(slug=slug)) in text
    assert "Republic of Moldova" in text
    assert "International Labour Organization (ILO)" in text and "Moldovan Employment Agency" in text
    assert "<h2>Results</h2>" in text  # the description's Markdown, rendered as on the live page
    assert "Since March 2021 (ongoing)" in text
    assert 'rel="nofollow ugc noopener"' in text and "Final report" in text
    assert "Submit for review" in text  # the author can send it from the preview


def test_a_submission_that_looks_like_a_published_one_waits_for_an_explanation(author_client, author):
    typed = proposal(action="submit", title=SIMILAR_TO_THAMM, acronym="")
    response = author_client.post("/en/submit/", typed)
    assert response.status_code == 200
    assert not Submission.objects.exists()
    body = response.content.decode()
    assert "These published initiatives look similar" in body
    assert 'href="/en/initiatives/thamm/"' in body
    assert 'name="confirm_not_duplicate"' in body
    assert form_values(response)["title"] == [SIMILAR_TO_THAMM]  # nothing typed is lost

    # Ticking "mine is not one of them" sends it.
    response = author_client.post("/en/submit/", {**typed, "confirm_not_duplicate": "yes"})
    assert response.status_code == 302
    assert Submission.objects.get(author=author).state == State.SUBMITTED


def test_an_explanation_of_the_difference_lets_a_look_alike_through(author_client, author, moderator, client):
    typed = proposal(
        action="submit", title=SIMILAR_TO_THAMM, acronym="", duplicate_explanation="Ours covers Mauritania only."
    )
    response = author_client.post("/en/submit/", typed)
    assert response.status_code == 302
    submission = Submission.objects.get(author=author)
    assert submission.state == State.SUBMITTED
    assert submission.duplicate_explanation == "Ours covers Mauritania only."

    moderation = _as(client, moderator).get(f"/en/moderation/{submission.pk}/")
    text = page(moderation)
    assert "Published initiatives that look similar" in text and 'href="/en/initiatives/thamm/"' in text
    assert "Ours covers Mauritania only." in text


def test_the_same_acronym_counts_as_a_look_alike(author_client):
    response = author_client.post(
        "/en/submit/", proposal(action="submit", title="Something else entirely", acronym="thamm")
    )
    assert response.status_code == 200
    assert 'href="/en/initiatives/thamm/"' in response.content.decode()
    assert not Submission.objects.exists()


def test_submitting_sends_it_to_the_moderators_queue(author_client, author, moderator, client):
    response = author_client.post("/en/submit/", proposal(action="submit", note_to_moderators="First time here."))
    submission = Submission.objects.get(author=author)
    assert response.status_code == 302 and response["Location"] == f"/en/submissions/{submission.pk}/"
    assert submission.state == State.SUBMITTED and submission.submitted_at is not None
    followed = author_client.get(response["Location"])
    assert "Thank you: your submission was sent to the moderators." in messages_of(followed)
    assert "Submitted" in page(followed)

    mine = author_client.get("/en/submissions/")
    assert PROPOSAL["title"] in page(mine) and "Submitted" in page(mine)

    queue = _as(client, moderator).get("/en/moderation/")
    assert queue.status_code == 200
    assert f'href="/en/moderation/{submission.pk}/"' in queue.content.decode()
    assert "Ana Díaz" in page(queue)


# --- the author's side after submitting ------------------------------------------------------------


def test_the_author_sees_state_and_history_with_the_moderators_messages(client, author, submitted, moderator):
    services.request_changes(submission=submitted, moderator=moderator, message="Please add the end date.")
    response = _as(client, author).get(f"/en/submissions/{submitted.pk}/")
    assert response.status_code == 200
    text = page(response)
    assert "Changes requested" in text
    assert "Draft → Submitted" in text and "Submitted → Changes requested" in text
    assert "Please add the end date." in text
    assert f'href="/en/submissions/{submitted.pk}/edit/"' in text


def test_changes_requested_edit_and_resubmit(client, author, submitted, moderator):
    services.request_changes(submission=submitted, moderator=moderator, message="Please add the end date.")
    first_submitted_at = Submission.objects.get(pk=submitted.pk).submitted_at
    client = _as(client, author)
    edit = client.get(f"/en/submissions/{submitted.pk}/edit/")
    assert edit.status_code == 200
    assert "The moderators asked for changes." in page(edit)
    assert "Please add the end date." in page(edit)
    values = form_values(edit)
    assert values["title"] == [PROPOSAL["title"]] and values["countries"] == ["md"]
    assert values["consent"] == ["on"]

    response = client.post(f"/en/submissions/{submitted.pk}/edit/", proposal(action="submit", end="2026", ongoing=None))
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED
    assert submitted.data["end"] == "2026-12-31"
    assert submitted.submitted_at == first_submitted_at  # still in its place in the queue
    assert list(submitted.transitions.values_list("to_state", flat=True)) == [
        State.SUBMITTED,
        State.CHANGES_REQUESTED,
        State.SUBMITTED,
    ]


def test_withdraw(author_client, submitted, author, proposal_data):
    neighbour = _queued(author, proposal_data, title="The author's other one")
    response = author_client.post(f"/en/submissions/{submitted.pk}/withdraw/")
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == State.WITHDRAWN
    neighbour.refresh_from_db()
    assert neighbour.state == State.SUBMITTED
    followed = author_client.get(response["Location"])
    assert "Your submission was withdrawn." in messages_of(followed)
    # A withdrawn submission is no longer editable, nor can it be withdrawn again.
    edit = author_client.get(f"/en/submissions/{submitted.pk}/edit/", follow=True)
    assert "This submission can no longer be edited." in messages_of(edit)
    again = author_client.post(f"/en/submissions/{submitted.pk}/withdraw/", follow=True)
    assert any("cannot be changed" in m for m in messages_of(again))
    assert submitted.transitions.count() == 2


@pytest.mark.parametrize("message", ["a\x00b", "x" * 10_001])
def test_a_withdrawal_message_that_cannot_be_kept_is_refused(author_client, submitted, message):
    """Found by the property tests: a NUL byte in the message reached PostgreSQL, which refused it (a 500)."""
    response = author_client.post(f"/en/submissions/{submitted.pk}/withdraw/", {"message": message}, follow=True)
    assert response.status_code == 200
    assert any(m.startswith("Why you withdraw it:") for m in messages_of(response))
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED


def test_a_withdrawal_message_is_kept(author_client, submitted):
    author_client.post(f"/en/submissions/{submitted.pk}/withdraw/", {"message": "  Funding ended.  "})
    assert submitted.transitions.last().message == "Funding ended."


def test_suggest_update_is_prefilled_from_the_live_initiative(author_client):
    thamm = Initiative.objects.get(slug="thamm")
    response = author_client.get("/en/initiatives/thamm/suggest-update/")
    assert response.status_code == 200
    assert "Suggest an update to" in page(response)
    values = form_values(response)
    assert values["title"] == [thamm.title]
    assert values["acronym"] == ["THAMM"]
    assert values["summary"] == [thamm.summary]
    assert values["category"] == [thamm.category.slug]
    assert sorted(values["countries"]) == ["dz", "eg", "ly", "ma", "tn"]
    assert sorted(values["implementers"]) == sorted(
        thamm.involvements.filter(role="implementer").values_list("organisation__slug", flat=True)
    )
    assert sorted(values["funders"]) == ["bmz", "eutf-for-africa"]
    assert values["start"] == ["2019"] and values["end"] == ["2025"]
    assert values["tags"] == ["labour migration, labour mobility, skills recognition, vocational training"]
    # The credit fields are the suggester's own (the original credit stays on approval).
    assert values["submitter_name"] == ["Ana Díaz"] and values["submitter_email"] == ["author@example.org"]


def test_every_published_initiative_offers_suggest_an_update(client):
    response = client.get("/en/initiatives/thamm/")
    assert 'href="/en/initiatives/thamm/suggest-update/"' in response.content.decode()
    assert client.get("/en/initiatives/no-such-initiative/suggest-update/").status_code == 302  # log in first


def test_an_approved_update_changes_the_live_initiative_at_the_same_address(author_client, client, author, moderator):
    thamm = Initiative.objects.get(slug="thamm")
    typed = form_values(author_client.get("/en/initiatives/thamm/suggest-update/"))
    data = {name: values if len(values) > 1 else values[0] for name, values in typed.items()}
    data.update(title="THAMM: Labour Migration Governance in North Africa", countries=["ma", "tn"], consent="on")
    data["action"] = "submit"
    response = author_client.post("/en/initiatives/thamm/suggest-update/", data)
    assert response.status_code == 302, form_errors(response)
    update = Submission.objects.get(author=author)
    assert (update.kind, update.initiative, update.state) == (Submission.Kind.UPDATE, thamm, State.SUBMITTED)

    moderation = _as(client, moderator).get(f"/en/moderation/{update.pk}/")
    body = moderation.content.decode()
    changes = page(moderation).split('class="table changes"', 1)[1].split("</table>", 1)[0]
    assert "Title" in changes and thamm.title in changes and data["title"] in changes
    assert "Countries" in changes and "dz, eg, ly, ma, tn" in changes
    assert "Summary" not in changes  # unchanged fields are not listed
    assert "Published initiatives that look similar" not in body

    client.post(f"/en/moderation/{update.pk}/approve/")
    update.refresh_from_db()
    assert update.state == State.APPROVED
    live = client.get("/en/initiatives/thamm/")
    assert live.status_code == 200
    assert f'<h1 dir="auto">{data["title"]}</h1>' in page(live)
    assert "Submitted by Ms. Charlotte …" in page(live)  # the original credit
    thamm.refresh_from_db()
    assert sorted(thamm.countries.values_list("code", flat=True)) == ["ma", "tn"]
    assert Initiative.objects.filter(title=data["title"]).count() == 1


# --- moderating ------------------------------------------------------------------------------------


def _queued(author, data, *, title, category="programmes-and-projects", days_ago=0):
    submission = services.create_submission(
        author=author, data={**data, "title": title, "category": category}, consent=True
    )
    services.submit(submission=submission, author=author)
    Submission.objects.filter(pk=submission.pk).update(submitted_at=timezone.now() - datetime.timedelta(days=days_ago))
    return submission


def _queue_titles(response) -> list[str]:
    return [str(submission) for submission in response.context["submissions"]]


def test_queue_is_oldest_first_and_filters_by_state_age_and_category(
    moderator_client, author, moderator, proposal_data
):
    week_old = _queued(author, proposal_data, title="Week old", days_ago=8)
    _queued(author, proposal_data, title="Fresh", days_ago=0)
    _queued(author, proposal_data, title="Month old research", category="research-and-data", days_ago=40)
    draft = services.create_submission(author=author, data={**proposal_data, "title": "Still a draft"}, consent=True)
    services.claim(submission=week_old, moderator=moderator)

    response = moderator_client.get("/en/moderation/")
    assert _queue_titles(response) == ["Month old research", "Week old", "Fresh"]
    assert "Still a draft" not in page(response)
    assert _queue_titles(moderator_client.get("/en/moderation/?age=7")) == ["Month old research", "Week old"]
    assert _queue_titles(moderator_client.get("/en/moderation/?age=30")) == ["Month old research"]
    assert _queue_titles(moderator_client.get("/en/moderation/?category=research-and-data")) == ["Month old research"]
    assert _queue_titles(moderator_client.get("/en/moderation/?state=in_review")) == ["Week old"]
    assert _queue_titles(moderator_client.get("/en/moderation/?state=draft")) == [str(draft)]
    assert len(_queue_titles(moderator_client.get("/en/moderation/?state=all"))) == 4
    # Filters that mean nothing are ignored, never an error.
    for query in ("age=abc", "category=no-such-category", "state=nonsense", "page=abc", "age=%00", "category=%00"):
        response = moderator_client.get(f"/en/moderation/?{query}")
        assert response.status_code == 200, query


def test_claiming_tells_other_moderators_who_is_reviewing(client, submitted, moderator, second_moderator):
    response = _as(client, moderator).post(f"/en/moderation/{submitted.pk}/claim/")
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == State.IN_REVIEW and submitted.claimed_by == moderator

    other_view = _as(client, second_moderator).get(f"/en/moderation/{submitted.pk}/")
    assert "Being reviewed by Mona Moderator." in page(other_view)
    queue = client.get("/en/moderation/")
    row = page(queue).split(f'id="sel-{submitted.pk}"', 1)[1].split("</tr>", 1)[0]
    assert "Mona Moderator" in row and "In review" in row

    # A second claim is refused with a message and changes nothing.
    again = client.post(f"/en/moderation/{submitted.pk}/claim/", follow=True)
    assert any("cannot be changed" in m for m in messages_of(again))
    submitted.refresh_from_db()
    assert submitted.claimed_by == moderator


def test_the_moderation_page_shows_the_preview_notes_and_history(client, author, submitted, moderator):
    Submission.objects.filter(pk=submitted.pk).update(note_to_moderators="Our annual report is attached.")
    response = _as(client, moderator).get(f"/en/moderation/{submitted.pk}/")
    assert response.status_code == 200
    text = page(response)
    assert "As it will be published" in text
    assert f'<h1 dir="auto">{PROPOSAL["title"]}</h1>' in text
    assert credit_line(timezone.localdate(submitted.submitted_at)) in text
    assert "Republic of Moldova" in text
    assert "Our annual report is attached." in text
    assert "Proposed by Ana Díaz." in text
    assert "Draft → Submitted" in text and "by Ana Díaz" in text
    assert "No notes yet." in text


def test_approve_publishes_with_the_credit_on_the_initiative_and_term_pages(
    client, submitted, moderator, other, proposal_data
):
    neighbour = _queued(other, proposal_data, title="Waiting beside it")
    response = _as(client, moderator).post(f"/en/moderation/{submitted.pk}/approve/", {"message": "Welcome aboard."})
    assert response.status_code == 302
    followed = client.get(response["Location"])
    assert f"Approved and published: {PROPOSAL['title']}" in messages_of(followed)
    submitted.refresh_from_db()
    assert submitted.state == State.APPROVED
    neighbour.refresh_from_db()
    assert neighbour.state == State.SUBMITTED and neighbour.initiative is None
    assert not Initiative.objects.filter(title="Waiting beside it").exists()
    initiative = submitted.initiative
    assert initiative.status == Initiative.Status.PUBLISHED

    credit = credit_line(timezone.localdate(submitted.submitted_at))
    client.logout()
    detail = client.get(f"/en/initiatives/{initiative.slug}/")
    assert detail.status_code == 200
    assert credit in page(detail)
    for url in (
        "/en/regions/eastern-europe/",
        "/en/regions/europe/",
        "/en/themes/regular-pathways/",
        "/en/countries/md/",
    ):
        listing = client.get(url)
        assert listing.status_code == 200, url
        text = page(listing)
        assert f'href="/en/initiatives/{initiative.slug}/"' in text, url
        card = text.split(f'href="/en/initiatives/{initiative.slug}/"', 1)[1].split("</article>", 1)[0]
        assert credit in card, url
    assert PROPOSAL["title"] in page(client.get("/en/initiatives/feed/"))

    mine = _as(client, submitted.author).get(f"/en/submissions/{submitted.pk}/")
    assert "Welcome aboard." in page(mine) and f'href="/en/initiatives/{initiative.slug}/"' in page(mine)


def test_request_changes_needs_a_message(moderator_client, submitted):
    before = Transition.objects.count()
    response = moderator_client.post(f"/en/moderation/{submitted.pk}/request_changes/", {"message": "  "}, follow=True)
    assert response.status_code == 200
    assert any("Please write a message to the submitter" in m for m in messages_of(response))
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED and Transition.objects.count() == before

    moderator_client.post(f"/en/moderation/{submitted.pk}/request_changes/", {"message": "Please add the end date."})
    submitted.refresh_from_db()
    assert submitted.state == State.CHANGES_REQUESTED
    assert submitted.transitions.last().message == "Please add the end date."


def test_reject_needs_a_reason_and_the_author_sees_it(client, author, submitted, moderator):
    client = _as(client, moderator)
    refused = client.post(f"/en/moderation/{submitted.pk}/reject/", {"message": ""}, follow=True)
    assert any("Please write a message to the submitter" in m for m in messages_of(refused))
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED

    response = client.post(f"/en/moderation/{submitted.pk}/reject/", {"message": "Out of scope for this portal."})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == State.REJECTED and submitted.decided_at is not None
    assert not Initiative.objects.filter(title=PROPOSAL["title"]).exists()
    author_page = _as(client, author).get(f"/en/submissions/{submitted.pk}/")
    assert "Rejected" in page(author_page) and "Out of scope for this portal." in page(author_page)


@pytest.mark.parametrize("action", ["approve", "request_changes", "reject"])
def test_a_decision_message_that_is_too_long_is_refused_clearly(moderator_client, submitted, action):
    before = Transition.objects.count()
    response = moderator_client.post(f"/en/moderation/{submitted.pk}/{action}/", {"message": "x" * 10_001}, follow=True)
    assert response.status_code == 200
    assert any("at most 10000 characters" in m for m in messages_of(response)), messages_of(response)
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED and Transition.objects.count() == before
    assert not Initiative.objects.filter(title=PROPOSAL["title"]).exists()


def test_a_bulk_message_that_is_too_long_is_refused_clearly(moderator_client, submitted):
    response = moderator_client.post(
        "/en/moderation/bulk/", {"action": "approve", "selected": [submitted.pk], "message": "x" * 10_001}, follow=True
    )
    assert any("at most 10000 characters" in m for m in messages_of(response)), messages_of(response)
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED


def test_internal_notes_are_for_moderators_only(client, author, submitted, moderator):
    client = _as(client, moderator)
    response = client.post(f"/en/moderation/{submitted.pk}/note/", {"text": "Known partner; check the budget."})
    assert response.status_code == 302
    assert ModeratorNote.objects.get().text == "Known partner; check the budget."
    assert "Known partner; check the budget." in page(client.get(f"/en/moderation/{submitted.pk}/"))
    empty = client.post(f"/en/moderation/{submitted.pk}/note/", {"text": "  "}, follow=True)
    assert "The note is empty or too long." in messages_of(empty)
    assert ModeratorNote.objects.count() == 1

    services.request_changes(submission=submitted, moderator=moderator, message="Please add the end date.")
    client = _as(client, author)
    for url in (
        "/en/submissions/",
        f"/en/submissions/{submitted.pk}/",
        f"/en/submissions/{submitted.pk}/edit/",
        f"/en/submissions/{submitted.pk}/preview/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Known partner" not in page(response), url
        assert "Internal notes" not in page(response), url


def test_bulk_approve_and_reject(client, author, moderator, proposal_data):
    first = _queued(author, proposal_data, title="First of many", days_ago=2)
    second = _queued(author, proposal_data, title="Second of many", days_ago=1)
    third = _queued(author, proposal_data, title="Third of many")
    client = _as(client, moderator)

    refused = client.post(
        "/en/moderation/bulk/", {"action": "reject", "selected": [first.pk, second.pk], "message": ""}, follow=True
    )
    notes = messages_of(refused)
    assert any(m.startswith("First of many: Please write a message") for m in notes), notes
    assert any(m.startswith("Second of many: Please write a message") for m in notes), notes
    assert not any("done" in m for m in notes)
    assert set(Submission.objects.values_list("state", flat=True)) == {State.SUBMITTED}

    nothing = client.post("/en/moderation/bulk/", {"action": "approve", "message": ""}, follow=True)
    assert "Choose at least one submission and an action." in messages_of(nothing)

    approved = client.post(
        "/en/moderation/bulk/", {"action": "approve", "selected": [first.pk, second.pk]}, follow=True
    )
    assert "2 submissions done." in messages_of(approved)
    for submission in (first, second):
        submission.refresh_from_db()
        assert submission.state == State.APPROVED
        assert client.get(submission.initiative.get_absolute_url()).status_code == 200
    third.refresh_from_db()
    assert third.state == State.SUBMITTED  # not selected: left waiting
    assert not Initiative.objects.filter(title="Third of many").exists()

    rejected = client.post(
        "/en/moderation/bulk/",
        {"action": "reject", "selected": [first.pk, third.pk], "message": "Duplicate of an existing entry."},
        follow=True,
    )
    notes = messages_of(rejected)
    assert "1 submission done." in notes, notes
    assert any(m.startswith("First of many:") and "cannot be changed" in m for m in notes), notes
    first.refresh_from_db()
    third.refresh_from_db()
    assert first.state == State.APPROVED and third.state == State.REJECTED


# --- abuse and bad input ---------------------------------------------------------------------------


def test_a_filled_honeypot_saves_nothing(author_client):
    for action in ("save", "submit"):
        response = author_client.post("/en/submit/", proposal(action=action, homepage="https://spam.example"))
        assert response.status_code == 200
        assert "This submission looks automated and was not saved." in page(response)
        assert 'role="alert"' in response.content.decode()
    assert not Submission.objects.exists()


def test_the_daily_limit_is_explained(author_client, author, settings):
    settings.SUBMISSIONS_PER_DAY = 2
    for n in range(2):
        _submitted_via_http(author_client, title=f"Pilot number {n}", acronym=f"P{n}")
    response = author_client.post("/en/submit/", proposal(action="submit", title="One too many", acronym="P3"))
    assert response.status_code == 302
    followed = author_client.get(response["Location"])
    assert any("You have sent 2 submissions in the last 24 hours" in m for m in messages_of(followed))
    third = Submission.objects.get(title="One too many")
    assert third.state == State.DRAFT  # kept, not lost, but not sent
    assert Submission.objects.filter(state=State.SUBMITTED).count() == 2


LONG = "x" * 10_000
TOO_LONG = {
    "title": LONG,
    "acronym": LONG,
    "summary": LONG,
    "description": "y" * 20_001,
    "other_organisations": LONG,
    "start": LONG,
    "end": LONG,
    "website": "https://example.org/" + LONG,
    "links": "https://example.org/" + LONG + " Report",
    "tags": LONG,
    "submitter_name": LONG,
    "submitter_organisation": LONG,
    "submitter_email": LONG + "@example.org",
    "note_to_moderators": LONG,
    "duplicate_explanation": LONG,
}


@pytest.mark.parametrize("action", ["save", "submit"])
@pytest.mark.parametrize("field", list(TOO_LONG))
def test_every_field_has_a_maximum_length(author_client, field, action):
    response = author_client.post("/en/submit/", proposal(action=action, **{field: TOO_LONG[field]}))
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="id_{field}_error"' in body
    assert f'href="#field-{field}"' in body.split('role="alert"', 1)[1].split("</div>", 1)[0]
    assert not Submission.objects.exists()


@pytest.mark.parametrize(
    "field, value",
    [
        ("links", "https://example.org/" + "a" * 600 + " Report"),
        ("links", "https://example.org/report " + "T" * 301),
        ("tags", "labour, " + "t" * 101),
        ("other_organisations", "Moldovan Employment Agency\n" + "O" * 256),
    ],
)
def test_a_long_item_in_a_list_is_refused_rather_than_cut(author_client, field, value):
    response = author_client.post("/en/submit/", proposal(action="save", **{field: value}))
    assert response.status_code == 200
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not Submission.objects.exists()


@pytest.mark.parametrize(
    "field, value",
    [
        ("website", "javascript:alert(1)"),
        ("website", "JaVaScRiPt:alert(1)"),
        ("website", "data:text/html,<script>alert(1)</script>"),
        ("links", "javascript:alert(1) Click me"),
        ("links", "https://example.org/ok Fine\njavascript:alert(1)//https://x Click"),
        ("links", "ftp://example.org/file Old protocol"),
        ("start", "2019-02-30"),
        ("start", "20190"),
        ("end", "1800"),
        ("category", "no-such-category"),
        ("countries", ["md", "zz"]),
        ("submitter_honorific", "Sir"),
        ("scope", "galactic"),
        ("submitter_email", "not-an-address"),
    ],
)
def test_bad_values_are_explained_next_to_their_field(author_client, field, value):
    response = author_client.post("/en/submit/", proposal(action="submit", **{field: value}))
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="id_{field}_error"' in body
    assert re.search(rf'aria-describedby="([^"]+ )?id_{field}_error"', body)  # on the input or the picker
    assert not Submission.objects.exists()


@pytest.mark.parametrize(
    "field, value",
    [
        ("title", "A title with a NUL \x00 byte"),
        ("summary", "\x00"),
        ("category", "\x00"),
        ("countries", ["\x00"]),
        ("themes", ["regular-pathways", "\x00"]),
        ("implementers", ["\x00"]),
        ("links", "https://example.org/\x00 Report"),
    ],
)
def test_a_nul_byte_is_refused_not_a_crash(author_client, field, value):
    response = author_client.post("/en/submit/", proposal(action="save", **{field: value}))
    assert response.status_code == 200
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not Submission.objects.exists()


@pytest.mark.parametrize("tags", ["!!!", "labour, ...", "<>", "-"])
def test_a_tag_without_a_letter_or_digit_is_refused(author_client, tags):
    response = author_client.post("/en/submit/", proposal(action="save", tags=tags))
    assert response.status_code == 200
    assert "needs at least one letter or digit" in page(response)
    assert not Submission.objects.exists()


@pytest.mark.parametrize("tag", ["Café", "ωμέγα"])
def test_an_approved_tag_with_accents_keeps_the_initiative_page_working(author_client, client, author, moderator, tag):
    submission = _submitted_via_http(author_client, tags=f"labour, {tag}")
    initiative = services.approve(submission=submission, moderator=moderator)
    client.logout()
    response = client.get(initiative.get_absolute_url())
    assert response.status_code == 200
    assert tag in page(response)
