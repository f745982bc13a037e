"""What support requests hold about a person, for the PDPL export and erasure (``beneficiaries.privacy``):
registry slots ``subject_data``, ``subject_erasure`` and ``beneficiary_last_activity``."""

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from association.kernel import registry
from beneficiaries.privacy.subject import section

from .models import (
    CommitteeDecision,
    CommitteeVote,
    Declaration,
    Delivery,
    RequestNotification,
    SocialStudy,
    StatusChange,
    SupportRequest,
)


def requests_section(*, beneficiary):
    columns = [
        ("number", _("number")),
        ("service", _("service type")),
        ("status", _("status")),
        ("submitted_at", _("submitted at")),
        ("description", _("description")),
    ]
    rows = [
        {
            "number": r.number or "",
            "service": r.service_type.name,
            "status": r.get_status_display(),
            "submitted_at": r.submitted_at,
            "description": r.description,
        }
        for r in SupportRequest.objects.filter(beneficiary=beneficiary).select_related("service_type").order_by("pk")
    ]
    return section("requests", _("Support requests"), columns, rows)


def decisions_section(*, beneficiary):
    columns = [
        ("number", _("number")),
        ("outcome", _("outcome")),
        ("decided_at", _("decided at")),
        ("reasons", _("reasons")),
        ("grant", _("what is granted")),
    ]
    decisions = CommitteeDecision.objects.filter(support_request__beneficiary=beneficiary).select_related(
        "support_request"
    )
    rows = [
        {
            "number": d.support_request.number or "",
            "outcome": d.get_outcome_display(),
            "decided_at": d.decided_at,
            "reasons": d.reasons,
            "grant": " ".join(str(x) for x in (d.get_grant_kind_display(), d.grant_amount or "", d.grant_items) if x),
        }
        for d in decisions.order_by("decided_at", "pk")
    ]
    deliveries = Delivery.objects.filter(support_request__beneficiary=beneficiary).select_related("support_request")
    for d in deliveries.order_by("delivered_on", "pk"):
        rows.append(
            {
                "number": d.support_request.number or "",
                "outcome": _("Delivered"),
                "decided_at": d.delivered_on,
                "reasons": d.what,
                "grant": d.amount or "",
            }
        )
    return section("decisions", _("Decisions and deliveries"), columns, rows)


def erase(*, beneficiary) -> dict[str, int]:
    """Free text and signatures about the person go; statuses, dates, amounts and scores (statistics) stay."""
    requests = SupportRequest.objects.filter(beneficiary=beneficiary)
    counts = {"requests": requests.update(description="", appeal_text="", missing_items=[])}
    of_person = {"support_request__beneficiary": beneficiary}
    counts["studies"] = SocialStudy.objects.filter(**of_person).update(
        referral_reason="", income_sources="", health="", household_notes="", recommendation_reasons=""
    )
    counts["votes"] = CommitteeVote.objects.filter(**of_person).exclude(note="").update(note="")
    counts["decisions"] = CommitteeDecision.objects.filter(**of_person).update(reasons="", grant_items="")
    counts["request_steps"] = StatusChange.objects.filter(**of_person).exclude(reason="").update(reason="")
    counts["deliveries"] = Delivery.objects.filter(**of_person).exclude(receipt_note="").update(receipt_note="")
    RequestNotification.objects.filter(**of_person).update(context={})
    files = []
    for declaration in Declaration.objects.filter(**of_person):
        if declaration.signature_file:
            files.append(declaration.signature_file.name)
        declaration.text, declaration.signature_file = "", ""
        declaration.save(update_fields=["text", "signature_file"])
        counts["declarations"] = counts.get("declarations", 0) + 1
    if files:
        transaction.on_commit(lambda: [default_storage.delete(name) for name in files])
    return counts


def last_activity(*, beneficiary):
    found = SupportRequest.objects.filter(beneficiary=beneficiary).aggregate(
        created=Max("created_at"), changed=Max("status_changes__at")
    )
    moments = [moment for moment in found.values() if moment is not None]
    return max(moments) if moments else None


def register() -> None:
    registry.register("subject_data", requests_section, order=10)
    registry.register("subject_data", decisions_section, order=11)
    registry.register("subject_erasure", erase, order=10)
    registry.register("beneficiary_last_activity", last_activity, order=10)
