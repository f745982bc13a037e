"""Each procedure profile end to end: the request follows the policy version in force when it was submitted —
a committee with a window (votes, quorum, agenda, minutes), the manager with no window (decides as soon as the
request is studied, no vote), and a named competent body whose decision the manager records. Wrong actors are
refused (PermissionDenied), and the messages quote the actual window or say there is none."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from pypdf import PdfReader

from association.kernel.pdf import document_kinds
from association.policy.procedure import Decider
from channels_log.messaging.models import OutgoingMessage
from requests_app import selectors, services
from requests_app.models import CommitteeDecision, SupportRequest
from tests.association.factories import ApprovedPolicyVersionFactory

from .factories import cast_votes, draft_request, make_complete, open_study, set_quorum

RIYADH = ZoneInfo("Asia/Riyadh")
S = SupportRequest.Status
pytestmark = pytest.mark.django_db
SUBMITTED_AT = dt.datetime(2026, 11, 1, 10, 0, tzinfo=RIYADH)


def _policy(**profile):
    with time_machine.travel(SUBMITTED_AT - dt.timedelta(days=30), tick=False):
        return ApprovedPolicyVersionFactory(**profile)


def _submit(officer):
    with time_machine.travel(SUBMITTED_AT, tick=False):
        support_request = make_complete(draft_request(officer), officer)
        return services.support_request_submit(support_request=support_request, actor=officer)


def _sms(support_request, event) -> str:
    return OutgoingMessage.objects.get(
        event=event, subject_kind="support_request", subject_id=support_request.pk, channel="sms"
    ).body


def _pdf_text(kind, pk) -> str:
    data, _name = document_kinds()[kind](pk)
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


def _decide(support_request, actor, at, outcome="approved"):
    with time_machine.travel(at, tick=False):
        return services.committee_decide(
            support_request=support_request,
            actor=actor,
            outcome=outcome,
            reasons="الأسرة مستحقة وفق نتيجة البحث",
            grant={"grant_kind": "cash", "grant_amount": 1500},
        )


def test_a_committee_with_a_window(officer, chair, member, manager, make_user):
    _policy(decision_window_days=14, quorum=2, individual_decider=Decider.COMMITTEE)
    support_request = _submit(officer)
    assert (support_request.decider, support_request.decision_window_days) == ("committee", 14)
    assert _sms(support_request, "request_received").endswith(
        "يُعرض الطلب على لجنة البحث، ويصدر قرارها بالقبول أو الاعتذار خلال مدة لا تقل عن أسبوعين."
    )
    support_request = services.support_request_send_to_committee(support_request=support_request, actor=officer)
    assert support_request.get_status_display() == str(S.AWAITING_COMMITTEE.label)
    agenda = selectors.agenda_queryset(member)
    assert list(agenda) == [support_request]
    # The manager does not decide a committee's request; the chair not before the window, nor without quorum.
    with pytest.raises(PermissionDenied):
        _decide(support_request, manager, SUBMITTED_AT + dt.timedelta(days=15))
    with pytest.raises(ValidationError) as too_early:
        _decide(support_request, chair, SUBMITTED_AT + dt.timedelta(days=13))
    assert too_early.value.code == "too_early"
    cast_votes(support_request, [member])
    with pytest.raises(ValidationError) as no_quorum:
        _decide(support_request, chair, SUBMITTED_AT + dt.timedelta(days=14))
    assert no_quorum.value.code == "no_quorum"  # the policy's quorum (2), not the settings' majority
    cast_votes(support_request, [chair])
    decision = _decide(support_request, chair, SUBMITTED_AT + dt.timedelta(days=14))
    assert (decision.decider, decision.deciding_body, decision.by_committee) == ("committee", "لجنة البحث", True)
    assert "قررت لجنة البحث الموافقة على طلبكم" in _sms(support_request, "decision_made")
    assert "قررت لجنة البحث ما يلي" in _pdf_text("decision", support_request.pk)
    assert selectors.pdf_available(support_request, "minutes")


def test_the_manager_without_a_window(officer, chair, member, manager, researcher, client_for):
    set_quorum(3)  # the committee's settings play no part
    _policy(decision_window_days=None, individual_decider=Decider.MANAGER, individual_decider_name="المدير التنفيذي")
    support_request = _submit(officer)
    assert (support_request.decider, support_request.decider_name, support_request.decision_window_days) == (
        "manager",
        "المدير التنفيذي",
        None,
    )
    sms = _sms(support_request, "request_received")
    assert sms.endswith(
        "يُعرض الطلب على المدير التنفيذي، ويصدر القرار بالقبول أو الاعتذار فور اكتمال دراسته، دون مهلة انتظار."
    )
    assert "أسبوعين" not in sms and "لجنة" not in sms
    assert selectors.decidable_from(support_request) == support_request.submitted_at
    # Research, then the recommendation sends it to the manager.
    study = open_study(support_request, officer, researcher)
    with time_machine.travel(SUBMITTED_AT + dt.timedelta(hours=2), tick=False):
        services.study_record(
            study=study,
            actor=researcher,
            data={"visit_date": dt.date(2026, 11, 1), "monthly_income": 1000, "household_size": 4, "housing": "rented"},
        )
        services.study_recommend(study=study, actor=researcher, recommendation="approve", reasons="مستحق")
    support_request.refresh_from_db()
    assert support_request.get_status_display() == "بانتظار قرار المدير التنفيذي"
    assert list(selectors.agenda_queryset(member)) == []  # not on the committee's agenda
    # No committee: no vote, and the chair may not decide.
    with pytest.raises(ValidationError) as no_vote:
        services.committee_vote(support_request=support_request, actor=member, vote="approve")
    assert no_vote.value.code == "no_committee"
    with pytest.raises(PermissionDenied):
        _decide(support_request, chair, SUBMITTED_AT + dt.timedelta(hours=3))
    page = client_for(manager).get(support_request.get_absolute_url()).content.decode()
    assert f'action="{reverse("requests_app:decide", args=[support_request.pk])}"' in page
    assert "لا توجد مهلة: يجوز البت فور اكتمال دراسة الطلب" in page
    # The same day, as soon as it is studied.
    decision = _decide(support_request, manager, SUBMITTED_AT + dt.timedelta(hours=3), outcome="rejected")
    assert (decision.decider, decision.deciding_body, decision.chair) == ("manager", "المدير التنفيذي", manager)
    support_request.refresh_from_db()
    assert support_request.status == S.REJECTED
    assert "صدر قرار المدير التنفيذي بالاعتذار عن قبول طلبكم" in _sms(support_request, "decision_made")
    letter = _pdf_text("decision", support_request.pk)
    assert "المدير التنفيذي" in letter and "لجنة البحث" not in letter
    assert not selectors.pdf_available(support_request, "minutes")
    with pytest.raises(CommitteeDecision.DoesNotExist):
        document_kinds()["minutes"](support_request.pk)
    # The chair's decide URL answers 403 before reading the form.
    response = client_for(chair).post(reverse("requests_app:decide", args=[support_request.pk]), {})
    assert response.status_code == 403


def test_a_competent_body_recorded_by_the_manager(officer, chair, manager, make_user):
    _policy(
        decision_window_days=10,
        individual_decider=Decider.COMPETENT_BODY,
        individual_decider_name="لجنة الخدمات الاجتماعية بالمحافظة",
    )
    support_request = _submit(officer)
    assert _sms(support_request, "request_received").endswith(
        "يُعرض الطلب على لجنة الخدمات الاجتماعية بالمحافظة، ويصدر القرار بالقبول أو الاعتذار خلال مدة لا تقل عن 10 أيام."
    )
    support_request = services.support_request_send_to_committee(support_request=support_request, actor=officer)
    home = selectors.role_home(user=manager)["body_decisions"]
    assert [row.support_request for row in home] == [support_request]
    with pytest.raises(ValidationError) as too_early:
        _decide(support_request, manager, SUBMITTED_AT + dt.timedelta(days=9))
    assert too_early.value.code == "too_early"
    with pytest.raises(PermissionDenied):
        _decide(support_request, chair, SUBMITTED_AT + dt.timedelta(days=10))
    with pytest.raises(PermissionDenied):
        _decide(support_request, officer, SUBMITTED_AT + dt.timedelta(days=10))
    decision = _decide(support_request, manager, SUBMITTED_AT + dt.timedelta(days=10))
    assert decision.decider == "competent_body" and decision.deciding_body == "لجنة الخدمات الاجتماعية بالمحافظة"
    assert "صدر قرار لجنة الخدمات الاجتماعية بالمحافظة بالموافقة على طلبكم" in _sms(support_request, "decision_made")
    letter = _pdf_text("decision", support_request.pk)
    assert "لجنة الخدمات الاجتماعية بالمحافظة" in letter


def test_a_request_keeps_the_procedure_it_was_submitted_under(officer, chair, member):
    _policy(decision_window_days=14, individual_decider=Decider.COMMITTEE)
    support_request = _submit(officer)
    with time_machine.travel(SUBMITTED_AT + dt.timedelta(days=1), tick=False):
        ApprovedPolicyVersionFactory(individual_decider=Decider.MANAGER, decision_window_days=None)
    support_request.refresh_from_db()
    assert (support_request.decider, support_request.decision_window_days) == ("committee", 14)
    with time_machine.travel(SUBMITTED_AT + dt.timedelta(days=2), tick=False):
        newest = services.support_request_submit(
            support_request=make_complete(draft_request(officer), officer), actor=officer
        )
    assert (newest.decider, newest.decision_window_days) == ("manager", None)


def test_no_individual_requests_when_the_policy_runs_none(officer):
    _policy(individual_requests=False, program_requests=True)
    beneficiary = draft_request(officer).beneficiary
    from tests.factories import ServiceTypeFactory

    with pytest.raises(ValidationError) as refused:
        services.support_request_create_draft(
            beneficiary=beneficiary,
            service_type=ServiceTypeFactory(),
            channel=beneficiary.requests.first().channel,
            description="طلب",
            actor=officer,
        )
    assert refused.value.code == "not_offered"


def test_the_reminder_goes_to_who_decides(officer, chair, manager):
    manager.email = "manager@example.org"
    manager.save()
    _policy(decision_window_days=None, individual_decider=Decider.MANAGER)
    support_request = _submit(officer)
    services.support_request_send_to_committee(support_request=support_request, actor=officer)
    with time_machine.travel(SUBMITTED_AT + dt.timedelta(hours=1), tick=False):
        services.reminders_sweep()
    sent = OutgoingMessage.objects.filter(event="decision_window_open", subject_id=support_request.pk)
    assert {message.user for message in sent} == {manager}
    assert "اكتملت دراسة الطلب" in sent.first().body and "مدير الجمعية" in sent.first().body
