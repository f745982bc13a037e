"""The program lifecycle: each step through the transitions table, an audit row per step, the proposer told by SMS,
and each role allowed exactly the steps the table gives it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from association.kernel.roles import Role
from channels_log.messaging.models import OutgoingMessage
from programs import services, transitions
from programs.models import Program, ProgramStatusChange
from tests.factories import UserFactory

from . import factories as f

pytestmark = pytest.mark.django_db
S = Program.Status


def test_the_table_names_a_permission_for_every_step():
    for status, steps in transitions.TRANSITIONS.items():
        for target, permission in steps.items():
            assert permission.startswith("programs."), (status, target)
    assert transitions.TRANSITIONS[S.UNDER_STUDY][S.APPROVED] == "programs.decide_program"
    assert set(transitions.TRANSITIONS[S.COMPLETED]) == {S.REPORTED}


def test_a_volunteer_proposal_walks_to_reported_with_an_audit_row_and_an_sms_per_step():
    program = f.program_in(S.REPORTED)
    steps = list(ProgramStatusChange.objects.filter(program=program).values_list("old_status", "new_status"))
    assert steps == [
        ("", S.PROPOSED),
        (S.PROPOSED, S.UNDER_STUDY),
        (S.UNDER_STUDY, S.APPROVED),
        (S.APPROVED, S.AWAITING_PERMITS),
        (S.AWAITING_PERMITS, S.PERMITTED),
        (S.PERMITTED, S.SCHEDULED),
        (S.SCHEDULED, S.RUNNING),
        (S.RUNNING, S.COMPLETED),
        (S.COMPLETED, S.REPORTED),
    ]
    sms = OutgoingMessage.objects.filter(subject_kind="program", subject_id=program.pk, channel="sms")
    assert sms.count() == len(steps)
    assert set(sms.values_list("recipient", flat=True)) == {program.volunteer.mobile}
    approved = sms.get(event="program_approved")
    assert program.reference in approved.body and "مدير الجمعية" in approved.body


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.PROGRAMS_COORDINATOR, True),
        (Role.MANAGER, False),
        (Role.RELATIONS_OFFICER, False),
        (Role.COMMITTEE_CHAIR, False),
    ],
)
def test_who_takes_a_proposal_under_study(role, allowed):
    program = f.proposal()
    actor = UserFactory(role=role)
    if allowed:
        services.program_step(program=program, to=S.UNDER_STUDY, actor=actor)
        assert Program.objects.get(pk=program.pk).status == S.UNDER_STUDY
    else:
        with pytest.raises(PermissionDenied):
            services.program_step(program=program, to=S.UNDER_STUDY, actor=actor)
        assert Program.objects.get(pk=program.pk).status == S.PROPOSED
        assert not ProgramStatusChange.objects.filter(program=program, new_status=S.UNDER_STUDY).exists()


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.MANAGER, True),  # the policy's default deciding body for programs
        (Role.PROGRAMS_COORDINATOR, False),
        (Role.COMMITTEE_CHAIR, False),
        (Role.RELATIONS_OFFICER, False),
    ],
)
def test_who_decides_under_the_default_profile(role, allowed):
    program = f.program_in(S.UNDER_STUDY)
    actor = UserFactory(role=role)
    if allowed:
        services.program_decide(program=program, actor=actor, approve=False, note="لا تتوفر الميزانية")
        program.refresh_from_db()
        assert program.status == S.REJECTED and program.decided_by_body
        assert ProgramStatusChange.objects.get(program=program, new_status=S.REJECTED).actor == actor
    else:
        with pytest.raises(PermissionDenied):
            services.program_decide(program=program, actor=actor, approve=True, note="موافقة")
        assert Program.objects.get(pk=program.pk).status == S.UNDER_STUDY


def _policy_in_force(**procedure):
    """An approved policy (the board's approval through the policy's own service) with this procedure profile."""
    from tests.association.factories import PolicyVersionFactory
    from tests.association.test_policy_services import _approve

    _approve(PolicyVersionFactory(**procedure), UserFactory(role=Role.MANAGER))


def test_the_committee_decides_when_the_policy_names_it():
    _policy_in_force(programs_decider="committee", programs_decider_name="لجنة البرامج")
    program = f.program_in(S.UNDER_STUDY)
    with pytest.raises(PermissionDenied):
        services.program_decide(program=program, actor=UserFactory(role=Role.MANAGER), approve=True, note="موافقة")
    services.program_decide(program=program, actor=UserFactory(role=Role.COMMITTEE_CHAIR), approve=True, note="موافقة")
    program.refresh_from_db()
    assert program.status == S.APPROVED and program.decided_by_body == "لجنة البرامج"


def test_a_competent_body_decision_needs_its_letter():
    _policy_in_force(programs_decider="competent_body", programs_decider_name="فرع وزارة الشؤون الإسلامية")
    program = f.program_in(S.UNDER_STUDY)
    coordinator = program.coordinator
    with pytest.raises(ValidationError) as refused:
        services.program_decide(program=program, actor=coordinator, approve=True, note="موافقة الفرع")
    assert "body_letter" in refused.value.message_dict
    services.program_decide(
        program=program, actor=coordinator, approve=True, note="موافقة", body_letter="4471 في 1448/5/2"
    )
    program.refresh_from_db()
    assert program.status == S.APPROVED and "4471" in program.decision_note
    assert program.decided_by_body == "فرع وزارة الشؤون الإسلامية"


def test_a_policy_without_volunteer_proposals_refuses_one():
    _policy_in_force(volunteer_proposals=False)
    with pytest.raises(ValidationError) as refused:
        f.proposal()
    assert "requester" in refused.value.message_dict
    assert not Program.objects.exists()


def test_withdrawal_needs_a_reason_and_a_closed_program_goes_nowhere():
    program = f.proposal()
    with pytest.raises(ValidationError):
        services.program_step(program=program, to=S.WITHDRAWN, actor=program.coordinator)
    services.program_step(program=program, to=S.WITHDRAWN, actor=program.coordinator, reason="اعتذر المتطوع")
    with pytest.raises(ValidationError) as refused:
        services.program_step(program=program, to=S.UNDER_STUDY, actor=program.coordinator)
    assert refused.value.code == "invalid_transition"


def test_the_decision_and_the_final_report_have_their_own_services():
    program = f.program_in(S.UNDER_STUDY)
    with pytest.raises(ValidationError):
        services.program_step(program=program, to=S.APPROVED, actor=UserFactory(role=Role.MANAGER))
    assert Program.objects.get(pk=program.pk).status == S.UNDER_STUDY


def test_the_step_page_answers_403_for_a_role_the_table_refuses(client):
    program = f.proposal()
    client.force_login(UserFactory(role=Role.RELATIONS_OFFICER))
    response = client.post(f"/programs/{program.pk}/step/", {"status": S.UNDER_STUDY})
    assert response.status_code == 403
    assert Program.objects.get(pk=program.pk).status == S.PROPOSED


def test_a_proposal_form_with_bad_input_keeps_the_data_and_saves_nothing(client):
    client.force_login(f.coordinator())
    kind = f.kind()
    response = client.post(
        "/programs/new/",
        {
            "title": "برنامج الأسرة",
            "kind": kind.pk,
            "requester": "beneficiary",
            "beneficiary_id_number": "1234567890",
            "audience": "الأسر",
            "place": "المقر",
            "start_date": "2026-05-10",
            "end_date": "2026-05-01",
            "expected_attendance": "0",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "beneficiary_id_number" in form.errors and "expected_attendance" in form.errors
    assert 'value="برنامج الأسرة"' in response.content.decode()
    assert not Program.objects.exists()
