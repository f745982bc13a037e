"""The representative role: field intake only. They register, record the contact, open a draft, hand in
documents and witness the declaration; verifying against originals, submitting and every later step stay
with the office."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from association.channels import Channel
from association.kernel.roles import ROLE_PERMISSIONS, Role
from beneficiaries import services as beneficiary_services
from requests_app import services
from requests_app.models import SupportRequest
from tests.factories import BeneficiaryFactory, DocumentTypeFactory, ServiceTypeFactory

from .factories import force_status, png_data_url

S = SupportRequest.Status


@pytest.fixture
def representative(make_user):
    return make_user(Role.REPRESENTATIVE)


def _pdf():
    return SimpleUploadedFile("x.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n", content_type="application/pdf")


def test_the_role_exists_as_a_group_with_its_permissions(representative):
    assert representative.has_perms(
        [
            "beneficiaries.add_beneficiary",
            "beneficiaries.add_document",
            "channels_log.add_contactentry",
            "requests_app.add_supportrequest",
            "requests_app.witness_declaration",
        ]
    )
    for withheld in (
        "beneficiaries.change_beneficiary",
        "beneficiaries.verify_document",
        "beneficiaries.view_sensitive",
        "requests_app.process_supportrequest",
        "requests_app.refer_supportrequest",
        "channels_log.change_case",
    ):
        assert not representative.has_perm(withheld), withheld
    assert "requests_app.witness_declaration" in ROLE_PERMISSIONS[Role.RELATIONS_OFFICER]


def test_the_representative_opens_a_draft_hands_in_a_document_and_witnesses_the_declaration(representative):
    document_type = DocumentTypeFactory()
    service_type = ServiceTypeFactory()
    service_type.required_documents.set([document_type])
    draft = services.support_request_create_draft(
        beneficiary=BeneficiaryFactory(),
        service_type=service_type,
        channel=Channel.objects.get(code="representative"),
        description="زيارة",
        actor=representative,
    )
    document = services.request_document_supply(
        support_request=draft, document_type=document_type, uploaded_file=_pdf(), actor=representative
    )
    assert document.verified_at is None
    with pytest.raises(PermissionDenied):
        services.request_document_supply(
            support_request=draft,
            document_type=document_type,
            uploaded_file=_pdf(),
            actor=representative,
            verified=True,
        )
    with pytest.raises(PermissionDenied):
        beneficiary_services.document_verify(document=document, actor=representative)
    declaration = services.declaration_sign(support_request=draft, actor=representative, signature_data=png_data_url())
    assert declaration.witness == representative
    with pytest.raises(PermissionDenied):
        services.support_request_submit(support_request=draft, actor=representative)
    draft.refresh_from_db()
    assert draft.status == S.DRAFT and draft.number is None


def test_the_representative_takes_no_later_step(representative, make_user):
    draft = services.support_request_create_draft(
        beneficiary=BeneficiaryFactory(),
        service_type=ServiceTypeFactory(),
        channel=Channel.objects.get(code="representative"),
        description="زيارة",
        actor=representative,
    )
    force_status(draft, S.SUBMITTED)
    draft.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.research_refer(
            support_request=draft, actor=representative, researcher=make_user(Role.SOCIAL_RESEARCHER), reason="س"
        )
    with pytest.raises(PermissionDenied):
        services.support_request_withdraw(support_request=draft, actor=representative, reason="س")
    draft.refresh_from_db()
    assert draft.status == S.SUBMITTED


def test_a_role_without_the_witness_permission_cannot_sign(make_user):
    researcher = make_user(Role.SOCIAL_RESEARCHER)
    officer = make_user(Role.RELATIONS_OFFICER)
    draft = services.support_request_create_draft(
        beneficiary=BeneficiaryFactory(),
        service_type=ServiceTypeFactory(),
        channel=Channel.objects.get(code="interview"),
        description="طلب",
        actor=officer,
    )
    with pytest.raises(PermissionDenied):
        services.declaration_sign(support_request=draft, actor=researcher, signature_data=png_data_url())
    assert not draft.has_signed_declaration()
