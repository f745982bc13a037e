from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsLogConfig(AppConfig):
    name = "channels_log"
    verbose_name = _("Channels and contacts")

    def ready(self):
        from association.kernel import registry
        from channels_log.cases import demo as case_demo
        from channels_log.contacts import demo as contact_demo
        from channels_log.messaging import demo as message_demo

        registry.register("demo", contact_demo.seed_intake_contacts, order=31)
        registry.register("demo", case_demo.seed, order=70)
        # Last: it also delivers the messages the others' demo flows queued.
        registry.register("demo", message_demo.seed, order=71)
