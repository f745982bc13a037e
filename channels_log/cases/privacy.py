"""What cases hold about a person, for the PDPL export and erasure (``beneficiaries.privacy``)."""

from django.db.models import Q
from django.utils.translation import gettext as _

from association.kernel import registry
from beneficiaries.privacy.subject import section

from .models import Case, CaseEvent


def _of(beneficiary) -> Q:
    return Q(contact__beneficiary=beneficiary) | Q(support_request__beneficiary=beneficiary)


def cases_section(*, beneficiary):
    columns = [
        ("reference", _("reference number")),
        ("kind", _("kind")),
        ("status", _("status")),
        ("opened_at", _("opened at")),
        ("response", _("response")),
        ("outcome", _("outcome")),
    ]
    rows = [
        {
            "reference": c.reference,
            "kind": c.get_kind_display(),
            "status": c.get_status_display(),
            "opened_at": c.opened_at,
            "response": c.response,
            "outcome": c.get_outcome_display(),
        }
        for c in Case.objects.filter(_of(beneficiary)).distinct().order_by("opened_at", "pk")
    ]
    return section("cases", _("Complaints, inquiries and suggestions"), columns, rows)


def erase(*, beneficiary) -> dict[str, int]:
    ids = list(Case.objects.filter(_of(beneficiary)).values_list("pk", flat=True))
    counts = {"cases": Case.objects.filter(pk__in=ids).update(mobile="", response="", outcome_note="")}
    counts["case_steps"] = CaseEvent.objects.filter(case_id__in=ids).exclude(note="").update(note="")
    return counts


def register() -> None:
    registry.register("subject_data", cases_section, order=21)
    registry.register("subject_erasure", erase, order=21)
