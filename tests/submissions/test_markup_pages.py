"""The pages that show a proposed description (the author's preview, the moderator's page, the page once
approved) answer quickly whatever the description, and an approved update re-renders the stored HTML."""

import time

import pytest

from initiatives import markup
from initiatives.models import Initiative
from submissions import services
from submissions.models import Submission

from .test_views import _as, _submitted_via_http, form_errors, form_values

pytestmark = pytest.mark.django_db

WORST = "[" * 20_000  # the form's limit; Python-Markdown took about 100 s over it


def _timed_get(client, url: str):
    started = time.process_time()
    response = client.get(url)
    assert response.status_code == 200, url
    assert time.process_time() - started < 5.0, url  # CPU of the whole request, generously
    return response


def test_preview_moderation_and_the_published_page_answer_with_the_worst_description(client, author, moderator):
    client.force_login(author)
    submission = _submitted_via_http(client, description=WORST)
    assert "[[[[" in _timed_get(client, f"/en/submissions/{submission.pk}/preview/").content.decode()
    assert "[[[[" in _timed_get(_as(client, moderator), f"/en/moderation/{submission.pk}/").content.decode()
    initiative = services.approve(submission=submission, moderator=moderator)
    assert initiative.description_html == markup.render(WORST)
    client.logout()
    assert "[[[[" in _timed_get(client, initiative.get_absolute_url()).content.decode()


def test_an_approved_update_stores_the_new_description_html(client, author, moderator):
    thamm = Initiative.objects.get(slug="thamm")
    neighbour = Initiative.objects.exclude(pk=thamm.pk).published().first()
    neighbour_html = neighbour.description_html
    client.force_login(author)
    typed = form_values(client.get("/en/initiatives/thamm/suggest-update/"))
    data = {name: values if len(values) > 1 else values[0] for name, values in typed.items()}
    data.update(description="## Updated\n\n*new* text\n\n<script>alert(1)</script>", consent="on", action="submit")
    response = client.post("/en/initiatives/thamm/suggest-update/", data)
    assert response.status_code == 302, form_errors(response)
    update = Submission.objects.get(author=author)
    services.approve(submission=update, moderator=moderator)
    thamm.refresh_from_db()
    assert thamm.description_html == "<h2>Updated</h2>\n<p><em>new</em> text</p>\n"
    client.logout()
    assert "<h2>Updated</h2>" in client.get("/en/initiatives/thamm/").content.decode()
    neighbour.refresh_from_db()
    assert neighbour.description_html == neighbour_html
