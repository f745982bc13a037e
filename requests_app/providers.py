"""What the registry's pages show of a person's support requests (kernel registry slots, registered in
``RequestsAppConfig.ready``): the requests card, the "Start a support request" link, the open-requests
column of the beneficiary list, and the open request that keeps consent to processing the person's data from
being withdrawn (the request's steps on the timeline: ``requests_app.timeline``). The registry imports none of
this."""

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from association.kernel.actions import Action
from association.kernel.registry import ListColumn, Panel

from .models import SupportRequest

VIEW = "requests_app.view_supportrequest"
# A request in one of these states needs no more work: it is not "open".
ENDED = (SupportRequest.Status.CLOSED, SupportRequest.Status.WITHDRAWN, SupportRequest.Status.REJECTED)
# The beneficiary page lists this many of the person's requests, newest first.
REQUESTS_ON_PAGE = 20


def requests_panel(*, beneficiary, user) -> Panel | None:
    """Slot ``beneficiary_panels``: the person's latest requests with their status."""
    if not user.has_perm(VIEW):
        return None
    requests = (
        SupportRequest.objects.filter(beneficiary=beneficiary)
        .select_related("service_type")
        .order_by("-created_at", "-pk")[:REQUESTS_ON_PAGE]
    )
    return Panel("requests_app/_beneficiary_requests.html", {"support_requests": list(requests)})


def start_request_action(*, beneficiary, user) -> Action | None:
    """Slot ``beneficiary_actions``: start a request draft for this person."""
    if beneficiary is None or not user.has_perm("requests_app.add_supportrequest"):
        return None
    return Action(
        code="start-request",
        label=_("Start a support request"),
        url=reverse("requests_app:new", args=[beneficiary.public_id]),
        method="get",
        style="primary",
    )


def open_requests_column(*, user) -> ListColumn | None:
    """Slot ``beneficiary_list_columns``: how many of each person's requests are still open."""
    if not user.has_perm(VIEW):
        return None
    return ListColumn(
        key="open_requests",
        label=_("Open requests"),
        # A correlated subquery (by the requests' beneficiary index), computed for the rows a page shows only:
        # a join with GROUP BY would aggregate every request before the page's LIMIT.
        annotation=Coalesce(
            Subquery(
                SupportRequest.objects.filter(beneficiary=OuterRef("pk"))
                .exclude(status__in=ENDED)
                .order_by()
                .values("beneficiary")
                .annotate(n=Count("pk"))
                .values("n")[:1],
                output_field=IntegerField(),
            ),
            0,
        ),
    )


def open_request_reason(*, beneficiary) -> str | None:
    """Slot ``beneficiary_open_work``: an open request still needs the person's data."""
    if SupportRequest.objects.filter(beneficiary=beneficiary).exclude(status__in=ENDED).exists():
        return _("A support request of this person is still open.")
    return None
