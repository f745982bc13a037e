"""Every answer that carries a person's full data says ``Cache-Control: no-store`` (association.kernel.http.no_store):
the edit and registration pages, a reveal, a household reveal, a document, a request's PDF, the exports."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from beneficiaries import services
from beneficiaries.models import HouseholdMember
from tests.factories import BeneficiaryFactory, DocumentTypeFactory, valid_national_id
from tests.requests_app.factories import submitted_request

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def assert_no_store(response):
    assert response.status_code == 200, response.status_code
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_registry_pages_are_never_stored(client_for, officer):
    person = BeneficiaryFactory(iban="", health_notes="ربو")
    member = HouseholdMember.objects.create(
        beneficiary=person, relation="son", name="سعد", national_id=valid_national_id(83333333)
    )
    document = services.document_add(
        beneficiary=person,
        document_type=DocumentTypeFactory(),
        actor=officer,
        uploaded_file=SimpleUploadedFile("a.pdf", PDF),
    )
    client = client_for(officer)
    assert_no_store(client.get(reverse("beneficiaries:edit", args=[person.public_id])))
    assert_no_store(client.get(reverse("beneficiaries:register")))
    assert_no_store(client.post(reverse("beneficiaries:reveal", args=[person.public_id, "national_id"])))
    assert_no_store(client.post(reverse("beneficiaries:reveal_member", args=[person.public_id, member.pk])))
    assert_no_store(client.get(reverse("beneficiaries:document_file", args=[document.pk])))


def test_request_pdfs_are_never_stored(client_for, officer):
    support_request = submitted_request(officer)
    client = client_for(officer)
    assert_no_store(client.get(reverse("requests_app:pdf", args=[support_request.pk, "acknowledgment"])))
    assert_no_store(client.get(reverse("requests_app:pdf", args=[support_request.pk, "declaration"])))


def test_exports_are_never_stored(client_for, manager):
    BeneficiaryFactory()
    client = client_for(manager)
    assert_no_store(client.post(reverse("beneficiaries:export"), {"file_format": "xlsx"}))
    assert_no_store(client.post(reverse("beneficiaries:access_log_export")))
