"""Every write of programs and volunteers: keyword-only, ``authorize`` first, ``full_clean`` what they create, status
changes through ``association.kernel.lifecycle.transition`` (``transitions``), the proposer told by SMS."""

import datetime as dt
import secrets

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from association.channels import system_channel
from association.kernel import events
from association.kernel.lifecycle import transition
from association.kernel.permissions import authorize
from association.kernel.uploads import ALLOWED_DOCUMENT_TYPES, uploaded_file_check
from channels_log.messaging.services import message_queue

from . import messages
from .models import (
    Attendance,
    Organisation,
    Permit,
    Program,
    ProgramDocument,
    ProgramNote,
    ProgramReport,
    ProgramStatusChange,
    Session,
    Volunteer,
    VolunteerAssignment,
    VolunteerHours,
    VolunteerStatusChange,
)
from .procedure import procedure_in_force, programs_decider
from .transitions import ACTIVE, DECISION_STEPS, TRANSITIONS, VOLUNTEER_TRANSITIONS, table_for

S = Program.Status
SESSION_HELD = "program_session_held"
PERMIT_REMINDER_DAYS = 14
ATTENDANCE_SALT = "programs.attendance"


def _site_url(path: str) -> str:
    from django.conf import settings

    return settings.SITE_URL.rstrip("/") + path


# --- Organisations and volunteers -------------------------------------------------------------------


def organisation_save(*, actor, organisation: Organisation) -> Organisation:
    authorize(actor, "programs.change_organisation" if organisation.pk else "programs.add_organisation")
    organisation.full_clean()
    organisation.save()
    return organisation


def volunteer_apply(*, actor, volunteer: Volunteer) -> Volunteer:
    """A volunteer application received through the volunteering channel («خدمة التطوع»)."""
    authorize(actor, "programs.add_volunteer")
    volunteer.channel = system_channel("volunteering")
    volunteer.recorded_by = actor
    volunteer.applied_at = timezone.now()
    volunteer.full_clean()
    volunteer.save()
    VolunteerStatusChange.objects.create(
        volunteer=volunteer, old_status="", new_status=volunteer.status, actor=actor, at=volunteer.applied_at
    )
    return volunteer


def volunteer_step(*, volunteer: Volunteer, to: str, actor, reason: str = "") -> Volunteer:
    with transaction.atomic():
        volunteer = transition(
            volunteer, to=to, actor=actor, table=VOLUNTEER_TRANSITIONS, reason=reason, audit=VolunteerStatusChange
        )
        if to == Volunteer.Status.APPROVED:
            message_queue(
                event=messages.VOLUNTEER_APPROVED,
                key=f"volunteer_approved:{volunteer.pk}:{volunteer.status_changes.count()}",
                mobile=volunteer.mobile,
                context={},
            )
    return volunteer


# --- Proposals and their lifecycle ------------------------------------------------------------------


def _new_reference(now) -> str:
    prefix = f"P-{now.year}-"
    last = Program.objects.filter(reference__startswith=prefix).aggregate(last=Max("reference"))["last"]
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:04d}"


def _tell_proposer(program: Program, *, event: str, key: str, **context) -> None:
    """The proposer hears of every step: by their file's preferences for a beneficiary, by SMS to the mobile
    otherwise (volunteer, organisation's contact person, supervising body's office)."""
    target = {}
    if program.requester == Program.Requester.BENEFICIARY and program.beneficiary_id:
        target["beneficiary"] = program.beneficiary
    else:
        mobile = {
            Program.Requester.VOLUNTEER: program.volunteer.mobile if program.volunteer_id else "",
            Program.Requester.ORGANISATION: program.organisation.contact_mobile if program.organisation_id else "",
            Program.Requester.SUPERVISING_BODY: program.body_mobile,
        }.get(program.requester, "")
        if not mobile:
            return
        target["mobile"] = mobile
    message_queue(
        event=event,
        key=key,
        subject_id=program.pk,
        context={"reference": program.reference, "title": program.title, **context},
        **target,
    )


def _store_document(*, program: Program, title: str, uploaded_file, actor) -> ProgramDocument:
    content_type = uploaded_file_check(uploaded_file, field="file")
    document = ProgramDocument(
        program=program,
        title=title or (uploaded_file.name or "")[:200],
        original_name=(uploaded_file.name or "")[:200],
        content_type=content_type,
        uploaded_by=actor,
    )
    document.file.save(f"upload.{ALLOWED_DOCUMENT_TYPES[content_type]}", uploaded_file, save=False)
    document.full_clean()
    document.save()
    return document


def _check_policy_runs(requester: str) -> None:
    """The approved policy says whether volunteers propose programs, and whether the community, organisations and
    the supervising body request them (``procedure.ProcedureProfile``)."""
    profile = procedure_in_force()
    if requester == Program.Requester.VOLUNTEER and not profile.volunteer_proposals:
        raise ValidationError({"requester": _("The policy in force does not take program proposals from volunteers.")})
    if requester != Program.Requester.VOLUNTEER and not profile.program_requests:
        raise ValidationError(
            {"requester": _("The policy in force does not take program requests from the community.")}
        )


def program_propose(*, actor, program: Program, documents=()) -> Program:
    """Record a proposal (status «proposed»), its documents and its first audit row; tell the proposer."""
    authorize(actor, "programs.add_program")
    _check_policy_runs(program.requester)
    for uploaded_file in documents:
        uploaded_file_check(uploaded_file, field="file")
    now = timezone.now()
    with transaction.atomic():
        # One number at a time: the next reference is read under the table's lock.
        Program.objects.select_for_update().filter(reference__startswith=f"P-{now.year}-").order_by().last()
        program.reference = _new_reference(now)
        program.status = S.PROPOSED
        program.proposed_at = now
        program.created_by = actor
        program.full_clean()
        program.save()
        ProgramStatusChange.objects.create(program=program, old_status="", new_status=S.PROPOSED, actor=actor, at=now)
        for uploaded_file in documents:
            _store_document(program=program, title="", uploaded_file=uploaded_file, actor=actor)
        _tell_proposer(program, event=messages.PROGRAM_RECEIVED, key=f"program:{program.pk}:proposed")
    return program


def missing_permits(program: Program, day: dt.date | None = None) -> list:
    """The permits the program's kind needs that have no valid permit on ``day`` (today)."""
    day = day or timezone.localdate()
    valid = {p.requirement_id for p in program.permits.all() if p.is_valid_on(day)}
    return [r for r in program.kind.permit_requirements.all() if r.pk not in valid]


def _gate(program: Program, to: str) -> None:
    if to in (S.PERMITTED, S.SCHEDULED) and missing_permits(program):
        names = "، ".join(r.name for r in missing_permits(program))
        raise ValidationError(
            {"status": _("The program lacks valid permits: %(names)s.") % {"names": names}}, code="permits"
        )
    if to == S.SCHEDULED and not program.sessions.exclude(status=Session.Status.CANCELLED).exists():
        raise ValidationError({"status": _("Plan at least one session before scheduling the program.")})


def program_step(*, program: Program, to: str, actor, reason: str = "") -> Program:
    """Any step but the decision and the final report (their own services)."""
    if to in DECISION_STEPS or to == S.REPORTED:
        raise ValidationError({"status": _("This step has its own form.")}, code="invalid_transition")
    if to == S.WITHDRAWN and not reason.strip():
        raise ValidationError({"reason": _("Say why the program is withdrawn.")})
    with transaction.atomic():
        _gate(program, to)
        program = transition(program, to=to, actor=actor, table=TRANSITIONS, reason=reason, audit=ProgramStatusChange)
        _tell_proposer(
            program,
            event=messages.PROGRAM_STEP,
            key=f"program:{program.pk}:{to}",
            status=str(S(to).label),
        )
    return program


def program_decide(*, program: Program, actor, approve: bool, note: str, body_letter: str = "") -> Program:
    """The deciding body the policy names approves or rejects (``procedure.programs_decider``): the step needs
    that body's permission. A competent body outside the association decides by letter: its number is kept."""
    decider, decider_name, permission = programs_decider()
    if not note.strip():
        raise ValidationError({"note": _("Write the decision and its reasons.")})
    if decider == "competent_body" and not body_letter.strip():
        raise ValidationError({"body_letter": _("Give the number and date of the competent body's letter.")})
    to = S.APPROVED if approve else S.REJECTED
    text = note.strip() + (f" ({body_letter.strip()})" if body_letter.strip() else "")
    with transaction.atomic():
        program = transition(
            program,
            to=to,
            actor=actor,
            table=table_for(permission),
            reason=text,
            audit=ProgramStatusChange,
            decision_note=text,
            decided_by_body=decider_name,
        )
        _tell_proposer(
            program,
            event=messages.PROGRAM_APPROVED if approve else messages.PROGRAM_REJECTED,
            key=f"program:{program.pk}:{to}",
            decider=decider_name,
            reason=note.strip()[:200],
        )
    return program


def program_coordinator_set(*, program: Program, coordinator, actor) -> Program:
    authorize(actor, "programs.change_program")
    if coordinator is not None and not coordinator.has_perm("programs.run_program"):
        raise ValidationError({"coordinator": _("This user does not run programs.")})
    program.coordinator = coordinator
    program.save(update_fields=["coordinator"])
    return program


def document_add(*, program: Program, title: str, uploaded_file, actor) -> ProgramDocument:
    authorize(actor, "programs.change_program")
    with transaction.atomic():
        return _store_document(program=program, title=title, uploaded_file=uploaded_file, actor=actor)


# --- Permits ---------------------------------------------------------------------------------------


def permit_save(*, permit: Permit, actor, scan=None) -> Permit:
    """Record a permit request, or its issue (number, dates, scan). A changed expiry date is reminded again."""
    authorize(actor, "programs.run_program")
    if permit.program.status in (S.PROPOSED, S.UNDER_STUDY, S.REJECTED, S.WITHDRAWN, S.REPORTED):
        raise ValidationError(_("Permits are recorded for an approved program."))
    if permit.requirement_id and permit.requirement.kind_id != permit.program.kind_id:
        raise ValidationError({"requirement": _("This permit is not one this kind of program needs.")})
    if permit.requirement_id and not permit.authority:
        permit.authority = permit.requirement.authority
    with transaction.atomic():
        if permit.pk:
            old = Permit.objects.select_for_update().get(pk=permit.pk)
            if old.expires_on != permit.expires_on:
                permit.reminded_at = None
        if scan is not None:
            permit.scan_content_type = uploaded_file_check(scan, field="scan")
            permit.scan.save(f"permit.{ALLOWED_DOCUMENT_TYPES[permit.scan_content_type]}", scan, save=False)
        permit.recorded_by = permit.recorded_by or actor
        permit.full_clean()
        permit.save()
    return permit


def permit_owner(permit: Permit):
    """Who renews a permit: the program's coordinator, or who recorded the permit."""
    return permit.program.coordinator or permit.recorded_by


def permit_expiry_sweep(*, now=None) -> int:
    """Remind the owner of each valid permit of an active program that expires within ``PERMIT_REMINDER_DAYS``,
    once (``reminded_at``, claimed by a conditional update: two sweeps at once remind once). Returns how many."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = Permit.objects.filter(
        reminded_at__isnull=True,
        program__status__in=ACTIVE,
        expires_on__gte=today,
        expires_on__lte=today + dt.timedelta(days=PERMIT_REMINDER_DAYS),
    ).exclude(number="")
    sent = 0
    for permit_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            if not Permit.objects.filter(pk=permit_id, reminded_at__isnull=True).update(reminded_at=now):
                continue
            permit = Permit.objects.select_related("program__coordinator", "recorded_by").get(pk=permit_id)
            owner = permit_owner(permit)
            if owner is None:
                continue
            message_queue(
                event=messages.PERMIT_EXPIRING,
                key=f"permit_expiring:{permit.pk}:{permit.expires_on.isoformat()}",
                user=owner,
                subject_id=permit.program_id,
                context={
                    "reference": permit.program.reference,
                    "title": permit.program.title,
                    "permit": str(permit),
                    "expires_on": permit.expires_on.isoformat(),
                    "url": _site_url(permit.program.get_absolute_url()),
                },
            )
            sent += 1
    return sent


# --- Sessions and attendance -----------------------------------------------------------------------

SESSION_STATUSES = (S.PERMITTED, S.SCHEDULED, S.RUNNING)


def session_save(*, session: Session, actor) -> Session:
    authorize(actor, "programs.run_program")
    if session.program.status not in SESSION_STATUSES:
        raise ValidationError(_("Sessions are planned once the program is permitted."))
    session.full_clean()
    session.save()
    return session


def session_held(*, session: Session, actor, head_count: int | None = None) -> Session:
    """The session took place: ``program_session_held(session_id)`` is published after the commit (surveys
    invites the attendees). Once: a second call changes nothing."""
    authorize(actor, "programs.run_program")
    given = session
    with transaction.atomic():
        session = Session.objects.select_for_update().select_related("program").get(pk=session.pk)
        if session.status == Session.Status.HELD:
            return session
        if session.program.status != S.RUNNING:
            raise ValidationError(_("Sessions are held while the program is running."))
        if session.open_event and head_count is None and session.head_count is None:
            raise ValidationError({"head_count": _("Give the head-count of this open event.")})
        session.status = Session.Status.HELD
        session.held_at = timezone.now()
        if head_count is not None:
            session.head_count = head_count
        session.full_clean()
        session.save(update_fields=["status", "held_at", "head_count"])
        events.publish(SESSION_HELD, session_id=session.pk)
    given.status, given.held_at, given.head_count = session.status, session.held_at, session.head_count
    return session


def head_count_set(*, session: Session, actor, head_count: int) -> Session:
    authorize(actor, "programs.run_program")
    if not session.open_event:
        raise ValidationError({"head_count": _("Only an open event is counted by heads.")})
    session.head_count = head_count
    session.full_clean()
    session.save(update_fields=["head_count"])
    return session


def attendance_signed(attendance: Attendance) -> str:
    """The attendee's token, signed: a made-up or altered token is refused before any query."""
    return signing.Signer(salt=ATTENDANCE_SALT).sign(attendance.token)


def attendance_url(attendance: Attendance) -> str:
    """The attendee's public link (their QR code)."""
    from django.urls import reverse

    return _site_url(reverse("programs:attend", kwargs={"token": attendance_signed(attendance)}))


def attendance_add(*, session: Session, actor, beneficiary=None, name: str = "", mobile: str = "", send_link=True):
    """Expect one person at a session (from the registry, or by name and mobile); their QR link goes by SMS."""
    authorize(actor, "programs.run_program")
    if session.open_event:
        raise ValidationError(_("An open event is counted by heads, without a list of names."))
    if session.status == Session.Status.CANCELLED:
        raise ValidationError(_("This session is cancelled."))
    if beneficiary is not None:
        name, mobile = beneficiary.full_name, mobile or beneficiary.mobile or ""
    if not name:
        raise ValidationError({"name": _("Give the attendee's name or choose a beneficiary.")})
    attendance = Attendance(
        session=session, beneficiary=beneficiary, name=name, mobile=mobile, token=secrets.token_urlsafe(24)
    )
    attendance.full_clean()
    try:
        with transaction.atomic():
            attendance.save()
            if send_link and (beneficiary is not None or mobile):
                target = {"beneficiary": beneficiary} if beneficiary is not None else {"mobile": mobile}
                message_queue(
                    event=messages.ATTENDANCE_LINK,
                    key=f"attendance_link:{attendance.pk}",
                    subject_id=session.program_id,
                    context={"title": session.title, "url": attendance_url(attendance)},
                    **target,
                )
    except IntegrityError:
        raise ValidationError(_("This person is already on the session's list.")) from None
    return attendance


class AttendanceRefused(Exception):
    """``reason``: ``"invalid"`` (not our link), ``"used"``, ``"not_open"`` (too early or too late)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def attendance_for_token(signed: str) -> Attendance:
    try:
        token = signing.Signer(salt=ATTENDANCE_SALT).unsign(signed)
    except signing.BadSignature:
        raise AttendanceRefused("invalid") from None
    attendance = Attendance.objects.select_related("session__program").filter(token=token).first()
    if attendance is None:
        raise AttendanceRefused("invalid")
    return attendance


def check_in_window(session: Session) -> tuple[dt.datetime, dt.datetime]:
    """The QR link records attendance from three hours before the session to the end of its day."""
    start = session.starts_at - dt.timedelta(hours=3)
    local = timezone.localtime(session.starts_at)
    end = local.replace(hour=23, minute=59, second=59)
    return start, end


def attendance_check_in(*, signed: str, now=None) -> Attendance:
    """The attendee's scan: single use (a conditional update claims the row: a second scan, even at the same
    instant, finds it taken). No actor: the signed token is the credential and opens this one check-in."""
    now = now or timezone.now()
    attendance = attendance_for_token(signed)
    session = attendance.session
    start, end = check_in_window(session)
    if session.status == Session.Status.CANCELLED or not (start <= now <= end):
        raise AttendanceRefused("not_open")
    with transaction.atomic():
        claimed = Attendance.objects.filter(pk=attendance.pk, checked_in_at__isnull=True).update(
            checked_in_at=now, method=Attendance.Method.QR
        )
    if not claimed:
        raise AttendanceRefused("used")
    attendance.refresh_from_db()
    return attendance


def attendance_mark(*, attendance: Attendance, actor, present: bool = True) -> Attendance:
    """Tick (or untick) the list; a QR check-in is kept as it is."""
    authorize(actor, "programs.run_program")
    if present:
        Attendance.objects.filter(pk=attendance.pk, checked_in_at__isnull=True).update(
            checked_in_at=timezone.now(), method=Attendance.Method.LIST
        )
    else:
        Attendance.objects.filter(pk=attendance.pk, method=Attendance.Method.LIST).update(checked_in_at=None, method="")
    attendance.refresh_from_db()
    return attendance


# --- Volunteers at work -----------------------------------------------------------------------------


def volunteer_assign(*, program: Program, volunteer: Volunteer, task: str, actor) -> VolunteerAssignment:
    authorize(actor, "programs.run_program")
    if volunteer.status != Volunteer.Status.APPROVED:
        raise ValidationError({"volunteer": _("Only an approved volunteer can be assigned.")})
    if program.status in (S.REJECTED, S.WITHDRAWN, S.REPORTED):
        raise ValidationError(_("This program takes no more volunteers."))
    assignment = VolunteerAssignment(program=program, volunteer=volunteer, task=task)
    assignment.full_clean()
    assignment.save()
    return assignment


def hours_record(*, session: Session, volunteer: Volunteer, hours, actor) -> VolunteerHours:
    """Hours a volunteer gave at a held session of a program they are assigned to; recording again corrects."""
    authorize(actor, "programs.run_program")
    if session.status != Session.Status.HELD:
        raise ValidationError(_("Hours are recorded for a session that was held."))
    if not VolunteerAssignment.objects.filter(program_id=session.program_id, volunteer=volunteer).exists():
        raise ValidationError({"volunteer": _("This volunteer is not assigned to the program.")})
    row = VolunteerHours.objects.filter(session=session, volunteer=volunteer).first() or VolunteerHours(
        session=session, volunteer=volunteer
    )
    row.hours = hours
    row.recorded_by = actor
    row.full_clean(validate_unique=False)
    row.save()
    return row


# --- Decisions, recommendations and reports ----------------------------------------------------------


def note_add(*, program: Program, kind: str, text: str, actor) -> ProgramNote:
    authorize(actor, "programs.report_program")
    note = ProgramNote(program=program, kind=kind, text=text, recorded_by=actor)
    note.full_clean()
    note.save()
    return note


def report_issue(*, program: Program, actor, period_start, period_end, final: bool, addressed_to: str) -> ProgramReport:
    """A follow-up report over a period. The final report of a completed program moves it to «reported»."""
    authorize(actor, "programs.report_program")
    if final and program.status != S.COMPLETED:
        raise ValidationError({"final": _("Only a completed program gets its final report.")})
    if program.status in (S.PROPOSED, S.UNDER_STUDY, S.REJECTED, S.WITHDRAWN):
        raise ValidationError(_("A program that did not run has no follow-up report."))
    with transaction.atomic():
        report = ProgramReport(
            program=program,
            period_start=period_start,
            period_end=period_end,
            final=final,
            addressed_to=addressed_to,
            issued_by=actor,
        )
        report.full_clean()
        report.save()
        if final:
            transition(
                program, to=S.REPORTED, actor=actor, table=TRANSITIONS, reason=str(report), audit=ProgramStatusChange
            )
            _tell_proposer(
                program, event=messages.PROGRAM_STEP, key=f"program:{program.pk}:reported", status=str(S.REPORTED.label)
            )
    return report
