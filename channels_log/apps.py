from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_reference_data(sender, using="default", **kwargs):
    from .reference import channels_ensure_core

    channels_ensure_core(using=using)


class ChannelsLogConfig(AppConfig):
    name = "channels_log"
    verbose_name = _("Channels and contacts")

    def ready(self):
        # The eight policy channels always exist (DESIGN.md): migration 0003 creates them, and this
        # handler restores any that went missing — e.g. after a database flush, which emits post_migrate.
        post_migrate.connect(_ensure_reference_data, sender=self, dispatch_uid="channels_log.ensure_core")

        from association.kernel import registry

        from . import demo

        registry.register("demo", demo.seed_intake_contacts, order=31)
        # Last: it also delivers the messages the others' demo flows queued.
        registry.register("demo", demo.seed, order=70)
