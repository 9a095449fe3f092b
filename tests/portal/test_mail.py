"""Every e-mail leaves through the task queue (portal/mail.py): a request only queues it, so a mail server that
hangs never holds up a page; the worker builds it, sends it, and retries later on a failure. What a stranger
types reaches an unproved address only quoted and bounded. In development the console shows mail readably."""

import io
import socket
import time

import pytest
from django.contrib.auth import get_user_model
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from portal import mail
from subscriptions.models import Subscription
from tests.accounts.factories import follow_link, link_path, make_account, sign_up_data

pytestmark = pytest.mark.django_db

User = get_user_model()
SITE = "https://practices.example.org"
# What a spammer would like the portal to carry to an address of their choosing.
PAYLOAD = "Your account is locked: log in at http://evil.example/login and call +1 555 0100 " + "now " * 200


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.SITE_URL = SITE
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def queued():
    """The e-mail tasks waiting in the queue, as (builder, params, attempt)."""
    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path="portal.mail.send")
    calls = [task.args_kwargs["kwargs"] for task in waiting.order_by("enqueued_at")]
    return [(call["builder"], call["params"], call.get("attempt", 1)) for call in calls]


# --- the queue ----------------------------------------------------------------------------------------------------


def test_sign_up_queues_the_verification_and_the_worker_sends_it(client, mailoutbox, run_tasks):
    response = client.post("/en/accounts/sign-up/", sign_up_data())
    assert response.status_code == 302
    assert mailoutbox == []  # nothing sent in the request
    user = User.objects.get()
    # Only the account's key waits in the queue: the link (and its token) is made by the worker.
    assert queued() == [("accounts.emails.verification", {"user_id": user.pk, "next_url": ""}, 1)]

    run_tasks()
    (message,) = mailoutbox
    assert message.to == ["ana.diaz@example.org"]
    assert follow_link(client, link_path(message)).status_code == 302
    user.refresh_from_db()
    assert user.is_active


def test_password_reset_queues_its_e_mail_and_the_worker_sends_it(client, mailoutbox, run_tasks):
    account = make_account()
    other = make_account(email="ben@example.org", name="Ben Okafor")
    response = client.post("/en/accounts/password/reset/", {"email": account.email})
    assert response.status_code == 302
    assert mailoutbox == []
    assert queued() == [("accounts.emails.password_reset", {"email": account.email}, 1)]

    run_tasks()
    (message,) = mailoutbox
    assert message.to == [account.email] and other.email not in message.to
    assert client.get(link_path(message, "password/reset")).status_code == 302


def test_a_reset_for_an_address_without_an_account_does_the_same_work_and_sends_nothing(client, mailoutbox, run_tasks):
    """The request queues one task whatever the address (its timing tells nothing); the worker finds no account."""
    account = make_account()
    client.post("/en/accounts/password/reset/", {"email": account.email})
    client.post("/en/accounts/password/reset/", {"email": "nobody@example.org"})
    assert [params for _builder, params, _attempt in queued()] == [
        {"email": account.email},
        {"email": "nobody@example.org"},
    ]

    run_tasks()
    assert [message.to for message in mailoutbox] == [[account.email]]


def test_a_new_link_is_queued_the_same_whatever_the_address_and_sent_only_to_an_account_awaiting_it(
    client, mailoutbox, run_tasks
):
    client.post("/en/accounts/sign-up/", sign_up_data())
    run_tasks()
    mailoutbox.clear()
    client.post("/en/accounts/verify/resend/", {"email": "ana.diaz@example.org"})
    client.post("/en/accounts/verify/resend/", {"email": "nobody@example.org"})
    assert [params for _builder, params, _attempt in queued()] == [
        {"email": "ana.diaz@example.org"},
        {"email": "nobody@example.org"},
    ]

    run_tasks()
    assert [message.to for message in mailoutbox] == [["ana.diaz@example.org"]]


def test_an_e_mail_that_became_pointless_is_not_sent(client, mailoutbox, run_tasks):
    """The worker builds from the state of when it sends: an account verified meanwhile needs no link."""
    client.post("/en/accounts/sign-up/", sign_up_data())
    User.objects.update(is_active=True)
    run_tasks()
    assert mailoutbox == []
    assert DBTaskResult.objects.get().return_value == 0


def test_the_worker_runs_only_functions_marked_as_building_e_mail(mailoutbox, run_tasks):
    """The task table names a function to run: it must not be a way to run any function there is."""
    mail.send.enqueue(builder="os.getcwd", params={})
    run_tasks()
    task = DBTaskResult.objects.get()
    assert task.status == TaskResultStatus.FAILED
    assert task.exception_class_path == "builtins.ValueError"
    with pytest.raises(ValueError):
        mail.queue(print)


# --- a mail server that never answers -----------------------------------------------------------------------------


@pytest.fixture
def silent_mail_server(settings):
    """A mail server that accepts connections (the kernel does) and never says a word."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        settings.MAILERS = {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": listener.getsockname()[1], "timeout": 2},
            }
        }
        yield


def timed(call):
    start = time.monotonic()
    response = call()
    return response, time.monotonic() - start


def test_a_silent_mail_server_holds_up_no_page_and_the_worker_retries(client, silent_mail_server, run_tasks):
    account = make_account(email="ben@example.org", name="Ben Okafor")
    response, sign_up_seconds = timed(lambda: client.post("/en/accounts/sign-up/", sign_up_data()))
    assert response.status_code == 302 and response["Location"] == "/en/accounts/verify/sent/"
    response, reset_seconds = timed(lambda: client.post("/en/accounts/password/reset/", {"email": account.email}))
    assert response.status_code == 302 and response["Location"] == "/en/accounts/password/reset/sent/"
    assert sign_up_seconds < 1 and reset_seconds < 1  # the SMTP timeout (2 s) never runs in a request

    # The account is whole, waiting for its link; the e-mails wait in the queue.
    user = User.objects.get(username="ana.diaz@example.org")
    assert not user.is_active and user.profile.email_verified_at is None
    assert [builder for builder, _params, _attempt in queued()] == [
        "accounts.emails.verification",
        "accounts.emails.password_reset",
    ]

    run_tasks()  # each attempt times out after 2 s, and is booked again a minute later
    assert [(builder, attempt) for builder, _params, attempt in queued()] == [
        ("accounts.emails.verification", 2),
        ("accounts.emails.password_reset", 2),
    ]


# --- what a stranger types ----------------------------------------------------------------------------------------


def test_the_subscribe_confirmation_quotes_the_search_bounded_and_names_terms_officially(client, mailoutbox, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    query = "region=europe&" + "q=" + PAYLOAD.replace(" ", "+").replace(":", "%3A").replace("/", "%2F")
    response = client.post(f"/en/subscribe/?{query}", {"email": "victim@example.org", "frequency": "daily"})
    assert response.status_code == 302
    (message,) = mailoutbox
    html = message.alternatives[0].content
    for part in (message.body, html, message.subject):
        assert "evil.example" not in part and "http://" not in part.replace(f"{SITE}/", "")  # no link of theirs
        assert "now now now now now now now now now now" not in part  # bounded
    quoted = "Your account is locked log in at http evil example login an…"  # 60 characters, no link
    assert f"“Search: {quoted}; Europe” (Daily digest)" in message.body  # the term by its official name
    assert f"“Search: {quoted}; Europe” (Daily digest)" in html
    assert "What you would follow:" not in message.body  # its address would spell the search out

    # The neighbour: the stored label (shown to the address's owner on the manage page) keeps the search as typed.
    assert "http://evil.example/login" in Subscription.objects.get().label


def test_the_confirmation_of_a_listing_without_search_keeps_its_link(client, mailoutbox, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    client.post("/en/subscribe/?region=europe", {"email": "ana@example.org", "frequency": "daily"})
    (message,) = mailoutbox
    assert f"What you would follow: {SITE}/en/initiatives/?region=europe\n" in message.body


def test_the_verification_e_mail_does_not_carry_the_name_typed_at_sign_up(client, mailoutbox, mail_sent_at_once):
    response = client.post("/en/accounts/sign-up/", sign_up_data(name=PAYLOAD[:150]))
    assert response.status_code == 302
    (message,) = mailoutbox
    html = message.alternatives[0].content
    assert "evil" not in message.body and "evil" not in html and "locked" not in message.body
    assert message.body.startswith("Hello,\n")


# --- development ----------------------------------------------------------------------------------------------------


def test_the_development_console_prints_e_mail_readably(client, settings, mail_sent_at_once):
    """The raw message would cut the link (quoted-printable's "=" at 76 characters) or encode it (base64)."""
    stream = io.StringIO()
    settings.MAILERS = {"default": {"BACKEND": "portal.mail.ReadableConsoleBackend", "OPTIONS": {"stream": stream}}}
    client.post("/en/accounts/sign-up/?next=/en/initiatives/%3Fregion%3Deurope%26theme%3Dremittances", sign_up_data())
    printed = stream.getvalue()
    user = User.objects.get()
    assert "Subject: Verify your e-mail address for" in printed and "To: ana.diaz@example.org" in printed
    (line,) = [line for line in printed.splitlines() if "/en/accounts/verify/" in line]
    assert line.startswith(f"{SITE}/en/accounts/verify/") and line.endswith("region%3Deurope%26theme%3Dremittances")
    response = follow_link(client, line.removeprefix(SITE))  # the link as printed works
    assert response.status_code == 302 and response["Location"] == "/en/initiatives/?region=europe&theme=remittances"
    user.refresh_from_db()
    assert user.is_active


def test_development_uses_the_readable_console(settings):
    from portal import settings as portal_settings

    if portal_settings.MAIL_BACKEND == "console":
        assert portal_settings.MAILERS["default"]["BACKEND"] == "portal.mail.ReadableConsoleBackend"
