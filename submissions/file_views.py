"""Serving the files of a proposal (issue 13, files): only to its author and the moderators; 404 to anyone else."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from initiatives import uploads

from . import services
from .models import SubmissionFile


def _submission_file(request, pk: int) -> SubmissionFile:
    uploads.check_id(pk)
    item = get_object_or_404(SubmissionFile.objects.select_related("submission"), pk=pk)
    user = request.user
    if not user.is_authenticated or not (item.submission.author_id == user.pk or services.is_moderator(user)):
        raise Http404
    return item


def submission_file(request, pk: int, filename: str):
    item = _submission_file(request, pk)
    return uploads.serve(
        item.file.name, content_type=item.content_type, filename=item.filename, inline=item.is_image, public=False
    )


def submission_file_card(request, pk: int, filename: str):
    item = _submission_file(request, pk)
    return uploads.serve(
        item.card_file.name, content_type=item.content_type, filename=item.filename, inline=True, public=False
    )
