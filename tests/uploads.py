"""Files for tests of uploads (issue 13): real documents and images, and impostors."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def pdf(name="report.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def png_bytes(width=1600, height=900, *, exif: bool = True, color=(200, 30, 30)) -> bytes:
    image = Image.new("RGB", (width, height), color)
    buffer = io.BytesIO()
    if exif:
        data = Image.Exif()
        data[0x010F] = "SecretCameraMaker"  # Make
        data[0x0112] = 6  # Orientation: rotated 90°, so the re-encoded image is height × width
        image.save(buffer, "PNG", exif=data.tobytes())
    else:
        image.save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_with_exif(width=800, height=600) -> bytes:
    image = Image.new("RGB", (width, height), (10, 120, 200))
    data = Image.Exif()
    data[0x010F] = "SecretCameraMaker"
    data[0x0112] = 6
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=data.tobytes())
    return buffer.getvalue()


def png(name="illustration.png", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(**kwargs), content_type="image/png")


def docx(name="guide.docx") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument'
            '.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document/>")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


def odt(name="guide.odt") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/vnd.oasis.opendocument.text")


def zip_bomb(name="bomb.docx", unpacked=3 * 1024 * 1024) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "x")
        archive.writestr("word/document.xml", b"\0" * unpacked)
    return SimpleUploadedFile(name, buffer.getvalue())


def text_as_pdf(name="report.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"<html><body>Not a PDF at all</body></html>", content_type="application/pdf")


def html_as_png(name="photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"<!doctype html><script>alert(1)</script>", content_type="image/png")


def close_file(response) -> None:
    """Close a served file's response (its open file) as the test client does: without closing the database
    connection, which ``request_finished`` would (the test's transaction lives on it)."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        signals.request_finished.connect(close_old_connections)
