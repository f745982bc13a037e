"""The completeness gate, the request number, and returning a request as incomplete."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from requests_app import services
from requests_app.models import RequestSequence, StatusChange, SupportRequest

from .factories import add_document, draft_request, last_change, make_complete, png_data_url

S = SupportRequest.Status
RIYADH = ZoneInfo("Asia/Riyadh")


def test_submit_refuses_and_lists_exactly_what_is_missing(officer):
    support_request = draft_request(officer, documents=3)
    first, second, third = support_request.service_type.required_documents.order_by("pk")
    add_document(support_request.beneficiary, first, verified_by=officer)
    add_document(support_request.beneficiary, second)  # supplied, not verified
    with translation.override("en"), pytest.raises(ValidationError) as info:
        services.support_request_submit(support_request=support_request, actor=officer)
    messages = info.value.messages
    assert len(messages) == 3
    assert any(second.name in m and "not verified" in m for m in messages)
    assert any(third.name in m and "not supplied" in m for m in messages)
    assert any("declaration" in m for m in messages)
    assert not any(first.name in m for m in messages)
    support_request.refresh_from_db()
    assert (support_request.status, support_request.number, support_request.submitted_at) == (S.DRAFT, None, None)


def test_a_complete_request_is_numbered_with_the_hijri_year(officer):
    with time_machine.travel(dt.datetime(2026, 11, 22, 9, 0, tzinfo=RIYADH), tick=False):
        first = services.support_request_submit(
            support_request=make_complete(draft_request(officer), officer), actor=officer
        )
        second = services.support_request_submit(
            support_request=make_complete(draft_request(officer), officer), actor=officer
        )
    assert first.number == "1448-000001"  # 22 Nov 2026 is 2 Jumada al-Akhirah 1448
    assert second.number == "1448-000002"
    assert RequestSequence.objects.get(hijri_year=1448).last_number == 2
    assert first.status == S.SUBMITTED and first.decision_window_days == 14
    change = last_change(first)
    assert (change.old_status, change.new_status, change.actor) == (S.DRAFT, S.SUBMITTED, officer)
    assert first.notifications.filter(event="request_received").count() == 1
    from channels_log.messaging.models import OutgoingMessage

    message = OutgoingMessage.objects.filter(
        event="request_received", subject_kind="support_request", subject_id=first.pk
    ).first()
    assert message is not None and message.beneficiary == first.beneficiary


def test_returned_incomplete_lists_the_missing_items_and_keeps_the_number(officer):
    support_request = make_complete(draft_request(officer), officer)
    support_request = services.support_request_submit(support_request=support_request, actor=officer)
    number = support_request.number
    services.support_request_return_incomplete(support_request=support_request, actor=officer, note="صورة صك الإعالة")
    support_request.refresh_from_db()
    assert support_request.status == S.INCOMPLETE
    assert support_request.missing_items == ["صورة صك الإعالة"]
    assert "صورة صك الإعالة" in last_change(support_request).reason
    assert support_request.notifications.filter(event="request_incomplete").count() == 1
    services.support_request_submit(support_request=support_request, actor=officer)
    support_request.refresh_from_db()
    assert support_request.number == number and support_request.missing_items == []


def test_draft_returned_incomplete_names_the_missing_documents(officer):
    support_request = draft_request(officer, documents=1)
    services.support_request_return_incomplete(support_request=support_request, actor=officer)
    support_request.refresh_from_db()
    name = support_request.service_type.required_documents.get().name
    assert any(name in item for item in support_request.missing_items)
    assert StatusChange.objects.filter(support_request=support_request, new_status=S.INCOMPLETE).count() == 1


def test_nothing_missing_and_no_note_cannot_be_returned(officer):
    support_request = make_complete(draft_request(officer), officer)
    with pytest.raises(ValidationError):
        services.support_request_return_incomplete(support_request=support_request, actor=officer)


def test_declaration_stores_the_text_version_witness_and_signature(officer):
    support_request = make_complete(draft_request(officer, documents=0), officer)
    declaration = support_request.declaration
    assert declaration.text_version == services.DECLARATION_VERSION
    assert declaration.text == services.DECLARATION_TEXTS[services.DECLARATION_VERSION]
    assert declaration.witness == officer and declaration.method == "screen"
    assert declaration.signature_file.read().startswith(b"\x89PNG")


@pytest.mark.parametrize(
    "data_url",
    [
        "data:image/jpeg;base64,/9j/4AAQ",
        "data:image/png;base64,not-base64!!",
        "data:image/png;base64,R0lGODlhAQABAAAAACw=",
    ],
)
def test_an_on_screen_signature_that_is_not_a_png_is_refused(officer, data_url):
    support_request = draft_request(officer, documents=0)
    with pytest.raises(ValidationError) as info:
        services.declaration_sign(support_request=support_request, actor=officer, signature_data=data_url)
    assert "signature_data" in info.value.message_dict
    assert not hasattr(SupportRequest.objects.get(pk=support_request.pk), "declaration_cache")


def test_an_oversized_signature_is_refused(officer):
    import base64

    from .factories import tiny_png

    big = "data:image/png;base64," + base64.b64encode(tiny_png() + b"\0" * services.SIGNATURE_MAX_BYTES).decode()
    with pytest.raises(ValidationError):
        services.declaration_sign(
            support_request=draft_request(officer, documents=0), actor=officer, signature_data=big
        )


def test_a_scan_is_checked_by_its_content(officer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    support_request = draft_request(officer, documents=0)
    fake = SimpleUploadedFile("signed.pdf", b"MZ\x90\x00 this is not a pdf" * 10, content_type="application/pdf")
    with pytest.raises(ValidationError) as info:
        services.declaration_sign(support_request=support_request, actor=officer, signature_scan=fake)
    assert "signature_scan" in info.value.message_dict
    real = SimpleUploadedFile(
        "signed.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", content_type="application/pdf"
    )
    declaration = services.declaration_sign(support_request=support_request, actor=officer, signature_scan=real)
    assert declaration.method == "scan" and declaration.signature_content_type == "application/pdf"


def test_the_declaration_is_signed_once(officer):
    support_request = make_complete(draft_request(officer, documents=0), officer)
    with pytest.raises(ValidationError):
        services.declaration_sign(support_request=support_request, actor=officer, signature_data=png_data_url())


def test_only_the_officer_witnesses_a_declaration(researcher, officer):
    with pytest.raises(PermissionDenied):
        services.declaration_sign(
            support_request=draft_request(officer, documents=0), actor=researcher, signature_data=png_data_url()
        )
