"""Every e-mail of the portal: built by ``build``, queued by ``queue``, sent by the task worker, never in a request.

**Building.** One template prefix gives the three parts: ``<prefix>_subject.txt`` (one line), ``<prefix>.txt`` and
``<prefix>.html``, which extend ``email/base.txt`` and ``email/base.html``. The site's name and address are in every
context. Text typed by a stranger (someone who has proved no address: the subscribe form, the sign-up form) goes
into an e-mail to an address nobody has verified only through ``quote_stranger_text``: cut short and reduced to
letters, digits and single spaces, so that nobody can make the portal carry their sentence, link or address to an
inbox that never asked for it (the verification e-mail greets nobody by the name typed).

**The wire.** ``Email`` keeps ``List-Unsubscribe`` and ``List-Unsubscribe-Post`` (RFC 8058) as ASCII, folded at
whitespace only. The standard library's ``email.policy`` turns any header with a word longer than a line (an
unsubscribe URL is one) into RFC 2047 encoded-words, and Gmail and Yahoo then find no URL to offer one-click
unsubscription with.

**Queueing.** ``queue(builder, **params)`` enqueues ``send`` with the *name* of a builder and its JSON parameters,
not the message: the worker builds the message when it sends it, so nothing stale goes out (a submission decided
again since, an account verified since: the builder returns None), and no link or token waits in the task
table. ``send`` retries what a mail server that is down or slow raises after 1, 2, 4, 8, 16 minutes
(``run_after``, which ``db_worker`` honours: django-tasks-db has no retries of its own), then gives up, and the
task is recorded as failed with its error. Alerts and digests keep their own task (``subscriptions.tasks``: they
book their retry before sending) but use this backoff and this builder.

With the database task backend the task row is written in the caller's transaction: a change rolled back queues
no e-mail (the immediate backend, for tests, sends at once). A request only ever writes that row, so a mail
server that hangs never holds up a page; the SMTP timeout (``SMTP_TIMEOUT``) bounds how long it holds up the worker.
"""

import datetime
import email.policy
import logging
import re
import smtplib
from collections.abc import Callable, Sequence
from email.headerregistry import HeaderRegistry, UnstructuredHeader

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.console import EmailBackend as ConsoleBackend
from django.tasks import TaskResult, task
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
FIRST_RETRY_DELAY = datetime.timedelta(minutes=1)
# What a mail server that is down, unreachable, slow or refusing for now raises.
TRANSIENT_ERRORS = (smtplib.SMTPException, OSError)

# How much of a stranger's text an e-mail quotes at most.
STRANGER_TEXT_MAX_LENGTH = 60


def retry_delay(attempt: int) -> datetime.timedelta:
    """How long to wait after failed attempt number ``attempt`` (1, 2, 4, 8… minutes)."""
    return FIRST_RETRY_DELAY * 2 ** (attempt - 1)


# --- the message -------------------------------------------------------------------------------------------------


class _UnencodedHeader(UnstructuredHeader):
    """A header whose ASCII value is folded at its spaces only, however long its words: never as encoded-words.

    A value with anything but printable ASCII is folded as any other header is.
    """

    def fold(self, *, policy):
        value = str(self)
        if not value.isascii() or not value.isprintable():
            return super().fold(policy=policy)
        limit = policy.max_line_length or len(value) + len(self.name) + 2
        lines = [f"{self.name}:"]
        for position, word in enumerate(value.split()):
            if position and len(lines[-1]) + 1 + len(word) > limit:
                lines.append("")
            lines[-1] += f" {word}"
        return policy.linesep.join(lines) + policy.linesep


UNENCODED_HEADERS = ("List-Unsubscribe", "List-Unsubscribe-Post")
_header_registry = HeaderRegistry()
for _name in UNENCODED_HEADERS:
    _header_registry.map_to_type(_name.lower(), _UnencodedHeader)


class Email(EmailMultiAlternatives):
    """A portal e-mail: the standard message, with the list headers kept readable on the wire (module doc)."""

    def message(self, *, policy=email.policy.default):
        return super().message(policy=policy.clone(header_factory=_header_registry))


def quote_stranger_text(text: str, *, max_length: int = STRANGER_TEXT_MAX_LENGTH) -> str:
    """``text`` as an e-mail may quote it: letters, digits and single spaces, at most ``max_length`` characters.

    Without dots, slashes, "@" or ":", nothing in it reads as a link or an address to a mail client.
    """
    words = re.sub(r"[^\w]+|_", " ", text).split()
    quoted = " ".join(words)
    if len(quoted) > max_length:
        quoted = quoted[: max_length - 1].rstrip() + "…"
    return quoted


def _tidy(text: str) -> str:
    """Plain text rendered from templates, without the runs of blank lines that template tags leave."""
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def build(
    *,
    prefix: str,
    to: Sequence[str],
    context: dict,
    bcc: Sequence[str] = (),
    reply_to: Sequence[str] = (),
    headers: dict[str, str] | None = None,
) -> Email:
    """The e-mail of template ``prefix`` (subject, plain text, HTML alternative), in the active language."""
    context = {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        **context,
    }
    context["subject"] = subject = " ".join(render_to_string(f"{prefix}_subject.txt", context).split())
    body = _tidy(render_to_string(f"{prefix}.txt", context))
    html = render_to_string(f"{prefix}.html", context)
    headers = {"Content-Language": translation.get_language() or settings.LANGUAGE_CODE, **(headers or {})}
    message = Email(subject=subject, body=body, to=list(to), bcc=list(bcc), reply_to=list(reply_to), headers=headers)
    message.attach_alternative(html, "text/html")
    return message


# --- queueing and sending ----------------------------------------------------------------------------------------


def builds_email(function: Callable[..., Email | None]) -> Callable[..., Email | None]:
    """Mark a function that ``queue`` may name: it takes JSON keyword arguments and returns an ``Email``, or None
    when there is nothing to send any more. Only marked functions are run by ``send``, whatever the task table
    holds."""
    function.builds_email = True
    return function


def queue(builder: Callable[..., Email | None], **params) -> TaskResult:
    """Have the task worker build the e-mail ``builder(**params)`` and send it (module doc)."""
    if not getattr(builder, "builds_email", False):
        raise ValueError(f"{builder!r} is not marked with @builds_email")
    return send.enqueue(builder=f"{builder.__module__}.{builder.__qualname__}", params=params)


@task()
def send(*, builder: str, params: dict, attempt: int = 1) -> int:
    """Build one e-mail and send it, retrying later if the mail server fails; returns the number sent (0 or 1)."""
    build_email = import_string(builder)
    if not getattr(build_email, "builds_email", False):
        raise ValueError(f"{builder} is not marked with @builds_email")
    message = build_email(**params)
    if message is None:
        logger.info("Not sending %s(%s): nothing to send any more", builder, params)
        return 0
    try:
        message.send()
    except TRANSIENT_ERRORS as error:
        if attempt >= MAX_ATTEMPTS or not send.get_backend().supports_defer:
            logger.error("Giving up on e-mail %s(%s) after %d attempts: %s", builder, params, attempt, error)
            raise
        delay = retry_delay(attempt)
        retry = send.using(run_after=timezone.now() + delay).enqueue(
            builder=builder, params=params, attempt=attempt + 1
        )
        logger.warning(
            "Sending e-mail %s(%s) failed (%s: %s); attempt %d of %d in %s (task %s)",
            builder,
            params,
            type(error).__name__,
            error,
            attempt + 1,
            MAX_ATTEMPTS,
            delay,
            retry.id,
        )
        return 0
    return 1


# --- development -------------------------------------------------------------------------------------------------


class ReadableConsoleBackend(ConsoleBackend):
    """The console backend for development: the headers, then the plain text decoded, so that links can be
    followed as printed (the raw message splits long lines with quoted-printable's "=" and escapes "=" itself)."""

    def write_message(self, message):
        msg = message.message()
        for name in ("Subject", "From", "To", "Cc", "Reply-To", *UNENCODED_HEADERS):
            if msg[name] is not None:
                self.stream.write(f"{name}: {msg[name]}\n")
        if message.bcc:
            self.stream.write(f"Bcc: {', '.join(message.bcc)}\n")
        body = msg.get_body(("plain",))
        self.stream.write("\n" + (body.get_content() if body is not None else "") + "\n")
        self.stream.write("-" * 79 + "\n")
