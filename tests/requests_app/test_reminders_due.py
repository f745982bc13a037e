"""The reminders sweep reads only what is due: requests already reminded, not yet decidable or of another
status are never selected, a request with a seven-day window is due a week before a fourteen-day one, a second
chair not yet told makes the request due again, and the sweep's queries do not grow with the requests that are
not due."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from requests_app import services
from requests_app.models import RequestNotification, SupportRequest
from requests_app.selectors import reminders_due

from .factories import awaiting_committee, draft_request, force_status

S = SupportRequest.Status
RIYADH = ZoneInfo("Asia/Riyadh")
pytestmark = pytest.mark.django_db


def _awaiting(officer, n, *, window=14):
    rows = [awaiting_committee(officer) for _ in range(n)]
    SupportRequest.objects.filter(pk__in=[r.pk for r in rows]).update(decision_window_days=window)
    return rows


def test_only_due_rows_are_selected_and_each_once(officer, chair, make_user):
    with time_machine.travel(dt.datetime(2026, 11, 1, 10, 0, tzinfo=RIYADH), tick=False):
        fourteen = _awaiting(officer, 3)
        seven = _awaiting(officer, 2, window=7)
        force_status(draft_request(officer), S.IN_RESEARCH)
    with time_machine.travel(dt.datetime(2026, 11, 8, 0, 0, tzinfo=RIYADH), tick=False):
        assert sorted(r.pk for r in reminders_due("decision_window_open", [chair])) == sorted(r.pk for r in seven)
        assert services.reminders_sweep() == 2
        assert not reminders_due("decision_window_open", [chair]).exists()
    with time_machine.travel(dt.datetime(2026, 11, 15, 0, 0, tzinfo=RIYADH), tick=False):
        due = list(reminders_due("decision_window_open", [chair]))
        assert sorted(r.pk for r in due) == sorted(r.pk for r in fourteen)
        assert services.reminders_sweep() == 3
        assert services.reminders_sweep() == 0
        # A second chair appointed later: every decidable request is due again, for them alone.
        second = make_user("committee_chair")
        assert len(reminders_due("decision_window_open", [chair, second])) == 5
        assert services.reminders_sweep() == 5
    assert RequestNotification.objects.filter(event="decision_window_open", user=second).count() == 5
    assert RequestNotification.objects.filter(event="decision_window_open", user=chair).count() == 5


def test_sweep_with_nothing_due_costs_the_same_for_few_or_many_requests(officer, chair, manager):
    def sweep_queries():
        with CaptureQueriesContext(connection) as queries:
            assert services.reminders_sweep() == 0
        return len(queries)

    with time_machine.travel(dt.datetime(2026, 9, 1, 10, 0, tzinfo=RIYADH), tick=False):
        _awaiting(officer, 2)
    with time_machine.travel(dt.datetime(2026, 11, 1, 10, 0, tzinfo=RIYADH), tick=False):
        assert services.reminders_sweep() == 4  # decidable to the chair and overdue to the manager, each
        few = sweep_queries()
    with time_machine.travel(dt.datetime(2026, 10, 31, 10, 0, tzinfo=RIYADH), tick=False):
        _awaiting(officer, 8)  # awaiting, not yet decidable on Nov 1
    with time_machine.travel(dt.datetime(2026, 11, 1, 10, 0, tzinfo=RIYADH), tick=False):
        many = sweep_queries()
    assert many == few
