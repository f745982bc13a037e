"""Consent (PDPL): withdrawn or given from the person's page, and every use that needs a purpose checks it —
survey invitations (in person too, and at sending time), the outbox's messages, exports for partners."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from beneficiaries.models import BulkTransfer, Consent
from channels_log.messaging.registry import message_event_register, message_event_unregister
from channels_log.messaging.services import message_queue, message_templates_ensure
from surveys import services as survey_services
from surveys.models import Invitation
from tests.factories import BeneficiaryFactory, SupportRequestFactory
from tests.surveys.factories import consenting_beneficiary, make_survey

pytestmark = pytest.mark.django_db


def _consent(person, purpose, *, withdrawn=False):
    now = timezone.now()
    return Consent.objects.create(
        beneficiary=person, purpose=purpose, given_at=now, withdrawn_at=now if withdrawn else None
    )


def test_withdrawing_and_giving_a_purpose_from_the_persons_page(client_for, officer):
    person = BeneficiaryFactory()
    _consent(person, "data_processing")
    _consent(person, "surveys")
    client = client_for(officer)
    page = client.get(person.get_absolute_url()).content.decode()
    assert 'id="consent-surveys"' in page and 'id="consent-contact"' in page  # withdraw one, record the other
    url = reverse("beneficiaries:consent_change", args=[person.public_id])
    assert client.post(url, {"purpose": "surveys", "given": "0"}).status_code == 302
    assert Consent.objects.get(beneficiary=person, purpose="surveys").withdrawn_at is not None
    assert client.post(url, {"purpose": "contact", "given": "1"}).status_code == 302
    assert Consent.objects.get(beneficiary=person, purpose="contact").is_active
    assert client.post(url, {"purpose": "nonsense", "given": "0"}).status_code == 400


def test_processing_consent_cannot_be_withdrawn_while_a_request_is_open(client_for, officer):
    person = BeneficiaryFactory()
    _consent(person, "data_processing")
    SupportRequestFactory(beneficiary=person, status="submitted")
    response = client_for(officer).post(
        reverse("beneficiaries:consent_change", args=[person.public_id]),
        {"purpose": "data_processing", "given": "0"},
        follow=True,
    )
    assert response.status_code == 200
    assert Consent.objects.get(beneficiary=person).withdrawn_at is None
    assert "طلب" in " ".join(str(m) for m in response.context["messages"])


def test_the_researcher_and_the_manager_cannot_change_consent(client_for, researcher, manager):
    person = BeneficiaryFactory()
    _consent(person, "surveys")
    url = reverse("beneficiaries:consent_change", args=[person.public_id])
    for user in (researcher, manager):
        assert client_for(user).post(url, {"purpose": "surveys", "given": "0"}).status_code == 403
    assert Consent.objects.get(beneficiary=person).withdrawn_at is None


def test_an_in_person_survey_for_someone_without_consent_is_refused(client_for, officer):
    survey = make_survey()
    request = SupportRequestFactory(beneficiary=BeneficiaryFactory())
    request.number = "R-2026-0042"
    request.save()
    response = client_for(officer).post(
        reverse("surveys:invitation_in_person"), {"survey": survey.pk, "request_number": "R-2026-0042"}
    )
    assert response.status_code == 200 and response.context["form"].errors["request_number"]
    assert not Invitation.objects.exists()
    # Withdrawn is the same as never given; a blank anonymous sheet needs no one's consent.
    _consent(request.beneficiary, "surveys", withdrawn=True)
    with pytest.raises(ValidationError) as refused:
        survey_services.invitation_in_person(survey=survey, support_request=request, actor=officer)
    assert set(refused.value.error_dict) == {"request_number"}
    assert survey_services.invitation_in_person(survey=survey, actor=officer).beneficiary is None


def test_an_invitation_whose_consent_was_withdrawn_before_sending_is_never_sent(officer):
    survey = make_survey()
    person = consenting_beneficiary()
    [invitation] = survey_services.invitations_batch(
        survey=survey, beneficiaries=[person], send_channel="sms", actor=officer
    )
    Consent.objects.filter(beneficiary=person, purpose="surveys").update(withdrawn_at=timezone.now())
    assert survey_services.invitation_sweep(now=timezone.now() + dt.timedelta(minutes=1)) == {"sent": 0, "reminded": 0}
    invitation.refresh_from_db()
    assert invitation.sent_at is None and invitation.expires_at <= timezone.now() + dt.timedelta(minutes=1)
    assert not person.outgoing_messages.exists()


@pytest.fixture
def sharing_event():
    message_event_register(
        "partner_offer",
        "Partner offer",
        essential=False,
        consent_purpose="data_sharing",
        texts={"ar": ("عرض", "عرض من جهة شريكة")},
    )
    message_templates_ensure()
    yield
    message_event_unregister("partner_offer")


def test_the_outbox_sends_a_purposed_message_only_with_that_consent_given(sharing_event):
    never, withdrawn, given = BeneficiaryFactory(), BeneficiaryFactory(), BeneficiaryFactory()
    _consent(withdrawn, "data_sharing", withdrawn=True)
    _consent(given, "data_sharing")
    results = {}
    for name, person in (("never", never), ("withdrawn", withdrawn), ("given", given)):
        [message] = message_queue(event="partner_offer", key=f"offer:{name}", beneficiary=person)
        results[name] = message.status
    assert results == {"never": "skipped", "withdrawn": "skipped", "given": "queued"}
    # The general "contact" consent withdrawn stops it too, whatever the purpose.
    _consent(given, "contact", withdrawn=True)
    [stopped] = message_queue(event="partner_offer", key="offer:again", beneficiary=given)
    assert (stopped.status, stopped.last_error) == ("skipped", "consent withdrawn")
    # An essential message (a decision) still goes.
    [decision] = message_queue(event="decision_made", key="d:1", beneficiary=given)
    assert decision.status == "queued"


def test_an_export_for_a_partner_holds_only_the_people_who_consented_to_sharing(client_for, manager):
    sharing, withdrawn, silent = BeneficiaryFactory(), BeneficiaryFactory(), BeneficiaryFactory()
    _consent(sharing, "data_sharing")
    _consent(withdrawn, "data_sharing", withdrawn=True)
    client = client_for(manager)
    response = client.post(reverse("beneficiaries:export"), {"file_format": "xlsx", "for_partner": "on"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = {str(cell.value) for row in sheet.iter_rows() for cell in row}
    assert sharing.national_id in cells
    assert withdrawn.national_id not in cells and silent.national_id not in cells
    assert BulkTransfer.objects.get().kind == "sharing"
    everyone = client.post(reverse("beneficiaries:export"), {"file_format": "xlsx"})
    cells = {str(c.value) for row in load_workbook(io.BytesIO(everyone.content)).active.iter_rows() for c in row}
    assert silent.national_id in cells
