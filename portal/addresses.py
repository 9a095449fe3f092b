"""One canonical form of an e-mail address, stored, indexed, compared and written to everywhere.

Comparing addresses with ``iexact`` let look-alikes meet: PostgreSQL's ``UPPER()`` folds ``ı`` (dotless i) into
``I`` and ``ſ`` (long s) into ``S``, so an account verified for ``victim@gmaıl.com`` (a domain anyone can buy)
matched the subscriptions of ``victim@gmail.com``. Every address the portal keeps is instead stored in the form
this module makes, and compared with plain equality on that form; two addresses are then equal only when they
are the same mailbox for the portal, because the stored form is also the address it sends to.
"""

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.db.models import Q
from django.utils.encoding import punycode

MAX_LENGTH = 254  # RFC 5321's limit on a path, and Django's EmailField's


def canonical_email(address: str) -> str:
    """``address`` in the portal's one canonical form; ``ValueError`` if it is not (or does not stay) an address.

    * Surrounding white space goes, and the whole is NFC-normalised: composed and decomposed accents are the same
      text typed two ways. Not NFKC, which folds ``ſ`` into ``s`` and ``ｇ`` into ``g``: compatibility
      characters are other characters, and in the local part they are another mailbox.
    * The domain becomes what Django's mail backends put on the wire, ``django.utils.encoding.punycode`` (Python's
      IDNA codec), in lower case (DNS ignores ASCII case), then written back in Unicode so people still read
      ``bücher.de``. That codec maps some look-alikes to ASCII (``ſ`` to ``s``, ``ß`` to ``ss``, full-width
      letters to ASCII, zero-width characters to nothing): it is where the portal's mail would go anyway, so
      those are the same domain. ``ı`` survives it (``gmaıl.com`` is ``xn--gmal-nza.com``, another domain).
    * The local part is lower-cased with ``str.lower()``, which folds case within a script and leaves ``ı`` and
      ``ſ`` as they are (they are already lower case), unlike ``UPPER()`` or ``str.casefold()``. Strictly a
      mail server may tell ``Ana`` from ``ana``; none that people use does, and people type either.

    The result is validated again (Django's ``validate_email``, at most ``MAX_LENGTH`` characters), so what is
    stored is an address, and ``canonical_email`` of a canonical form is that form.
    """
    text = str(address).strip()
    if len(text) > 2 * MAX_LENGTH:  # no address, however it is written; and normalising it would cost
        raise ValueError("not an e-mail address: too long")
    text = unicodedata.normalize("NFC", text)
    local, at, domain = text.rpartition("@")
    if not at or not local or not domain:
        raise ValueError("not an e-mail address")
    try:
        ascii_domain = punycode(domain).lower()
        unicode_domain = ascii_domain.encode("ascii").decode("idna")
    except UnicodeError as error:
        raise ValueError("not an e-mail address: the domain has no IDNA form") from error
    canonical = unicodedata.normalize("NFC", local.lower()) + "@" + unicodedata.normalize("NFC", unicode_domain)
    if len(canonical) > MAX_LENGTH:
        raise ValueError("not an e-mail address: too long")
    try:
        validate_email(canonical)
    except ValidationError as error:
        raise ValueError("not an e-mail address") from error
    return canonical


def canonical_or_none(address: str) -> str | None:
    """``canonical_email(address)``, or None for text that is no address (a lookup then finds nothing)."""
    try:
        return canonical_email(address)
    except ValueError:
        return None


def same_mailbox(address: str, field: str = "email") -> Q:
    """A filter for the rows whose ``field`` is this very mailbox; it matches nothing when ``address`` is no
    address (never the rows with an empty ``field``)."""
    canonical = canonical_or_none(address)
    return Q(**{field: canonical}) if canonical is not None else Q(pk__in=[])


class CanonicalEmailFormField(forms.EmailField):
    """A form's e-mail address, cleaned to its canonical form; an address that does not survive it (``İ`` lower-cases
    to two characters, one of which no address may hold) gets the field's usual "invalid" error."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        try:
            return canonical_email(value)
        except ValueError as error:
            raise ValidationError(validate_email.message, code=validate_email.code) from error


class CanonicalEmailField(models.EmailField):
    """An ``EmailField`` whose value is stored in canonical form, however it was set (a service, the admin, a
    fixture): a unique constraint on the plain column is then a unique constraint on mailboxes.

    Only saving canonicalises; lookups take their value as given, so pass them ``canonical_email(...)``.
    """

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if value:
            value = canonical_email(value)
            setattr(model_instance, self.attname, value)
        return value

    def formfield(self, **kwargs):
        """A model form (the admin's) cleans to the canonical form, so its unique check sees the stored value."""
        return super().formfield(**{"form_class": CanonicalEmailFormField, **kwargs})

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        if value and canonical_or_none(value) is None:
            raise ValidationError(validate_email.message, code=validate_email.code)
