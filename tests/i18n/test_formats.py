"""Dates and numbers as each language writes them: templates name formats (DATE_FORMAT, YEAR_MONTH_FORMAT) and group
counts with the ``grouped`` filter, never spelling out an English shape (portal/formats/ keeps English's own)."""

import datetime
import re
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from initiatives.filters import FacetOption
from tests.factories import make_initiative

pytestmark = pytest.mark.django_db

DATES = {
    # language: (a day, a month, the time of a day)
    "en": ("4 December 2026", "June 2019", "4 December 2026, 14:05"),
    "fr": ("4 décembre 2026", "juin 2019", "4 décembre 2026 14:05"),
    "es": ("4 de diciembre de 2026", "junio de 2019", "4 de diciembre de 2026 a las 14:05"),
    "ar": ("4 ديسمبر، 2026", "يونيو 2019", "4 ديسمبر، 2026، 14:05"),
}
NBSP = "\xa0"
COUNTS = {"en": "12,345", "fr": f"12{NBSP}345", "es": f"12{NBSP}345", "ar": "12.345"}


def page(client, url, language):
    """The page as a reader of ``language`` gets it (following a redirect to the language's own address)."""
    path = re.sub(r"^/(en|fr|es|ar)/", "/", url)  # an address built under another language
    response = client.get(path, HTTP_ACCEPT_LANGUAGE=language, follow=True)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("language", DATES)
def test_an_initiative_page_writes_its_dates_as_the_language_does(client, language):
    day, month, _time = DATES[language]
    initiative = make_initiative(
        submitter_name="Ana Díaz",
        submitted_on=datetime.date(2026, 12, 4),
        start_date=datetime.date(2019, 6, 1),
        start_precision="month",
        ongoing=True,
    )
    html = page(client, initiative.get_absolute_url(), language)
    assert day in html  # submitted on, DATE_FORMAT
    assert month in html  # the period's start, known to the month: YEAR_MONTH_FORMAT
    if language != "en":
        assert DATES["en"][0] not in html and DATES["en"][1] not in html


def test_each_language_gets_its_own_page_from_the_same_address(client):
    """Pages cached for one language are not served to a reader of another."""
    initiative = make_initiative(submitter_name="Ana Díaz", submitted_on=datetime.date(2026, 12, 4))
    for language, (day, _month, _time) in DATES.items():
        assert day in page(client, initiative.get_absolute_url(), language), language


@pytest.mark.parametrize("language", DATES)
def test_a_submissions_history_writes_date_and_time_as_the_language_does(language):
    transition = {"created_at": datetime.datetime(2026, 12, 4, 14, 5, tzinfo=datetime.UTC), "message": ""}
    with translation.override(language):
        html = render_to_string("submissions/history.html", {"transitions": [transition]})
    assert DATES[language][2] in html
    assert 'datetime="2026-12-04T14:05:00+0000"' in html  # the machine-readable date stays the same everywhere


@pytest.mark.parametrize("language", COUNTS)
def test_counts_group_their_thousands_as_the_language_does(language):
    context = {"export_cap": 12345, "export_csv_url": "/e.csv", "export_json_url": "/e.json"}
    with translation.override(language):
        downloads = render_to_string("includes/downloads.html", context)
        options = render_to_string(
            "includes/facet_options.html",
            {
                "options": [FacetOption(term="Africa", value="africa", count=12345, selected=False)],
                "facet": SimpleNamespace(name="region"),
            },
        )
    assert COUNTS[language] in downloads
    assert f"({COUNTS[language]})" in options
