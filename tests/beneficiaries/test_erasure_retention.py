"""Erasure and retention (PDPL): the sweep anonymises what is due in every app, keeps statistics, never touches
what a legal hold or an open request keeps, and runs twice to the same result; a person's erasure request
is the manager's decision, carried out the same way; the audit row says it happened, never what was removed."""

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import (
    Beneficiary,
    Consent,
    ErasureRecord,
    HouseholdMember,
    LegalHold,
    RetentionRule,
    SubjectRequest,
)
from beneficiaries.privacy import services
from channels_log.contacts.models import ContactEntry
from channels_log.messaging.models import OutgoingMessage
from requests_app.models import CommitteeDecision, SocialStudy, SupportRequest
from tests.beneficiaries.privacy_world import person_with_everything
from tests.factories import SupportRequestFactory

pytestmark = pytest.mark.django_db

YEARS = 10 * 365


def _age(person, days):
    """Make everything the person has older than ``days`` (what years of quiet would do)."""
    past = timezone.now() - dt.timedelta(days=days)
    Beneficiary.objects.filter(pk=person.pk).update(updated_at=past, created_at=past)
    SupportRequest.objects.filter(beneficiary=person).update(created_at=past)
    ContactEntry.objects.filter(beneficiary=person).update(created_at=past)
    OutgoingMessage.objects.filter(beneficiary=person).update(created_at=past)


def _identity_gone(person, old_national_id):
    person.refresh_from_db()
    assert person.first_name == services.ERASED_NAME and person.family_name == ""
    assert person.national_id != old_national_id and person.national_id.startswith("0")
    assert (person.mobile, person.iban, person.health_notes, person.disability_notes) == ("", "", "", "")
    member = HouseholdMember.objects.get(beneficiary=person)
    assert (member.name, member.national_id) == ("", "")
    assert member.monthly_income == 1200  # statistics stay
    assert person.gender == "male" and person.city == "الرياض" and person.birth_date.month == 1
    assert SupportRequest.objects.get(beneficiary=person).description == ""
    assert SocialStudy.objects.get(support_request__beneficiary=person).monthly_income == 3000
    assert CommitteeDecision.objects.get(support_request__beneficiary=person).reasons == ""
    contact = ContactEntry.objects.get(beneficiary=person)
    assert (contact.subject, contact.body) == ("", "")
    message = OutgoingMessage.objects.get(beneficiary=person)
    assert (message.recipient, message.body, message.status) == ("", "", "sent")
    document = person.documents.get()
    assert (document.file.name, document.original_name) == ("", "")


def test_the_sweep_anonymises_what_is_due_and_runs_twice_to_the_same_result():
    RetentionRule.objects.create(kind="beneficiary", days=YEARS)
    due = person_with_everything()
    old_id = due.national_id
    recent = person_with_everything(family_name="الحديث")
    _age(due, YEARS + 1)
    _age(recent, YEARS - 30)
    assert services.retention_sweep() == {"beneficiary": 1}
    _identity_gone(due, old_id)
    recent.refresh_from_db()
    assert recent.family_name == "الحديث" and recent.iban
    [record] = ErasureRecord.objects.all()
    assert (record.beneficiary, record.source, record.actor) == (due, "retention", None)
    assert record.records["beneficiary"] == 1 and record.records["contacts"] == 1
    # The audit row holds counts, never the removed values.
    assert old_id not in json.dumps(record.records) and "نورة" not in str(record.records)
    # Twice: nothing more changes.
    assert services.retention_sweep() == {"beneficiary": 0}
    assert ErasureRecord.objects.count() == 1


def test_holds_open_requests_and_recent_activity_keep_the_data():
    RetentionRule.objects.create(kind="beneficiary", days=YEARS)
    held = person_with_everything(family_name="محجوز")
    asking = person_with_everything(family_name="يسأل")
    working = person_with_everything(family_name="طلبه مفتوح")
    active = person_with_everything(family_name="تواصل حديثا")
    for person in (held, asking, working, active):
        _age(person, YEARS + 5)
    LegalHold.objects.create(beneficiary=held, reason="قضية منظورة")
    SubjectRequest.objects.create(beneficiary=asking, kind="access", received_on=timezone.localdate())
    SupportRequestFactory(beneficiary=working, status="awaiting_committee")
    SupportRequest.objects.filter(beneficiary=working).update(created_at=timezone.now() - dt.timedelta(days=YEARS + 5))
    ContactEntry.objects.filter(beneficiary=active).update(created_at=timezone.now())
    assert services.retention_sweep() == {"beneficiary": 0}
    assert not ErasureRecord.objects.exists()
    # The hold lifted: the next sweep does it.
    LegalHold.objects.filter(beneficiary=held).update(lifted_at=timezone.now())
    assert services.retention_sweep() == {"beneficiary": 1}
    assert ErasureRecord.objects.get().beneficiary == held


def test_sent_messages_lose_address_and_text_after_their_period_except_a_held_persons():
    RetentionRule.objects.create(kind="outgoing_message", days=365)
    person = person_with_everything()
    held = person_with_everything(family_name="محجوز")
    LegalHold.objects.create(beneficiary=held, reason="تحقيق")
    old = timezone.now() - dt.timedelta(days=400)
    OutgoingMessage.objects.update(created_at=old)
    assert services.retention_sweep() == {"outgoing_message": 1}
    message = OutgoingMessage.objects.get(beneficiary=person)
    assert (message.recipient, message.body, message.event, message.status) == ("", "", "request_received", "sent")
    assert OutgoingMessage.objects.get(beneficiary=held).body == "استلمنا طلبك"
    assert services.retention_sweep() == {"outgoing_message": 0}
    record = ErasureRecord.objects.get()
    assert (record.kind, record.records, record.beneficiary) == ("outgoing_message", {"outgoing_message": 1}, None)
    person.refresh_from_db()
    assert person.first_name == "نورة"  # the file itself is another kind


def test_an_erasure_request_runs_end_to_end_through_the_managers_decision(client_for, officer, manager):
    person = person_with_everything()
    old_id = person.national_id
    client_for(officer).post(
        reverse("beneficiaries:subject_request_new", args=[person.public_id]),
        {"kind": "erasure", "received_on": timezone.localdate().isoformat(), "details": "أطلب حذف بياناتي"},
    )
    subject_request = SubjectRequest.objects.get()
    url = reverse("beneficiaries:erasure_decide", args=[subject_request.pk])
    # Only the manager decides; the officer cannot, nor close it as a plain request.
    assert client_for(officer).post(url, {"decision": "approve", "reason": "x"}).status_code == 403
    close = reverse("beneficiaries:subject_request_close", args=[subject_request.pk])
    assert client_for(officer).post(close, {"outcome": "completed", "answer": "x"}).status_code == 400
    client = client_for(manager)
    page = client.get(subject_request.get_absolute_url())
    assert page.status_code == 200 and page.context["decide_form"] is not None
    missing = client.post(url, {"decision": "approve", "reason": ""})
    assert missing.status_code == 400 and missing.context["decide_form"].errors["reason"]
    response = client.post(url, {"decision": "approve", "reason": "لا مانع نظامي من الحذف"})
    assert response.status_code == 302
    _identity_gone(person, old_id)
    subject_request.refresh_from_db()
    assert (subject_request.status, subject_request.closed_by) == ("completed", manager)
    assert subject_request.details == ""  # what they wrote may name them
    record = ErasureRecord.objects.get()
    assert (record.source, record.actor, record.subject_request) == ("request", manager, subject_request)
    # The person's page still opens, anonymous, and says so.
    detail = client.get(person.get_absolute_url())
    assert detail.status_code == 200 and services.ERASED_NAME in detail.content.decode()
    assert old_id not in detail.content.decode()


def test_the_manager_refuses_with_a_reason_and_a_hold_blocks_approval(manager, officer):
    person = person_with_everything()
    refused = services.subject_request_create(
        beneficiary=person, kind="erasure", received_on=timezone.localdate(), details="", actor=officer
    )
    services.erasure_decide(subject_request=refused, approve=False, reason="توجد مطالبة مالية قائمة", actor=manager)
    refused.refresh_from_db()
    assert (refused.status, refused.answer) == ("refused", "توجد مطالبة مالية قائمة")
    blocked = services.subject_request_create(
        beneficiary=person, kind="erasure", received_on=timezone.localdate(), details="", actor=officer
    )
    LegalHold.objects.create(beneficiary=person, reason="أمر قضائي")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        services.erasure_decide(subject_request=blocked, approve=True, reason="طلب المستفيد", actor=manager)
    assert "أمر قضائي" in str(caught.value)
    blocked.refresh_from_db()
    assert blocked.status == "open" and not ErasureRecord.objects.exists()
    assert Beneficiary.objects.get(pk=person.pk).first_name == "نورة"


def test_consents_stay_as_statistics_after_erasure(manager, officer):
    person = person_with_everything()
    services.beneficiary_anonymise(beneficiary=person, source="request", actor=manager)
    assert Consent.objects.filter(beneficiary=person).count() == 2
    assert services.beneficiary_anonymise(beneficiary=person, source="request", actor=manager) is None
