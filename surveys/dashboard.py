"""The surveys panel on the manager's home page (``association.views.home``)."""

from django.utils import timezone

from association.kernel.registry import Panel

from .models import ImprovementAction

PANEL_SIZE = 5


def home_panel(*, user) -> Panel:
    """The role home's improvement-actions panel (slot ``home_panels``)."""
    return Panel("surveys/_home_actions.html", home_context(user))


def home_context(user) -> dict:
    """Open improvement actions, the most urgent first; ``None`` hides the panel from who may not see it."""
    if not user.has_perm("surveys.view_improvementaction"):
        return {"improvement_actions": None}
    actions = (
        ImprovementAction.objects.filter(
            status__in=[ImprovementAction.Status.OPEN, ImprovementAction.Status.IN_PROGRESS]
        )
        .select_related("owner")
        .order_by("due_date", "pk")[:PANEL_SIZE]
    )
    return {"improvement_actions": list(actions), "improvement_today": timezone.localdate()}
