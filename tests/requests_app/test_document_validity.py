"""Documents have validity: each type's validity (days or months, or none), each document's issue and expiry
dates (entered or computed), and the completeness gate refuses a document expired at submission."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from beneficiaries import services as beneficiary_services
from beneficiaries.models import Document, DocumentType
from requests_app import services
from requests_app.models import SupportRequest
from tests.factories import BeneficiaryFactory, DocumentTypeFactory

from .factories import add_document, draft_request, make_complete

S = SupportRequest.Status
RIYADH = ZoneInfo("Asia/Riyadh")
MONTHS, DAYS = DocumentType.ValidityUnit.MONTHS, DocumentType.ValidityUnit.DAYS


def _pdf():
    return SimpleUploadedFile("x.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n", content_type="application/pdf")


@pytest.mark.parametrize(
    ("validity", "unit", "issued", "last_day"),
    [
        (90, DAYS, dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        (1, DAYS, dt.date(2026, 5, 10), dt.date(2026, 5, 10)),
        (3, MONTHS, dt.date(2026, 1, 15), dt.date(2026, 4, 14)),
        (1, MONTHS, dt.date(2026, 1, 31), dt.date(2026, 2, 27)),  # no 31 February: the month's last day, minus one
        (12, MONTHS, dt.date(2024, 2, 29), dt.date(2025, 2, 27)),
        (6, MONTHS, dt.date(2026, 9, 1), dt.date(2027, 2, 28)),  # across the year
    ],
)
def test_expiry_is_computed_from_the_issue_date(validity, unit, issued, last_day):
    document_type = DocumentType(code="x", name="x", validity=validity, validity_unit=unit)
    assert document_type.expiry_for(issued) == last_day


def test_a_type_without_validity_computes_no_expiry():
    assert DocumentType(code="x", name="x").expiry_for(dt.date(2026, 1, 1)) is None
    assert DocumentType(code="x", name="x", validity=3).expiry_for(None) is None


def test_document_add_computes_the_expiry_or_takes_the_one_written_on_it(officer):
    salary = DocumentTypeFactory(validity=3, validity_unit=MONTHS)
    beneficiary = BeneficiaryFactory()
    with time_machine.travel(dt.datetime(2026, 6, 1, 10, 0, tzinfo=RIYADH), tick=False):
        computed = beneficiary_services.document_add(
            beneficiary=beneficiary,
            document_type=salary,
            uploaded_file=_pdf(),
            actor=officer,
            issued_on=dt.date(2026, 5, 20),
        )
        written = beneficiary_services.document_add(
            beneficiary=beneficiary,
            document_type=salary,
            uploaded_file=_pdf(),
            actor=officer,
            issued_on=dt.date(2026, 5, 20),
            expires_on=dt.date(2026, 6, 30),
        )
    assert (computed.issued_on, computed.expires_on) == (dt.date(2026, 5, 20), dt.date(2026, 8, 19))
    assert written.expires_on == dt.date(2026, 6, 30)


def test_a_type_with_validity_needs_the_issue_date_and_nothing_is_stored_without_it(officer):
    salary = DocumentTypeFactory(validity=3, validity_unit=MONTHS, name="تعريف بالراتب")
    beneficiary = BeneficiaryFactory()
    with translation.override("ar"), pytest.raises(ValidationError) as info:
        beneficiary_services.document_add(
            beneficiary=beneficiary, document_type=salary, uploaded_file=_pdf(), actor=officer
        )
    assert "issued_on" in info.value.message_dict
    assert "تعريف بالراتب" in info.value.message_dict["issued_on"][0]
    assert not Document.objects.filter(beneficiary=beneficiary).exists()


@pytest.mark.parametrize(
    ("issued", "expires", "field"),
    [
        (dt.date(2026, 6, 2), None, "issued_on"),  # issued tomorrow
        (dt.date(2026, 5, 1), dt.date(2026, 4, 30), "expires_on"),  # expires before it was issued
    ],
)
def test_impossible_dates_are_refused_next_to_the_field(officer, issued, expires, field):
    beneficiary = BeneficiaryFactory()
    with (
        time_machine.travel(dt.datetime(2026, 6, 1, 10, 0, tzinfo=RIYADH), tick=False),
        pytest.raises(ValidationError) as info,
    ):
        beneficiary_services.document_add(
            beneficiary=beneficiary,
            document_type=DocumentTypeFactory(),
            uploaded_file=_pdf(),
            actor=officer,
            issued_on=issued,
            expires_on=expires,
        )
    assert field in info.value.message_dict
    assert not Document.objects.filter(beneficiary=beneficiary).exists()


# ---- the completeness gate ------------------------------------------------------------------------------


def _complete_with_id_expiring(officer, expires_on):
    """A complete draft whose ID copy (verified) is valid until ``expires_on``."""
    support_request = draft_request(officer, documents=2)
    id_copy = support_request.service_type.required_documents.order_by("pk").first()
    DocumentType.objects.filter(pk=id_copy.pk).update(name="صورة الهوية الوطنية")
    make_complete(support_request, officer)
    Document.objects.filter(beneficiary=support_request.beneficiary, document_type=id_copy).update(
        expires_on=expires_on
    )
    return support_request


SUBMISSION = dt.datetime(2026, 6, 1, 10, 0, tzinfo=RIYADH)


def test_a_document_that_expires_tomorrow_passes_the_gate(officer):
    support_request = _complete_with_id_expiring(officer, dt.date(2026, 6, 2))
    with time_machine.travel(SUBMISSION, tick=False):
        submitted = services.support_request_submit(support_request=support_request, actor=officer)
    assert submitted.status == S.SUBMITTED and submitted.number


def test_a_document_valid_until_today_passes_the_gate(officer):
    support_request = _complete_with_id_expiring(officer, dt.date(2026, 6, 1))
    with time_machine.travel(dt.datetime(2026, 6, 1, 23, 59, tzinfo=RIYADH), tick=False):
        submitted = services.support_request_submit(support_request=support_request, actor=officer)
    assert submitted.status == S.SUBMITTED


def test_a_document_that_expired_yesterday_is_refused_by_name(officer):
    support_request = _complete_with_id_expiring(officer, dt.date(2026, 5, 31))
    with (
        time_machine.travel(SUBMISSION, tick=False),
        translation.override("ar"),
        pytest.raises(ValidationError) as info,
    ):
        services.support_request_submit(support_request=support_request, actor=officer)
    [message] = info.value.messages
    assert "صورة الهوية الوطنية" in message
    assert "صلاحيتها وقت التقديم" in message
    assert "2026-05-31" in message
    support_request.refresh_from_db()
    assert (support_request.status, support_request.number, support_request.submitted_at) == (S.DRAFT, None, None)
    assert not support_request.status_changes.filter(new_status=S.SUBMITTED).exists()


def test_the_riyadh_day_decides_not_utc(officer):
    """00:30 in Riyadh on 1 June is still 31 May in UTC: a document valid until 31 May is expired."""
    support_request = _complete_with_id_expiring(officer, dt.date(2026, 5, 31))
    with time_machine.travel(dt.datetime(2026, 6, 1, 0, 30, tzinfo=RIYADH), tick=False), pytest.raises(ValidationError):
        services.support_request_submit(support_request=support_request, actor=officer)


def test_a_valid_newer_copy_replaces_the_expired_one(officer):
    support_request = _complete_with_id_expiring(officer, dt.date(2026, 5, 31))
    id_copy = support_request.service_type.required_documents.order_by("pk").first()
    newer = add_document(support_request.beneficiary, id_copy, verified_by=officer)
    Document.objects.filter(pk=newer.pk).update(expires_on=dt.date(2031, 1, 1))
    with time_machine.travel(SUBMISSION, tick=False):
        submitted = services.support_request_submit(support_request=support_request, actor=officer)
    assert submitted.status == S.SUBMITTED


def test_the_request_page_offers_an_upload_for_the_expired_document(client_for, officer):
    support_request = _complete_with_id_expiring(officer, dt.date(2026, 5, 31))
    id_copy = support_request.service_type.required_documents.order_by("pk").first()
    client = client_for(officer)
    with time_machine.travel(SUBMISSION, tick=False), translation.override("ar"):
        response = client.get(support_request.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert "صلاحيتها وقت التقديم" in page
    assert f'id="missing-doc-{id_copy.pk}"' in page  # a new copy is uploaded, not the old one verified again
    assert f'id="verify-doc-{id_copy.pk}"' not in page


def test_an_upload_from_the_request_page_with_an_issue_date_gets_its_expiry(client_for, officer):
    support_request = draft_request(officer, documents=1)
    salary = support_request.service_type.required_documents.get()
    DocumentType.objects.filter(pk=salary.pk).update(validity=30, validity_unit=DAYS)
    client = client_for(officer)
    prefix = f"doc-{salary.pk}"
    with time_machine.travel(SUBMISSION, tick=False):
        refused = client.post(
            f"/requests/{support_request.pk}/documents/{salary.pk}/",
            {f"{prefix}-file": _pdf(), f"{prefix}-verified": "on"},
        )
        assert refused.status_code == 400
        assert not Document.objects.filter(beneficiary=support_request.beneficiary).exists()
        accepted = client.post(
            f"/requests/{support_request.pk}/documents/{salary.pk}/",
            {f"{prefix}-file": _pdf(), f"{prefix}-verified": "on", f"{prefix}-issued_on": "1447-12-01 هـ"},
        )
    assert accepted.status_code == 302
    document = Document.objects.get(beneficiary=support_request.beneficiary)
    assert document.issued_on is not None
    assert document.expires_on == document.issued_on + dt.timedelta(days=29)
