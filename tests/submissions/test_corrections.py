"""Moderators correct a submission before approving it (issue 13): the moderator who claimed it opens the proposal
form (or the translation form) prefilled with its data, fixes typos and classification, and saves. The correction is
its own event (data before and after, who, when, a note); the submitter sees exactly what changed, the approval
e-mail says so with a link, and approval publishes the corrected data.

Through the public surface: the pages as a browser posts them, the database, the outbox.
"""

import pytest

from initiatives.models import Initiative
from submissions import services
from submissions.models import Correction, Submission

from .test_views import form_values, messages_of, page, proposal

pytestmark = pytest.mark.django_db
State = Submission.State

TYPO = "Seasonal Wrokers Mobility Pilot"
FIXED = "Seasonal Workers Mobility Pilot"


def _as(client, user):
    client.logout()
    client.force_login(user)
    return client


@pytest.fixture
def in_review(client, author, moderator):
    """A new proposal with a typo in its title, sent through the form and claimed by ``moderator``."""
    _as(client, author)
    response = client.post("/en/submit/", proposal(action="submit", title=TYPO))
    assert response.status_code == 302
    submission = Submission.objects.get(title=TYPO)
    services.claim(submission=submission, moderator=moderator)
    return submission


def _corrected_form(client, submission, **changes) -> dict:
    """The correction form as the browser shows it, with ``changes`` made (lists for multiple choices)."""
    response = client.get(f"/en/moderation/{submission.pk}/correct/")
    assert response.status_code == 200
    values = {name: value if len(value) > 1 else value[0] for name, value in form_values(response).items()}
    values.update(changes)
    return {name: value for name, value in values.items() if value is not None}


def test_the_reviewing_moderator_corrects_and_the_correction_is_recorded(client, in_review, moderator, author):
    neighbour = services.create_submission(author=author, data=dict(in_review.data), consent=True)
    _as(client, moderator)
    page_of_submission = client.get(f"/en/moderation/{in_review.pk}/")
    assert f'href="/en/moderation/{in_review.pk}/correct/"' in page_of_submission.content.decode()

    form = client.get(f"/en/moderation/{in_review.pk}/correct/")
    text = page(form)
    assert "Correct “Seasonal Wrokers Mobility Pilot” before approving" in text
    assert f'value="{TYPO}"' in text  # prefilled with the submission's data
    assert "Save corrections" in text and "Submit for review" not in text

    before = dict(in_review.data)
    data = _corrected_form(
        client,
        in_review,
        title=FIXED,
        themes=["regular-pathways"],  # one theme dropped: a change of classification
        correction_note="Fixed a typo in the title; one theme was enough.",
    )
    response = client.post(f"/en/moderation/{in_review.pk}/correct/", data)
    assert response.status_code == 302 and response["Location"] == f"/en/moderation/{in_review.pk}/"

    in_review.refresh_from_db()
    assert in_review.state == State.IN_REVIEW and in_review.claimed_by == moderator  # still in review
    assert in_review.title == FIXED and in_review.data["title"] == FIXED
    assert in_review.data["themes"] == ["regular-pathways"]
    (correction,) = Correction.objects.all()
    assert correction.submission == in_review and correction.moderator == moderator
    assert correction.before == before and correction.after == in_review.data
    assert correction.note == "Fixed a typo in the title; one theme was enough."
    # Nothing else was corrected: the neighbour (same data, same author) is as it was.
    neighbour.refresh_from_db()
    assert neighbour.title == TYPO and not neighbour.corrections.exists()


def test_the_submitter_sees_exactly_what_was_changed(client, in_review, moderator, author):
    _as(client, moderator)
    data = _corrected_form(client, in_review, title=FIXED, themes=["regular-pathways"], correction_note="A typo.")
    client.post(f"/en/moderation/{in_review.pk}/correct/", data)

    response = _as(client, author).get(f"/en/submissions/{in_review.pk}/")
    text = page(response)
    assert "Corrected by the moderators" in text
    assert f"<del>{TYPO}</del>" in text and f"<ins>{FIXED}</ins>" in text
    assert "<del>regular-pathways, recruitment-and-decent-work</del>" in text
    assert "<ins>regular-pathways</ins>" in text
    assert "A typo." in text
    # Only what changed: the summary, the countries… are not listed.
    assert '<th scope="row">Summary</th>' not in response.content.decode()
    assert '<th scope="row">Countries</th>' not in response.content.decode()
    # The moderators see it too, with who corrected.
    moderation = page(_as(client, moderator).get(f"/en/moderation/{in_review.pk}/"))
    assert "Corrected by the moderators" in moderation and "by Mona Moderator" in moderation


def test_approval_publishes_the_corrected_data_and_the_email_says_so(
    client, in_review, moderator, author, mailoutbox, mail_sent_at_once, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://practices.example.org"
    _as(client, moderator)
    data = _corrected_form(client, in_review, title=FIXED, themes=["regular-pathways"])
    client.post(f"/en/moderation/{in_review.pk}/correct/", data)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/en/moderation/{in_review.pk}/approve/", {"message": "Thank you."})
    assert response.status_code == 302
    initiative = Initiative.objects.get(title=FIXED)
    assert initiative.is_published()
    assert list(initiative.themes.values_list("slug", flat=True)) == ["regular-pathways"]
    assert not Initiative.objects.filter(title=TYPO).exists()

    (email,) = mailoutbox
    link = f"https://practices.example.org/en/submissions/{in_review.pk}/"
    assert "corrected your submission before publishing it" in email.body and link in email.body
    assert f'href="{link}"' in email.alternatives[0].content


def test_an_approval_without_corrections_does_not_mention_them(
    client, in_review, moderator, mailoutbox, mail_sent_at_once, django_capture_on_commit_callbacks
):
    _as(client, moderator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/en/moderation/{in_review.pk}/approve/", {"message": ""})
    (email,) = mailoutbox
    assert "corrected" not in email.body
    response = _as(client, in_review.author).get(f"/en/submissions/{in_review.pk}/")
    assert "Corrected by the moderators" not in page(response)


def test_only_the_moderator_who_claimed_it_may_correct(client, in_review, moderator, author, make_user):
    staff = make_user("staff@example.org", name="Stan Staff")
    staff.is_staff = True
    staff.save()
    second = make_user("second@example.org", moderator=True, name="Max Second")
    path = f"/en/moderation/{in_review.pk}/correct/"
    data = proposal(title=FIXED)
    # The author and a plain staff user are not moderators: 403, for the page and the post.
    for user in (author, staff):
        assert _as(client, user).get(path).status_code == 403
        assert client.post(path, data).status_code == 403
    # A moderator who has not claimed it is sent back to the submission with a word, and nothing changes.
    response = _as(client, second).post(path, data)
    assert response.status_code == 302 and response["Location"] == f"/en/moderation/{in_review.pk}/"
    assert _as(client, second).get(path).status_code == 302
    moderation = page(client.get(f"/en/moderation/{in_review.pk}/"))
    assert f'href="{path}"' not in moderation
    with pytest.raises(services.TransitionRefused, match="claim it first"):
        services.correct(submission=in_review, moderator=second, data={"title": FIXED})
    with pytest.raises(services.TransitionRefused, match="Only moderators"):
        services.correct(submission=in_review, moderator=author, data={"title": FIXED})
    in_review.refresh_from_db()
    assert in_review.title == TYPO and not Correction.objects.exists()
    # The author still cannot edit it while it is in review.
    response = _as(client, author).get(f"/en/submissions/{in_review.pk}/edit/")
    assert response.status_code == 302 and response["Location"] == f"/en/submissions/{in_review.pk}/"


@pytest.mark.parametrize("state", [State.SUBMITTED, State.APPROVED, State.CHANGES_REQUESTED])
def test_a_submission_not_in_review_is_not_corrected(client, in_review, moderator, state):
    if state == State.SUBMITTED:
        services.release(submission=in_review, moderator=moderator)
    elif state == State.APPROVED:
        services.approve(submission=in_review, moderator=moderator)
    else:
        services.request_changes(submission=in_review, moderator=moderator, message="Dates, please.")
    response = _as(client, moderator).post(f"/en/moderation/{in_review.pk}/correct/", proposal(title=FIXED))
    assert response.status_code == 302
    assert "claim it first" in " ".join(messages_of(client.get(response["Location"])))
    with pytest.raises(services.TransitionRefused):
        services.correct(submission=in_review, moderator=moderator, data={"title": FIXED})
    in_review.refresh_from_db()
    assert in_review.title == TYPO and not Correction.objects.exists()


def test_bad_input_keeps_the_form_and_records_nothing(client, in_review, moderator):
    _as(client, moderator)
    data = _corrected_form(
        client,
        in_review,
        title="",
        summary="A summary typed by the moderator.",
        start="not a date",
        correction_note="x" * 5001,
    )
    response = client.post(f"/en/moderation/{in_review.pk}/correct/", data)
    assert response.status_code == 200
    text = page(response)
    assert "Please correct the following:" in text
    assert 'id="field-title"' in text and "This field is required." in text
    assert "Enter a year (2019), a month (2019-06) or a date (2019-06-22)." in text
    assert "Ensure this value has at most 5000 characters" in text
    assert "A summary typed by the moderator." in text and 'value="not a date"' in text
    in_review.refresh_from_db()
    assert in_review.title == TYPO and not Correction.objects.exists()


def test_a_correction_that_changes_nothing_is_not_recorded(client, in_review, moderator):
    _as(client, moderator)
    response = client.post(f"/en/moderation/{in_review.pk}/correct/", _corrected_form(client, in_review))
    assert response.status_code == 200
    assert "Nothing was changed" in " ".join(messages_of(response))
    assert not Correction.objects.exists()


def test_an_unknown_submission_is_a_404(client, moderator):
    assert _as(client, moderator).get("/en/moderation/999999/correct/").status_code == 404


def test_data_the_form_does_not_know_is_kept(in_review, moderator):
    Submission.objects.filter(pk=in_review.pk).update(data={**in_review.data, "kept": {"by": "another part"}})
    in_review.refresh_from_db()
    services.correct(submission=in_review, moderator=moderator, data={"title": FIXED})
    in_review.refresh_from_db()
    assert in_review.data["kept"] == {"by": "another part"} and in_review.data["title"] == FIXED


def test_an_update_is_corrected_and_the_live_initiative_gets_the_corrected_version(client, author, moderator):
    thamm = Initiative.objects.get(slug="thamm")
    _as(client, author)
    form = client.get(f"/en/initiatives/{thamm.slug}/suggest-update/")
    values = {name: value if len(value) > 1 else value[0] for name, value in form_values(form).items()}
    values.update(summary="An updated summmary with a typo.", consent="on", action="submit")
    assert client.post(f"/en/initiatives/{thamm.slug}/suggest-update/", values).status_code == 302
    submission = Submission.objects.get(kind=Submission.Kind.UPDATE)
    services.claim(submission=submission, moderator=moderator)

    _as(client, moderator)
    data = _corrected_form(client, submission, summary="An updated summary without a typo.")
    assert client.post(f"/en/moderation/{submission.pk}/correct/", data).status_code == 302
    detail = page(_as(client, author).get(f"/en/submissions/{submission.pk}/"))
    assert "<del>An updated summmary with a typo.</del>" in detail
    assert "<ins>An updated summary without a typo.</ins>" in detail

    services.approve(submission=submission, moderator=moderator)
    thamm.refresh_from_db()
    assert thamm.summary == "An updated summary without a typo."


def test_a_translation_is_corrected_in_the_translation_form(client, author, moderator, settings):
    settings.MODELTRANSLATION_LANGUAGES = ("en", "fr", "es", "ar")
    thamm = Initiative.objects.get(slug="thamm")
    _as(client, author)
    response = client.post(
        f"/en/initiatives/{thamm.slug}/suggest-translation/",
        {
            "language": "es",
            "title": "Hacia un enfoque holístco",
            "summary": "Un resumen.",
            "consent": "on",
            "action": "submit",
        },
    )
    assert response.status_code == 302
    submission = Submission.objects.get(kind=Submission.Kind.TRANSLATION)
    services.claim(submission=submission, moderator=moderator)

    _as(client, moderator)
    form = client.get(f"/en/moderation/{submission.pk}/correct/")
    assert form.status_code == 200
    assert form.templates[0].name == "submissions/translation_form.html"
    data = _corrected_form(client, submission, language="es", title="Hacia un enfoque holístico")
    assert client.post(f"/en/moderation/{submission.pk}/correct/", data).status_code == 302
    detail = page(_as(client, author).get(f"/en/submissions/{submission.pk}/"))
    assert "<del>Hacia un enfoque holístco</del>" in detail and "<ins>Hacia un enfoque holístico</ins>" in detail

    services.approve(submission=submission, moderator=moderator)
    thamm.refresh_from_db()
    assert thamm.title_es == "Hacia un enfoque holístico"
