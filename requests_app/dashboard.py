"""The support-request panels of each role's home page (``association.views.home``, slot ``home_panels``)."""

from association.kernel.registry import Panel

from . import selectors


def home_panel(*, user) -> Panel:
    """The role home's request panels: counts by status, then the role's own lists (``selectors.role_home``)."""
    return Panel(
        "requests_app/_home.html",
        {
            "request_counts": selectors.request_counts(user=user),
            "can_view_requests": user.has_perm("requests_app.view_supportrequest"),
            **selectors.role_home(user=user),
        },
    )
