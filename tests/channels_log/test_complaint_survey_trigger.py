"""Closing a complaint invites the beneficiary to a satisfaction survey when the admin's trigger is on: the case
service publishes ``case_closed`` after the commit and the surveys app's subscriber makes the invitation, once
(the test's transaction never commits: ``django_capture_on_commit_callbacks`` runs what the commit would)."""

import pytest

from association.channels import Channel
from association.kernel import events
from channels_log.cases import services
from channels_log.cases.models import Case
from surveys.models import Invitation
from tests.surveys.factories import consenting_beneficiary, enable_trigger, make_survey

from .factories import make_case

pytestmark = pytest.mark.django_db


def _close_complaint(officer, beneficiary):
    case = make_case(kind="complaint", actor=officer, beneficiary=beneficiary)
    services.case_answer(case=case, response="تمت المعالجة", channel=Channel.objects.get(code="phone"), actor=officer)
    services.case_set_outcome(case=case, outcome=Case.Outcome.UPHELD, actor=officer)
    return services.case_close(case=case, actor=officer)


def test_closing_a_complaint_invites_to_the_survey(officer, django_capture_on_commit_callbacks):
    enable_trigger("complaint_closed", make_survey(), delay_days=1)
    beneficiary = consenting_beneficiary()

    with django_capture_on_commit_callbacks(execute=True):
        case = _close_complaint(officer, beneficiary)

    invitation = Invitation.objects.get(trigger="complaint_closed")
    assert invitation.beneficiary == beneficiary
    assert invitation.related_key == f"case:{case.pk}"
    # The same event again (a retry) invites no one twice.
    events.dispatch("case_closed", case_id=case.pk)
    assert Invitation.objects.filter(trigger="complaint_closed").count() == 1


def test_an_anonymous_complaint_invites_no_one(officer, django_capture_on_commit_callbacks):
    enable_trigger("complaint_closed", make_survey(), delay_days=1)
    case = make_case(kind="complaint", actor=officer)
    with django_capture_on_commit_callbacks(execute=True):
        services.case_answer(case=case, response="تم", channel=Channel.objects.get(code="phone"), actor=officer)
        services.case_set_outcome(case=case, outcome=Case.Outcome.REJECTED, actor=officer)
        services.case_close(case=case, actor=officer)

    assert not Invitation.objects.exists()
