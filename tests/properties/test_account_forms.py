"""The account forms with random and hostile input: never a 5xx; an invalid form comes back with its errors and
what was typed (passwords excepted), and saves nothing."""

from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from hypothesis import event, given
from hypothesis import strategies as st

from tests.properties import examples
from tests.properties.base import PropertyTestCase
from tests.properties.strategies import (
    EXISTING_EMAILS,
    PASSWORD,
    arbitrary_text,
    emails,
    encode,
    field,
    form,
    honorifics,
    hostile_text,
    next_urls,
    passwords,
)

names = st.one_of(st.sampled_from(["Ana Díaz", "Ben Okafor", "Amina Yusuf-Al Hassan"]), arbitrary_text)
organisations = st.one_of(st.sampled_from(["Migration Research Network", "IOM", ""]), arbitrary_text)

SIGN_UP = {
    "name": field(names),
    "honorific": field(honorifics),
    "organisation": field(organisations),
    "email": field(emails),
    "password1": field(passwords),
    "password2": field(passwords),
    "next": field(next_urls),
}
LOGIN = {"username": field(emails), "password": field(passwords), "next": field(next_urls)}
EMAIL_ONLY = {"email": field(emails)}
NEW_PASSWORDS = {"new_password1": field(passwords), "new_password2": field(passwords)}
PASSWORD_CHANGE = {"old_password": field(passwords), **NEW_PASSWORDS}
PROFILE = {"name": field(names), "honorific": field(honorifics), "organisation": field(organisations)}

# Forms posted here, by URL name (test_coverage checks that every URL name is exercised somewhere).
URL_NAMES = {
    "accounts:sign-up",
    "accounts:login",
    "accounts:resend",
    "accounts:password-reset",
    "accounts:password-reset-confirm",
    "accounts:password-change",
    "accounts:account",
    "accounts:logout",
}


def same_passwords(pairs, first: str, second: str, same: bool) -> list:
    """Most people type the same password twice: with ``same``, the second field repeats the first."""
    if not same:
        return pairs
    typed = [value for name, value in pairs if name == first]
    pairs = [(name, value) for name, value in pairs if name != second]
    return pairs + [(second, value) for value in typed]


class AccountFormTests(PropertyTestCase):
    def check_form(self, path: str, pairs, *, kept=(), form_name="form"):
        before = self.snapshot()
        response = self.post(path, pairs)
        invalid = self.form_errors(response, form_name)
        event(f"{response.status_code} {'invalid' if invalid else 'accepted'}")
        if invalid:
            self.assert_kept(response, kept)
            self.assert_nothing_saved(before)
        return response

    @examples(1.0)
    @given(pairs=form(SIGN_UP), same=st.booleans())
    def test_sign_up(self, pairs, same):
        pairs = same_passwords(pairs, "password1", "password2", same)
        self.check_form(reverse("accounts:sign-up"), pairs, kept=("name", "organisation", "email"))

    @examples(1.0)
    @given(
        pairs=form(LOGIN),
        account=st.one_of(st.none(), st.sampled_from(EXISTING_EMAILS), st.sampled_from(EXISTING_EMAILS).map(str.upper)),
        query=st.one_of(st.none(), next_urls, hostile_text),
    )
    def test_login(self, pairs, account, query):
        if account is not None:  # the right address (as typed, any case) and password, with whatever else was drawn
            pairs = [(name, value) for name, value in pairs if name not in ("username", "password")]
            pairs += [("username", account), ("password", PASSWORD)]
        path = reverse("accounts:login")
        if query is not None:
            path += "?" + encode([("next", query)])
        self.check_form(path, pairs, kept=("username",))

    @examples(0.5)
    @given(pairs=form(EMAIL_ONLY))
    def test_resend_verification(self, pairs):
        self.check_form(reverse("accounts:resend"), pairs, kept=("email",))

    @examples(0.5)
    @given(pairs=form(EMAIL_ONLY))
    def test_password_reset_request(self, pairs):
        self.check_form(reverse("accounts:password-reset"), pairs, kept=("email",))

    @examples(0.5)
    @given(pairs=form(NEW_PASSWORDS), same=st.booleans())
    def test_password_reset_confirm(self, pairs, same):
        uid = urlsafe_base64_encode(force_bytes(self.submitter.pk))
        token = default_token_generator.make_token(self.submitter)
        link = reverse("accounts:password-reset-confirm", args=[uid, token])
        response = self.client.get(link)  # Django keeps the token in the session and leads on to a URL without it
        assert response.status_code == 302, response.status_code
        pairs = same_passwords(pairs, "new_password1", "new_password2", same)
        self.check_form(response["Location"], pairs)

    @examples(0.5)
    @given(pairs=form(PASSWORD_CHANGE), same=st.booleans(), right_old=st.booleans())
    def test_password_change(self, pairs, same, right_old):
        self.log_in("submitter")
        pairs = same_passwords(pairs, "new_password1", "new_password2", same)
        if right_old:
            pairs = [(name, value) for name, value in pairs if name != "old_password"] + [("old_password", PASSWORD)]
        self.check_form(reverse("accounts:password-change"), pairs)

    @examples(0.5)
    @given(pairs=form(PROFILE))
    def test_profile(self, pairs):
        self.log_in("submitter")
        self.check_form(reverse("accounts:account"), pairs, kept=("name", "organisation"))

    @examples(0.3)
    @given(pairs=form({"next": field(next_urls)}), who=st.sampled_from(["anonymous", "submitter"]))
    def test_logout(self, pairs, who):
        self.log_in(who)
        self.post(reverse("accounts:logout"), pairs)
