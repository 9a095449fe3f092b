"""An e-mail quotes each initiative in the e-mail's language when it is written in it, else in its original
language (``Initiative.text``), marked with that language in the HTML; the English neighbour keeps English."""

import datetime
import email
import email.policy

import pytest
from django.utils import timezone, translation

from initiatives import services
from tests.factories import make_initiative
from tests.subscriptions.alert_helpers import (
    quiet_seed,  # noqa: F401 (fixture)
    send_digests,
    site,  # noqa: F401 (fixture)
    subscribe,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("site", "quiet_seed")]

LANGUAGES = [("en", "English"), ("fr", "French"), ("es", "Spanish"), ("ar", "Arabic")]
ANA, BEN = "ana@example.org", "ben@example.org"
ENGLISH_TITLE, FRENCH_TITLE = "Remittance Savings Groups", "Groupes d'épargne des envois de fonds"
ENGLISH_SUMMARY, FRENCH_SUMMARY = "Migrants save together.", "Les migrants épargnent ensemble."
SPANISH_TITLE, SPANISH_SUMMARY = "Ventanilla única para retornados", "Una acogida para quienes regresan."


@pytest.fixture(autouse=True)
def four_languages(settings):
    settings.LANGUAGES = LANGUAGES
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return run


def translated_english(**extra):
    """An English original with a French title and summary, not yet published."""
    return make_initiative(
        title=ENGLISH_TITLE,
        summary=ENGLISH_SUMMARY,
        title_fr=FRENCH_TITLE,
        summary_fr=FRENCH_SUMMARY,
        themes=["remittances"],
        publish=False,
        **extra,
    )


def spanish_only(**extra):
    """A Spanish original with no translation, not yet published."""
    with translation.override("es"):
        return make_initiative(
            title=SPANISH_TITLE, summary=SPANISH_SUMMARY, language="es", themes=["remittances"], publish=False, **extra
        )


def as_sent(message) -> email.message.EmailMessage:
    return email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)


def sent_to(mailoutbox, address: str) -> list[email.message.EmailMessage]:
    return [as_sent(message) for message in mailoutbox if message.to == [address]]


def bodies(message) -> tuple[str, str]:
    return message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()


def test_a_french_alert_quotes_the_french_text_of_a_translated_initiative(committed, mailoutbox, run_tasks):
    subscribe(ANA, "theme=remittances", frequency="immediate", language="fr")
    subscribe(BEN, "theme=remittances", frequency="immediate")
    initiative = translated_english()
    committed(services.publish_initiative, initiative=initiative)
    run_tasks()

    (french,) = sent_to(mailoutbox, ANA)
    text, html = bodies(french)
    assert FRENCH_TITLE in french["Subject"]
    assert FRENCH_TITLE in text and FRENCH_SUMMARY in text
    assert ENGLISH_TITLE not in text and ENGLISH_SUMMARY not in text
    assert f'dir="auto">{FRENCH_TITLE.replace("'", "&#x27;")}</a>' in html  # in the e-mail's language: no lang
    (english,) = sent_to(mailoutbox, BEN)
    text, html = bodies(english)
    assert ENGLISH_TITLE in english["Subject"] and ENGLISH_TITLE in text and ENGLISH_SUMMARY in text
    assert FRENCH_TITLE not in text


def test_a_french_alert_quotes_the_original_of_an_untranslated_initiative(committed, mailoutbox, run_tasks):
    subscribe(ANA, "theme=remittances", frequency="immediate", language="fr")
    initiative = spanish_only()
    committed(services.publish_initiative, initiative=initiative)
    run_tasks()

    (french,) = sent_to(mailoutbox, ANA)
    text, html = bodies(french)
    assert SPANISH_TITLE in french["Subject"]
    assert SPANISH_TITLE in text and SPANISH_SUMMARY in text
    assert f'dir="auto" lang="es">{SPANISH_TITLE}</a>' in html  # marked as Spanish in a French e-mail
    assert f'lang="es">{SPANISH_SUMMARY}</p>' in html


def test_a_french_digest_quotes_each_initiative_in_french_else_its_original(mailoutbox):
    subscribe(ANA, "theme=remittances", language="fr")
    subscribe(BEN, "theme=remittances")
    when = timezone.now() - datetime.timedelta(hours=1)
    for initiative in (translated_english(), spanish_only()):
        services.publish_initiative(initiative=initiative, when=when)
    send_digests("daily")

    (french,) = sent_to(mailoutbox, ANA)
    text, _html = bodies(french)
    assert FRENCH_TITLE in text and SPANISH_TITLE in text
    assert ENGLISH_TITLE not in text
    (english,) = sent_to(mailoutbox, BEN)
    text, _html = bodies(english)
    assert ENGLISH_TITLE in text and SPANISH_TITLE in text
    assert FRENCH_TITLE not in text
