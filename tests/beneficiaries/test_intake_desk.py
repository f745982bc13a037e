"""The intake desk, end to end through the views: search → open → record the contact → start a draft."""

import pytest
from django.urls import reverse

from association.channels import Channel
from beneficiaries.models import Beneficiary
from channels_log.contacts.models import ContactEntry
from requests_app.models import StatusChange, SupportRequest
from tests.factories import BeneficiaryFactory, DocumentTypeFactory, ServiceTypeFactory

from .forms_data import registration_post

pytestmark = pytest.mark.django_db


def test_the_eight_policy_channels_exist():
    assert set(Channel.CORE_CODES) <= set(Channel.objects.values_list("code", flat=True))
    assert len(Channel.CORE_CODES) == 8


def test_the_relations_officer_lands_on_the_desk(client_for, officer):
    response = client_for(officer).get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("beneficiaries:desk")


def test_desk_search_then_register_then_contact_then_draft(client_for, officer):
    client = client_for(officer)
    # 1. Search: nobody yet, the desk offers registration.
    response = client.post(reverse("beneficiaries:desk"), {"q": "0551234567"})
    assert response.context["page"].paginator.count == 0
    assert reverse("beneficiaries:register") in response.content.decode()

    # 2. Register.
    response = client.post(reverse("beneficiaries:register"), registration_post(5, mobile="0551234567"))
    beneficiary = Beneficiary.objects.get()
    assert response["Location"] == beneficiary.get_absolute_url()
    file_page = client.get(beneficiary.get_absolute_url()).content.decode()
    contact_url = f"{reverse('channels_log:new')}?beneficiary={beneficiary.public_id}"
    draft_url = reverse("requests_app:new", args=[beneficiary.public_id])
    assert contact_url in file_page and draft_url in file_page

    # 3. Now the search finds them, by the same mobile typed another way.
    response = client.post(reverse("beneficiaries:desk"), {"q": "+966 55 123 4567"})
    assert list(response.context["page"].object_list) == [beneficiary]

    # 4. Record the contact: channel, purpose, notes.
    phone = Channel.objects.get(code="phone")
    response = client.post(
        contact_url,
        {
            "channel": phone.pk,
            "direction": "in",
            "purpose": "inquiry",
            "subject": "استفسار عن السلة الغذائية",
            "body": "اتصل يسأل عن موعد التوزيع.",
        },
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    entry = ContactEntry.objects.get()
    assert (entry.beneficiary, entry.channel, entry.purpose, entry.recorded_by) == (
        beneficiary,
        phone,
        "inquiry",
        officer,
    )
    assert entry.body == "اتصل يسأل عن موعد التوزيع."

    # 5. Start a draft: the page lists the service's required documents as a checklist.
    id_copy = DocumentTypeFactory(code="id_copy", name="صورة الهوية")
    lease = DocumentTypeFactory(code="lease_copy", name="عقد الإيجار")
    rent = ServiceTypeFactory(code="rent", name="دعم إيجار")
    rent.required_documents.set([id_copy, lease])
    page = client.get(draft_url).content.decode()
    assert "دعم إيجار" in page and "صورة الهوية" in page and "عقد الإيجار" in page
    response = client.post(
        draft_url,
        {
            "service_type": rent.pk,
            "channel": Channel.objects.get(code="interview").pk,
            "description": "الأسرة متأخرة في سداد الإيجار ثلاثة أشهر.",
        },
    )
    support_request = SupportRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == support_request.get_absolute_url()
    assert (support_request.beneficiary, support_request.status, support_request.created_by) == (
        beneficiary,
        SupportRequest.Status.DRAFT,
        officer,
    )
    change = StatusChange.objects.get(support_request=support_request)
    assert (change.old_status, change.new_status, change.actor) == ("", "draft", officer)
    detail = client.get(support_request.get_absolute_url()).content.decode()
    assert "صورة الهوية" in detail and "عقد الإيجار" in detail


def test_a_contact_form_with_errors_keeps_what_was_typed(client_for, officer):
    beneficiary = BeneficiaryFactory()
    url = f"{reverse('channels_log:new')}?beneficiary={beneficiary.public_id}"
    response = client_for(officer).post(
        url,
        {
            "channel": Channel.objects.get(code="phone").pk,
            "direction": "in",
            "purpose": "",
            "subject": "موضوع مكتوب",
            "body": "تفاصيل مكتوبة",
        },
    )
    assert response.status_code == 200
    assert "purpose" in response.context["form"].errors
    html = response.content.decode()
    assert 'value="موضوع مكتوب"' in html and "تفاصيل مكتوبة" in html
    assert not ContactEntry.objects.exists()


def test_a_draft_form_with_errors_keeps_what_was_typed(client_for, officer):
    beneficiary = BeneficiaryFactory()
    ServiceTypeFactory()
    response = client_for(officer).post(
        reverse("requests_app:new", args=[beneficiary.public_id]),
        {"service_type": "", "channel": "", "description": "وصف الطلب المكتوب"},
    )
    assert response.status_code == 200
    assert {"service_type", "channel"} <= set(response.context["form"].errors)
    assert "وصف الطلب المكتوب" in response.content.decode()
    assert not SupportRequest.objects.exists()


def test_a_draft_for_a_service_no_longer_offered_is_refused(officer):
    from django.core.exceptions import ValidationError

    from requests_app.services import support_request_create_draft

    closed = ServiceTypeFactory(is_active=False)
    with pytest.raises(ValidationError):
        support_request_create_draft(
            beneficiary=BeneficiaryFactory(),
            service_type=closed,
            channel=Channel.objects.get(code="letter"),
            description="x",
            actor=officer,
        )
    assert not SupportRequest.objects.exists()
