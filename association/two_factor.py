"""Staff two-factor sign-in (TOTP, django-otp): enrolment with a QR code, the code after the password, and
the rule that sends who must use it to enrolment until done.

``settings.STAFF_2FA_REQUIRED_ROLES`` lists the roles that must (role names, and ``superuser`` for admins);
every other member of staff may enrol from their menu. Once a user has a confirmed device, each sign-in
asks for a code before any page, whatever the setting.
"""

from base64 import b32encode
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .kernel.http import no_store
from .kernel.roles import has_role

DEVICE_NAME = "portal"
CHECKED_SESSION_KEY = "portal_2fa_checked"


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code from the authenticator app"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "dir": "ltr"}),
    )

    def clean_code(self):
        from .kernel.text import to_ascii_digits

        code = to_ascii_digits(self.cleaned_data["code"]).replace(" ", "")
        if not code.isdigit() or len(code) != 6:
            raise forms.ValidationError(_("Enter the six digits shown in the app."))
        return code


def required_for(user) -> bool:
    """Whether ``user`` must sign in with a second factor (``STAFF_2FA_REQUIRED_ROLES``)."""
    roles = [role for role in getattr(settings, "STAFF_2FA_REQUIRED_ROLES", []) if role]
    if not roles or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser and "superuser" in roles:
        return True
    return has_role(user, *[role for role in roles if role != "superuser"])


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("home")


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    return image.to_string(encoding="unicode")


@no_store
@require_http_methods(["GET", "POST"])
@login_required
def setup(request):
    """Enrolment: a new secret shown as a QR code (and as text), confirmed by one code from the app."""
    if confirmed_device(request.user) is not None:
        messages.info(request, _("Two-step sign-in is already on for your account."))
        return redirect("home")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name=DEVICE_NAME, confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            messages.success(request, _("Two-step sign-in is on: each sign-in now asks for a code from the app."))
            return redirect(_next(request))
        form.add_error("code", _("The code is wrong or expired. Enter the code the app shows now."))
    secret = b32encode(device.bin_key).decode()
    issuer = getattr(settings, "OTP_TOTP_ISSUER", "") or "Portal"
    label = f"{issuer}:{request.user.get_username()}"
    url = f"otpauth://totp/{label}?" + urlencode({"secret": secret, "issuer": issuer, "digits": 6, "period": 30})
    context = {
        "form": form,
        "qr": mark_safe(_qr_svg(url)),  # noqa: S308 — our own SVG from qrcode, no user markup
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "required": required_for(request.user),
        "next": _next(request),
    }
    return render(request, "registration/two_factor_setup.html", context)


@no_store
@require_http_methods(["GET", "POST"])
@login_required
def verify(request):
    """The second step of signing in: a code from the enrolled app."""
    device = confirmed_device(request.user)
    if device is None:
        return redirect("two_factor_setup")
    if request.user.is_verified():
        return redirect(_next(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            otp_login(request, device)
            return redirect(_next(request))
        form.add_error("code", _("The code is wrong or expired. Enter the code the app shows now."))
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": _next(request)})


def check_at_login(sender, request, user, **kwargs):
    """``user_logged_in``: decide at sign-in whether this session needs a code or enrolment, so the pages that
    follow cost no query for it. A user free of both is marked in the session (a new sign-in, a new session)."""
    session = getattr(request, "session", None)
    if session is None:
        return
    session.pop(CHECKED_SESSION_KEY, None)
    if confirmed_device(user) is None and not required_for(user):
        session[CHECKED_SESSION_KEY] = user.pk


class TwoFactorMiddleware:
    """After ``OTPMiddleware``: a signed-in member of staff who has a device and has not given its code this
    session goes to the code page; one whose role requires it and has no device goes to enrolment. The
    account pages themselves (and static files) stay reachable."""

    EXEMPT_NAMES = ("login", "logout", "two_factor_setup", "two_factor_verify", "set_language")

    def __init__(self, get_response):
        self.get_response = get_response

    def _exempt(self, path: str) -> bool:
        static = settings.STATIC_URL or "/static/"
        return path.startswith(static) or path in {reverse(name) for name in self.EXEMPT_NAMES}

    def _target(self, request, user) -> str | None:
        # A session found free of any device and of the rule is not asked again (no query per page); logging
        # in again or out starts a new session. Enrolling in this session verifies it at once.
        if request.session.get(CHECKED_SESSION_KEY) == user.pk:
            return None
        if confirmed_device(user) is not None:
            return "two_factor_verify"
        if required_for(user):
            return "two_factor_setup"
        request.session[CHECKED_SESSION_KEY] = user.pk
        return None

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not user.is_verified() and not self._exempt(request.path):
            target = self._target(request, user)
            if target:
                query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
                return redirect(reverse(target) + (f"?{query}" if query else ""))
        return self.get_response(request)
