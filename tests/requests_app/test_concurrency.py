"""Races that only a real database shows: PostgreSQL row locks (skipped on SQLite, required in CI)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from association.kernel.roles import Role
from requests_app import services
from requests_app.models import CommitteeDecision, StatusChange, SupportRequest
from tests.concurrency import run_at_once
from tests.services import require_postgres

from .factories import awaiting_committee, cast_votes, draft_request, make_complete

RIYADH = ZoneInfo("Asia/Riyadh")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_chairs_deciding_at_once_give_one_decision(officer, chair, make_user):
    require_postgres()
    second_chair = make_user(Role.COMMITTEE_CHAIR)
    with time_machine.travel(dt.datetime(2026, 11, 1, 10, 0, tzinfo=RIYADH), tick=False):
        support_request = awaiting_committee(officer)
    cast_votes(support_request, [chair, second_chair])

    def decide(actor, outcome):
        return lambda: services.committee_decide(
            support_request=support_request,
            actor=actor,
            outcome=outcome,
            reasons="قرار",
            grant={"grant_kind": "cash", "grant_amount": 500},
        )

    with time_machine.travel(dt.datetime(2026, 11, 20, tzinfo=RIYADH), tick=True):
        results = run_at_once([decide(chair, "approved"), decide(second_chair, "rejected")])
    decisions = [r for r in results if isinstance(r, CommitteeDecision)]
    refusals = [r for r in results if isinstance(r, ValidationError)]
    assert len(decisions) == 1 and len(refusals) == 1, results
    assert refusals[0].code == "not_awaiting"
    support_request.refresh_from_db()
    assert support_request.status == decisions[0].outcome
    assert CommitteeDecision.objects.filter(support_request=support_request).count() == 1
    assert (
        StatusChange.objects.filter(support_request=support_request, new_status__in=["approved", "rejected"]).count()
        == 1
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_submissions_get_distinct_consecutive_numbers(officer):
    require_postgres()
    drafts = [make_complete(draft_request(officer), officer) for _ in range(6)]
    results = run_at_once(
        [lambda d=d: services.support_request_submit(support_request=d, actor=officer) for d in drafts]
    )
    assert all(isinstance(r, SupportRequest) for r in results), results
    numbers = sorted(SupportRequest.objects.values_list("number", flat=True))
    assert len(set(numbers)) == 6
    sequence = sorted(int(n.split("-")[1]) for n in numbers)
    assert sequence == list(range(sequence[0], sequence[0] + 6))
