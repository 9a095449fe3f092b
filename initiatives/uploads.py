"""Documents and images: checked by their content (never by their name), images re-encoded, stored, served, removed.

- ``check(upload)`` says what a file really is (PDF, Word, OpenDocument, spreadsheet, presentation, CSV, or a
  JPEG/PNG/WebP/GIF image) from its bytes, within the size caps of the settings (``UPLOAD_MAX_*``); anything else
  is a ``ValidationError`` with a message for the form.
- ``store(upload, prefix=…)`` checks and writes it through Django's storage API: a document as uploaded, an image
  re-encoded as WebP (metadata and EXIF dropped, orientation applied) at the detail size and the card size.
- ``serve(…)`` answers a stored file with headers that keep a browser from running it.
- ``discard_files(names)`` removes files from storage once the transaction commits, unless something still refers
  to them: a row (an attachment, a submitted file, a logo) or a version of the initiative's history (so that a
  revert brings a removed attachment back). Deleting the initiative removes them all.
"""

import hashlib
import io
import re
import secrets
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

DOCUMENT, IMAGE = "document", "image"

# The widths pages show an image at: the detail page (its column, doubled for dense screens) and a listing card.
DETAIL_WIDTH = 1200
CARD_WIDTH = 480

PDF = ("application/pdf", "pdf", "PDF")
DOCX = ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", "Word")
XLSX = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", "Excel")
PPTX = ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx", "PowerPoint")
ODT = ("application/vnd.oasis.opendocument.text", "odt", "OpenDocument")
ODS = ("application/vnd.oasis.opendocument.spreadsheet", "ods", "OpenDocument")
ODP = ("application/vnd.oasis.opendocument.presentation", "odp", "OpenDocument")
DOC = ("application/msword", "doc", "Word")
XLS = ("application/vnd.ms-excel", "xls", "Excel")
PPT = ("application/vnd.ms-powerpoint", "ppt", "PowerPoint")
CSV = ("text/csv", "csv", "CSV")
WEBP = ("image/webp", "webp", "WebP")

# The main part an Office Open XML package declares in [Content_Types].xml (macro-enabled variants are refused).
OOXML_MAIN_PARTS = {
    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
    b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": PPTX,
}
ODF_TYPES = {type_[0].encode(): type_ for type_ in (ODT, ODS, ODP)}
# A legacy Office file (OLE2 compound file) does not say which application made it without parsing it: its
# name's extension chooses among these three, its content must be OLE2.
OLE2_BY_EXTENSION = {"doc": DOC, "xls": XLS, "ppt": PPT}
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
IMAGE_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
TYPE_LABELS = {type_[0]: type_[2] for type_ in (PDF, DOCX, XLSX, PPTX, ODT, ODS, ODP, DOC, XLS, PPT, CSV, WEBP)}


@dataclass
class Checked:
    kind: str  # DOCUMENT or IMAGE
    content_type: str  # what the portal serves it as (never what the upload claimed)
    extension: str


def _refuse_type():
    return ValidationError(
        _(
            "This file is not one we accept: documents must be PDF, Word, Excel, PowerPoint, OpenDocument or CSV "
            "files, images JPEG, PNG, WebP or GIF. Its content is checked, not its name."
        ),
        code="file_type",
    )


def _too_large(limit: int):
    return ValidationError(
        _("This file is too large: the limit is %(limit)s.") % {"limit": filesizeformat(limit)}, code="file_size"
    )


def extension_of(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _check_zip(upload) -> tuple:
    try:
        archive = zipfile.ZipFile(upload)
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise _refuse_type() from None
    if len(entries) > settings.UPLOAD_MAX_ZIP_ENTRIES or sum(entry.file_size for entry in entries) > (
        settings.UPLOAD_MAX_UNZIPPED_BYTES
    ):
        raise ValidationError(_("This document unpacks to too much data to be a document."), code="zip_bomb")
    first = entries[0] if entries else None
    if first is not None and first.filename == "mimetype" and first.file_size <= 100:
        type_ = ODF_TYPES.get(archive.read(first).strip())
        if type_:
            return type_
    try:
        declared = archive.getinfo("[Content_Types].xml")
    except KeyError:
        raise _refuse_type() from None
    if declared.file_size > 1024 * 1024:
        raise _refuse_type()
    content_types = archive.read(declared)
    for main_part, type_ in OOXML_MAIN_PARTS.items():
        if b'ContentType="' + main_part + b'"' in content_types:
            return type_
    raise _refuse_type()


def _is_csv(upload) -> bool:
    upload.seek(0)
    data = upload.read()
    if b"\x00" in data:
        return False
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return not text.lstrip().startswith("<")  # no HTML page called .csv


def _open_image(upload) -> Image.Image:
    """The upload as a Pillow image, after ``verify``, refused beyond ``UPLOAD_MAX_IMAGE_PIXELS`` before decoding."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            image = Image.open(upload)
            if image.format not in IMAGE_FORMATS:
                raise _refuse_type()
            if image.width * image.height > settings.UPLOAD_MAX_IMAGE_PIXELS:
                raise ValidationError(_("This image has too many pixels."), code="image_pixels")
            image.verify()
            upload.seek(0)
            image = Image.open(upload)  # verify() leaves the image unusable: open it again to decode it
            image.load()
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse_type() from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise _refuse_type() from None
    return image


def check(upload) -> Checked:
    """What ``upload`` (an ``UploadedFile``) is, judged by its content; ``ValidationError`` if not accepted."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    is_image = head.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a")) or (
        head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    )
    if is_image:
        if upload.size > settings.UPLOAD_MAX_IMAGE_BYTES:
            raise _too_large(settings.UPLOAD_MAX_IMAGE_BYTES)
        _open_image(upload)
        return Checked(IMAGE, WEBP[0], WEBP[1])
    if upload.size > settings.UPLOAD_MAX_DOCUMENT_BYTES:
        raise _too_large(settings.UPLOAD_MAX_DOCUMENT_BYTES)
    if upload.size == 0:
        raise ValidationError(_("This file is empty."), code="file_empty")
    if head.startswith(b"%PDF-"):
        type_ = PDF
    elif head.startswith(b"PK\x03\x04"):
        type_ = _check_zip(upload)
    elif head.startswith(OLE2_MAGIC) and extension_of(upload.name) in OLE2_BY_EXTENSION:
        type_ = OLE2_BY_EXTENSION[extension_of(upload.name)]
    elif extension_of(upload.name) == "csv" and _is_csv(upload):
        type_ = CSV
    else:
        raise _refuse_type()
    upload.seek(0)
    return Checked(DOCUMENT, type_[0], type_[1])


def safe_filename(name: str, extension: str) -> str:
    """A download name made from the uploader's: ASCII letters, digits, ``-_.``, the checked type's extension."""
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-_")[:80] or "file"
    return f"{stem}.{extension}"


def _scaled_webp(image: Image.Image, width: int) -> tuple[bytes, int, int]:
    copy = image.copy()
    copy.thumbnail((width, width), Image.Resampling.LANCZOS)  # its longer side at most ``width``; never enlarged
    copy.info = {}  # no metadata (EXIF, XMP, ICC profile, comments) goes into the new file
    buffer = io.BytesIO()
    copy.save(buffer, "WEBP", quality=82, method=4)
    return buffer.getvalue(), copy.width, copy.height


def reencode(upload) -> dict:
    """The image at the detail and card sizes: WebP bytes and their sizes (orientation applied, metadata gone)."""
    image = _open_image(upload)
    if getattr(image, "n_frames", 1) > 1:
        image.seek(0)  # an animation becomes its first frame
    image = ImageOps.exif_transpose(image)
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    image = image.convert("RGBA" if has_alpha else "RGB")
    detail, width, height = _scaled_webp(image, DETAIL_WIDTH)
    card, card_width, card_height = _scaled_webp(image, CARD_WIDTH)
    return {
        "detail": detail,
        "width": width,
        "height": height,
        "card": card,
        "card_width": card_width,
        "card_height": card_height,
    }


LOGO_WIDTH = 400


def logo(upload) -> tuple[bytes, int, int]:
    """An organisation's logo re-encoded like any image (WebP, no metadata), at most ``LOGO_WIDTH`` wide."""
    image = ImageOps.exif_transpose(_open_image(upload))
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    return _scaled_webp(image.convert("RGBA" if has_alpha else "RGB"), LOGO_WIDTH)


def _save(prefix: str, name: str, data) -> str:
    return default_storage.save(f"{prefix}/{secrets.token_hex(8)}/{name}", data)


def store(upload, *, prefix: str, checked: Checked | None = None) -> dict:
    """Check ``upload`` and write it to storage under ``prefix``: the fields of an attachment (or a submitted file)
    that describe it, ``file`` and ``card_file`` being storage names (the caller's row then refers to them)."""
    checked = checked or check(upload)
    filename = safe_filename(upload.name or "", checked.extension)
    if checked.kind == IMAGE:
        variants = reencode(upload)
        digest = hashlib.sha256(variants["detail"]).hexdigest()
        return {
            "kind": IMAGE,
            "file": _save(prefix, filename, ContentFile(variants["detail"])),
            "filename": filename,
            "content_type": checked.content_type,
            "size": len(variants["detail"]),
            "sha256": digest,
            "width": variants["width"],
            "height": variants["height"],
            "card_file": _save(prefix, "card-" + filename, ContentFile(variants["card"])),
            "card_width": variants["card_width"],
            "card_height": variants["card_height"],
        }
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return {
        "kind": DOCUMENT,
        "file": _save(prefix, filename, upload),
        "filename": filename,
        "content_type": checked.content_type,
        "size": upload.size,
        "sha256": digest.hexdigest(),
        "width": None,
        "height": None,
        "card_file": "",
        "card_width": None,
        "card_height": None,
    }


def check_totals(*, existing_sizes: list[int], new_size: int) -> None:
    """Refuse one more file beyond the count cap or the total size cap of a record."""
    if len(existing_sizes) + 1 > settings.UPLOAD_MAX_FILES:
        raise ValidationError(
            _("A record has at most %(count)d files: remove one before adding another.")
            % {"count": settings.UPLOAD_MAX_FILES},
            code="file_count",
        )
    if sum(existing_sizes) + new_size > settings.UPLOAD_MAX_TOTAL_BYTES:
        raise ValidationError(
            _("The files of a record may total %(limit)s at most: remove one before adding this one.")
            % {"limit": filesizeformat(settings.UPLOAD_MAX_TOTAL_BYTES)},
            code="file_total",
        )


def type_label(content_type: str) -> str:
    """ "PDF", "Word"…: a file type as the pages name it."""
    return TYPE_LABELS.get(content_type, content_type)


# --- serving -------------------------------------------------------------------------------------------------------


MAX_ID = 2**63 - 1  # a larger id in an address is no row's (and must not reach the database: PostgreSQL refuses it)


def check_id(pk: int) -> None:
    if pk > MAX_ID:
        raise Http404


def serve(name: str, *, content_type: str, filename: str, inline: bool, public: bool) -> FileResponse:
    """A stored file, with headers that keep a browser from running it or guessing another type."""
    if not name:
        raise Http404
    try:
        handle = default_storage.open(name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type, as_attachment=not inline, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"  # the CSP middleware keeps a view's own
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "public, max-age=3600" if public else "private, no-store"
    return response


# --- removal ---------------------------------------------------------------------------------------------------


def _file_fields():
    """(model, field names) of every model whose rows hold stored files (history models left out)."""
    for model in apps.get_models():
        if model.__name__.startswith("Historical"):
            continue
        names = [field.name for field in model._meta.get_fields() if isinstance(field, models.FileField)]
        if names:
            yield model, names


def referenced_names(names: set[str], *, initiative_id: int | None = None) -> set[str]:
    """Those of ``names`` a row still holds, or a version of initiative ``initiative_id``'s history (while the
    initiative exists: a deleted initiative cannot be reverted)."""
    found: set[str] = set()
    for model, fields in _file_fields():
        for field in fields:
            found |= set(model._base_manager.filter(**{f"{field}__in": names}).values_list(field, flat=True))
    initiative_model = apps.get_model("initiatives", "Initiative")
    if initiative_id is not None and initiative_model.objects.filter(pk=initiative_id).exists():
        for snapshot in initiative_model.history.filter(id=initiative_id).values_list(
            "attachments_snapshot", flat=True
        ):
            for attachment in snapshot or []:
                found |= {attachment.get("file"), attachment.get("card_file")} & names
    return found


def delete_unreferenced(names, *, initiative_id: int | None = None) -> None:
    names = {name for name in names if name}
    if not names:
        return
    for name in names - referenced_names(names, initiative_id=initiative_id):
        default_storage.delete(name)


def discard_files(names, *, initiative_id: int | None = None) -> None:
    """Remove ``names`` from storage once the transaction commits, those nothing refers to any more."""
    names = [name for name in names if name]
    if names:
        transaction.on_commit(lambda: delete_unreferenced(names, initiative_id=initiative_id))
