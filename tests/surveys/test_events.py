"""Surveys reacts to the events of the apps below it, and tells them about a low score, through the kernel's
domain events: each handler once, after the commit, and a second event changes nothing."""

import pytest
from django.db import transaction

from association.channels import Channel
from association.kernel import events
from channels_log.cases.models import Case
from channels_log.contacts.models import ContactEntry
from channels_log.contacts.services import contact_record
from surveys import services, subscribers
from surveys.models import Invitation, Response, Trigger
from tests.factories import BeneficiaryFactory, SupportRequestFactory, UserFactory

from .factories import answers_for, consenting_beneficiary, enable_trigger, make_survey, open_invitation

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded():
    """``recorded(name)``: the payloads of ``name`` published during the test (a subscriber removed afterwards)."""
    handlers = []

    def record(name):
        calls = []

        def handler(**ids):
            calls.append(ids)

        handler.__qualname__ = f"recorded_{name}_{len(handlers)}"
        events.subscribe(name, handler)
        handlers.append((name, handler))
        return calls

    yield record
    for name, handler in handlers:
        events.unsubscribe(name, handler)


def test_surveys_subscribes_to_the_events_it_reacts_to():
    expected = {
        "decision_made": subscribers.invite_after_decision,
        "delivery_recorded": subscribers.invite_after_first_delivery,
        "case_closed": subscribers.invite_after_complaint_closed,
        "low_score_followed_up": subscribers.link_follow_up,
    }
    for name, handler in expected.items():
        assert handler in events.subscribers(name), name


def test_a_decision_invites_once_however_often_the_event_comes():
    enable_trigger(Trigger.DECISION_MADE, make_survey(), delay_days=0)
    support_request = SupportRequestFactory(beneficiary=consenting_beneficiary())

    assert events.dispatch("decision_made", request_id=support_request.pk, decision_id=1) == []
    assert events.dispatch("decision_made", request_id=support_request.pk, decision_id=1) == []

    invitation = Invitation.objects.get()
    assert (invitation.trigger, invitation.support_request, invitation.beneficiary) == (
        Trigger.DECISION_MADE,
        support_request,
        support_request.beneficiary,
    )
    assert invitation.created_by is None  # the admin's rule invited, not a person


def test_a_decision_invites_no_one_when_the_trigger_is_off_or_the_beneficiary_did_not_consent():
    enable_trigger(Trigger.DECISION_MADE, make_survey(), enabled=False)
    consenting = SupportRequestFactory(beneficiary=consenting_beneficiary())
    events.dispatch("decision_made", request_id=consenting.pk, decision_id=1)
    enable_trigger(Trigger.DECISION_MADE, make_survey())
    refused = SupportRequestFactory(beneficiary=BeneficiaryFactory())
    events.dispatch("decision_made", request_id=refused.pk, decision_id=1)
    events.dispatch("decision_made", request_id=10**9, decision_id=1)  # a request gone since: nothing, no error

    assert not Invitation.objects.exists()


def test_only_the_first_delivery_invites():
    enable_trigger(Trigger.SERVICE_DELIVERED, make_survey(), delay_days=1)
    support_request = SupportRequestFactory(beneficiary=consenting_beneficiary())

    events.dispatch("delivery_recorded", request_id=support_request.pk, delivery_id=5, first=False)
    assert not Invitation.objects.exists()
    for _ in range(2):
        events.dispatch("delivery_recorded", request_id=support_request.pk, delivery_id=4, first=True)

    assert Invitation.objects.get().trigger == Trigger.SERVICE_DELIVERED


def _case(purpose, beneficiary):
    contact = contact_record(
        actor=UserFactory(role="relations_officer"),
        channel=Channel.objects.get(code="phone"),
        purpose=purpose,
        beneficiary=beneficiary,
        contact_name="" if beneficiary else "متصل لم يذكر اسمه",
        subject="موضوع",
        body="تفاصيل",
    )
    return Case.objects.get(contact=contact)


def test_a_closed_complaint_of_a_known_beneficiary_invites_once():
    enable_trigger(Trigger.COMPLAINT_CLOSED, make_survey(), delay_days=2)
    beneficiary = consenting_beneficiary()
    complaint = _case(ContactEntry.Purpose.COMPLAINT, beneficiary)
    inquiry = _case(ContactEntry.Purpose.INQUIRY, consenting_beneficiary())
    anonymous = _case(ContactEntry.Purpose.COMPLAINT, None)

    for case in (complaint, complaint, inquiry, anonymous):
        assert events.dispatch("case_closed", case_id=case.pk) == []

    invitation = Invitation.objects.get()
    assert (invitation.related_key, invitation.beneficiary) == (f"case:{complaint.pk}", beneficiary)


def test_the_invitation_waits_for_the_commit_of_the_event(django_capture_on_commit_callbacks):
    enable_trigger(Trigger.DECISION_MADE, make_survey(), delay_days=0)
    support_request = SupportRequestFactory(beneficiary=consenting_beneficiary())

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        events.publish("decision_made", request_id=support_request.pk, decision_id=1)
        assert not Invitation.objects.exists()  # not before the decision is committed
    assert Invitation.objects.count() == 1


def test_a_low_score_is_published_once_after_the_commit_with_what_the_follow_up_needs(
    recorded, django_capture_on_commit_callbacks
):
    calls = recorded("low_score_recorded")
    invitation = open_invitation()
    version = invitation.version

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = services.response_submit(token=invitation.token, answers=answers_for(version, rating=2, score=9))
        assert calls == []  # after the commit only
    assert len(callbacks) >= 1
    assert calls == [
        {
            "response_id": response.pk,
            "beneficiary_id": invitation.beneficiary_id,
            "support_request_id": invitation.support_request_id,
            "summary": f"{version.title_ar} (v{version.number}): 2/5 · 9/10",
        }
    ]


def test_a_walk_in_low_score_names_no_request(recorded, django_capture_on_commit_callbacks):
    calls = recorded("low_score_recorded")
    beneficiary = consenting_beneficiary()
    invitation = open_invitation(beneficiary=beneficiary)

    with django_capture_on_commit_callbacks(execute=True):
        services.response_submit(token=invitation.token, answers=answers_for(invitation.version, rating=5, score=0))

    assert [(c["beneficiary_id"], c["support_request_id"]) for c in calls] == [(beneficiary.pk, None)]
    assert calls[0]["summary"].endswith(": 5/5 · 0/10")


@pytest.mark.parametrize("case", ["good scores", "anonymous survey", "nobody named"])
def test_no_low_score_event_without_a_low_named_answer(case, recorded, django_capture_on_commit_callbacks):
    calls = recorded("low_score_recorded")
    if case == "anonymous survey":
        invitation = open_invitation(anonymous=True)
    elif case == "nobody named":
        invitation = services.invitation_in_person(survey=make_survey(), actor=UserFactory(role="relations_officer"))
    else:
        invitation = open_invitation()
    low = case != "good scores"

    with django_capture_on_commit_callbacks(execute=True):
        response = services.response_submit(
            token=invitation.token, answers=answers_for(invitation.version, rating=1 if low else 5)
        )

    assert response.is_low == low and calls == []


def test_the_follow_up_opened_for_a_low_score_is_linked_once():
    invitation = open_invitation()
    response = services.response_submit(token=invitation.token, answers=answers_for(invitation.version, rating=1))
    first, second = (
        contact_record(
            actor=None,
            channel=Channel.objects.get(code="website"),
            purpose=ContactEntry.Purpose.FOLLOW_UP,
            beneficiary=invitation.beneficiary,
            subject=subject,
        )
        for subject in ("متابعة", "متابعة ثانية")
    )

    events.dispatch("low_score_followed_up", response_id=response.pk, contact_id=first.pk, case_id=None)
    events.dispatch("low_score_followed_up", response_id=response.pk, contact_id=second.pk, case_id=None)

    assert Response.objects.get(pk=response.pk).follow_up == first
