"""What the request services tell the apps above them (kernel events, after commit, ids only), and how a
request reacts to a complaint that contests its decision (``complaint_contested_decision`` → the appeal,
once)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from association.kernel import events
from association.kernel.roles import Role
from requests_app import services
from requests_app.models import StatusChange, SupportRequest

from .factories import awaiting_committee, cast_votes, draft_request, force_status, make_complete, set_quorum

S = SupportRequest.Status
RIYADH = ZoneInfo("Asia/Riyadh")
RECEIVED: list[tuple[str, dict]] = []


def _on_submitted(**ids):
    RECEIVED.append(("request_submitted", ids))


def _on_decision(**ids):
    RECEIVED.append(("decision_made", ids))


def _on_delivery(**ids):
    RECEIVED.append(("delivery_recorded", ids))


@pytest.fixture
def received():
    """The events published while the test runs, in order (a subscriber of our own, removed afterwards)."""
    RECEIVED.clear()
    handlers = [("request_submitted", _on_submitted), ("decision_made", _on_decision)]
    handlers.append(("delivery_recorded", _on_delivery))
    for name, handler in handlers:
        events.subscribe(name, handler)
    yield RECEIVED
    for name, handler in handlers:
        events.unsubscribe(name, handler)


def test_submitting_publishes_request_submitted_after_commit(officer, received, django_capture_on_commit_callbacks):
    support_request = make_complete(draft_request(officer), officer)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.support_request_submit(support_request=support_request, actor=officer)
    assert received == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert received == [("request_submitted", {"request_id": support_request.pk})]


def test_a_refused_submission_publishes_nothing(officer, received, django_capture_on_commit_callbacks):
    support_request = draft_request(officer)  # documents missing, declaration not signed
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.support_request_submit(support_request=support_request, actor=officer)
    assert received == []


def test_the_decision_publishes_decision_made_with_its_id(
    officer, chair, make_user, received, django_capture_on_commit_callbacks
):
    set_quorum(1)
    with time_machine.travel(dt.datetime(2026, 11, 1, 10, tzinfo=RIYADH), tick=False):
        support_request = awaiting_committee(officer)
    cast_votes(support_request, [make_user(Role.COMMITTEE_MEMBER)])
    received.clear()
    with (
        time_machine.travel(dt.datetime(2026, 11, 20, 10, tzinfo=RIYADH), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        decision = services.committee_decide(
            support_request=support_request, actor=chair, outcome="rejected", reasons="لا تنطبق الشروط"
        )
    assert received == [("decision_made", {"request_id": support_request.pk, "decision_id": decision.pk})]


def test_every_delivery_publishes_and_only_the_first_says_first(officer, received, django_capture_on_commit_callbacks):
    support_request = force_status(draft_request(officer), S.REGISTERED)
    deliveries = []
    for what in ("الدفعة الأولى", "الدفعة الثانية"):
        with django_capture_on_commit_callbacks(execute=True):
            deliveries.append(
                services.delivery_record(
                    support_request=support_request,
                    actor=officer,
                    delivered_on=timezone.localdate(),
                    what=what,
                    amount=500,
                )
            )
    assert received == [
        ("delivery_recorded", {"request_id": support_request.pk, "delivery_id": deliveries[0].pk, "first": True}),
        ("delivery_recorded", {"request_id": support_request.pk, "delivery_id": deliveries[1].pk, "first": False}),
    ]


def _appeals(support_request) -> int:
    return StatusChange.objects.filter(
        support_request=support_request, old_status=S.REJECTED, new_status=S.AWAITING_COMMITTEE
    ).count()


def test_a_complaint_contesting_the_decision_opens_the_appeal_once(officer):
    rejected = force_status(draft_request(officer), S.REJECTED)
    payload = {"case_id": 9001, "request_id": rejected.pk, "actor_id": officer.pk, "appeal_text": "أرجو إعادة النظر"}
    assert events.dispatch("complaint_contested_decision", **payload) == []
    rejected.refresh_from_db()
    assert (rejected.status, rejected.committee_round) == (S.AWAITING_COMMITTEE, 2)
    assert rejected.appeal_text == "أرجو إعادة النظر" and rejected.appealed_at is not None
    change = StatusChange.objects.get(support_request=rejected, new_status=S.AWAITING_COMMITTEE)
    assert change.actor == officer and "أرجو إعادة النظر" in change.reason

    # The same event again (a retry, a second complaint): the one appeal is taken, nothing changes.
    assert events.dispatch("complaint_contested_decision", **payload) == []
    rejected.refresh_from_db()
    assert (rejected.status, rejected.committee_round, _appeals(rejected)) == (S.AWAITING_COMMITTEE, 2, 1)


def test_a_handler_without_the_permission_opens_no_appeal(officer, manager):
    rejected = force_status(draft_request(officer), S.REJECTED)
    failed = events.dispatch(
        "complaint_contested_decision", case_id=7, request_id=rejected.pk, actor_id=manager.pk, appeal_text="اعتراض"
    )
    assert [handler.__name__ for handler in failed] == ["appeal_for_contested_decision"]  # refused, logged
    rejected.refresh_from_db()
    assert (rejected.status, rejected.appealed_at, _appeals(rejected)) == (S.REJECTED, None, 0)


def test_the_portal_opens_the_appeal_without_a_person_and_leaves_other_requests_alone(officer):
    rejected = force_status(draft_request(officer), S.REJECTED)
    approved = force_status(draft_request(officer), S.APPROVED)
    appealed = force_status(draft_request(officer), S.REJECTED, appealed_at=timezone.now(), committee_round=2)
    for support_request in (rejected, approved, appealed):
        events.dispatch("complaint_contested_decision", case_id=1, request_id=support_request.pk)
    rejected.refresh_from_db()
    assert rejected.status == S.AWAITING_COMMITTEE and rejected.appeal_text  # a default text, in words
    assert StatusChange.objects.get(support_request=rejected, new_status=S.AWAITING_COMMITTEE).actor is None
    for untouched, status in ((approved, S.APPROVED), (appealed, S.REJECTED)):
        untouched.refresh_from_db()
        assert untouched.status == status and _appeals(untouched) == 0
