"""The request page's query budget: the same number of queries with one and with many related rows
(documents, votes, status changes, deliveries, decisions), for the people who open it at each stage."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from association.kernel.roles import Role
from requests_app.models import CommitteeDecision, CommitteeVote, Delivery, StatusChange, SupportRequest
from tests.factories import DocumentTypeFactory, UserFactory

from .factories import add_document, draft_request, force_status

S = SupportRequest.Status

# What the page costs today; the test fails if it grows (lower it when the page gets cheaper).
BUDGET = {S.SUBMITTED: 17, S.AWAITING_COMMITTEE: 20, S.SERVICE_DELIVERED: 17}


def _grow(support_request, n: int, *, officer) -> None:
    """``n`` more of each kind of row the page shows."""
    now = timezone.now()
    for i in range(n):
        document_type = DocumentTypeFactory()
        support_request.service_type.required_documents.add(document_type)
        add_document(support_request.beneficiary, document_type, verified_by=officer)
        StatusChange.objects.create(
            support_request=support_request,
            old_status=S.DRAFT,
            new_status=S.DRAFT,
            actor=UserFactory(),
            reason=f"ملاحظة {i}",
            at=now - dt.timedelta(days=30, minutes=i),
        )
        CommitteeVote.objects.create(
            support_request=support_request,
            committee_round=support_request.committee_round,
            member=UserFactory(role=Role.COMMITTEE_MEMBER),
            vote=CommitteeVote.Vote.APPROVE,
            note=f"رأي {i}",
            at=now - dt.timedelta(minutes=i),
        )
        Delivery.objects.create(
            support_request=support_request,
            delivered_on=timezone.localdate() - dt.timedelta(days=i),
            what=f"دفعة {i}",
            amount=100,
            delivered_by=UserFactory(),
            receipt_confirmed=bool(i % 2),
            recorded_at=now - dt.timedelta(minutes=i),
        )
        # Earlier rounds' decisions (the current round, when decided, has its own).
        CommitteeDecision.objects.create(
            support_request=support_request,
            committee_round=100 + i,
            outcome=CommitteeDecision.Outcome.REJECTED,
            reasons=f"أسباب {i}",
            chair=UserFactory(role=Role.COMMITTEE_CHAIR),
            decided_at=now - dt.timedelta(days=20, minutes=i),
        )


def _queries(client, support_request) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(support_request.get_absolute_url())
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    ("status", "viewer"),
    [(S.SUBMITTED, "manager"), (S.AWAITING_COMMITTEE, "chair"), (S.SERVICE_DELIVERED, "officer")],
)
def test_the_request_page_costs_the_same_with_one_or_many_related_rows(status, viewer, request, officer, client_for):
    user = request.getfixturevalue(viewer)
    client = client_for(user)
    one = force_status(draft_request(officer, documents=0), status)
    _grow(one, 1, officer=officer)
    many = force_status(draft_request(officer, documents=0), status)
    _grow(many, 12, officer=officer)
    _queries(client, one)  # the first request of a session loads the session and the user's groups once
    with_one, with_many = _queries(client, one), _queries(client, many)
    assert with_one == with_many, f"{status}: {with_one} queries with one of each row, {with_many} with twelve"
    assert with_one <= BUDGET[status], f"{status}: {with_one} queries (budget {BUDGET[status]})"
