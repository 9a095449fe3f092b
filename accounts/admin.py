from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.utils.translation import gettext_lazy as _

from portal.addresses import CanonicalEmailFormField

from . import services
from .forms import LoginUsernameField
from .models import Profile
from .throttle import ThrottledLoginMixin

User = get_user_model()


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    fields = ["honorific", "organisation", "email_verified_at", "created_at"]
    readonly_fields = ["email_verified_at", "created_at"]
    verbose_name_plural = _("profile")


admin.site.unregister(User)


class UserChangeForm(DjangoUserChangeForm):
    def clean_email(self):
        """In canonical form, the one log-in, password resets and subscriptions compare with (portal/addresses.py)."""
        return CanonicalEmailFormField(required=False).clean(self.cleaned_data["email"])


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Django's user admin, with the profile (honorific, organisation, verification) inline."""

    form = UserChangeForm
    inlines = [ProfileInline]
    list_display = ["username", "email", "first_name", "honorific", "organisation", "is_active", "is_staff"]
    list_select_related = ["profile"]
    search_fields = ["username", "email", "first_name", "last_name", "profile__organisation"]

    @admin.display(description=_("honorific"), ordering="profile__honorific")
    def honorific(self, user):
        return getattr(getattr(user, "profile", None), "honorific", "")

    @admin.display(description=_("organisation"), ordering="profile__organisation")
    def organisation(self, user):
        return getattr(getattr(user, "profile", None), "organisation", "")


class AdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    """The admin's log-in form: the e-mail address, as on the portal's log-in page, or the username (an administrator
    made with createsuperuser has one of its own); throttled like the portal's (the two share the counts, kept per
    account whichever of the two was typed). Only staff get in."""

    username = LoginUsernameField(
        label=_("E-mail address or username"),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": _(
            "Please enter the e-mail address (or username) and password of a staff account. The password is "
            "case-sensitive."
        ),
    }

    def clean_username(self):
        return services.username_to_log_in(self.cleaned_data["username"])


admin.site.login_form = AdminLoginForm
