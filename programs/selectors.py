"""Reads shared by the pages, the report PDF and its workbook: lists with a fixed number of queries, and the
figures of a program over a period (sessions, attendance, satisfaction, volunteers' hours, cases, decisions)."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from channels_log.cases.models import Case
from surveys.models import Answer, Question, Response

from .models import Attendance, Program, ProgramNote, Session, Volunteer, VolunteerHours


def program_list(*, status: str = "", query: str = ""):
    programs = Program.objects.select_related("kind", "volunteer", "beneficiary", "organisation", "coordinator")
    if status:
        programs = programs.filter(status=status)
    if query:
        programs = programs.filter(Q(title__icontains=query) | Q(reference__icontains=query))
    return programs.annotate(session_count=Count("sessions", distinct=True)).order_by("-proposed_at", "-pk")


def volunteer_list(*, status: str = ""):
    # The hours in a subquery: summed over a join with the assignments they would be counted once per program.
    hours = (
        VolunteerHours.objects.filter(volunteer=OuterRef("pk"))
        .order_by()
        .values("volunteer")
        .annotate(total=Sum("hours"))
        .values("total")
    )
    volunteers = Volunteer.objects.annotate(
        total_hours=Subquery(hours), program_count=Count("assignments", distinct=True)
    )
    if status:
        volunteers = volunteers.filter(status=status)
    return volunteers.order_by("full_name", "pk")


def program_cases(program: Program):
    """Inquiries and complaints that name the program, with their targets."""
    return Case.objects.filter(about=program.subject_key).select_related("assignee").order_by("-opened_at")


@dataclass
class SessionLine:
    session: Session
    attended: int
    expected: int


@dataclass
class Figures:
    program: Program
    start: dt.date
    end: dt.date
    sessions: list[SessionLine] = field(default_factory=list)
    sessions_held: int = 0
    attendance: int = 0
    head_counts: int = 0
    responses: int = 0
    low_responses: int = 0
    average_rating: Decimal | None = None
    volunteer_hours: list = field(default_factory=list)
    total_hours: Decimal = Decimal(0)
    cases: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    @property
    def total_attendance(self) -> int:
        return self.attendance + self.head_counts

    @property
    def satisfaction_percent(self) -> int | None:
        """The average 1–5 rating as a share of the best: 4.5 → 90."""
        if self.average_rating is None:
            return None
        return round(self.average_rating / 5 * 100)


def _bounds(start: dt.date, end: dt.date):
    tz = timezone.get_current_timezone()
    low = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    high = dt.datetime.combine(end, dt.time.max, tzinfo=tz)
    return low, high


def program_figures(program: Program, start: dt.date | None = None, end: dt.date | None = None) -> Figures:
    """The figures of ``program`` between ``start`` and ``end`` (its own dates when not given); a bounded number
    of queries whatever the number of sessions, attendees, answers or cases."""
    start = start or min(program.start_date, timezone.localdate(program.proposed_at))
    end = end or max(program.end_date, timezone.localdate())
    low, high = _bounds(start, end)
    figures = Figures(program=program, start=start, end=end)
    sessions = (
        Session.objects.filter(program=program, starts_at__range=(low, high))
        .annotate(
            attended=Count("attendances", filter=Q(attendances__checked_in_at__isnull=False)),
            expected=Count("attendances"),
        )
        .order_by("starts_at", "pk")
    )
    for session in sessions:
        attended = (session.head_count or 0) if session.open_event else session.attended
        figures.sessions.append(SessionLine(session, attended, session.expected))
        if session.status == Session.Status.HELD:
            figures.sessions_held += 1
            if session.open_event:
                figures.head_counts += session.head_count or 0
            else:
                figures.attendance += session.attended
    responses = Response.objects.filter(subject_key=program.subject_key, submitted_on__range=(start, end))
    counts = responses.aggregate(total=Count("pk"), low=Count("pk", filter=Q(is_low=True)))
    figures.responses, figures.low_responses = counts["total"], counts["low"]
    average = Answer.objects.filter(response__in=responses, question__kind=Question.Kind.RATING).aggregate(
        average=Avg("number")
    )["average"]
    figures.average_rating = Decimal(str(round(average, 2))) if average is not None else None
    hours = (
        VolunteerHours.objects.filter(session__program=program, session__starts_at__range=(low, high))
        .values("volunteer_id", "volunteer__full_name")
        .annotate(total=Sum("hours"), sessions=Count("session"))
        .order_by("volunteer__full_name")
    )
    # Hours keep their one decimal place on every database (SQLite's SUM of «1.5» and «1.5» is «3»).
    tenth = Decimal("0.1")
    figures.volunteer_hours = [{**row, "total": Decimal(row["total"]).quantize(tenth)} for row in hours]
    figures.total_hours = sum((row["total"] for row in figures.volunteer_hours), Decimal(0)).quantize(tenth)
    figures.cases = list(program_cases(program).filter(opened_at__range=(low, high)))
    figures.notes = list(
        ProgramNote.objects.filter(program=program, recorded_at__range=(low, high)).select_related("recorded_by")
    )
    return figures


def attendances_for(session: Session):
    return Attendance.objects.filter(session=session).select_related("beneficiary").order_by("name", "pk")


def volunteer_hours_lines(volunteer: Volunteer):
    return (
        VolunteerHours.objects.filter(volunteer=volunteer)
        .select_related("session__program")
        .order_by("session__starts_at", "pk")
    )
