"""E-mail about submissions: enqueued only once the decision has committed, sent by the real database
worker (``db_worker``), to the right people, with the moderator's message, a Reply-To that reaches the
moderation team, an HTML alternative and absolute links. A failing mail server delays a notice (the
task schedules itself again) but never loses it nor the decision."""

import datetime
import re
import smtplib

import pytest
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import transaction
from django.tasks import TaskResultStatus
from django.urls import resolve, reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from portal import mail
from submissions import services
from submissions.models import Submission

pytestmark = pytest.mark.django_db
State = Submission.State

SITE = "https://practices.example.org"
TEAM = "moderation-team@example.org"
TITLE = "Seasonal Workers Mobility Pilot"
MESSAGE = "Please add the end date.\nThanks & regards, <b>Mona</b>"


@pytest.fixture(autouse=True)
def _mail_settings(settings):
    settings.SITE_URL = SITE
    settings.SITE_NAME = "Practice Portal"
    settings.MODERATION_EMAIL = TEAM
    settings.DEFAULT_FROM_EMAIL = "portal@example.org"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a service call and then its on-commit callbacks, as a real commit would."""

    def run(call, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(**kwargs)

    return run


class FlakyMailServer(LocmemBackend):
    """The test outbox behind a mail server that drops the connection the first ``failures`` times."""

    failures = 0

    def send_messages(self, email_messages):
        if FlakyMailServer.failures > 0:
            FlakyMailServer.failures -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(email_messages)


@pytest.fixture
def flaky_mail_server(settings):
    """The test run swaps every MAILERS backend for locmem; this swaps it for one that fails first."""

    def fail(times):
        FlakyMailServer.failures = times
        settings.MAILERS = {"default": {"BACKEND": f"{__name__}.FlakyMailServer"}}

    yield fail
    FlakyMailServer.failures = 0


def absolute_links(email):
    """Every link of the e-mail, from the plain text and from the HTML alternative."""
    (html, mimetype), *others = email.alternatives
    assert mimetype == "text/html" and not others
    return re.findall(r"https?://\S+", email.body), re.findall(r'href="([^"]*)"', html)


def assert_links_are_absolute(email):
    text_links, html_links = absolute_links(email)
    assert text_links and html_links
    for link in text_links + html_links:
        assert link.startswith(SITE + "/"), link


def html_of(email):
    return email.alternatives[0].content


def the_only_task():
    (result,) = DBTaskResult.objects.all()
    return result


# --- when ----------------------------------------------------------------------------------------


def test_nothing_is_sent_before_the_commit_nor_before_the_worker_runs(
    draft, author, moderator, mailoutbox, run_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.submit(submission=draft, author=author)
        assert not DBTaskResult.objects.exists()  # not enqueued while the transaction is open
    assert len(callbacks) == 1
    task = the_only_task()
    assert task.status == TaskResultStatus.READY
    assert task.task_path == "portal.mail.send"
    # The arguments are plain JSON: what the worker gets back is what was enqueued.
    assert task.args_kwargs == {
        "args": [],
        "kwargs": {
            "builder": "submissions.emails.notification",
            "params": {"kind": "submitted", "submission_id": draft.pk, "message": ""},
            "language": "en",  # the language active when it was queued: the e-mail is written in it
        },
    }
    assert mailoutbox == []

    run_tasks()
    assert len(mailoutbox) == 1
    task.refresh_from_db()
    assert (task.status, task.return_value) == (TaskResultStatus.SUCCESSFUL, 1)


def test_a_rolled_back_decision_sends_nothing(submitted, moderator, mailoutbox, run_tasks, committed):
    def reject_then_fail():
        with transaction.atomic():
            services.reject(submission=submitted, moderator=moderator, message=MESSAGE)
            raise RuntimeError("something after the decision failed")

    with pytest.raises(RuntimeError):
        committed(reject_then_fail)
    assert not DBTaskResult.objects.exists()
    run_tasks()
    assert mailoutbox == []
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED


def test_a_refused_action_sends_nothing(submitted, other, mailoutbox, run_tasks, committed):
    with pytest.raises(services.TransitionRefused):
        committed(services.reject, submission=submitted, moderator=other, message=MESSAGE)
    run_tasks()
    assert not DBTaskResult.objects.exists() and mailoutbox == []


# --- to the moderators ---------------------------------------------------------------------------


def test_a_submission_is_announced_to_every_active_moderator_and_the_team(
    draft, author, moderator, superuser, other, make_user, django_user_model, mailoutbox, run_tasks, committed
):
    make_user("MODERATION-TEAM@example.org", moderator=True)  # the team's address, once
    gone = make_user("gone@example.org", moderator=True)
    gone.is_active = False
    gone.save()
    no_address = django_user_model.objects.create_user(username="no-address", email="")
    no_address.groups.add(services.ensure_moderators_group())
    Submission.objects.filter(pk=draft.pk).update(note_to_moderators="We are the ministry's\nlabour unit & more")

    committed(services.submit, submission=draft, author=author)
    run_tasks()

    (email,) = mailoutbox
    assert email.to == [TEAM]
    assert sorted(email.bcc) == ["moderator@example.org", "root@example.org"]  # not other, gone, no-address
    assert email.reply_to == [TEAM]
    assert email.from_email == "portal@example.org"
    assert email.subject == f"[Practice Portal] New submission to review: {TITLE}"
    assert f"Ana Díaz sent “{TITLE}” for review." in email.body
    assert "We are the ministry's\nlabour unit & more" in email.body
    review = f"{SITE}{reverse('submissions:moderate', kwargs={'pk': draft.pk})}"
    assert f"Review it here: {review}\n" in email.body
    assert f'<a href="{review}">Review it</a>' in html_of(email)
    assert "We are the ministry&#x27;s<br>labour unit &amp; more" in html_of(email)
    assert_links_are_absolute(email)
    assert resolve(review.removeprefix(SITE)).view_name == "submissions:moderate"


def test_a_resubmission_is_announced_as_corrected(submitted, author, moderator, mailoutbox, run_tasks, committed):
    committed(services.request_changes, submission=submitted, moderator=moderator, message=MESSAGE)
    run_tasks()
    mailoutbox.clear()

    committed(services.submit, submission=submitted, author=author)
    run_tasks()

    (email,) = mailoutbox
    assert email.to == [TEAM] and email.bcc == ["moderator@example.org"]
    assert email.subject == f"[Practice Portal] Corrected submission to review: {TITLE}"
    assert f"Ana Díaz made the changes you asked for and sent “{TITLE}” for review again." in email.body
    assert f"{SITE}/en/moderation/{submitted.pk}/" in email.body
    assert_links_are_absolute(email)


def test_without_a_team_address_the_moderators_are_still_told(
    draft, author, moderator, settings, mailoutbox, run_tasks, committed
):
    settings.MODERATION_EMAIL = ""
    committed(services.submit, submission=draft, author=author)
    run_tasks()
    (email,) = mailoutbox
    assert (email.to, email.bcc, email.reply_to) == ([], ["moderator@example.org"], [])


# --- to the submitter ----------------------------------------------------------------------------


def _decide(decision, submission, moderator):
    if decision == "approved":
        return services.approve(submission=submission, moderator=moderator, message=MESSAGE)
    if decision == "changes_requested":
        return services.request_changes(submission=submission, moderator=moderator, message=MESSAGE)
    return services.reject(submission=submission, moderator=moderator, message=MESSAGE)


@pytest.mark.parametrize(
    ("decision", "subject", "sentence", "link_label"),
    [
        ("approved", f"Published: {TITLE}", f"“{TITLE}” has been published.", "See it here:"),
        (
            "changes_requested",
            f"Changes requested: {TITLE}",
            f"The moderators ask for changes to “{TITLE}” before publishing it.",
            "Edit it and send it again:",
        ),
        (
            "rejected",
            f"Not published: {TITLE}",
            f"The moderators decided not to publish “{TITLE}”.",
            "Your submission:",
        ),
    ],
)
def test_every_decision_is_sent_to_the_submitter_with_the_message(
    decision, subject, sentence, link_label, submitted, moderator, mailoutbox, run_tasks, committed
):
    committed(_decide, decision=decision, submission=submitted, moderator=moderator)
    assert mailoutbox == []
    submitted.refresh_from_db()
    assert submitted.state == decision  # the decision is saved before any e-mail is sent
    run_tasks()

    (email,) = mailoutbox
    assert email.to == ["author@example.org"] and email.bcc == [] and email.cc == []
    assert email.reply_to == [TEAM]
    assert email.subject == f"[Practice Portal] {subject}"
    assert email.body.startswith("Hello Ana Díaz,\n")
    assert sentence in email.body
    assert f"Message from the moderators:\n\n{MESSAGE}\n" in email.body  # verbatim in the plain text
    assert "You can reply to this e-mail to reach the moderation team." in email.body
    assert "\n\n\n" not in email.body

    html = html_of(email)
    assert "<blockquote>Please add the end date.<br>Thanks &amp; regards, &lt;b&gt;Mona&lt;/b&gt;</blockquote>" in html
    assert "<b>Mona</b>" not in html
    assert "You can reply to this e-mail to reach the moderation team." in html

    if decision == "approved":
        target = SITE + submitted.initiative.get_absolute_url()
        assert target == f"{SITE}/en/initiatives/seasonal-workers-mobility-pilot/"
        assert resolve(target.removeprefix(SITE)).view_name == "initiatives:detail"
    else:
        target = f"{SITE}/en/submissions/{submitted.pk}/"
        assert resolve(target.removeprefix(SITE)).view_name == "submissions:detail"
    assert f"{link_label} {target}\n" in email.body
    assert f'<a href="{target}">{target}</a>' in html
    assert_links_are_absolute(email)


def test_an_approved_update_thanks_for_keeping_the_initiative_up_to_date(
    author, moderator, proposal_data, mailoutbox, run_tasks, committed
):
    from initiatives.models import Initiative

    thamm = Initiative.objects.get(slug="thamm")
    update = services.create_submission(
        author=author,
        data={**proposal_data, "title": "THAMM"},
        kind=Submission.Kind.UPDATE,
        initiative=thamm,
        consent=True,
    )
    committed(services.submit, submission=update, author=author)
    run_tasks()
    committed(services.approve, submission=update, moderator=moderator)
    run_tasks()
    announcement, thanks = mailoutbox
    assert f"It proposes changes to the published initiative “{thamm.title}”." in announcement.body
    assert "Your changes to “THAMM” have been published." in thanks.body
    assert "Message from the moderators" not in thanks.body  # none was given
    assert f"See it here: {SITE}/en/initiatives/thamm/\n" in thanks.body


def test_titles_are_plain_in_the_subject_and_text_and_escaped_in_html(
    submitted, moderator, mailoutbox, run_tasks, committed
):
    Submission.objects.filter(pk=submitted.pk).update(title='R&D "pilot" <script>x</script>\nnext line')
    submitted.refresh_from_db()
    committed(services.reject, submission=submitted, moderator=moderator, message="No")
    run_tasks()
    (email,) = mailoutbox
    assert email.subject == '[Practice Portal] Not published: R&D "pilot" <script>x</script> next line'
    assert 'R&D "pilot" <script>x</script>' in email.body
    assert "<script>" not in html_of(email)
    assert "R&amp;D &quot;pilot&quot; &lt;script&gt;x&lt;/script&gt;" in html_of(email)


def test_a_notice_overtaken_by_events_is_not_sent(submitted, author, moderator, mailoutbox, run_tasks, committed):
    """The worker was slow: by the time it runs, the author has already acted on the request."""
    committed(services.request_changes, submission=submitted, moderator=moderator, message=MESSAGE)
    committed(services.withdraw, submission=submitted, author=author)
    run_tasks()
    assert mailoutbox == []
    assert DBTaskResult.objects.get().return_value == 0


# --- a failing mail server -----------------------------------------------------------------------


def test_a_failing_mail_server_delays_the_notice_and_it_is_sent_once(
    submitted, moderator, flaky_mail_server, mailoutbox, run_tasks, committed, caplog
):
    flaky_mail_server(times=1)
    committed(services.reject, submission=submitted, moderator=moderator, message=MESSAGE)
    before = timezone.now()
    run_tasks()

    submitted.refresh_from_db()
    assert submitted.state == State.REJECTED  # the decision stands
    assert mailoutbox == []
    first = DBTaskResult.objects.get(status=TaskResultStatus.SUCCESSFUL)
    assert first.return_value == 0
    retry = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert retry.args_kwargs["kwargs"] == {
        "builder": "submissions.emails.notification",
        "params": {"kind": "rejected", "submission_id": submitted.pk, "message": MESSAGE},
        "attempt": 2,
        "language": "en",  # a retry is written in the same language
    }
    assert before + datetime.timedelta(seconds=59) < retry.run_after <= timezone.now() + datetime.timedelta(minutes=1)
    assert "attempt 2 of 6 in 0:01:00" in caplog.text

    run_tasks()  # too early: the worker leaves it for later
    assert mailoutbox == []
    retry.refresh_from_db()
    assert retry.status == TaskResultStatus.READY

    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now() - datetime.timedelta(seconds=1))
    run_tasks()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["author@example.org"] and MESSAGE in mailoutbox[0].body
    retry.refresh_from_db()
    assert (retry.status, retry.return_value) == (TaskResultStatus.SUCCESSFUL, 1)

    run_tasks()
    assert len(mailoutbox) == 1  # exactly once
    assert DBTaskResult.objects.count() == 2


def test_the_worker_gives_up_after_max_attempts_with_growing_delays(
    submitted, moderator, flaky_mail_server, mailoutbox, run_tasks, committed
):
    flaky_mail_server(times=1000)
    committed(services.request_changes, submission=submitted, moderator=moderator, message=MESSAGE)
    delays = []
    for _attempt in range(mail.MAX_ATTEMPTS):
        run_tasks()
        waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
        for result in waiting:
            delays.append(round((result.run_after - result.enqueued_at).total_seconds() / 60))
        waiting.update(run_after=timezone.now() - datetime.timedelta(seconds=1))

    assert delays == [1, 2, 4, 8, 16]
    assert DBTaskResult.objects.count() == mail.MAX_ATTEMPTS
    last = DBTaskResult.objects.get(status=TaskResultStatus.FAILED)
    assert last.exception_class_path == "smtplib.SMTPServerDisconnected"
    assert last.args_kwargs["kwargs"]["attempt"] == mail.MAX_ATTEMPTS
    assert mailoutbox == []
    submitted.refresh_from_db()
    assert submitted.state == State.CHANGES_REQUESTED


def test_without_a_worker_backend_a_failure_is_recorded_not_raised(
    submitted, moderator, settings, flaky_mail_server, mailoutbox, committed
):
    """The immediate backend (TASKS_BACKEND=immediate) cannot defer a retry: the decision still stands."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    flaky_mail_server(times=1)
    committed(services.reject, submission=submitted, moderator=moderator, message=MESSAGE)
    submitted.refresh_from_db()
    assert submitted.state == State.REJECTED
    assert mailoutbox == [] and not DBTaskResult.objects.exists()
