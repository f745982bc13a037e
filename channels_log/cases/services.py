"""Cases: open, assign, start, answer, record the outcome, close, reopen; escalate the overdue ones; the
public form's cases; what a user may do next on a case."""

import logging
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from association.calendar import add_working_days
from association.channels import Channel, system_channel
from association.kernel import events, lifecycle
from association.kernel.permissions import authorize
from association.kernel.roles import Role
from association.kernel.text import person_name
from channels_log.contacts.daily import contact_counted
from channels_log.contacts.models import ContactEntry

from . import messages as case_messages
from .models import Case, CaseEvent, ResponseTarget
from .selectors import cases_overdue

logger = logging.getLogger(__name__)

# Incoming contacts of these purposes open a case that must be answered within its target.
CASE_KINDS = {
    ContactEntry.Purpose.INQUIRY: Case.Kind.INQUIRY,
    ContactEntry.Purpose.COMPLAINT: Case.Kind.COMPLAINT,
    ContactEntry.Purpose.SUGGESTION: Case.Kind.SUGGESTION,
}
# Purposes a case can be opened for explicitly; only CASE_KINDS open one automatically on contact_record.
OPENABLE_KINDS = {**CASE_KINDS, ContactEntry.Purpose.FOLLOW_UP: Case.Kind.FOLLOW_UP}
# What the public may send from the website. A follow-up is opened by the portal itself (a low survey score).
PUBLIC_KINDS = (Case.Kind.INQUIRY, Case.Kind.COMPLAINT, Case.Kind.SUGGESTION)


# --- Cases: the lifecycle in one table ---

S = Case.Status
CHANGE = "channels_log.change_case"
ASSIGN = "channels_log.assign_case"
# From each status, the statuses a case may go to and the permission each step needs (``kernel.lifecycle``).
# Closing a complaint needs its outcome; closing an unanswered case and reopening need a reason.
TRANSITIONS: dict[str, dict[str, str]] = {
    S.OPEN: {S.IN_PROGRESS: CHANGE, S.ANSWERED: CHANGE, S.CLOSED: CHANGE},
    S.IN_PROGRESS: {S.ANSWERED: CHANGE, S.CLOSED: CHANGE},
    S.ANSWERED: {S.CLOSED: CHANGE, S.IN_PROGRESS: CHANGE},
    S.CLOSED: {S.IN_PROGRESS: CHANGE},
}
CASE_CLOSED = "case_closed"
COMPLAINT_CONTESTED_DECISION = "complaint_contested_decision"

# Unambiguous upper-case letters and digits: 32**9 references, so a reference alone is not guessable
# and the sender's mobile is asked for as well.
_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def can_change_status(case: Case, new_status: str) -> bool:
    return lifecycle.allowed(TRANSITIONS, case.status, new_status)


def new_reference() -> str:
    while True:
        reference = "C" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(9))
        if not Case.objects.filter(reference=reference).exists():
            return reference


def _locked(case: Case) -> Case:
    # Re-read under lock: two officers acting on the same case at once apply one after the other.
    return Case.objects.select_for_update().get(pk=case.pk)


def _event(case: Case, action: str, *, actor, at, old_status: str = "", new_status: str = "", note: str = "") -> None:
    CaseEvent.objects.create(
        case=case, action=action, actor=actor, at=at, old_status=old_status, new_status=new_status, note=note
    )


def _history(action: str):
    """The case's audit row for one lifecycle step (``kernel.lifecycle.transition``'s ``audit``)."""

    def write(*, obj, old, new, actor, reason, at):
        return _event(obj, action, actor=actor, at=at, old_status=old, new_status=new, note=reason)

    return write


def _move(case: Case, to: str, *, actor, action: str, now, note: str = "", event=None, **fields) -> Case:
    """The one way a case's status changes: the table, its permission, ``full_clean``, the history row."""
    return lifecycle.transition(
        case, to=to, actor=actor, table=TRANSITIONS, reason=note, audit=_history(action), event=event, now=now, **fields
    )


@transaction.atomic
def case_open(
    *, contact: ContactEntry, actor, staff_subject=None, support_request=None, contests_decision=False, about=""
) -> Case:
    """Open the case for an incoming inquiry, complaint or suggestion — or a low-score follow-up — with due
    dates from its target. A case the portal opens itself (``actor=None``: the public form, a survey
    follow-up) goes to the duty officer (``case_duty_officer``)."""
    kind = OPENABLE_KINDS.get(contact.purpose)
    if kind is None:
        raise ValidationError({"purpose": _("Only inquiries, complaints, suggestions and follow-ups open a case.")})
    if contests_decision and (kind != Case.Kind.COMPLAINT or support_request is None):
        raise ValidationError(
            {"support_request": _("A complaint that contests a decision must name the support request it was made on.")}
        )
    now = timezone.now()
    first_days, resolution_days = ResponseTarget.days_for(kind)
    mobile = contact.contact_mobile or (contact.beneficiary.mobile if contact.beneficiary_id else "")
    case = Case(
        reference=new_reference(),
        kind=kind,
        contact=contact,
        mobile=mobile,
        staff_subject=staff_subject,
        support_request=support_request,
        contests_decision=contests_decision,
        branch=contact.branch,  # the contact's branch answers it
        about=about,
        opened_at=now,
        first_response_due=add_working_days(now, first_days),
        resolution_due=add_working_days(now, resolution_days),
    )
    case.full_clean()
    case.save()
    _event(case, CaseEvent.Action.OPENED, actor=actor, at=now, new_status=case.status)
    if actor is None:
        duty_officer = case_duty_officer(exclude=staff_subject)
        if duty_officer is not None:
            case.assignee = duty_officer
            case.save(update_fields=["assignee"])
            _event(case, CaseEvent.Action.ASSIGNED, actor=None, at=now, note=person_name(duty_officer))
    if staff_subject is not None and contact.staff_subject_id != staff_subject.pk:
        contact.staff_subject = staff_subject
        contact.save(update_fields=["staff_subject"])
    return case


def _handles_cases(user) -> bool:
    return user.is_active and user.has_perm(CHANGE)


def case_duty_officer(*, exclude=None):
    """Who a case the portal opens itself (public form, survey follow-up) is assigned to.

    ``PUBLIC_CASES_DUTY_OFFICER`` names the duty officer's username. Unset — or naming someone who is
    gone, inactive or cannot handle cases (logged) — the case goes to the active relations officer with the
    fewest open cases (the longest-standing account on a tie), so every public message has someone
    answerable for it. With no relations officer at all it stays unassigned, in everyone's case list, and
    the overdue sweep escalates it as usual. Never the staff member a complaint is about (``exclude``)."""
    User = get_user_model()
    excluded = getattr(exclude, "pk", None)
    username = (getattr(settings, "PUBLIC_CASES_DUTY_OFFICER", "") or "").strip()
    if username:
        named = User.objects.filter(username=username).first()
        if named is None or not _handles_cases(named):
            logger.warning("PUBLIC_CASES_DUTY_OFFICER %r is not an active user who handles cases", username)
        elif named.pk != excluded:
            return named
    open_statuses = [Case.Status.OPEN, Case.Status.IN_PROGRESS]
    candidates = (
        User.objects.filter(is_active=True, groups__name=Role.RELATIONS_OFFICER)
        .exclude(pk=excluded)
        .annotate(open_cases=Count("assigned_cases", filter=Q(assigned_cases__status__in=open_statuses), distinct=True))
        .order_by("open_cases", "pk")
    )
    for candidate in candidates[:20]:
        if _handles_cases(candidate):
            return candidate
    return None


def _handled_by(case: Case, actor, perm: str = CHANGE) -> Case:
    """Authorize ``actor`` and lock the case; a complaint about a staff member is never handled by that member."""
    authorize(actor, perm, obj=case)
    locked = _locked(case)
    if locked.staff_subject_id is not None and locked.staff_subject_id == actor.pk:
        raise PermissionDenied
    return locked


@transaction.atomic
def case_assign(*, case: Case, assignee, actor) -> Case:
    authorize(actor, ASSIGN, obj=case)
    case = _locked(case)
    if assignee.pk == case.staff_subject_id:
        raise ValidationError({"assignee": _("A complaint about a staff member cannot be assigned to that member.")})
    if not assignee.is_active or not assignee.has_perm(CHANGE):
        raise ValidationError({"assignee": _("This user does not handle cases.")})
    if case.assignee_id == assignee.pk:
        return case
    case.assignee = assignee
    case.save(update_fields=["assignee"])
    _event(case, CaseEvent.Action.ASSIGNED, actor=actor, at=timezone.now(), note=person_name(assignee))
    return case


@transaction.atomic
def case_start(*, case: Case, actor) -> Case:
    """Take the case up: the first response (acknowledgement) counts from here."""
    case = _handled_by(case, actor)
    now = timezone.now()
    fields = {}
    if case.first_response_at is None:
        fields["first_response_at"] = now
    if case.assignee_id is None:
        fields["assignee"] = actor
    return _move(case, S.IN_PROGRESS, actor=actor, action=CaseEvent.Action.STARTED, now=now, **fields)


@transaction.atomic
def case_answer(*, case: Case, response: str, channel: Channel, actor) -> Case:
    """Record the answer and the channel it went by; the answer is also logged as an outgoing contact."""
    case = _handled_by(case, actor)
    response = (response or "").strip()
    if not response:
        raise ValidationError({"response": _("Write the answer given to the sender.")})
    if not channel.is_active:
        raise ValidationError({"channel": _("This channel is no longer in use.")})
    now = timezone.now()
    case = _move(
        case,
        S.ANSWERED,
        actor=actor,
        action=CaseEvent.Action.ANSWERED,
        now=now,
        note=response,
        response=response,
        response_channel=channel,
        answered_at=now,
        first_response_at=case.first_response_at or now,
        assignee=case.assignee if case.assignee_id else actor,
    )
    contact = case.contact
    answer = ContactEntry.objects.create(
        channel=channel,
        direction=ContactEntry.Direction.OUTGOING,
        purpose=contact.purpose,
        beneficiary=contact.beneficiary,
        contact_name=contact.contact_name,
        contact_mobile=contact.contact_mobile,
        subject=_("Answer to %(reference)s") % {"reference": case.reference},
        body=response,
        support_request=case.support_request,
        recorded_by=actor,
        staff_subject=case.staff_subject,
    )
    contact_counted(answer)
    _notify_answer(case, case.events.filter(action=CaseEvent.Action.ANSWERED).count())
    return case


@transaction.atomic
def case_set_outcome(*, case: Case, outcome: str, actor, note: str = "", support_request=None) -> Case:
    """Record how a complaint ended; a referral names the support request it went to."""
    case = _handled_by(case, actor)
    if case.kind != Case.Kind.COMPLAINT:
        raise ValidationError(_("Only complaints have an outcome."))
    if outcome not in Case.Outcome.values:
        raise ValidationError({"outcome": _("Choose an outcome.")})
    if case.status == S.CLOSED:
        raise ValidationError(_("Reopen the case to change its outcome."))
    support_request = support_request or case.support_request
    if outcome == Case.Outcome.REFERRED and support_request is None:
        raise ValidationError({"support_request": _("Name the support request the complaint is referred to.")})
    beneficiary_id = case.contact.beneficiary_id
    if support_request is not None and beneficiary_id and support_request.beneficiary_id != beneficiary_id:
        raise ValidationError({"support_request": _("This request belongs to another beneficiary.")})
    case.outcome = outcome
    case.outcome_note = note
    case.support_request = support_request
    case.full_clean()
    case.save(update_fields=["outcome", "outcome_note", "support_request"])
    _event(
        case,
        CaseEvent.Action.OUTCOME,
        actor=actor,
        at=timezone.now(),
        note=f"{Case.Outcome(outcome).label}. {note}".strip(),
    )
    return case


@transaction.atomic
def case_close(*, case: Case, actor, note: str = "") -> Case:
    """Close the case; publishes ``case_closed(case_id)`` after the commit (surveys may invite the sender of a
    closed complaint to a survey)."""
    case = _handled_by(case, actor)
    if case.kind == Case.Kind.COMPLAINT and not case.outcome:
        raise ValidationError(_("Record the complaint's outcome before closing it."))
    if case.status != S.ANSWERED and not note.strip():
        raise ValidationError({"note": _("Say why the case is closed without an answer.")})
    now = timezone.now()
    return _move(
        case,
        S.CLOSED,
        actor=actor,
        action=CaseEvent.Action.CLOSED,
        now=now,
        note=note,
        event=CASE_CLOSED,
        closed_at=now,
    )


@transaction.atomic
def case_reopen(*, case: Case, actor, reason: str) -> Case:
    case = _handled_by(case, actor)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the case is reopened.")})
    if case.status not in (S.ANSWERED, S.CLOSED):
        raise ValidationError(_("Only an answered or closed case can be reopened."))
    return _move(
        case,
        S.IN_PROGRESS,
        actor=actor,
        action=CaseEvent.Action.REOPENED,
        now=timezone.now(),
        note=reason,
        closed_at=None,
    )


# --- Escalation: overdue cases go to the manager, once ---


def case_escalate(*, case_id: int) -> bool:
    """Escalate one overdue case to the manager(s). Returns whether this call escalated it.

    The case row is locked and ``escalated_at`` re-checked under the lock, so two sweeps running at
    once (or a rerun after a lost broker) escalate it only once.
    """
    with transaction.atomic():
        now = timezone.now()
        case = Case.objects.select_for_update().filter(pk=case_id).first()
        if case is None or case.escalated_at is not None or not case.is_overdue(now):
            return False
        case.escalated_at = now
        case.save(update_fields=["escalated_at"])
        _event(case, CaseEvent.Action.ESCALATED, actor=None, at=now)
        _notify_escalation(case)
    return True


def cases_escalate_overdue() -> int:
    """The periodic sweep: find overdue cases not yet escalated (in the database, not the broker)."""
    now = timezone.now()
    ids = list(cases_overdue(now=now).filter(escalated_at__isnull=True).values_list("pk", flat=True))
    return sum(case_escalate(case_id=case_id) for case_id in ids)


def escalation_recipients(case: Case | None = None):
    """The managers told about an overdue case — never the staff member a complaint is about."""
    managers = get_user_model().objects.filter(is_active=True, groups__name=Role.MANAGER).distinct()
    if case is not None and case.staff_subject_id:
        managers = managers.exclude(pk=case.staff_subject_id)
    return managers


def _notify_escalation(case: Case) -> None:
    """Tell each manager about the escalated case (inside the caller's transaction; the outgoing-messages
    engine sends on commit, and its key makes a repeat queue nothing)."""
    from channels_log.messaging.services import message_queue

    context = {
        "reference": case.reference,
        "url": settings.SITE_URL.rstrip("/") + case.get_absolute_url(),
        "reason": _("%(kind)s received %(date)s")
        % {
            "kind": case.get_kind_display(),
            "date": timezone.localtime(case.opened_at).strftime("%Y-%m-%d %H:%M"),
        },
    }
    for manager in escalation_recipients(case):
        message_queue(
            event=case_messages.ESCALATED,
            key=f"case_escalated:{case.pk}:{manager.pk}",
            user=manager,
            subject_id=case.pk,
            staff_subject=case.staff_subject,
            context=context,
        )


def _notify_answer(case: Case, answer_number: int) -> None:
    """Tell the sender that their message is answered, once per answer (the key names the answer).

    A registered beneficiary hears by their own preferences. A public sender who gave a mobile and left
    the form's "tell me by SMS" on gets an SMS with the reference and the status page's link (the answer
    itself is read there, after giving the reference and the same mobile); one who switched it off gets
    nothing."""
    from django.urls import reverse

    from channels_log.messaging.services import message_queue

    key = f"case_answered:{case.pk}:{answer_number}"
    url = settings.SITE_URL.rstrip("/") + reverse("channels_log:public_status")
    about = {"subject_id": case.pk, "staff_subject": case.staff_subject}
    if case.contact.beneficiary_id is not None:
        message_queue(
            event=case_messages.ANSWERED,
            key=key,
            beneficiary=case.contact.beneficiary,
            context={"reference": case.reference, "answer": case.response, "url": url},
            **about,
        )
    elif case.sms_updates and case.mobile:
        message_queue(
            event=case_messages.ANSWERED,
            key=key,
            mobile=case.mobile,
            context={"reference": case.reference, "url": url},
            **about,
        )


# --- A complaint that contests a committee decision opens the appeal ---


def _appeal_open_now(case: Case, actor) -> bool:
    """May ``actor`` open the appeal of the complaint's request now: the request's own rule (its actions)."""
    from requests_app.services import request_actions

    return any(action.code == "appeal" for action in request_actions(case.support_request, actor))


@transaction.atomic
def case_appeal_open(*, case: Case, actor) -> Case:
    """The complaint contests the committee's decision: publish ``complaint_contested_decision`` (requests_app
    reopens the request as its one appeal, with the complaint's text, after the commit) and note it in the
    case's history. Refused when the request may not be appealed now."""
    case = _handled_by(case, actor)
    if not (case.kind == Case.Kind.COMPLAINT and case.contests_decision and case.support_request_id):
        raise ValidationError(_("Only a complaint that contests a committee decision can open an appeal."))
    if not _appeal_open_now(case, actor):
        raise ValidationError(_("The committee's decision on this request cannot be appealed now."))
    contact = case.contact
    text = "\n".join(part for part in (contact.subject, contact.body) if part) or case.reference
    _event(case, CaseEvent.Action.APPEAL, actor=actor, at=timezone.now(), note=str(case.support_request))
    events.publish(
        COMPLAINT_CONTESTED_DECISION,
        case_id=case.pk,
        request_id=case.support_request_id,
        actor_id=actor.pk,
        appeal_text=text,
    )
    return case


# --- The public site ---


@transaction.atomic
def case_submit_public(*, kind: str, name: str, mobile: str, subject: str, body: str, sms_updates: bool = True) -> Case:
    """An inquiry, complaint or suggestion sent from the website's contact form (no login). It arrives
    through the website whatever channels the policy lists, and goes to the duty officer."""
    from channels_log.contacts.services import contact_record

    if kind not in PUBLIC_KINDS:
        raise ValidationError({"kind": _("Choose an inquiry, a complaint or a suggestion.")})
    entry = contact_record(
        actor=None,
        channel=system_channel("website"),
        purpose=kind,
        contact_name=name,
        contact_mobile=mobile,
        subject=subject,
        body=body,
    )
    case = entry.case
    if sms_updates and case.mobile:
        case.sms_updates = True
        case.save(update_fields=["sms_updates"])
    return case


def case_find_for_sender(*, reference: str, mobile: str) -> Case | None:
    """The sender's own case: the reference number and the mobile it was sent from must both match."""
    return (
        Case.objects.select_related("contact", "response_channel")
        .filter(reference=reference.strip().upper(), mobile=mobile)
        .first()
    )


# --- What a user may do next on a case ---


def case_actions(case: Case, user) -> list:
    """The steps ``user`` may take on the case now, the natural next one first — from ``TRANSITIONS`` and
    the rules the services above apply (``change_case``, never on a complaint about oneself, a complaint's
    outcome before closing, the request's own appeal rule). The case page renders exactly this list."""
    from django.urls import reverse

    from association.kernel.actions import Action
    from requests_app.services import request_actions

    def url(name: str) -> str:
        return reverse(f"channels_log:case_{name}", args=[case.pk])

    status, allowed = case.status, TRANSITIONS.get(case.status, set())
    may_change = user.has_perm("channels_log.change_case") and case.staff_subject_id != user.pk
    is_complaint = case.kind == Case.Kind.COMPLAINT
    actions = []
    if may_change:
        if (
            is_complaint
            and case.contests_decision
            and case.support_request_id
            and any(a.code == "appeal" for a in request_actions(case.support_request, user))
        ):
            actions.append(
                Action("appeal", _("Open the appeal on the committee's decision"), url("appeal"), style="warning")
            )
        outcome = None
        if is_complaint and status != S.CLOSED:
            outcome = Action("outcome", _("Record the outcome"), url("outcome"), title=_("Complaint outcome"))
        close = reopen = None
        if S.CLOSED in allowed:
            close = Action("close", _("Close the case"), url("close"), style="secondary")
        if status in (S.ANSWERED, S.CLOSED):
            reopen = Action("reopen", _("Reopen"), url("reopen"), style="secondary")
        if S.ANSWERED in allowed:
            actions.append(Action("answer", _("Record the answer"), url("answer"), title=_("Answer the sender")))
            if status == S.OPEN:
                actions.append(Action("start", _("Start working on it"), url("start")))
            actions += [outcome, close]
        elif status == S.ANSWERED:
            # A complaint is closed once its outcome is recorded.
            first = (outcome, close) if is_complaint and not case.outcome else (close, outcome)
            actions += [*first, reopen]
        else:
            actions.append(reopen)
    if user.has_perm("channels_log.assign_case") and status != S.CLOSED and case.staff_subject_id != user.pk:
        actions.append(Action("assign", _("Assign"), url("assign")))
    return [action for action in actions if action is not None]
