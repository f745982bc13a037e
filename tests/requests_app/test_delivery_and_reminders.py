"""Deliveries and closing; reminders to the chair and escalations to the manager, each sent once."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from requests_app import services, tasks
from requests_app.models import RequestNotification, SupportRequest

from .factories import awaiting_committee, draft_request, force_status, last_change

S = SupportRequest.Status
RIYADH = ZoneInfo("Asia/Riyadh")


def test_delivery_then_receipt_then_close(officer):
    support_request = force_status(draft_request(officer), S.REGISTERED)
    with pytest.raises(ValidationError):
        services.delivery_record(
            support_request=support_request, actor=officer, delivered_on=timezone.localdate(), what="سلة"
        )
    services.delivery_record(
        support_request=support_request,
        actor=officer,
        delivered_on=timezone.localdate(),
        what="سلة غذائية",
        quantity=2,
        receipt_confirmed=False,
    )
    support_request.refresh_from_db()
    assert support_request.status == S.SERVICE_DELIVERED
    with pytest.raises(ValidationError):
        services.support_request_close(support_request=support_request, actor=officer)
    services.delivery_record(
        support_request=support_request,
        actor=officer,
        delivered_on=timezone.localdate(),
        what="سلة غذائية",
        quantity=1,
        receipt_confirmed=True,
        receipt_note="وقع المستفيد",
    )
    assert support_request.deliveries.count() == 2
    services.support_request_close(support_request=support_request, actor=officer)
    support_request.refresh_from_db()
    assert support_request.status == S.CLOSED and last_change(support_request).new_status == S.CLOSED


def test_a_delivery_cannot_be_dated_in_the_future(officer):
    support_request = force_status(draft_request(officer), S.REGISTERED)
    with pytest.raises(ValidationError) as info:
        services.delivery_record(
            support_request=support_request,
            actor=officer,
            what="سلة",
            quantity=1,
            delivered_on=timezone.localdate() + dt.timedelta(days=1),
        )
    assert "delivered_on" in info.value.message_dict


def test_the_chair_is_reminded_once_when_a_request_becomes_decidable(officer, chair):
    with time_machine.travel(dt.datetime(2026, 11, 1, 10, 0, tzinfo=RIYADH), tick=False):
        support_request = awaiting_committee(officer)
    with time_machine.travel(dt.datetime(2026, 11, 14, 23, 59, tzinfo=RIYADH), tick=False):
        assert services.reminders_sweep() == 0
    with time_machine.travel(dt.datetime(2026, 11, 15, 0, 0, tzinfo=RIYADH), tick=False):
        assert tasks.requests_reminders_sweep() == 1
        assert tasks.requests_reminders_sweep() == 0
    reminder = RequestNotification.objects.get(event="decision_window_open")
    assert (reminder.user, reminder.support_request) == (chair, support_request)


def test_an_undecided_request_escalates_to_the_manager_after_the_due_days(officer, manager):
    with time_machine.travel(dt.datetime(2026, 10, 1, 10, 0, tzinfo=RIYADH), tick=False):
        support_request = awaiting_committee(officer)
    with time_machine.travel(dt.datetime(2026, 10, 30, 23, 59, tzinfo=RIYADH), tick=False):
        services.reminders_sweep()
        assert not RequestNotification.objects.filter(event="request_overdue").exists()
        assert not SupportRequest.objects.filter(services.overdue_filter()).exists()
    with time_machine.travel(dt.datetime(2026, 10, 31, 0, 0, tzinfo=RIYADH), tick=False):
        services.reminders_sweep()
        services.reminders_sweep()
        assert list(SupportRequest.objects.filter(services.overdue_filter())) == [support_request]
    escalation = RequestNotification.objects.get(event="request_overdue")
    assert escalation.user == manager
