"""What programs hold about a person, for the PDPL export and erasure (``beneficiaries.privacy``): registry slots
``subject_data``, ``subject_erasure`` and ``beneficiary_last_activity``.

A volunteer record has no link to the registry: it is the person's when it carries the same national ID (by its
keyed hash, the same purpose as the registry's). Attendance is theirs by their file, or by
their mobile on a list with no file named; proposals by their file or by their volunteer record."""

from django.db.models import Max, Q
from django.utils.translation import gettext as _

from association.kernel import registry
from beneficiaries.privacy.services import ERASED_NAME
from beneficiaries.privacy.subject import section

from .models import Attendance, Program, Volunteer, VolunteerHours, VolunteerStatusChange


def volunteers_of(beneficiary):
    """By the ID's keyed hash only: a mobile is often a household's, and another member's volunteer record is
    not this person's to read or erase."""
    if not beneficiary.national_id_hash:
        return Volunteer.objects.none()
    return Volunteer.objects.filter(national_id_hash=beneficiary.national_id_hash)


def attendance_of(beneficiary):
    mine = Q(beneficiary=beneficiary)
    if beneficiary.mobile:
        mine |= Q(beneficiary__isnull=True, mobile=beneficiary.mobile)
    return Attendance.objects.filter(mine)


def proposals_of(beneficiary):
    return Program.objects.filter(Q(beneficiary=beneficiary) | Q(volunteer__in=volunteers_of(beneficiary)))


def volunteer_section(*, beneficiary):
    columns = [
        ("full_name", _("full name")),
        ("national_id", _("national ID or iqama")),
        ("mobile", _("mobile")),
        ("email", _("email")),
        ("skills", _("skills")),
        ("availability", _("availability")),
        ("status", _("status")),
        ("applied_at", _("applied at")),
        ("hours", _("hours")),
    ]
    rows = [
        {
            "full_name": v.full_name,
            "national_id": v.national_id,
            "mobile": v.mobile,
            "email": v.email,
            "skills": v.skills,
            "availability": v.get_availability_display(),
            "status": v.get_status_display(),
            "applied_at": v.applied_at,
            "hours": sum((h.hours for h in v.hours.all()), 0),
        }
        for v in volunteers_of(beneficiary).prefetch_related("hours").order_by("pk")
    ]
    return section("volunteering", _("Volunteering"), columns, rows)


def attendance_section(*, beneficiary):
    columns = [
        ("program", _("program")),
        ("session", _("session")),
        ("starts_at", _("date and time")),
        ("name", _("name")),
        ("mobile", _("mobile")),
        ("attended_at", _("attended at")),
    ]
    rows = [
        {
            "program": str(a.session.program),
            "session": a.session.title,
            "starts_at": a.session.starts_at,
            "name": a.name,
            "mobile": a.mobile,
            "attended_at": a.checked_in_at,
        }
        for a in attendance_of(beneficiary).select_related("session__program").order_by("session__starts_at", "pk")
    ]
    return section("program_attendance", _("Program sessions attended"), columns, rows)


def proposals_section(*, beneficiary):
    columns = [
        ("reference", _("reference number")),
        ("title", _("title")),
        ("requester", _("proposed by")),
        ("status", _("status")),
        ("proposed_at", _("proposed at")),
        ("description", _("description")),
    ]
    rows = [
        {
            "reference": p.reference,
            "title": p.title,
            "requester": p.get_requester_display(),
            "status": p.get_status_display(),
            "proposed_at": p.proposed_at,
            "description": p.description,
        }
        for p in proposals_of(beneficiary).order_by("proposed_at", "pk")
    ]
    return section("program_proposals", _("Programs they proposed"), columns, rows)


def erase(*, beneficiary) -> dict[str, int]:
    """The volunteer record loses name, ID, contacts and skills (its status, dates and hours stay for the
    statistics); attendance lines lose the name and mobile (the head-counts stay). Proposals are the
    association's programs: they stay, their proposer's file being anonymised by the registry."""
    counts = {}
    volunteers = list(volunteers_of(beneficiary))
    for volunteer in volunteers:
        # Unique and never a real number (real IDs start with 1 or 2), as the registry's erasure does.
        volunteer.national_id = f"0{volunteer.pk:09d}"[-10:]
        volunteer.full_name, volunteer.mobile, volunteer.email, volunteer.skills = ERASED_NAME, "", "", ""
        volunteer.save(update_fields=["national_id", "national_id_hash", "full_name", "mobile", "email", "skills"])
    counts["volunteers"] = len(volunteers)
    counts["volunteer_steps"] = (
        VolunteerStatusChange.objects.filter(volunteer__in=volunteers).exclude(reason="").update(reason="")
    )
    counts["program_attendance"] = attendance_of(beneficiary).update(name=ERASED_NAME, mobile="")
    return counts


def last_activity(*, beneficiary):
    moments = [
        attendance_of(beneficiary).aggregate(at=Max("session__starts_at"))["at"],
        proposals_of(beneficiary).aggregate(at=Max("proposed_at"))["at"],
        VolunteerHours.objects.filter(volunteer__in=volunteers_of(beneficiary)).aggregate(at=Max("recorded_at"))["at"],
    ]
    moments = [moment for moment in moments if moment is not None]
    return max(moments) if moments else None


def register() -> None:
    registry.register("subject_data", volunteer_section, order=40)
    registry.register("subject_data", attendance_section, order=41)
    registry.register("subject_data", proposals_section, order=42)
    registry.register("subject_erasure", erase, order=40)
    registry.register("beneficiary_last_activity", last_activity, order=40)
