"""A decision and a first delivery invite the beneficiary to a satisfaction survey, when the admin's
trigger is on (surveys.services.invitation_for_event)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from association.kernel.roles import Role
from beneficiaries.models import Consent
from requests_app import services
from surveys.models import Invitation
from tests.surveys.factories import enable_trigger, make_survey

from .factories import awaiting_committee, cast_votes

pytestmark = pytest.mark.django_db
RIYADH = ZoneInfo("Asia/Riyadh")


def _approved(officer, chair, make_user):
    with time_machine.travel(dt.datetime(2026, 11, 1, 10, 0, tzinfo=RIYADH), tick=False):
        support_request = awaiting_committee(officer)
    Consent.objects.create(
        beneficiary=support_request.beneficiary, purpose=Consent.Purpose.SURVEYS, given_at=timezone.now()
    )
    cast_votes(support_request, [make_user(Role.COMMITTEE_MEMBER), chair])
    with time_machine.travel(dt.datetime(2026, 11, 16, 10, 0, tzinfo=RIYADH), tick=False):
        services.committee_decide(
            support_request=support_request,
            actor=chair,
            outcome="approved",
            reasons="مستحق",
            grant={"grant_kind": "items", "grant_items": "سلة غذائية"},
        )
    return support_request


def test_a_decision_invites_to_the_survey_when_the_trigger_is_on(officer, chair, make_user):
    survey = make_survey()
    enable_trigger("decision_made", survey, delay_days=2)

    support_request = _approved(officer, chair, make_user)

    invitation = Invitation.objects.get(trigger="decision_made")
    assert invitation.support_request == support_request
    assert invitation.beneficiary == support_request.beneficiary


def test_no_invitation_when_the_trigger_is_off(officer, chair, make_user):
    enable_trigger("decision_made", make_survey(), enabled=False)

    _approved(officer, chair, make_user)

    assert not Invitation.objects.exists()


def test_the_first_delivery_invites_once(officer, chair, make_user):
    enable_trigger("service_delivered", make_survey(), delay_days=1)
    support_request = _approved(officer, chair, make_user)
    services.support_request_register(support_request=support_request, actor=officer)

    for what in ("سلة غذائية", "سلة ثانية"):
        services.delivery_record(
            support_request=support_request,
            actor=officer,
            delivered_on=timezone.localdate(),
            what=what,
            quantity=1,
            receipt_confirmed=True,
        )

    assert Invitation.objects.filter(trigger="service_delivered", support_request=support_request).count() == 1
