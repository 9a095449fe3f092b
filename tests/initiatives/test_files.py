"""Documents and images of initiatives (issue 13): checked by content, images re-encoded, served safely, kept
consistent by history, revert, merges and deletion, filtered, and in the API."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from initiatives import services, uploads
from initiatives.models import Attachment, Initiative, Organisation
from tests import uploads as files
from tests.factories import make_initiative
from tests.uploads import close_file

pytestmark = pytest.mark.django_db


def stored(name: str) -> bool:
    return bool(name) and default_storage.exists(name)


def read(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def fetch(client, url):
    """A file's response, its content read (``body``) and the file closed."""
    response = client.get(url)
    response.body = b"".join(response.streaming_content) if response.streaming else response.content
    close_file(response)
    return response


def attach(initiative, upload, title="Final report", alt_text=""):
    return services.add_attachment(initiative=initiative, upload=upload, title=title, alt_text=alt_text)


# --- checked by content ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "content_type"),
    [
        (files.pdf, "application/pdf"),
        (files.docx, uploads.DOCX[0]),
        (files.odt, uploads.ODT[0]),
        (lambda: SimpleUploadedFile("data.csv", b"country,year\nMD,2021\n"), "text/csv"),
    ],
)
def test_documents_are_recognised_by_their_content(make, content_type):
    checked = uploads.check(make())
    assert (checked.kind, checked.content_type) == ("document", content_type)


@pytest.mark.parametrize(
    "upload",
    [
        files.text_as_pdf(),  # a page renamed .pdf
        files.html_as_png(),  # HTML renamed .png
        SimpleUploadedFile("page.csv", b"<html><body>hi</body></html>"),  # an HTML page called .csv
        SimpleUploadedFile("macro.docm", b"PK\x03\x04 not really a zip"),
        SimpleUploadedFile("tool.doc", b"MZ\x90\x00 an executable"),
    ],
    ids=["text-as-pdf", "html-as-png", "html-as-csv", "broken-zip", "exe-as-doc"],
)
def test_a_file_is_refused_whatever_its_name_says(upload):
    with pytest.raises(ValidationError) as refused:
        uploads.check(upload)
    assert refused.value.code == "file_type"


def test_an_office_file_that_is_not_a_known_document_is_refused():
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:  # a macro-enabled Word file declares another main part
        archive.writestr("[Content_Types].xml", 'ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"')
    with pytest.raises(ValidationError):
        uploads.check(SimpleUploadedFile("letter.docx", buffer.getvalue()))


def test_a_zip_bomb_is_refused_from_its_declared_sizes(settings):
    settings.UPLOAD_MAX_UNZIPPED_BYTES = 1024 * 1024
    with pytest.raises(ValidationError) as refused:
        uploads.check(files.zip_bomb(unpacked=2 * 1024 * 1024))
    assert refused.value.code == "zip_bomb"
    uploads.check(files.docx())  # a small one passes the same check


def test_too_large_files_are_refused(settings):
    settings.UPLOAD_MAX_IMAGE_BYTES = 1000
    settings.UPLOAD_MAX_DOCUMENT_BYTES = 100
    for upload in (files.png(), files.pdf()):
        with pytest.raises(ValidationError) as refused:
            uploads.check(upload)
        assert refused.value.code == "file_size"


def test_an_image_with_too_many_pixels_is_refused_before_it_is_decoded(settings):
    settings.UPLOAD_MAX_IMAGE_PIXELS = 1000 * 1000
    with pytest.raises(ValidationError) as refused:
        uploads.check(files.png(width=1200, height=900, exif=False))
    assert refused.value.code == "image_pixels"
    uploads.check(files.png(width=900, height=900, exif=False))


def test_count_and_total_caps_per_record(settings):
    initiative = make_initiative()
    settings.UPLOAD_MAX_FILES = 2
    attach(initiative, files.pdf())
    attach(initiative, files.pdf())
    with pytest.raises(ValidationError) as refused:
        attach(initiative, files.pdf())
    assert refused.value.code == "file_count"
    settings.UPLOAD_MAX_FILES, settings.UPLOAD_MAX_TOTAL_BYTES = 10, 2 * len(files.PDF_BYTES) + 10
    with pytest.raises(ValidationError) as refused:
        attach(initiative, files.pdf())
    assert refused.value.code == "file_total"
    attach(make_initiative(), files.pdf())  # another record has its own caps


# --- images re-encoded ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [files.png_bytes(1600, 900), files.jpeg_with_exif(1600, 900)], ids=["png", "jpeg"])
def test_an_image_is_reencoded_without_metadata_turned_upright_and_scaled(raw):
    assert b"SecretCameraMaker" in raw
    attachment = attach(make_initiative(), SimpleUploadedFile("photo.jpg", raw), title="Photo", alt_text="A field")
    assert (attachment.kind, attachment.content_type, attachment.filename) == ("image", "image/webp", "photo.webp")
    detail, card = read(attachment.file.name), read(attachment.card_file.name)
    for data in (detail, card):
        assert b"SecretCameraMaker" not in data
        image = Image.open(io.BytesIO(data))
        assert image.format == "WEBP"
        assert not image.getexif()
    # The orientation tag said "turned": the 1600 × 900 picture stands upright, 1200 high at most on the page.
    assert (attachment.width, attachment.height) == (675, 1200)
    assert Image.open(io.BytesIO(detail)).size == (675, 1200)
    assert (attachment.card_width, attachment.card_height) == (270, 480)
    assert Image.open(io.BytesIO(card)).size == (270, 480)


def test_a_small_image_is_not_enlarged():
    attachment = attach(make_initiative(), files.png(width=300, height=200, exif=False), alt_text="Small")
    assert (attachment.width, attachment.height, attachment.card_width) == (300, 200, 300)


# --- served by the portal ------------------------------------------------------------------------------------------


def test_a_published_document_is_served_to_anyone_as_a_download_that_cannot_run(client):
    attachment = attach(make_initiative(), files.pdf("../../etc/Rapport final <script>.pdf"))
    assert attachment.filename == "Rapport-final-script.pdf"
    response = fetch(client, attachment.get_absolute_url())
    assert response.status_code == 200
    assert response.body == files.PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Rapport-final-script.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "public, max-age=3600"
    assert attachment.get_absolute_url().startswith("/files/")  # no language prefix


def test_an_image_is_served_inline_as_what_it_was_made_into(client):
    attachment = attach(make_initiative(), files.png(), alt_text="A chart")
    response = fetch(client, attachment.get_absolute_url())
    assert response["Content-Type"] == "image/webp"
    assert response["Content-Disposition"].startswith("inline")
    card = fetch(client, attachment.card_url())
    assert card.status_code == 200 and card["Content-Type"] == "image/webp"


def test_an_unpublished_initiatives_files_are_for_curators_only(client, django_user_model):
    draft = make_initiative(publish=False)
    attachment = attach(draft, files.pdf())
    published = attach(make_initiative(), files.pdf())
    url = attachment.get_absolute_url()
    assert fetch(client, url).status_code == 404  # anonymous
    staff = django_user_model.objects.create_user("staff", "staff@example.org", "pw-123456789", is_staff=True)
    client.force_login(staff)
    assert fetch(client, url).status_code == 404  # staff without the permission
    assert fetch(client, published.get_absolute_url()).status_code == 200  # the published neighbour is anyone's
    staff.user_permissions.add(Permission.objects.get(codename="view_initiative"))
    staff = django_user_model.objects.get(pk=staff.pk)
    client.force_login(staff)
    response = fetch(client, url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_a_missing_file_or_attachment_is_a_404_never_a_500(client):
    attachment = attach(make_initiative(), files.pdf())
    assert fetch(client, f"/files/a/{attachment.pk + 1000}/x.pdf").status_code == 404
    default_storage.delete(attachment.file.name)
    assert fetch(client, attachment.get_absolute_url()).status_code == 404
    assert fetch(client, "/files/a/99999999999999999999999/x.pdf").status_code == 404


# --- pages ---------------------------------------------------------------------------------------------------------


def test_the_detail_page_shows_the_image_and_the_documents(client):
    initiative = make_initiative(title="Illustrated practice")
    image = attach(initiative, files.png(), title="Workers at the fair", alt_text="Workers queue at a job fair")
    document = attach(initiative, files.pdf(), title="Evaluation report")
    page = client.get(f"/en/initiatives/{initiative.slug}/").content.decode()
    assert f'src="{image.get_absolute_url()}" width="675" height="1200" alt="Workers queue at a job fair"' in page
    assert f'href="{document.get_absolute_url()}"' in page and "Evaluation report" in page
    assert "PDF, " in page


def test_listing_cards_show_the_image_lazily_with_its_size_and_alt_text(client):
    initiative = make_initiative(title="Card with picture")
    image = attach(initiative, files.png(), alt_text="A harbour")
    page = client.get("/en/initiatives/").content.decode()
    assert (
        f'<img class="card-image" src="{image.card_url()}" width="270" height="480" alt="A harbour" loading="lazy">'
        in page
    )
    assert page.count('class="card-image"') == 1  # the other cards have no image


def test_filter_has_documents_in_the_listing_the_feed_and_the_api(client):
    with_document = make_initiative(title="Has a document")
    attach(with_document, files.pdf())
    attach(with_document, files.pdf())  # two documents: still one result
    with_image = make_initiative(title="Has only an image")
    attach(with_image, files.png(), alt_text="x")
    listing = client.get("/en/initiatives/?documents=1").content.decode()
    assert "Has a document" in listing and "Has only an image" not in listing
    assert listing.count('class="card-title"') == 1
    feed = client.get("/en/initiatives/feed/?documents=1").content.decode()
    assert "Has a document" in feed and "Has only an image" not in feed
    results = client.get("/api/initiatives/?documents=1").json()["results"]
    assert [item["slug"] for item in results] == [with_document.slug]
    assert "Has only an image" in client.get("/en/initiatives/").content.decode()  # no filter: both


def test_the_api_lists_an_initiatives_attachments(client):
    initiative = make_initiative()
    image = attach(initiative, files.png(), title="Chart", alt_text="A rising line")
    attach(initiative, files.pdf(), title="Report")
    data = client.get(f"/api/initiatives/{initiative.slug}/").json()
    first, second = data["attachments"]
    assert first == {
        "kind": "image",
        "title": "Chart",
        "alt_text": "A rising line",
        "url": f"{settings.SITE_URL}{image.get_absolute_url()}",
        "content_type": "image/webp",
        "size": image.size,
        "sha256": image.sha256,
        "width": 675,
        "height": 1200,
        "card_url": f"{settings.SITE_URL}{image.card_url()}",
    }
    assert (second["kind"], second["title"], second["alt_text"], second["width"]) == ("document", "Report", None, None)


# --- history, revert, deletion, merges -----------------------------------------------------------------------------


def test_a_removed_attachment_keeps_its_file_for_the_history_and_a_revert_brings_it_back(
    django_capture_on_commit_callbacks,
):
    initiative = make_initiative()
    with django_capture_on_commit_callbacks(execute=True):
        attachment = attach(initiative, files.pdf(), title="Report")
    version_with_it = initiative.history.order_by("-history_date", "-history_id").first()
    assert version_with_it.attachments_snapshot[0]["title"] == "Report"
    name = attachment.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.remove_attachment(attachment=attachment)
    assert not initiative.attachments.exists()
    assert stored(name)  # a version still names it
    with django_capture_on_commit_callbacks(execute=True):
        services.revert_initiative(record=version_with_it)
    restored = initiative.attachments.get()
    assert (restored.file.name, restored.title) == (name, "Report")


def test_deleting_an_initiative_leaves_no_file_behind(django_capture_on_commit_callbacks):
    initiative, neighbour = make_initiative(), make_initiative()
    with django_capture_on_commit_callbacks(execute=True):
        image = attach(initiative, files.png(), alt_text="x")
        removed = attach(initiative, files.pdf())
        kept = attach(neighbour, files.pdf())
        services.remove_attachment(attachment=removed)  # only its history names it now
    names = [*image.storage_names(), removed.file.name]
    assert all(stored(name) for name in names)
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_initiative(initiative=Initiative.objects.get(pk=initiative.pk))
    assert not any(stored(name) for name in names)
    assert stored(kept.file.name)
    remaining = {str(path.relative_to(settings.MEDIA_ROOT)) for path in Path(settings.MEDIA_ROOT).rglob("*.*")}
    assert remaining == {kept.file.name}


def test_nothing_is_removed_when_the_transaction_is_rolled_back(django_capture_on_commit_callbacks):
    attachment = attach(make_initiative(), files.pdf())
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        Attachment.objects.filter(pk=attachment.pk).delete()
    assert callbacks and stored(attachment.file.name)  # removal waits for the commit


def test_merging_organisations_keeps_the_targets_logo_or_else_the_sources(django_capture_on_commit_callbacks):
    def with_logo(name):
        org = Organisation.objects.create(name=name, slug=name.lower())
        data, org.logo_width, org.logo_height = uploads.logo(files.png(exif=False))
        org.logo = default_storage.save(f"logos/{name}.webp", io.BytesIO(data))
        org.save()
        return org

    target, source = with_logo("Target"), with_logo("Source")
    with django_capture_on_commit_callbacks(execute=True):
        services.merge_terms(source=source, target=target)
    target.refresh_from_db()
    assert target.logo.name == "logos/Target.webp" and not stored("logos/Source.webp")
    bare, source = Organisation.objects.create(name="Bare", slug="bare"), with_logo("Second")
    with django_capture_on_commit_callbacks(execute=True):
        services.merge_terms(source=source, target=bare)
    bare.refresh_from_db()
    assert bare.logo.name == "logos/Second.webp" and stored("logos/Second.webp")
    assert (bare.logo_width, bare.logo_height) == (400, 225)


def test_the_organisation_logo_slot_and_its_address(client):
    org = Organisation.objects.create(name="Logo Org", slug="logo-org")
    data, org.logo_width, org.logo_height = uploads.logo(files.png(exif=False))
    org.logo = default_storage.save("logos/logo-org.webp", io.BytesIO(data))
    org.save()
    from django.template.loader import render_to_string

    html = render_to_string("initiatives/includes/organisation_logo.html", {"organisation": org})
    assert f'src="{org.logo_url}" width="400" height="225" alt="Logo of Logo Org"' in html
    response = fetch(client, org.logo_url)
    assert response.status_code == 200 and response["Content-Type"] == "image/webp"


# --- storage settings ----------------------------------------------------------------------------------------------


def _settings_in_subprocess(env: dict) -> str:
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "from django.core.files.storage import storages; s = storages['default']; "
        "print(json.dumps([settings.STORAGES['default'], type(s).__module__ + '.' + type(s).__name__], default=str))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings", **env},
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
    )
    return result.stdout


@pytest.mark.system
def test_storage_is_the_filesystem_under_var_by_default_and_s3_by_environment():
    import json

    default, backend = json.loads(_settings_in_subprocess({"STORAGE_BACKEND": ""}))
    assert backend == "django.core.files.storage.filesystem.FileSystemStorage"
    assert default["OPTIONS"]["location"].endswith("media")
    s3, backend = json.loads(
        _settings_in_subprocess(
            {
                "STORAGE_BACKEND": "s3",
                "S3_BUCKET": "portal-files",
                "S3_ENDPOINT_URL": "https://objects.example.org",
                "S3_REGION": "eu-west-1",
                "S3_ACCESS_KEY_ID": "key",
                "S3_SECRET_ACCESS_KEY": "secret",
            }
        )
    )
    assert backend == "storages.backends.s3.S3Storage"
    assert s3["OPTIONS"]["bucket_name"] == "portal-files"
    assert s3["OPTIONS"]["endpoint_url"] == "https://objects.example.org"
    assert s3["OPTIONS"]["default_acl"] == "private"


def test_a_feed_item_encloses_its_image(client):
    import feedparser

    initiative = make_initiative(title="Feed with picture")
    image = attach(initiative, files.png(), alt_text="A harbour")
    entry = next(
        e for e in feedparser.parse(client.get("/en/initiatives/feed/").content).entries if e.title == initiative.title
    )
    assert [(link.href, link.type) for link in entry.enclosures] == [
        (f"{settings.SITE_URL}{image.get_absolute_url()}", "image/webp")
    ]


# --- curators: the admin ------------------------------------------------------------------------------------------


@pytest.fixture
def curator(django_user_model):
    from django.test import Client

    browser = Client()
    browser.force_login(django_user_model.objects.create_superuser("curator", "curator@example.org", password=None))
    return browser


def post_admin_form(client, url, form_id, changes):
    from tests.initiatives.test_admin import read_form

    data = read_form(client.get(url), form_id)
    data.pop("csrfmiddlewaretoken", None)
    data.update(changes)
    data["_save"] = ["Save"]
    return client.post(url, data)


def test_a_curator_attaches_a_document_in_the_admin_and_a_text_page_is_refused(curator, client):
    initiative = make_initiative()
    url = f"/admin/initiatives/initiative/{initiative.pk}/change/"
    refused = post_admin_form(
        curator, url, "initiative_form", {"attachments-0-upload": files.text_as_pdf(), "attachments-0-title": "Fake"}
    )
    assert refused.status_code == 200 and "This file is not one we accept" in refused.content.decode()
    assert not initiative.attachments.exists()
    response = post_admin_form(
        curator, url, "initiative_form", {"attachments-0-upload": files.pdf(), "attachments-0-title": "Annual report"}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    attachment = initiative.attachments.get()
    assert (attachment.title, attachment.content_type) == ("Annual report", "application/pdf")
    assert fetch(client, attachment.get_absolute_url()).body == files.PDF_BYTES
    version = initiative.history.order_by("-history_date", "-history_id").first()
    assert [item["title"] for item in version.attachments_snapshot] == ["Annual report"]


def test_a_curator_gives_an_organisation_a_logo_reencoded(curator):
    org = Organisation.objects.create(name="Logo Admin Org", slug="logo-admin-org")
    url = f"/admin/initiatives/organisation/{org.pk}/change/"
    response = post_admin_form(curator, url, "organisation_form", {"logo": files.png(exif=True)})
    assert response.status_code == 302, response.content.decode()[:3000]
    org.refresh_from_db()
    assert org.logo.name.endswith(".webp") and (org.logo_width, org.logo_height) == (225, 400)
    assert b"SecretCameraMaker" not in read(org.logo.name)
    refused = post_admin_form(curator, url, "organisation_form", {"logo": files.html_as_png()})
    assert refused.status_code == 200 and "This file is not one we accept" in refused.content.decode()


def test_the_documents_filter_applies_to_downloads(client):
    with_document = make_initiative(title="Downloadable with document")
    attach(with_document, files.pdf())
    make_initiative(title="Downloadable without")
    response = client.get("/en/initiatives/export.csv?documents=1")
    body = b"".join(response.streaming_content).decode()
    close_file(response)
    assert "Downloadable with document" in body and "Downloadable without" not in body
