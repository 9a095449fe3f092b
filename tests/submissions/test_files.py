"""Documents and images in proposals (issue 13): uploaded with the form, checked, private until published, handed
to the initiative on approval, removed with their submission."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage

from initiatives.models import Attachment
from submissions import services
from submissions.models import Submission, SubmissionFile
from tests import uploads as files
from tests.uploads import close_file

from .conftest import PROPOSAL
from .test_views import form_values, page

pytestmark = pytest.mark.django_db


def proposal(**overrides) -> dict:
    data = {**PROPOSAL, "consent": "on", **overrides}
    return {name: value for name, value in data.items() if value is not None}


def with_files(**overrides) -> dict:
    fields = {
        "action": "save",
        "document": files.pdf("Final report.pdf"),
        "document_title": "Final report",
        "image": files.png("fair.png"),  # 1600 × 900, turned by its EXIF orientation: 675 × 1200 on the page
        "image_alt": "Workers queue at a job fair",
    }
    return proposal(**{**fields, **overrides})


def fetch(client, url):
    response = client.get(url)
    response.body = b"".join(response.streaming_content) if response.streaming else response.content
    close_file(response)
    return response


def stored_names() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}


@pytest.fixture
def author_client(client, author):
    client.force_login(author)
    return client


def test_a_draft_is_saved_with_a_document_and_an_image(author_client, author):
    response = author_client.post("/en/submit/", with_files())
    submission = Submission.objects.get(author=author)
    assert response.status_code == 302 and response["Location"] == f"/en/submissions/{submission.pk}/edit/"
    document, image = submission.files.order_by("position")
    assert (document.kind, document.title, document.filename, document.content_type) == (
        "document",
        "Final report",
        "Final-report.pdf",
        "application/pdf",
    )
    assert (image.kind, image.alt_text, image.content_type, image.width, image.card_width) == (
        "image",
        "Workers queue at a job fair",
        "image/webp",
        675,
        270,
    )
    form = author_client.get(f"/en/submissions/{submission.pk}/edit/")
    text = page(form)
    assert "Final-report.pdf" in text and "Remove “Final report”" in text
    assert 'enctype="multipart/form-data"' in text


def test_a_file_refused_by_its_content_keeps_everything_typed(author_client, author):
    response = author_client.post(
        "/en/submit/", proposal(action="save", document=files.text_as_pdf(), document_title="Report")
    )
    assert response.status_code == 200
    assert not Submission.objects.filter(author=author).exists()
    text = page(response)
    assert "This file is not one we accept" in text and "choose the file again" in text
    values = form_values(response)
    assert values["title"] == [PROPOSAL["title"]] and values["document_title"] == ["Report"]
    assert values["summary"] == [PROPOSAL["summary"]]


def test_an_html_page_called_png_is_refused_as_an_image(author_client, author):
    response = author_client.post("/en/submit/", proposal(action="save", image=files.html_as_png(), image_alt="x"))
    assert response.status_code == 200 and "This file is not one we accept" in page(response)
    assert not SubmissionFile.objects.exists()


def test_too_large_an_image_is_refused_beside_its_field(author_client, settings):
    settings.UPLOAD_MAX_IMAGE_BYTES = 1000
    response = author_client.post("/en/submit/", proposal(action="save", image=files.png(), image_alt="x"))
    assert response.status_code == 200
    assert "This file is too large: the limit is 1000" in page(response)
    assert not SubmissionFile.objects.exists()


def test_an_image_needs_a_text_alternative(author_client):
    response = author_client.post("/en/submit/", proposal(action="save", image=files.png()))
    assert response.status_code == 200
    assert "Say what the image shows" in page(response)


def test_a_valid_file_beside_an_error_elsewhere_is_asked_for_again(author_client):
    response = author_client.post("/en/submit/", with_files(action="submit", title=""))
    assert response.status_code == 200
    assert "This file was not saved because of the errors above" in page(response)
    assert not SubmissionFile.objects.exists()


def test_a_request_too_large_to_read_is_refused_with_a_page(author_client, settings):
    settings.UPLOAD_MAX_REQUEST_BYTES = 1000
    response = author_client.post("/en/submit/", with_files())
    assert response.status_code == 413
    assert "Too much to upload at once" in page(response)


def test_removing_a_file_from_the_draft_removes_it_from_storage(
    author_client, author, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        author_client.post("/en/submit/", with_files())
    submission = Submission.objects.get(author=author)
    document, image = submission.files.order_by("position")
    with django_capture_on_commit_callbacks(execute=True):
        response = author_client.post(
            f"/en/submissions/{submission.pk}/edit/", proposal(action="save", remove_files=[document.pk])
        )
    assert response.status_code == 302
    assert list(submission.files.all()) == [image]
    assert stored_names() == set(image.storage_names())


def test_a_submissions_files_are_for_its_author_and_the_moderators(client, author, other, moderator, django_user_model):
    client.force_login(author)
    client.post("/en/submit/", with_files())
    document, image = Submission.objects.get(author=author).files.order_by("position")
    urls = [document.get_absolute_url(), image.get_absolute_url(), image.card_url()]
    for url in urls:
        response = fetch(client, url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "private, no-store"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert fetch(client, urls[0])["Content-Disposition"] == 'attachment; filename="Final-report.pdf"'
    assert fetch(client, urls[0]).body == files.PDF_BYTES
    client.force_login(moderator)
    assert all(fetch(client, url).status_code == 200 for url in urls)
    staff = django_user_model.objects.create_user("staff", "staff@example.org", "pw-123456789", is_staff=True)
    for person in (other, staff):
        client.force_login(person)
        assert all(fetch(client, url).status_code == 404 for url in urls)
    client.logout()
    assert all(fetch(client, url).status_code == 404 for url in urls)


def test_the_preview_and_the_moderation_page_show_the_files(client, author, moderator):
    client.force_login(author)
    client.post("/en/submit/", with_files(action="submit"))
    submission = Submission.objects.get(author=author)
    document, image = submission.files.order_by("position")
    preview = client.get(f"/en/submissions/{submission.pk}/preview/").content.decode()
    assert f'src="{image.get_absolute_url()}"' in preview and f'href="{document.get_absolute_url()}"' in preview
    client.force_login(moderator)
    moderation = client.get(f"/en/moderation/{submission.pk}/").content.decode()
    assert f'src="{image.get_absolute_url()}"' in moderation and "Final report" in moderation


def test_approval_hands_the_files_to_the_initiative_leaving_no_orphan(
    client, author, moderator, django_capture_on_commit_callbacks
):
    client.force_login(author)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/submit/", with_files(action="submit"))
    submission = Submission.objects.get(author=author)
    names = {name for item in submission.files.all() for name in item.storage_names()}
    with django_capture_on_commit_callbacks(execute=True):
        services.claim(submission=submission, moderator=moderator)
        initiative = services.approve(submission=Submission.objects.get(pk=submission.pk), moderator=moderator)
    assert not SubmissionFile.objects.exists()
    document, image = initiative.attachments.order_by("position")
    assert (document.title, image.alt_text) == ("Final report", "Workers queue at a job fair")
    assert {name for a in (document, image) for name in a.storage_names()} == names == stored_names()
    client.logout()
    assert fetch(client, document.get_absolute_url()).status_code == 200  # published: anyone's now
    detail = client.get(f"/en/initiatives/{initiative.slug}/").content.decode()
    assert f'src="{image.get_absolute_url()}"' in detail and "Final report" in detail
    version = initiative.history.order_by("-history_date", "-history_id").first()
    assert [item["title"] for item in version.attachments_snapshot] == ["Final report", "Workers queue at a job fair"]


def test_an_approved_update_adds_its_files_to_the_initiatives(client, author, moderator):
    from initiatives.models import Initiative

    initiative = Initiative.objects.published().first()
    before = initiative.attachments.count()
    client.force_login(author)
    client.post(
        f"/en/initiatives/{initiative.slug}/suggest-update/",
        with_files(action="submit", image=None, image_alt=None, duplicate_explanation="An update"),
    )
    submission = Submission.objects.get(author=author, kind="update")
    services.claim(submission=submission, moderator=moderator)
    services.approve(submission=Submission.objects.get(pk=submission.pk), moderator=moderator)
    assert initiative.attachments.count() == before + 1
    assert Attachment.objects.filter(initiative=initiative, title="Final report").exists()


def test_deleting_a_submission_deletes_its_files(client, author, other, django_capture_on_commit_callbacks):
    client.force_login(author)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/submit/", with_files())
    client.force_login(other)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/submit/", with_files())
    theirs = {name for item in SubmissionFile.objects.filter(submission__author=other) for name in item.storage_names()}
    with django_capture_on_commit_callbacks(execute=True):
        Submission.objects.get(author=author).delete()
    assert stored_names() == theirs
    assert all(default_storage.exists(name) for name in theirs)


def test_the_count_cap_counts_the_files_already_in_the_draft(author_client, author, settings):
    settings.UPLOAD_MAX_FILES = 2
    author_client.post("/en/submit/", with_files())
    submission = Submission.objects.get(author=author)
    response = author_client.post(
        f"/en/submissions/{submission.pk}/edit/",
        proposal(action="save", document=files.pdf(), document_title="Third"),
    )
    assert response.status_code == 200 and "A record has at most 2 files" in page(response)
    assert submission.files.count() == 2
