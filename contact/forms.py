from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.addresses import CanonicalEmailFormField

from .models import MESSAGE_MAX_LENGTH, SUBJECT_MAX_LENGTH


class ContactForm(forms.Form):
    """A visitor's message to an initiative's contact person."""

    sender_name = forms.CharField(
        label=_("Your name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    sender_email = CanonicalEmailFormField(
        label=_("Your e-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("We send you a link to confirm it; the message goes out only then. The reply comes to it."),
    )
    subject = forms.CharField(label=_("Subject"), max_length=SUBJECT_MAX_LENGTH, required=False)
    message = forms.CharField(
        label=_("Message"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Plain text, at most 5,000 characters."),
    )
    # A honeypot: hidden from people, filled in by robots.
    homepage = forms.CharField(label=_("Leave this field empty"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean_homepage(self):
        if self.cleaned_data["homepage"]:
            raise ValidationError(_("This message looks automated and was not sent."), code="honeypot")
        return ""

    def clean_message(self):
        message = self.cleaned_data["message"].replace("\r\n", "\n").strip()
        if not message:
            raise ValidationError(_("Write a message."), code="required")
        return message
