"""django-otp's TOTP devices under an Arabic name in the admin (its own config has none)."""

from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.apps import DefaultConfig


class OtpTotpConfig(DefaultConfig):
    verbose_name = _("Two-step sign-in devices")
