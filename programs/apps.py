from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = _("Programs and volunteers")

    def ready(self):
        from association.kernel import registry

        from . import demo, messages, privacy, providers

        messages.register()
        privacy.register()
        registry.register("session_attendees", providers.session_attendees)
        registry.register("case_about_choices", providers.case_about_choices)
        registry.register("home_panels", providers.home_panel, order=40)
        registry.register("demo", demo.seed, order=65)  # after surveys, before cases and the outbox
