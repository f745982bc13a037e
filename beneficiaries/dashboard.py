"""The registry's card on the role home (``association.views.home``, slot ``home_panels``)."""

from association.kernel.registry import Panel

from .models import Beneficiary


def home_panel(*, user) -> Panel | None:
    """How many people are registered, for those who may open the registry."""
    if not user.has_perm("beneficiaries.view_beneficiary"):
        return None
    return Panel("beneficiaries/_home.html", {"beneficiary_count": Beneficiary.objects.count()})
