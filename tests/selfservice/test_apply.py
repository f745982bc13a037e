"""Applying online: a new applicant registers with the desk's rules, a look-alike goes to the desk without
showing the existing file, the request arrives at intake as received online through the website channel with
the documents (checked by content) and the declaration signed on screen; the officer verifies and submits."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from beneficiaries.models import Beneficiary, Document
from channels_log.messaging.models import OutgoingMessage
from requests_app import services as request_services
from requests_app.models import Declaration, StatusChange, SupportRequest
from selfservice.models import Applicant
from tests.factories import BeneficiaryFactory, DocumentTypeFactory, ServiceTypeFactory, valid_national_id
from tests.requests_app.factories import png_data_url, tiny_png

from .helpers import signed_in_client

pytestmark = pytest.mark.django_db

MOBILE = "+966552220001"


def _registration(**overrides):
    data = {
        "national_id": valid_national_id(72000001),
        "first_name": "نورة",
        "father_name": "صالح",
        "grandfather_name": "محمد",
        "family_name": "القحطاني",
        "gender": "female",
        "birth_date": "1990-03-04",
        "nationality": "سعودية",
        "marital_status": "widowed",
        "city": "الرياض",
        "district": "النسيم",
        "consents": ["data_processing", "contact"],
        "household-TOTAL_FORMS": "2",
        "household-INITIAL_FORMS": "0",
        "household-MIN_NUM_FORMS": "0",
        "household-MAX_NUM_FORMS": "30",
        "household-0-relation": "son",
        "household-0-name": "خالد",
        "household-0-birth_date": "2012-01-01",
        "household-0-monthly_income": "0",
        "household-1-monthly_income": "0",
    }
    data.update(overrides)
    return data


def _service(documents=1):
    service = ServiceTypeFactory(name="سلة غذائية")
    service.required_documents.set([DocumentTypeFactory(name=f"مستند مطلوب {n}") for n in range(documents)])
    return service


def _pdf(name="id.pdf"):
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf"
    )


def test_a_new_applicant_registers_with_household_and_consents():
    client = signed_in_client(MOBILE)
    response = client.post("/my/register/", _registration())
    assert response.status_code == 302, response.content.decode()[-3000:]
    beneficiary = Beneficiary.objects.get(mobile=MOBILE)
    assert beneficiary.created_by is None and beneficiary.full_name.startswith("نورة")
    assert list(beneficiary.household.values_list("name", flat=True)) == ["خالد"]
    assert set(beneficiary.consents.values_list("purpose", flat=True)) == {"data_processing", "contact"}
    assert Applicant.objects.get(mobile=MOBILE).beneficiary == beneficiary


def test_the_desk_s_validators_apply_and_nothing_is_half_saved():
    client = signed_in_client(MOBILE)
    response = client.post("/my/register/", _registration(national_id="1234567890", consents=["contact"]))
    assert response.status_code == 400
    page = response.content.decode()
    assert "is-invalid" in page and "نورة" in page  # the error by the field, the typed data kept
    assert not Beneficiary.objects.exists()


@pytest.mark.parametrize("clash", ["national_id", "name_and_birth"])
def test_a_look_alike_goes_to_the_desk_and_the_existing_file_is_never_shown(clash):
    existing = BeneficiaryFactory(
        national_id=valid_national_id(72000001) if clash == "national_id" else valid_national_id(72000099),
        first_name="نورة",
        father_name="صالح",
        grandfather_name="محمد",
        family_name="القحطاني",
        birth_date=dt.date(1990, 3, 4),
        city="جدة",
        district="الحي السري",
    )
    client = signed_in_client(MOBILE)
    response = client.post("/my/register/", _registration())
    assert response.status_code == 302
    page = client.get("/my/").content.decode()
    assert 'id="registration-at-desk"' in page
    assert existing.district not in page and existing.national_id not in page and existing.city not in page
    applicant = Applicant.objects.get(mobile=MOBILE)
    assert applicant.beneficiary is None and Beneficiary.objects.count() == 1
    case = applicant.desk_case
    assert case.kind == "inquiry" and case.contact.channel.code == "website" and case.mobile == MOBILE
    assert existing.national_id not in case.contact.body  # masked in the desk's case too
    # Applying is not possible until the desk completes the file.
    service = _service()
    assert client.get(f"/my/apply/{service.pk}/")["Location"] == "/my/"


def test_apply_with_documents_and_signature_arrives_at_the_desk_as_received_online(
    officer, django_capture_on_commit_callbacks
):
    service = _service(documents=2)
    client = signed_in_client(MOBILE)
    client.post("/my/register/", _registration())
    beneficiary = Beneficiary.objects.get(mobile=MOBILE)
    first, second = service.required_documents.order_by("pk")
    png = SimpleUploadedFile("photo.png", tiny_png(), content_type="image/png")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/my/apply/{service.pk}/",
            {
                "description": "نحتاج سلة غذائية للأسرة",
                f"document_{first.pk}": _pdf(),
                f"document_{second.pk}": png,
                "signature_data": png_data_url(),
            },
        )
    assert response.status_code == 302, response.content.decode()[-2000:]
    support_request = SupportRequest.objects.get(beneficiary=beneficiary)
    assert response["Location"] == f"/my/requests/{support_request.pk}/"
    assert support_request.status == "draft" and support_request.received_online_at is not None
    assert support_request.channel.code == "website" and support_request.created_by is None
    declaration = Declaration.objects.get(support_request=support_request)
    assert declaration.method == "online" and declaration.witness is None
    assert Document.objects.filter(beneficiary=beneficiary, verified_at__isnull=True).count() == 2
    assert StatusChange.objects.get(support_request=support_request).actor is None
    assert OutgoingMessage.objects.filter(event="my_request_received_online", beneficiary=beneficiary).exists()
    page = client.get(response["Location"]).content.decode()
    assert "received online" in page.lower() or "وصل طلبك" in page or "استُلم" in page or "تحقق" in page
    # The desk sees it, verifies both documents and submits it: the window starts then.
    desk = officer
    from django.test import Client

    staff = Client()
    staff.force_login(desk)
    assert f"/requests/{support_request.pk}/" in staff.get("/desk/").content.decode()
    for document_type in (first, second):
        request_services.request_document_verify(
            support_request=support_request, document_type=document_type, actor=desk
        )
    submitted = request_services.support_request_submit(support_request=support_request, actor=desk)
    assert submitted.status == "submitted" and submitted.number


def test_a_file_that_is_not_a_document_is_refused_by_its_content_and_nothing_is_kept():
    service = _service(documents=1)
    client = signed_in_client(MOBILE)
    client.post("/my/register/", _registration())
    document_type = service.required_documents.get()
    fake = SimpleUploadedFile("id.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")
    response = client.post(
        f"/my/apply/{service.pk}/",
        {"description": "طلب", f"document_{document_type.pk}": fake, "signature_data": png_data_url()},
    )
    assert response.status_code == 400 and "is-invalid" in response.content.decode()
    assert not SupportRequest.objects.exists() and not Document.objects.exists()


def test_no_signature_no_request():
    service = _service(documents=0)
    client = signed_in_client(MOBILE)
    client.post("/my/register/", _registration())
    response = client.post(f"/my/apply/{service.pk}/", {"description": "طلب", "signature_data": ""})
    assert response.status_code == 400 and not SupportRequest.objects.exists()
    response = client.post(
        f"/my/apply/{service.pk}/", {"description": "طلب", "signature_data": "data:image/png;base64,AAAA"}
    )
    assert response.status_code == 400 and not SupportRequest.objects.exists()


def test_one_undecided_request_per_service():
    service = _service(documents=0)
    client = signed_in_client(MOBILE)
    client.post("/my/register/", _registration())
    data = {"description": "طلب", "signature_data": png_data_url()}
    assert client.post(f"/my/apply/{service.pk}/", data).status_code == 302
    assert client.post(f"/my/apply/{service.pk}/", data).status_code == 400
    assert SupportRequest.objects.count() == 1


def test_an_inactive_service_cannot_be_applied_for():
    service = _service(documents=0)
    service.is_active = False
    service.save()
    client = signed_in_client(MOBILE)
    client.post("/my/register/", _registration())
    assert client.get(f"/my/apply/{service.pk}/").status_code == 404
    assert "سلة غذائية" not in client.get("/my/services/").content.decode()


def test_a_document_valid_for_a_limited_time_needs_its_issue_date_and_gets_its_expiry():
    service = ServiceTypeFactory(name="دعم إيجار")
    lease = DocumentTypeFactory(name="عقد الإيجار", validity=12)
    service.required_documents.set([lease])
    client = signed_in_client(MOBILE)
    client.post("/my/register/", _registration())
    data = {"description": "طلب", f"document_{lease.pk}": _pdf(), "signature_data": png_data_url()}
    response = client.post(f"/my/apply/{service.pk}/", data)
    assert response.status_code == 400 and f"id_issued_{lease.pk}" in response.content.decode()
    assert not SupportRequest.objects.exists() and not Document.objects.exists()
    data = {**data, f"document_{lease.pk}": _pdf(), f"issued_{lease.pk}": "2026-01-10"}
    assert client.post(f"/my/apply/{service.pk}/", data).status_code == 302
    document = Document.objects.get(document_type=lease)
    assert document.issued_on == dt.date(2026, 1, 10) and document.expires_on is not None
