"""What programs gives the pages and apps below it through the registry (``association.kernel.registry``)."""

from association.kernel.registry import Panel, SessionAudience

from .models import Attendance, Program, Session
from .transitions import ACTIVE


def session_attendees(*, session_id) -> SessionAudience | None:
    """Slot ``session_attendees``: the beneficiaries who attended a held session, for the survey after it."""
    session = Session.objects.filter(pk=session_id, status=Session.Status.HELD).first()
    if session is None:
        return None
    ids = Attendance.objects.filter(
        session=session, checked_in_at__isnull=False, beneficiary__isnull=False
    ).values_list("beneficiary_id", flat=True)
    return SessionAudience(subject_key=f"program:{session.program_id}", beneficiary_ids=tuple(ids))


def case_about_choices(*, user) -> list[tuple[str, str]] | None:
    """Slot ``case_about_choices``: the programs an inquiry or complaint may name (not the closed ones)."""
    if user is None or not user.has_perm("programs.view_program"):
        return None
    open_programs = Program.objects.exclude(status__in=(Program.Status.REJECTED, Program.Status.WITHDRAWN))
    return [(f"program:{p.pk}", f"{p.reference} — {p.title}") for p in open_programs.order_by("-proposed_at")[:200]]


def home_panel(*, user) -> Panel | None:
    """The programs waiting for the viewer: proposals to study or decide, programs to run."""
    if not user.has_perm("programs.view_program"):
        return None
    waiting = Program.objects.filter(status__in=(Program.Status.PROPOSED, Program.Status.UNDER_STUDY, *ACTIVE))
    return Panel("programs/_home_panel.html", {"programs_waiting": waiting.select_related("kind")[:8]})
