"""An e-mail is written in the language it was asked for in (portal/mail.py): the task records it and the worker,
whatever language it runs in, builds the message in it."""

import datetime

import pytest
from django.utils import formats, translation

from portal import mail
from tests.accounts.factories import make_account

pytestmark = pytest.mark.django_db


@mail.builds_email
def dated_notice(*, to: str) -> mail.Email:
    """A message whose subject is a date in the active language's format (Django's own month names)."""
    return mail.Email(subject=formats.date_format(datetime.date(2026, 12, 4), "DATE_FORMAT"), to=[to])


@pytest.fixture
def worker_in_english(run_tasks):
    """The task worker, running in English: what it builds in another language, it builds because it was asked to."""

    def run():
        with translation.override("en"):
            run_tasks()

    return run


@pytest.mark.parametrize(("language", "expected"), [("en", "4 December 2026"), ("fr", "4 décembre 2026")])
def test_the_worker_builds_the_e_mail_in_the_language_active_when_it_was_queued(
    language, expected, mailoutbox, worker_in_english
):
    with translation.override(language):
        mail.queue(dated_notice, to="ana@example.org")
    worker_in_english()
    (message,) = mailoutbox
    assert message.subject == expected


def test_a_language_given_to_queue_wins_over_the_active_one(mailoutbox, worker_in_english):
    with translation.override("fr"):
        mail.queue(dated_notice, language="es", to="ana@example.org")
    worker_in_english()
    assert [message.subject for message in mailoutbox] == ["4 de diciembre de 2026"]


def test_a_task_queued_without_a_language_is_written_in_the_sites(mailoutbox, worker_in_english):
    """Tasks already in the queue when languages came are sent as before."""
    with translation.override("fr"):
        mail.send.enqueue(builder=f"{__name__}.dated_notice", params={"to": "ana@example.org"})
    worker_in_english()
    assert [message.subject for message in mailoutbox] == ["4 December 2026"]


@pytest.mark.parametrize(("language", "direction"), [("fr", "ltr"), ("es", "ltr"), ("ar", "rtl")])
def test_a_password_reset_asked_for_in_a_language_is_sent_in_it(language, direction, client, mailoutbox, run_tasks):
    account = make_account()
    response = client.post(f"/{language}/accounts/password/reset/", {"email": account.email})
    assert response.status_code == 302
    with translation.override("en"):
        run_tasks()
    (message,) = mailoutbox
    assert message.message()["Content-Language"] == language
    html, _type = message.alternatives[0]
    assert f'<html lang="{language}" dir="{direction}">' in html
