import io
import json

import pytest
from django.core.management import call_command

from initiatives import seed, taxonomy
from initiatives.models import (
    Category,
    Country,
    GuidingPrinciple,
    Initiative,
    Involvement,
    Organisation,
    Region,
    Theme,
)

pytestmark = pytest.mark.django_db


def _table_sizes():
    return {
        model.__name__: model.objects.count()
        for model in (Region, Country, Theme, GuidingPrinciple, Category, Organisation, Initiative, Involvement)
    }


def test_m49_hierarchy_is_loaded_from_the_package_data():
    assert Region.objects.filter(level=Region.Level.REGION).count() == 5
    morocco = Country.objects.get(code="ma")
    assert morocco.iso3 == "MAR" and morocco.m49_code == "504"
    assert morocco.region.name == "Northern Africa"
    assert morocco.region.parent.name == "Africa"
    kenya = Country.objects.get(code="ke")
    assert [r.name for r in [kenya.region, *kenya.region.ancestors()]] == [
        "Eastern Africa",
        "Sub-Saharan Africa",
        "Africa",
    ]
    assert kenya.region.level == Region.Level.INTERMEDIATE
    assert Country.objects.count() > 240
    assert Country.objects.get(code="md").name == "Republic of Moldova"


def test_themes_are_the_23_gcm_objectives_plus_general():
    assert Theme.objects.filter(number__isnull=False).count() == 23
    assert Theme.objects.get(number=20).name == "Remittances"
    assert Theme.objects.get(number=1).title.startswith("Collect and utilize accurate and disaggregated data")
    assert Theme.objects.filter(slug="general", number__isnull=True).exists()
    assert GuidingPrinciple.objects.count() == 10
    assert GuidingPrinciple.objects.get(number=7).name == "Gender-responsive"


def test_category_of_the_seed_page_exists():
    assert Category.objects.filter(name="Regional Consultative Processes and International Regional Fora").exists()


def test_loading_twice_changes_and_duplicates_nothing():
    before = _table_sizes()
    reports = taxonomy.load_all()
    assert all(report.created == 0 and report.updated == 0 for report in reports.values())
    seed.load_seed()
    call_command("load_seed", stdout=io.StringIO())
    assert _table_sizes() == before


def test_reloading_the_seed_keeps_publication_dates_and_restores_edited_text():
    thamm = Initiative.objects.get(slug="thamm")
    published_at = thamm.published_at
    thamm.summary = "Vandalised"
    thamm.save()
    seed.load_seed()
    thamm.refresh_from_db()
    assert thamm.summary.startswith("Designed as a regional programme")
    assert thamm.published_at == published_at


def test_seven_seed_entries_verbatim_with_their_credits():
    entries = json.loads(seed.SEED_FILE.read_text(encoding="utf-8"))
    assert len(entries) == 7
    assert Initiative.objects.published().count() == 7
    sectoral = Initiative.objects.get(slug="regional-project-on-sectoral-qualifications-in-the-euro-mediterranean")
    assert "sectoral specific qualifiations in Morocco" in sectoral.summary  # the typo is kept
    pare = Initiative.objects.get(slug="pare-1-1")
    assert "Attracting  Remittances" in pare.summary  # so is the double space
    eudif = Initiative.objects.get(acronym="EUDiF")
    assert eudif.title == "European Union Global Diaspora Facility (EUDif)"
    assert eudif.submitter_display == "Mr. Camille Saadé"
    assert Initiative.objects.get(slug="anti-rumour-strategy-handbook").submitter_display == "Ms. Angelica Pinzon"
    assert Initiative.objects.get(slug="thamm").submitter_display == "Ms. Charlotte …"


def test_seed_shows_only_what_is_known():
    asean = Initiative.objects.get(slug="recommendations-of-the-11th-asean-forum-on-migrant-labour")
    assert asean.submitter_name == "" and asean.submitted_on is None  # who submitted it is not known
    assert Initiative.objects.filter(submitted_on__isnull=False).count() == 1  # only one date is public


def test_seed_is_linked_to_the_taxonomy_from_the_public_facts():
    thamm = Initiative.objects.get(slug="thamm")
    assert sorted(thamm.themes.values_list("number", flat=True)) == [5, 6, 18, 23]
    assert set(thamm.countries.values_list("code", flat=True)) == {"eg", "ma", "tn", "dz", "ly"}
    assert set(thamm.covered_regions.values_list("slug", flat=True)) == {"northern-africa", "africa"}
    funders = thamm.involvements.filter(role=Involvement.Role.FUNDER).values_list("organisation__acronym", flat=True)
    assert set(funders) == {"EUTF for Africa", "BMZ"}
    pare = Initiative.objects.get(slug="pare-1-1")
    assert sorted(pare.themes.values_list("number", flat=True)) == [19, 20]
    assert pare.ongoing and pare.end_date is None
    assert {t.name for t in pare.tags.all()} >= {"remittances"}


def test_load_taxonomy_command_reports(capsys):
    out = io.StringIO()
    call_command("load_taxonomy", stdout=out)
    assert "regions: 0 created, 0 updated" in out.getvalue()
    assert "Taxonomy loaded." in out.getvalue()
