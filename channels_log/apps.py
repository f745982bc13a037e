from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsLogConfig(AppConfig):
    name = "channels_log"
    verbose_name = _("Channels and contacts")
