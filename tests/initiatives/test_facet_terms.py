"""The terms a listing's facets name come from each process's memory (issue 15, initiatives/facet_terms.py), kept
under the version of "all": a renamed term is named so at once, a publication leaves them known."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from initiatives.models import Category, Theme
from tests.factories import make_initiative

pytestmark = pytest.mark.django_db

CATEGORIES_READ = 'FROM "initiatives_category"'  # on a listing, only its facet reads categories (cards join them)


def options(response, facet: str) -> dict[str, str]:
    """The facet's options shown: value -> the term's name."""
    found = next(f for f in response.context["facets"] if f.name == facet)
    return {option.value: str(option.term) for option in found.options}


def get(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return response, [query["sql"] for query in captured]


def test_a_publication_leaves_the_facets_terms_known(client):
    first, sql = get(client, "/en/initiatives/")
    assert any(CATEGORIES_READ in query for query in sql)
    make_initiative(title="Another one", themes=["remittances"])  # moves the collection, not "all"
    again, sql = get(client, "/en/initiatives/?theme=remittances")  # never seen, and every count cold
    assert not any(CATEGORIES_READ in query for query in sql)
    assert options(again, "category") == options(first, "category")


def test_a_term_renamed_in_the_admin_is_named_so_in_the_next_listing(client):
    curator = get_user_model().objects.create_superuser("curator-terms", "t@example.org", "pw-123456789")
    get(client, "/en/initiatives/")
    theme = Theme.objects.get(slug="remittances")
    assert options(get(client, "/en/initiatives/?q=remittances")[0], "theme")["remittances"] == str(theme)
    client.force_login(curator)
    response = client.post(
        f"/admin/initiatives/theme/{theme.pk}/change/",
        {
            "name_en": "Money sent home",
            "slug": "remittances",
            "number": theme.number,
            "title_en": theme.title,
            "description_en": theme.description,
        },
    )
    assert response.status_code == 302
    client.logout()
    renamed, sql = get(client, "/en/initiatives/?q=remittances&sort=newest")
    assert options(renamed, "theme")["remittances"] == f"Objective {theme.number}: Money sent home"
    assert any(CATEGORIES_READ in query for query in sql)  # every taxonomy read again, not only the renamed one


def test_a_term_the_copy_does_not_know_yet_is_read(client):
    """A tag made as an initiative is published (the version of "all" does not move) is named when it is shown."""
    get(client, "/en/initiatives/")
    make_initiative(title="Coastal work", tags=["Mangrove nurseries"])
    response, _sql = get(client, "/en/initiatives/?tag=mangrove-nurseries")
    assert options(response, "tag")["mangrove-nurseries"] == "Mangrove nurseries"


def test_a_term_changed_without_the_services_is_read_again_after_the_counts_lifetime(client, settings):
    get(client, "/en/initiatives/")
    category = next(iter(options(get(client, "/en/initiatives/?q=migrants")[0], "category")))
    Category.objects.filter(slug=category).update(name_en="Changed by hand")  # no version moved
    settings.COUNTS_CACHE_SECONDS = 0
    response, _sql = get(client, "/en/initiatives/?q=migrants&sort=newest")
    assert options(response, "category")[category] == "Changed by hand"


def test_a_term_that_does_not_exist_is_not_read_for_again_and_again(django_assert_num_queries):
    """A count naming a term since deleted makes the copy read its taxonomy once, not at every request."""
    from initiatives import counts, facet_terms

    themes = set(Theme.objects.order_by("pk").values_list("pk", flat=True)[:2])
    token = counts.start_request()
    try:
        counts.depends_on([])  # the request reads the version of "all", as a page does first
        with django_assert_num_queries(1):
            found = facet_terms.terms(Theme, [*themes, 999_999])
        with django_assert_num_queries(0):
            again = facet_terms.terms(Theme, [*themes, 999_999])
    finally:
        counts.end_request(token)
    assert {t.pk for t in found} == {t.pk for t in again} == themes
