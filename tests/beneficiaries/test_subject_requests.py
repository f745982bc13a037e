"""Requests about a person's data: logged with their due date (30 days), answered, escalated once when late."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import SubjectRequest
from beneficiaries.privacy import services
from tests.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db


def test_a_request_is_due_thirty_days_after_it_was_received(client_for, officer):
    person = BeneficiaryFactory()
    response = client_for(officer).post(
        reverse("beneficiaries:subject_request_new", args=[person.public_id]),
        {"kind": "access", "received_on": "2026-11-01", "details": "يطلب نسخة من بياناته"},
    )
    subject_request = SubjectRequest.objects.get()
    assert response["Location"] == subject_request.get_absolute_url()
    assert (subject_request.received_on, subject_request.due_on) == (dt.date(2026, 11, 1), dt.date(2026, 12, 1))
    assert subject_request.events.get().new_status == "open" and subject_request.created_by == officer


def test_bad_input_is_an_arabic_error_next_to_the_field(client_for, officer):
    person = BeneficiaryFactory()
    url = reverse("beneficiaries:subject_request_new", args=[person.public_id])
    response = client_for(officer).post(url, {"kind": "access", "received_on": "2999-01-01", "details": "x"})
    assert response.status_code == 200 and response.context["form"].errors["received_on"]
    response = client_for(officer).post(url, {"kind": "nonsense", "received_on": "x"})
    assert set(response.context["form"].errors) == {"kind", "received_on"}
    assert not SubjectRequest.objects.exists()


def test_answering_a_copy_request_and_refusing_needs_a_reason(client_for, officer):
    person = BeneficiaryFactory()
    subject_request = services.subject_request_create(
        beneficiary=person, kind="correction", received_on=timezone.localdate(), details="", actor=officer
    )
    url = reverse("beneficiaries:subject_request_close", args=[subject_request.pk])
    client = client_for(officer)
    refused = client.post(url, {"outcome": "refused", "answer": "  "})
    assert refused.status_code == 400 and refused.context["close_form"].errors["answer"]
    assert client.post(url, {"outcome": "completed", "answer": "صُحِّح رقم الجوال"}).status_code == 302
    subject_request.refresh_from_db()
    assert (subject_request.status, subject_request.closed_by, subject_request.answer) == (
        "completed",
        officer,
        "صُحِّح رقم الجوال",
    )
    assert list(subject_request.events.values_list("new_status", flat=True)) == ["open", "completed"]


def test_a_late_request_is_escalated_to_the_managers_once(officer, make_user):
    make_user("manager", email="manager@example.org")
    make_user("relations_officer", email="officer@example.org")
    person = BeneficiaryFactory()
    with time_machine.travel(dt.datetime(2026, 10, 1, 9, tzinfo=dt.UTC)):
        late = services.subject_request_create(
            beneficiary=person, kind="access", received_on=dt.date(2026, 10, 1), details="", actor=officer
        )
        on_time = services.subject_request_create(
            beneficiary=person, kind="erasure", received_on=dt.date(2026, 10, 1), details="", actor=officer
        )
    SubjectRequest.objects.filter(pk=on_time.pk).update(received_on=dt.date(2026, 10, 20), due_on=dt.date(2026, 11, 19))
    with time_machine.travel(dt.datetime(2026, 10, 31, 9, tzinfo=dt.UTC)):  # day 30: still in time
        assert services.subject_requests_escalate() == 0
    with time_machine.travel(dt.datetime(2026, 11, 1, 9, tzinfo=dt.UTC)), pytest.MonkeyPatch.context():
        from django.test.utils import CaptureQueriesContext  # noqa: F401

        with _commits():
            assert services.subject_requests_escalate() == 1
            assert services.subject_requests_escalate() == 0
    late.refresh_from_db()
    assert late.escalated_at is not None
    assert SubjectRequest.objects.get(pk=on_time.pk).escalated_at is None
    assert [m.to for m in mail.outbox] == [["manager@example.org"]]
    assert late.get_absolute_url() in mail.outbox[0].body


class _commits:
    """Run on_commit callbacks at once (the test runs inside one transaction)."""

    def __enter__(self):
        from django.db import connection

        self._patch = pytest.MonkeyPatch()
        self._patch.setattr("django.db.transaction.on_commit", lambda func, **kw: func())
        self.connection = connection
        return self

    def __exit__(self, *exc):
        self._patch.undo()


def test_the_list_is_paginated_with_constant_queries(client_for, manager, officer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def rows(n):
        for _ in range(n):
            services.subject_request_create(
                beneficiary=BeneficiaryFactory(),
                kind="access",
                received_on=timezone.localdate(),
                details="",
                actor=officer,
            )

    client = client_for(manager)
    url = reverse("beneficiaries:subject_requests")
    rows(3)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(url).context["page"].object_list) == 3
    rows(20)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(url).context["page"].object_list) == 23
    assert len(many) == len(few)
    assert client.get(url, {"status": "nonsense", "page": "x"}).status_code == 200
