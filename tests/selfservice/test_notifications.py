"""Told at each step by SMS with the link to /my/: the receipt of an online request, and news when the request
is submitted, returned incomplete, decided, delivered, or a message is closed — once per step, only for people
who use /my/, and never to someone who opted out of non-essential messages."""

import pytest

from association.kernel import events
from channels_log.messaging.models import MessagePreference, OutgoingMessage
from requests_app import services as request_services
from selfservice.models import Applicant
from tests.requests_app.factories import draft_request, make_complete, submitted_request

pytestmark = pytest.mark.django_db


def _updates(beneficiary):
    return list(
        OutgoingMessage.objects.filter(event="my_update", beneficiary=beneficiary)
        .order_by("pk")
        .values_list("body", flat=True)
    )


def test_submitted_and_returned_incomplete_reach_an_applicant_with_the_link(
    officer, django_capture_on_commit_callbacks
):
    support_request = make_complete(draft_request(officer), officer)
    beneficiary = support_request.beneficiary
    Applicant.objects.create(mobile=beneficiary.mobile, beneficiary=beneficiary)
    with django_capture_on_commit_callbacks(execute=True):
        request_services.support_request_submit(support_request=support_request, actor=officer)
    with django_capture_on_commit_callbacks(execute=True):
        request_services.support_request_return_incomplete(
            support_request=support_request, actor=officer, note="صورة الصك"
        )
    support_request.refresh_from_db()
    bodies = _updates(beneficiary)
    assert len(bodies) == 2
    assert all("/my/" in body for body in bodies)
    assert support_request.number in bodies[0]
    message = OutgoingMessage.objects.filter(event="my_update").first()
    assert message.recipient == beneficiary.mobile and message.subject_id == support_request.pk


def test_each_step_once_even_when_the_event_comes_again(officer, chair):
    support_request = submitted_request(officer)
    beneficiary = support_request.beneficiary
    Applicant.objects.create(mobile=beneficiary.mobile, beneficiary=beneficiary)
    for _ in range(2):
        events.dispatch("decision_made", request_id=support_request.pk, decision_id=99)
        events.dispatch("delivery_recorded", request_id=support_request.pk, delivery_id=7, first=True)
        events.dispatch("delivery_recorded", request_id=support_request.pk, delivery_id=8, first=False)
    assert len(_updates(beneficiary)) == 2


def test_a_closed_message_tells_its_sender(officer):
    from tests.channels_log.factories import make_contact
    from tests.factories import BeneficiaryFactory

    beneficiary = BeneficiaryFactory()
    Applicant.objects.create(mobile=beneficiary.mobile, beneficiary=beneficiary)
    case = make_contact(beneficiary=beneficiary).case
    events.dispatch("case_closed", case_id=case.pk)
    body = _updates(beneficiary)[0]
    assert case.reference in body and "/my/" in body


def test_no_news_for_people_who_do_not_use_my_pages_and_none_sent_to_who_opted_out(officer):
    support_request = submitted_request(officer)
    beneficiary = support_request.beneficiary
    events.dispatch("decision_made", request_id=support_request.pk, decision_id=1)
    assert _updates(beneficiary) == []
    Applicant.objects.create(mobile=beneficiary.mobile, beneficiary=beneficiary)
    MessagePreference.objects.create(beneficiary=beneficiary, opt_out_non_essential=True)
    events.dispatch("decision_made", request_id=support_request.pk, decision_id=2)
    message = OutgoingMessage.objects.get(event="my_update", beneficiary=beneficiary)
    assert message.status == "skipped" and "opted out" in message.last_error


def test_the_online_receipt_goes_to_the_sender(officer):
    support_request = submitted_request(officer)
    events.dispatch("request_received_online", request_id=support_request.pk)
    events.dispatch("request_received_online", request_id=support_request.pk)
    message = OutgoingMessage.objects.get(event="my_request_received_online")
    assert message.beneficiary == support_request.beneficiary and "/my/" in message.body
