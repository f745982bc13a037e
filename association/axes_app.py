"""django-axes (the log-in lockout) under an Arabic name in the admin: its own config calls it «Axes».
In its own module: a second AppConfig in ``association/apps.py`` would stop Django picking that one."""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _


class AxesConfig(AxesAppConfig):
    verbose_name = _("Log-in lockouts")
