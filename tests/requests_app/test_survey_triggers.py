"""A decision and a first delivery invite the beneficiary to a satisfaction survey, when the admin's
trigger is on: the request services publish ``decision_made`` and ``delivery_recorded`` after commit, and
the surveys app's subscribers make the invitation (surveys.services.invitation_for_event), once."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from association.kernel import events
from association.kernel.roles import Role
from beneficiaries.models import Consent
from requests_app import services
from surveys.models import Invitation
from tests.surveys.factories import enable_trigger, make_survey

from .factories import awaiting_committee, cast_votes

pytestmark = pytest.mark.django_db
RIYADH = ZoneInfo("Asia/Riyadh")


def _approved(officer, chair, make_user, capture):
    with time_machine.travel(dt.datetime(2026, 11, 1, 10, 0, tzinfo=RIYADH), tick=False):
        support_request = awaiting_committee(officer)
    Consent.objects.create(
        beneficiary=support_request.beneficiary, purpose=Consent.Purpose.SURVEYS, given_at=timezone.now()
    )
    cast_votes(support_request, [make_user(Role.COMMITTEE_MEMBER), chair])
    with (
        time_machine.travel(dt.datetime(2026, 11, 16, 10, 0, tzinfo=RIYADH), tick=False),
        capture(execute=True),
    ):
        services.committee_decide(
            support_request=support_request,
            actor=chair,
            outcome="approved",
            reasons="مستحق",
            grant={"grant_kind": "in_kind", "grant_items": "سلة غذائية"},
        )
    return support_request


def test_a_decision_invites_to_the_survey_when_the_trigger_is_on(
    officer, chair, make_user, django_capture_on_commit_callbacks
):
    survey = make_survey()
    enable_trigger("decision_made", survey, delay_days=2)

    support_request = _approved(officer, chair, make_user, django_capture_on_commit_callbacks)

    invitation = Invitation.objects.get(trigger="decision_made")
    assert invitation.support_request == support_request
    assert invitation.beneficiary == support_request.beneficiary
    # The same event again (a retry) invites no one twice.
    decision = support_request.decisions.get()
    events.dispatch("decision_made", request_id=support_request.pk, decision_id=decision.pk)
    assert Invitation.objects.filter(trigger="decision_made").count() == 1


def test_no_invitation_when_the_trigger_is_off(officer, chair, make_user, django_capture_on_commit_callbacks):
    enable_trigger("decision_made", make_survey(), enabled=False)

    _approved(officer, chair, make_user, django_capture_on_commit_callbacks)

    assert not Invitation.objects.exists()


def test_the_first_delivery_invites_once(officer, chair, make_user, django_capture_on_commit_callbacks):
    enable_trigger("service_delivered", make_survey(), delay_days=1)
    support_request = _approved(officer, chair, make_user, django_capture_on_commit_callbacks)
    services.support_request_register(support_request=support_request, actor=officer)

    for what in ("سلة غذائية", "سلة ثانية"):
        with django_capture_on_commit_callbacks(execute=True):
            services.delivery_record(
                support_request=support_request,
                actor=officer,
                delivered_on=timezone.localdate(),
                what=what,
                quantity=1,
                receipt_confirmed=True,
            )

    assert Invitation.objects.filter(trigger="service_delivered", support_request=support_request).count() == 1
