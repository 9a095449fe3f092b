"""The sections of a record through the proposal flow (issue 13): the form with guidance, the preview, the
moderation page and its diff, approval to the live page, updates, translations, and too long a section."""

import html

import pytest

from initiatives import sections
from initiatives.models import Initiative
from submissions.models import Submission

from .test_views import _as, form_errors, form_values, proposal

pytestmark = pytest.mark.django_db

SECTIONS = {
    "context": "Seasonal workers were recruited through brokers.",
    "results": "300 workers placed.\n\nNo recruitment fee paid.",
    "evidence": "An evaluation by the ministry (2023).",
    "good_practice": "Replicated in two other districts.",
    "source": "GFMD 2024 call for practices",
}


def page(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def author_client(client, author):
    client.force_login(author)
    return client


def test_the_form_asks_for_each_section_with_its_guidance(author_client):
    body = page(author_client.get("/en/submit/"))
    assert "<legend>What worked and why (optional)</legend>" in body
    for section in sections.SECTIONS:
        assert f'<label for="id_{section.field}">{section.heading}</label>' in body
        assert f'<p class="help" id="id_{section.field}_helptext">{section.guidance}</p>' in body
        assert f'name="{section.field}" cols="40" rows="5" maxlength="{sections.MAX_LENGTH}"' in body
    # Each translation offers the sections too.
    assert 'name="results_fr"' in body and "Results and impact in French" in body


def test_a_proposal_with_sections_is_previewed_moderated_and_published_with_them(author_client, author, moderator):
    preview = author_client.post("/en/submit/", proposal(action="preview", **SECTIONS), follow=True)
    assert preview.status_code == 200 and preview.redirect_chain[-1][0].endswith("/preview/")
    body = page(preview)
    assert '<h2 id="section-results-heading">Results and impact</h2>' in body
    assert "<p>300 workers placed.</p>\n\n<p>No recruitment fee paid.</p>" in body
    assert "Recommendations</h2>" not in body

    submission = Submission.objects.get(author=author)  # the draft the preview saved
    response = author_client.post(f"/en/submissions/{submission.pk}/edit/", proposal(action="submit", **SECTIONS))
    assert response.status_code == 302, form_errors(response)
    submission.refresh_from_db()
    assert submission.state == Submission.State.SUBMITTED
    assert {name: submission.data[name] for name in SECTIONS} == SECTIONS
    assert submission.data["recommendations"] == ""

    client = _as(author_client, moderator)
    moderation = page(client.get(f"/en/moderation/{submission.pk}/"))
    assert "<dt>Evidence of results</dt>" in moderation and "An evaluation by the ministry (2023)." in moderation
    assert client.post(f"/en/moderation/{submission.pk}/approve/").status_code == 302
    initiative = Initiative.objects.get(title=proposal()["title"])
    assert initiative.is_published()
    assert (initiative.results_en, initiative.evidence, initiative.source) == (
        SECTIONS["results"],
        SECTIONS["evidence"],
        SECTIONS["source"],
    )
    assert initiative.lessons == "" and not initiative.results_fr
    live = page(client.get(initiative.get_absolute_url()))
    assert '<h2 id="section-source-heading">Source</h2>' in live and "GFMD 2024 call for practices" in live
    api = client.get(f"/api/initiatives/{initiative.slug}/").json()
    assert api["sections"]["good_practice"] == SECTIONS["good_practice"]
    assert client.get("/en/initiatives/?evidence=1").context["initiatives"][0] == initiative


def test_a_translated_section_in_the_proposal_reaches_its_language(author_client, author, moderator):
    typed = proposal(
        action="submit",
        results="300 workers placed.",
        title_fr="Projet pilote saisonnier",
        summary_fr="Un projet pilote.",
        results_fr="300 travailleurs placés.",
    )
    response = author_client.post("/en/submit/", typed)
    assert response.status_code == 302, form_errors(response)
    submission = Submission.objects.get(author=author)
    assert submission.data["translations"]["fr"]["results"] == "300 travailleurs placés."
    client = _as(author_client, moderator)
    client.post(f"/en/moderation/{submission.pk}/approve/")
    initiative = Initiative.objects.get(title=proposal()["title"])
    assert (initiative.results, initiative.results_fr) == ("300 workers placed.", "300 travailleurs placés.")
    assert "300 travailleurs placés." in page(client.get(f"/fr/initiatives/{initiative.slug}/"))


def test_a_section_over_the_cap_keeps_the_form_and_everything_typed(author_client, author):
    too_long = "x" * (sections.MAX_LENGTH + 1)
    response = author_client.post("/en/submit/", proposal(action="submit", evidence=too_long, **{"lessons": "Kept."}))
    assert response.status_code == 200
    assert not Submission.objects.filter(author=author).exists()
    errors = response.context["form"].errors
    assert list(errors) == ["evidence"]
    body = page(response)
    assert '<div class="field has-error" id="field-evidence">' in body
    assert '<a href="#field-evidence">Evidence of results: ' in body
    values = form_values(response)
    assert values["evidence"] == [too_long] and values["lessons"] == ["Kept."]
    assert values["title"] == [proposal()["title"]]


def test_an_update_shows_changed_sections_in_the_diff_and_approval_changes_only_them(author_client, author, moderator):
    thamm = Initiative.objects.get(slug="thamm")
    thamm.results = "Old results."
    thamm.budget = "EUR 20 million."
    thamm.save()
    typed = form_values(author_client.get("/en/initiatives/thamm/suggest-update/"))
    assert typed["results"] == ["Old results."] and typed["budget"] == ["EUR 20 million."]
    data = {name: values if len(values) > 1 else values[0] for name, values in typed.items()}
    data.update(results="New results.", evidence="A mid-term evaluation.", consent="on", action="submit")
    response = author_client.post("/en/initiatives/thamm/suggest-update/", data)
    assert response.status_code == 302, form_errors(response)
    update = Submission.objects.get(author=author)

    client = _as(author_client, moderator)
    changes = page(client.get(f"/en/moderation/{update.pk}/")).split('class="table changes"', 1)[1]
    changes = changes.split("</table>", 1)[0]
    assert "Results and impact" in changes and "Old results." in changes and "New results." in changes
    assert "Evidence of results" in changes and "A mid-term evaluation." in changes
    assert "Budget and funding" not in changes  # unchanged
    client.post(f"/en/moderation/{update.pk}/approve/")
    thamm.refresh_from_db()
    assert (thamm.results, thamm.evidence, thamm.budget) == (
        "New results.",
        "A mid-term evaluation.",
        "EUR 20 million.",
    )


def test_a_suggested_translation_carries_the_sections(author_client, author, moderator):
    thamm = Initiative.objects.get(slug="thamm")
    thamm.results = "Results in English."
    thamm.save()
    form = page(author_client.get("/en/initiatives/thamm/suggest-translation/?language=fr"))
    assert "<dt>Results and impact</dt>" in form and "Results in English." in form  # the original, for reference
    assert 'name="results"' in form
    response = author_client.post(
        "/en/initiatives/thamm/suggest-translation/",
        {
            "language": "fr",
            "title": "THAMM en français",
            "summary": "Résumé.",
            "results": "Résultats en français.",
            "consent": "on",
            "action": "submit",
        },
    )
    assert response.status_code == 302, form_errors(response)
    submission = Submission.objects.get(author=author)
    assert submission.kind == Submission.Kind.TRANSLATION and submission.data["results"] == "Résultats en français."
    client = _as(author_client, moderator)
    changes = page(client.get(f"/en/moderation/{submission.pk}/")).split('class="table changes"', 1)[1]
    assert "Results and impact" in changes.split("</table>", 1)[0]
    client.post(f"/en/moderation/{submission.pk}/approve/")
    thamm.refresh_from_db()
    assert thamm.results_fr == "Résultats en français."
    assert thamm.results == thamm.results_en == "Results in English."  # the original stays
