"""Adding a taxonomy is one entry in ``initiatives.taxonomies.TAXONOMIES``: every entry gets, through the public
surface, its filter, facet, chips, term page, feeds, index page, sitemap section, old-slug redirects, API resources,
import/export column, admin merge and bulk rules and, where it has one, its submission picker. A new entry that
lacks one of these pieces fails here."""

import csv
import io
import re

import pytest
from django.test import Client
from django.urls import reverse

from initiatives import selectors, services
from initiatives.interchange import columns
from initiatives.models import SlugRedirect
from initiatives.taxonomies import BY_NAME, TAXONOMIES
from submissions.forms import ProposalForm
from tests.factories import make_initiative

pytestmark = pytest.mark.django_db

EACH = pytest.mark.parametrize("taxonomy", TAXONOMIES, ids=[taxonomy.name for taxonomy in TAXONOMIES])


@pytest.fixture
def curator(django_user_model):
    user = django_user_model.objects.create_superuser("registrar", "registrar@example.org", password=None)
    browser = Client()
    browser.force_login(user)
    return browser


def example_term(taxonomy):
    """A term of the taxonomy that a published initiative is filed under: one of the seed's, else (no seed initiative
    has a guiding principle) the first term, given to a new initiative through its many-to-many field."""
    term = selectors.terms_in_use(taxonomy.name).order_by("pk").first()
    if term is None:
        term = taxonomy.model.objects.order_by("pk").first()
        initiative = make_initiative(title=f"Filed under {term}", publish=False)
        getattr(initiative, taxonomy.field).add(term)
        services.publish_initiative(initiative=initiative)
    return term


def test_names_are_distinct_and_each_is_a_kind_of_old_address():
    assert len(BY_NAME) == len(TAXONOMIES)
    assert len({taxonomy.plural for taxonomy in TAXONOMIES}) == len(TAXONOMIES)
    assert len({taxonomy.model for taxonomy in TAXONOMIES}) == len(TAXONOMIES)
    assert {taxonomy.name for taxonomy in TAXONOMIES} <= set(SlugRedirect.Kind.values)


@EACH
def test_its_api_example_names_a_public_term(taxonomy):
    """The OpenAPI description shows it, and schemathesis tries it."""
    assert selectors.public_terms(taxonomy.name).filter(**{taxonomy.lookup: taxonomy.api_example}).exists()


@EACH
def test_the_listing_filters_by_it_and_shows_its_facet_and_chip(client, taxonomy):
    term = example_term(taxonomy)
    value = getattr(term, taxonomy.lookup)
    response = client.get(reverse("initiatives:list"), {taxonomy.name: value})
    assert response.status_code == 200
    assert response.context["ignored"] == []
    assert [(chip.label, chip.value) for chip in response.context["chips"]] == [(taxonomy.label, value)]
    initiatives = response.context["paginator"].count
    assert initiatives > 0
    facet = next(facet for facet in response.context["facets"] if facet.name == taxonomy.name)
    assert facet.label == taxonomy.facet_label
    assert str(taxonomy.facet_label) in response.content.decode()

    api = client.get(reverse("api:initiative-list"), {taxonomy.name: value})
    assert api.status_code == 200
    assert api.json()["count"] == initiatives  # a query string means the same on the site and in the API


@EACH
def test_it_has_a_term_page_feeds_an_index_page_and_a_sitemap_section(client, taxonomy):
    term = example_term(taxonomy)
    kwargs = {taxonomy.lookup: getattr(term, taxonomy.lookup)}
    page_url = reverse(f"initiatives:{taxonomy.name}", kwargs=kwargs)

    page = client.get(page_url)
    assert page.status_code == 200
    assert page.context["term"] == term
    for suffix in ("feed", "feed-atom"):
        assert client.get(reverse(f"initiatives:{taxonomy.name}-{suffix}", kwargs=kwargs)).status_code == 200

    index = client.get(reverse(taxonomy.index_url_name))
    assert index.status_code == 200
    assert f'href="{page_url}"' in index.content.decode()

    sitemap = client.get(reverse("sitemap-section", kwargs={"section": taxonomy.plural}))
    assert sitemap.status_code == 200
    assert page_url in sitemap.content.decode()


@EACH
def test_an_old_slug_of_its_terms_redirects(client, taxonomy):
    term = example_term(taxonomy)
    old = next(value for value in ("old-name", "zz") if re.fullmatch(taxonomy.path_regex, value))
    SlugRedirect.remember(taxonomy.name, old, term.pk)
    response = client.get(reverse(f"initiatives:{taxonomy.name}", kwargs={taxonomy.lookup: old}))
    assert response.status_code == 301
    assert response["Location"] == reverse(
        f"initiatives:{taxonomy.name}", kwargs={taxonomy.lookup: getattr(term, taxonomy.lookup)}
    )


@EACH
def test_it_has_api_resources(client, taxonomy):
    term = example_term(taxonomy)
    value = getattr(term, taxonomy.lookup)
    index = client.get(reverse("api:index")).json()
    assert index[taxonomy.plural].endswith(reverse(f"api:{taxonomy.name}-list"))
    listing = client.get(reverse(f"api:{taxonomy.name}-list"), {"page_size": 100})
    assert listing.status_code == 200
    detail = client.get(reverse(f"api:{taxonomy.name}-detail", kwargs={taxonomy.lookup: value}))
    assert detail.status_code == 200
    assert detail.json()[taxonomy.lookup] == value
    assert detail.json()["initiatives_count"] > 0


@EACH
def test_it_is_a_column_of_the_export_and_of_the_api_initiatives(client, taxonomy):
    term = example_term(taxonomy)
    export = client.get(reverse("initiatives:export-csv"), {taxonomy.name: getattr(term, taxonomy.lookup)})
    assert export.status_code == 200
    header = next(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert taxonomy.field in header
    assert taxonomy.field in columns.BY_NAME

    api = client.get(reverse("api:initiative-list"), {taxonomy.name: getattr(term, taxonomy.lookup)}).json()
    assert taxonomy.field in api["results"][0]


@EACH
def test_curators_merge_and_change_in_bulk_what_it_says(curator, taxonomy):
    opts = taxonomy.model._meta
    terms = curator.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert terms.status_code == 200
    assert ('value="merge_terms"' in terms.content.decode()) == taxonomy.mergeable

    initiatives = curator.get(reverse("admin:initiatives_initiative_changelist")).content.decode()
    for action in (f"add_{taxonomy.name}", f"remove_{taxonomy.name}"):
        assert (f'value="{action}"' in initiatives) == (taxonomy.bulk is not None)


@EACH
def test_submitters_pick_its_terms_where_it_has_a_picker(taxonomy):
    if not taxonomy.picker_label:
        pytest.skip(f"submitters name {taxonomy.plural} otherwise")
    term = example_term(taxonomy)
    field = ProposalForm().fields[taxonomy.field]
    assert field.label == taxonomy.picker_label
    assert field.to_python([getattr(term, taxonomy.lookup)]) == [term]
