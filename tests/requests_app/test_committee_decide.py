"""The committee decides only after the decision window (Riyadh calendar days), with quorum, never recused."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from association.kernel.roles import Role
from requests_app import services
from requests_app.models import CommitteeDecision, CommitteeVote, StatusChange, SupportRequest

from .factories import awaiting_committee, cast_votes, last_change, open_study, set_quorum

RIYADH = ZoneInfo("Asia/Riyadh")
S = SupportRequest.Status


def _awaiting_submitted_at(officer, moment):
    with time_machine.travel(moment, tick=False):
        return awaiting_committee(officer)


def _decide(support_request, chair, outcome="approved"):
    return services.committee_decide(
        support_request=support_request,
        actor=chair,
        outcome=outcome,
        reasons="استوفى الشروط",
        grant={"grant_kind": "cash", "grant_amount": 1500, "grant_period_months": 3},
    )


@pytest.fixture
def voted(officer, chair, make_user):
    """A request submitted on 2026-11-01 at 23:30 Riyadh (day 0), with the quorum's votes cast."""
    support_request = _awaiting_submitted_at(officer, dt.datetime(2026, 11, 1, 23, 30, tzinfo=RIYADH))
    members = [make_user(Role.COMMITTEE_MEMBER) for _ in range(2)]
    cast_votes(support_request, members)  # 2 of 3 active members (2 members + chair): a majority
    return support_request


def test_decidable_from_is_day_14_midnight_riyadh(voted):
    assert services.decidable_from(voted) == dt.datetime(2026, 11, 15, 0, 0, tzinfo=RIYADH)


def test_decision_on_day_13_at_23_59_riyadh_is_refused(voted, chair):
    with (
        time_machine.travel(dt.datetime(2026, 11, 14, 23, 59, 59, tzinfo=RIYADH), tick=False),
        pytest.raises(ValidationError) as info,
    ):
        _decide(voted, chair)
    assert info.value.code == "too_early"
    voted.refresh_from_db()
    assert voted.status == S.AWAITING_COMMITTEE
    assert not CommitteeDecision.objects.filter(support_request=voted).exists()
    assert last_change(voted).new_status == S.AWAITING_COMMITTEE


def test_decision_on_day_14_at_00_00_riyadh_is_allowed(voted, chair):
    with time_machine.travel(dt.datetime(2026, 11, 15, 0, 0, tzinfo=RIYADH), tick=False):
        decision = _decide(voted, chair)
    voted.refresh_from_db()
    assert voted.status == S.APPROVED
    assert decision.grant_amount == 1500 and decision.grant_period_months == 3
    change = last_change(voted)
    assert (change.old_status, change.new_status, change.actor) == (S.AWAITING_COMMITTEE, S.APPROVED, chair)
    assert voted.notifications.filter(event="decision_made").count() == 1


def test_the_window_counts_riyadh_dates_not_utc(officer, chair, make_user):
    # 2026-11-01 22:00 UTC is already 2 November in Riyadh: day 0 is the 2nd, so the 15th is still too early.
    support_request = _awaiting_submitted_at(officer, dt.datetime(2026, 11, 1, 22, 0, tzinfo=dt.UTC))
    cast_votes(support_request, [make_user(Role.COMMITTEE_MEMBER) for _ in range(2)])
    with (
        time_machine.travel(dt.datetime(2026, 11, 15, 12, 0, tzinfo=RIYADH), tick=False),
        pytest.raises(ValidationError),
    ):
        _decide(support_request, chair)
    with time_machine.travel(dt.datetime(2026, 11, 16, 0, 0, tzinfo=RIYADH), tick=False):
        _decide(support_request, chair, outcome="rejected")
    support_request.refresh_from_db()
    assert support_request.status == S.REJECTED


def test_the_window_in_force_at_submission_is_kept_with_the_request(officer):
    with time_machine.travel(dt.datetime(2026, 11, 1, 10, 0, tzinfo=RIYADH), tick=False):
        support_request = awaiting_committee(officer)
        assert support_request.decision_window_days == services.decision_window_days()
    # A request submitted under a 21-day policy keeps its 21 days whatever the policy says later.
    SupportRequest.objects.filter(pk=support_request.pk).update(decision_window_days=21)
    support_request.refresh_from_db()
    assert services.decidable_from(support_request) == dt.datetime(2026, 11, 22, 0, 0, tzinfo=RIYADH)


def test_without_quorum_the_decision_is_refused(officer, chair, make_user):
    support_request = _awaiting_submitted_at(officer, dt.datetime(2026, 11, 1, 10, 0, tzinfo=RIYADH))
    members = [make_user(Role.COMMITTEE_MEMBER) for _ in range(4)]  # 5 active with the chair: majority is 3
    cast_votes(support_request, members[:2])
    with time_machine.travel(dt.datetime(2026, 11, 20, tzinfo=RIYADH), tick=False):
        with pytest.raises(ValidationError) as info:
            _decide(support_request, chair)
        assert info.value.code == "no_quorum"
        cast_votes(support_request, members[2:3], vote=CommitteeVote.Vote.ABSTAIN)
        _decide(support_request, chair)
    support_request.refresh_from_db()
    assert support_request.status == S.APPROVED


def test_configured_quorum_overrides_the_majority(officer, chair, make_user):
    set_quorum(1)
    support_request = _awaiting_submitted_at(officer, dt.datetime(2026, 11, 1, 10, 0, tzinfo=RIYADH))
    [make_user(Role.COMMITTEE_MEMBER) for _ in range(4)]
    cast_votes(support_request, [chair])
    with time_machine.travel(dt.datetime(2026, 11, 20, tzinfo=RIYADH), tick=False):
        _decide(support_request, chair, outcome="rejected")
    assert CommitteeDecision.objects.get(support_request=support_request).outcome == "rejected"


def test_recused_votes_do_not_count_and_the_member_cannot_vote_again(officer, chair, make_user):
    support_request = _awaiting_submitted_at(officer, dt.datetime(2026, 11, 1, 10, 0, tzinfo=RIYADH))
    members = [make_user(Role.COMMITTEE_MEMBER) for _ in range(2)]
    services.committee_declare_conflict(support_request=support_request, actor=members[0], note="قريب المستفيد")
    cast_votes(support_request, members[1:])
    with pytest.raises(ValidationError) as info:
        services.committee_vote(support_request=support_request, actor=members[0], vote="approve")
    assert info.value.code == "recused"
    assert services.votes_cast(support_request) == 1
    with (
        time_machine.travel(dt.datetime(2026, 11, 20, tzinfo=RIYADH), tick=False),
        pytest.raises(ValidationError) as info,
    ):
        _decide(support_request, chair)
    assert info.value.code == "no_quorum"


def test_a_recused_chair_cannot_decide(officer, chair, make_user):
    set_quorum(1)
    support_request = _awaiting_submitted_at(officer, dt.datetime(2026, 11, 1, 10, 0, tzinfo=RIYADH))
    cast_votes(support_request, [make_user(Role.COMMITTEE_MEMBER)])
    services.committee_declare_conflict(support_request=support_request, actor=chair, note="قريب")
    with (
        time_machine.travel(dt.datetime(2026, 11, 20, tzinfo=RIYADH), tick=False),
        pytest.raises(ValidationError) as info,
    ):
        _decide(support_request, chair)
    assert info.value.code == "recused"


def test_only_the_chair_decides(voted, make_user):
    with time_machine.travel(dt.datetime(2026, 11, 20, tzinfo=RIYADH), tick=False):
        for role in (Role.COMMITTEE_MEMBER, Role.MANAGER, Role.RELATIONS_OFFICER):
            with pytest.raises(PermissionDenied):
                _decide(voted, make_user(role))
    voted.refresh_from_db()
    assert voted.status == S.AWAITING_COMMITTEE


def test_the_researcher_who_wrote_the_study_cannot_vote(officer, chair, make_user):
    from .factories import submitted_request

    support_request = submitted_request(officer)
    dual = make_user(Role.SOCIAL_RESEARCHER)
    dual.groups.add(*type(dual.groups.first()).objects.filter(name=Role.COMMITTEE_MEMBER))
    study = open_study(support_request, officer, dual)
    services.study_record(study=study, actor=dual, data={"monthly_income": 2000, "household_size": 4})
    services.study_recommend(study=study, actor=dual, recommendation="approve", reasons="أسرة محتاجة")
    with pytest.raises(ValidationError) as info:
        services.committee_vote(support_request=support_request, actor=dual, vote="approve")
    assert info.value.code == "author"
    assert not CommitteeVote.objects.filter(support_request=support_request).exists()


def test_approval_requires_what_is_granted(voted, chair):
    with (
        time_machine.travel(dt.datetime(2026, 11, 20, tzinfo=RIYADH), tick=False),
        pytest.raises(ValidationError) as info,
    ):
        services.committee_decide(support_request=voted, actor=chair, outcome="approved", reasons="مستحق")
    assert "grant_kind" in info.value.message_dict


def test_a_second_decision_is_refused(voted, chair, make_user):
    with time_machine.travel(dt.datetime(2026, 11, 20, tzinfo=RIYADH), tick=False):
        _decide(voted, chair)
        second_chair = make_user(Role.COMMITTEE_CHAIR)
        with pytest.raises(ValidationError) as info:
            _decide(voted, second_chair, outcome="rejected")
    assert info.value.code == "not_awaiting"
    assert CommitteeDecision.objects.filter(support_request=voted).count() == 1
    assert StatusChange.objects.filter(support_request=voted, new_status__in=["approved", "rejected"]).count() == 1


def test_a_rejected_request_may_be_appealed_once(voted, chair, officer, make_user):
    with time_machine.travel(dt.datetime(2026, 11, 20, tzinfo=RIYADH), tick=False):
        _decide(voted, chair, outcome="rejected")
        services.support_request_appeal(support_request=voted, actor=officer, appeal_text="تغير دخل الأسرة")
        voted.refresh_from_db()
        assert (voted.status, voted.committee_round) == (S.AWAITING_COMMITTEE, 2)
        assert "تغير دخل الأسرة" in last_change(voted).reason
        # The new round needs its own votes.
        with pytest.raises(ValidationError):
            _decide(voted, chair, outcome="rejected")
        cast_votes(voted, [make_user(Role.COMMITTEE_MEMBER) for _ in range(4)], vote=CommitteeVote.Vote.REJECT)
        _decide(voted, chair, outcome="rejected")
        with pytest.raises(ValidationError) as info:
            services.support_request_appeal(support_request=voted, actor=officer, appeal_text="مرة أخرى")
    assert info.value.code == "appealed"
    assert CommitteeDecision.objects.filter(support_request=voted).count() == 2
