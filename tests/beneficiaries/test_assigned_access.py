"""A social researcher sees the sensitive data (ID, IBAN, notes, household, documents) only of the people
whose request they are the researcher of, while it is in progress; officers and managers see anyone's."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from beneficiaries import services
from beneficiaries.models import HouseholdMember, SensitiveAccess
from requests_app.models import SupportRequest
from tests.factories import BeneficiaryFactory, DocumentTypeFactory, valid_national_id
from tests.requests_app.factories import force_status, open_study, submitted_request

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
S = SupportRequest.Status


@pytest.fixture
def assigned(officer, researcher):
    """A request referred to ``researcher``: its beneficiary is assigned to them."""
    support_request = submitted_request(officer)
    open_study(support_request, officer, researcher)
    support_request.refresh_from_db()
    assert support_request.status == S.IN_RESEARCH and support_request.researcher == researcher
    return support_request


def _paths(beneficiary, officer):
    document = services.document_add(
        beneficiary=beneficiary,
        document_type=DocumentTypeFactory(),
        actor=officer,
        uploaded_file=SimpleUploadedFile("a.pdf", PDF),
    )
    member = HouseholdMember.objects.create(
        beneficiary=beneficiary, relation="son", name="سعد", national_id=valid_national_id(81111111)
    )
    return [
        ("post", reverse("beneficiaries:reveal", args=[beneficiary.public_id, "national_id"])),
        ("post", reverse("beneficiaries:reveal", args=[beneficiary.public_id, "iban"])),
        ("post", reverse("beneficiaries:reveal", args=[beneficiary.public_id, "health"])),
        ("post", reverse("beneficiaries:reveal_member", args=[beneficiary.public_id, member.pk])),
        ("get", reverse("beneficiaries:document_file", args=[document.pk])),
    ]


def test_a_researcher_with_no_assignment_sees_nothing_sensitive(client_for, officer, researcher):
    person = BeneficiaryFactory(iban="", health_notes="ربو")
    client = client_for(researcher)
    for method, url in _paths(person, officer):
        response = getattr(client, method)(url)
        assert response.status_code == 403, url
        assert person.national_id not in response.content.decode()
    assert not SensitiveAccess.objects.exists()
    page = client.get(person.get_absolute_url()).content.decode()
    assert reverse("beneficiaries:reveal", args=[person.public_id, "national_id"]) not in page
    assert "/file/" not in page


def test_the_assigned_researcher_sees_and_every_view_is_logged(client_for, officer, researcher, assigned):
    person = assigned.beneficiary
    client = client_for(researcher)
    paths = _paths(person, officer)
    for method, url in paths:
        assert getattr(client, method)(url).status_code == 200, url
    assert SensitiveAccess.objects.filter(user=researcher, beneficiary=person).count() == len(paths)
    page = client.get(person.get_absolute_url()).content.decode()
    assert reverse("beneficiaries:reveal", args=[person.public_id, "national_id"]) in page


def test_the_assignment_ends_with_the_request(client_for, officer, researcher, assigned):
    force_status(assigned, S.CLOSED)
    response = client_for(researcher).post(
        reverse("beneficiaries:reveal", args=[assigned.beneficiary.public_id, "iban"])
    )
    assert response.status_code == 403


def test_another_researcher_is_not_assigned(client_for, make_user, assigned):
    from association.kernel.roles import Role

    colleague = make_user(Role.SOCIAL_RESEARCHER)
    response = client_for(colleague).post(
        reverse("beneficiaries:reveal", args=[assigned.beneficiary.public_id, "national_id"])
    )
    assert response.status_code == 403


def test_the_rule_lives_in_the_service(officer, manager, researcher, member, assigned):
    person, stranger = assigned.beneficiary, BeneficiaryFactory()
    allowed = services.sensitive_access_allowed
    assert allowed(actor=researcher, beneficiary=person) and not allowed(actor=researcher, beneficiary=stranger)
    assert allowed(actor=officer, beneficiary=stranger) and allowed(actor=manager, beneficiary=stranger)
    assert not allowed(actor=member, beneficiary=person)
    # A file of no registered person (a public contact's attachment) needs the full permission.
    assert not allowed(actor=researcher, beneficiary=None) and allowed(actor=officer, beneficiary=None)
    with pytest.raises(PermissionDenied):
        services.sensitive_reveal(beneficiary=stranger, field="national_id", actor=researcher)
    assert not SensitiveAccess.objects.filter(user=researcher).exists()
