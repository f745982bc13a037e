"""What the self-service side holds about a person, for the PDPL export and erasure (``beneficiaries.privacy``):
registry slots ``subject_data``, ``subject_erasure`` and ``beneficiary_last_activity``.

Their sign-in account is the applicant linked to their file (or with their mobile and no file); with it go its
sessions (when, from which address) and the one-time codes sent to that mobile (when, tries: the codes
themselves are only hashes). Their online applications are the support requests received online."""

from django.db.models import Max, Q
from django.utils.translation import gettext as _

from association.kernel import registry
from beneficiaries.privacy.subject import section

from .models import Applicant, ApplicantSession, SignInCode


def applicants_of(beneficiary):
    """Linked to their file, or signing in with their mobile and linked to no file (a household's shared
    mobile signed in for another member's file is that member's)."""
    mine = Q(beneficiary=beneficiary)
    if beneficiary.mobile:
        mine |= Q(beneficiary__isnull=True, mobile=beneficiary.mobile)
    return Applicant.objects.filter(mine)


def _mobiles(applicants) -> list[str]:
    return [applicant.mobile for applicant in applicants if applicant.mobile]


def sign_in_section(*, beneficiary):
    columns = [
        ("kind", _("kind")),
        ("mobile", _("mobile")),
        ("at", _("at")),
        ("until", _("until")),
        ("client_address", _("client address")),
        ("detail", _("detail")),
    ]
    applicants = list(applicants_of(beneficiary))
    rows = [
        {
            "kind": _("Self-service account"),
            "mobile": a.mobile,
            "at": a.created_at,
            "until": a.last_signed_in_at,
            "client_address": "",
            "detail": _("Registration handed to the desk: %(reference)s") % {"reference": a.desk_case.reference}
            if a.desk_case_id
            else "",
        }
        for a in applicants
    ]
    sessions = ApplicantSession.objects.filter(applicant__in=applicants).select_related("applicant")
    rows += [
        {
            "kind": _("Signed-in session"),
            "mobile": s.applicant.mobile,
            "at": s.created_at,
            "until": s.ended_at or s.last_seen_at,
            "client_address": s.client_address or "",
            "detail": _("ID digits checked") if s.id_checked_at else "",
        }
        for s in sessions.order_by("created_at", "pk")
    ]
    codes = SignInCode.objects.filter(mobile__in=_mobiles(applicants)).order_by("created_at", "pk")
    rows += [
        {
            "kind": _("Sign-in code sent"),
            "mobile": c.mobile,
            "at": c.created_at,
            "until": c.used_at or c.expires_at,
            "client_address": c.client_address or "",
            "detail": _("Used") if c.used_at else _("Wrong tries: %(n)s") % {"n": c.attempts},
        }
        for c in codes
    ]
    return section("self_service", _("Self-service sign-ins"), columns, rows)


def online_applications_section(*, beneficiary):
    from requests_app.models import SupportRequest

    columns = [
        ("number", _("number")),
        ("service", _("service type")),
        ("received_online_at", _("received online at")),
        ("status", _("status")),
    ]
    rows = [
        {
            "number": r.number or "",
            "service": r.service_type.name,
            "received_online_at": r.received_online_at,
            "status": r.get_status_display(),
        }
        for r in SupportRequest.objects.filter(beneficiary=beneficiary, received_online_at__isnull=False)
        .select_related("service_type")
        .order_by("received_online_at", "pk")
    ]
    return section("online_applications", _("Applications made online"), columns, rows)


def erase(*, beneficiary) -> dict[str, int]:
    """The sign-in account goes with its sessions and the codes sent to its mobile: nothing of it is a
    statistic, and a kept account would let that mobile sign in to an anonymised file."""
    applicants = list(applicants_of(beneficiary))
    codes, _by_model = SignInCode.objects.filter(mobile__in=_mobiles(applicants)).delete()
    sessions = ApplicantSession.objects.filter(applicant__in=applicants).count()
    accounts, _by_model = Applicant.objects.filter(pk__in=[a.pk for a in applicants]).delete()
    return {"self_service_accounts": len(applicants), "self_service_sessions": sessions, "sign_in_codes": codes}


def last_activity(*, beneficiary):
    found = applicants_of(beneficiary).aggregate(signed_in=Max("last_signed_in_at"), seen=Max("sessions__last_seen_at"))
    moments = [moment for moment in found.values() if moment is not None]
    return max(moments) if moments else None


def register() -> None:
    registry.register("subject_data", online_applications_section, order=12)
    registry.register("subject_data", sign_in_section, order=50)
    registry.register("subject_erasure", erase, order=50)
    registry.register("beneficiary_last_activity", last_activity, order=50)
