"""The support request's lifecycle on one screen: from each status, the statuses it may go to and the
permission a person needs to take that step (superusers hold every permission; ``association.kernel.roles``
gives each role its permissions). Every status change goes through ``association.kernel.lifecycle.transition``
with this table, from the services in ``requests_app.services``; nothing else assigns ``status``."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from association.kernel.lifecycle import allowed, required_permissions
from association.kernel.permissions import authorize

from .models import SupportRequest

S = SupportRequest.Status

PROCESS = "requests_app.process_supportrequest"  # the relations officer's desk: intake, registration, delivery
REFER = "requests_app.refer_supportrequest"  # send a submitted request to social research
RESEARCH = "requests_app.research_supportrequest"  # the social researcher's study
VOTE = "requests_app.vote_supportrequest"  # a committee member's vote
DECIDE = "requests_app.decide_supportrequest"  # the chair records the committee's decision
CLOSE = "requests_app.close_supportrequest"  # close a request whose service ended or was refused
# Not a step of the table: the officer at the desk or a representative in the field witnesses the declaration.
WITNESS = "requests_app.witness_declaration"

TRANSITIONS: dict[str, dict[str, str]] = {
    S.DRAFT: {S.SUBMITTED: PROCESS, S.INCOMPLETE: PROCESS, S.WITHDRAWN: PROCESS},
    S.INCOMPLETE: {S.SUBMITTED: PROCESS, S.WITHDRAWN: PROCESS},
    S.SUBMITTED: {S.IN_RESEARCH: REFER, S.AWAITING_COMMITTEE: PROCESS, S.INCOMPLETE: PROCESS, S.WITHDRAWN: PROCESS},
    # Only the assigned researcher takes the research steps (services.study_recommend, return_incomplete).
    S.IN_RESEARCH: {S.AWAITING_COMMITTEE: RESEARCH, S.INCOMPLETE: RESEARCH, S.WITHDRAWN: PROCESS},
    # Back to research is the chair's call, like the decision itself.
    S.AWAITING_COMMITTEE: {S.APPROVED: DECIDE, S.REJECTED: DECIDE, S.IN_RESEARCH: DECIDE, S.WITHDRAWN: PROCESS},
    S.APPROVED: {S.REGISTERED: PROCESS},
    # Back to the committee is the one appeal (reconsideration).
    S.REJECTED: {S.AWAITING_COMMITTEE: PROCESS, S.CLOSED: CLOSE},
    S.REGISTERED: {S.SERVICE_DELIVERED: PROCESS},
    S.SERVICE_DELIVERED: {S.CLOSED: CLOSE},
    S.CLOSED: {},
    S.WITHDRAWN: {},
}

# Statuses in which a request waits for the association (overdue and escalation).
UNDECIDED = (S.SUBMITTED, S.IN_RESEARCH, S.AWAITING_COMMITTEE)
# Statuses in which the applicant still completes the request at the desk.
INTAKE = (S.DRAFT, S.INCOMPLETE)


def can_transition(user, old: str, new: str) -> bool:
    """Does the table have the step ``old → new``, and does ``user`` hold the permission it names?"""
    if not allowed(TRANSITIONS, old, new) or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return all(user.has_perm(perm) for perm in required_permissions(TRANSITIONS, old, new))


def allowed_targets(user, status: str) -> list[str]:
    return [new for new in TRANSITIONS.get(status, {}) if can_transition(user, status, new)]


def check_step(support_request: SupportRequest, *, actor, to: str) -> None:
    """Refuse a step before anything is read or written: ``ValidationError`` (``invalid_transition``) when the
    table has no such step from the request's status, ``PermissionDenied`` when ``actor`` lacks the permission
    the table names for it. ``lifecycle.transition`` checks the same again under the row lock."""
    old = support_request.status
    if not allowed(TRANSITIONS, old, to):
        raise ValidationError(
            _("A request in status “%(old)s” cannot move to “%(new)s”.") % {"old": S(old).label, "new": S(to).label},
            code="invalid_transition",
        )
    authorize(actor, *required_permissions(TRANSITIONS, old, to), obj=support_request)
