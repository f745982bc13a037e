from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SelfServiceConfig(AppConfig):
    name = "selfservice"
    verbose_name = _("Beneficiary self-service")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from association.kernel import events, registry

        from . import demo, messages, privacy, providers, subscribers

        messages.register()
        privacy.register()
        registry.register("desk_panels", providers.received_online_panel, order=5)
        registry.register("demo", demo.seed, order=55)
        for event_name, handler in subscribers.HANDLERS.items():
            events.subscribe(event_name, handler)
