"""Overdue cases escalate to the manager(s) through the periodic sweep, once."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from channels_log.cases import services
from channels_log.cases.models import Case, CaseEvent
from channels_log.cases.tasks import escalate_overdue_cases
from channels_log.messaging.models import OutgoingMessage
from tests.channels_log.factories import make_case

RIYADH = ZoneInfo("Asia/Riyadh")
WEDNESDAY_10 = dt.datetime(2026, 11, 18, 10, 0, tzinfo=RIYADH)


@pytest.fixture
def overdue_inquiry(db):
    with time_machine.travel(WEDNESDAY_10, tick=False):
        case = make_case(kind="inquiry")
    # One working day: due Thursday 10:00.
    assert case.first_response_due == dt.datetime(2026, 11, 19, 10, 0, tzinfo=RIYADH)
    return case


def test_not_escalated_at_the_due_moment(overdue_inquiry, manager):
    with time_machine.travel(overdue_inquiry.first_response_due, tick=False):
        assert services.cases_escalate_overdue() == 0
    overdue_inquiry.refresh_from_db()
    assert overdue_inquiry.escalated_at is None


def test_escalated_once_after_the_due_moment(overdue_inquiry, manager, make_user):
    second_manager = make_user("manager", email="director@example.org")
    manager.email = "manager@example.org"
    manager.save()
    late = overdue_inquiry.first_response_due + dt.timedelta(seconds=1)
    with time_machine.travel(late, tick=False):
        assert escalate_overdue_cases() == 1
    with time_machine.travel(late + dt.timedelta(hours=1), tick=False):
        assert escalate_overdue_cases() == 0
        # Even called directly for the same case, nothing happens twice.
        assert services.case_escalate(case_id=overdue_inquiry.pk) is False
    overdue_inquiry.refresh_from_db()
    assert overdue_inquiry.escalated_at == late
    assert CaseEvent.objects.filter(case=overdue_inquiry, action=CaseEvent.Action.ESCALATED).count() == 1
    messages = OutgoingMessage.objects.filter(event="case_escalated")
    assert sorted(messages.values_list("user_id", flat=True)) == sorted([manager.pk, second_manager.pk])
    assert {m.group_key for m in messages} == {
        f"case_escalated:{overdue_inquiry.pk}:{manager.pk}",
        f"case_escalated:{overdue_inquiry.pk}:{second_manager.pk}",
    }


def test_a_case_answered_in_time_is_not_escalated(overdue_inquiry, officer, manager):
    from association.channels import Channel

    with time_machine.travel(WEDNESDAY_10 + dt.timedelta(hours=2), tick=False):
        services.case_answer(
            case=overdue_inquiry, response="الجواب", channel=Channel.objects.get(code="phone"), actor=officer
        )
    with time_machine.travel(WEDNESDAY_10 + dt.timedelta(days=10), tick=False):
        assert services.cases_escalate_overdue() == 0
    assert Case.objects.get(pk=overdue_inquiry.pk).escalated_at is None


def test_a_started_case_past_its_resolution_target_is_escalated(db, officer, manager):
    with time_machine.travel(WEDNESDAY_10, tick=False):
        case = make_case(kind="complaint")
        services.case_start(case=case, actor=officer)
    with time_machine.travel(case.resolution_due - dt.timedelta(seconds=1), tick=False):
        assert services.cases_escalate_overdue() == 0
    with time_machine.travel(case.resolution_due + dt.timedelta(seconds=1), tick=False):
        assert services.cases_escalate_overdue() == 1


def test_the_sweep_is_in_the_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["channels_log.escalate_overdue_cases"]
    assert entry["task"] == "channels_log.tasks.escalate_overdue_cases"
