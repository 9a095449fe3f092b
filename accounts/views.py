"""Sign-up with e-mail verification, and Django's own auth views with the portal's templates.

Every form that a stranger can post (sign-up, log-in, resend, password reset) is a view of its own here, so that
rate limiting can later be added to each with one decorator.
"""

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from ratelimits import counters

from . import services, throttle
from .forms import (
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    ProfileForm,
    ResendVerificationForm,
    SignUpForm,
)
from .models import Profile, users_awaiting_verification
from .tokens import VERIFICATION_LINK_VALIDITY, email_verification_token

# Where the "check your inbox" page finds the address a link was sent to (or asked for).
SENT_TO_SESSION_KEY = "accounts:verification-sent-to"
# Which account this browser signed up, and a digest of the password it chose (Django's session auth hash):
# following the link in this same browser logs in, and in any other does not.
SIGNED_UP_SESSION_KEY = "accounts:signed-up"


def _safe_next(request, value: str | None) -> str:
    """``value`` if it is a safe place to go after signing up or logging in (this site), else ""."""
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return ""


@sensitive_post_parameters("password1", "password2")
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def sign_up(request):
    if request.user.is_authenticated:
        return redirect("accounts:account")
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    form = SignUpForm(request.POST if request.method == "POST" else None)
    # Every attempt counts, valid or not: an invalid form must not be a free probe.
    if request.method == "POST" and counters.hit(throttle.SIGN_UPS_PER_CLIENT, counters.client_ip(request)):
        return _too_many(request, "accounts/sign_up.html", form, {"next": next_url}, throttle.SIGN_UPS_PER_CLIENT)
    if form.is_valid():
        email = form.cleaned_data["email"]  # in canonical form (portal/addresses.py)
        try:
            user = services.register_account(
                email=email,
                name=form.cleaned_data["name"],
                password=form.cleaned_data["password1"],
                honorific=form.cleaned_data["honorific"],
                organisation=form.cleaned_data["organisation"],
            )
        except services.EmailTaken:
            # The answer is the one a new address gets; the address's owner is told by e-mail instead.
            services.send_sign_up_attempt_email(email=email)
        else:
            services.send_verification_email(user=user, next_url=next_url)
            _remember_password_holder(request, user)
        request.session[SENT_TO_SESSION_KEY] = {"email": email, "resent": False}
        return redirect("accounts:verify-sent")
    return render(request, "accounts/sign_up.html", {"form": form, "next": next_url})


@require_GET
def verify_sent(request):
    sent_to = request.session.get(SENT_TO_SESSION_KEY) or {}
    return render(
        request,
        "accounts/verify_sent.html",
        {
            "email": sent_to.get("email", ""),
            "resent": sent_to.get("resent", False),
            "valid_days": VERIFICATION_LINK_VALIDITY.days,
        },
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request, uidb64: str, token: str):
    """Follow the link from the e-mail: a page with a button, which verifies the address when pressed.

    A GET changes nothing, so a mail scanner that fetches the link opens no account. The POST (with its CSRF
    token) verifies, and logs in only the browser that signed up with the account's current password: holding
    the link proves the mailbox, not who chose the password, and logging in any browser that posts it would let
    a page log its visitor into an account of the page's choosing. Anyone else is sent to log in.

    A link that is not good any more (expired, used, replaced by a newer sign-up, mistyped) gets a page that says
    so and offers a new one.
    """
    user = _awaiting_user(uidb64)
    if user is None or not email_verification_token.check_token(user, token):
        return _invalid_link(request)
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.method != "POST":
        return render(
            request,
            "accounts/verify.html",
            {"email": user.email, "next": next_url, "uidb64": uidb64, "token": token},
        )
    signed_up_here = request.session.get(SIGNED_UP_SESSION_KEY) == _password_holder(user)
    if not services.verify_email(user=user):
        return _invalid_link(request)
    if not signed_up_here:
        messages.success(request, _("Thank you: your e-mail address is verified. You can now log in."))
        login_url = resolve_url(settings.LOGIN_URL)
        return HttpResponseRedirect(f"{login_url}?{urlencode({'next': next_url})}" if next_url else login_url)
    request.session.pop(SIGNED_UP_SESSION_KEY)
    login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
    messages.success(request, _("Thank you: your e-mail address is verified and you are logged in."))
    # A URL, never a view name: redirect() would try to reverse a next such as "foo" and fail (a 500).
    return HttpResponseRedirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))


def _password_holder(user) -> dict:
    return {"user": user.pk, "password": user.get_session_auth_hash()}


def _remember_password_holder(request, user) -> None:
    """Note that this browser gave ``user``'s current password (signing up, or logging in before verifying)."""
    request.session[SIGNED_UP_SESSION_KEY] = _password_holder(user)


def _invalid_link(request):
    return render(request, "accounts/verify_invalid.html", {"valid_days": VERIFICATION_LINK_VALIDITY.days}, status=400)


def _too_many(request, template_name: str, form, context: dict, limit):
    """The form again, with what was typed and a word that this is one request too many, as a 429."""
    form.add_error(
        None, _("Too many requests for this address or from this connection. Please wait an hour and try again.")
    )
    response = render(request, template_name, {"form": form, **context}, status=429)
    response["Retry-After"] = str(limit.retry_after())
    return response


def _awaiting_user(uidb64: str):
    """The account awaiting verification that a link's ``uidb64`` names, or None (whatever the input)."""
    try:
        pk = urlsafe_base64_decode(uidb64).decode()
        return users_awaiting_verification().get(pk=pk)
    except (TypeError, ValueError, OverflowError, ValidationError, get_user_model().DoesNotExist):
        return None


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def resend(request):
    """Ask for a new verification link. The answer is the same whether or not the address has an account."""
    form = ResendVerificationForm(request.POST if request.method == "POST" else None)
    if form.is_valid() and throttle.email_requests_exceeded(request, form.cleaned_data["email"]):
        return _too_many(request, "accounts/resend.html", form, {}, throttle.EMAILS_PER_ADDRESS_CLIENT)
    if form.is_valid():
        services.resend_verification(email=form.cleaned_data["email"])
        request.session[SENT_TO_SESSION_KEY] = {"email": form.cleaned_data["email"], "resent": True}
        return redirect("accounts:verify-sent")
    return render(request, "accounts/resend.html", {"form": form})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def account(request):
    profile = Profile.objects.filter(user=request.user).first() or Profile(user=request.user)
    form = ProfileForm(
        request.POST if request.method == "POST" else None,
        instance=profile,
        initial={"name": request.user.get_full_name()},
    )
    if form.is_valid():
        services.update_profile(
            user=request.user,
            name=form.cleaned_data["name"],
            honorific=form.cleaned_data["honorific"],
            organisation=form.cleaned_data["organisation"],
        )
        messages.success(request, _("Your details are saved."))
        return redirect("accounts:account")
    return render(request, "accounts/account.html", {"form": form, "profile": profile})


class LoginView(auth_views.LoginView):
    authentication_form = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_invalid(self, form):
        """A throttled attempt (too many failures for the account or from the client) answers 429, with when to
        try again."""
        response = super().form_invalid(form)
        if form.unverified_user is not None:
            _remember_password_holder(self.request, form.unverified_user)
        if form.throttled:
            response.status_code = 429
            response["Retry-After"] = str(throttle.LOGIN_FAILURES_PER_ACCOUNT_CLIENT.retry_after())
        return response

    def get_redirect_url(self, request=None):
        """``next``, unless it is the log-in page itself (Django would report a redirection loop, as a 500)."""
        redirect_to = super().get_redirect_url(request)
        if redirect_to and urlsplit(redirect_to).path == (request or self.request).path:
            return ""
        return redirect_to


class LogoutView(auth_views.LogoutView):
    """Django's (POST only, so that no link or image can log anyone out), with a word to say it worked."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("You are logged out."))
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("accounts:password-change-done")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_invalid(self, form):
        """Too many wrong old passwords answer 429, with when to try again, and the form kept."""
        response = super().form_invalid(form)
        if form.throttled:
            response.status_code = 429
            response["Retry-After"] = str(throttle.PASSWORD_CHANGE_FAILURES_PER_ACCOUNT.retry_after())
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    # The e-mail is queued by the form and built by the worker (accounts/emails.py), from its own templates.
    template_name = "accounts/password_reset_form.html"
    success_url = reverse_lazy("accounts:password-reset-done")

    def form_valid(self, form):
        if throttle.email_requests_exceeded(self.request, form.cleaned_data["email"]):
            return _too_many(self.request, self.template_name, form, {}, throttle.EMAILS_PER_ADDRESS_CLIENT)
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
