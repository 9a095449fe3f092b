"""Immediate alerts: the first publication of an initiative, from moderation or the admin, queues a task once the
publication has committed; the real database worker sends one e-mail per address to the immediate subscriptions
it matches, with unsubscribe headers, plain text and HTML; a failing mail server delays alerts (the task retries)
but never loses nor repeats one; a re-publication sends nothing again."""

import datetime
import logging
import smtplib
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.tasks import TaskResultStatus
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from initiatives import services as initiative_services
from initiatives.models import Initiative
from submissions import services as submission_services
from submissions.forms import ProposalForm
from subscriptions import tasks, tokens
from subscriptions.models import Delivery, SuppressedAddress
from tests.factories import make_initiative
from tests.submissions.conftest import PROPOSAL
from tests.subscriptions.alert_helpers import (
    SITE,
    html_of,
    quiet_seed,  # noqa: F401 (fixture)
    site,  # noqa: F401 (fixture)
    subscribe,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("site", "quiet_seed")]

REMITTANCES = "theme=remittances"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a call, then its on-commit callbacks (the signal, then the enqueueing), as a real commit would."""

    def run(call, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(**kwargs)

    return run


def alert_tasks():
    return DBTaskResult.objects.filter(task_path="subscriptions.tasks.send_immediate_alerts")


def draft(title="Remittance Savings Groups", **terms):
    terms.setdefault("themes", ["remittances"])
    return make_initiative(
        title=title,
        publish=False,
        summary="Savings groups that turn remittances into local investment.",
        submitter_honorific="Dr.",
        submitter_name="Kofi Mensah",
        submitted_on=datetime.date(2026, 2, 14),
        **terms,
    )


# --- where a publication comes from ------------------------------------------------------------------------------


def test_publishing_from_the_admin_sends_an_immediate_alert(
    admin_client, django_capture_on_commit_callbacks, mailoutbox, run_tasks
):
    subscribe("ana@example.org", REMITTANCES, frequency="immediate")
    initiative = draft()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:initiatives_initiative_changelist"),
            {"action": "publish", "_selected_action": [initiative.pk]},
        )
        assert response.status_code == 302
        assert not alert_tasks().exists()  # nothing before the commit
    (task,) = alert_tasks()
    assert task.args_kwargs == {"args": [], "kwargs": {"initiative_id": initiative.pk}}
    assert mailoutbox == []  # the worker sends it, not the request

    run_tasks()
    (message,) = mailoutbox
    assert message.to == ["ana@example.org"]
    assert message.subject == "[Practice Portal] New: Remittance Savings Groups"
    task.refresh_from_db()
    assert (task.status, task.return_value) == (TaskResultStatus.SUCCESSFUL, 1)


def test_approving_a_submission_sends_an_immediate_alert(committed, mailoutbox, run_tasks):
    subscribe("ana@example.org", REMITTANCES, frequency="immediate")
    subscribe("ben@example.org", "theme=regular-pathways", frequency="immediate")  # another theme: no alert
    users = get_user_model().objects
    author = users.create_user(username="author@example.org", email="author@example.org", password="x-long-pass-1")
    moderator = users.create_user(username="mod@example.org", email="mod@example.org", password="x-long-pass-1")
    moderator.groups.add(submission_services.ensure_moderators_group())
    form = ProposalForm({**PROPOSAL, "themes": ["remittances"]})
    assert form.is_valid(), form.errors
    submission = submission_services.create_submission(author=author, data=form.to_data(), consent=True)
    submission_services.submit(submission=submission, author=author)

    initiative = committed(submission_services.approve, submission=submission, moderator=moderator)
    assert alert_tasks().count() == 1
    run_tasks()
    alerts = [m for m in mailoutbox if m.to == ["ana@example.org"]]
    (alert,) = alerts
    assert not [m for m in mailoutbox if m.to == ["ben@example.org"]]
    assert PROPOSAL["title"] in alert.body
    assert "Submitted by Ms. Ana Díaz" in alert.body
    assert SITE + initiative.get_absolute_url() in alert.body


def test_republishing_sends_nothing_again(committed, mailoutbox, run_tasks):
    subscribe("ana@example.org", REMITTANCES, frequency="immediate")
    initiative = draft()
    committed(initiative_services.publish_initiative, initiative=initiative)
    run_tasks()
    assert len(mailoutbox) == 1

    committed(initiative_services.unpublish_initiative, initiative=initiative)
    committed(initiative_services.publish_initiative, initiative=Initiative.objects.get(pk=initiative.pk))
    assert alert_tasks().count() == 1  # first_time is False: nothing queued
    run_tasks()
    assert len(mailoutbox) == 1

    # Even a task run again for it (by hand, or a duplicate) sends nothing twice.
    tasks.send_immediate_alerts.enqueue(initiative_id=initiative.pk)
    run_tasks()
    assert len(mailoutbox) == 1


def test_nothing_is_queued_while_nobody_wants_immediate_alerts(committed):
    subscribe("daily@example.org", REMITTANCES, frequency="daily")
    subscribe("paused@example.org", REMITTANCES, frequency="immediate", status="paused")
    committed(initiative_services.publish_initiative, initiative=draft())
    assert not alert_tasks().exists()


def test_failing_to_queue_does_not_fail_the_publication(committed, monkeypatch, caplog):
    subscribe("ana@example.org", REMITTANCES, frequency="immediate")

    def broken(**kwargs):
        raise RuntimeError("the queue is unreachable")

    monkeypatch.setattr(tasks, "send_immediate_alerts", SimpleNamespace(enqueue=broken))
    initiative = committed(initiative_services.publish_initiative, initiative=draft())
    assert Initiative.objects.get(pk=initiative.pk).is_published()
    assert "Could not queue the immediate alerts" in caplog.text


# --- what an alert says ------------------------------------------------------------------------------------------


def test_an_alert_has_plain_text_html_unsubscribe_headers_and_links(committed, mailoutbox, run_tasks):
    subscription = subscribe("ana@example.org", REMITTANCES, frequency="immediate")
    initiative = committed(initiative_services.publish_initiative, initiative=draft())
    run_tasks()
    (message,) = mailoutbox

    one_click = tokens.one_click_unsubscribe_url(subscription)
    assert one_click.startswith("https://")
    assert message.extra_headers["List-Unsubscribe"] == f"<{one_click}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    parsed = message.message()
    assert parsed.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in parsed.iter_parts()] == ["text/plain", "text/html"]
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    html = html_of(message)
    link = SITE + initiative.get_absolute_url()
    for url in (link, tokens.manage_url(subscription), tokens.unsubscribe_url(subscription)):
        assert url in message.body and f'href="{url}"' in html
    for text in (initiative.title, initiative.summary, "Submitted by Dr. Kofi Mensah on 14 February 2026"):
        assert text in message.body and text in html
    assert subscription.label in message.body and subscription.label in html
    assert message.from_email == "alerts@example.org"


def test_one_alert_per_address_naming_each_of_its_subscriptions_that_match(committed, mailoutbox, run_tasks):
    first = subscribe("ana@example.org", "region=europe", frequency="immediate")
    second = subscribe("ANA@example.org", REMITTANCES, frequency="immediate")
    subscribe("bob@example.org", REMITTANCES, frequency="immediate")
    committed(initiative_services.publish_initiative, initiative=draft(regions=["europe"]))
    run_tasks()
    ana = [m for m in mailoutbox if m.to[0].lower() == "ana@example.org"]
    assert len(ana) == 1 and len(mailoutbox) == 2
    (message,) = ana
    assert first.label in message.body and second.label in message.body
    one_click = tokens.one_click_unsubscribe_url(first, also=[second])  # both subscriptions the alert names
    assert message.extra_headers["List-Unsubscribe"] == f"<{one_click}>"
    assert Delivery.objects.filter(sent_at__isnull=False).count() == 3


# --- who gets nothing --------------------------------------------------------------------------------------------


def test_only_active_matching_immediate_subscriptions_get_an_alert(committed, mailoutbox, run_tasks):
    subscribe("ok@example.org", REMITTANCES, frequency="immediate")
    subscribe("paused@example.org", REMITTANCES, frequency="immediate", status="paused")
    subscribe("gone@example.org", REMITTANCES, frequency="immediate", status="unsubscribed")
    subscribe("pending@example.org", REMITTANCES, frequency="immediate", status="pending")
    subscribe("bounces@example.org", REMITTANCES, frequency="immediate")
    SuppressedAddress.objects.create(email="Bounces@Example.org")
    subscribe("daily@example.org", REMITTANCES, frequency="daily")
    subscribe("other@example.org", "theme=regular-pathways", frequency="immediate")
    committed(initiative_services.publish_initiative, initiative=draft())
    run_tasks()
    assert [m.to for m in mailoutbox] == [["ok@example.org"]]


def test_a_subscription_confirmed_after_the_publication_gets_nothing_for_it(mailoutbox, run_tasks):
    initiative = draft()
    initiative_services.publish_initiative(initiative=initiative, when=timezone.now() - datetime.timedelta(hours=1))
    subscribe("late@example.org", REMITTANCES, frequency="immediate", confirmed=timezone.now())
    subscribe("early@example.org", REMITTANCES, frequency="immediate")
    tasks.send_immediate_alerts.enqueue(initiative_id=initiative.pk)  # the worker got to it late
    run_tasks()
    assert [m.to for m in mailoutbox] == [["early@example.org"]]


def test_an_initiative_unpublished_before_the_worker_got_to_it_is_not_sent(committed, mailoutbox, run_tasks):
    subscribe("ana@example.org", REMITTANCES, frequency="immediate")
    initiative = committed(initiative_services.publish_initiative, initiative=draft())
    initiative_services.unpublish_initiative(initiative=initiative)
    run_tasks()
    assert mailoutbox == []


# --- a failing mail server ---------------------------------------------------------------------------------------


class FlakyMailServer(LocmemBackend):
    """The test outbox behind a mail server that drops the connection at e-mails number ``failing`` (counted
    over the whole test), or refuses the addresses in ``refused``."""

    failing: set[int] = set()
    refused: set[str] = set()
    calls = 0

    def send_messages(self, messages):
        FlakyMailServer.calls += 1
        if FlakyMailServer.calls in FlakyMailServer.failing:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        (address,) = messages[0].to
        if address in FlakyMailServer.refused:
            raise smtplib.SMTPRecipientsRefused({address: (451, b"Try again later")})
        return super().send_messages(messages)


@pytest.fixture
def flaky(settings):
    def configure(*, failing=(), refused=()):
        FlakyMailServer.failing, FlakyMailServer.refused, FlakyMailServer.calls = set(failing), set(refused), 0
        settings.MAILERS = {"default": {"BACKEND": f"{__name__}.FlakyMailServer"}}

    yield configure
    FlakyMailServer.failing, FlakyMailServer.refused = set(), set()


def make_retry_due():
    DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(
        run_after=timezone.now() - datetime.timedelta(seconds=1)
    )


def test_a_failure_mid_way_retries_later_and_sends_only_the_rest(committed, mailoutbox, run_tasks, flaky, caplog):
    for address in ("a@example.org", "b@example.org", "c@example.org"):
        subscribe(address, REMITTANCES, frequency="immediate")
    flaky(failing={2})
    initiative = committed(initiative_services.publish_initiative, initiative=draft())
    before = timezone.now()
    with caplog.at_level(logging.WARNING):
        run_tasks()
    assert [m.to for m in mailoutbox] == [["a@example.org"]]
    first = alert_tasks().get(status=TaskResultStatus.SUCCESSFUL)
    assert first.return_value == 1
    retry = alert_tasks().get(status=TaskResultStatus.READY)
    assert retry.args_kwargs["kwargs"] == {"initiative_id": initiative.pk, "attempt": 2}
    assert before + datetime.timedelta(seconds=59) < retry.run_after <= timezone.now() + datetime.timedelta(minutes=1)
    assert "attempt 2 of 6 in 0:01:00" in caplog.text

    run_tasks()  # too early
    assert len(mailoutbox) == 1
    make_retry_due()
    run_tasks()
    assert [m.to for m in mailoutbox] == [["a@example.org"], ["b@example.org"], ["c@example.org"]]
    retry.refresh_from_db()
    assert (retry.status, retry.return_value) == (TaskResultStatus.SUCCESSFUL, 2)
    assert not Delivery.objects.filter(sent_at__isnull=True).exists()


def test_a_refused_address_is_retried_without_holding_up_the_others(committed, mailoutbox, run_tasks, flaky):
    for address in ("a@example.org", "busy@example.org", "c@example.org"):
        subscribe(address, REMITTANCES, frequency="immediate")
    flaky(refused={"busy@example.org"})
    committed(initiative_services.publish_initiative, initiative=draft())
    run_tasks()
    assert sorted(m.to[0] for m in mailoutbox) == ["a@example.org", "c@example.org"]
    assert alert_tasks().filter(status=TaskResultStatus.READY).count() == 1  # a retry, for the refused one

    FlakyMailServer.refused = set()
    make_retry_due()
    run_tasks()
    assert sorted(m.to[0] for m in mailoutbox) == ["a@example.org", "busy@example.org", "c@example.org"]


def test_the_worker_gives_up_after_max_attempts_and_the_next_alerts_catch_up(committed, mailoutbox, run_tasks, flaky):
    subscribe("ana@example.org", REMITTANCES, frequency="immediate")
    flaky(failing=set(range(1, tasks.MAX_ATTEMPTS + 1)))
    first = committed(initiative_services.publish_initiative, initiative=draft())
    for _attempt in range(tasks.MAX_ATTEMPTS):
        run_tasks()
        make_retry_due()
    assert alert_tasks().filter(status=TaskResultStatus.FAILED).count() == 1
    assert mailoutbox == []
    assert Delivery.objects.get(initiative=first).sent_at is None  # still owed

    second = committed(initiative_services.publish_initiative, initiative=draft("Diaspora Bonds"))
    run_tasks()
    sent = sorted(m.subject for m in mailoutbox)
    assert sent == ["[Practice Portal] New: Diaspora Bonds", "[Practice Portal] New: Remittance Savings Groups"]
    assert Delivery.objects.filter(initiative__in=[first, second], sent_at__isnull=False).count() == 2
