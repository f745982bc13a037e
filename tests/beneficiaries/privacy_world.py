"""A person with something in every app, and a neighbour whose rows must never leak into their export."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from beneficiaries.models import Consent, Document, HouseholdMember, SensitiveAccess
from channels_log.messaging.models import OutgoingMessage
from requests_app.models import CommitteeDecision, SocialStudy
from surveys.models import Invitation
from tests.channels_log.factories import make_contact
from tests.factories import BeneficiaryFactory, DocumentTypeFactory, SupportRequestFactory, UserFactory
from tests.surveys.factories import make_survey


def person_with_everything(*, family_name="الحربي", national_id=None, staff=None):
    staff = staff or UserFactory(role="relations_officer", first_name="سارة", last_name="الموظفة")
    extra = {"national_id": national_id} if national_id else {}
    person = BeneficiaryFactory(
        first_name="نورة",
        family_name=family_name,
        iban="SA0380000000608010167519",
        health_notes="ربو مزمن",
        disability_notes="إعاقة حركية",
        district="النسيم",
        **extra,
    )
    now = timezone.now()
    HouseholdMember.objects.create(
        beneficiary=person, relation="son", name="خالد", national_id="1000000008", monthly_income=Decimal("1200.00")
    )
    Consent.objects.create(beneficiary=person, purpose="data_processing", given_at=now, recorded_by=staff)
    Consent.objects.create(beneficiary=person, purpose="surveys", given_at=now, withdrawn_at=now)
    Document.objects.create(
        beneficiary=person,
        document_type=DocumentTypeFactory(name="صورة الهوية"),
        file="documents/x/abc",
        original_name="هوية-نورة.pdf",
        content_type="application/pdf",
        supplied_by=staff,
    )
    SensitiveAccess.objects.create(beneficiary=person, user=staff, field="iban")
    request = SupportRequestFactory(beneficiary=person, description="أحتاج مساعدة في الإيجار", status="closed")
    request.number = f"R-{request.pk:05d}"
    request.save(update_fields=["number"])
    SocialStudy.objects.create(
        support_request=request,
        researcher=staff,
        referred_by=staff,
        referral_reason="حالة غير واضحة",
        referred_at=now,
        health="مرض مزمن للأم",
        monthly_income=Decimal("3000.00"),
    )
    CommitteeDecision.objects.create(
        support_request=request, outcome="approved", reasons="الدخل أقل من الحد", chair=staff, decided_at=now
    )
    make_contact(beneficiary=person, actor=staff, subject="استفسار عن الطلب", body="اتصلت نورة من جوالها")
    OutgoingMessage.objects.create(
        key=f"k-{person.pk}",
        group_key=f"g-{person.pk}",
        event="request_received",
        channel="sms",
        language="ar",
        beneficiary=person,
        recipient=person.mobile,
        body="استلمنا طلبك",
        status="sent",
    )
    survey = make_survey()
    Invitation.objects.create(
        token=f"tok-{person.pk}",
        version=survey.published_version(),
        beneficiary=person,
        trigger="batch",
        send_channel="sms",
        scheduled_for=now,
        expires_at=now + dt.timedelta(days=7),
    )
    return person
