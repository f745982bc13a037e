"""What the self-service pages put on the staff's pages (kernel registry)."""

from django.utils.translation import gettext_lazy as _

from association.kernel.registry import Panel

DESK_PANEL_SIZE = 10


def received_online_panel(*, user):
    """Slot ``desk_panels``: requests received online that wait for the officer to verify the data and
    documents and submit them (oldest first), for whoever works the intake desk."""
    from requests_app.models import SupportRequest
    from requests_app.transitions import PROCESS

    if not user.has_perm(PROCESS):
        return None
    waiting = (
        SupportRequest.objects.filter(received_online_at__isnull=False, status__in=("draft", "incomplete"))
        .select_related("beneficiary", "service_type")
        .order_by("received_online_at", "pk")
    )
    rows = list(waiting[:DESK_PANEL_SIZE])
    return Panel(
        "selfservice/desk_panel.html",
        {"rows": rows, "title": _("Received online: awaiting verification"), "more": waiting.count() > len(rows)},
    )
