"""Submissions in the submitter's language, translations given with them, and "Suggest a translation".

Through the public surface: the forms as a browser posts them, the moderation pages, the database, the history and
the outbox. Addresses are made with ``reverse`` under the language of the request, so they hold with or without
language prefixes.
"""

import html

import pytest
from django.urls import reverse
from django.utils import translation

from initiatives import sections
from initiatives import services as initiative_services
from initiatives.models import Initiative
from submissions import services
from submissions.models import Submission
from tests.factories import make_initiative

from .conftest import PROPOSAL
from .test_views import form_values

pytestmark = pytest.mark.django_db
State = Submission.State

FOUR_LANGUAGES = [("en", "English"), ("fr", "French"), ("es", "Spanish"), ("ar", "Arabic")]

FRENCH = {
    "language": "fr",
    "title": "Guichet unique pour les travailleurs saisonniers",
    "acronym": "GUTS",
    "summary": "Un guichet qui accompagne les travailleurs saisonniers et protège leurs droits.",
    "description": "## Résultats\n\n* 300 travailleurs accompagnés",
}
SPANISH_TRANSLATION = {
    "title_es": "Ventanilla única para trabajadores de temporada",
    "summary_es": "Una ventanilla que acompaña a los trabajadores de temporada.",
}


@pytest.fixture(autouse=True)
def four_languages(settings):
    """The site's languages as issue 12 decides them (LocaleMiddleware then follows Accept-Language)."""
    settings.LANGUAGES = FOUR_LANGUAGES


def url(name: str, language: str = "en", **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


def initiative_url(initiative: Initiative, language: str) -> str:
    with translation.override(language):
        return initiative.get_absolute_url()


def get(client, path: str, language: str = "en"):
    return client.get(path, headers={"accept-language": language})


def post(client, path: str, data: dict, language: str = "en"):
    return client.post(path, data, headers={"accept-language": language})


def text(response) -> str:
    return html.unescape(response.content.decode())


def errors(response) -> dict:
    context = response.context
    return {**context["form"].errors, **context["details"].errors} if context and "form" in context else {}


def proposal(**overrides) -> dict:
    data = {**PROPOSAL, "consent": "on", "action": "submit", **overrides}
    return {name: value for name, value in data.items() if value is not None}


@pytest.fixture
def author_client(client, author):
    client.force_login(author)
    return client


@pytest.fixture
def moderator_client(client, moderator):
    from django.test import Client

    browser = Client()
    browser.force_login(moderator)
    return browser


@pytest.fixture
def english_with_french():
    """A published English original with a French translation of its title and summary."""
    initiative = make_initiative(title="Labour mobility partnership", summary="Workers move safely.")
    initiative.title_fr = "Partenariat de mobilité de main-d'œuvre"
    initiative.summary_fr = "Les travailleurs circulent en sécurité."
    initiative.save()
    initiative_services.record_history(initiative=initiative, reason="Translated")
    return initiative


def latest_version(initiative):
    return initiative.history.order_by("-history_date", "-history_id").first()


# --- a proposal in the submitter's language -----------------------------------------------------------------------


def test_the_form_asks_for_the_language_of_the_text_defaulting_to_the_pages(author_client):
    page = get(author_client, url("submissions:create", "fr"), "fr").content.decode()
    assert '<option value="fr" selected>' in page
    # A collapsed fieldset per other language, each field marked with its language and direction.
    assert '<details class="translation" id="translation-es">' in page
    assert '<details class="translation" id="translation-ar">' in page
    assert 'id="translation-fr"' not in page  # the text's own language has no translation
    assert 'name="title_ar"' in page and 'lang="ar"' in page and 'dir="rtl"' in page
    field = page.split('name="summary_es"')[0].rsplit("<textarea", 1)[1] + page.split('name="summary_es"')[1][:80]
    assert 'lang="es"' in field and 'dir="ltr"' in field


def test_a_french_proposal_approved_is_a_french_original_with_its_translations(
    author_client, moderator_client, author, client
):
    response = post(author_client, url("submissions:create"), proposal(**FRENCH, **SPANISH_TRANSLATION))
    assert response.status_code == 302, errors(response)
    submission = Submission.objects.get(author=author)
    assert submission.data["language"] == "fr"
    assert submission.data["translations"] == {
        "es": {
            "title": SPANISH_TRANSLATION["title_es"],
            "acronym": "",
            "summary": SPANISH_TRANSLATION["summary_es"],
            "description": "",
            **dict.fromkeys(sections.FIELDS, ""),  # the sections of the record, none translated (issue 13)
        }
    }

    # The moderators see the language of the text and of each translation, marked for what it is.
    moderation = text(get(moderator_client, url("submissions:moderate", pk=submission.pk)))
    assert "Written in French" in moderation and "Translation into Spanish" in moderation
    assert f'<dd lang="fr" dir="ltr">{FRENCH["title"]}</dd>' in moderation
    assert f'<dd lang="es" dir="ltr">{SPANISH_TRANSLATION["title_es"]}</dd>' in moderation

    assert post(moderator_client, url("submissions:moderator-action", pk=submission.pk, action="approve"), {})
    submission.refresh_from_db()
    assert submission.state == State.APPROVED
    initiative = submission.initiative
    assert initiative.language == "fr"
    assert (initiative.title_fr, initiative.acronym_fr) == (FRENCH["title"], "GUTS")
    assert initiative.summary_fr == FRENCH["summary"]
    assert "<h2>Résultats</h2>" in initiative.description_html_fr
    assert (initiative.title_es, initiative.summary_es) == (
        SPANISH_TRANSLATION["title_es"],
        SPANISH_TRANSLATION["summary_es"],
    )
    assert not initiative.title_en and not initiative.title_ar
    assert Initiative.objects.rewrite(False).values_list("title", flat=True).get(pk=initiative.pk) == FRENCH["title"]

    french = text(get(client, initiative_url(initiative, "fr"), "fr"))
    assert f'<h1 dir="auto">{FRENCH["title"]}</h1>' in french
    assert 'class="original-language"' not in french
    english = text(get(client, initiative_url(initiative, "en"), "en"))
    assert f'<h1 dir="auto" lang="fr">{FRENCH["title"]}</h1>' in english
    assert '<p class="original-language">Original in French</p>' in english
    spanish = text(get(client, initiative_url(initiative, "es"), "es"))
    assert f'<h1 dir="auto">{SPANISH_TRANSLATION["title_es"]}</h1>' in spanish


def test_the_preview_shows_the_original_language_and_the_translations(author_client, author):
    arabic = {"title_ar": "شباك موحد للعمال الموسميين", "summary_ar": "شباك يرافق العمال الموسميين."}
    response = post(author_client, url("submissions:create"), proposal(**FRENCH, **arabic, action="preview"))
    assert response.status_code == 302, errors(response)
    preview = text(author_client.get(response["Location"]))
    assert f'<h1 dir="auto" lang="fr">{FRENCH["title"]}</h1>' in preview  # an English reader: the French original
    assert '<p class="original-language">Original in French</p>' in preview
    assert "Translation into Arabic" in preview
    assert f'<dd lang="ar" dir="rtl">{arabic["title_ar"]}</dd>' in preview


def test_a_translation_is_validated_like_the_original_and_what_was_typed_is_kept(author_client, author):
    too_long = "T" * 301
    response = post(
        author_client,
        url("submissions:create"),
        proposal(title_es=too_long, acronym_ar="A" * 51, summary_ar="", title_ar="", description_fr="Texte"),
    )
    assert response.status_code == 200
    found = errors(response)
    assert "at most 300 characters" in found["title_es"][0]
    assert "at most 50 characters" in found["acronym_ar"][0]
    assert found["summary_es"] == ["This field is required."]  # a translation needs a summary, as the original
    assert found["title_ar"] == ["This field is required."] and found["summary_ar"] == ["This field is required."]
    assert found["title_fr"] == ["This field is required."]
    page = response.content.decode()
    assert '<details class="translation" id="translation-es" open>' in page  # opened where the errors are
    assert '<details class="translation" id="translation-ar" open>' in page
    assert 'href="#field-title_es"' in page  # in the summary, linked to the field
    assert 'id="field-title_es"' in page and too_long in page
    assert not Submission.objects.filter(author=author).exists()


def test_a_draft_keeps_a_partial_translation(author_client, author):
    response = post(author_client, url("submissions:create"), proposal(action="save", title_es="Solo el título"))
    assert response.status_code == 302, errors(response)
    draft = Submission.objects.get(author=author)
    assert draft.data["translations"]["es"]["title"] == "Solo el título"
    values = form_values(author_client.get(url("submissions:edit", pk=draft.pk)))
    assert values["title_es"] == ["Solo el título"] and values["language"] == ["en"]


@pytest.mark.parametrize("language", ["xx", "EN", "en-us", "\x00", "fr\n", "ar" * 100])
def test_an_invalid_language_is_a_form_error(author_client, author, language):
    response = post(author_client, url("submissions:create"), proposal(language=language))
    assert response.status_code == 200
    assert "Select a valid choice" in errors(response)["language"][0]
    assert not Submission.objects.filter(author=author).exists()


def test_a_translation_into_the_language_of_the_text_is_refused(author_client, author):
    response = post(author_client, url("submissions:create"), proposal(**FRENCH, title_fr="Autre", summary_fr="Autre"))
    assert response.status_code == 200
    assert "You also gave a translation into French" in errors(response)["language"][0]
    assert 'id="translation-fr" open' in response.content.decode()  # shown with what was typed, to be fixed
    assert not Submission.objects.filter(author=author).exists()


def test_an_update_changes_the_languages_it_gives_and_keeps_the_original(
    author_client, moderator_client, author, english_with_french
):
    suggest = url("submissions:suggest-update", slug=english_with_french.slug)
    typed = form_values(get(author_client, suggest))
    assert typed["language"] == ["en"] and typed["title"] == ["Labour mobility partnership"]
    assert typed["title_fr"] == ["Partenariat de mobilité de main-d'œuvre"]  # the translations, to correct
    data = {name: values if len(values) > 1 else values[0] for name, values in typed.items()}
    data.update(title_fr="Partenariat pour la mobilité de la main-d'œuvre", consent="on", action="submit")
    data.update(title_ar="شراكة التنقل", summary_ar="يتنقل العمال بأمان.")
    assert post(author_client, suggest, data).status_code == 302
    update = Submission.objects.get(author=author)

    moderation = text(get(moderator_client, url("submissions:moderate", pk=update.pk)))
    changes = moderation.split('class="table changes"', 1)[1].split("</table>", 1)[0]
    assert '<td lang="fr" dir="ltr"><ins>Partenariat pour la mobilité' in changes
    assert '<td lang="ar" dir="rtl"><ins>شراكة التنقل</ins>' in changes
    assert "<td>French</td>" in changes and "<td>Arabic</td>" in changes
    assert "<td>English</td>" not in changes  # the English text is as it was

    post(moderator_client, url("submissions:moderator-action", pk=update.pk, action="approve"), {})
    initiative = Initiative.objects.get(pk=english_with_french.pk)
    assert initiative.language == "en"
    assert initiative.title_en == "Labour mobility partnership"
    assert initiative.title_fr == "Partenariat pour la mobilité de la main-d'œuvre"
    assert initiative.summary_fr == "Les travailleurs circulent en sécurité."
    assert (initiative.title_ar, initiative.summary_ar) == ("شراكة التنقل", "يتنقل العمال بأمان.")
    assert initiative.title_es is None


# --- suggest a translation ----------------------------------------------------------------------------------------


def test_every_initiative_page_offers_suggest_a_translation(client, english_with_french):
    page = get(client, initiative_url(english_with_french, "en")).content.decode()
    link = url("submissions:suggest-translation", slug=english_with_french.slug)
    assert f'href="{link}">Suggest a translation</a>' in page


def test_an_anonymous_visitor_is_asked_to_log_in(client, english_with_french):
    path = url("submissions:suggest-translation", slug=english_with_french.slug)
    for response in (get(client, path + "?language=es"), post(client, path, {"language": "es", "title": "x"})):
        assert response.status_code == 302
        assert response["Location"].startswith(url("accounts:login") + "?next=")
    assert not Submission.objects.exists()


def test_the_languages_to_translate_into_are_offered_first(author_client, english_with_french):
    path = url("submissions:suggest-translation", slug=english_with_french.slug)
    page = text(get(author_client, path))
    assert '<a href="?language=fr">Correct the translation into French</a>' in page
    assert '<a href="?language=es">Translate into Spanish</a>' in page
    assert '?language=en"' not in page  # not into its original language: that is an update
    for wrong in ("en", "xx", "\x00"):
        response = get(author_client, f"{path}?language={wrong}")
        assert response.status_code == 200
        assert "Choose one of the languages in the list." in text(response)


def test_the_form_is_prefilled_with_the_existing_translation_beside_the_original(author_client, english_with_french):
    path = url("submissions:suggest-translation", slug=english_with_french.slug)
    response = get(author_client, path + "?language=fr")
    values = form_values(response)
    assert values["title"] == ["Partenariat de mobilité de main-d'œuvre"]
    assert values["summary"] == ["Les travailleurs circulent en sécurité."]
    page = text(response)
    assert '<input type="hidden" name="language" value="fr"' in page
    assert (
        'lang="fr" dir="ltr"'
        in page.split('name="title"')[0].rsplit("<input", 1)[1] + page.split('name="title"')[1][:120]
    )
    aside = page.split('class="metadata original-text"')[1].split("</aside>")[0]
    assert "The original, in English" in aside
    assert '<dd lang="en" dir="ltr">Labour mobility partnership</dd>' in aside
    assert 'name="' not in aside  # read-only
    arabic = text(get(author_client, path + "?language=ar"))
    assert form_values(get(author_client, path + "?language=ar"))["title"] == [""]
    assert (
        'name="title"' in arabic
        and 'dir="rtl"'
        in arabic.split('name="title"')[1][:120] + arabic.split('name="title"')[0].rsplit("<input", 1)[1]
    )


def _suggest_spanish(author_client, initiative, **extra):
    path = url("submissions:suggest-translation", slug=initiative.slug)
    data = {
        "language": "es",
        "title": "Asociación de movilidad laboral",
        "acronym": "AML",
        "summary": "Los trabajadores se desplazan con seguridad.",
        "description": "Un *resumen*.",
        "consent": "on",
        "action": "submit",
        **extra,
    }
    response = post(author_client, path, data)
    assert response.status_code == 302, errors(response)
    return Submission.objects.filter(kind=Submission.Kind.TRANSLATION).latest("pk")


def test_a_suggested_translation_is_moderated_and_written_into_its_language_only(
    author_client,
    moderator_client,
    english_with_french,
    mail_sent_at_once,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    neighbour = make_initiative(title="Neighbour practice", summary="Next door.")
    before = latest_version(english_with_french)
    with django_capture_on_commit_callbacks(execute=True):
        suggestion = _suggest_spanish(author_client, english_with_french)
    assert (suggestion.kind, suggestion.state, suggestion.initiative) == (
        Submission.Kind.TRANSLATION,
        State.SUBMITTED,
        english_with_french,
    )
    assert suggestion.data["language"] == "es"
    announcement = mailoutbox[-1]
    assert "It proposes a translation into Spanish of the published initiative" in announcement.body

    moderation = text(get(moderator_client, url("submissions:moderate", pk=suggestion.pk)))
    assert "Translation of an initiative" in moderation
    changes = moderation.split('class="table changes"', 1)[1].split("</table>", 1)[0]
    assert '<td lang="es" dir="ltr"><ins>Asociación de movilidad laboral</ins></td>' in changes
    assert "<td>Spanish</td>" in changes
    assert '<dd lang="es" dir="ltr">Asociación de movilidad laboral</dd>' in moderation

    with django_capture_on_commit_callbacks(execute=True):
        post(moderator_client, url("submissions:moderator-action", pk=suggestion.pk, action="approve"), {})
    suggestion.refresh_from_db()
    assert suggestion.state == State.APPROVED
    initiative = Initiative.objects.get(pk=english_with_french.pk)
    assert (initiative.title_es, initiative.acronym_es) == ("Asociación de movilidad laboral", "AML")
    assert initiative.description_html_es == "<p>Un <em>resumen</em>.</p>\n"
    # The original and the other translations are as they were; so is the neighbour.
    assert (initiative.title_en, initiative.summary_en) == ("Labour mobility partnership", "Workers move safely.")
    assert initiative.title_fr == "Partenariat de mobilité de main-d'œuvre"
    assert (initiative.language, initiative.is_published()) == ("en", True)
    neighbour.refresh_from_db()
    assert (neighbour.title_es, neighbour.title_en) == (None, "Neighbour practice")
    thanks = mailoutbox[-1]
    assert thanks.to == ["author@example.org"]
    assert "Your translation of “Labour mobility partnership” into Spanish has been published." in thanks.body

    # The history has the change as one version, and a revert takes it back.
    version = latest_version(initiative)
    assert version.history_id != before.history_id
    assert version.title_es == "Asociación de movilidad laboral" and version.title_fr == before.title_fr
    assert version.history_change_reason == f"Approved submission #{suggestion.pk}"
    initiative_services.revert_initiative(record=before)
    initiative = Initiative.objects.get(pk=english_with_french.pk)
    assert not initiative.title_es and not initiative.description_html_es
    assert initiative.title_fr == "Partenariat de mobilité de main-d'œuvre"

    spanish = text(get(author_client, initiative_url(initiative, "es"), "es"))
    assert '<h1 dir="auto" lang="en">Labour mobility partnership</h1>' in spanish


def test_changes_requested_then_resubmitted_then_rejected(
    author_client,
    moderator_client,
    author,
    english_with_french,
    mail_sent_at_once,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    suggestion = _suggest_spanish(author_client, english_with_french)
    action = url("submissions:moderator-action", pk=suggestion.pk, action="request_changes")
    with django_capture_on_commit_callbacks(execute=True):
        post(moderator_client, action, {"message": "Please translate the acronym too."})
    suggestion.refresh_from_db()
    assert suggestion.state == State.CHANGES_REQUESTED
    assert "Please translate the acronym too." in mailoutbox[-1].body

    # The author corrects it in the same form, prefilled with what they wrote.
    edit = url("submissions:edit", pk=suggestion.pk)
    values = form_values(get(author_client, edit))
    assert values["title"] == ["Asociación de movilidad laboral"]
    assert values["acronym"] == ["AML"]
    response = post(
        author_client,
        edit,
        {
            **{k: v[0] for k, v in values.items()},
            "language": "es",
            "acronym": "AMOL",
            "action": "submit",
            "consent": "on",
        },
    )
    assert response.status_code == 302, errors(response)
    suggestion.refresh_from_db()
    assert (suggestion.state, suggestion.data["acronym"]) == (State.SUBMITTED, "AMOL")

    with django_capture_on_commit_callbacks(execute=True):
        post(
            moderator_client, url("submissions:moderator-action", pk=suggestion.pk, action="reject"), {"message": "No."}
        )
    suggestion.refresh_from_db()
    assert suggestion.state == State.REJECTED
    assert mailoutbox[-1].to == ["author@example.org"] and "No." in mailoutbox[-1].body
    initiative = Initiative.objects.get(pk=english_with_french.pk)
    assert initiative.title_es is None and initiative.acronym_es is None


def test_a_suggested_translation_with_a_bad_language_or_missing_text_is_a_form_error(
    author_client, english_with_french
):
    path = url("submissions:suggest-translation", slug=english_with_french.slug)
    for language in ("xx", "en", "", "\x00"):
        response = post(author_client, path, {"language": language, "title": "T", "summary": "S", "action": "submit"})
        assert response.status_code == 200
        assert "language" in errors(response)
        assert "Language of the translation:" in text(response)  # in the error summary
    response = post(author_client, path, {"language": "ar", "title": "عنوان", "summary": "", "action": "submit"})
    assert errors(response)["summary"] == ["This field is required."]
    assert 'value="عنوان"' in text(response)  # kept
    response = post(author_client, path, {"language": "es", "title": "T", "summary": "S", "action": "submit"})
    assert "consent" in errors(response)
    assert not Submission.objects.exists()


def test_a_translation_into_what_became_the_original_language_is_not_approved(
    author_client, moderator, english_with_french
):
    suggestion = _suggest_spanish(author_client, english_with_french)
    Initiative.objects.filter(pk=english_with_french.pk).update(language="es")
    with pytest.raises(services.TransitionRefused, match="written in Spanish originally"):
        services.approve(submission=suggestion, moderator=moderator)
    suggestion.refresh_from_db()
    assert suggestion.state == State.SUBMITTED
    assert Initiative.objects.get(pk=english_with_french.pk).title_es is None


def test_the_author_sees_what_language_their_submission_is_in(author_client, english_with_french):
    suggestion = _suggest_spanish(author_client, english_with_french)
    page = text(get(author_client, url("submissions:detail", pk=suggestion.pk)))
    assert "Translation into Spanish." in page
    preview = text(get(author_client, url("submissions:preview", pk=suggestion.pk)))
    assert '<dd lang="es" dir="ltr">Asociación de movilidad laboral</dd>' in preview


def test_a_submission_from_before_the_language_choice_is_english(author, moderator, proposal_data):
    """Drafts saved before there was a choice have no language in their data: they were written in English."""
    legacy = {name: value for name, value in proposal_data.items() if name not in ("language", "translations")}
    submission = services.create_submission(author=author, data=legacy, consent=True)
    services.submit(submission=submission, author=author)
    initiative = services.approve(submission=submission, moderator=moderator)
    assert (initiative.language, initiative.title_en) == ("en", PROPOSAL["title"])
    assert not initiative.title_fr
