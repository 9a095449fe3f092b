"""Issue 13 (orgs): the "Contact the implementer" form and its verification link with random and hostile input.
Never a 5xx; an invalid form answers 400 (or 429) with what was typed, and stores and sends nothing; a damaged
link sends nothing."""

from django.core import mail
from django.urls import reverse
from hypothesis import event, given
from hypothesis import strategies as st

from contact import tokens
from contact.models import ContactMessage
from initiatives.models import Initiative
from tests.properties import examples
from tests.properties.base import PropertyTestCase
from tests.properties.strategies import arbitrary_text, emails, field, form, hostile_value, long_text, segment

texts = st.one_of(arbitrary_text, long_text, st.just("Could you share the evaluation report?"))
CONTACT = {
    "sender_name": field(st.one_of(arbitrary_text, st.just("Jo Researcher"))),
    "sender_email": field(emails),
    "subject": field(texts),
    "message": field(texts),
    "homepage": field(st.sampled_from(["", "", "", "http://spam.example"])),
}
TOKEN_CHANGES = {
    "cut": lambda token: token[:-1],
    "halved": lambda token: token[: len(token) // 2],
    "upper case": str.upper,
    "reversed": lambda token: token[::-1],
    "with more": lambda token: token + ":x",
}
slugs = st.one_of(st.sampled_from(["thamm", "thamm", "no-such-initiative"]), hostile_value)

URL_NAMES = {"contact:form", "contact:sent", "contact:verify"}


class ContactFormTests(PropertyTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        Initiative.objects.filter(slug="thamm").update(contact_email="contact@thamm.example")
        cls.message = ContactMessage.objects.create(
            initiative=Initiative.objects.get(slug="thamm"),
            sender_name="Jo",
            sender_email="jo@example.org",
            message="Hello",
        )
        cls.token = tokens.make_token(cls.message)

    def contact_snapshot(self):
        return list(ContactMessage.objects.order_by("pk").values_list("pk", "relayed_at")), len(mail.outbox)

    @examples(1.0)
    @given(pairs=form(CONTACT), slug=slugs)
    def test_contact_form(self, pairs, slug):
        before = self.contact_snapshot()
        path = reverse("contact:form", args=["sentinel"]).replace("sentinel", segment(slug))
        response = self.post(path, pairs)
        event(str(response.status_code))
        if response.status_code in (400, 429) and self.form_errors(response, "form"):
            self.assert_kept(response, ["sender_name", "sender_email", "subject"])
            assert self.contact_snapshot() == before

    @examples(0.3)
    @given(slug=slugs)
    def test_sent(self, slug):
        path = reverse("contact:sent", args=["sentinel"]).replace("sentinel", segment(slug))
        self.assert_no_server_error(self.client.get(path), path)

    @examples(0.5)
    @given(token=st.one_of(st.sampled_from(sorted(TOKEN_CHANGES)), hostile_value))
    def test_verify_with_a_damaged_link_sends_nothing(self, token):
        if isinstance(token, str) and token in TOKEN_CHANGES:
            token = TOKEN_CHANGES[token](self.token)
        before = self.contact_snapshot()
        path = reverse("contact:verify", args=["sentinel"]).replace("sentinel", segment(token))
        self.post(path, [])
        assert self.contact_snapshot() == before
