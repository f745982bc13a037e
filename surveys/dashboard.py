"""The surveys panel on the role home (``association.views.home``, slot ``home_panels``)."""

from association.kernel.registry import Panel

from .selectors import open_improvement_actions


def home_panel(*, user) -> Panel | None:
    """Open improvement actions, the most urgent first; no panel for who may not see them."""
    if not user.has_perm("surveys.view_improvementaction"):
        return None
    return Panel(
        "surveys/_home_actions.html",
        {"improvement_actions": open_improvement_actions()},
    )
