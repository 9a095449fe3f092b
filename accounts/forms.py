from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal import mail
from portal.addresses import CanonicalEmailFormField

from . import services
from .models import Profile, users_awaiting_verification
from .throttle import ThrottledLoginMixin, ThrottledOldPasswordMixin

# The username is the e-mail address, and Django's username column holds 150 characters.
EMAIL_MAX_LENGTH = 150


def _name_field() -> forms.CharField:
    return forms.CharField(
        label=_("Full name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        help_text=_("As you would like to be credited for what you submit."),
    )


def _honorific_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Honorific (optional)"),
        choices=[("", _("None")), *Profile.Honorific.choices],
        required=False,
        widget=forms.Select(attrs={"autocomplete": "honorific-prefix"}),
        help_text=_("Shown before your name, as in “Submitted by Dr. Amina Yusuf”."),
    )


def _organisation_field() -> forms.CharField:
    return forms.CharField(
        label=_("Organisation (optional)"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )


class SignUpForm(auth_forms.SetPasswordMixin, forms.Form):
    """Answers the same whether or not the address has an account (the owner of a taken one gets an e-mail)."""

    name = _name_field()
    honorific = _honorific_field()
    organisation = _organisation_field()
    email = CanonicalEmailFormField(
        label=_("E-mail address"),
        max_length=EMAIL_MAX_LENGTH,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("You will log in with it. It is never shown publicly."),
    )
    password1, password2 = auth_forms.SetPasswordMixin.create_password_fields()

    def clean(self):
        self.validate_passwords()
        # The password must not resemble the name or the address (UserAttributeSimilarityValidator). No username:
        # it is the address, and the person should read "too similar to the email address".
        candidate = get_user_model()(
            email=self.cleaned_data.get("email", ""), first_name=self.cleaned_data.get("name", "")
        )
        self.validate_password_for_user(candidate, "password2")
        return super().clean()


class LoginUsernameField(auth_forms.UsernameField):
    """Django's NFKC-normalises what is typed, which turned ``ſam@…`` into ``sam@…``, another person's username;
    an address is left for ``username_for`` (its canonical form), any other username is normalised as Django does."""

    def to_python(self, value):
        value = forms.CharField.to_python(self, value)
        return value if "@" in value else super().to_python(value)


class LoginForm(ThrottledLoginMixin, auth_forms.AuthenticationForm):
    """Log in with the e-mail address; an account still awaiting verification is told so, not just refused.
    Failed attempts are throttled per account and per client (accounts/throttle.py)."""

    username = LoginUsernameField(
        label=_("E-mail address"),
        # "username" (not "email") is what password managers look for on a log-in form.
        widget=forms.EmailInput(attrs={"autocomplete": "username"}),
    )

    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": _("The e-mail address and password do not match an account. Passwords are case-sensitive."),
        "unverified": _(
            "Your e-mail address is not verified yet. Follow the link in the e-mail we sent you when you signed "
            "up, or ask for a new one below."
        ),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.unverified = False
        # The account whose right password was given while it awaits verification (its link then logs in here).
        self.unverified_user = None

    def clean_username(self):
        username = self.cleaned_data["username"]
        # Accounts made by sign-up have their address, lower-cased, as username; others (an administrator
        # made with createsuperuser, say) keep theirs as typed.
        return services.username_for(username) if "@" in username else username

    def clean(self):
        try:
            return super().clean()
        except ValidationError as error:
            if error.code == "invalid_login" and self._awaits_verification():
                self.unverified = True
                raise ValidationError(self.error_messages["unverified"], code="unverified") from error
            raise

    def _awaits_verification(self) -> bool:
        """Whether the right password was given for an account that is only waiting for its verification.

        One password hash whether or not there is such an account, so that a refused log-in takes as long for an
        unverified account as for a verified one or none.
        """
        user = users_awaiting_verification().filter(username=self.cleaned_data.get("username")).first()
        password = self.cleaned_data.get("password")
        if user is None:
            make_password(password)
        elif user.check_password(password):
            self.unverified_user = user
        return self.unverified_user is not None


class ResendVerificationForm(forms.Form):
    email = CanonicalEmailFormField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class PasswordResetForm(auth_forms.PasswordResetForm):
    email = CanonicalEmailFormField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def save(self, *args, **kwargs):
        """Queue one e-mail task for the address typed, whether or not it has an account: the request does the same
        work either way (so its timing tells nothing), and the worker looks the account up when it builds the
        e-mail (``emails.password_reset``), with a token of its own."""
        from . import emails

        mail.queue(emails.password_reset, email=self.cleaned_data["email"])


class PasswordChangeForm(ThrottledOldPasswordMixin, auth_forms.PasswordChangeForm):
    """Django's, with wrong old passwords throttled (accounts/throttle.py)."""


class ProfileForm(forms.ModelForm):
    """How a person is credited: their name (kept on the user) and their profile's honorific and organisation."""

    name = _name_field()
    honorific = _honorific_field()
    organisation = _organisation_field()

    class Meta:
        model = Profile
        fields = ["honorific", "organisation"]

    field_order = ["name", "honorific", "organisation"]
