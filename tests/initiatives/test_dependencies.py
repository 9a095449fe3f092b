"""Per-key versions of the cache (initiatives/counts.py) and the keys of initiatives and listings
(initiatives/dependencies.py): a value is computed again when one of its keys moves, and only then."""

import pytest
from django.core.cache import cache
from django.http import QueryDict

from initiatives import counts, dependencies
from initiatives.filters import InitiativeFilter
from initiatives.models import Initiative, Region, Theme
from tests.factories import make_initiative

pytestmark = pytest.mark.django_db


class Counter:
    def __init__(self, value="v"):
        self.calls, self.value = 0, value

    def __call__(self):
        self.calls += 1
        return self.value


def test_a_value_is_computed_again_only_when_one_of_its_keys_moves():
    compute = Counter()
    assert counts.cached("x", (1,), compute, {"theme:1", "region:2"}) == "v"
    counts.cached("x", (1,), compute, {"theme:1", "region:2"})
    assert compute.calls == 1
    counts.invalidate({"theme:3", "collection"})  # not its keys: still warm
    counts.cached("x", (1,), compute, {"theme:1", "region:2"})
    assert compute.calls == 1
    counts.invalidate({"region:2"})
    counts.cached("x", (1,), compute, {"theme:1", "region:2"})
    assert compute.calls == 2
    counts.invalidate()  # everything ("all")
    counts.cached("x", (1,), compute, {"theme:1", "region:2"})
    assert compute.calls == 3


def test_without_keys_a_value_depends_on_the_collection():
    compute = Counter()
    counts.cached("y", (), compute)
    counts.invalidate({"theme:1"})
    counts.cached("y", (), compute)
    assert compute.calls == 1
    counts.invalidate({"collection"})
    counts.cached("y", (), compute)
    assert compute.calls == 2


def test_values_and_the_versions_of_all_their_keys_are_read_in_one_round_trip(monkeypatch):
    items = [("z", (n,), Counter(n), {f"theme:{n}", "collection"}) for n in range(5)]
    counts.cached_many(items)  # computes them (and makes their keys' versions)
    reads = []
    real = cache.get_many
    monkeypatch.setattr(cache, "get_many", lambda keys: reads.append(keys) or real(keys))
    assert counts.cached_many(items) == [0, 1, 2, 3, 4]
    assert len(reads) == 1


def test_version_keys_sort_after_every_value_so_culling_drops_values_first():
    value_key = counts._key("html", ("/zz",))
    assert all(counts._version_key(key) > value_key for key in ("all", "collection", "initiative:1", "a"))


def test_a_lost_version_makes_a_value_cold_never_stale():
    compute = Counter()
    counts.cached("w", (), compute, {"tag:1"})
    cache.delete(counts._version_key("tag:1"))  # culled
    counts.cached("w", (), compute, {"tag:1"})
    assert compute.calls == 2


def test_a_page_stores_the_keys_it_read_and_another_process_reads_them_back():
    token = counts.start_request()
    try:
        assert counts.lookup("page", ("/a",)).value is None
        counts.depends_on({"initiative:1"})
        counts.cached("part", (), Counter(), {"theme:4"})
        stored = counts.store("page", ("/a",), "body")
    finally:
        counts.end_request(token)
    assert stored == {"all", "initiative:1", "theme:4"}
    counts._PREDICTED.clear()  # another process: it does not know the page's keys yet (a second read)
    token = counts.start_request()
    try:
        found = counts.lookup("page", ("/a",))
        assert (found.value, found.keys) == ("body", stored)
        assert counts.request_reads().keys == stored  # the answer's Surrogate-Key
    finally:
        counts.end_request(token)
    counts.invalidate({"theme:4"})
    miss = counts.lookup("page", ("/a",))
    assert miss.value is None and miss.previous == "body"


def test_a_page_that_names_nothing_depends_on_the_collection():
    token = counts.start_request()
    try:
        counts.lookup("page", ("/b",))
        assert counts.store("page", ("/b",), "body") == {"all", "collection"}
    finally:
        counts.end_request(token)


def test_the_keys_of_a_published_initiative_name_all_it_is_filed_under():
    thamm = Initiative.objects.get(slug="thamm")
    keys = dependencies.of_initiatives([thamm.pk])
    assert {f"initiative:{thamm.pk}", "collection", f"category:{thamm.category_id}"} <= keys
    assert {f"theme:{theme.pk}" for theme in thamm.themes.all()} <= keys
    assert {f"country:{country.pk}" for country in thamm.countries.all()} <= keys
    africa = Region.objects.get(slug="africa")  # covered through Northern Africa: its filter and counts include it
    assert f"region:{africa.pk}" in keys
    assert {f"organisation:{i.organisation_id}" for i in thamm.involvements.all()} <= keys
    assert {f"tag:{tag.pk}" for tag in thamm.tags.all()} <= keys
    assert {key for key in keys if key.startswith("theme:")} == {f"theme:{theme.pk}" for theme in thamm.themes.all()}


def test_a_draft_s_keys_are_its_own():
    draft = make_initiative(publish=False, themes=["remittances"], regions=["europe"])
    assert dependencies.of_initiatives([draft.pk]) == {f"initiative:{draft.pk}"}


def test_a_listing_s_rows_depend_on_its_narrowest_term_filter_else_the_collection():
    remittances = Theme.objects.get(slug="remittances")
    europe = Region.objects.get(slug="europe")

    def of(query: str):
        return dependencies.of_filters(InitiativeFilter(QueryDict(query)))

    assert of("") == {"collection"}
    assert of("q=diaspora&year_from=2010") == {"collection"}
    assert of("theme=remittances") == {f"theme:{remittances.pk}"}
    themes = Theme.objects.filter(slug__in=["remittances", "diaspora-contributions"])
    assert of("theme=remittances&theme=diaspora-contributions&region=europe") == {f"region:{europe.pk}"}
    assert len(of("theme=remittances&theme=diaspora-contributions")) == len(themes)
    # A facet counted without its own filter: the theme facet of a theme-filtered listing reads the collection.
    filterset = InitiativeFilter(QueryDict("theme=remittances"))
    assert dependencies.of_filters(filterset, without="theme") == {"collection"}
    # A term page: within its term, whatever its other filters.
    base = InitiativeFilter.restrict(Initiative.objects.published(), "region", [europe.pk])
    page = InitiativeFilter(QueryDict(""), queryset=base, fixed_facet="region", fixed_term=europe)
    assert dependencies.of_filters(page, without="theme") == {f"region:{europe.pk}"}
