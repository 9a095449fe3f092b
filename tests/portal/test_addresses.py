"""``canonical_email``: one form per mailbox the portal writes to, look-alikes kept apart, never an exception but
``ValueError`` for what is no address."""

import pytest
from django.core.validators import validate_email
from django.utils.crypto import salted_hmac
from django.utils.encoding import punycode
from hypothesis import given
from hypothesis import strategies as st

from portal.addresses import MAX_LENGTH, canonical_email
from subscriptions.tokens import email_digest


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        (" Ana.Diaz@Example.ORG ", "ana.diaz@example.org"),
        ("victim@gmaıl.com", "victim@gmaıl.com"),  # ı stays: xn--gmal-nza.com is another domain
        ("ſam@gmail.com", "ſam@gmail.com"),  # ſ stays in the local part: str.lower(), not NFKC or casefold
        ("x@gmaſl.com", "x@gmasl.com"),  # where Django's mail backends send it (IDNA maps ſ to s)
        ("x@ｇmail.com", "x@gmail.com"),  # likewise full-width letters
        ("x@BÜCHER.de", "x@bücher.de"),
        ("x@xn--bcher-kva.de", "x@bücher.de"),  # the ASCII spelling of the same domain
        ("x@bu\u0308cher.de", "x@bücher.de"),  # a decomposed ü
    ],
)
def test_canonical_forms(typed, canonical):
    assert canonical_email(typed) == canonical


@pytest.mark.parametrize(
    ("one", "other"), [("victim@gmail.com", "victim@gmaıl.com"), ("sam@gmail.com", "ſam@gmail.com")]
)
def test_lookalikes_stay_apart(one, other):
    assert canonical_email(one) != canonical_email(other)
    assert one.upper() == other.upper()  # what iexact compared on PostgreSQL


@pytest.mark.parametrize(
    "text",
    ["", " ", "ana", "ana@", "@example.org", "ana@example", "a@b.org\nBcc: x@y.org", "İlker@example.org",
     "x" * 250 + "@example.org", "x@" + "a" * 64 + ".org", "a@" * 10_000],
)  # fmt: skip
def test_what_is_no_address_is_a_value_error(text):
    with pytest.raises(ValueError):
        canonical_email(text)


def test_links_of_ascii_addresses_keep_their_digest():
    """Tokens used to digest ``email.strip().lower()``: for an ASCII address that is the canonical form."""
    for address in ["Ana.Diaz@Example.org", " BEN@example.ORG"]:
        old = salted_hmac("subscriptions.tokens.email", address.strip().lower(), algorithm="sha256").hexdigest()[:20]
        assert email_digest(address) == old


# Mostly letters an address may hold, with the look-alikes and case changers among them.
LOCAL_LETTERS = st.sampled_from(list("abcXYZ019.-_+ıſİKßσΣé") + ["\u0301"])
addresses = st.builds(
    "{}@{}".format,
    st.one_of(st.text(LOCAL_LETTERS, min_size=1, max_size=30), st.text(min_size=1, max_size=30)),
    st.one_of(
        st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=30),
        st.sampled_from(["example.org", "EXAMPLE.org", "gmaıl.com", "gmaſl.com", "bücher.de", "xn--bcher-kva.de"]),
    ),
)


@given(st.one_of(addresses, st.text(max_size=60)))
def test_the_canonical_form_is_stable_valid_and_the_mailbox_written_to(text):
    try:
        canonical = canonical_email(text)
    except ValueError:
        return
    assert canonical_email(canonical) == canonical
    assert len(canonical) <= MAX_LENGTH
    validate_email(canonical)
    local, domain = canonical.rsplit("@", 1)
    assert punycode(domain) == punycode(text.strip().rsplit("@", 1)[1]).lower()  # the same domain on the wire


@pytest.mark.django_db
def test_a_lookup_of_text_that_is_no_address_finds_nothing_not_the_rows_without_an_address():
    """An account made without an address (``createsuperuser`` allows it) is not "the mailbox" of garbage."""
    from django.contrib.auth import get_user_model

    from portal.addresses import same_mailbox

    get_user_model().objects.create_user(username="admin", email="", password="x-long-pass-1")
    assert not get_user_model().objects.filter(same_mailbox("not an address")).exists()
    assert get_user_model().objects.filter(same_mailbox("")).count() == 0
