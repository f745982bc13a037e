from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RequestsAppConfig(AppConfig):
    name = "requests_app"
    verbose_name = _("Support requests")

    def ready(self):
        from association.kernel import events, memo, registry

        from .models import ServiceType

        memo.watch(ServiceType)  # the lists' and forms' drop-downs read it from the cache

        from . import demo, providers, subscribers, timeline
        from .access import researcher_assigned
        from .dashboard import home_panel

        registry.register("home_panels", home_panel, order=20)
        registry.register("demo", demo.seed_catalogue, order=25)
        registry.register("demo", demo.seed_intake_drafts, order=32)
        registry.register("demo", demo.seed, order=50)

        # A researcher sees the sensitive data of the people whose requests they are assigned to.
        registry.register("sensitive_access", researcher_assigned)
        # The lifecycle's messages: the outbox learns them from here (requests_app.messages).
        from . import messages

        messages.register()
        # The registry's pages show the person's requests (requests_app.providers).
        registry.register("beneficiary_panels", providers.requests_panel, order=20)
        registry.register("beneficiary_actions", providers.start_request_action, order=20)
        registry.register("beneficiary_list_columns", providers.open_requests_column, order=20)
        registry.register("beneficiary_open_work", providers.open_request_reason, order=20)
        # The request's steps on the ONE timeline (the person's page and the request page).
        registry.register("timeline", timeline.request_timeline, order=20)
        # What the requests hold about a person: the PDPL export and erasure (requests_app.privacy).
        from . import privacy

        privacy.register()

        # A complaint that contests the committee's decision opens the request's one appeal.
        events.subscribe("complaint_contested_decision", subscribers.appeal_for_contested_decision)
