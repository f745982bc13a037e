"""Supplied documents: type and size checked by content; files served only through the guarded view."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from beneficiaries import services
from beneficiaries.models import Document, SensitiveAccess
from tests.factories import BeneficiaryFactory, DocumentTypeFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 100
HTML = b"<!doctype html><html><script>alert(1)</script></html>"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _upload(client, beneficiary, content, name="scan.pdf", document_type=None):
    document_type = document_type or DocumentTypeFactory()
    return client.post(
        reverse("beneficiaries:document_upload", args=[beneficiary.public_id]),
        {"document_type": document_type.pk, "file": SimpleUploadedFile(name, content), "note": "صورة"},
    )


@pytest.mark.parametrize(
    ("content", "name", "kind"),
    [(PDF, "scan.pdf", "application/pdf"), (PNG, "photo.png", "image/png"), (JPEG, "photo.JPG", "image/jpeg")],
)
def test_a_real_pdf_or_image_is_received(client_for, officer, content, name, kind):
    beneficiary = BeneficiaryFactory()
    response = _upload(client_for(officer), beneficiary, content, name)
    assert response.status_code == 302
    document = Document.objects.get()
    assert (document.content_type, document.size, document.supplied_by) == (kind, len(content), officer)
    assert document.original_name == name
    # The stored name is random: an uploaded name may carry a person's ID or name.
    assert name.split(".")[0] not in document.file.name and str(beneficiary.public_id) in document.file.name


@pytest.mark.parametrize(("content", "name"), [(EXE, "scan.pdf"), (HTML, "letter.pdf"), (b"plain text", "id.png")])
def test_a_file_whose_content_is_not_pdf_or_image_is_refused_whatever_its_extension(client_for, officer, content, name):
    beneficiary = BeneficiaryFactory()
    response = _upload(client_for(officer), beneficiary, content, name)
    assert response.status_code == 400
    assert response.context["document_form"].errors["file"]
    assert not Document.objects.exists()


def test_a_file_over_the_limit_is_refused(officer, settings):
    settings.DOCUMENT_MAX_BYTES = 1024
    beneficiary = BeneficiaryFactory()
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * 2048)
    with pytest.raises(ValidationError) as info:
        services.document_add(
            beneficiary=beneficiary, document_type=DocumentTypeFactory(), uploaded_file=big, actor=officer
        )
    assert list(info.value.error_dict) == ["file"]
    assert not Document.objects.exists()


def test_an_empty_file_is_refused(client_for, officer):
    response = _upload(client_for(officer), BeneficiaryFactory(), b"", "empty.pdf")
    assert response.status_code == 400 and not Document.objects.exists()


def _stored_document(officer):
    beneficiary = BeneficiaryFactory()
    return services.document_add(
        beneficiary=beneficiary,
        document_type=DocumentTypeFactory(),
        uploaded_file=SimpleUploadedFile("a.pdf", PDF),
        actor=officer,
    )


def test_the_file_is_served_by_the_guarded_view_and_the_access_is_logged(client_for, officer):
    document = _stored_document(officer)
    response = client_for(officer).get(reverse("beneficiaries:document_file", args=[document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf" and "no-store" in response["Cache-Control"]
    access = SensitiveAccess.objects.get()
    assert (access.user, access.beneficiary, access.field) == (officer, document.beneficiary, "document")


def test_a_role_without_sensitive_access_cannot_open_the_file(client_for, officer, member):
    document = _stored_document(officer)
    response = client_for(member).get(reverse("beneficiaries:document_file", args=[document.pk]))
    assert response.status_code == 403
    assert not SensitiveAccess.objects.exists()


def test_media_files_are_not_served_by_url(client_for, officer, settings):
    document = _stored_document(officer)
    response = client_for(officer).get(settings.MEDIA_URL + document.file.name)
    assert response.status_code == 404
    detail = client_for(officer).get(document.beneficiary.get_absolute_url()).content.decode()
    assert document.file.name not in detail
    assert reverse("beneficiaries:document_file", args=[document.pk]) in detail


def test_verifying_records_who_and_when_once(officer, make_user):
    from association.kernel.roles import Role

    document = _stored_document(officer)
    services.document_verify(document=document, actor=officer)
    first = Document.objects.get().verified_at
    services.document_verify(document=document, actor=make_user(Role.RELATIONS_OFFICER))
    document.refresh_from_db()
    assert document.verified_by == officer and document.verified_at == first


def test_verifying_needs_the_permission(officer, researcher):
    document = _stored_document(officer)
    with pytest.raises(PermissionDenied):
        services.document_verify(document=document, actor=researcher)
    document.refresh_from_db()
    assert document.verified_at is None
