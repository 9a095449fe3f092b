"""The subscription forms with random and hostile input: subscribe (to any listing's query string), manage,
unsubscribe and confirm. Never a 5xx; an invalid form answers 400 with what was typed, and saves nothing."""

from django.urls import reverse
from django.utils import timezone
from hypothesis import event, given
from hypothesis import strategies as st

from subscriptions import tokens
from subscriptions.forms import ManageForm
from subscriptions.models import Subscription
from tests.properties import examples
from tests.properties.base import PropertyTestCase
from tests.properties.strategies import (
    LISTING,
    emails,
    encode,
    field,
    form,
    hostile_value,
    parameters,
    segment,
)

frequencies = st.sampled_from(Subscription.Frequency.values)
queries = st.one_of(
    st.sampled_from(["", "theme=remittances", "region=europe&q=migration", "country=MD&year_from=2015&page=2"]),
    parameters(LISTING, max_size=4).map(encode),
)
SUBSCRIBE = {"email": field(emails), "frequency": field(frequencies)}
languages = st.sampled_from(["en", "fr", "es", "ar"])
MANAGE = {
    "action": field(st.sampled_from(ManageForm.ACTIONS)),
    "frequency": field(frequencies),
    "language": field(languages),
}
ANYTHING = {"List-Unsubscribe": field(st.just("One-Click")), "frequency": field(frequencies)}

URL_NAMES = {"subscriptions:subscribe", "subscriptions:manage", "subscriptions:unsubscribe", "subscriptions:confirm"}


# How a token gets damaged on its way (a mail client cutting a line, a person copying half of it…).
TOKEN_CHANGES = {
    "as it is": lambda token: token,
    "cut": lambda token: token[:-1],
    "halved": lambda token: token[: len(token) // 2],
    "upper case": str.upper,
    "reversed": lambda token: token[::-1],
    "with more": lambda token: token + ":x",
    "twice": lambda token: f"{token}:{token}",
}


def token_or_not(*names: str):
    """A real token (from ``setUpTestData``) as it is or damaged, or anything at all."""
    real_tokens = st.tuples(st.sampled_from(names), st.sampled_from(sorted(TOKEN_CHANGES)))
    return st.one_of(real_tokens, real_tokens, hostile_value)


class SubscriptionFormTests(PropertyTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        now = timezone.now()
        cls.pending = Subscription.objects.create(
            email="ana@example.org", query="theme=remittances", label="Remittances"
        )
        cls.active = Subscription.objects.create(
            email="ben@example.org",
            query="region=europe",
            label="Europe",
            status=Subscription.Status.ACTIVE,
            confirmed_at=now,
            since=now,
        )
        Subscription.objects.create(
            email="ben@example.org",
            query="theme=remittances",
            label="Remittances",
            status=Subscription.Status.PAUSED,
            confirmed_at=now,
            since=now,
        )
        cls.tokens = {
            "confirm": tokens.make_token(cls.pending, tokens.CONFIRM, frequency="weekly"),
            "manage": tokens.make_token(cls.active, tokens.MANAGE),
            "manage-pending": tokens.make_token(cls.pending, tokens.MANAGE),
            "unsubscribe": tokens.make_token(cls.active, tokens.UNSUBSCRIBE, also=[cls.pending]),
        }

    def path(self, name: str, token) -> str:
        """The URL ``name`` with ``token``: a real token's name and a change to it, or any value at all."""
        if isinstance(token, tuple):
            real, change = token
            token = TOKEN_CHANGES[change](self.tokens[real])
        return reverse(name, args=["sentinel-token"]).replace("sentinel-token", segment(token))

    @examples(1.0)
    @given(pairs=form(SUBSCRIBE), query=queries, who=st.sampled_from(["anonymous", "anonymous", "submitter"]))
    def test_subscribe(self, pairs, query, who):
        self.log_in(who)
        before = self.snapshot()
        path = reverse("subscriptions:subscribe") + (f"?{query}" if query else "")
        response = self.post(path, pairs)
        event(f"{who} {response.status_code}")
        if response.status_code in (400, 429) and self.form_errors(response, "form"):
            self.assert_kept(response, ["email"] if who == "anonymous" else [])  # one click: no address to type
            self.assert_nothing_saved(before)

    @examples(0.5)
    @given(pairs=form(MANAGE), token=token_or_not("manage", "manage-pending", "unsubscribe"))
    def test_manage(self, pairs, token):
        before = self.snapshot()
        response = self.post(self.path("subscriptions:manage", token), pairs)
        event(str(response.status_code))
        if response.status_code == 400:
            self.assert_nothing_saved(before)

    @examples(0.3)
    @given(pairs=form(ANYTHING), token=token_or_not("unsubscribe", "manage"))
    def test_unsubscribe(self, pairs, token):
        self.post(self.path("subscriptions:unsubscribe", token), pairs)

    @examples(0.3)
    @given(pairs=form(ANYTHING), token=token_or_not("confirm", "unsubscribe"))
    def test_confirm(self, pairs, token):
        self.post(self.path("subscriptions:confirm", token), pairs)
