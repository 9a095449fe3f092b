"""Curating in the admin: bulk actions, featured order, history with revert, merges and old-slug redirects.

Everything goes through the admin as a curator's browser would (actions posted to the changelist, the
intermediate pages, the history and revert pages) and is checked on the public site.
"""

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from taggit.models import Tag

from initiatives import services
from initiatives.models import (
    Category,
    Country,
    GuidingPrinciple,
    Initiative,
    Involvement,
    Link,
    Organisation,
    Region,
    SlugRedirect,
    Theme,
)
from tests.factories import make_initiative

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:initiatives_initiative_changelist"
THAMM_TITLE = "Towards a Holistic Approach to Labour Migration Governance and Labour Mobility in North Africa (THAMM)"


@pytest.fixture
def curator_user(django_user_model):
    return django_user_model.objects.create_superuser("curator", "curator@example.org", password=None)


@pytest.fixture
def curator(curator_user):
    browser = Client()
    browser.force_login(curator_user)
    return browser


def act(client, action, initiatives, **extra):
    return client.post(
        reverse(CHANGELIST), {"action": action, "_selected_action": [i.pk for i in initiatives], **extra}
    )


def slugs_on(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return [i.slug for i in response.context["initiatives"]]


# --- bulk actions -----------------------------------------------------------------------------------------------


def test_bulk_add_theme_asks_which_then_adds_it_to_each_and_records_history(curator, client, curator_user):
    chosen = [make_initiative(title=f"Bulk {n}") for n in range(3)]
    other = make_initiative(title="Not selected")
    remittances = Theme.objects.get(slug="remittances")
    before = Initiative.history.count()

    page = act(curator, "add_theme", chosen)
    assert page.status_code == 200
    assert "Bulk 0" in page.content.decode() and 'name="term"' in page.content.decode()
    assert not Initiative.objects.filter(themes=remittances, pk__in=[i.pk for i in chosen]).exists()

    response = act(curator, "add_theme", chosen, apply="1", term=remittances.pk)
    assert response.status_code == 302
    assert set(Initiative.objects.filter(themes=remittances).values_list("pk", flat=True)) >= {i.pk for i in chosen}
    assert not other.themes.filter(pk=remittances.pk).exists()
    assert Initiative.history.count() == before + 3
    version = chosen[0].history.first()
    assert version.history_user == curator_user
    assert "remittances" in version.history_change_reason.lower()
    assert {i.slug for i in chosen} <= set(slugs_on(client, "/en/themes/remittances/"))


def test_bulk_add_with_a_missing_term_shows_the_form_again_and_changes_nothing(curator):
    chosen = [make_initiative()]
    before = Initiative.history.count()
    response = act(curator, "add_theme", chosen, apply="1", term="999999")
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert Initiative.history.count() == before


def test_bulk_remove_theme(curator, client):
    chosen = [make_initiative(themes=["remittances"]) for _ in range(2)]
    kept = make_initiative(themes=["remittances"])
    response = act(curator, "remove_theme", chosen, apply="1", term=Theme.objects.get(slug="remittances").pk)
    assert response.status_code == 302
    listed = slugs_on(client, "/en/themes/remittances/")
    assert kept.slug in listed and not {i.slug for i in chosen} & set(listed)


def test_bulk_add_and_remove_region_update_the_covered_regions(curator, client):
    chosen = [make_initiative() for _ in range(2)]
    asia = Region.objects.get(slug="south-eastern-asia")
    act(curator, "add_region", chosen, apply="1", term=asia.pk)
    # The region's ancestors cover them too (Asia is South-eastern Asia's parent).
    assert {i.slug for i in chosen} <= set(slugs_on(client, f"/en/regions/{asia.parent.slug}/"))
    act(curator, "remove_region", chosen, apply="1", term=asia.pk)
    assert not {i.slug for i in chosen} & set(slugs_on(client, f"/en/regions/{asia.parent.slug}/"))


def test_bulk_add_tag_creates_or_reuses_it_and_remove_takes_it_off(curator, client):
    chosen = [make_initiative() for _ in range(2)]
    act(curator, "add_tag", chosen, apply="1", term="Circular migration")
    tag = Tag.objects.get(name="Circular migration")
    assert {i.slug for i in chosen} <= set(slugs_on(client, f"/en/tags/{tag.slug}/"))
    act(curator, "add_tag", chosen, apply="1", term="circular MIGRATION")  # same tag, whatever the case
    assert Tag.objects.filter(name__iexact="circular migration").count() == 1
    act(curator, "remove_tag", chosen[:1], apply="1", term="Circular migration")
    assert slugs_on(client, f"/en/tags/{tag.slug}/") == [chosen[1].slug]


def test_feature_and_unfeature_and_the_home_page_follows_the_curators_order(curator, client):
    a, b, c = (make_initiative(title=f"Featured {name}") for name in "ABC")
    act(curator, "feature", [c, a, b])  # featured in title order, after those already featured
    orders = dict(Initiative.objects.filter(pk__in=[a.pk, b.pk, c.pk]).values_list("title", "featured_order"))
    assert orders["Featured A"] < orders["Featured B"] < orders["Featured C"]
    home = client.get("/en/")
    assert [i.title for i in home.context["featured"]] == ["Featured A", "Featured B", "Featured C"]

    # The curator reorders in the changelist (featured_order is editable there; its save moves the collection
    # version, as test_featured_order_is_editable_in_the_changelist shows, so visitors' cached pages follow).
    Initiative.objects.filter(pk=c.pk).update(featured_order=0)
    services.collection_changed()
    assert [i.title for i in client.get("/en/").context["featured"]][0] == "Featured C"

    act(curator, "unfeature", [c])
    assert "Featured C" not in [i.title for i in client.get("/en/").context["featured"]]
    assert c.history.first().history_change_reason == "No longer featured"


def test_featured_order_is_editable_in_the_changelist(curator, client):
    a, b = (
        make_initiative(title="Order A", featured=True, featured_order=1),
        make_initiative(title="Order B", featured=True, featured_order=2),
    )
    changelist = curator.get(reverse(CHANGELIST), {"featured__exact": "1"})
    assert 'name="form-0-featured_order"' in changelist.content.decode()
    rows = list(changelist.context["cl"].result_list)
    data = {
        "form-TOTAL_FORMS": str(len(rows)),
        "form-INITIAL_FORMS": str(len(rows)),
        "_save": "Save",
    }
    for n, row in enumerate(rows):
        data[f"form-{n}-id"] = str(row.pk)
        data[f"form-{n}-featured_order"] = {a.pk: "9", b.pk: "3"}.get(row.pk, str(row.featured_order))
    response = curator.post(reverse(CHANGELIST) + "?featured__exact=1", data)
    assert response.status_code == 302
    titles = [i.title for i in client.get("/en/").context["featured"]]
    assert titles.index("Order B") < titles.index("Order A")


def test_publish_unpublish_archive_actions_record_who_and_why(curator, curator_user):
    initiative = make_initiative(publish=False)
    published, draft = (
        make_initiative(title="Published beside it"),
        make_initiative(title="Draft beside it", publish=False),
    )
    versions = {i.pk: i.history.count() for i in (published, draft)}
    for action, reason in (("publish", "Published"), ("unpublish", "Unpublished"), ("archive", "Archived")):
        act(curator, action, [initiative])
        latest = initiative.history.first()
        assert (latest.history_change_reason, latest.history_user) == (reason, curator_user)
        # The neighbours, not selected, keep their state and their history.
        published.refresh_from_db()
        draft.refresh_from_db()
        assert (published.status, draft.status) == (Initiative.Status.PUBLISHED, Initiative.Status.DRAFT)
        assert {i.pk: i.history.count() for i in (published, draft)} == versions


# --- admin list: columns and filters ------------------------------------------------------------------------------


def test_changelist_shows_curation_columns_and_filters(curator):
    make_initiative(title="Columned", themes=["remittances"], regions=["europe"], submitter_name="Ana Díaz")
    response = curator.get(reverse(CHANGELIST), {"q": "Columned"})
    html = response.content.decode()
    for column in ("column-region_list", "column-theme_list", "column-featured", "column-submitter"):
        assert column in html
    assert "Europe" in html and "Ana Díaz" in html
    for query in ({"submitter": "credited"}, {"submitter": "none"}, {"principles__id__exact": "1"}):
        assert curator.get(reverse(CHANGELIST), query).status_code == 200
    only_credited = curator.get(reverse(CHANGELIST), {"submitter": "none", "q": "Columned"})
    assert list(only_credited.context["cl"].result_list) == []


def test_changelist_query_count_does_not_grow_with_the_page(curator, django_assert_max_num_queries):
    for _ in range(30):
        make_initiative(themes=["remittances"], regions=["europe"])
    with django_assert_max_num_queries(25):
        assert curator.get(reverse(CHANGELIST)).status_code == 200


def test_view_on_site_only_for_published_initiatives(curator):
    draft = make_initiative(publish=False)
    published = make_initiative()
    assert (
        "viewsitelink"
        not in curator.get(reverse("admin:initiatives_initiative_change", args=[draft.pk])).content.decode()
    )
    change = curator.get(reverse("admin:initiatives_initiative_change", args=[published.pk])).content.decode()
    assert "viewsitelink" in change


# --- history and revert -------------------------------------------------------------------------------------------


def change_in_admin(curator, initiative, **changes):
    from tests.initiatives.test_admin import submit

    return submit(
        curator, reverse("admin:initiatives_initiative_change", args=[initiative.pk]), "initiative_form", changes
    )


def test_an_admin_edit_is_one_version_with_its_author_and_field_by_field_changes(curator, curator_user):
    initiative = Initiative.objects.get(slug="thamm")
    before = initiative.history.count()
    remittances = Theme.objects.get(slug="remittances")
    themes = [str(pk) for pk in initiative.themes.values_list("pk", flat=True)] + [str(remittances.pk)]
    response = change_in_admin(
        curator,
        initiative,
        acronym_en="THAMM-2",
        title_en=THAMM_TITLE + " (2)",
        themes=themes,
        tags="labour migration, new tag",
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert initiative.history.count() == before + 1
    version = initiative.history.first()
    assert version.history_user == curator_user
    assert version.tags_snapshot == ["labour migration", "new tag"]

    page = curator.get(reverse("admin:initiatives_initiative_history", args=[initiative.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "THAMM-2" in html  # the acronym's change
    assert "Remittances" in html  # the themes' change
    assert "new tag" in html  # tags are in the history too
    assert "curator" in html
    assert "chars]" not in html  # long values whole, not cut at 100 characters

    previous = initiative.history.all()[1]
    revert_page = curator.get(
        reverse("admin:initiatives_initiative_simple_history", args=[initiative.pk, previous.history_id])
    )
    table = revert_page.content.decode().split('id="revert-changes"')[1].split("</table>")[0]
    assert THAMM_TITLE + " (2)" in table and THAMM_TITLE + "</td>" in table and "chars]" not in table


def test_revert_brings_back_fields_relations_tags_organisations_and_links(curator, client):
    initiative = Initiative.objects.get(slug="anti-rumour-strategy-handbook")
    original = {
        "title": initiative.title,
        "themes": set(initiative.themes.values_list("pk", flat=True)),
        "regions": set(initiative.regions.values_list("pk", flat=True)),
        "tags": set(initiative.tags.names()),
        "involvements": set(initiative.involvements.values_list("organisation_id", "role")),
        "links": set(initiative.links.values_list("url", flat=True)),
    }
    first_version = initiative.history.first()

    content = services.InitiativeContent(
        fields={"title": "Vandalised title", "summary": "Spam"},
        themes=[Theme.objects.get(slug="remittances")],
        regions=[Region.objects.get(slug="south-eastern-asia")],
        tags=["spam"],
        involvements=[(Organisation.objects.get(slug="ilo"), Involvement.Role.FUNDER)],
        links=[("Spam", "https://spam.example/")],
    )
    services.save_initiative(content=content, initiative=initiative)
    assert (
        client.get("/en/initiatives/anti-rumour-strategy-handbook/").context["initiative"].title == "Vandalised title"
    )

    revert_url = reverse("admin:initiatives_initiative_simple_history", args=[initiative.pk, first_version.history_id])
    confirm = curator.get(revert_url)
    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert "Vandalised title" in html and original["title"] in html  # now → after the revert
    assert "spam" in html

    response = curator.post(revert_url)
    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.title == original["title"]
    assert set(initiative.themes.values_list("pk", flat=True)) == original["themes"]
    assert set(initiative.regions.values_list("pk", flat=True)) == original["regions"]
    assert set(initiative.tags.names()) == original["tags"]
    assert set(initiative.involvements.values_list("organisation_id", "role")) == original["involvements"]
    assert set(initiative.links.values_list("url", flat=True)) == original["links"]
    assert initiative.history.first().history_change_reason.startswith("Reverted to the version of")
    # The public page and the covered regions follow.
    assert initiative.slug in slugs_on(client, "/en/regions/europe/")
    assert initiative.slug not in slugs_on(client, "/en/regions/asia/")
    assert client.get("/en/initiatives/anti-rumour-strategy-handbook/").context["initiative"].title == original["title"]


def test_revert_keeps_the_publication_state(curator, client):
    initiative = make_initiative(title="Kept public")
    version = initiative.history.first()
    services.save_initiative(content=services.InitiativeContent(fields={"title": "Renamed"}), initiative=initiative)
    curator.post(reverse("admin:initiatives_initiative_simple_history", args=[initiative.pk, version.history_id]))
    initiative.refresh_from_db()
    assert (initiative.title, initiative.status) == ("Kept public", Initiative.Status.PUBLISHED)


def test_revert_replaces_a_merged_away_term_by_its_survivor(curator):
    initiative = make_initiative(organisations=["Old Org"], tags=["old tag"])
    version = initiative.history.first()
    survivor = Organisation.objects.create(name="New Org", slug="new-org")
    services.merge_terms(source=Organisation.objects.get(slug="old-org"), target=survivor)
    services.merge_terms(source=Tag.objects.get(name="old tag"), target=Tag.objects.create(name="new tag"))
    services.save_initiative(content=services.InitiativeContent(fields={"title": "Changed"}), initiative=initiative)

    curator.post(reverse("admin:initiatives_initiative_simple_history", args=[initiative.pk, version.history_id]))
    assert list(initiative.organisations.values_list("slug", flat=True)) == ["new-org"]
    assert list(initiative.tags.names()) == ["new tag"]
    assert not Tag.objects.filter(name="old tag").exists()


def test_revert_needs_change_permission(client, django_user_model):
    initiative = make_initiative()
    version = initiative.history.first()
    staff = django_user_model.objects.create_user("staff", "staff@example.org", password=None, is_staff=True)
    browser = Client()
    browser.force_login(staff)
    url = reverse("admin:initiatives_initiative_simple_history", args=[initiative.pk, version.history_id])
    assert browser.post(url).status_code == 403
    assert client.post(url).status_code == 302  # anonymous: to the login page
    assert initiative.history.first().history_id == version.history_id


def test_term_history_and_revert_through_the_admin(curator, client):
    category = Category.objects.get(slug="research-and-data")
    change_url = reverse("admin:initiatives_category_change", args=[category.pk])
    from tests.initiatives.test_admin import submit

    response = submit(curator, change_url, "category_form", {"name_en": "Studies and data", "slug": "studies-and-data"})
    assert response.status_code == 302
    history_page = curator.get(reverse("admin:initiatives_category_history", args=[category.pk])).content.decode()
    assert (
        "Studies and data" in history_page
        and "Research and data" in history_page.replace("&amp;", "&")
        or ("studies-and-data" in history_page)
    )
    old_version = category.history.order_by("history_date").first()
    revert_url = reverse("admin:initiatives_category_simple_history", args=[category.pk, old_version.history_id])
    response = submit(curator, revert_url, "historicalcategory_form", {})
    assert response.status_code == 302
    category.refresh_from_db()
    assert category.slug == "research-and-data"
    # Back at its first slug: that address is live again and the later one redirects to it.
    assert client.get("/en/categories/research-and-data/").status_code == 200
    assert client.get("/en/categories/studies-and-data/")["Location"] == "/en/categories/research-and-data/"


# --- merges -------------------------------------------------------------------------------------------------------


def test_merging_two_organisations_in_the_admin_moves_everything_and_redirects(curator, client):
    ilo = Organisation.objects.get(slug="ilo")
    duplicate = Organisation.objects.create(name="International Labour Organization (duplicate)", slug="ilo-2")
    both = make_initiative(title="Has both", organisations=[])
    Involvement.objects.create(initiative=both, organisation=ilo)
    Involvement.objects.create(initiative=both, organisation=duplicate)
    only_duplicate = make_initiative(title="Only duplicate")
    Involvement.objects.create(initiative=only_duplicate, organisation=duplicate, role=Involvement.Role.FUNDER)
    changelist = reverse("admin:initiatives_organisation_changelist")

    page = curator.post(changelist, {"action": "merge_terms", "_selected_action": [ilo.pk, duplicate.pk]})
    assert page.status_code == 200
    assert 'type="radio" name="survivor"' in page.content.decode()

    response = curator.post(
        changelist,
        {"action": "merge_terms", "_selected_action": [ilo.pk, duplicate.pk], "apply": "1", "survivor": ilo.pk},
    )
    assert response.status_code == 302
    assert not Organisation.objects.filter(pk=duplicate.pk).exists()
    assert list(both.involvements.values_list("organisation__slug", "role")) == [("ilo", "implementer")]
    assert list(only_duplicate.involvements.values_list("organisation__slug", "role")) == [("ilo", "funder")]
    listed = slugs_on(client, "/en/organisations/ilo/")
    assert {"recommendations-of-the-11th-asean-forum-on-migrant-labour", both.slug, only_duplicate.slug} <= set(listed)

    for old, new in (
        ("/en/organisations/ilo-2/", "/en/organisations/ilo/"),
        ("/en/organisations/ilo-2/feed/", "/en/organisations/ilo/feed/"),
        ("/en/organisations/ilo-2/feed/atom/", "/en/organisations/ilo/feed/atom/"),
        ("/en/organisations/ilo-2/?sort=title", "/en/organisations/ilo/?sort=title"),
    ):
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, new)
    # A listing or a subscription filtered by the old slug still finds the survivor's initiatives.
    assert set(slugs_on(client, "/en/initiatives/?organisation=ilo-2")) == set(listed)
    assert only_duplicate.history.first().history_change_reason.startswith("Merged organisation")


def test_merge_of_themes_keeps_each_initiative_once(curator):
    source, target = Theme.objects.get(slug="remittances"), Theme.objects.get(slug="migrant-and-diaspora-contributions")
    pare = Initiative.objects.get(slug="pare-1-1")  # has both
    moved = services.merge_terms(source=source, target=target)
    assert moved >= 1
    assert list(pare.themes.filter(pk=target.pk).values_list("slug", flat=True)) == [target.slug]
    assert not Theme.objects.filter(slug="remittances").exists()


def test_merge_of_categories_and_of_tags(client):
    research = Category.objects.get(slug="research-and-data")
    tools = Category.objects.get(slug="tools-and-guidance")
    initiative = make_initiative(category="research-and-data", tags=["Harbour towns", "port cities"])
    services.merge_terms(source=research, target=tools)
    initiative.refresh_from_db()
    assert initiative.category == tools
    assert client.get("/en/categories/research-and-data/")["Location"] == "/en/categories/tools-and-guidance/"

    services.merge_terms(source=Tag.objects.get(name="port cities"), target=Tag.objects.get(name="Harbour towns"))
    assert sorted(initiative.tags.names()) == ["Harbour towns"]
    assert client.get("/en/tags/port-cities/")["Location"] == "/en/tags/harbour-towns/"


def test_merge_chain_redirects_follow_to_the_last_survivor(client):
    a = Organisation.objects.create(name="A", slug="org-a")
    b = Organisation.objects.create(name="B", slug="org-b")
    c = Organisation.objects.create(name="C", slug="org-c")
    make_initiative(organisations=["A"])
    services.merge_terms(source=a, target=b)
    services.merge_terms(source=b, target=c)
    assert client.get("/en/organisations/org-a/")["Location"] == "/en/organisations/org-c/"
    assert client.get("/en/organisations/org-b/")["Location"] == "/en/organisations/org-c/"


@pytest.mark.parametrize(
    "source, target, message",
    [
        (lambda: Theme.objects.get(slug="remittances"), lambda: Theme.objects.get(slug="remittances"), "into itself"),
        (
            lambda: Theme.objects.get(slug="remittances"),
            lambda: Category.objects.get(slug="research-and-data"),
            "only terms of one kind merge",
        ),
        (lambda: Region.objects.get(slug="europe"), lambda: Region.objects.get(slug="asia"), "official lists"),
        (lambda: Country.objects.get(code="ma"), lambda: Country.objects.get(code="tn"), "official lists"),
    ],
)
def test_impossible_merges_are_refused_and_change_nothing(source, target, message):
    source, target = source(), target()
    before = (Initiative.history.count(), SlugRedirect.objects.count(), type(source).objects.count())
    with pytest.raises(services.CurationError, match=message):
        services.merge_terms(source=source, target=target)
    assert (Initiative.history.count(), SlugRedirect.objects.count(), type(source).objects.count()) == before


def test_merging_a_term_into_itself_in_the_admin_shows_an_error(curator):
    theme = Theme.objects.get(slug="remittances")
    changelist = reverse("admin:initiatives_theme_changelist")
    response = curator.post(changelist, {"action": "merge_terms", "_selected_action": [theme.pk]}, follow=True)
    assert "Select at least two terms" in response.content.decode()
    assert Theme.objects.filter(pk=theme.pk).exists()


def test_regions_and_countries_have_no_merge_action(curator):
    for model in ("region", "country"):
        page = curator.get(reverse(f"admin:initiatives_{model}_changelist")).content.decode()
        assert "merge_terms" not in page


def test_principle_merge_moves_initiatives():
    first, second = GuidingPrinciple.objects.order_by("number")[:2]
    initiative = make_initiative()
    initiative.principles.set([first])
    services.merge_terms(source=first, target=second)
    assert list(initiative.principles.all()) == [second]


# --- slug changes -------------------------------------------------------------------------------------------------


def test_changing_an_initiatives_slug_redirects_every_old_address(curator, client):
    initiative = make_initiative(title="Renamed one")
    old = initiative.slug
    response = change_in_admin(curator, initiative, slug="renamed-once")
    assert response.status_code == 302
    assert client.get(f"/en/initiatives/{old}/")["Location"] == "/en/initiatives/renamed-once/"
    response = change_in_admin(curator, Initiative.objects.get(pk=initiative.pk), slug="renamed-twice")
    assert response.status_code == 302
    for address in (f"/en/initiatives/{old}/", "/en/initiatives/renamed-once/"):
        response = client.get(address + "?utm=x")
        assert (response.status_code, response["Location"]) == (301, "/en/initiatives/renamed-twice/?utm=x")
    assert client.get("/en/initiatives/renamed-twice/").status_code == 200
    assert client.get("/en/initiatives/never-existed/").status_code == 404


def test_changing_a_terms_slug_redirects_its_page_and_feeds(curator, client):
    from tests.initiatives.test_admin import submit

    theme = Theme.objects.get(slug="remittances")
    response = submit(
        curator, reverse("admin:initiatives_theme_change", args=[theme.pk]), "theme_form", {"slug": "money-sent-home"}
    )
    assert response.status_code == 302
    for old, new in (
        ("/en/themes/remittances/", "/en/themes/money-sent-home/"),
        ("/en/themes/remittances/feed/", "/en/themes/money-sent-home/feed/"),
        ("/en/themes/remittances/feed/atom/", "/en/themes/money-sent-home/feed/atom/"),
    ):
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, new)
    assert "pare-1-1" in slugs_on(client, "/en/initiatives/?theme=remittances")
    change_page = curator.get(reverse("admin:initiatives_theme_change", args=[theme.pk])).content.decode()
    assert "remittances" in change_page  # the old slug is listed on the term's admin page


def test_renaming_a_tag_in_the_admin_redirects(curator, client):
    from tests.initiatives.test_admin import submit

    tag = Tag.objects.get(name="xenophobia")
    response = submit(
        curator, reverse("admin:taggit_tag_change", args=[tag.pk]), "tag_form", {"slug": "anti-xenophobia"}
    )
    assert response.status_code == 302
    assert client.get("/en/tags/xenophobia/")["Location"] == "/en/tags/anti-xenophobia/"
    history_page = curator.get(reverse("admin:taggit_tag_history", args=[tag.pk])).content.decode()
    assert "xenophobia" in history_page and "anti-xenophobia" in history_page and "curator" in history_page
    latest = tag.history.first()
    assert (latest.history_type, latest.history_user.username, latest.slug) == ("~", "curator", "anti-xenophobia")


def test_a_new_object_may_take_an_old_slug_back(client):
    moved = make_initiative(title="Moved", slug="first-home")
    moved.slug = "second-home"
    moved.save()
    assert client.get("/en/initiatives/first-home/").status_code == 301
    make_initiative(title="Newcomer", slug="first-home")
    assert client.get("/en/initiatives/first-home/").status_code == 200


def test_post_to_an_old_slug_is_not_redirected(client):
    make_initiative(slug="post-target").__class__.objects.filter(slug="post-target").update(slug="post-target-2")
    SlugRedirect.remember("initiative", "post-target", Initiative.objects.get(slug="post-target-2").pk)
    assert client.post("/en/initiatives/post-target/").status_code in (404, 405)


def test_link_model_is_untouched_by_history_snapshots():
    initiative = make_initiative()
    Link.objects.create(initiative=initiative, title="Doc", url="https://example.org/doc")
    services.record_history(initiative=initiative, reason="test")
    assert initiative.history.first().links_snapshot == [["Doc", "https://example.org/doc", "document"]]


# --- export from the admin ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_action_downloads_the_selection_with_private_fields_and_drafts(curator, fmt, tmp_path):
    draft = make_initiative(title="Draft to export", publish=False, submitter_email="private@example.org")
    published = Initiative.objects.get(slug="thamm")
    response = act(curator, f"export_{fmt}", [draft, published])
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    body = b"".join(response.streaming_content).decode()
    assert "private@example.org" in body and "Draft to export" in body and "thamm" in body
    assert "eudif" not in body  # only the selection
    if fmt == "json":
        assert {row["slug"] for row in json.loads(body)} == {draft.slug, "thamm"}
    # What the admin exports, the import takes back unchanged.
    path = tmp_path / f"selection.{fmt}"
    path.write_text(body, encoding="utf-8")
    before = Initiative.history.count()
    call_command("import_initiatives", str(path), stdout=io.StringIO())
    assert Initiative.history.count() == before


def test_the_export_action_stops_at_the_row_cap_and_says_so(curator, settings):
    settings.EXPORTS_MAX_ROWS = 2
    chosen = list(Initiative.objects.order_by("pk")[:3])
    response = act(curator, "export_csv", chosen)
    assert response["Content-Disposition"].endswith('-first-2.csv"')
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode(), newline="")))
    assert rows[-1] == ["# Truncated: the first 2 rows only. Export fewer initiatives at a time."]
    assert [row[1] for row in rows[1:-1]] == [i.slug for i in chosen[:2]]
    items = json.loads(b"".join(act(curator, "export_json", chosen).streaming_content))
    assert items[-1] == {"truncated": True, "rows": 2, "full_collection": None}

    # Neighbour: a selection within the cap is exported whole, without a marker.
    items = json.loads(b"".join(act(curator, "export_json", chosen[:2]).streaming_content))
    assert [item["slug"] for item in items] == [i.slug for i in chosen[:2]]


def test_export_action_needs_a_curator(client, django_user_model):
    staff = django_user_model.objects.create_user("viewer", "v@example.org", password=None, is_staff=True)
    browser = Client()
    browser.force_login(staff)
    response = act(browser, "export_csv", [Initiative.objects.get(slug="thamm")])
    assert response.status_code == 403


def test_an_old_and_a_new_slug_of_one_term_in_a_listing_are_both_understood(client):
    theme = Theme.objects.get(slug="remittances")
    theme.slug = "money-sent-home"
    theme.save()
    response = client.get("/en/initiatives/?theme=remittances&theme=money-sent-home")
    assert response.context["ignored"] == []
    assert "pare-1-1" in [i.slug for i in response.context["initiatives"]]
    assert client.get("/en/initiatives/?theme=remittances&theme=nothing-like-it").context["ignored"] == ["theme"]


def test_revert_brings_back_link_kinds_and_involvement_notes(curator):
    ilo = Organisation.objects.get(slug="ilo")
    initiative = services.save_initiative(
        content=services.InitiativeContent(
            fields={"title": "With notes", "summary": "S.", "category": Category.objects.first()},
            involvements=[(ilo, Involvement.Role.FUNDER, "from 2020")],
            links=[("Film", "https://example.org/film", Link.Kind.VIDEO)],
        )
    )
    version = initiative.history.first()
    assert version.involvements_snapshot == [[ilo.pk, "funder", "from 2020"]]
    services.save_initiative(
        content=services.InitiativeContent(fields={"title": "Without"}, links=[("Film", "https://example.org/film")]),
        initiative=initiative,
    )
    assert initiative.links.get().kind == Link.Kind.DOCUMENT and not initiative.involvements.exists()

    curator.post(reverse("admin:initiatives_initiative_simple_history", args=[initiative.pk, version.history_id]))
    assert initiative.links.get().kind == Link.Kind.VIDEO
    assert list(initiative.involvements.values_list("organisation__slug", "role", "note")) == [
        ("ilo", "funder", "from 2020")
    ]
