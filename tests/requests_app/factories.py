"""Builders for support requests in any state of the lifecycle."""

import base64
import datetime as dt
import struct
import zlib

from django.core.files.base import ContentFile
from django.utils import timezone

from beneficiaries.models import Document
from requests_app import services
from requests_app.models import CommitteeSettings, CommitteeVote, SocialStudy, StatusChange, SupportRequest
from tests.factories import DocumentTypeFactory, ServiceTypeFactory, SupportRequestFactory

S = SupportRequest.Status


def tiny_png() -> bytes:
    """A valid 1×1 white PNG."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"\x00\xff\xff\xff"
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def png_data_url() -> str:
    return "data:image/png;base64," + base64.b64encode(tiny_png()).decode()


def add_document(beneficiary, document_type, *, verified_by=None):
    return Document.objects.create(
        beneficiary=beneficiary,
        document_type=document_type,
        content_type="application/pdf",
        size=9,
        file=ContentFile(b"%PDF-1.4\n", name="doc.pdf"),
        verified_at=timezone.now() if verified_by else None,
        verified_by=verified_by,
    )


def draft_request(officer, *, documents=2, **kwargs) -> SupportRequest:
    """A draft whose service requires ``documents`` document types (none supplied yet)."""
    service_type = kwargs.pop("service_type", None) or ServiceTypeFactory()
    if documents and not service_type.required_documents.exists():
        service_type.required_documents.set([DocumentTypeFactory() for _ in range(documents)])
    return SupportRequestFactory(service_type=service_type, created_by=officer, **kwargs)


def make_complete(support_request, officer):
    """Supply and verify every required document and sign the declaration on screen."""
    for document_type in support_request.service_type.required_documents.all():
        add_document(support_request.beneficiary, document_type, verified_by=officer)
    services.declaration_sign(support_request=support_request, actor=officer, signature_data=png_data_url())
    return support_request


def submitted_request(officer, **kwargs) -> SupportRequest:
    support_request = make_complete(draft_request(officer, **kwargs), officer)
    return services.support_request_submit(support_request=support_request, actor=officer)


def awaiting_committee(officer, **kwargs) -> SupportRequest:
    support_request = submitted_request(officer, **kwargs)
    return services.support_request_send_to_committee(support_request=support_request, actor=officer)


def force_status(support_request, status, **fields) -> SupportRequest:
    """Test set-up only: put a request in ``status`` without walking the lifecycle."""
    fields.setdefault("submitted_at", timezone.now() - dt.timedelta(days=20))
    fields.setdefault("number", f"1447-{support_request.pk:06d}")
    SupportRequest.objects.filter(pk=support_request.pk).update(status=status, **fields)
    support_request.refresh_from_db()
    return support_request


def cast_votes(support_request, members, vote=CommitteeVote.Vote.APPROVE):
    for member in members:
        services.committee_vote(support_request=support_request, actor=member, vote=vote)


def set_quorum(n: int | None):
    settings_row = CommitteeSettings.get_solo()
    settings_row.quorum = n
    settings_row.save()


def last_change(support_request) -> StatusChange:
    return StatusChange.objects.filter(support_request=support_request).order_by("-at", "-pk").first()


def open_study(support_request, referrer, researcher) -> SocialStudy:
    return services.research_refer(
        support_request=support_request, actor=referrer, researcher=researcher, reason="حالة غير واضحة"
    )
