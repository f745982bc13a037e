from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BeneficiariesConfig(AppConfig):
    name = "beneficiaries"
    verbose_name = _("Beneficiaries")

    def ready(self):
        from association.kernel import registry

        from . import demo
        from .dashboard import home_panel
        from .selectors import documents_timeline

        registry.register("home_panels", home_panel, order=10)
        # What a policy tool may link to in this app: document types (association.policy.tools).
        from .policy_tools import document_type_target

        registry.register("policy_tool_targets", document_type_target)
        registry.register("demo", demo.seed_catalogue, order=20)
        registry.register("demo", demo.seed_people, order=30)
        registry.register("timeline", documents_timeline, order=10)
        # Data protection (PDPL): the person's own data in the export, the registry's record kind for retention.
        from .privacy import services as privacy_services
        from .privacy import subject

        subject.register()
        from .privacy import views as privacy_views

        registry.register("beneficiary_panels", privacy_views.privacy_panel, order=90)
        from .privacy import demo as privacy_demo

        registry.register("demo", privacy_demo.seed, order=95)
        registry.register("retention_kinds", privacy_services.beneficiary_retention_kind, order=0)
