"""Facet semantics: OR within a facet, AND across facets, counts that respect the other filters."""

import pytest

from tests.factories import make_initiative

pytestmark = pytest.mark.django_db


def slugs(client, query):
    response = client.get(f"/en/initiatives/?{query}")
    assert response.status_code == 200
    return {initiative.slug for initiative in response.context["page_obj"].object_list}


def facet(response, name):
    return next(f for f in response.context["facets"] if f.name == name)


def option_counts(response, name):
    counts = {}

    def walk(options):
        for option in options:
            counts[option.value] = option.count
            walk(option.children)

    walk(facet(response, name).options)
    return counts


def test_values_within_a_facet_combine_with_or(client):
    assert slugs(client, "theme=remittances") == {"pare-1-1"}
    assert slugs(client, "theme=remittances&theme=skills-development-and-recognition") == {
        "pare-1-1",
        "thamm",
        "regional-project-on-sectoral-qualifications-in-the-euro-mediterranean",
    }


def test_different_facets_combine_with_and(client):
    assert slugs(client, "theme=skills-development-and-recognition&region=northern-africa") == {
        "thamm",
        "regional-project-on-sectoral-qualifications-in-the-euro-mediterranean",
    }
    assert slugs(client, "theme=skills-development-and-recognition&country=tn&tag=vocational-training") == {"thamm"}


def test_region_includes_its_sub_regions_and_member_countries(client):
    # Europe: AMICALL and ARS name Europe, PARE names Eastern Europe, the sectoral project names France, Italy, Spain.
    assert slugs(client, "region=europe") == {
        "amicall",
        "anti-rumour-strategy-handbook",
        "pare-1-1",
        "regional-project-on-sectoral-qualifications-in-the-euro-mediterranean",
    }
    assert slugs(client, "region=eastern-europe") == {"pare-1-1", "amicall"}  # Moldova; Hungary
    assert slugs(client, "region=south-eastern-asia") == {"recommendations-of-the-11th-asean-forum-on-migrant-labour"}


def test_every_facet_filters(client):
    assert slugs(client, "country=md") == {"pare-1-1"}
    assert slugs(client, "organisation=icmpd") == {"eudif"}
    assert slugs(client, "tag=diaspora") == {"eudif", "pare-1-1"}
    assert len(slugs(client, "category=regional-consultative-processes")) == 7
    assert slugs(client, "category=policies-and-legislation") == set()


def test_principle_filter(client):
    from initiatives import services
    from initiatives.models import GuidingPrinciple

    initiative = make_initiative(slug="gender-practice")
    initiative.principles.add(GuidingPrinciple.objects.get(slug="gender-responsive"))
    services.initiative_written(initiative=initiative, reason="test")  # the end of every editing path
    assert slugs(client, "principle=gender-responsive") == {"gender-practice"}


def test_year_range_keeps_initiatives_active_in_it(client):
    # AMICALL ran 2011-2012, ASEAN forum 2018, PARE since 2010 (ongoing), sectoral since 2007 (ongoing).
    assert slugs(client, "year_from=2013&year_to=2017") == {
        "pare-1-1",
        "regional-project-on-sectoral-qualifications-in-the-euro-mediterranean",
        "anti-rumour-strategy-handbook",
    }
    assert "amicall" in slugs(client, "year_from=2012&year_to=2012")
    assert slugs(client, "year_to=2008") == {"regional-project-on-sectoral-qualifications-in-the-euro-mediterranean"}


def test_ongoing_and_completed(client):
    assert slugs(client, "status=ongoing") == {
        "pare-1-1",
        "anti-rumour-strategy-handbook",
        "regional-project-on-sectoral-qualifications-in-the-euro-mediterranean",
    }
    assert slugs(client, "status=completed") == {
        "thamm",
        "eudif",
        "amicall",
        "recommendations-of-the-11th-asean-forum-on-migrant-labour",
    }


def test_facet_counts_use_the_other_filters_but_not_their_own(client):
    response = client.get("/en/initiatives/?theme=inclusion-and-social-cohesion")
    themes = option_counts(response, "theme")
    # Own facet: counts as if no theme were chosen, so other themes stay selectable (OR).
    assert themes["inclusion-and-social-cohesion"] == 2
    assert themes["remittances"] == 1
    # Other facets: counted within the two selected initiatives (ARS and AMICALL).
    countries = option_counts(response, "country")
    assert countries["es"] == 2 and countries["gb"] == 1
    assert "md" not in countries  # no result in Moldova with this theme: the option is not offered
    regions = option_counts(response, "region")
    assert regions["europe"] == 2 and regions["southern-europe"] == 2 and regions["western-europe"] == 1


def test_region_counts_roll_up_without_double_counting(client):
    response = client.get("/en/initiatives/")
    regions = option_counts(response, "region")
    assert regions["europe"] == 4  # AMICALL covers four sub-regions of Europe but counts once
    assert regions["africa"] == 2
    assert regions["asia"] == 2  # ASEAN (South-eastern Asia) and the sectoral project (Jordan, Western Asia)


def test_selected_options_stay_visible_and_checked(client):
    response = client.get("/en/initiatives/?theme=remittances&country=gb")
    countries = {o.value: o for o in facet(response, "country").options}
    assert countries["gb"].selected and countries["gb"].count == 0  # shown although it gives nothing here
    html = response.content.decode()
    assert 'value="remittances" id="f-theme-remittances" checked' in html


def test_active_filter_chips_remove_one_value_and_clear_all(client):
    response = client.get("/en/initiatives/?theme=remittances&theme=data&region=europe&q=diaspora&page=2")
    html = response.content.decode()
    chips = {chip.text: chip for chip in response.context["chips"]}
    assert set(chips) == {"Objective 20: Remittances", "Objective 1: Data", "Europe", "“diaspora”"}
    # Removing one theme keeps the other filters and drops the page number.
    assert 'href="?theme=data&amp;region=europe&amp;q=diaspora"' in html
    assert '<a class="chip clear" href="/en/initiatives/">' in html


def test_empty_state_helps(client):
    html = client.get("/en/initiatives/?theme=remittances&region=africa").content.decode()
    assert "No initiative matches these filters." in html
    assert "clear all filters" in html


def test_sorting(client):
    def order(sort):
        response = client.get(f"/en/initiatives/?sort={sort}")
        return [i.slug for i in response.context["page_obj"].object_list]

    newest = order("newest")
    assert newest[0] == "thamm"  # the seed page's order: first entry newest
    assert order("oldest") == list(reversed(newest))
    titles = order("title")
    assert titles[0] == "eudif"  # "European Union Global…" comes first alphabetically
    assert order("relevance") == newest  # relevance without a query falls back to newest


def test_pagination_keeps_the_filters(client, settings):
    settings.INITIATIVES_PAGE_SIZE = 2
    html = client.get("/en/initiatives/?region=europe&sort=title").content.decode()
    assert 'href="?region=europe&amp;sort=title&amp;page=2"' in html
    response = client.get("/en/initiatives/?region=europe&sort=title&page=2")
    assert response.context["page_obj"].number == 2
    assert len(response.context["page_obj"].object_list) == 2


def test_long_facets_show_the_largest_options_and_link_to_the_full_list(client):
    from initiatives.models import Country

    response = client.get("/en/initiatives/")
    countries = facet(response, "country")
    named = Country.objects.filter(initiatives__isnull=False).distinct().count()  # 24 in the seed
    assert len(countries.options) == 10
    assert countries.hidden == named - 10
    html = response.content.decode()
    assert f'{named - 10} more options: see the <a href="/en/countries/">full list</a>.' in html


def test_an_initiative_whose_planned_end_is_ahead_is_ongoing(client):
    import datetime

    from django.utils import timezone

    next_year = timezone.localdate().year + 1
    make_initiative(slug="until-next-year", start_date="2020-01-01", end_date=datetime.date(next_year, 12, 31))
    assert "until-next-year" in slugs(client, "status=ongoing")
    assert "until-next-year" not in slugs(client, "status=completed")
    assert "until-next-year" in slugs(client, f"year_from={next_year}")


def test_a_bad_year_is_ignored_and_explained_next_to_its_field(client):
    response = client.get("/en/initiatives/?year_from=abc&year_to=2012")
    html = response.content.decode()
    assert len(response.context["page_obj"].object_list) == 4  # started by 2012: sectoral, ARS, AMICALL, PARE
    assert 'aria-invalid="true" aria-describedby="f-year_from-error"' in html
    assert "“abc” is not a year between 1900 and 2100; it was ignored." in html
    assert 'name="year_to" min="1900" max="2100" inputmode="numeric" value="2012"' in html


def test_filter_sets_share_the_taxonomies_and_keep_their_own_filters(client):
    """django-filter copies a filter set's filters for each filter set it makes: a ``Taxonomy`` (a fixed registry
    entry, whose lazy labels cost most of that copy) is shared, not copied; each filter set still has filters of its
    own, so two made one after the other never read each other's terms."""
    import copy

    from django.http import QueryDict

    from initiatives.filters import InitiativeFilter
    from initiatives.taxonomies import BY_NAME

    assert copy.deepcopy(BY_NAME["theme"]) is BY_NAME["theme"]
    first = InitiativeFilter(QueryDict("theme=remittances"))
    second = InitiativeFilter(QueryDict("theme=data"))
    assert first.filters["theme"] is not second.filters["theme"]
    assert first.filters["theme"].taxonomy is second.filters["theme"].taxonomy is BY_NAME["theme"]
    assert first.filters["theme"].parent is first and second.filters["theme"].parent is second
    assert [t.slug for t in first.selected_terms("theme")] == ["remittances"]
    assert [t.slug for t in second.selected_terms("theme")] == ["data"]
