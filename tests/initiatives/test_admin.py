"""The admin: every registered model opens, search, filters, autocomplete, actions and the change form.

Forms are submitted the way a browser would: the rendered form is read back (fields, inlines'
management forms) and posted with the changes a curator makes.
"""

import json
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse
from taggit.models import Tag

from initiatives.models import (
    Category,
    Country,
    GuidingPrinciple,
    Initiative,
    Organisation,
    Region,
    Theme,
)

pytestmark = pytest.mark.django_db

THAMM_TITLE = "Towards a Holistic Approach to Labour Migration Governance and Labour Mobility in North Africa (THAMM)"


@pytest.fixture
def curator(django_user_model):
    """A logged-in superuser's browser (the ``client`` fixture stays an anonymous visitor)."""
    user = django_user_model.objects.create_superuser("curator", "curator@example.org", password=None)
    browser = Client()
    browser.force_login(user)
    return browser


class FormReader(HTMLParser):
    """What a browser would submit from one <form>: named controls with their current values."""

    SKIPPED_TYPES = {"submit", "button", "reset", "file", "image"}

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.in_form = False
        self.fields: list[tuple[str, str]] = []
        self.select: dict | None = None
        self.textarea: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.in_form = attrs.get("id") == self.form_id
            return
        if not self.in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in self.SKIPPED_TYPES:
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.fields.append((name, attrs.get("value") or "on"))
                return
            self.fields.append((name, attrs.get("value") or ""))
        elif tag == "select" and name:
            self.select = {"name": name, "multiple": "multiple" in attrs, "selected": [], "first": None}
        elif tag == "option" and self.select is not None:
            value = attrs.get("value", "")
            if self.select["first"] is None:
                self.select["first"] = value
            if "selected" in attrs:
                self.select["selected"].append(value)
        elif tag == "textarea" and name:
            self.textarea = {"name": name, "text": ""}

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea["text"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "select" and self.select is not None:
            select, self.select = self.select, None
            values = select["selected"]
            if not values and not select["multiple"] and select["first"] is not None:
                values = [select["first"]]
            self.fields.extend((select["name"], value) for value in values)
        elif tag == "textarea" and self.textarea is not None:
            text = self.textarea["text"]
            # The HTML parser keeps the newline that follows <textarea>; browsers drop it.
            self.fields.append((self.textarea["name"], text.removeprefix("\n")))
            self.textarea = None


def read_form(response, form_id: str) -> dict[str, list[str]]:
    reader = FormReader(form_id)
    reader.feed(response.content.decode())
    data: dict[str, list[str]] = {}
    for name, value in reader.fields:
        data.setdefault(name, []).append(value)
    assert data, f"no form #{form_id} in the page"
    return data


def submit(client, url: str, form_id: str, changes: dict, button: str = "_save"):
    """Open ``url``, read the form, apply ``changes`` (a value or a list of values per field) and post it."""
    page = client.get(url)
    assert page.status_code == 200
    data = read_form(page, form_id)
    for name, value in changes.items():
        data[name] = [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]
    data[button] = ["Save"]
    data.pop("csrfmiddlewaretoken", None)
    return client.post(url, data)


def _form_errors(response) -> str:
    context = getattr(response, "context", None)
    if not context or "adminform" not in context:
        return ""
    errors = [context["adminform"].form.errors]
    errors += [formset.formset.errors for formset in context.get("inline_admin_formsets", [])]
    return repr(errors)


# --- every registered model -----------------------------------------------------------------

MODELS = [Initiative, Region, Country, Theme, GuidingPrinciple, Category, Organisation, Tag]


def _admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_superuser_opens_changelist_add_and_change_of_every_model(curator, model):
    assert curator.get(_admin_url(model, "changelist")).status_code == 200
    assert curator.get(_admin_url(model, "add")).status_code == 200
    obj = model.objects.order_by("pk").first()
    assert obj is not None
    assert curator.get(_admin_url(model, "change", obj.pk)).status_code == 200


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_changelist_search_and_facets_do_not_fail(curator, model):
    url = _admin_url(model, "changelist")
    assert curator.get(url, {"q": "a"}).status_code == 200
    assert curator.get(url, {"_facets": "True"}).status_code == 200


def test_changelist_search_finds_thamm(curator):
    response = curator.get(_admin_url(Initiative, "changelist"), {"q": "THAMM"})
    assert response.status_code == 200
    results = list(response.context["cl"].result_list)
    assert [i.slug for i in results] == ["thamm"]
    assert THAMM_TITLE in response.content.decode()


def test_changelist_search_by_organisation(curator):
    response = curator.get(_admin_url(Initiative, "changelist"), {"q": "ODIMM"})
    assert [i.slug for i in response.context["cl"].result_list] == ["pare-1-1"]


def test_changelist_status_filter(curator):
    draft = Initiative.objects.create(
        title="Draft in progress", slug="draft-in-progress", summary="S.", category=Category.objects.first()
    )
    url = _admin_url(Initiative, "changelist")
    published = curator.get(url, {"status__exact": "published"})
    assert published.status_code == 200
    slugs = {i.slug for i in published.context["cl"].result_list}
    assert len(slugs) == 7 and draft.slug not in slugs
    drafts = curator.get(url, {"status__exact": "draft"})
    assert [i.slug for i in drafts.context["cl"].result_list] == [draft.slug]


def test_changelist_filter_by_theme_and_region(curator):
    url = _admin_url(Initiative, "changelist")
    remittances = Theme.objects.get(slug="remittances")
    response = curator.get(url, {"themes__id__exact": remittances.pk})
    assert response.status_code == 200
    assert [i.slug for i in response.context["cl"].result_list] == ["pare-1-1"]
    europe = Region.objects.get(slug="europe")
    response = curator.get(url, {"regions__id__exact": europe.pk})
    assert response.status_code == 200
    assert {i.slug for i in response.context["cl"].result_list} == {"anti-rumour-strategy-handbook", "amicall"}


@pytest.mark.parametrize(
    ("field_name", "term", "expected"),
    [
        ("countries", "mor", "Morocco"),
        ("themes", "remit", "Remittances"),
        ("regions", "europe", "Europe"),
        ("category", "regional", "Regional Consultative Processes"),
        ("principles", "human", "Human rights"),
    ],
)
def test_autocomplete_of_related_fields(curator, field_name, term, expected):
    response = curator.get(
        "/admin/autocomplete/",
        {"app_label": "initiatives", "model_name": "initiative", "field_name": field_name, "term": term},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    data = json.loads(response.content)
    texts = [row["text"] for row in data["results"]]
    assert any(expected in text for text in texts), texts


def test_autocomplete_countries_returns_morocco_with_its_pk(curator):
    response = curator.get(
        "/admin/autocomplete/",
        {"app_label": "initiatives", "model_name": "initiative", "field_name": "countries", "term": "mor"},
    )
    morocco = Country.objects.get(code="ma")
    assert {"id": str(morocco.pk), "text": "Morocco"} in response.json()["results"]


def test_autocomplete_organisation_in_the_involvement_inline(curator):
    response = curator.get(
        "/admin/autocomplete/",
        {"app_label": "initiatives", "model_name": "involvement", "field_name": "organisation", "term": "ILO"},
    )
    assert response.status_code == 200
    assert any("International Labour Organization" in row["text"] for row in response.json()["results"])


# --- actions --------------------------------------------------------------------------------


def _action(client, action, initiatives):
    return client.post(
        _admin_url(Initiative, "changelist"),
        {"action": action, "_selected_action": [i.pk for i in initiatives], "index": 0},
    )


@pytest.mark.parametrize(("action", "status"), [("unpublish", "draft"), ("archive", "archived")])
def test_unpublish_and_archive_actions_take_initiatives_off_the_public_site(curator, client, action, status):
    chosen = list(Initiative.objects.filter(slug__in=["thamm", "amicall"]))
    assert "AMICALL" in client.get("/en/initiatives/").content.decode()
    response = _action(curator, action, chosen)
    assert response.status_code == 302
    assert {i.status for i in Initiative.objects.filter(slug__in=["thamm", "amicall"])} == {status}
    assert Initiative.objects.published().count() == 5
    messages = [str(m) for m in curator.get(response["Location"]).context["messages"]]
    assert any("2 initiatives" in m for m in messages), messages
    listing = client.get("/en/initiatives/")
    assert listing.context["paginator"].count == 5
    html = listing.content.decode()
    assert THAMM_TITLE not in html and "AMICALL" not in html
    assert client.get("/en/initiatives/thamm/").status_code == 404
    assert "AMICALL" not in client.get("/en/initiatives/feed/").content.decode()


def test_publish_action_publishes_drafts_and_republishes_keeping_the_date(curator, client):
    category = Category.objects.first()
    draft = Initiative.objects.create(title="Brand new practice", slug="brand-new", summary="S.", category=category)
    draft.countries.set([Country.objects.get(code="ma")])
    thamm = Initiative.objects.get(slug="thamm")
    first_published = thamm.published_at
    _action(curator, "unpublish", [thamm])
    response = _action(curator, "publish", [draft, thamm])
    assert response.status_code == 302
    draft.refresh_from_db()
    thamm.refresh_from_db()
    assert draft.status == thamm.status == "published"
    assert draft.published_at is not None
    assert thamm.published_at == first_published
    html = client.get("/en/initiatives/").content.decode()
    assert "Brand new practice" in html and THAMM_TITLE in html
    assert client.get("/en/initiatives/brand-new/").status_code == 200
    # Publishing also computes the regions a draft covers through its countries.
    assert "brand-new" in {i.slug for i in client.get("/en/regions/africa/").context["initiatives"]}


# --- the change form ------------------------------------------------------------------------


def test_change_form_has_the_inline_management_forms(curator):
    thamm = Initiative.objects.get(slug="thamm")
    data = read_form(curator.get(_admin_url(Initiative, "change", thamm.pk)), "initiative_form")
    assert data["involvements-TOTAL_FORMS"] == ["8"]  # seven organisations and one extra
    assert data["involvements-INITIAL_FORMS"] == ["7"]
    assert data["links-TOTAL_FORMS"] == ["1"]
    assert data["links-INITIAL_FORMS"] == ["0"]


def test_saving_unchanged_form_changes_nothing_public(curator, client):
    thamm = Initiative.objects.get(slug="thamm")
    before = (thamm.published_at, thamm.status, set(thamm.covered_regions.values_list("pk", flat=True)))
    response = submit(curator, _admin_url(Initiative, "change", thamm.pk), "initiative_form", {})
    assert response.status_code == 302, _form_errors(response)
    thamm.refresh_from_db()
    after = (thamm.published_at, thamm.status, set(thamm.covered_regions.values_list("pk", flat=True)))
    assert after == before
    assert thamm.involvements.count() == 7
    assert set(thamm.tags.names()) == {
        "labour migration",
        "labour mobility",
        "skills recognition",
        "vocational training",
    }


def test_publishing_a_draft_in_the_change_form_stamps_the_date_and_shows_it(curator, client):
    draft = Initiative.objects.create(
        title="Draft from the form",
        slug="draft-from-the-form",
        summary="A practice a curator publishes.",
        category=Category.objects.first(),
    )
    assert client.get("/en/initiatives/draft-from-the-form/").status_code == 404
    ilo = Organisation.objects.get(slug="ilo")
    response = submit(
        curator,
        _admin_url(Initiative, "change", draft.pk),
        "initiative_form",
        {
            "status": "published",
            "countries": [Country.objects.get(code="ma").pk],
            "themes": [Theme.objects.get(slug="remittances").pk],
            "tags": "diaspora, admin-made",
            "involvements-0-organisation": ilo.pk,
            "involvements-0-role": "partner",
            "links-0-title": "Report",
            "links-0-url": "https://example.org/report.pdf",
            "links-0-kind": "document",
        },
    )
    assert response.status_code == 302, _form_errors(response)
    draft.refresh_from_db()
    assert draft.status == "published"
    assert draft.published_at is not None
    assert draft.involvements.get().organisation == ilo
    assert draft.links.get().url == "https://example.org/report.pdf"
    assert set(draft.tags.names()) == {"diaspora", "admin-made"}

    assert "Draft from the form" in client.get("/en/initiatives/").content.decode()
    assert client.get("/en/initiatives/draft-from-the-form/").status_code == 200
    for url in ("/en/regions/africa/", "/en/regions/northern-africa/", "/en/countries/ma/", "/en/themes/remittances/"):
        assert "draft-from-the-form" in {i.slug for i in client.get(url).context["initiatives"]}, url
    assert "Draft from the form" in client.get("/en/initiatives/feed/").content.decode()


def test_adding_a_published_initiative_in_the_add_form(curator, client):
    response = submit(
        curator,
        _admin_url(Initiative, "add"),
        "initiative_form",
        {
            "title_en": "Added through the admin",
            "slug": "added-through-the-admin",
            "summary_en": "Added and published in one step.",
            "category": Category.objects.get(slug="partnerships").pk,
            "regions": [Region.objects.get(slug="oceania").pk],
            "status": "published",
        },
    )
    assert response.status_code == 302, _form_errors(response)
    added = Initiative.objects.get(slug="added-through-the-admin")
    assert added.status == "published" and added.published_at is not None
    assert client.get("/en/initiatives/added-through-the-admin/").status_code == 200
    assert "added-through-the-admin" in {i.slug for i in client.get("/en/regions/oceania/").context["initiatives"]}


def test_saving_with_a_country_updates_the_covered_regions(curator, client):
    eudif = Initiative.objects.get(slug="eudif")  # global: no region, no country
    assert "eudif" not in {i.slug for i in client.get("/en/regions/africa/").context["initiatives"]}
    response = submit(
        curator,
        _admin_url(Initiative, "change", eudif.pk),
        "initiative_form",
        {"countries": [Country.objects.get(code="ma").pk]},
    )
    assert response.status_code == 302, _form_errors(response)
    eudif.refresh_from_db()
    assert eudif.status == "published"
    for url in ("/en/regions/africa/", "/en/regions/northern-africa/", "/en/countries/ma/"):
        assert "eudif" in {i.slug for i in client.get(url).context["initiatives"]}, url
    assert "eudif" in {i.slug for i in client.get("/en/initiatives/?region=africa").context["initiatives"]}


def test_removing_the_countries_removes_the_covered_regions(curator, client):
    pare = Initiative.objects.get(slug="pare-1-1")  # Eastern Europe and Moldova
    assert "pare-1-1" in {i.slug for i in client.get("/en/regions/europe/").context["initiatives"]}
    response = submit(
        curator,
        _admin_url(Initiative, "change", pare.pk),
        "initiative_form",
        {"countries": [], "regions": [Region.objects.get(slug="oceania").pk]},
    )
    assert response.status_code == 302, _form_errors(response)
    assert "pare-1-1" not in {i.slug for i in client.get("/en/regions/europe/").context["initiatives"]}
    assert "pare-1-1" in {i.slug for i in client.get("/en/regions/oceania/").context["initiatives"]}


def test_change_form_rejects_an_end_before_the_start(curator):
    thamm = Initiative.objects.get(slug="thamm")
    response = submit(
        curator,
        _admin_url(Initiative, "change", thamm.pk),
        "initiative_form",
        {"start_date": "2020-01-01", "end_date": "2010-01-01"},
    )
    assert response.status_code == 200  # the form again, with the error
    assert response.context["adminform"].form.errors
    thamm.refresh_from_db()
    assert thamm.end_date.year == 2025


@pytest.mark.parametrize("slug", ["insights", "feed"])
def test_change_form_refuses_the_slug_of_another_page_and_keeps_the_rest(curator, client, slug):
    """/initiatives/insights/ and /initiatives/feed/ are pages of their own (issue 14): an initiative given their
    slug would be unreachable, so the form says so next to the field and keeps what was typed."""
    thamm = Initiative.objects.get(slug="thamm")
    response = submit(
        curator, _admin_url(Initiative, "change", thamm.pk), "initiative_form", {"slug": slug, "acronym_en": "NEW"}
    )
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "is the address of another page" in " ".join(form.errors["slug"])
    assert form["acronym_en"].value() == "NEW"  # what was typed is kept
    thamm.refresh_from_db()
    assert thamm.slug == "thamm" and thamm.acronym != "NEW"
    assert client.get("/en/initiatives/thamm/").status_code == 200
    assert client.get(f"/en/initiatives/{slug}/").status_code == 200  # still the page of its own


# --- who may enter --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/initiatives/initiative/",
        "/admin/initiatives/initiative/add/",
        "/admin/autocomplete/?app_label=initiatives&model_name=initiative&field_name=countries&term=mor",
    ],
)
def test_non_staff_user_is_sent_to_the_login_page(client, django_user_model, url):
    user = django_user_model.objects.create_user("visitor", "visitor@example.org", password=None)
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get("/admin/initiatives/initiative/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")


def test_non_staff_user_cannot_run_actions(client, django_user_model):
    user = django_user_model.objects.create_user("visitor", "visitor@example.org", password=None)
    client.force_login(user)
    thamm = Initiative.objects.get(slug="thamm")
    response = _action(client, "unpublish", [thamm])
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    thamm.refresh_from_db()
    assert thamm.status == "published"


def test_deleting_in_the_admin_updates_the_counts(client, django_user_model):
    from initiatives.models import Initiative

    admin_user = django_user_model.objects.create_superuser("curator-del", "c@example.org", "pw-123456789")
    client.force_login(admin_user)

    def europe():
        return next(region.n for region in client.get("/en/regions/").context["terms"] if region.slug == "europe")

    assert europe() == 4
    pare = Initiative.objects.get(slug="pare-1-1")
    response = client.post(f"/admin/initiatives/initiative/{pare.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert europe() == 3


def test_renaming_a_term_in_the_admin_shows_at_once_in_cached_pages_and_feeds(client, django_user_model):
    from initiatives.models import Theme

    admin_user = django_user_model.objects.create_superuser("curator-ren", "r@example.org", "pw-123456789")
    client.force_login(admin_user)
    assert "Remittances" in client.get("/en/themes/remittances/feed/").content.decode()  # now cached
    theme = Theme.objects.get(slug="remittances")
    response = client.post(
        f"/admin/initiatives/theme/{theme.pk}/change/",
        {
            "name_en": "Remittances and financial inclusion",
            "slug": "remittances",
            "number": 20,
            "title_en": theme.title,
            "description_en": theme.description,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "Remittances and financial inclusion" in client.get("/en/themes/remittances/feed/").content.decode()
