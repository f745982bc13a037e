from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RequestsAppConfig(AppConfig):
    name = "requests_app"
    verbose_name = _("Support requests")

    def ready(self):
        from association.kernel import registry

        from . import demo
        from .access import researcher_assigned
        from .dashboard import home_panel

        registry.register("home_panels", home_panel, order=20)
        registry.register("demo", demo.seed_catalogue, order=25)
        registry.register("demo", demo.seed_intake_drafts, order=32)
        registry.register("demo", demo.seed, order=50)

        # A researcher sees the sensitive data of the people whose requests they are assigned to.
        registry.register("sensitive_access", researcher_assigned)
