"""Serving attachments and logos (issue 13, files): by the portal, never by a static server.

A published initiative's files are anyone's; an unpublished one's only curators' (who may view initiatives in the
admin); anyone else gets 404, as for the page. Headers: see ``uploads.serve``.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404

from . import uploads
from .models import Attachment, Organisation


def _attachment(request, pk: int) -> tuple[Attachment, bool]:
    uploads.check_id(pk)
    attachment = get_object_or_404(Attachment.objects.select_related("initiative"), pk=pk)
    public = attachment.initiative.is_published()
    if not public and not request.user.has_perm("initiatives.view_initiative"):
        raise Http404
    return attachment, public


def attachment_file(request, pk: int, filename: str):
    attachment, public = _attachment(request, pk)
    return uploads.serve(
        attachment.file.name,
        content_type=attachment.content_type,
        filename=attachment.filename,
        inline=attachment.is_image,
        public=public,
    )


def attachment_card(request, pk: int, filename: str):
    attachment, public = _attachment(request, pk)
    return uploads.serve(
        attachment.card_file.name,
        content_type=attachment.content_type,
        filename=attachment.filename,
        inline=True,
        public=public,
    )


def organisation_logo(request, pk: int, filename: str):
    uploads.check_id(pk)
    organisation = get_object_or_404(Organisation, pk=pk)
    return uploads.serve(
        organisation.logo.name,
        content_type=uploads.WEBP[0],
        filename=uploads.safe_filename(organisation.slug, uploads.WEBP[1]),
        inline=True,
        public=True,
    )
