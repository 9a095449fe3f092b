from django.urls import path

from . import views

app_name = "submissions"

urlpatterns = [
    path("submit/", views.create, name="create"),
    path("initiatives/<slug:slug>/suggest-update/", views.suggest_update, name="suggest-update"),
    path("initiatives/<slug:slug>/suggest-translation/", views.suggest_translation, name="suggest-translation"),
    path("submissions/", views.mine, name="mine"),
    path("submissions/<int:pk>/", views.detail, name="detail"),
    path("submissions/<int:pk>/edit/", views.edit, name="edit"),
    path("submissions/<int:pk>/preview/", views.preview, name="preview"),
    path("submissions/<int:pk>/<slug:action>/", views.author_action, name="author-action"),
    path("moderation/", views.queue, name="queue"),
    path("moderation/bulk/", views.bulk, name="bulk"),
    path("moderation/<int:pk>/", views.moderate, name="moderate"),
    path("moderation/<int:pk>/correct/", views.correct, name="correct"),  # before moderator-action's <slug>
    path("moderation/<int:pk>/<slug:action>/", views.moderator_action, name="moderator-action"),
]
