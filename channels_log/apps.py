from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsLogConfig(AppConfig):
    name = "channels_log"
    verbose_name = _("Channels and contacts")

    def ready(self):
        from association.kernel import registry

        from . import demo

        registry.register("demo", demo.seed_intake_contacts, order=31)
        # Last: it also delivers the messages the others' demo flows queued.
        registry.register("demo", demo.seed, order=70)
