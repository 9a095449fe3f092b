from django.urls import path

from . import views

app_name = "contact"

urlpatterns = [
    path("initiatives/<slug:slug>/contact/", views.contact_form, name="form"),
    path("initiatives/<slug:slug>/contact/sent/", views.sent, name="sent"),
    path("contact/verify/<str:token>/", views.verify, name="verify"),
]
