"""The case lifecycle: open → in progress → answered → closed (and reopened), with its rules."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from association.channels import Channel
from association.kernel import events
from channels_log.cases import services
from channels_log.cases.models import Case, CaseEvent
from channels_log.contacts.models import ContactEntry
from requests_app.models import SupportRequest
from tests.channels_log.factories import make_case, make_contact
from tests.factories import BeneficiaryFactory, SupportRequestFactory

pytestmark = pytest.mark.django_db


def phone():
    return Channel.objects.get(code="phone")


def test_incoming_inquiry_complaint_and_suggestion_open_cases_others_do_not(officer):
    for purpose in ("inquiry", "complaint", "suggestion"):
        entry = make_contact(purpose=purpose, actor=officer)
        assert entry.case.kind == purpose
        assert entry.case.status == Case.Status.OPEN
        assert entry.case.events.get().action == CaseEvent.Action.OPENED
    assert not hasattr(make_contact(purpose="note", actor=officer), "case")
    assert not hasattr(make_contact(purpose="inquiry", direction="out", actor=officer), "case")


def test_reference_numbers_are_unique_and_not_sequential(officer):
    references = [make_case(actor=officer).reference for _ in range(5)]
    assert len(set(references)) == 5
    assert all(len(r) == 10 and r.startswith("C") for r in references)


def test_correction_is_a_new_entry_pointing_at_the_old_one_and_opens_no_new_case(officer):
    original = make_contact(purpose="inquiry", actor=officer, subject="خطأ")
    correction = make_contact(purpose="inquiry", actor=officer, subject="صحيح", corrects=original)
    original.refresh_from_db()
    assert original.subject == "خطأ"
    assert correction.corrects == original
    assert list(original.corrections.all()) == [correction]
    assert Case.objects.count() == 1


def test_answer_records_response_channel_and_an_outgoing_contact(officer):
    case = make_case(actor=officer)
    whatsapp = Channel.objects.get(code="social_media")
    case = services.case_answer(case=case, response="تم الرد", channel=whatsapp, actor=officer)
    assert case.status == Case.Status.ANSWERED
    assert case.response_channel == whatsapp
    assert case.first_response_at == case.answered_at
    assert case.assignee == officer
    outgoing = ContactEntry.objects.get(direction="out")
    assert outgoing.channel == whatsapp and outgoing.body == "تم الرد" and case.reference in outgoing.subject
    event = case.events.get(action=CaseEvent.Action.ANSWERED)
    assert (event.old_status, event.new_status, event.actor) == ("open", "answered", officer)


def test_answer_notifies_a_registered_beneficiary(officer):
    from channels_log.messaging.models import OutgoingMessage

    beneficiary = BeneficiaryFactory()
    case = make_case(kind="complaint", actor=officer, beneficiary=beneficiary)
    services.case_answer(case=case, response="تمت المعالجة", channel=phone(), actor=officer)
    message = OutgoingMessage.objects.get(event="complaint_answered")
    assert message.beneficiary == beneficiary


def test_empty_answer_is_refused_and_nothing_changes(officer):
    case = make_case(actor=officer)
    with pytest.raises(ValidationError):
        services.case_answer(case=case, response="  ", channel=phone(), actor=officer)
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN
    assert not ContactEntry.objects.filter(direction="out").exists()


def test_complaint_cannot_close_without_outcome(officer):
    case = make_case(kind="complaint", actor=officer)
    services.case_answer(case=case, response="رد", channel=phone(), actor=officer)
    with pytest.raises(ValidationError):
        services.case_close(case=case, actor=officer)
    services.case_set_outcome(case=case, outcome=Case.Outcome.PARTLY_UPHELD, note="جزئيًا", actor=officer)
    case = services.case_close(case=case, actor=officer)
    assert case.status == Case.Status.CLOSED and case.closed_at is not None
    assert case.events.filter(action=CaseEvent.Action.OUTCOME).exists()


def test_closing_unanswered_needs_a_reason(officer):
    case = make_case(kind="suggestion", actor=officer)
    with pytest.raises(ValidationError):
        services.case_close(case=case, actor=officer)
    assert services.case_close(case=case, note="مكررة", actor=officer).status == Case.Status.CLOSED


def test_reopen_needs_a_reason_and_goes_back_to_in_progress(officer):
    case = make_case(actor=officer)
    services.case_answer(case=case, response="رد", channel=phone(), actor=officer)
    services.case_close(case=case, actor=officer)
    with pytest.raises(ValidationError):
        services.case_reopen(case=case, reason="", actor=officer)
    case = services.case_reopen(case=case, reason="لم يكتمل الرد", actor=officer)
    assert case.status == Case.Status.IN_PROGRESS and case.closed_at is None
    assert case.events.filter(action=CaseEvent.Action.REOPENED, note="لم يكتمل الرد").exists()


def test_transitions_outside_the_table_are_refused(officer):
    case = make_case(actor=officer)
    with pytest.raises(ValidationError):
        services.case_reopen(case=case, reason="x", actor=officer)
    assert not services.can_change_status(case, Case.Status.OPEN)


def test_referred_outcome_needs_a_support_request(officer):
    beneficiary = BeneficiaryFactory()
    case = make_case(kind="complaint", actor=officer, beneficiary=beneficiary)
    with pytest.raises(ValidationError):
        services.case_set_outcome(case=case, outcome=Case.Outcome.REFERRED, actor=officer)
    support_request = SupportRequestFactory(beneficiary=beneficiary)
    case = services.case_set_outcome(
        case=case, outcome=Case.Outcome.REFERRED, support_request=support_request, actor=officer
    )
    assert case.support_request == support_request
    with pytest.raises(ValidationError):
        services.case_set_outcome(
            case=case, outcome=Case.Outcome.REFERRED, support_request=SupportRequestFactory(), actor=officer
        )


def test_only_complaints_have_an_outcome(officer):
    with pytest.raises(ValidationError):
        services.case_set_outcome(case=make_case(kind="inquiry", actor=officer), outcome="upheld", actor=officer)


def test_complaint_about_a_staff_member_is_never_assigned_to_that_member(officer, researcher, manager):
    case = make_case(kind="complaint", actor=officer, staff_subject=researcher)
    with pytest.raises(ValidationError):
        services.case_assign(case=case, assignee=researcher, actor=manager)
    # Nor can the member take it up, answer or close it themselves.
    with pytest.raises(PermissionDenied):
        services.case_start(case=case, actor=researcher)
    with pytest.raises(PermissionDenied):
        services.case_answer(case=case, response="x", channel=phone(), actor=researcher)
    case.refresh_from_db()
    assert case.assignee is None and case.status == Case.Status.OPEN
    assert services.case_assign(case=case, assignee=officer, actor=manager).assignee == officer


def test_only_a_complaint_can_be_about_a_staff_member(officer, researcher):
    with pytest.raises(ValidationError):
        make_contact(purpose="inquiry", actor=officer, staff_subject=researcher)
    assert not ContactEntry.objects.exists()


def test_assign_needs_the_permission_and_a_case_handler(officer, researcher, member):
    case = make_case(actor=officer)
    with pytest.raises(PermissionDenied):
        services.case_assign(case=case, assignee=officer, actor=researcher)
    with pytest.raises(ValidationError):
        services.case_assign(case=case, assignee=member, actor=officer)
    assert services.case_assign(case=case, assignee=researcher, actor=officer).assignee == researcher
    assert case.events.filter(action=CaseEvent.Action.ASSIGNED).count() == 1


def test_committee_member_cannot_handle_cases(officer, member):
    case = make_case(actor=officer)
    with pytest.raises(PermissionDenied):
        services.case_answer(case=case, response="x", channel=phone(), actor=member)


def test_complaint_contesting_a_decision_opens_the_appeal(officer, django_capture_on_commit_callbacks):
    """The case publishes ``complaint_contested_decision`` after its commit; requests_app opens the appeal once."""
    beneficiary = BeneficiaryFactory()
    support_request = SupportRequestFactory(
        beneficiary=beneficiary, status=SupportRequest.Status.REJECTED, created_by=officer
    )
    entry = make_contact(
        purpose="complaint",
        actor=officer,
        beneficiary=beneficiary,
        support_request=support_request,
        contests_decision=True,
        subject="اعتراض على القرار",
        body="أرجو إعادة النظر",
    )
    case = entry.case
    assert case.contests_decision and case.support_request == support_request
    with django_capture_on_commit_callbacks(execute=False) as before_commit:
        services.case_appeal_open(case=case, actor=officer)
    support_request.refresh_from_db()
    assert support_request.status == SupportRequest.Status.REJECTED  # nothing before the commit
    for callback in before_commit:
        callback()
    support_request.refresh_from_db()
    assert support_request.status == SupportRequest.Status.AWAITING_COMMITTEE
    assert "أرجو إعادة النظر" in support_request.appeal_text
    assert case.events.filter(action=CaseEvent.Action.APPEAL).count() == 1
    appealed_at = support_request.appealed_at
    # The request is no longer rejected: the case offers no second appeal, and a repeated event changes nothing.
    with pytest.raises(ValidationError):
        services.case_appeal_open(case=case, actor=officer)
    events.dispatch("complaint_contested_decision", case_id=case.pk, request_id=support_request.pk, actor_id=officer.pk)
    support_request.refresh_from_db()
    assert (support_request.status, support_request.appealed_at) == ("awaiting_committee", appealed_at)
    assert case.events.filter(action=CaseEvent.Action.APPEAL).count() == 1


def test_contesting_needs_a_linked_request(officer):
    with pytest.raises(ValidationError):
        make_contact(purpose="complaint", actor=officer, beneficiary=BeneficiaryFactory(), contests_decision=True)
    assert not ContactEntry.objects.exists()
