from django import forms
from django.utils.translation import gettext_lazy as _

from portal.addresses import CanonicalEmailFormField

from .models import Subscription, language_choices

Frequency = Subscription.Frequency


def _frequency_field(**kwargs) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("How often"),
        choices=Frequency.choices,
        initial=Frequency.DAILY,
        widget=forms.RadioSelect,
        **kwargs,
    )


class SubscribeForm(forms.Form):
    """The e-mail alert of the subscribe page. Logged-in people with a verified address only choose the frequency."""

    email = CanonicalEmailFormField(
        label=_("Your e-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("We send a link to confirm. The address is never shown or shared."),
    )
    frequency = _frequency_field()

    def __init__(self, *args, one_click: bool = False, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        if one_click:
            del self.fields["email"]


class ManageForm(forms.Form):
    """What the manage page posts: an action, and for some of them a frequency."""

    ACTIONS = ("frequency", "language", "pause", "resume", "unsubscribe", "unsubscribe-all")

    action = forms.ChoiceField(
        choices=[(action, action) for action in ACTIONS],
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Choose what to do with this alert."),
            "invalid_choice": _("Choose what to do with this alert."),
        },
    )
    frequency = _frequency_field(required=False)
    language = forms.ChoiceField(
        label=_("Language of the e-mails"),
        choices=language_choices,
        required=False,
        error_messages={"invalid_choice": _("Choose one of the languages in the list.")},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "frequency" and not cleaned.get("frequency"):
            self.add_error("frequency", _("Choose how often you want to hear from us."))
        if cleaned.get("action") == "language" and not cleaned.get("language") and "language" not in self.errors:
            self.add_error("language", _("Choose one of the languages in the list."))
        return cleaned
