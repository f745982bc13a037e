"""Demo data of the self-service pages, played through the real services on the days they happened: a mother
with no file signs in with a code, registers herself and her son, applies online for a food basket with her
ID scan and her signature, and the officer verifies the document and submits the request the next day; a
registered beneficiary signs in to follow his delivered request. Idempotent: a demo mobile that has an
applicant is skipped."""

import base64
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile

from association.demo import demo_clock, demo_day
from association.policy.procedure import procedure_in_force

from . import access, services
from .models import Applicant

NEW_MOBILE = "+966500000915"
PDF = b"%PDF-1.4\n% demo ID scan\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def _signature() -> str:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    width, height = 80, 24
    rows = b"".join(
        b"\x00" + bytes(0 if abs(y - 12 - (x % 9) + 4) < 2 else 255 for x in range(width)) for y in range(height)
    )
    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
    return "data:image/png;base64," + base64.b64encode(png).decode()


def _sign_in(mobile: str, at):
    """As the person did: ask for a code (sent through the outbox), then type it."""
    with demo_clock(at):
        access.code_send(mobile=mobile, client_address=None)  # the demo's history: no client to throttle
        return access.applicant_signed_in(mobile=mobile, now=at)


def seed(*, users: dict, stdout, state: dict) -> None:
    from beneficiaries.models import Beneficiary
    from requests_app import services as request_services
    from requests_app.models import ServiceType

    if Applicant.objects.filter(mobile=NEW_MOBILE).exists():
        return
    applicant = _sign_in(NEW_MOBILE, demo_day(2, 19, 5))
    with demo_clock(demo_day(2, 19, 12)):
        services.application_register(
            applicant=applicant,
            data={
                "national_id": "1000009157",
                "first_name": "هيلة",
                "father_name": "عبدالرحمن",
                "grandfather_name": "ناصر",
                "family_name": "الدوسري",
                "gender": Beneficiary.Gender.FEMALE,
                "birth_date": "1988-07-14",
                "nationality": "سعودية",
                "marital_status": Beneficiary.MaritalStatus.WIDOWED,
                "city": "الرياض",
                "district": "الشفا",
            },
            household=[{"relation": "son", "name": "فهد", "birth_date": "2014-02-01", "monthly_income": 0}],
            consents=["data_processing", "contact", "surveys"],
        )
    if not procedure_in_force().individual_requests:
        stdout.write(f"selfservice: a registration online ({NEW_MOBILE}); the policy runs no support requests")
        return
    service = ServiceType.objects.get(code="food_basket")
    with demo_clock(demo_day(2, 19, 20)):
        support_request = services.application_submit(
            applicant=applicant,
            service_type=service,
            description="أرملة وأعول ابني، وأحتاج سلة غذائية شهرية.",
            files={
                t.pk: SimpleUploadedFile("id.pdf", PDF, content_type="application/pdf")
                for t in service.required_documents.all()
            },
            signature_data=_signature(),
        )
    officer = users["officer"]
    with demo_clock(demo_day(1, 9, 40)):
        for document_type in service.required_documents.all():
            request_services.request_document_verify(
                support_request=support_request, document_type=document_type, actor=officer
            )
        request_services.support_request_submit(support_request=support_request, actor=officer)
    # A registered beneficiary signs in to follow his request.
    delivered = (
        Beneficiary.objects.filter(requests__status="service_delivered")
        .exclude(mobile=NEW_MOBILE)
        .order_by("pk")
        .first()
    )
    if delivered is not None and not Applicant.objects.filter(mobile=delivered.mobile).exists():
        _sign_in(delivered.mobile, demo_day(1, 20, 0))
    stdout.write(f"selfservice: an online application ({NEW_MOBILE}), received and submitted")
