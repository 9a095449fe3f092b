"""What a CDN or a reverse proxy may keep (initiatives/http_cache.py): anonymous pages, feeds and API answers are
public for a while, validated by ETag, varied correctly and tagged with the keys a publication purges; nothing
personal is ever public. And a publication leaves warm what it does not touch (initiatives/dependencies.py)."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from initiatives import services
from initiatives.models import Country, Initiative, Region, Theme
from initiatives.signals import collection_changed
from tests.factories import make_initiative

pytestmark = [pytest.mark.django_db, pytest.mark.any_database]

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

# Every kind of answer a CDN may keep, with the kind its Surrogate-Key names.
SHARED = {
    "/en/": "html",
    "/en/initiatives/": "html",
    "/en/initiatives/?theme=remittances&q=diaspora": "html",
    "/en/initiatives/insights/": "html",
    "/en/initiatives/thamm/": "html",
    "/en/themes/": "html",
    "/en/regions/": "html",
    "/en/themes/remittances/": "html",
    "/en/regions/europe/": "html",
    "/en/countries/md/": "html",
    "/en/initiatives/feed/": "feed",
    "/en/themes/remittances/feed/atom/": "feed",
    "/api/initiatives/?theme=remittances": "api",
    "/api/initiatives/thamm/": "api",
    "/api/themes/": "api",
    "/api/themes/remittances/": "api",
}


def keys(response) -> set[str]:
    return set(response["Surrogate-Key"].split())


def assert_public(response, settings, kind: str):
    cache_control = response["Cache-Control"]
    assert "public" in cache_control and "private" not in cache_control, cache_control
    assert f"s-maxage={settings.HTTP_CACHE_S_MAXAGE}" in cache_control
    assert f"stale-while-revalidate={settings.HTTP_CACHE_STALE_WHILE_REVALIDATE}" in cache_control
    assert response.has_header("ETag")
    assert {kind, "all"} <= keys(response)
    if kind == "html":
        assert "Cookie" in response["Vary"]
        assert "Accept-Language" not in response.get("Vary", "")  # the language is in the address


def assert_private(response):
    cache_control = response.get("Cache-Control", "")
    assert "public" not in cache_control and "s-maxage" not in cache_control, cache_control
    assert "no-store" in cache_control, cache_control  # (with private, unless no-store was there already)
    assert not response.has_header("Surrogate-Key")


@pytest.fixture
def account(django_user_model):
    return django_user_model.objects.create_user("reader", "reader@example.org", "pw-123456789")


@pytest.mark.parametrize(("url", "kind"), SHARED.items())
def test_anonymous_answers_are_public_with_etag_and_keys_and_304(client, settings, url, kind):
    first = client.get(url)
    assert first.status_code == 200
    assert_public(first, settings, kind)
    again = client.get(url)  # served from the server's cache (or computed again): the same validator
    assert again["ETag"] == first["ETag"]
    not_modified = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert not_modified["Surrogate-Key"] == first["Surrogate-Key"]
    assert "public" in not_modified["Cache-Control"]
    assert client.get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def test_the_page_about_a_feed_is_public_html_varied_on_accept(client, settings):
    response = client.get("/en/themes/remittances/feed/", HTTP_ACCEPT=BROWSER_ACCEPT)
    assert response["Content-Type"].startswith("text/html")
    assert_public(response, settings, "html")
    assert "Accept" in response["Vary"]


@pytest.mark.parametrize("url", [url for url, kind in SHARED.items() if not url.startswith("/api/")])
def test_the_same_address_logged_in_is_private(client, account, url):
    client.force_login(account)
    response = client.get(url)
    assert response.status_code == 200
    assert_private(response)


def test_the_api_reads_no_session_so_logged_in_is_the_same_public_answer(client, account, settings):
    """The API uses no cookies (api/language.py): its answer is everyone's, logged in or not."""
    anonymous = client.get("/api/initiatives/thamm/")
    client.force_login(account)
    logged_in = client.get("/api/initiatives/thamm/")
    assert logged_in.content == anonymous.content
    assert_public(logged_in, settings, "api")


@pytest.mark.parametrize(
    "url",
    [
        "/en/accounts/login/",  # a form with a CSRF token (and its cookie)
        "/en/accounts/sign-up/",
        "/en/subscribe/?theme=remittances",
    ],
)
def test_forms_with_a_csrf_token_are_private(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "csrfmiddlewaretoken" in response.content.decode()
    assert_private(response)


def test_the_account_page_admin_and_moderation_are_private(client, account, django_user_model):
    client.force_login(account)
    assert_private(client.get("/en/accounts/"))
    curator = django_user_model.objects.create_superuser("curator", "c@example.org", "pw-123456789")
    client.force_login(curator)
    assert_private(client.get("/admin/"))
    assert_private(client.get("/admin/initiatives/initiative/"))


def test_a_page_showing_a_message_is_private(client, account):
    client.force_login(account)
    client.post("/en/accounts/logout/")  # "You are logged out." waits for the next page
    response = client.get("/en/initiatives/")
    assert "You are logged out" in response.content.decode()
    assert_private(response)
    # The neighbour: the same page for a visitor with no message (and no cookie to delete) is public.
    assert "public" in Client().get("/en/initiatives/")["Cache-Control"]


def test_post_answers_and_errors_are_never_public(client):
    assert_private(client.post("/en/initiatives/"))  # 405
    assert_private(client.post("/en/subscribe/", {"email": "x"}))
    assert_private(client.get("/en/initiatives/no-such-initiative/"))  # 404
    assert_private(client.get("/api/initiatives/?theme=bogus"))  # 400
    assert_private(client.get("/api/initiatives/no-such-initiative/"))  # 404


def test_a_refused_computation_429_is_never_public(client, settings):
    settings.ANONYMOUS_CACHE_MISSES_PER_MINUTE = 1
    client.get("/en/initiatives/?theme=remittances")
    refused = client.get("/en/initiatives/?theme=diaspora-contributions")
    assert refused.status_code == 429
    assert_private(refused)


# --- keys ----------------------------------------------------------------------------------------------------------


def test_a_detail_page_depends_on_its_initiative_and_its_neighbours_not_the_collection(client):
    thamm = Initiative.objects.get(slug="thamm")
    found = keys(client.get("/en/initiatives/thamm/"))
    assert f"initiative:{thamm.pk}" in found
    assert "collection" not in found
    # Its related initiatives are ranked by shared themes and regions: those terms, and the initiatives shown.
    assert {f"theme:{theme.pk}" for theme in thamm.themes.all()} <= found
    assert keys(client.get("/api/initiatives/thamm/")) == {"api", "all", f"initiative:{thamm.pk}"}


def test_term_pages_depend_on_their_term_and_listings_on_the_collection(client):
    remittances = Theme.objects.get(slug="remittances")
    assert keys(client.get("/en/themes/remittances/")) == {"html", "all", f"theme:{remittances.pk}"}
    assert keys(client.get("/en/themes/remittances/feed/")) == {"feed", "all", f"theme:{remittances.pk}"}
    europe = Region.objects.get(slug="europe")
    assert keys(client.get("/en/regions/europe/")) == {"html", "all", f"region:{europe.pk}"}
    moldova = Country.objects.get(code="md")
    assert keys(client.get("/en/countries/md/")) == {"html", "all", f"country:{moldova.pk}", f"partner:{moldova.pk}"}
    # A listing filtered by a theme counts its theme facet without that filter: the whole collection.
    assert "collection" in keys(client.get("/en/initiatives/?theme=remittances"))
    assert "collection" in keys(client.get("/en/"))
    assert "collection" in keys(client.get("/en/themes/"))


def test_too_many_keys_give_way_to_collection(client, settings):
    settings.SURROGATE_KEY_MAX_LENGTH = 20
    assert keys(client.get("/en/initiatives/thamm/")) == {"html", "all", "collection"}


# --- a publication leaves warm what it does not touch ------------------------------------------------------------


def elsewhere() -> dict:
    """Terms thamm (and the pages that stay warm) do not have: where the publication goes."""
    thamm = Initiative.objects.get(slug="thamm")
    theme = Theme.objects.exclude(pk__in=thamm.themes.all()).exclude(initiatives__isnull=False).first()
    return {"themes": [theme.slug], "regions": ["caribbean"]}


def test_a_publication_leaves_other_detail_and_term_pages_warm(client, django_assert_num_queries):
    thamm = Initiative.objects.get(slug="thamm")
    detail, term, listing = "/en/initiatives/thamm/", "/en/themes/remittances/", "/en/initiatives/"
    warm = {url: client.get(url) for url in (detail, term, listing)}
    where = elsewhere()
    published = make_initiative(title="Somewhere else entirely", **where)
    assert not set(published.themes.all()) & set(thamm.themes.all())
    for url in (detail, term):
        with django_assert_num_queries(0):  # served from the server's cache, as before the publication
            again = client.get(url)
        assert again["ETag"] == warm[url]["ETag"]
    # The neighbour: the listing shows the publication, computed again; and the new theme's page has it.
    after = client.get(listing)
    assert after["ETag"] != warm[listing]["ETag"]
    assert "Somewhere else entirely" in after.content.decode()
    assert "Somewhere else entirely" in client.get(f"/en/themes/{where['themes'][0]}/").content.decode()


def test_a_publication_under_a_term_makes_its_page_cold(client):
    before = client.get("/en/themes/remittances/")
    make_initiative(title="More remittances", themes=["remittances"])
    after = client.get("/en/themes/remittances/", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert "More remittances" in after.content.decode()


# --- what a change announces -------------------------------------------------------------------------------------


@pytest.fixture
def announced():
    """The keys of every collection_changed sent (after commit)."""
    sent: list[frozenset] = []

    def receiver(sender, keys, **kwargs):
        sent.append(keys)

    collection_changed.connect(receiver)
    yield sent
    collection_changed.disconnect(receiver)


def term_keys(initiative) -> set[str]:
    return {f"theme:{t.pk}" for t in initiative.themes.all()} | {
        f"region:{r.pk}" for r in initiative.covered_regions.all()
    }


def test_publishing_announces_the_initiative_its_terms_and_collection(announced, django_capture_on_commit_callbacks):
    draft = make_initiative(title="Draft", publish=False, themes=["remittances"], regions=["europe"])
    announced.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_initiative(initiative=draft)
    assert len(announced) == 1  # once per transaction
    assert {f"initiative:{draft.pk}", "collection", *term_keys(draft)} <= announced[0]
    assert f"category:{draft.category_id}" in announced[0]
    assert "all" not in announced[0]


def test_unpublishing_announces_what_it_was_filed_under(announced, django_capture_on_commit_callbacks):
    pare = Initiative.objects.get(slug="pare-1-1")
    expected = {f"initiative:{pare.pk}", "collection", *term_keys(pare)}
    moldova = Country.objects.get(code="md")
    with django_capture_on_commit_callbacks(execute=True):
        services.unpublish_initiative(initiative=pare)
    assert len(announced) == 1
    assert expected | {f"country:{moldova.pk}"} <= announced[0]


def test_re_filing_announces_the_old_and_the_new_terms(announced, django_capture_on_commit_callbacks):
    pare = Initiative.objects.get(slug="pare-1-1")
    old = pare.themes.first()
    new = Theme.objects.exclude(pk__in=pare.themes.all()).first()
    with django_capture_on_commit_callbacks(execute=True):
        services.change_classification(initiatives=[pare], facet="theme", term=old, add=False)
        services.change_classification(initiatives=[pare], facet="theme", term=new, add=True)
    assert {f"theme:{old.pk}", f"theme:{new.pk}", f"initiative:{pare.pk}", "collection"} <= set().union(*announced)


def test_a_draft_s_change_announces_only_itself(announced, django_capture_on_commit_callbacks):
    draft = make_initiative(title="Quiet draft", publish=False, themes=["remittances"])
    announced.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.archive_initiative(initiative=draft)
    assert announced == [frozenset({f"initiative:{draft.pk}"})]


def test_renaming_a_term_announces_everything(client, announced, django_capture_on_commit_callbacks):
    curator = get_user_model().objects.create_superuser("curator-ren", "r@example.org", "pw-123456789")
    theme = Theme.objects.get(slug="remittances")
    before = Client().get("/en/themes/remittances/")
    client.force_login(curator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/initiatives/theme/{theme.pk}/change/",
            {
                "name_en": "Remittances renamed",
                "slug": "remittances",
                "number": theme.number,
                "title_en": theme.title,
                "description_en": theme.description,
            },
        )
    assert response.status_code == 302
    assert frozenset({"all"}) in announced
    after = Client().get("/en/themes/remittances/", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200 and "Remittances renamed" in after.content.decode()
