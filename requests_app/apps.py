from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RequestsAppConfig(AppConfig):
    name = "requests_app"
    verbose_name = _("Support requests")

    def ready(self):
        from beneficiaries.services import sensitive_assignment_register

        from .access import researcher_assigned

        # A researcher sees the sensitive data of the people whose requests they are assigned to.
        sensitive_assignment_register(researcher_assigned)
