"""Addresses of attachments and logos, unprefixed by language (included by portal/urls.py under files/)."""

from django.urls import path

from . import file_views

urlpatterns = [
    path("a/<int:pk>/<str:filename>", file_views.attachment_file, name="attachment-file"),
    path("a/<int:pk>/card/<str:filename>", file_views.attachment_card, name="attachment-card"),
    path("o/<int:pk>/<str:filename>", file_views.organisation_logo, name="organisation-logo"),
]
