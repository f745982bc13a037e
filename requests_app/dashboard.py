"""The support-request panels of each role's home page (``association.views.home``)."""

from django.db.models import Count

from association.kernel.registry import Panel
from association.kernel.roles import Role, has_role

from . import services
from .models import RequestNotification, SupportRequest

PANEL_SIZE = 8


def home_panel(*, user) -> Panel:
    """The role home's request panels (slot ``home_panels``): counts by status, then ``home_context``."""
    can_view = user.has_perm("requests_app.view_supportrequest")
    counts = []
    if can_view:
        by_status = dict(
            SupportRequest.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
        )
        counts = [(value, label, by_status.get(value, 0)) for value, label in SupportRequest.Status.choices]
    return Panel(
        "requests_app/_home.html", {"request_counts": counts, "can_view_requests": can_view, **home_context(user)}
    )


def home_context(user) -> dict:
    """The researcher's assignments, the committee's agenda, the manager's overdue requests and escalations;
    ``None`` hides a panel from who does not do that work."""
    from .views import agenda_queryset, agenda_rows

    base = SupportRequest.objects.select_related("beneficiary", "service_type")
    context = {"my_assignments": None, "agenda": None, "overdue": None, "escalations": None}
    if has_role(user, Role.SOCIAL_RESEARCHER) and not user.is_superuser:
        context["my_assignments"] = list(
            base.filter(status=SupportRequest.Status.IN_RESEARCH, researcher=user).order_by("submitted_at")[:PANEL_SIZE]
        )
    if has_role(user, Role.COMMITTEE_MEMBER, Role.COMMITTEE_CHAIR):
        context["agenda"] = agenda_rows(agenda_queryset(user)[:PANEL_SIZE])
    if has_role(user, Role.MANAGER):
        context["overdue"] = list(base.filter(services.overdue_filter()).order_by("submitted_at")[:PANEL_SIZE])
        context["escalations"] = list(
            RequestNotification.objects.filter(user=user, event="request_overdue").select_related(
                "support_request__beneficiary"
            )[:PANEL_SIZE]
        )
    return context
