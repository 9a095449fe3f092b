"""Digests and alerts over real SMTP: an aiosmtpd server on 127.0.0.1 (a free port, in a thread) receives what the
portal sends through Django's SMTP backend: every message multipart/alternative with the RFC 8058 unsubscribe
headers and its subject, and several messages carried by one connection."""

import threading

import pytest
from aiosmtpd.controller import Controller

from subscriptions import alerts, tokens
from subscriptions.models import Subscription
from tests.portal.servers import free_port
from tests.subscriptions.alert_helpers import parse, publish, quiet_seed, site, subscribe  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("site", "quiet_seed")]


class Recorder:
    """An aiosmtpd handler that keeps what it receives, and counts the connections (one EHLO or HELO each)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.greetings = 0
        self.received = []  # (peer, envelope recipients, raw message)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        with self.lock:
            self.greetings += 1
        session.host_name = hostname
        return responses

    async def handle_HELO(self, server, session, envelope, hostname):
        with self.lock:
            self.greetings += 1
        session.host_name = hostname
        return f"250 {server.hostname}"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.received.append((session.peer, list(envelope.rcpt_tos), envelope.original_content))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "timeout": 10},
        }
    }
    yield recorder
    controller.stop()


def test_a_digest_run_sends_every_message_over_one_smtp_connection(smtp_server):
    addresses = ["ana@example.org", "bob@example.org", "carla@example.org"]
    for address in addresses:
        subscribe(address, "theme=remittances")
    publish("Remittance Savings Groups", themes=["remittances"])
    publish("Diaspora Bonds", themes=["remittances"])

    sent = alerts.Sent()
    alerts.record_digest(frequency="daily")
    alerts.send_owed(frequency="daily", sent=sent)

    assert sent.emails == 3
    assert sorted(rcpt for _peer, (rcpt,), _raw in smtp_server.received) == addresses
    peers = {peer for peer, _rcpts, _raw in smtp_server.received}
    assert len(peers) == 1 and smtp_server.greetings == 1  # one connection carried the three messages
    for _peer, (rcpt,), raw in smtp_server.received:
        message = parse(raw)
        subscription = Subscription.objects.get(email=rcpt)
        assert message["To"] == rcpt
        assert message["Subject"] == "[Practice Portal] Daily digest: 2 new initiatives"
        assert message["List-Unsubscribe"] == f"<{tokens.one_click_unsubscribe_url(subscription)}>"
        assert message["List-Unsubscribe"].startswith("<https://")
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message.get_content_type() == "multipart/alternative"
        text, html = message.get_body(("plain",)), message.get_body(("html",))
        assert "Remittance Savings Groups" in text.get_content() and "Diaspora Bonds" in text.get_content()
        assert f'href="{tokens.unsubscribe_url(subscription)}"' in html.get_content()
        assert tokens.manage_url(subscription) in text.get_content()


def test_immediate_alerts_go_over_smtp_with_the_same_headers(smtp_server):
    subscription = subscribe("ana@example.org", "theme=remittances", frequency="immediate")
    subscribe("bob@example.org", "theme=remittances", frequency="immediate")
    initiative = publish("Remittance Savings Groups", themes=["remittances"])

    sent = alerts.send_immediate(initiative_id=initiative.pk)

    assert sent.emails == 2 and smtp_server.greetings == 1
    message = parse(next(raw for _peer, rcpts, raw in smtp_server.received if rcpts == ["ana@example.org"]))
    assert message["Subject"] == "[Practice Portal] New: Remittance Savings Groups"
    assert message["List-Unsubscribe"] == f"<{tokens.one_click_unsubscribe_url(subscription)}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]


# --- the headers as they go on the wire ---------------------------------------------------------------------------


def header_lines(raw: bytes) -> list[bytes]:
    """The header lines of a message exactly as the SMTP server received them (folded lines left folded)."""
    head, _separator, _body = raw.partition(b"\r\n\r\n")
    return head.split(b"\r\n")


def assert_one_click_unsubscribe_on_the_wire(raw: bytes, url: str) -> None:
    lines = header_lines(raw)
    assert f"List-Unsubscribe: <{url}>".encode() in lines, lines  # whole, on one line: no encoded-words
    assert b"List-Unsubscribe-Post: List-Unsubscribe=One-Click" in lines
    assert b"=?" not in b"\r\n".join(line for line in lines if line.lower().startswith(b"list-unsubscribe"))


def test_digest_and_alert_carry_list_unsubscribe_as_a_plain_url_on_the_wire(smtp_server):
    """Gmail and Yahoo offer one-click unsubscription only when the header reads ``<https://…>`` on the wire."""
    covered = [
        subscribe("ana@example.org", "theme=remittances"),
        subscribe("ana@example.org", "region=europe"),
        subscribe("ana@example.org", "theme=remittances&region=europe"),
    ]
    immediate = subscribe("bob@example.org", "theme=remittances", frequency="immediate")
    initiative = publish("Remittance Savings Groups", themes=["remittances"], regions=["europe"])
    alerts.send_immediate(initiative_id=initiative.pk)
    alerts.record_digest(frequency="daily")
    alerts.send_owed(frequency="daily")

    raw = {rcpt: raw for _peer, (rcpt,), raw in smtp_server.received}
    first, *also = sorted(covered, key=lambda s: (s.label.casefold(), s.pk))
    digest_url = tokens.one_click_unsubscribe_url(first, also=also)
    assert len(f"List-Unsubscribe: <{digest_url}>") > 78  # longer than a line: what made the header encoded
    assert_one_click_unsubscribe_on_the_wire(raw["ana@example.org"], digest_url)
    assert_one_click_unsubscribe_on_the_wire(raw["bob@example.org"], tokens.one_click_unsubscribe_url(immediate))


def test_a_verification_e_mail_carries_no_list_unsubscribe(smtp_server, client, mail_sent_at_once, settings):
    """The neighbour: an e-mail that is not a list's has no unsubscribe headers at all."""
    from tests.accounts.factories import sign_up_data

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    assert client.post("/en/accounts/sign-up/", sign_up_data()).status_code == 302
    ((_peer, rcpts, raw),) = smtp_server.received
    assert rcpts == ["ana.diaz@example.org"]
    assert b"/en/accounts/verify/" in raw
    assert not [line for line in header_lines(raw) if line.lower().startswith(b"list-unsubscribe")]
