"""Issue 13 (orgs): organisation profiles (type, website, headquarters) on their page, in the API and the admin;
country pages list the initiatives an organisation based there takes part in; ?partner_country= on the listing."""

import pytest
from django.core.cache import cache

from initiatives import counts
from initiatives.models import Country, Initiative, Involvement, Organisation
from initiatives.views import PARTNER_LIST_SIZE
from tests.factories import make_initiative

pytestmark = pytest.mark.django_db


def based_in(slug: str, code: str, **fields) -> Organisation:
    Organisation.objects.filter(slug=slug).update(country=Country.objects.get(code=code), **fields)
    return Organisation.objects.get(slug=slug)


@pytest.fixture
def agency():
    """A Moldovan agency implementing one initiative and funding another; a Ghanaian NGO in a third."""
    make_initiative(title="Moldova jobs", slug="moldova-jobs", organisations=["Moldova Agency"])
    funded = make_initiative(title="Funded abroad", slug="funded-abroad", countries=["gh"])
    agency = based_in("moldova-agency", "md", kind=Organisation.Kind.GOVERNMENT, website="https://agency.example.md/")
    Involvement.objects.create(initiative=funded, organisation=agency, role=Involvement.Role.FUNDER)
    make_initiative(title="Ghana only", slug="ghana-only", organisations=["Ghana NGO"])
    based_in("ghana-ngo", "gh", kind=Organisation.Kind.CIVIL_SOCIETY)
    counts.invalidate()
    return agency


def test_organisation_page_shows_its_profile_and_roles(client, agency):
    html = client.get("/en/organisations/moldova-agency/").content.decode()
    assert "Government" in html
    assert '<a href="https://agency.example.md/" rel="nofollow noopener" dir="ltr">' in html
    assert '<a href="/en/countries/md/">Republic of Moldova' in html
    assert "Implementing organisation in 1 initiative" in html and "Funder in 1 initiative" in html
    # The neighbour: another organisation's page shows its own type, not this one's.
    other = client.get("/en/organisations/ghana-ngo/").content.decode()
    assert "Civil society" in other and "Government" not in other and "agency.example.md" not in other


def test_an_organisation_without_a_profile_shows_no_empty_facts(client):
    make_initiative(slug="plain", organisations=["Plain Org"])
    html = client.get("/en/organisations/plain-org/").content.decode()
    assert "Based in" not in html and 'rel="nofollow noopener"' not in html


def test_the_api_shows_kind_website_and_country(client, agency):
    data = client.get("/api/organisations/moldova-agency/").json()
    assert data["kind"] == "government" and data["country"] == "md"
    assert data["website"] == "https://agency.example.md/"
    plain = client.get("/api/organisations/icmpd/").json()
    assert plain["kind"] is None and plain["country"] is None  # the neighbour, no profile: nulls


def test_the_admin_filters_organisations_by_kind_and_country(admin_client, agency):
    response = admin_client.get("/admin/initiatives/organisation/?kind=government")
    assert response.status_code == 200
    names = [str(o) for o in response.context["cl"].result_list]
    assert "Moldova Agency" in names and "Ghana NGO" not in names
    response = admin_client.get(f"/admin/initiatives/organisation/?country__id__exact={agency.country_id}")
    assert [str(o) for o in response.context["cl"].result_list] == ["Moldova Agency"]


def test_an_unknown_kind_is_refused_by_the_database(agency):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.filter(pk=agency.pk).update(kind="cartel")


# --- country pages -----------------------------------------------------------------------------------------------


def test_country_page_lists_the_initiatives_its_organisations_take_part_in(client, agency):
    html = client.get("/en/countries/md/").content.decode()
    section = html[html.index('class="partner-initiatives"') :]
    section = section[: section.index("</details>")]
    assert "2 initiatives with an organisation based in Republic of Moldova" in section
    assert "Moldova jobs" in section and "Funded abroad" in section  # implementer and funder
    assert "Ghana only" not in section  # the neighbour: its partner is from another country
    ghana = client.get("/en/countries/gh/").content.decode()
    assert "1 initiative with an organisation based in Ghana" in ghana
    # A country none of whose organisations takes part in anything has no such section.
    assert 'class="partner-initiatives"' not in client.get("/en/countries/fr/").content.decode()


def test_the_partner_list_is_capped_with_a_link_to_the_whole_listing(client, agency):
    for n in range(PARTNER_LIST_SIZE + 2):
        make_initiative(title=f"Partnered {n}", organisations=["Moldova Agency"])
    counts.invalidate()
    html = client.get("/en/countries/md/").content.decode()
    section = html[html.index('class="partner-initiatives"') :]
    section = section[: section.index("</details>")]
    assert section.count("<li>") == PARTNER_LIST_SIZE
    assert f"See all {PARTNER_LIST_SIZE + 4} initiatives" in section
    assert 'href="/en/initiatives/?partner_country=md"' in section


def test_the_partner_list_adds_a_fixed_number_of_queries(client, agency, django_assert_num_queries):
    """Three queries (the ids from the country's involvements, the count and the first rows) on top of the country
    page's own, whatever the number."""
    client.get("/en/countries/md/")  # warm the content-type cache
    cache.clear()
    with django_assert_num_queries(COUNTRY_PAGE_QUERIES):
        assert client.get("/en/countries/md/").status_code == 200
    for n in range(15):
        make_initiative(title=f"More {n}", organisations=["Moldova Agency"])
    cache.clear()
    # +1: the facet bitmaps (facet_bitmaps.py) read the memberships of the fifteen, once; +1: the listing's order
    # puts them in their places (listing_order.py).
    with django_assert_num_queries(COUNTRY_PAGE_QUERIES + 2):
        assert client.get("/en/countries/md/").status_code == 200


# The country page with issue 13's SDG facets (+2) and the cards' attachments (+1), issue 14's cards' themes,
# countries and regions (+3), plus two: the partner initiatives' count and first rows.
# Issue 15: its eight facets share one base (the country), counted in one query from the membership table (−7);
# its results put in order from the bitmaps' ids before their rows are read (+1); the partner list's ids read first
# from the country's involvements (+1: selectors.partner_initiatives); its results and its facets' counts made from
# one reading of the bitmaps' changes (−1); the cards' themes, countries and regions in one query, their terms from
# each process's copy (presentation.card_terms: −2, +1 for the countries, no facet on a country's page); its results
# found in each process's copy of the listing's order, read by the page before (listing_order.py: −1).
COUNTRY_PAGE_QUERIES = 17 + 3 + 3 + 2 - 7 + 2 - 1 - 2 + 1 - 1


def test_partner_country_filter_on_the_listing(client, agency):
    response = client.get("/en/initiatives/?partner_country=MD")
    slugs = {initiative.slug for initiative in response.context["initiatives"]}
    assert slugs == {"moldova-jobs", "funded-abroad"}
    html = response.content.decode()
    assert "Partner country" in html and "Republic of Moldova" in html
    # Combined with another filter (AND), and the neighbour country's initiative is spared.
    response = client.get("/en/initiatives/?partner_country=md&country=gh")
    assert {i.slug for i in response.context["initiatives"]} == {"funded-abroad"}


@pytest.mark.parametrize("value", ["mda", "1", "<script>", "m" * 500, "zz"])
def test_a_bad_partner_country_is_a_page_never_an_error(client, agency, value):
    response = client.get("/en/initiatives/", {"partner_country": value})
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("<main", 1)[1]


def test_published_only_in_partner_lists(client, agency):
    make_initiative(title="Secret draft", slug="secret-draft", organisations=["Moldova Agency"], publish=False)
    counts.invalidate()
    assert "Secret draft" not in client.get("/en/countries/md/").content.decode()
    response = client.get("/en/initiatives/?partner_country=md")
    assert "secret-draft" not in {i.slug for i in response.context["initiatives"]}
    assert Initiative.objects.filter(slug="secret-draft").exists()


def test_the_api_has_the_partner_country_filter_too(client, agency):
    data = client.get("/api/initiatives/?partner_country=md").json()
    assert {item["slug"] for item in data["results"]} == {"moldova-jobs", "funded-abroad"}
    response = client.get("/api/initiatives/?partner_country=mda")
    assert response.status_code == 400
    assert response.json()["errors"][0]["parameter"] == "partner_country"


@pytest.mark.parametrize("read_up_to", [5_000, 1], ids=["ids-first", "many-partners"])
def test_the_partner_list_is_the_same_whether_its_ids_are_read_first_or_not(agency, monkeypatch, read_up_to):
    """``selectors.partner_initiatives`` reads the country's involvements first (a rare country's initiatives by
    primary key, not by testing the whole collection newest first) unless there are more than
    ``PARTNER_IDS_READ_UP_TO``: either way the published initiatives with a partner from there, newest first; not a
    draft's, nor another country's."""
    from initiatives import selectors

    monkeypatch.setattr(selectors, "PARTNER_IDS_READ_UP_TO", read_up_to)
    draft = make_initiative(title="Draft with the agency", slug="draft-agency", publish=False)
    Involvement.objects.create(initiative=draft, organisation=agency, role=Involvement.Role.PARTNER)
    moldova = Country.objects.get(code="md")
    listed = [initiative.slug for initiative in selectors.partner_initiatives(moldova)]
    assert listed == ["funded-abroad", "moldova-jobs"]
    assert [i.slug for i in selectors.partner_initiatives(Country.objects.get(code="gh"))] == ["ghana-only"]
