from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Satisfaction surveys")

    def ready(self):
        from association.kernel import registry

        from . import demo, selectors, subscribers
        from .dashboard import home_panel

        registry.register("home_panels", home_panel, order=30)
        registry.register("timeline", selectors.timeline_items, order=60)
        registry.register("demo", demo.seed, order=60)
        subscribers.subscribe_all()
        # The invitation's message: the outbox learns it from here (surveys.messages).
        from . import messages

        messages.register()
        # Invitations in the PDPL export; written answers removed by an erasure (surveys.privacy).
        from . import privacy

        privacy.register()
