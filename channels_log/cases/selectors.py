"""Reads of cases that pages, sweeps and reports share: what a user may see, the case list's filters, the
overdue ones, one case's page. Each read is a bounded number of queries, whatever the number of rows."""

from django.db.models import Prefetch, Q
from django.utils import timezone

from association.kernel.crypto import without_secrets

from .models import Case, CaseEvent

S = Case.Status


def overdue_q(now) -> Q:
    """Open or in progress, and past its first-response time (with no first response) or its resolution time."""
    return Q(status__in=[S.OPEN, S.IN_PROGRESS]) & (
        Q(first_response_at__isnull=True, first_response_due__lt=now) | Q(resolution_due__lt=now)
    )


def cases_overdue(*, now=None):
    return Case.objects.filter(overdue_q(now or timezone.now()))


def cases_visible(user):
    """Cases the user may see (``Case.objects.visible_to``: never a complaint about themselves), with what the
    list and the page show of them."""
    return Case.objects.visible_to(user).select_related(
        "contact__channel",
        "contact__beneficiary",
        "assignee",
        "staff_subject",
        "response_channel",
        "support_request",
        "branch",
    )


def case_list(
    user, *, status: str = "", kind: str = "", overdue: bool = False, mine: bool = False, branch: str = "", now=None
):
    """The case list: visible cases, filtered by the values the list offers (others are ignored). Joined with
    only what the list shows (each join more costs the planner time on every page)."""
    queryset = without_secrets(
        Case.objects.visible_to(user).select_related("contact__channel", "contact__beneficiary", "assignee"),
        "contact__beneficiary",
    )
    if branch.isdigit() and len(branch) < 10:
        queryset = queryset.filter(branch_id=int(branch))
    if status in Case.Status.values:
        queryset = queryset.filter(status=status)
    if kind in Case.Kind.values:
        queryset = queryset.filter(kind=kind)
    if overdue:
        queryset = queryset.filter(overdue_q(now or timezone.now()))
    if mine:
        queryset = queryset.filter(assignee=user)
    return queryset


def case_detail(user, pk: int) -> Case:
    """One visible case with its history (and who did each step) and the contact's attachments, in a fixed
    number of queries however long the history (``Case.DoesNotExist`` when the user may not see it)."""
    return (
        cases_visible(user)
        .prefetch_related(
            Prefetch("events", queryset=CaseEvent.objects.select_related("actor")),
            "contact__attachments",
        )
        .get(pk=pk)
    )


def cases_for_contact(user, contact):
    return Case.objects.visible_to(user).filter(contact=contact)
