"""The Sustainable Development Goals and their targets (issue 13): the official list loaded from data, and the
taxonomy like the others through the public surface (term and index pages, the listing's filter, feeds, the API,
import and export, the proposal form and its approval, history). A goal covers the initiatives that name it and
those that name only one of its targets."""

import csv
import io
import json
import re

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from initiatives import services, taxonomy
from initiatives.models import Initiative, SdgGoal, SdgTarget
from submissions import services as submissions
from submissions.forms import ProposalForm
from tests.factories import make_initiative
from tests.initiatives.test_import_command import admin_export, run

pytestmark = pytest.mark.django_db


def with_sdgs(*, goals=(), targets=(), publish=True, **fields) -> Initiative:
    """An initiative naming SDG goals (numbers) and targets (codes), saved through the services."""
    initiative = make_initiative(publish=False, **fields)
    initiative.sdg_goals.set(SdgGoal.objects.filter(number__in=goals))
    initiative.sdg_targets.set(SdgTarget.objects.filter(code__in=targets))
    if publish:
        services.publish_initiative(initiative=initiative)
    else:
        services.refresh_coverage(initiative=initiative)
    return initiative


def slugs(response) -> set[str]:
    return {initiative.slug for initiative in response.context["initiatives"]}


# --- the data ---------------------------------------------------------------------------------------------------


def test_the_official_list_is_loaded_17_goals_169_targets():
    assert SdgGoal.objects.count() == 17
    assert SdgTarget.objects.count() == 169
    goal = SdgGoal.objects.get(number=10)
    assert (goal.slug, goal.name, goal.title) == (
        "10",
        "Reduced inequalities",
        "Reduce inequality within and among countries",
    )
    target = SdgTarget.objects.get(code="10.7")
    assert target.slug == "10-7" and target.goal == goal
    assert target.text.startswith("Facilitate orderly, safe, regular and responsible migration and mobility of people")
    # Lettered targets are in the list, after the numbered ones of their goal.
    assert list(SdgTarget.objects.filter(goal__number=1).values_list("code", flat=True)) == [
        "1.1", "1.2", "1.3", "1.4", "1.5", "1.a", "1.b"
    ]  # fmt: skip
    assert SdgTarget.objects.filter(code="17.19").exists()
    assert list(SdgTarget.objects.values_list("code", flat=True))[-1] == "17.19"
    assert sum(goal.targets.count() for goal in SdgGoal.objects.all()) == 169


def test_names_in_french_spanish_and_arabic():
    goal, target = SdgGoal.objects.get(number=10), SdgTarget.objects.get(code="10.7")
    assert goal.name_fr == "Inégalités réduites"
    assert goal.title_es == "Reducir la desigualdad en los países y entre ellos"
    assert goal.name_ar and target.text_ar and target.text_fr.startswith("Faciliter la migration")
    assert target.text_en == target.text  # English is the default language's column
    assert all(SdgTarget.objects.exclude(**{f"text_{code}": ""}).count() == 169 for code in ("fr", "es", "ar"))


def test_loading_again_changes_and_duplicates_nothing():
    reports = taxonomy.load_sdgs()
    assert (reports["sdgs"].created, reports["sdgs"].updated, reports["sdgs"].unchanged) == (0, 0, 17)
    assert (reports["sdg_targets"].created, reports["sdg_targets"].updated) == (0, 0)
    assert taxonomy.load_translations().updated == 0
    out = io.StringIO()
    call_command("load_taxonomy", stdout=out)
    assert SdgGoal.objects.count() == 17 and SdgTarget.objects.count() == 169


def test_a_corrected_text_is_restored_by_the_loader_and_a_deleted_target_comes_back():
    target = SdgTarget.objects.get(code="10.7")
    target.text = "Typo"
    target.save()
    SdgTarget.objects.get(code="14.b").delete()
    reports = taxonomy.load_sdgs()
    assert (reports["sdg_targets"].created, reports["sdg_targets"].updated) == (1, 1)
    target.refresh_from_db()
    assert target.text.startswith("Facilitate orderly")


# --- derived goals ----------------------------------------------------------------------------------------------


def test_the_goal_of_each_target_is_covered_and_follows_changes():
    initiative = with_sdgs(goals=[5], targets=["10.7", "10.c", "8.8"])
    assert set(initiative.sdg_covered.values_list("number", flat=True)) == {5, 8, 10}
    assert set(initiative.sdg_goals.values_list("number", flat=True)) == {5}  # what was named stays as named
    initiative.sdg_targets.set(SdgTarget.objects.filter(code="8.8"))
    services.refresh_coverage(initiative=initiative)
    assert set(initiative.sdg_covered.values_list("number", flat=True)) == {5, 8}


# --- pages, filters, feeds --------------------------------------------------------------------------------------


def test_a_goal_filter_finds_initiatives_naming_only_one_of_its_targets_and_spares_others(client):
    target_only = with_sdgs(title="Remittance corridors", targets=["10.c"])
    goal_only = with_sdgs(title="Equal pay", goals=[10])
    other_goal = with_sdgs(title="Decent work", targets=["8.8"])
    draft = with_sdgs(title="Unpublished", targets=["10.7"], publish=False)
    response = client.get("/en/initiatives/", {"sdg": "10"})
    assert response.status_code == 200
    found = slugs(response)
    assert {target_only.slug, goal_only.slug} <= found
    assert other_goal.slug not in found and draft.slug not in found
    # A target's filter finds only the initiatives that name it.
    found = slugs(client.get("/en/initiatives/", {"sdg_target": "10-c"}))
    assert target_only.slug in found and goal_only.slug not in found


def test_the_listing_has_a_facet_for_goals_and_for_targets(client):
    with_sdgs(targets=["10.7"])
    response = client.get("/en/initiatives/")
    facets = {facet.name: facet for facet in response.context["facets"]}
    goal_options = {option.value: option.count for option in facets["sdg"].options}
    assert goal_options["10"] >= 1
    assert [option.value for option in facets["sdg_target"].options if option.value == "10-7"] == ["10-7"]
    body = response.content.decode()
    assert "Sustainable Development Goal" in body and "SDG target" in body


def test_goal_page_shows_its_title_its_targets_and_its_initiatives(client):
    initiative = with_sdgs(title="Remittance corridors", targets=["10.c"])
    response = client.get("/en/sdgs/10/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Goal 10: Reduced inequalities" in body
    assert "Reduce inequality within and among countries" in body
    assert 'href="/en/sdg-targets/10-7/"' in body
    assert initiative.get_absolute_url() in body
    assert client.get("/en/sdgs/18/").status_code == 404
    assert client.get("/en/sdgs/../").status_code == 404


def test_target_page_shows_its_text_and_its_goal(client):
    initiative = with_sdgs(title="Safe migration", targets=["10.7"])
    neighbour = with_sdgs(title="Remittances", targets=["10.c"])
    response = client.get("/en/sdg-targets/10-7/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Target 10.7" in body and "Facilitate orderly, safe, regular and responsible migration" in body
    assert 'href="/en/sdgs/10/"' in body
    assert initiative.get_absolute_url() in body and neighbour.get_absolute_url() not in body
    assert client.get("/en/sdg-targets/10-99/").status_code == 404


def test_a_target_page_in_french_shows_the_french_text(client):
    response = client.get("/fr/sdg-targets/10-7/")
    assert response.status_code == 200
    assert "Faciliter la migration et la mobilité de façon ordonnée" in response.content.decode()


def test_the_index_lists_the_17_goals_each_with_its_targets(client):
    with_sdgs(targets=["10.7"])
    response = client.get("/en/sdgs/")
    assert response.status_code == 200
    body = response.content.decode()
    for number in range(1, 18):
        assert f'href="/en/sdgs/{number}/"' in body
    assert len(re.findall(r'href="/en/sdg-targets/\d', body)) == 169
    assert "Goal 17: Partnerships for the goals" in body
    targets = client.get("/en/sdg-targets/")
    assert targets.status_code == 200
    assert len(re.findall(r'href="/en/sdg-targets/\d', targets.content.decode())) == 169


def test_detail_page_lists_goals_with_their_targets(client):
    initiative = with_sdgs(goals=[5], targets=["10.7"])
    body = client.get(initiative.get_absolute_url()).content.decode()
    assert "Sustainable Development Goals" in body
    assert 'href="/en/sdgs/5/"' in body and 'href="/en/sdgs/10/"' in body
    assert 'href="/en/sdg-targets/10-7/"' in body
    plain = make_initiative(title="No SDG")
    assert "/en/sdgs/" not in client.get(plain.get_absolute_url()).content.decode().split("At a glance")[1]


def test_goal_feeds_carry_initiatives_of_its_targets(client):
    initiative = with_sdgs(title="Remittance corridors", targets=["10.c"])
    other = with_sdgs(title="Decent work everywhere", targets=["8.8"])
    for url in ("/en/sdgs/10/feed/", "/en/sdgs/10/feed/atom/", "/en/sdg-targets/10-c/feed/"):
        response = client.get(url)
        assert response.status_code == 200
        body = response.content.decode()
        assert initiative.get_absolute_url() in body and other.get_absolute_url() not in body


# --- API --------------------------------------------------------------------------------------------------------


def test_api_initiatives_carry_goals_and_targets_and_filter_by_them(client):
    initiative = with_sdgs(goals=[5], targets=["10.7"])
    with_sdgs(targets=["8.8"])
    data = client.get("/api/initiatives/", {"sdg": "10"}).json()
    assert [row["slug"] for row in data["results"]] == [initiative.slug]
    row = data["results"][0]
    assert [(goal["number"], goal["slug"]) for goal in row["sdg_goals"]] == [(5, "5"), (10, "10")]
    assert row["sdg_goals"][1]["url"].endswith("/en/sdgs/10/")
    assert [(target["code"], target["goal"]) for target in row["sdg_targets"]] == [("10.7", 10)]
    assert client.get("/api/initiatives/", {"sdg_target": "10-7"}).json()["count"] == 1


def test_api_goal_and_target_resources(client):
    with_sdgs(targets=["10.7"])
    index = client.get("/api/").json()
    assert index["sdgs"].endswith("/api/sdgs/") and index["sdg-targets"].endswith("/api/sdg-targets/")
    goals = client.get("/api/sdgs/").json()
    assert goals["count"] == 17
    goal = client.get("/api/sdgs/10/").json()
    assert goal["title"] == "Reduce inequality within and among countries" and goal["initiatives_count"] >= 1
    target = client.get("/api/sdg-targets/10-7/").json()
    assert (target["code"], target["goal"], target["initiatives_count"]) == ("10.7", 10, 1)
    assert client.get("/api/sdg-targets/10-7/", {"lang": "es"}).json()["text"].startswith("Facilitar la migración")
    assert client.get("/api/sdg-targets/nope/").status_code == 404


# --- export and import ------------------------------------------------------------------------------------------


def test_export_names_goals_and_targets_and_an_import_round_trip_keeps_them(client, tmp_path):
    initiative = with_sdgs(goals=[5], targets=["10.7", "10.c"], external_id="sdg-1")
    export = client.get("/en/initiatives/export.csv", {"sdg": "5"})
    rows = list(csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert [(row["sdg_goals"], row["sdg_targets"]) for row in rows] == [("5", "10-7 | 10-c")]
    payload = json.loads(b"".join(client.get("/en/initiatives/export.json", {"sdg": "5"}).streaming_content))
    assert [(row["sdg_goals"], row["sdg_targets"]) for row in payload] == [(["5"], ["10-7", "10-c"])]

    path = admin_export(tmp_path / "all.csv", Initiative.objects.filter(pk=initiative.pk))
    initiative.sdg_goals.clear()
    initiative.sdg_targets.clear()
    services.refresh_coverage(initiative=initiative)
    run(path)
    initiative.refresh_from_db()
    assert set(initiative.sdg_goals.values_list("number", flat=True)) == {5}
    assert set(initiative.sdg_targets.values_list("code", flat=True)) == {"10.7", "10.c"}
    assert set(initiative.sdg_covered.values_list("number", flat=True)) == {5, 10}  # derived again on import


def test_an_import_naming_an_unknown_target_is_refused_with_a_message(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "external_id,title,summary,category,sdg_targets\n"
        "x-1,A title,A summary,regional-consultative-processes,10-7 | 99-9\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_initiatives", str(path), stdout=out, stderr=io.StringIO())
    assert "sdg_targets: unknown SDG targets: “99-9”" in out.getvalue()
    assert not Initiative.objects.filter(external_id="x-1").exists()


# --- proposal, approval, history --------------------------------------------------------------------------------


def test_the_proposal_form_offers_goals_and_targets_grouped_by_goal(client, django_user_model):
    user = django_user_model.objects.create_user("sub@example.org", "sub@example.org", "a-long-password-123")
    client.force_login(user)
    with translation.override("en"):
        url = reverse("submissions:create")
    body = client.get(url).content.decode()
    assert 'name="sdg_goals" value="10"' in body
    assert 'name="sdg_targets" value="10-7"' in body
    assert "Goal 10: Reduced inequalities</legend>" in body
    assert "10.7 Facilitate orderly, safe, regular" in body


def test_a_proposal_with_targets_keeps_them_through_approval(django_user_model):
    author = django_user_model.objects.create_user("a@example.org", "a@example.org", "a-long-password-123")
    moderator = django_user_model.objects.create_user("m@example.org", "m@example.org", "a-long-password-123")
    moderator.groups.add(submissions.ensure_moderators_group())
    form = ProposalForm(
        {
            "title": "Safe labour migration corridor",
            "summary": "Matches workers with employers.",
            "category": "programmes-and-projects",
            "sdg_goals": ["5"],
            "sdg_targets": ["10-7", "8-8"],
            "submitter_name": "Ana Díaz",
            "submitter_email": "a@example.org",
        }
    )
    assert form.is_valid(), form.errors
    data = form.to_data()
    assert (data["sdg_goals"], data["sdg_targets"]) == (["5"], ["8-8", "10-7"])
    submission = submissions.create_submission(author=author, data=data, consent=True)
    submissions.submit(submission=submission, author=author)
    submissions.approve(submission=submission, moderator=moderator, message="Fine")
    submission.refresh_from_db()
    initiative = submission.initiative
    assert set(initiative.sdg_targets.values_list("code", flat=True)) == {"8.8", "10.7"}
    assert set(initiative.sdg_covered.values_list("number", flat=True)) == {5, 8, 10}
    # History keeps them, and a revert brings them back.
    first = initiative.history.earliest("history_date")
    assert set(first.sdg_targets.values_list("sdgtarget__code", flat=True)) == {"8.8", "10.7"}
    initiative.sdg_targets.clear()
    services.refresh_coverage(initiative=initiative)
    services.revert_initiative(record=initiative.history.latest("history_date"))
    assert set(initiative.sdg_targets.values_list("code", flat=True)) == {"8.8", "10.7"}
    assert set(initiative.sdg_covered.values_list("number", flat=True)) == {5, 8, 10}


def test_an_unknown_target_in_the_form_is_an_error_beside_the_field():
    form = ProposalForm({"title": "T", "summary": "S", "category": "partnerships", "sdg_targets": ["10-7", "<x>"]})
    assert not form.is_valid()
    assert "sdg_targets" in form.errors and "title" not in form.errors


def test_hostile_filter_values_give_a_page_not_an_error(client):
    for value in ("10.7", "'; drop table", "x" * 500, "0", "-1"):
        assert client.get("/en/initiatives/", {"sdg": value, "sdg_target": value}).status_code in (200, 404)
        assert client.get("/api/initiatives/", {"sdg": value}).status_code in (200, 400)
