"""The synthetic-initiative generator (bench/generator) and its command line, ``python -m bench.generator``."""

import datetime
import io

import pytest
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from bench.generator import building, command, loading, prose
from bench.generator.building import CountryInfo, Pools, RegionInfo
from initiatives import markup, search, services
from initiatives.models import Category, Initiative, Involvement, Organisation, SearchWord

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 6, 1, 12, 0, tzinfo=datetime.UTC)
FIRST_YEAR, LAST_YEAR = 1995, 2026
TAGS = ("<ul>", "<ol>", "<blockquote>", "<strong>", "<h2>")


def synthetic(seed: int):
    return Initiative.objects.filter(slug__startswith=f"synthetic-{seed}-")


def test_generating_adds_published_initiatives():
    before = Initiative.objects.published().count()

    created = loading.generate(count=50, seed=7, batch_size=20)

    assert created == 50
    assert Initiative.objects.published().count() == before + 50
    assert set(synthetic(7).values_list("slug", flat=True)) == {f"synthetic-7-{n}" for n in range(1, 51)}
    assert synthetic(7).published().count() == 50
    assert all(timezone.is_aware(value) for value in synthetic(7).values_list("published_at", flat=True))


def test_progress_is_reported_after_each_batch():
    calls = []
    loading.generate(count=5, seed=8, batch_size=2, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(2, 5), (4, 5), (5, 5)]


def test_same_seed_builds_the_same_data_and_another_seed_differs():
    pools = Pools.from_database()
    first = building.build_initiatives(seed=3, numbers=range(1, 31), pools=pools, now=NOW)
    again = building.build_initiatives(seed=3, numbers=range(1, 31), pools=Pools.from_database(), now=NOW)
    other = building.build_initiatives(seed=4, numbers=range(1, 31), pools=pools, now=NOW)

    assert first == again
    assert [r.title for r in first] != [r.title for r in other]
    assert [r.slug for r in first] == [f"synthetic-3-{n}" for n in range(1, 31)]


def test_an_initiative_does_not_depend_on_the_others_built_with_it():
    pools = Pools.from_database()
    batch = building.build_initiatives(seed=3, numbers=range(1, 11), pools=pools, now=NOW)
    assert building.build_initiative(seed=3, number=7, pools=pools, now=NOW) == batch[6]


def test_built_data_has_a_realistic_spread():
    records = building.build_initiatives(seed=5, numbers=range(1, 401), pools=Pools.from_database(), now=NOW)

    assert len({r.title for r in records}) > 350
    assert {len(r.summary.split(". ")) for r in records} >= {1, 2, 3, 4}
    assert any(r.description == "" for r in records)
    assert any("\n- " in r.description for r in records)
    assert any("## " in r.description for r in records)
    assert {len(r.theme_ids) for r in records} == {1, 2, 3, 4}
    assert {len(r.principle_ids) for r in records} == {0, 1, 2, 3}
    assert {len(r.involvements) for r in records} == {1, 2, 3, 4}
    assert {len(r.tags) for r in records} == {0, 1, 2, 3, 4, 5}
    assert max(len(r.country_ids) for r in records) <= 5
    assert any(not r.country_ids and not r.region_ids for r in records)  # global
    assert any(r.region_ids and not r.country_ids for r in records)  # a region only
    assert {r.scope for r in records} >= {"global", "regional", "national", "local"}
    assert any(r.acronym for r in records) and any(not r.acronym for r in records)
    assert any(r.submitted_on is None for r in records) and any(r.submitted_on for r in records)
    assert {r.start_precision for r in records} == {"year", "month", "day"}
    for r in records:
        assert r.involvements[0][1] == Involvement.Role.IMPLEMENTER
        assert len({slug for slug, _role, _note in r.involvements}) == len(r.involvements)
        if r.ongoing:
            assert r.end_date is None
        if r.start_date:
            assert FIRST_YEAR <= r.start_date.year <= LAST_YEAR
        if r.start_date and r.end_date:
            assert r.end_date >= r.start_date
        assert NOW - datetime.timedelta(days=3660) <= r.published_at <= NOW


def test_rerunning_duplicates_nothing():
    assert loading.generate(count=30, seed=9) == 30
    organisations, tags = Organisation.objects.count(), Tag.objects.count()

    assert loading.generate(count=30, seed=9) == 0
    assert loading.generate(count=40, seed=9) == 10

    assert synthetic(9).count() == 40
    assert Organisation.objects.count() == organisations
    assert Tag.objects.count() == tags
    assert Organisation.objects.filter(slug__startswith="synthetic-org-").count() == 300


def test_relations_are_written():
    loading.generate(count=40, seed=10)
    records = {
        r.slug: r
        for r in building.build_initiatives(seed=10, numbers=range(1, 41), pools=Pools.from_database(), now=NOW)
    }
    initiatives = synthetic(10).prefetch_related("themes", "principles", "regions", "countries", "involvements")
    for initiative in initiatives:
        record = records[initiative.slug]
        assert initiative.title == record.title
        assert {t.pk for t in initiative.themes.all()} == set(record.theme_ids)
        assert {p.pk for p in initiative.principles.all()} == set(record.principle_ids)
        assert {r.pk for r in initiative.regions.all()} == set(record.region_ids)
        assert {c.pk for c in initiative.countries.all()} == set(record.country_ids)
        assert len(initiative.involvements.all()) == len(record.involvements)
        assert sorted(initiative.tags.names()) == sorted(record.tags)
    for initiative in initiatives[:10]:
        initiative.full_clean()


def test_tags_are_found_through_taggit():
    loading.generate(count=40, seed=12)
    tagged = TaggedItem.objects.filter(object_id__in=synthetic(12).values("pk"))
    assert tagged.exists()
    name = tagged.first().tag.name
    assert synthetic(12).filter(tags__name=name).exists()


def test_covered_regions_are_the_regions_and_their_ancestors():
    loading.generate(count=60, seed=13)
    checked = 0
    for initiative in synthetic(13).prefetch_related("regions", "countries", "covered_regions"):
        direct = {r.pk for r in initiative.regions.all()} | {
            c.region_id for c in initiative.countries.all() if c.region_id
        }
        covered = {r.pk for r in initiative.covered_regions.all()}
        assert covered == services.region_closure(direct)
        for country in initiative.countries.all():
            if country.region_id:
                assert {country.region_id, *(r.pk for r in country.region.ancestors())} <= covered
                checked += 1
    assert checked


def test_pools_close_regions_over_their_ancestors():
    """The builder's region closure works on a given taxonomy, without the database."""
    africa, sub_saharan, western = (
        RegionInfo(1, "002", "Africa", None),
        RegionInfo(2, "202", "Sub-Saharan Africa", 1),
        RegionInfo(3, "011", "Western Africa", 2),
    )
    pools = Pools(
        categories=[("programmes-and-projects", 1)],
        themes=[(1, 1)],
        principles=[],
        regions=[africa, sub_saharan, western],
        countries=[CountryInfo(1, "sn", "Senegal", western.pk), CountryInfo(2, "ml", "Mali", western.pk)],
    )
    assert pools.covered([western.pk]) == {1, 2, 3}
    assert pools.covered([sub_saharan.pk]) == {1, 2}
    assert {c.code for c in pools.countries_in[africa.pk]} == {"sn", "ml"}
    for number in range(1, 30):
        record = building.build_initiative(seed=1, number=number, pools=pools, now=NOW)
        direct = set(record.region_ids) | ({western.pk} if record.country_ids else set())
        assert set(record.covered_region_ids) == pools.covered(direct)


def test_generated_initiatives_can_be_searched():
    loading.generate(count=20, seed=14)
    initiative = synthetic(14).first()
    word = max(initiative.title.split(), key=len).strip("()':,")
    assert search.apply(Initiative.objects.published(), word).filter(pk=initiative.pk).exists()


def test_postgresql_fills_the_search_vectors_and_the_vocabulary(on_postgresql):
    loading.generate(count=20, seed=15)
    assert not synthetic(15).filter(search_en__isnull=True).exists()
    assert SearchWord.objects.exists()


def test_dry_run_writes_nothing():
    before = Initiative.objects.count()
    assert loading.generate(count=10, seed=16, dry_run=True) == 10
    assert Initiative.objects.count() == before


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = command.main(list(argv), stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


def test_command_creates_reports_and_skips():
    status, text, _err = run("5", "--seed", "17", "--batch-size", "2")
    assert status == 0
    assert "2/5 (40%)" in text and "5/5 (100%)" in text
    assert "Created 5 synthetic initiatives (0 already existed)" in text
    assert synthetic(17).count() == 5

    status, text, _err = run("5", "--seed", "17")
    assert "Created 0 synthetic initiatives (5 already existed)" in text
    assert synthetic(17).count() == 5


def test_command_dry_run():
    status, text, _err = run("4", "--seed", "18", "--dry-run")
    assert status == 0
    assert "would create 4 synthetic initiatives" in text
    assert "e.g. " in text
    assert not synthetic(18).exists()


@pytest.mark.parametrize("argv", [["-1"], ["5", "--batch-size", "0"], ["many"], ["5", "--workers", "-2"]])
def test_command_rejects_bad_arguments(argv, capsys):
    with pytest.raises(SystemExit) as exit:
        run(*argv)
    assert exit.value.code == 2
    assert "python -m bench.generator: error:" in capsys.readouterr().err


def test_command_asks_for_the_taxonomy_when_it_is_missing():
    Initiative.objects.all().delete()
    Category.objects.all().delete()

    with pytest.raises(loading.TaxonomyMissing, match="categories"):
        loading.check_taxonomy()
    status, _out, err = run("5")
    assert status == 1
    assert "manage.py load_taxonomy" in err


def test_descriptions_html_is_the_renderers_and_written_without_it_for_the_generators_shapes(monkeypatch):
    built = building.build_initiatives(seed=5, numbers=range(1, 1501), pools=Pools.from_database(), now=NOW)
    descriptions = [record.description for record in built]
    expected = [markup.render(text) for text in descriptions]
    rendered, render = [], markup.render
    monkeypatch.setattr(markup, "render", lambda text: rendered.append(text) or render(text))

    assert [prose.description_html(text) for text in descriptions] == expected
    assert set(TAGS) <= {tag for html in expected for tag in TAGS if tag in html}  # every shape
    assert set(rendered) == {""}  # only empty descriptions went to the renderer


@pytest.mark.parametrize(
    "text",
    [
        "A *stressed* word.",
        "Read [the report](https://example.org) & the annex.",
        "Code `x` and <b>raw</b> HTML.",
        "2024. A year first.",
        "## A heading\nwith a second line",
        "- One\n- Two\n\n1. One\n3. Three",
        "- One\n  - Nested",
        "> Quoted\n> twice",
        "Bold ** spaced ** here and **unclosed.",
        "Trailing space \n\nAnd a non\xa0breaking space.",
        "| a | b |\n|---|---|\n| 1 | 2 |",
    ],
)
def test_descriptions_of_other_shapes_are_rendered_as_the_portal_renders_them(text):
    assert prose.description_html(text) == markup.render(text)
