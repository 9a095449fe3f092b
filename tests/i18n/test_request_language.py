"""Answers made before LocaleMiddleware runs (portal/outage.py) are in the reader's language, not in the one the
serving thread last activated for someone else."""

import pytest
from django.utils import translation

from portal.outage import unavailable_response

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("accept_language", "expected"), [("fr", "fr"), ("es-ES,es;q=0.9", "es"), ("", "en")])
def test_the_unavailable_page_is_in_the_readers_language(rf, accept_language, expected):
    request = rf.get("/initiatives/", HTTP_ACCEPT_LANGUAGE=accept_language)
    with translation.override("ar"):  # what the thread's last request left active
        response = unavailable_response(request)
    assert response.status_code == 503
    assert f'<html lang="{expected}"' in response.content.decode()


def test_an_arabic_reader_gets_the_unavailable_page_right_to_left(rf):
    response = unavailable_response(rf.get("/initiatives/", HTTP_ACCEPT_LANGUAGE="ar"))
    assert '<html lang="ar" dir="rtl">' in response.content.decode()
