"""Each process keeps the paths it has reversed (initiatives/reversing.py, issue 15): the same paths as Django's
``reverse``, per language, script prefix and URLconf."""

import pytest
from django.http import HttpResponse
from django.test import override_settings
from django.urls import NoReverseMatch, include, path, set_script_prefix
from django.urls import reverse as django_reverse
from django.utils import translation

from initiatives import reversing

# Another URLconf (this module's), where the same name is another path.
urlpatterns = [
    path("elsewhere/", include(([path("t/<slug:slug>/", lambda r, slug: HttpResponse(), name="theme")], "initiatives")))
]


@pytest.mark.parametrize("language", ["en", "fr", "es", "ar"])
def test_the_paths_are_django_s_in_each_language(language):
    with translation.override(language):
        for name, kwargs in [
            ("initiatives:theme", {"slug": "remittances"}),
            ("initiatives:country", {"code": "ma"}),
            ("initiatives:tag", {"slug": "café-au-lait"}),  # tag slugs keep their letters: quoted as Django quotes
            ("initiatives:detail", {"slug": "thamm"}),
            ("api:theme-detail", {"slug": "remittances"}),
            ("initiatives:list", {}),
        ]:
            assert reversing.reverse(name, **kwargs) == django_reverse(name, kwargs=kwargs)
            assert reversing.reverse(name, **kwargs) == django_reverse(name, kwargs=kwargs)  # kept, the same


def test_a_kept_path_is_not_given_in_another_language_or_under_another_prefix():
    with translation.override("en"):
        assert reversing.reverse("initiatives:theme", slug="remittances") == "/en/themes/remittances/"
    with translation.override("fr"):
        assert reversing.reverse("initiatives:theme", slug="remittances") == "/fr/themes/remittances/"
    set_script_prefix("/portal/")
    try:
        with translation.override("en"):
            assert reversing.reverse("initiatives:theme", slug="remittances") == "/portal/en/themes/remittances/"
    finally:
        set_script_prefix("/")
    with translation.override("en"):
        assert reversing.reverse("initiatives:theme", slug="remittances") == "/en/themes/remittances/"


def test_another_urlconf_makes_them_again():
    with translation.override("en"):
        assert reversing.reverse("initiatives:theme", slug="remittances") == "/en/themes/remittances/"
        with override_settings(ROOT_URLCONF=__name__):
            assert reversing.reverse("initiatives:theme", slug="remittances") == "/elsewhere/t/remittances/"
            with pytest.raises(NoReverseMatch):  # a name only the portal's URLconf has
                reversing.reverse("initiatives:country", code="ma")
        assert reversing.reverse("initiatives:theme", slug="remittances") == "/en/themes/remittances/"


def test_what_django_refuses_is_refused_every_time():
    with translation.override("en"):
        for _ in range(2):
            with pytest.raises(NoReverseMatch):
                reversing.reverse("initiatives:country", code="not-a-code")  # two letters only
            with pytest.raises(NoReverseMatch):
                reversing.reverse("initiatives:theme", slug="has space")
