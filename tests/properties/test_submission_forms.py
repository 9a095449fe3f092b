"""The proposal form (new, edit, suggested update) and the moderation forms with random and hostile input.

Never a 5xx. A proposal form that comes back (errors, or look-alikes to confirm) keeps everything typed in its text
fields and saves nothing. Proposals that the form accepts, however odd, go through preview, moderation and
approval, and the published initiative's pages, feed and API answer without error.
"""

from django.http import QueryDict
from django.urls import reverse
from hypothesis import event, given
from hypothesis import strategies as st

from initiatives.models import Initiative
from submissions import services
from submissions.forms import DecisionForm, NoteForm, ProposalForm, WithdrawForm
from submissions.models import Submission
from submissions.views import MODERATOR_ACTIONS
from tests.properties import examples
from tests.properties.base import PropertyTestCase
from tests.properties.strategies import (
    almost,
    arbitrary_text,
    checkbox,
    emails,
    encode,
    field,
    form,
    honorifics,
    hostile_samples,
    hostile_value,
    link_lines,
    long_text,
    organisation_lines,
    partial_dates,
    real,
    search_words,
    segment,
    several,
    tag_lists,
    web_addresses,
)
from tests.submissions.conftest import PROPOSAL

titles = st.one_of(
    st.sampled_from(["Seasonal Workers Mobility Pilot", "THAMM", "Towards a Holistic Approach to Labour Migration"]),
    st.lists(search_words, min_size=1, max_size=8).map(" ".join),
    arbitrary_text,
)
prose = st.one_of(
    st.sampled_from(
        [
            "A pilot that matches seasonal workers with employers.",
            "## Results\n\n* 300 workers placed\n* [report](https://example.org/r.pdf)",
            "[click](javascript:alert(1)) <script>alert(1)</script> <img src=x onerror=alert(1)>",
            "| a | b |\n|---|---|\n| 1 | 2 |",
            "```\n{{ request }}\n```",
            "![x](https://evil.example/x.png)",
            "<<>>" * 10,
        ]
    ),
    arbitrary_text,
    long_text,
)
people = st.one_of(st.sampled_from(["Ana Díaz", "Ministry of Labour", "O'Brien & Sons <Ltd>"]), arbitrary_text)
actions = st.sampled_from(["save", "preview", "submit"])

PROPOSAL_FIELDS = {
    "title": field(titles),
    "acronym": field(st.sampled_from(["SWMP", "THAMM", "AMICALL", ""])),
    "summary": field(prose),
    "description": field(prose),
    "category": field(real("category")),
    "themes": several(real("theme")),
    "principles": several(real("principle")),
    "scope": field(st.sampled_from(["", "global", "regional", "national", "local"])),
    "regions": several(real("region")),
    "countries": several(real("country")),
    "implementers": several(real("organisation")),
    "partners": several(real("organisation")),
    "funders": several(real("organisation")),
    "other_organisations": field(organisation_lines),
    "start": field(partial_dates),
    "end": field(partial_dates),
    "ongoing": field(checkbox),
    "website": field(web_addresses),
    "links": field(link_lines),
    "tags": field(tag_lists),
    "submitter_honorific": field(honorifics),
    "submitter_name": field(people),
    "submitter_organisation": field(people),
    "submitter_email": field(emails),
    "language": field(st.one_of(st.sampled_from(["en", "fr", "es", "ar", "", "xx", "en-us"]), hostile_value)),
    "title_ar": field(st.one_of(st.just(""), titles)),
    "summary_es": field(st.one_of(st.just(""), prose)),
}
DETAILS_FIELDS = {
    "note_to_moderators": field(prose),
    "duplicate_explanation": field(st.one_of(st.just(""), prose)),
    "consent": field(checkbox),
    "homepage": st.one_of(st.none(), st.none(), st.none(), st.just(""), hostile_value),  # the honeypot
    "action": field(actions),
    "confirm_not_duplicate": field(st.sampled_from(["yes", "no"])),
}


def flat(values: dict) -> list:
    """``{name: value or list of values}`` as ``(name, value)`` pairs."""
    return [(name, item) for name, value in values.items() for item in (value if isinstance(value, list) else [value])]


def with_changes(base: list, changes: list) -> list:
    """``base`` with the fields named in ``changes`` replaced by theirs (a None leaves the field out)."""
    changed = {name for name, _value in changes}
    return [pair for pair in base if pair[0] not in changed] + flat(
        {name: value for name, value in changes if value is not None}
    )


ALL_FIELDS = {**PROPOSAL_FIELDS, **DETAILS_FIELDS}
changed_field = st.sampled_from(sorted(ALL_FIELDS)).flatmap(lambda name: st.tuples(st.just(name), ALL_FIELDS[name]))
# The example proposal (sent as it is, previewed or submitted) with a few of its fields changed, or every field drawn.
proposals = st.one_of(
    st.builds(
        with_changes,
        st.builds(lambda action: [*flat(PROPOSAL), ("consent", "on"), ("action", action)], actions),
        st.lists(changed_field, max_size=3),
    ),
    form(ALL_FIELDS),
)
TRANSLATION_FIELDS = {
    "language": field(st.one_of(st.sampled_from(["fr", "es", "ar", "en", "", "xx"]), hostile_value)),
    "title": field(titles),
    "acronym": field(st.sampled_from(["SWMP", "THAMM", ""])),
    "summary": field(prose),
    "description": field(prose),
    "note_to_moderators": field(prose),
    "consent": field(checkbox),
    "homepage": st.one_of(st.none(), st.none(), st.just(""), hostile_value),
    "action": field(actions),
}
translations = form(TRANSLATION_FIELDS)
TEXT_FIELDS = (
    "title_ar",
    "summary_es",
    "title",
    "acronym",
    "summary",
    "description",
    "other_organisations",
    "start",
    "end",
    "website",
    "links",
    "tags",
    "submitter_name",
    "submitter_organisation",
    "submitter_email",
    "note_to_moderators",
    "duplicate_explanation",
)
too_long = st.integers(10_001, 10_050).map(lambda length: "x" * length)  # the messages' limit is 10,000
messages = st.one_of(prose, hostile_value, too_long, st.just(""))


def mostly(valid: st.SearchStrategy, other: st.SearchStrategy) -> st.SearchStrategy:
    """A value of ``valid`` three times in four, else one of ``other``."""
    return st.tuples(st.integers(0, 3), valid, other).map(lambda drawn: drawn[2] if drawn[0] == 0 else drawn[1])


moderator_actions = mostly(st.sampled_from(sorted(MODERATOR_ACTIONS)), almost(st.sampled_from(["approve", "note"])))
author_actions = mostly(st.sampled_from(["submit", "withdraw"]), almost(st.sampled_from(["submit", "withdraw"])))
MODERATION_FIELDS = {"message": field(messages), "text": field(messages)}

URL_NAMES = {
    "submissions:create",
    "submissions:edit",
    "submissions:suggest-update",
    "submissions:suggest-translation",
    "submissions:preview",
    "submissions:author-action",
    "submissions:moderate",
    "submissions:moderator-action",
    "submissions:bulk",
    "submissions:correct",
}


def accepted_proposal(pairs) -> dict:
    """What the form makes of ``pairs``, with each field it refuses replaced by the example proposal's value."""
    posted = QueryDict(encode(pairs), mutable=True)
    for _attempt in range(3):
        proposal = ProposalForm(posted)
        if proposal.is_valid():
            return proposal.to_data()
        for name in proposal.errors:
            if name in PROPOSAL:
                value = PROPOSAL[name]
                posted.setlist(name, value if isinstance(value, list) else [value])
            else:
                posted.pop(name, None)
    return example_proposal()


def example_proposal() -> dict:
    proposal = ProposalForm(PROPOSAL)
    assert proposal.is_valid(), proposal.errors
    return proposal.to_data()


class SubmissionFormTests(PropertyTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        data = example_proposal()
        cls.draft = services.create_submission(author=cls.submitter, data=data, consent=True)
        cls.waiting = [
            services.submit(
                submission=services.create_submission(author=cls.submitter, data=data, consent=True),
                author=cls.submitter,
            )
            for _ in range(2)
        ]
        cls.published = Initiative.objects.published().order_by("pk").first()
        # Issue 13: a submission under review, corrected with hostile input by the moderator who claimed it.
        cls.in_review = services.claim(
            submission=services.submit(
                submission=services.create_submission(author=cls.submitter, data=data, consent=True),
                author=cls.submitter,
            ),
            moderator=cls.moderator,
        )

    def check_proposal(self, path: str, pairs):
        self.log_in("submitter")
        before = self.snapshot()
        response = self.post(path, pairs)
        again = response.status_code in (200, 400) and response.context is not None and "form" in response.context
        errors = self.form_errors(response, "form", "details")
        event(f"{response.status_code} {'errors' if errors else 'look-alikes' if again else 'saved'}")
        if again:
            self.assert_kept(response, TEXT_FIELDS)
            self.assert_nothing_saved(before)

    @examples(0.7)
    @given(pairs=proposals)
    def test_propose(self, pairs):
        self.check_proposal(reverse("submissions:create"), pairs)

    @examples(0.3)
    @given(pairs=proposals)
    def test_edit_draft(self, pairs):
        self.check_proposal(reverse("submissions:edit", args=[self.draft.pk]), pairs)

    @examples(0.3)
    @given(pairs=proposals)
    def test_correct(self, pairs):
        self.log_in("moderator")
        before = self.snapshot()
        response = self.post(reverse("submissions:correct", args=[self.in_review.pk]), pairs)
        again = response.status_code in (200, 400) and response.context is not None and "form" in response.context
        event(f"{response.status_code} {'again' if again else 'saved or refused'}")
        if again:  # the proposal's fields are kept (the notes to the moderators are not on this form)
            self.assert_kept(response, [name for name in TEXT_FIELDS if name in ProposalForm.base_fields])
            self.assert_nothing_saved(before)

    @examples(0.3)
    @given(pairs=proposals)
    def test_suggest_update(self, pairs):
        self.check_proposal(reverse("submissions:suggest-update", args=[self.published.slug]), pairs)

    @examples(0.3)
    @given(pairs=translations)
    def test_suggest_translation(self, pairs):
        self.check_proposal(reverse("submissions:suggest-translation", args=[self.published.slug]), pairs)

    @examples(0.5)
    @given(pairs=form({"message": field(messages)}), action=author_actions, which=st.sampled_from(["draft", "waiting"]))
    def test_author_actions(self, pairs, action, which):
        self.log_in("submitter")
        submission = self.draft if which == "draft" else self.waiting[0]
        before = self.snapshot()
        path = reverse("submissions:detail", args=[submission.pk]) + f"{segment(action)}/"
        response = self.post(path, pairs)
        event(f"{action if action in ('submit', 'withdraw') else 'other'}: {response.status_code}")
        if action == "withdraw" and not WithdrawForm(response.wsgi_request.POST).is_valid():
            self.assert_nothing_saved(before)

    @examples(0.7)
    @given(
        proposal=form(PROPOSAL_FIELDS, unknown=False),
        update=st.booleans(),
        claimed=st.booleans(),
        action=moderator_actions,
        pairs=form(MODERATION_FIELDS),
    )
    def test_moderate(self, proposal, update, claimed, action, pairs):
        """An odd but accepted proposal, previewed by its author, then acted on by a moderator with any message."""
        initiative = self.published if update else None
        kind = Submission.Kind.UPDATE if update else Submission.Kind.NEW
        submission = services.create_submission(
            author=self.submitter, data=accepted_proposal(proposal), kind=kind, initiative=initiative, consent=True
        )
        submission = services.submit(submission=submission, author=self.submitter)
        if claimed:
            submission = services.claim(submission=submission, moderator=self.moderator)

        self.log_in("submitter")
        self.assert_no_server_error(self.client.get(reverse("submissions:preview", args=[submission.pk])))
        self.log_in("moderator")
        self.assert_no_server_error(self.client.get(reverse("submissions:moderate", args=[submission.pk])))

        before = self.snapshot()
        path = reverse("submissions:moderate", args=[submission.pk]) + f"{segment(action)}/"
        response = self.post(path, pairs)
        posted = response.wsgi_request.POST
        if not DecisionForm(posted).is_valid() or (action == "note" and not NoteForm(posted).is_valid()):
            self.assert_nothing_saved(before)  # never act without the message the moderator wrote
        submission.refresh_from_db()
        event(f"{action if action in MODERATOR_ACTIONS else 'other'}: {submission.state}")
        if submission.state == Submission.State.APPROVED:
            published = submission.initiative
            for url in (
                published.get_absolute_url(),
                reverse("initiatives:feed") + "?" + encode([("q", published.title)]),
                reverse("api:initiative-detail", args=[published.slug]),
            ):
                self.assert_no_server_error(self.client.get(url), url)

    @examples(0.3)
    @given(
        pairs=form(
            {
                "action": field(st.sampled_from(["approve", "reject"])),
                "selected": st.lists(
                    st.one_of(st.sampled_from(["waiting-0", "waiting-1"]), hostile_samples, hostile_value), max_size=5
                ),
                "message": field(messages),
            }
        )
    )
    def test_bulk_moderation(self, pairs):
        self.log_in("moderator")
        pks = {f"waiting-{n}": str(submission.pk) for n, submission in enumerate(self.waiting)}
        pairs = [(name, pks.get(value, value) if name == "selected" else value) for name, value in pairs]
        before = self.snapshot()
        response = self.post(reverse("submissions:bulk"), pairs)
        if not DecisionForm(response.wsgi_request.POST).is_valid():
            self.assert_nothing_saved(before)
