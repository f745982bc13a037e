"""A request keeps the policy version — and its decision window — in force when it was submitted."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from tests.association.factories import ApprovedPolicyVersionFactory

from .factories import submitted_request

pytestmark = pytest.mark.django_db


def test_submission_records_the_approved_policy_and_its_window(officer):
    policy = ApprovedPolicyVersionFactory(decision_window_days=21)

    support_request = submitted_request(officer)

    assert support_request.policy_version == policy
    assert support_request.decision_window_days == 21


def test_a_later_approval_does_not_change_a_submitted_request(officer):
    with time_machine.travel(dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)):
        first = ApprovedPolicyVersionFactory(decision_window_days=14, approved_at=timezone.now())
        support_request = submitted_request(officer)
    with time_machine.travel(dt.datetime(2026, 4, 1, 9, tzinfo=dt.UTC)):
        first.status = first.Status.SUPERSEDED
        first.save(update_fields=["status"])
        ApprovedPolicyVersionFactory(decision_window_days=30, approved_at=timezone.now())
        later = submitted_request(officer)

    support_request.refresh_from_db()
    assert (support_request.policy_version, support_request.decision_window_days) == (first, 14)
    assert later.decision_window_days == 30


def test_without_an_approved_policy_the_default_window_applies(officer, settings):
    settings.DEFAULT_DECISION_WINDOW_DAYS = 14

    support_request = submitted_request(officer)

    assert support_request.policy_version is None
    assert support_request.decision_window_days == 14
