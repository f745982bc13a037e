"""``seed_demo --policy FILE``: the association's own document imported, approved as it states, in force before the
demo history, and demo data that follows its procedure — for a policy without a committee (fixture) and for the
shared seeds (a committee with two weeks)."""

import io

import pytest
from django.core.management import CommandError, call_command

from association.policy.models import PolicyVersion
from association.policy.procedure import procedure_in_force
from requests_app.models import CommitteeDecision, CommitteeVote, Declaration, SupportRequest

from .test_policy_procedure_import import NO_COMMITTEE, PROGRAMS, shared_seed

pytestmark = pytest.mark.django_db
S = SupportRequest.Status


def _seed(path, settings, tmp_path) -> str:
    settings.MEDIA_ROOT = tmp_path
    out = io.StringIO()
    call_command("seed_demo", "--no-logins", "--policy", str(path), stdout=out)
    return out.getvalue()


def test_a_policy_without_a_committee(settings, tmp_path):
    printed = _seed(NO_COMMITTEE, settings, tmp_path)
    version = PolicyVersion.objects.get(source_name=NO_COMMITTEE.name)
    assert version.status == PolicyVersion.Status.APPROVED
    # The approval it states: the second meeting, decision ٢/٧, 15/03/1445 = 30/09/2023, its signatory.
    assert (version.board_meeting, version.decision_number, str(version.approval_date)) == (2, "2/7", "2023-09-30")
    assert version.signatory_name == "أ. فهد بن ناصر الدوسري"
    profile = procedure_in_force()
    assert (profile.version_id, profile.individual_decider, profile.decision_window_days) == (
        version.pk,
        "manager",
        None,
    )
    assert (profile.program_requests, profile.volunteer_proposals) == (True, True)
    assert "decided by manager (المدير التنفيذي), window none" in printed
    # The demo requests follow it: no committee vote anywhere, the manager's decisions, named as the policy does.
    submitted = SupportRequest.objects.exclude(submitted_at=None)
    assert submitted.exists() and not submitted.exclude(decider="manager").exists()
    assert not CommitteeVote.objects.exists()
    decisions = CommitteeDecision.objects.all()
    assert decisions.exists()
    assert {(d.decider, d.deciding_body, d.chair.username) for d in decisions} == {
        ("manager", "المدير التنفيذي", "manager")
    }
    assert not submitted.exclude(decision_window_days=None).exists()
    # Step 3 recorded before each declaration signed before staff, as the document asks (an applicant who signs
    # online on the self-service pages has no desk to be referred from).
    signed = SupportRequest.objects.filter(declaration__isnull=False).exclude(
        declaration__method=Declaration.Method.ONLINE
    )
    assert signed.exists() and not signed.filter(explanation="").exists()
    # A rerun imports nothing again.
    again = _seed(NO_COMMITTEE, settings, tmp_path)
    assert "was imported before" in again
    assert PolicyVersion.objects.count() == 1


@pytest.mark.parametrize("prefix", ["001", "003"])
def test_the_shared_seeds_run_with_their_committee(prefix, settings, tmp_path):
    path = shared_seed(prefix)
    printed = _seed(path, settings, tmp_path)
    version = PolicyVersion.objects.get(source_name=path.name)
    profile = procedure_in_force()
    assert (profile.version_id, profile.individual_decider, profile.decision_window_days) == (
        version.pk,
        "committee",
        14,
    )
    assert not (profile.program_requests or profile.volunteer_proposals)
    assert "Programs: none" in printed  # it runs no program procedure: no demo programs
    if prefix == "001":  # its approval block is blank: said, and filled as the portal needs it
        assert "the document leaves blank: meeting, date, signatory" in printed
    else:  # «اجتماع مجلس الإدارة (الثاني) … ١٣ / ١ / ١٤٤٢ هـ . الموافق ٢٦ / ١ / ٢٠٢١ م»
        assert (version.board_meeting, str(version.approval_date)) == (2, "2021-01-26")
    decisions = CommitteeDecision.objects.all()
    assert decisions.exists() and {d.decider for d in decisions} == {"committee"}
    assert CommitteeVote.objects.exists()
    for decision in decisions.select_related("support_request"):
        assert decision.decided_at >= decision.support_request.decidable_from  # never before the two weeks
    assert set(SupportRequest.objects.exclude(submitted_at=None).values_list("policy_version", flat=True)) == {
        version.pk
    }


def _counts() -> dict:
    from beneficiaries.models import Beneficiary
    from programs.models import Permit, Program, ProgramStatusChange, Session, Volunteer

    models = (Program, ProgramStatusChange, Permit, Session, Volunteer, Beneficiary, SupportRequest, PolicyVersion)
    return {model.__name__: model.objects.count() for model in models}


def test_a_program_centred_policy_loads_a_program_centred_demo(settings, tmp_path):
    """Volunteers' proposals and the community's and the ministry's requests, decided by «جهة الاختصاص»; no
    individual support requests: the demo has programs in every status, decided by that body's letters, and no
    support request anywhere (not from the desk, the field visit nor self-service)."""
    from programs.models import Program, ProgramStatusChange

    printed = _seed(PROGRAMS, settings, tmp_path)
    version = PolicyVersion.objects.get(source_name=PROGRAMS.name)
    profile = procedure_in_force()
    assert profile.version_id == version.pk
    assert (profile.individual_requests, profile.program_requests, profile.volunteer_proposals) == (
        False,
        True,
        True,
    )
    assert (profile.programs_decider, profile.programs_decider_name) == ("competent_body", "جهة الاختصاص")
    assert profile.supervising_body == "وزارة الشؤون الإسلامية والدعوة والإرشاد"
    assert "individual requests no" in printed and "decided by competent_body (جهة الاختصاص)" in printed
    assert not SupportRequest.objects.exists()
    assert "Support requests: none" in printed
    assert set(Program.objects.values_list("status", flat=True)) == set(Program.Status.values)
    decided = Program.objects.exclude(decided_by_body="")
    assert decided.filter(status=Program.Status.REJECTED).exists()
    assert {p.decided_by_body for p in decided} == {"جهة الاختصاص"}
    assert all("خطاب رقم" in p.decision_note for p in decided)  # the body's letter, recorded by the coordinator
    decisions = ProgramStatusChange.objects.filter(new_status__in=[Program.Status.APPROVED, Program.Status.REJECTED])
    assert {change.actor.username for change in decisions} == {"coordinator"}
    # A rerun creates nothing new.
    before = _counts()
    again = _seed(PROGRAMS, settings, tmp_path)
    assert "was imported before" in again
    assert _counts() == before


def test_a_missing_file_is_refused():
    with pytest.raises(CommandError):
        call_command("seed_demo", "--policy", "/nonexistent/policy.txt", stdout=io.StringIO())
