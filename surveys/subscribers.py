"""How surveys react to what happens below it (domain events, ``association.kernel.events``).

The request workflow and the complaints workflow do not know surveys: they publish what happened, and these
handlers (subscribed in ``SurveysConfig.ready``) invite the beneficiary when the admin's trigger rule is on
(``services.invitation_for_event``). Each handler re-reads what it needs from the ids of the payload and is
idempotent: an event seen twice makes one invitation (the invitation is keyed by the request or the case).

- ``decision_made(request_id, decision_id)`` → trigger ``decision_made``;
- ``delivery_recorded(request_id, delivery_id, first)`` → trigger ``service_delivered``, for the first
  delivery only;
- ``case_closed(case_id)`` → trigger ``complaint_closed``, for a complaint from a known beneficiary;
- ``program_session_held(session_id)`` (an app above: programs) → trigger ``session_held``: the attendees the
  ``session_attendees`` registry slot names, each invited once (``services.invitations_for_session``);
- ``low_score_followed_up(response_id, contact_id, case_id)`` → the low-score response is linked to the
  follow-up contact ``channels_log.cases`` opened for it (its reaction to ``low_score_recorded``).
"""

from association.kernel import events
from channels_log.cases.models import Case
from requests_app.models import SupportRequest

from . import services
from .models import Trigger


def _support_request(request_id):
    return SupportRequest.objects.select_related("beneficiary").filter(pk=request_id).first()


def invite_after_decision(*, request_id, decision_id=None, **_ids):
    support_request = _support_request(request_id)
    if support_request is None:
        return None
    return services.invitation_for_event(
        trigger=Trigger.DECISION_MADE, beneficiary=support_request.beneficiary, support_request=support_request
    )


def invite_after_first_delivery(*, request_id, delivery_id=None, first=False, **_ids):
    if not first:
        return None
    support_request = _support_request(request_id)
    if support_request is None:
        return None
    return services.invitation_for_event(
        trigger=Trigger.SERVICE_DELIVERED, beneficiary=support_request.beneficiary, support_request=support_request
    )


def invite_after_complaint_closed(*, case_id, **_ids):
    case = Case.objects.select_related("contact__beneficiary").filter(pk=case_id).first()
    if case is None or case.kind != Case.Kind.COMPLAINT or case.contact.beneficiary_id is None:
        return None
    return services.invitation_for_event(
        trigger=Trigger.COMPLAINT_CLOSED, beneficiary=case.contact.beneficiary, case=case
    )


def invite_after_session(*, session_id, **_ids):
    return services.invitations_for_session(session_id=session_id)


def link_follow_up(*, response_id, contact_id, **_ids):
    return services.follow_up_link(response_id=response_id, contact_id=contact_id)


SUBSCRIPTIONS = [
    ("decision_made", invite_after_decision),
    ("delivery_recorded", invite_after_first_delivery),
    ("case_closed", invite_after_complaint_closed),
    ("program_session_held", invite_after_session),
    (services.LOW_SCORE_FOLLOWED_UP, link_follow_up),
]


def subscribe_all() -> None:
    """Called by ``SurveysConfig.ready`` (subscribing again replaces: ``ready`` may run twice)."""
    for event_name, handler in SUBSCRIPTIONS:
        events.subscribe(event_name, handler)
