"""One write path for an initiative (issue 13): the admin's change form and bulk actions, the services, the import
command, the seed, approval, revert and translation all end in ``services.initiative_written``, which refreshes what
is derived: the covered regions, the "did you mean" vocabulary, one version in the history and the
collection version (cached counts). Each path below changes where an initiative is and checks all four; the last
tests read the code so that a new way of writing that forgets the one end fails here.
"""

import ast
import csv
import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from initiatives import counts, search, seed, services
from initiatives.interchange import encodings, exporting
from initiatives.models import Country, Initiative, Region, SearchWord
from submissions import services as submission_services
from submissions.forms import initial_from_initiative
from submissions.models import Submission

from .test_admin import _action, _admin_url, _form_errors, submit

pytestmark = pytest.mark.django_db

WORD = "kowalczykowa"  # a word no seed initiative has, put into a title to follow the vocabulary
AFRICA = {"africa", "northern-africa"}  # Morocco's region and its parent


def expected_coverage(initiative: Initiative) -> set[str]:
    """The regions an initiative should cover, computed here independently: its regions, its countries' regions,
    and all their ancestors."""
    regions = list(initiative.regions.all()) + [c.region for c in initiative.countries.select_related("region")]
    slugs = set()
    for region in regions:
        while region is not None:
            slugs.add(region.slug)
            region = region.parent
    return slugs


def covered(initiative: Initiative) -> set[str]:
    return set(Initiative.objects.get(pk=initiative.pk).covered_regions.values_list("slug", flat=True))


def in_region_page(client, initiative: Initiative, region: str = "africa") -> bool:
    return initiative.slug in {i.slug for i in client.get(f"/en/regions/{region}/").context["initiatives"]}


class Watch:
    """What a write must change, noted before it."""

    def __init__(self, *initiatives):
        self.initiatives = initiatives
        self.versions = {i.pk: Initiative.history.filter(id=i.pk).count() for i in initiatives}
        self.collection = counts.collection_version()

    def assert_written(self, *, versions: int = 1, reason: str | None = None):
        assert counts.collection_version() != self.collection, "the collection version did not change"
        for initiative in self.initiatives:
            initiative = Initiative.objects.get(pk=initiative.pk)
            assert covered(initiative) == expected_coverage(initiative), initiative.slug
            history = Initiative.history.filter(id=initiative.pk).order_by("-history_date", "-history_id")
            assert history.count() == self.versions[initiative.pk] + versions, initiative.slug
            if reason:
                assert history.first().history_change_reason == reason
        assert_vocabulary_is_the_published_collection()


def assert_vocabulary_is_the_published_collection():
    """The vocabulary the writes kept equals a rebuild from the published initiatives."""
    kept = sorted(SearchWord.objects.values_list("language", "word", "ndoc"))
    search.rebuild_vocabulary()
    assert sorted(SearchWord.objects.values_list("language", "word", "ndoc")) == kept


@pytest.fixture(autouse=True)
def _vocabulary():
    search.rebuild_vocabulary()  # start from the exact vocabulary of the seed


def has_word(word: str = WORD) -> bool:
    return SearchWord.objects.filter(word=word).exists()


@pytest.fixture
def curator(django_user_model):
    """A logged-in superuser's browser (as in test_admin)."""
    user = django_user_model.objects.create_superuser("curator", "curator@example.org", password=None)
    browser = Client()
    browser.force_login(user)
    return browser


# --- each write path --------------------------------------------------------------------------------------------


def test_admin_change_form(curator, client):
    eudif = Initiative.objects.get(slug="eudif")  # global: no region, no country
    neighbour = Initiative.objects.get(slug="thamm")
    neighbour_versions = neighbour.history.count()
    watch = Watch(eudif)
    response = submit(
        curator,
        _admin_url(Initiative, "change", eudif.pk),
        "initiative_form",
        {"countries": [Country.objects.get(code="ma").pk], "title_en": f"Diaspora facility of {WORD.title()}"},
    )
    assert response.status_code == 302, _form_errors(response)
    watch.assert_written(reason="Changed in the admin")
    assert covered(eudif) >= AFRICA and in_region_page(client, eudif)
    assert has_word()
    assert neighbour.history.count() == neighbour_versions  # the other initiative is spared


def test_admin_change_form_removing_countries(curator, client):
    pare = Initiative.objects.get(slug="pare-1-1")  # Moldova, Eastern Europe
    watch = Watch(pare)
    response = submit(curator, _admin_url(Initiative, "change", pare.pk), "initiative_form", {"countries": []})
    assert response.status_code == 302, _form_errors(response)
    watch.assert_written()
    assert "moldova" not in covered(pare) and "eastern-europe" in covered(pare)  # still its own region


def test_admin_bulk_region_action(curator, client):
    chosen = list(Initiative.objects.filter(slug__in=["eudif", "pare-1-1"]))
    spared = Initiative.objects.get(slug="amicall")
    spared_versions = spared.history.count()
    watch = Watch(*chosen)
    africa = Region.objects.get(slug="africa")
    response = curator.post(
        _admin_url(Initiative, "changelist"),
        {"action": "add_region", "_selected_action": [i.pk for i in chosen], "apply": "1", "term": africa.pk},
    )
    assert response.status_code == 302
    watch.assert_written()
    assert all("africa" in covered(i) for i in chosen) and "africa" not in covered(spared)
    assert spared.history.count() == spared_versions


@pytest.mark.parametrize("action", ["unpublish", "archive", "feature", "unfeature"])
def test_admin_bulk_status_actions(curator, client, action):
    thamm = Initiative.objects.get(slug="thamm")
    if action == "unfeature":
        services.set_featured(initiatives=[thamm], featured=True)
    watch = Watch(thamm)
    assert _action(curator, action, [thamm]).status_code == 302
    watch.assert_written()
    assert in_region_page(client, thamm) == (action in ("feature", "unfeature"))


def test_admin_publish_action_on_a_draft(curator, client):
    draft = services.save_initiative(
        content=services.InitiativeContent(
            fields={
                "title": f"Draft of {WORD.title()}",
                "summary": "A draft.",
                "category": Initiative.objects.get(slug="thamm").category,
            },
            countries=[Country.objects.get(code="ma")],
        )
    )
    assert not has_word()
    watch = Watch(draft)
    assert _action(curator, "publish", [draft]).status_code == 302
    watch.assert_written(reason="Published")
    assert in_region_page(client, draft) and has_word()


def test_import_command(tmp_path, client):
    eudif = Initiative.objects.get(slug="eudif")
    path = tmp_path / "eudif.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        encodings.write_csv(
            exporting.export_rows(Initiative.objects.filter(pk=eudif.pk), include_private=True),
            out,
            include_private=True,
        )
    with path.open(encoding="utf-8", newline="") as source:
        (row,) = list(csv.DictReader(source))
    row.update(countries="ma", title=f"Diaspora facility of {WORD.title()}")
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(row))
        writer.writeheader()
        writer.writerow(row)
    watch = Watch(eudif)
    call_command("import_initiatives", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    watch.assert_written()
    assert covered(eudif) >= AFRICA and in_region_page(client, eudif)
    assert has_word()


def test_approval_of_an_update(client, django_user_model):
    eudif = Initiative.objects.get(slug="eudif")
    author = django_user_model.objects.create_user(username="a", email="a@example.org", password="x")
    moderator = django_user_model.objects.create_user(username="m", email="m@example.org", password="x")
    moderator.groups.add(submission_services.ensure_moderators_group())
    data = {**initial_from_initiative(eudif), "countries": ["ma"], "title": f"Diaspora facility of {WORD.title()}"}
    update = submission_services.create_submission(
        author=author, data=data, kind=Submission.Kind.UPDATE, initiative=eudif, consent=True
    )
    submission_services.submit(submission=update, author=author)
    watch = Watch(eudif)
    submission_services.approve(submission=update, moderator=moderator)
    watch.assert_written(reason=f"Approved submission #{update.pk}")  # one version: the update is one write
    assert covered(eudif) >= AFRICA and in_region_page(client, eudif)
    assert Initiative.objects.get(pk=eudif.pk).is_published()
    assert has_word()


def test_seed(tmp_path, client):
    entries = json.loads(seed.SEED_FILE.read_text(encoding="utf-8"))
    (entry,) = [e for e in entries if e["slug"] == "eudif"]
    entry["countries"] = ["ma"]
    entry["title"] = f"Diaspora facility of {WORD.title()}"
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(entries), encoding="utf-8")
    eudif, thamm = Initiative.objects.get(slug="eudif"), Initiative.objects.get(slug="thamm")
    thamm_versions = thamm.history.count()
    watch = Watch(eudif)
    report = seed.load_seed(path)
    assert report.updated == ["eudif"] and len(report.unchanged) == 6
    watch.assert_written(reason="Loaded from the seed")
    assert covered(eudif) >= AFRICA and in_region_page(client, eudif)
    assert has_word()
    assert thamm.history.count() == thamm_versions  # an unchanged entry writes nothing
    # Loading it again changes nothing, and writes no version.
    again = Watch(eudif)
    assert len(seed.load_seed(path).unchanged) == 7
    assert Initiative.history.filter(id=eudif.pk).count() == again.versions[eudif.pk]


def test_revert(curator, client):
    eudif = Initiative.objects.get(slug="eudif")
    version = eudif.history.order_by("-history_date", "-history_id").first()
    services.save_initiative(
        content=services.InitiativeContent(
            fields={"title": f"Vandalised by {WORD.title()}", "summary": "Spam"},
            countries=[Country.objects.get(code="ma")],
        ),
        initiative=eudif,
    )
    assert in_region_page(client, eudif)
    watch = Watch(eudif)
    curator.post(reverse("admin:initiatives_initiative_simple_history", args=[eudif.pk, version.history_id]))
    watch.assert_written()
    assert not covered(eudif) and not in_region_page(client, eudif)
    assert not has_word()


def test_translation(client):
    thamm = Initiative.objects.get(slug="thamm")
    watch = Watch(thamm)
    services.save_translation(
        initiative=thamm, language="fr", texts={"title": f"Vers {WORD.title()}", "summary": "Résumé."}
    )
    watch.assert_written(reason="Translated")
    assert covered(thamm) >= AFRICA
    assert has_word() == ("fr" in settings.MODELTRANSLATION_LANGUAGES)


def test_delete(client):
    thamm = Initiative.objects.get(slug="thamm")
    assert in_region_page(client, thamm)
    version = counts.collection_version()
    services.delete_initiative(initiative=thamm)
    assert counts.collection_version() != version
    assert not Initiative.objects.filter(pk=thamm.pk).exists()
    assert not in_region_page(client, thamm)
    assert_vocabulary_is_the_published_collection()


# --- a new way of writing cannot forget the one end -------------------------------------------------------------

SOURCES = [
    path
    for app in ("initiatives", "submissions", "subscriptions", "api", "accounts", "portal")
    for path in sorted((Path(settings.BASE_DIR) / app).rglob("*.py"))
    if "migrations" not in path.parts
]
# What the one write path refreshes: only initiative_writing / initiative_written call these.
DERIVED = {"refresh_coverage", "record_history", "add_to_vocabulary", "withdraw_from_vocabulary"}
ONE_PATH = {"initiative_writing", "initiative_written"}
# Methods that write an initiative's row or relations.
WRITES = {"save", "delete", "set", "add", "remove", "clear", "bulk_create", "update", "move", "create"}


def _called(node) -> set[str]:
    names = set()
    for call in ast.walk(node):
        if isinstance(call, ast.Call):  # f(), obj.f(), (obj.f if … else obj.g)()
            for part in ast.walk(call.func):
                names.add(part.attr if isinstance(part, ast.Attribute) else getattr(part, "id", ""))
    return names


def _functions(tree):
    return [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)]


def test_only_the_one_write_path_refreshes_what_is_derived():
    """Nobody but initiative_writing/initiative_written calls the pieces (a path calling them itself is a path that
    could forget one); search.rebuild_vocabulary, the repair, is the exception."""
    offenders = []
    for path in SOURCES:
        for function in _functions(ast.parse(path.read_text(encoding="utf-8"))):
            calls = _called(function) & DERIVED
            if not calls or function.name in ONE_PATH or function.name in DERIVED:
                continue
            offenders.append(f"{path.relative_to(settings.BASE_DIR)}:{function.lineno} {function.name}: {calls}")
    assert offenders == []


def test_every_write_service_ends_in_the_one_write_path():
    """Every public function of initiatives/services.py that writes (saves, deletes, changes relations) calls
    initiative_written, or another service that does."""
    tree = ast.parse((Path(settings.BASE_DIR) / "initiatives" / "services.py").read_text(encoding="utf-8"))
    functions = {f.name: f for f in tree.body if isinstance(f, ast.FunctionDef)}
    helpers = {"refresh_coverage", "record_history", "initiative_written", "initiative_writing", "collection_changed"}
    helpers.add("region_closure")  # computes a set (set.add), writes nothing
    ending = {"initiative_written"}
    changed = True
    while changed:  # the services that end in it, directly or through another service
        changed = False
        for name, function in functions.items():
            if name not in ending and _called(function) & ending:
                ending.add(name)
                changed = True
    writers = {
        name
        for name, function in functions.items()
        if not name.startswith("_") and name not in helpers and _called(function) & WRITES
    }
    assert writers, "the test found no writing service: it reads the code wrongly"
    assert {"save_initiative", "publish_initiative", "merge_terms", "change_classification"} <= writers
    assert sorted(writers - ending) == []


def test_every_module_that_starts_a_write_ends_it():
    """A module that takes an initiative's words out (initiative_writing) puts them back (initiative_written, or a
    service that ends in it): the admin, the seed."""
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        if "initiative_writing(" in text:
            assert "initiative_written(" in text or "publish_initiative(" in text, path
