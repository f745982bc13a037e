"""Pages: each action through its view, errors shown next to the field, lists that do not grow in queries."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from association.kernel.roles import Role
from requests_app import services
from requests_app.models import CommitteeDecision, StatusChange, SupportRequest

from .factories import (
    awaiting_committee,
    cast_votes,
    draft_request,
    force_status,
    last_change,
    open_study,
    png_data_url,
    submitted_request,
)

S = SupportRequest.Status
RIYADH = ZoneInfo("Asia/Riyadh")


@pytest.mark.parametrize("status", S.values)
def test_detail_renders_in_every_status_for_every_role(status, officer, researcher, member, chair, manager, client_for):
    support_request = force_status(draft_request(officer), status)
    for user in (officer, researcher, member, chair, manager):
        response = client_for(user).get(support_request.get_absolute_url())
        assert response.status_code == 200
        assert support_request.beneficiary.full_name in response.content.decode()


def test_submit_view_lists_what_is_missing_and_changes_nothing(officer, client_for):
    support_request = draft_request(officer, documents=1)
    response = client_for(officer).post(reverse("requests_app:submit", args=[support_request.pk]), follow=True)
    text = response.content.decode()
    assert support_request.service_type.required_documents.get().name in text
    support_request.refresh_from_db()
    assert support_request.status == S.DRAFT


def test_sign_on_screen_then_submit_through_the_pages(officer, client_for):
    support_request = draft_request(officer, documents=0)
    client = client_for(officer)
    page = client.get(reverse("requests_app:declaration", args=[support_request.pk]))
    assert services.DECLARATION_TEXTS[services.DECLARATION_VERSION] in page.content.decode()
    assert "js/signature.js" in page.content.decode()
    bad = client.post(
        reverse("requests_app:declaration", args=[support_request.pk]), {"signature_data": "data:image/png;base64,AAAA"}
    )
    assert bad.status_code == 400 and "signature" in bad.content.decode().lower()
    ok = client.post(reverse("requests_app:declaration", args=[support_request.pk]), {"signature_data": png_data_url()})
    assert ok.status_code == 302
    client.post(reverse("requests_app:submit", args=[support_request.pk]))
    support_request.refresh_from_db()
    assert support_request.status == S.SUBMITTED and support_request.number


def test_refer_with_missing_reason_keeps_the_typed_data(officer, researcher, client_for):
    support_request = submitted_request(officer)
    response = client_for(officer).post(
        reverse("requests_app:refer", args=[support_request.pk]),
        {"refer-researcher": researcher.pk, "refer-reason": ""},
    )
    assert response.status_code == 400
    assert response.context["forms"]["refer"].errors["reason"]
    assert response.context["forms"]["refer"].data["refer-researcher"] == str(researcher.pk)
    support_request.refresh_from_db()
    assert support_request.status == S.SUBMITTED


def test_researcher_records_and_recommends_through_the_pages(officer, researcher, client_for):
    support_request = submitted_request(officer)
    open_study(support_request, officer, researcher)
    client = client_for(researcher)
    assert support_request.number in client.get(reverse("requests_app:assignments")).content.decode()
    response = client.post(
        reverse("requests_app:study", args=[support_request.pk]),
        {
            "study-visit_date": "1448-05-20 هـ",
            "study-monthly_income": "٣٠٠٠",
            "study-household_size": "3",
            "study-housing": "rented",
            "study-income_sources": "راتب تقاعد",
            "study-monthly_expenses": "2500",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    study = support_request.studies.get()
    assert study.income_per_person == 1000 and study.visit_date is not None
    client.post(
        reverse("requests_app:recommend", args=[support_request.pk]),
        {"recommend-recommendation": "approve", "recommend-reasons": "دخل منخفض"},
    )
    support_request.refresh_from_db()
    assert support_request.status == S.AWAITING_COMMITTEE


def test_decide_before_the_window_shows_the_arabic_refusal_and_changes_nothing(officer, chair, make_user, client_for):
    with time_machine.travel(dt.datetime(2026, 11, 1, 10, 0, tzinfo=RIYADH), tick=False):
        support_request = awaiting_committee(officer)
    cast_votes(support_request, [make_user(Role.COMMITTEE_MEMBER), chair])
    data = {
        "decide-outcome": "approved",
        "decide-reasons": "مستحق",
        "decide-grant_kind": "cash",
        "decide-grant_amount": "1000",
    }
    with time_machine.travel(dt.datetime(2026, 11, 14, 23, 59, tzinfo=RIYADH), tick=False):
        response = client_for(chair).post(reverse("requests_app:decide", args=[support_request.pk]), data)
    assert response.status_code == 400
    assert response.context["forms"]["decide"].non_field_errors()
    assert not CommitteeDecision.objects.exists()
    with time_machine.travel(dt.datetime(2026, 11, 15, 0, 0, tzinfo=RIYADH), tick=False):
        response = client_for(chair).post(reverse("requests_app:decide", args=[support_request.pk]), data, follow=True)
    support_request.refresh_from_db()
    assert support_request.status == S.APPROVED
    assert reverse("requests_app:pdf", args=[support_request.pk, "decision"]) in response.content.decode()


def test_a_member_cannot_post_a_decision(officer, member, client_for):
    support_request = awaiting_committee(officer)
    response = client_for(member).post(
        reverse("requests_app:decide", args=[support_request.pk]), {"outcome": "approved"}
    )
    assert response.status_code == 403


def test_actions_are_post_only(officer, client_for):
    support_request = draft_request(officer)
    for name in ("submit", "withdraw", "vote", "decide", "register", "close"):
        assert client_for(officer).get(reverse(f"requests_app:{name}", args=[support_request.pk])).status_code == 405


def test_vote_and_recusal_through_the_page(officer, member, client_for):
    support_request = awaiting_committee(officer)
    client = client_for(member)
    response = client.post(
        reverse("requests_app:vote", args=[support_request.pk]), {"vote-vote": "recused", "vote-note": ""}
    )
    assert response.status_code == 400 and response.context["forms"]["vote"].errors["note"]
    client.post(reverse("requests_app:vote", args=[support_request.pk]), {"vote-vote": "recused", "vote-note": "قريب"})
    assert support_request.votes.get().vote == "recused"
    page = client.get(support_request.get_absolute_url()).content.decode()
    assert 'id="form-vote"' not in page


def test_delivery_and_close_through_the_pages(officer, client_for):
    support_request = force_status(draft_request(officer), S.APPROVED)
    client = client_for(officer)
    client.post(reverse("requests_app:register", args=[support_request.pk]))
    response = client.post(
        reverse("requests_app:delivery_new", args=[support_request.pk]),
        {
            "delivery-delivered_on": "2026-11-20",
            "delivery-what": "سلة غذائية",
            "delivery-quantity": "١",
            "delivery-receipt_confirmed": "on",
        },
    )
    assert response.status_code == 302
    client.post(reverse("requests_app:close", args=[support_request.pk]), {"close-reason": ""})
    support_request.refresh_from_db()
    assert support_request.status == S.CLOSED
    assert list(StatusChange.objects.filter(support_request=support_request).values_list("new_status", flat=True))[
        -3:
    ] == [
        "registered",
        "service_delivered",
        "closed",
    ]


def test_the_timeline_shows_every_step(officer, researcher, client_for):
    support_request = submitted_request(officer)
    open_study(support_request, officer, researcher)
    page = client_for(officer).get(support_request.get_absolute_url()).content.decode()
    for kind in ("status", "document", "declaration"):
        assert f'data-kind="{kind}"' in page
    assert last_change(support_request).reason in page


def test_list_filters_by_status_service_researcher_and_overdue(officer, researcher, client_for):
    in_research = submitted_request(officer)
    open_study(in_research, officer, researcher)
    other = submitted_request(officer)
    client = client_for(officer)
    page = client.get(reverse("requests_app:list"), {"researcher": researcher.pk}).context["page"]
    assert [r.pk for r in page.object_list] == [in_research.pk]
    page = client.get(reverse("requests_app:list"), {"service_type": other.service_type.pk}).context["page"]
    assert [r.pk for r in page.object_list] == [other.pk]
    page = client.get(reverse("requests_app:list"), {"status": "submitted"}).context["page"]
    assert [r.pk for r in page.object_list] == [other.pk]
    SupportRequest.objects.filter(pk=other.pk).update(submitted_at=other.submitted_at - dt.timedelta(days=31))
    page = client.get(reverse("requests_app:list"), {"overdue": "on"}).context["page"]
    assert [r.pk for r in page.object_list] == [other.pk]


def _count_queries(client, url):
    client.get(url)  # warm: the cached reads (kernel.memo) a change of rows retires
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("url_name", "status", "role"),
    [
        ("requests_app:list", S.SUBMITTED, Role.MANAGER),
        ("requests_app:agenda", S.AWAITING_COMMITTEE, Role.COMMITTEE_CHAIR),
        ("requests_app:assignments", S.IN_RESEARCH, Role.SOCIAL_RESEARCHER),
    ],
)
def test_list_queries_do_not_grow_with_rows(url_name, status, role, officer, make_user, client_for):
    from tests.factories import SupportRequestFactory, UserFactory

    user = make_user(role)
    client = client_for(user)

    def add(n):
        for _ in range(n):
            sr = SupportRequestFactory(researcher=user if role == Role.SOCIAL_RESEARCHER else UserFactory())
            force_status(sr, status)

    add(5)
    five = _count_queries(client, reverse(url_name))
    add(45)
    fifty = _count_queries(client, reverse(url_name))
    assert five == fifty


def test_agenda_shows_days_left_per_request(officer, chair, client_for):
    with time_machine.travel(dt.datetime(2026, 11, 10, 10, 0, tzinfo=RIYADH), tick=False):
        recent = awaiting_committee(officer)
    with time_machine.travel(dt.datetime(2026, 11, 1, 10, 0, tzinfo=RIYADH), tick=False):
        old = awaiting_committee(officer)
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, 0, tzinfo=RIYADH), tick=False):
        response = client_for(chair).get(reverse("requests_app:agenda"))
    rows = {row.support_request.pk: row.days_left for row in response.context["rows"]}
    assert rows == {recent.pk: 4, old.pk: 0}


def test_appeal_through_the_page_once(officer, client_for):
    support_request = force_status(draft_request(officer), S.REJECTED)
    client = client_for(officer)
    url = reverse("requests_app:appeal", args=[support_request.pk])
    assert client.post(url, {"appeal-appeal_text": ""}).status_code == 400
    client.post(url, {"appeal-appeal_text": "تغيّر دخل الأسرة"})
    support_request.refresh_from_db()
    assert (support_request.status, support_request.committee_round) == (S.AWAITING_COMMITTEE, 2)
    assert "تغيّر دخل الأسرة" in last_change(support_request).reason
