"""Following a request at /my/: plain status, what is missing (uploaded here), the earliest decision date, the
letters as PDFs behind the ID digits, the appeal within its period, and confirming receipt."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfReader

from beneficiaries.models import Document
from channels_log.cases.models import Case
from selfservice.selectors import APPEAL_DAYS

from .world import person, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def me(officer, chair):
    return signed_in(person("+966553330001", officer=officer, chair=chair, tag="أ"), "10.5.0.1")


def test_the_home_lists_the_requests_in_plain_words(me):
    page = me.client.get("/my/").content.decode()
    for support_request in (me.rejected, me.incomplete, me.delivered):
        assert f"/my/requests/{support_request.pk}/" in page
    assert "Not approved" in page or "لم تتم الموافقة" in page or "اعتذ" in page


def test_a_submitted_request_shows_the_earliest_decision_date(officer, chair):
    from tests.requests_app.factories import submitted_request

    p = signed_in(person("+966553330002", officer=officer, chair=chair, tag="ب"), "10.5.0.2")
    fresh = submitted_request(officer, beneficiary=p.beneficiary)
    page = p.client.get(f"/my/requests/{fresh.pk}/").content.decode()
    assert 'id="earliest-decision"' in page
    assert fresh.decidable_from.date().isoformat() in page or str(fresh.decidable_from.year) in page


def test_a_missing_document_is_uploaded_from_the_request_page(me):
    document_type = me.incomplete.service_type.required_documents.get()
    page = me.client.get(f"/my/requests/{me.incomplete.pk}/").content.decode()
    assert "عقد الإيجار-أ" in page and 'id="upload-form"' in page
    bad = SimpleUploadedFile("x.pdf", b"not a pdf", content_type="application/pdf")
    response = me.client.post(
        f"/my/requests/{me.incomplete.pk}/upload/", {"document_type": document_type.pk, "file": bad}
    )
    assert response.status_code == 400 and not Document.objects.filter(document_type=document_type).exists()
    good = SimpleUploadedFile("x.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    response = me.client.post(
        f"/my/requests/{me.incomplete.pk}/upload/", {"document_type": document_type.pk, "file": good}
    )
    assert response.status_code == 302
    document = Document.objects.get(document_type=document_type)
    assert document.beneficiary == me.beneficiary and document.supplied_by is None and document.verified_at is None


def test_the_letters_download_as_pdfs(me):
    response = me.client.get(f"/my/requests/{me.rejected.pk}/decision.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert me.rejected.number in text
    assert me.client.get(f"/my/requests/{me.rejected.pk}/acknowledgment.pdf").status_code == 200
    # No decision yet: no letter.
    assert me.client.get(f"/my/requests/{me.incomplete.pk}/decision.pdf").status_code == 404
    assert me.client.get(f"/my/requests/{me.rejected.pk}/minutes.pdf").status_code == 404


def test_the_letters_ask_for_the_id_digits_first(officer, chair):
    from .helpers import signed_in_client

    p = person("+966553330003", officer=officer, chair=chair, tag="ج")
    client = signed_in_client(p.mobile, address="10.5.0.3")
    response = client.get(f"/my/requests/{p.rejected.pk}/decision.pdf")
    assert response.status_code == 302 and response["Location"].startswith("/my/check-id/")


def test_the_appeal_opens_a_complaint_contesting_the_decision_once_within_the_period(me):
    page = me.client.get(f"/my/requests/{me.rejected.pk}/").content.decode()
    assert 'id="appeal-form"' in page
    assert me.client.post(f"/my/requests/{me.rejected.pk}/appeal/", {"text": ""}).status_code == 400
    response = me.client.post(f"/my/requests/{me.rejected.pk}/appeal/", {"text": "ظروفنا تغيرت"})
    assert response.status_code == 302
    case = Case.objects.get(support_request=me.rejected, contests_decision=True)
    assert case.kind == "complaint" and case.contact.beneficiary == me.beneficiary
    assert case.contact.channel.code == "website"
    # Once.
    assert me.client.post(f"/my/requests/{me.rejected.pk}/appeal/", {"text": "مرة ثانية"}).status_code == 400
    assert Case.objects.filter(support_request=me.rejected).count() == 1


def test_no_appeal_after_the_period(me):
    with time_machine.travel(timezone.now() + dt.timedelta(days=APPEAL_DAYS + 1)):
        page = me.client.get(f"/my/requests/{me.rejected.pk}/").content.decode()
        assert 'id="appeal-form"' not in page
        # The session is short: a new one, past the ID digits again.
        from .helpers import signed_in_client

        client = signed_in_client(me.mobile, address="10.5.0.9", last_four=me.beneficiary.national_id[-4:])
        assert client.post(f"/my/requests/{me.rejected.pk}/appeal/", {"text": "متأخر"}).status_code == 400
    assert not Case.objects.filter(support_request=me.rejected).exists()


def test_confirming_receipt(me):
    page = me.client.get(f"/my/requests/{me.delivered.pk}/").content.decode()
    assert f'data-confirm-receipt="{me.delivery.pk}"' in page
    response = me.client.post(f"/my/requests/{me.delivered.pk}/deliveries/{me.delivery.pk}/received/")
    assert response.status_code == 302
    me.delivery.refresh_from_db()
    assert me.delivery.receipt_confirmed and me.delivery.receipt_note


def test_a_request_received_online_shows_the_policy_s_window_from_today(officer, chair):
    """Not submitted yet: the earliest decision is the policy's window counted from today (no approved
    policy: the default 14 days)."""
    from association.policy.procedure import procedure_in_force
    from tests.requests_app.factories import png_data_url

    p = signed_in(person("+966553330004", officer=officer, chair=chair, tag="هـ"), "10.5.0.4")
    from requests_app.services import support_request_receive_online
    from tests.factories import ServiceTypeFactory

    online = support_request_receive_online(
        beneficiary=p.beneficiary, service_type=ServiceTypeFactory(), description="طلب", signature_data=png_data_url()
    )
    page = p.client.get(f"/my/requests/{online.pk}/")
    expected = timezone.localdate() + dt.timedelta(days=procedure_in_force().decision_window_days)
    assert page.context["page"].earliest_decision.date() == expected
