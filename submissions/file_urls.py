"""Addresses of a proposal's files, unprefixed by language (included by portal/urls.py under files/)."""

from django.urls import path

from . import file_views

urlpatterns = [
    path("s/<int:pk>/<str:filename>", file_views.submission_file, name="submission-file"),
    path("s/<int:pk>/card/<str:filename>", file_views.submission_file_card, name="submission-file-card"),
]
