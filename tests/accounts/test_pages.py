"""Every account page answers anonymous visitors (or sends them to log in), and hostile input never breaks one."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.models import Profile
from tests.accounts.factories import PASSWORD, sign_up_data

pytestmark = pytest.mark.django_db

PUBLIC = [
    "accounts:sign-up",
    "accounts:verify-sent",
    "accounts:resend",
    "accounts:login",
    "accounts:password-reset",
    "accounts:password-reset-done",
    "accounts:password-reset-complete",
]
LOGIN_REQUIRED = ["accounts:account", "accounts:password-change", "accounts:password-change-done"]

SCRIPT = "<script>alert(1)</script>"
NUL = "ana\x00diaz"
LONG = "x" * 100_000


@pytest.mark.parametrize("name", PUBLIC)
def test_public_pages_answer_anonymous_visitors(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>" in html
    assert "<script>" not in html.split("</main>")[0]  # no inline scripts


@pytest.mark.parametrize("name", LOGIN_REQUIRED)
def test_private_pages_send_anonymous_visitors_to_log_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login") + "?next=")


@pytest.mark.parametrize("name", LOGIN_REQUIRED)
def test_private_pages_answer_the_logged_in(client, account, name):
    client.force_login(account)
    assert client.get(reverse(name)).status_code == 200


def test_browsing_never_needs_an_account(client):
    for path in ["/en/", "/en/initiatives/", "/en/regions/", "/en/themes/"]:
        assert client.get(path).status_code == 200, path


HOSTILE_POSTS = {
    "accounts:sign-up": ["name", "honorific", "organisation", "email", "password1", "password2", "next"],
    "accounts:login": ["username", "password", "next"],
    "accounts:resend": ["email"],
    "accounts:password-reset": ["email"],
}


@pytest.mark.parametrize(
    "value", [SCRIPT, NUL, LONG, "ana@exa\x00mple.org"], ids=["script", "nul", "long", "nul-address"]
)
@pytest.mark.parametrize("name", list(HOSTILE_POSTS))
def test_hostile_posts_never_fail(client, account, mailoutbox, name, value):
    data = dict.fromkeys(HOSTILE_POSTS[name], value)
    response = client.post(reverse(name), data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        html = response.content.decode()
        assert SCRIPT not in html
    assert mailoutbox == []


@pytest.mark.parametrize("name", list(HOSTILE_POSTS))
def test_bytes_that_are_not_utf8_never_fail(client, mailoutbox, name):
    body = "&".join(f"{field}=%FF%FE%ED%A0%80" for field in HOSTILE_POSTS[name])
    response = client.post(reverse(name), body, content_type="application/x-www-form-urlencoded")
    assert response.status_code in (200, 302)
    assert mailoutbox == []


@pytest.mark.parametrize("value", [SCRIPT, NUL, LONG], ids=["script", "nul", "long"])
def test_hostile_profile_changes_never_fail(client, account, value):
    client.force_login(account)
    response = client.post(reverse("accounts:account"), {"name": value, "honorific": value, "organisation": value})
    assert response.status_code == 200
    assert response.context["form"].errors
    html = response.content.decode()
    assert SCRIPT not in html
    if value == SCRIPT:
        assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in html  # kept, escaped


def test_hostile_query_strings_never_fail(client, account):
    for name in PUBLIC:
        for query in ["next=%00", "next=" + "x" * 5000, "next=%3Cscript%3E", "next=http://[::1", "email=%00"]:
            response = client.get(f"{reverse(name)}?{query}")
            assert response.status_code == 200, (name, query)
            assert "<script>" not in response.content.decode().split("</main>")[0]
    client.force_login(account)
    assert client.get(f"{reverse('accounts:login')}?next=%00")["Location"]


def test_a_name_with_markup_is_stored_as_text_and_escaped_everywhere(client, mailoutbox):
    """A name is plain text: "<script>" is a (strange) name, shown escaped on pages and in the HTML e-mail."""
    response = client.post(reverse("accounts:sign-up"), sign_up_data(name=SCRIPT, organisation='"><b>Org</b>'))
    assert response.status_code == 302
    user = get_user_model().objects.get()
    assert user.first_name == SCRIPT
    assert Profile.objects.get().organisation == '"><b>Org</b>'

    message = mailoutbox[0]
    # The verification e-mail goes to an address nobody has proved: it quotes nothing typed at sign-up.
    assert message.body.startswith("Hello,\n")
    html_body = message.alternatives[0][0]
    assert "script" not in message.body and "script" not in html_body

    user.is_active = True
    user.save()
    client.force_login(user)
    page = client.get(reverse("accounts:account")).content.decode()
    assert SCRIPT not in page
    assert "<b>Org</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_hostile_login_next_with_a_real_login(client, account):
    response = client.post(
        reverse("accounts:login"), {"username": account.email, "password": PASSWORD, "next": f"/{SCRIPT}"}
    )
    assert response.status_code == 302
