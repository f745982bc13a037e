"""The beneficiary timeline: ONE read model (kernel ``TimelineItem``) that every app feeds through the registry's
``timeline`` slot; ``beneficiaries.selectors.beneficiary_timeline`` merges, orders and pages it."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from association.kernel import registry
from association.kernel.registry import TimelineItem
from beneficiaries import selectors
from beneficiaries.models import Document
from channels_log.messaging.services import message_queue
from requests_app.models import StatusChange
from tests.channels_log.factories import make_case, make_contact
from tests.factories import BeneficiaryFactory, DocumentTypeFactory, SupportRequestFactory

pytestmark = pytest.mark.django_db
RIYADH = ZoneInfo("Asia/Riyadh")


def _url(beneficiary):
    return reverse("beneficiaries:timeline", kwargs={"public_id": beneficiary.public_id})


def test_timeline_merges_every_app_newest_first(client_for, officer):
    beneficiary = BeneficiaryFactory()
    with time_machine.travel(dt.datetime(2026, 11, 1, 9, tzinfo=RIYADH), tick=False):
        make_contact(purpose="note", actor=officer, beneficiary=beneficiary, subject="زيارة")
    with time_machine.travel(dt.datetime(2026, 11, 2, 9, tzinfo=RIYADH), tick=False):
        Document.objects.create(
            beneficiary=beneficiary,
            document_type=DocumentTypeFactory(name="صك الإعالة"),
            file="documents/x.pdf",
            content_type="application/pdf",
            supplied_by=officer,
        )
    support_request = SupportRequestFactory(beneficiary=beneficiary)
    StatusChange.objects.create(
        support_request=support_request,
        new_status="draft",
        actor=officer,
        reason="فتح الطلب",
        at=dt.datetime(2026, 11, 3, 9, tzinfo=RIYADH),
    )
    with time_machine.travel(dt.datetime(2026, 11, 5, 9, tzinfo=RIYADH), tick=False):
        case = make_case(kind="complaint", actor=officer, beneficiary=beneficiary, subject="شكوى")
    with time_machine.travel(dt.datetime(2026, 11, 6, 9, tzinfo=RIYADH), tick=False):
        message_queue(event="request_received", key="timeline-1", beneficiary=beneficiary, context={})
    # Realistic neighbours: another person's contact and message stay off this timeline.
    other = BeneficiaryFactory()
    make_contact(purpose="note", actor=officer, beneficiary=other, subject="غيره")
    message_queue(event="request_received", key="timeline-other", beneficiary=other, context={})

    page = client_for(officer).get(_url(beneficiary))
    items = list(page.context["page"].object_list)
    assert [i.kind for i in items] == ["message", "contact", "status", "document", "contact"]
    assert items[1].badge.startswith(case.reference) and items[4].body == "زيارة"
    assert items[2].body == "فتح الطلب" and items[2].url == support_request.get_absolute_url()
    assert items[3].title.endswith("صك الإعالة") and items[3].actor
    html = page.content.decode()
    assert "غيره" not in html and 'data-kind="message"' in html


def test_timeline_query_count_does_not_grow(client_for, officer):
    beneficiary = BeneficiaryFactory()
    client = client_for(officer)

    def count():
        client.get(_url(beneficiary))
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(_url(beneficiary))
        assert response.status_code == 200
        return len(ctx)

    for _ in range(5):
        make_case(actor=officer, beneficiary=beneficiary)
    few = count()
    for n in range(45):
        make_case(actor=officer, beneficiary=beneficiary)
        message_queue(event="request_received", key=f"many-{n}", beneficiary=beneficiary, context={})
    for _ in range(3):
        SupportRequestFactory(beneficiary=beneficiary)
    assert count() == few


def test_a_request_timeline_has_only_that_request(officer):
    beneficiary = BeneficiaryFactory()
    first, second = SupportRequestFactory(beneficiary=beneficiary), SupportRequestFactory(beneficiary=beneficiary)
    at = dt.datetime(2026, 11, 3, 9, tzinfo=RIYADH)
    StatusChange.objects.create(support_request=first, new_status="draft", actor=officer, reason="الأول", at=at)
    StatusChange.objects.create(support_request=second, new_status="draft", actor=officer, reason="الثاني", at=at)
    make_contact(purpose="note", actor=officer, beneficiary=beneficiary, support_request=first, subject="عن الأول")
    make_contact(purpose="note", actor=officer, beneficiary=beneficiary, support_request=second, subject="عن الثاني")
    items = selectors.beneficiary_timeline(beneficiary=beneficiary, user=officer, support_request=first)
    bodies = {item.body for item in items}
    assert {"الأول", "عن الأول"} <= bodies and not bodies & {"الثاني", "عن الثاني"}


def test_a_sensitive_item_shows_its_body_only_to_who_may_see_sensitive_data(officer, researcher):
    beneficiary = BeneficiaryFactory()

    def provider(*, beneficiary, user, support_request=None):
        return [
            TimelineItem(
                at=dt.datetime(2026, 11, 3, 9, tzinfo=RIYADH),
                kind="health",
                title="زيارة طبية",
                body="ربو مزمن",
                sensitive=True,
            ),
            TimelineItem(at=dt.datetime(2026, 11, 2, 9, tzinfo=RIYADH), kind="note", title="ملاحظة", body="عادي"),
        ]

    registry.register("timeline", provider, order=99)
    try:
        seen = selectors.beneficiary_timeline(beneficiary=beneficiary, user=officer)
        hidden = selectors.beneficiary_timeline(beneficiary=beneficiary, user=researcher)  # not assigned to them
    finally:
        registry.unregister("timeline", provider)
    assert [(i.title, i.body) for i in seen] == [("زيارة طبية", "ربو مزمن"), ("ملاحظة", "عادي")]
    assert [(i.title, i.body) for i in hidden] == [("زيارة طبية", ""), ("ملاحظة", "عادي")]


def test_the_old_channels_log_address_is_gone():
    from django.urls import NoReverseMatch

    with pytest.raises(NoReverseMatch):
        reverse("channels_log:timeline", kwargs={"public_id": BeneficiaryFactory().public_id})
