"""What the applicant's pages read: only the signed-in applicant's own records. Every getter here is scoped to
the applicant (a record of someone else is a 404, the same as one that does not exist)."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Applicant

# How long after the decision the applicant may contest it online (a complaint that contests the decision:
# the desk opens the request's one appeal from it, channels_log.cases.services.case_appeal_open).
APPEAL_DAYS = 30

# Each status in plain words for the applicant (the staff labels name the desk's steps).
PLAIN_STATUS = {
    "draft": _("Being completed with the association"),
    "incomplete": _("Something is missing: see below what to upload"),
    "submitted": _("Complete: it is being studied"),
    "in_research": _("A social researcher is studying your case"),
    "awaiting_committee": _("Your request is before the committee for a decision"),
    "approved": _("Approved"),
    "rejected": _("Not approved"),
    "registered": _("Registered for the service: it will be delivered to you"),
    "service_delivered": _("The service was delivered: please confirm you received it"),
    "closed": _("Closed"),
    "withdrawn": _("Withdrawn"),
}
RECEIVED_ONLINE = _("Received online: an officer is verifying your data and documents")
UNDECIDED = ("draft", "incomplete", "submitted", "in_research", "awaiting_committee")


def plain_status(support_request, *, decider: str = "") -> str:
    """The request's status in plain words; ``decider``: who decides under the policy in force («لجنة البحث»,
    «مدير الجمعية», a named competent body), for the request that waits for the decision."""
    if support_request.status == "draft" and support_request.received_online_at:
        return str(RECEIVED_ONLINE)
    if support_request.status == "awaiting_committee" and decider:
        return str(_("Your request is before %(decider)s for a decision") % {"decider": decider})
    return str(PLAIN_STATUS.get(support_request.status, support_request.get_status_display()))


def published_services():
    from requests_app.models import ServiceType

    return ServiceType.objects.filter(is_active=True).prefetch_related("required_documents").order_by("name")


def applicant_requests(applicant: Applicant):
    from requests_app.models import SupportRequest

    if applicant.beneficiary_id is None:
        return SupportRequest.objects.none()
    return (
        SupportRequest.objects.filter(beneficiary_id=applicant.beneficiary_id)
        .select_related("service_type")
        .order_by("-created_at", "-pk")
    )


def request_for(applicant: Applicant, pk: int):
    """The applicant's own request ``pk``; 404 for anyone else's."""
    support_request = applicant_requests(applicant).select_related("beneficiary").filter(pk=pk).first()
    if support_request is None:
        raise Http404
    return support_request


@dataclass(frozen=True)
class RequestPage:
    support_request: object
    status_text: str
    returned_items: list
    missing_documents: list  # document types the applicant may upload now
    waiting_documents: list  # supplied, waiting for the officer to verify them
    earliest_decision: dt.datetime | None
    acknowledgment: bool
    decision: object | None
    can_appeal: bool
    appeal_until: dt.date | None
    appeal_case: object | None
    deliveries: list


def request_page(applicant: Applicant, support_request, *, now=None) -> RequestPage:
    from association.policy.procedure import procedure_in_force
    from channels_log.cases.models import Case
    from requests_app.models import CommitteeDecision
    from requests_app.selectors import decidable_from, required_documents_checklist

    now = now or timezone.now()
    procedure = procedure_in_force(now)
    intake = support_request.status in ("draft", "incomplete")
    checklist = (
        required_documents_checklist(beneficiary=support_request.beneficiary, service_type=support_request.service_type)
        if intake
        else []
    )
    earliest = decidable_from(support_request)
    if earliest is None and support_request.status in UNDECIDED and procedure.decision_window_days:
        # Not submitted yet: the policy's window starts when the officer submits it, today at the earliest.
        earliest = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0) + dt.timedelta(
            days=procedure.decision_window_days
        )
    decision = (
        CommitteeDecision.objects.filter(support_request=support_request).order_by("decided_at", "pk").last()
        if support_request.decided_at
        else None
    )
    appeal_case = (
        Case.objects.filter(support_request=support_request, contests_decision=True).order_by("-opened_at").first()
    )
    appeal_until = timezone.localdate(decision.decided_at) + dt.timedelta(days=APPEAL_DAYS) if decision else None
    can_appeal = bool(
        support_request.status == "rejected"
        and support_request.appealed_at is None
        and appeal_case is None
        and appeal_until is not None
        and timezone.localdate(now) <= appeal_until
    )
    return RequestPage(
        support_request=support_request,
        status_text=plain_status(support_request, decider=procedure.individual_decider_name),
        returned_items=support_request.returned_items,
        missing_documents=[item.document_type for item in checklist if not item.supplied],
        waiting_documents=[item.document_type for item in checklist if item.supplied and not item.verified],
        earliest_decision=earliest if support_request.status in UNDECIDED else None,
        acknowledgment=bool(support_request.number),
        decision=decision,
        can_appeal=can_appeal,
        appeal_until=appeal_until,
        appeal_case=appeal_case,
        deliveries=list(support_request.deliveries.order_by("delivered_on", "pk")),
    )


def delivery_for(applicant: Applicant, support_request_pk: int, delivery_pk: int):
    support_request = request_for(applicant, support_request_pk)
    delivery = support_request.deliveries.filter(pk=delivery_pk).first()
    if delivery is None:
        raise Http404
    return delivery


def applicant_cases(applicant: Applicant):
    """Their inquiries and complaints: sent from their file, or from their mobile with no file named."""
    from channels_log.cases.models import Case

    mine = Q(contact__beneficiary__isnull=True, mobile=applicant.mobile)
    if applicant.beneficiary_id is not None:
        mine |= Q(contact__beneficiary_id=applicant.beneficiary_id)
    return Case.objects.filter(mine).select_related("contact", "support_request").order_by("-opened_at", "-pk")


def case_for(applicant: Applicant, pk: int):
    case = applicant_cases(applicant).filter(pk=pk).first()
    if case is None:
        raise Http404
    return case


def open_invitations(applicant: Applicant, *, now=None):
    """Survey invitations made out to them and due, not answered and not expired."""
    from surveys.models import Invitation

    if applicant.beneficiary_id is None:
        return Invitation.objects.none()
    now = now or timezone.now()
    return (
        Invitation.objects.filter(
            beneficiary_id=applicant.beneficiary_id, scheduled_for__lte=now, used_at__isnull=True, expires_at__gt=now
        )
        .select_related("version__survey")
        .order_by("expires_at", "pk")
    )


# ---- their data ---------------------------------------------------------------------------------------------

PROFILE_FIELDS = (
    "national_id",
    "first_name",
    "father_name",
    "grandfather_name",
    "family_name",
    "gender",
    "birth_date",
    "nationality",
    "marital_status",
    "mobile",
    "city",
    "district",
    "iban",
    "health_notes",
    "disability_notes",
)
MASKED_FIELDS = frozenset({"national_id", "iban", "health_notes", "disability_notes"})


def _value(instance, name: str):
    display = getattr(instance, f"get_{name}_display", None)
    value = display() if display else getattr(instance, name)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return "" if value is None else str(value)


def profile_rows(beneficiary, *, reveal: bool) -> list[tuple[str, str]]:
    """(label, value) of the file, sensitive values masked unless ``reveal``."""
    from association.kernel.text import mask

    rows = []
    for name in PROFILE_FIELDS:
        value = _value(beneficiary, name)
        if name in MASKED_FIELDS and value and not reveal:
            value = mask(value) if name in ("national_id", "iban") else str(_("Recorded (hidden)"))
        rows.append((str(beneficiary._meta.get_field(name).verbose_name), value))
    return rows
