"""How cases react to what happens in the apps above them (kernel ``events``), subscribed in
``ChannelsLogConfig.ready``. Handlers take plain values, never import the publishing app, and are idempotent."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from association.channels import system_channel
from association.kernel import events
from beneficiaries.models import Beneficiary
from channels_log.contacts.models import ContactEntry
from channels_log.contacts.services import contact_record
from requests_app.models import SupportRequest

from .services import case_open

LOW_SCORE_RECORDED = "low_score_recorded"
LOW_SCORE_FOLLOWED_UP = "low_score_followed_up"


def _follow_up_record(*, key, beneficiary, support_request, summary) -> ContactEntry:
    # The answer came through the site whatever channels the policy lists: the follow-up is never dropped.
    entry = contact_record(
        actor=None,
        channel=system_channel("website"),
        purpose=ContactEntry.Purpose.FOLLOW_UP,
        direction=ContactEntry.Direction.INCOMING,
        beneficiary=beneficiary,
        support_request=support_request,
        subject=_("Low satisfaction score: please follow up"),
        body=_(
            "A survey was answered with a low score (%(summary)s). Contact the beneficiary to understand and improve."
        )
        % {"summary": summary},
        source_key=key,
    )
    # A case with a working-day target, so the follow-up is assigned, answered and measured like the rest.
    case_open(contact=entry, actor=None, support_request=support_request)
    return entry


def open_low_score_follow_up(
    *, response_id, beneficiary_id, support_request_id=None, summary="", **_more
) -> ContactEntry | None:
    """``low_score_recorded(response_id, beneficiary_id, support_request_id, summary)`` (surveys, on a named
    response with a low score): a follow-up contact entry on the website channel and its follow-up case for
    the relations team; then ``low_score_followed_up(response_id, contact_id, case_id)`` so surveys links the
    response to it. The payload carries all this needs (surveys sits above cases: nothing of it is read here);
    ``summary`` is the survey, its version and the scores given, in one line.

    Once per response (``source_key``): a second event, or two at once, opens nothing more and says again
    which follow-up the response has."""
    key = f"low_score:{response_id}"
    entry = ContactEntry.objects.filter(source_key=key).select_related("case").first()
    if entry is None:
        beneficiary = Beneficiary.objects.filter(pk=beneficiary_id).first()
        if beneficiary is None:
            return None
        support_request = (
            SupportRequest.objects.filter(pk=support_request_id, beneficiary=beneficiary).first()
            if support_request_id
            else None
        )
        try:
            with transaction.atomic():
                entry = _follow_up_record(
                    key=key, beneficiary=beneficiary, support_request=support_request, summary=str(summary or "")[:300]
                )
        except (IntegrityError, ValidationError):
            # The same event handled at the same moment (its row committed first: ``full_clean`` says so, or the
            # unique index when both checked before either saved): that one's follow-up stands.
            entry = ContactEntry.objects.filter(source_key=key).select_related("case").first()
            if entry is None:
                raise
    case = getattr(entry, "case", None)
    events.publish(
        LOW_SCORE_FOLLOWED_UP, response_id=response_id, contact_id=entry.pk, case_id=case.pk if case else None
    )
    return entry


SUBSCRIPTIONS = [(LOW_SCORE_RECORDED, open_low_score_follow_up)]


def subscribe_all() -> None:
    """Called by ``ChannelsLogConfig.ready`` (subscribing again replaces: ``ready`` may run twice)."""
    for event_name, handler in SUBSCRIPTIONS:
        events.subscribe(event_name, handler)
