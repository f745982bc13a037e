"""The demo tells one consistent story: every date seed_demo leaves follows from the ones before it, as in a
real association — a person is registered before their request is opened, documents and the declaration
come before the submission, the committee decides after its window, every escalation message is about a
case or a request that really was overdue, and survey answers come after the service they rate."""

import io

import pytest
from django.core.management import call_command

from beneficiaries.models import Consent
from channels_log.cases.models import Case, CaseEvent
from channels_log.contacts.models import ContactEntry
from channels_log.messaging.models import OutgoingMessage
from requests_app import services
from requests_app.models import CommitteeVote, Declaration, StatusChange, SupportRequest
from surveys.models import Response

S = SupportRequest.Status


@pytest.fixture(scope="module")
def story(django_db_setup, django_db_blocker):
    """seed_demo once for the module, in a transaction rolled back at the end."""
    from django.db import connection, transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("seed_demo", stdout=io.StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            connection.close()


pytestmark = pytest.mark.django_db


def _requests():
    return SupportRequest.objects.select_related("beneficiary", "service_type")


def test_no_request_is_opened_after_it_was_submitted_nor_before_its_beneficiary_was_registered(story):
    for sr in _requests():
        assert sr.beneficiary.created_at <= sr.created_at, sr
        if sr.submitted_at is not None:
            assert sr.created_at <= sr.submitted_at, f"{sr}: opened {sr.created_at}, submitted {sr.submitted_at}"


def test_documents_and_the_declaration_come_before_the_submission(story):
    submitted = _requests().exclude(submitted_at=None)
    assert submitted.count() >= 8
    for sr in submitted:
        declaration = Declaration.objects.get(support_request=sr)
        assert sr.created_at <= declaration.signed_at <= sr.submitted_at, sr
        for document_type in sr.service_type.required_documents.all():
            documents = sr.beneficiary.documents.filter(document_type=document_type)
            assert documents.exists(), (sr, document_type)
            for document in documents:
                assert document.supplied_at <= sr.submitted_at, (sr, document_type, document.supplied_at)
                assert document.verified_at is None or document.verified_at <= sr.submitted_at, (sr, document_type)
                assert sr.beneficiary.created_at <= document.supplied_at, (sr, document_type)
    for sr in _requests().filter(status__in=[S.DRAFT, S.INCOMPLETE, S.WITHDRAWN]).exclude(declaration=None):
        assert sr.created_at <= sr.declaration.signed_at, sr


def test_each_request_history_runs_forward_from_its_opening(story):
    for sr in _requests():
        changes = list(StatusChange.objects.filter(support_request=sr).order_by("pk"))
        assert changes[0].new_status == S.DRAFT and abs((changes[0].at - sr.created_at).total_seconds()) < 60, sr
        times = [change.at for change in changes]
        assert times == sorted(times), (sr, [(c.new_status, c.at) for c in changes])
        submitted = [c.at for c in changes if c.new_status == S.SUBMITTED]
        if sr.submitted_at is not None:
            assert submitted and submitted[-1] == sr.submitted_at, sr
        assert changes[-1].new_status == sr.status, sr


def test_research_votes_decisions_and_deliveries_follow_the_submission_and_the_window(story):
    decided = 0
    for sr in _requests().exclude(submitted_at=None):
        for study in sr.studies.all():
            assert sr.submitted_at <= study.referred_at, sr
            assert study.assessed_at is None or study.referred_at <= study.assessed_at, sr
            assert study.visit_date is None or study.referred_at.date() <= study.visit_date, sr
        for vote in CommitteeVote.objects.filter(support_request=sr):
            assert sr.submitted_at <= vote.at, sr
        for decision in sr.decisions.all():
            decided += 1
            assert decision.decided_at >= services.decidable_from(sr), sr
            assert all(v.at <= decision.decided_at for v in sr.votes.filter(committee_round=decision.committee_round))
            for delivery in sr.deliveries.all():
                assert decision.decided_at.date() <= delivery.delivered_on, sr
                assert decision.decided_at <= delivery.recorded_at, sr
    assert decided >= 4


def test_every_escalation_message_is_about_an_escalated_case_or_an_overdue_request(story):
    escalations = OutgoingMessage.objects.filter(event__in=["case_escalated", "escalated"])
    assert escalations.exists(), "the demo shows what an escalation looks like"
    for message in escalations:
        assert message.subject_kind == "case", message.group_key
        case = Case.objects.get(pk=message.subject_id)
        assert case.escalated_at is not None, message.group_key
        assert CaseEvent.objects.filter(case=case, action=CaseEvent.Action.ESCALATED).exists()
        assert case.is_overdue(case.escalated_at) or case.escalated_at >= case.resolution_due
        assert case.escalated_at <= message.created_at
    for message in OutgoingMessage.objects.filter(event="request_overdue"):
        assert message.subject_kind == "support_request", message.group_key
        sr = SupportRequest.objects.get(pk=message.subject_id)
        assert sr.status in services.UNDECIDED, message.group_key
        assert services.decision_due(sr) <= message.created_at, message.group_key


def test_messages_about_a_request_follow_what_they_announce(story):
    about_requests = OutgoingMessage.objects.filter(subject_kind="support_request")
    requests = SupportRequest.objects.in_bulk(about_requests.values_list("subject_id", flat=True))
    for message in about_requests:
        sr = requests[message.subject_id]
        assert sr.created_at <= message.created_at, (message.event, sr)
        if message.event == "request_received":
            assert sr.submitted_at is not None and sr.submitted_at <= message.created_at, sr
        if message.event == "decision_made":
            assert sr.decisions.filter(decided_at__lte=message.created_at).exists(), sr
        if message.event == "request_incomplete":
            assert sr.status_changes.filter(new_status=S.INCOMPLETE, at__lte=message.created_at).exists(), sr
    # Nothing announces a request that was never submitted as received or decided.
    announced = about_requests.filter(event__in=["request_received", "decision_made"]).values("subject_id")
    assert not SupportRequest.objects.filter(pk__in=announced, submitted_at=None).exists()


def test_cases_and_contacts_run_forward(story):
    for case in Case.objects.select_related("contact__beneficiary"):
        assert case.contact.created_at <= case.opened_at + _second(), case
        if case.contact.beneficiary is not None:
            assert case.contact.beneficiary.created_at <= case.opened_at, case
        for moment in (case.first_response_at, case.answered_at, case.closed_at, case.escalated_at):
            assert moment is None or case.opened_at <= moment, case
        if case.closed_at and case.answered_at:
            assert case.answered_at <= case.closed_at, case
        times = list(case.events.order_by("pk").values_list("at", flat=True))
        assert times == sorted(times), case
    for contact in ContactEntry.objects.exclude(beneficiary=None).select_related("beneficiary", "support_request"):
        assert contact.beneficiary.created_at <= contact.created_at, contact
        if contact.support_request is not None:
            assert contact.support_request.created_at <= contact.created_at + _second(), contact
    for consent in Consent.objects.select_related("beneficiary"):
        assert abs((consent.given_at - consent.beneficiary.created_at).total_seconds()) < 60, consent


def test_survey_answers_about_a_request_come_after_its_service(story):
    linked = Response.objects.exclude(support_request=None).select_related("support_request")
    assert linked.exists()
    for response in linked:
        sr = response.support_request
        assert sr.submitted_at is not None, sr
        assert (
            sr.decisions.filter(decided_at__lte=response.submitted_at).exists()
            or sr.deliveries.filter(recorded_at__lte=response.submitted_at).exists()
        ), (sr, response.submitted_at)
        if response.follow_up is not None:
            case = Case.objects.get(contact=response.follow_up)
            assert abs((case.opened_at - response.submitted_at).total_seconds()) < 60, case


def _second():
    import datetime as dt

    return dt.timedelta(seconds=1)


@pytest.mark.parametrize("requester", ["volunteer", "organisation", "supervising_body"])
def test_after_the_demo_the_coordinator_proposals_are_taken_under_the_demo_policy(story, client, requester):
    """The demo policy in force states the programs' and volunteering practices: a new volunteer proposal or a
    community/ministry request made on the programs page is taken, while the individual procedure stays the
    research committee's with its two weeks."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.urls import reverse
    from django.utils import timezone

    from association.policy.procedure import procedure_in_force
    from programs.models import Organisation, Program, ProgramKind, Volunteer

    profile = procedure_in_force()
    assert profile.version_id is not None
    assert (profile.program_requests, profile.volunteer_proposals) == (True, True)
    assert (profile.individual_decider, profile.decision_window_days) == ("committee", 14)
    client.force_login(get_user_model().objects.get(username="coordinator"))
    today = timezone.localdate()
    data = {
        "title": "برنامج تحفيظ القرآن الصيفي",
        "kind": ProgramKind.objects.get(code="course").pk,
        "requester": requester,
        "audience": "أبناء الأسر المستفيدة",
        "place": "مقر الجمعية",
        "start_date": (today + dt.timedelta(days=20)).isoformat(),
        "end_date": (today + dt.timedelta(days=50)).isoformat(),
        "expected_attendance": "30",
        "budget": "4000",
    }
    if requester == "volunteer":
        data["volunteer"] = Volunteer.objects.filter(status=Volunteer.Status.APPROVED).order_by("pk").first().pk
    elif requester == "organisation":
        data["organisation"] = Organisation.objects.order_by("pk").first().pk
    else:
        data.update(body_reference="خطاب رقم 5120/ش", body_mobile="0551230005")
    before = Program.objects.count()
    answer = client.post(reverse("programs:new"), data)
    assert answer.status_code == 302, answer.content.decode()[:3000]
    assert Program.objects.count() == before + 1
    made = Program.objects.order_by("-pk").first()
    assert (made.title, made.requester, made.status) == (data["title"], requester, Program.Status.PROPOSED)
