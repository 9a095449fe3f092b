"""A curator's walk through the Django admin in a real browser: log in through the login form, filter and
search the initiatives, add a theme to several in bulk, merge a duplicate organisation into the one kept, and
edit an initiative then revert it from its history. Each step is checked on the page, in the database and on
the public site; the three pages of our own (templates/admin/initiatives/) are checked with axe-core.

tests/initiatives/test_curation.py covers the same services through the Django test client, with every edge case;
this walk is about the pages, their forms, links and JavaScript working together in a browser.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from initiatives.models import Initiative, Involvement, Organisation, SlugRedirect, Theme
from tests.browser.axe import axe_violations, format_violations

USERNAME = "curator"
PASSWORD = "Heron-Lantern-Quarry-58"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """A quick hasher for the curator's password (the default one takes over half a second per hash and check);
    the live server runs in this process, so its login form uses it too."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def assert_accessible(page, name):
    """No serious or critical axe violation on the whole page (the admin's header, breadcrumbs and navigation
    sidebar included: they pass, so the check needs no scoping to our templates' #content)."""
    violations = axe_violations(page)
    assert violations == [], f"{name}:\n{format_violations(violations)}"


def log_in(page, base):
    """Log in as a new superuser through the admin's own login form."""
    get_user_model().objects.create_superuser(USERNAME, "curator@example.org", password=PASSWORD)
    page.goto(base + "/admin/")
    expect(page).to_have_url(re.compile(r"/admin/login/\?next=/admin/$"))
    page.get_by_label("Username:").fill(USERNAME)
    page.get_by_label("Password:").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(base + "/admin/")
    expect(page.locator("#user-tools")).to_contain_text(USERNAME)


def messages(page):
    return page.locator("ul.messagelist li")


def result_rows(page):
    return page.locator("#result_list tbody tr")


def run_action(page, action, titles):
    """Tick the rows of ``titles`` in a changelist, choose ``action`` and run it."""
    for title in titles:
        page.get_by_role("checkbox", name=f"Select this object for an action - {title}", exact=True).check()
    expect(page.locator(".action-counter")).to_contain_text(f"{len(titles)} of")
    page.get_by_label("Action:").select_option(label=action)
    page.get_by_role("button", name="Run", exact=True).click()


def listed_on(page, url):
    """The titles of the initiatives a public listing page shows."""
    page.goto(url)
    return page.locator("article.card .card-title").all_inner_texts()


# --- filter, search, add a theme in bulk ----------------------------------------------------------------------------


def test_filter_search_and_add_a_theme_to_several_initiatives(page, seeded_live_server):
    base = seeded_live_server.url
    remittances = Theme.objects.get(slug="remittances")
    europe = {
        "anti-rumour-strategy-handbook": "The Anti Rumour Strategy (ARS) Handbook",
        "amicall": "Study on attitudes to migrants, communication and local leadership",
    }
    assert not Initiative.objects.filter(slug__in=europe, themes=remittances).exists()
    log_in(page, base)

    page.goto(base + "/admin/initiatives/initiative/")
    expect(result_rows(page)).to_have_count(Initiative.objects.count())

    # A sidebar filter: the initiatives classified under Europe (the region itself, not its sub-regions).
    page.locator("#changelist-filter details[data-filter-title='regions']").get_by_role(
        "link", name="Europe", exact=True
    ).click()
    expect(page).to_have_url(re.compile(r"[?&]regions__id__exact=\d+"))
    expect(result_rows(page)).to_have_count(2)
    for title in europe.values():
        expect(page.locator("#result_list")).to_contain_text(title)

    # The search box, within the filter: the organisations are searched too (Barcelona City Council).
    page.get_by_role("textbox", name="Search").fill("Barcelona")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"[?&]q=Barcelona"))
    expect(page).to_have_url(re.compile(r"[?&]regions__id__exact=\d+"))
    expect(result_rows(page)).to_have_count(1)
    expect(result_rows(page)).to_contain_text(europe["anti-rumour-strategy-handbook"])

    # Clear the search; the filter stays.
    page.get_by_role("textbox", name="Search").fill("")
    page.get_by_role("button", name="Search").click()
    expect(result_rows(page)).to_have_count(2)

    # Both, to the bulk action: the intermediate page asks which theme.
    run_action(page, "Add a theme to selected initiatives", europe.values())
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a theme to selected initiatives")
    expect(page.locator("#content")).to_contain_text("This changes 2 initiatives:")
    for title in europe.values():
        expect(page.locator("#content li").filter(has_text=title)).to_have_count(1)
    assert not Initiative.objects.filter(slug__in=europe, themes=remittances).exists()  # nothing yet
    assert_accessible(page, "bulk term page")
    page.get_by_label("Theme:").select_option(label=str(remittances))
    page.get_by_role("button", name="Add to these initiatives").click()

    expect(page).to_have_url(re.compile(r"/admin/initiatives/initiative/\?"))  # back to the filtered list
    expect(messages(page)).to_have_text([f"Theme “{remittances}” added to 2 initiatives."])
    expect(page.locator("#result_list")).to_contain_text("16, 17, 20")
    assert set(Initiative.objects.filter(themes=remittances).values_list("slug", flat=True)) == {*europe, "pare-1-1"}
    for slug in europe:
        version = Initiative.objects.get(slug=slug).history.first()
        assert version.history_user.username == USERNAME
        assert version.history_change_reason == f"Added theme “{remittances}”"

    listed = listed_on(page, base + "/en/themes/remittances/")
    assert set(europe.values()) <= set(listed), listed


# --- merge a duplicate organisation ---------------------------------------------------------------------------------


def test_merge_a_duplicate_organisation_into_the_one_kept(page, seeded_live_server):
    base = seeded_live_server.url
    ilo = Organisation.objects.get(slug="ilo")
    eudif = Initiative.objects.get(slug="eudif")
    assert not eudif.organisations.filter(pk=ilo.pk).exists()
    log_in(page, base)

    # A curator (or an import) added the same organisation again, under another spelling.
    page.goto(base + "/admin/initiatives/organisation/add/")
    page.get_by_label("Name [en]:").press_sequentially("International Labour Organisation")  # typed: the slug follows
    expect(page.get_by_label("Slug:")).to_have_value("international-labour-organisation")  # prepopulated
    page.get_by_role("button", name="Save", exact=True).click()
    expect(messages(page)).to_contain_text(["was added successfully"])
    duplicate = Organisation.objects.get(slug="international-labour-organisation")
    Involvement.objects.create(initiative=eudif, organisation=duplicate, role=Involvement.Role.PARTNER)

    page.get_by_role("textbox", name="Search").fill("Labour Organi")
    page.get_by_role("button", name="Search").click()
    expect(result_rows(page)).to_have_count(2)
    run_action(page, "Merge selected terms into one", [str(ilo), str(duplicate)])

    expect(page.get_by_role("heading", level=1)).to_have_text("Merge organisations")
    keep = page.get_by_role("radio", name=re.compile(rf"^{re.escape(str(ilo))} \(ilo; \d+ initiatives\)"))
    expect(page.get_by_role("radio")).to_have_count(2)
    expect(
        page.get_by_role("radio", name=re.compile(r"\(international-labour-organisation; 1 initiative\)"))
    ).to_be_visible()
    assert_accessible(page, "merge page")
    keep.check()
    page.get_by_role("button", name="Merge", exact=True).click()

    expect(messages(page)).to_have_text([f"Merged into “{ilo}”: 1 initiative moved; the old addresses redirect to it."])
    expect(result_rows(page)).to_have_count(1)
    expect(result_rows(page)).to_contain_text(ilo.name)
    assert not Organisation.objects.filter(pk=duplicate.pk).exists()
    assert eudif.involvements.filter(organisation=ilo, role=Involvement.Role.PARTNER).exists()
    assert SlugRedirect.objects.filter(kind="organisation", old_slug=duplicate.slug, target_id=ilo.pk).exists()

    # The duplicate's address now lands, permanently, on the survivor's page, which lists the moved initiative.
    response = page.goto(base + "/en/organisations/international-labour-organisation/")
    assert response.request.redirected_from.response().status == 301
    assert page.url == base + "/en/organisations/ilo/"
    assert response.status == 200
    expect(page.get_by_role("link", name=eudif.title)).to_be_visible()
    page.get_by_role("link", name=eudif.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(eudif.title)
    expect(page.get_by_role("link", name=str(ilo), exact=True)).to_have_attribute("href", "/en/organisations/ilo/")


# --- edit, history, revert ------------------------------------------------------------------------------------------


def test_edit_an_initiative_then_revert_it_from_its_history(page, seeded_live_server):
    base = seeded_live_server.url
    ars = Initiative.objects.get(slug="anti-rumour-strategy-handbook")
    old_title, new_title = ars.title, "Anti-rumour strategies for cities: a handbook"
    old_tags = set(ars.tags.names())
    log_in(page, base)

    page.goto(base + "/admin/initiatives/initiative/")
    page.get_by_role("link", name=old_title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change initiative")
    page.get_by_label("Title [en]:", exact=True).fill(new_title)
    tags = page.get_by_label("Tags:", exact=True)
    tags.fill(tags.input_value() + ", intercultural cities")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(messages(page)).to_contain_text([f"“{new_title}” was changed successfully"])
    ars.refresh_from_db()
    assert (ars.title, ars.slug) == (new_title, "anti-rumour-strategy-handbook")  # the address stays
    assert set(ars.tags.names()) == old_tags | {"intercultural cities"}
    edited = ars.history.first()
    assert (edited.history_user.username, edited.history_change_reason) == (USERNAME, "Changed in the admin")

    # The history: the change, who made it, the old and the new title.
    messages(page).get_by_role("link", name=new_title).click()
    page.locator("#content .object-tools").get_by_role("link", name="History").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Change history: {new_title}")
    versions = page.locator("#change-history tbody tr")
    expect(versions).to_have_count(ars.history.count())
    newest = versions.first
    expect(newest.locator("td").first).to_have_text(new_title)
    expect(newest).to_contain_text(USERNAME)
    expect(newest).to_contain_text("Changed in the admin")
    changes = newest.locator("td").last
    expect(changes).to_contain_text(old_title)
    expect(changes).to_contain_text(new_title)
    expect(changes).to_contain_text("intercultural cities")

    # The version before: its link (first column) opens the revert page.
    versions.nth(1).get_by_role("link", name=old_title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Revert “{new_title}”")
    table = page.locator("#revert-changes")

    def row(field):
        return table.get_by_role("row").filter(has=page.get_by_role("rowheader", name=field, exact=True))

    expect(row("Title [en]").get_by_role("cell")).to_have_text([new_title, old_title])  # now, after the revert
    expect(row("Tags").get_by_role("cell").first).to_contain_text("intercultural cities")
    expect(row("Tags").get_by_role("cell").last).not_to_contain_text("intercultural cities")
    assert_accessible(page, "revert page")
    page.get_by_role("button", name="Revert to this version").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Change history: {old_title}")
    expect(messages(page)).to_contain_text([f"“{new_title}” is back to its version of"])
    expect(versions.first).to_contain_text("Reverted to the version of")
    ars.refresh_from_db()
    assert ars.title == old_title
    assert set(ars.tags.names()) == old_tags
    reverted = ars.history.first()
    assert reverted.history_user.username == USERNAME
    assert reverted.history_change_reason.startswith("Reverted to the version of")
    expect(versions.first.locator("td").first).to_have_text(old_title)

    page.goto(base + "/en/initiatives/anti-rumour-strategy-handbook/")
    expect(page.get_by_role("heading", level=1)).to_have_text(old_title)
