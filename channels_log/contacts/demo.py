"""Demo data for the contact log: the visit each person registered in the demo came through."""

from association.demo import demo_clock


def seed_intake_contacts(*, users: dict, stdout, state: dict) -> None:
    """The visit each person registered in this run came through, recorded when they were registered."""
    from association.channels import Channel
    from beneficiaries.demo import registered_at

    from .models import ContactEntry
    from .services import contact_record

    channels = list(Channel.objects.filter(is_active=True))
    for i, beneficiary in state.get("registered", []):
        # At the moment the registration was written (the demo clock ticks on while it runs), not before it.
        with demo_clock(max(registered_at(i), beneficiary.created_at)):
            contact_record(
                actor=users["officer"],
                channel=channels[i % len(channels)],
                purpose=ContactEntry.Purpose.SERVICE_REQUEST,
                beneficiary=beneficiary,
                subject="طلب مساعدة",
                body="حضر المستفيد واستفسر عن خدمات الجمعية.",
            )


FIELD_INTAKE_PERSON = 60  # a demo person index outside beneficiaries.demo's range


def seed_field_intake(*, users: dict, stdout, state: dict) -> None:
    """The Al-Kharj office's representative at a family's home: registers them, records the visit through
    the representatives' channel, opens a draft, hands in the ID copy and witnesses the declaration."""
    import random

    from django.core.files.base import ContentFile

    from association.channels import Channel
    from association.demo import demo_day
    from association.policy.procedure import procedure_in_force
    from beneficiaries.demo import demo_person
    from beneficiaries.models import Beneficiary, Consent, DocumentType
    from beneficiaries.selectors import beneficiaries_with_national_id
    from beneficiaries.services import beneficiary_register, document_add
    from requests_app.demo import _png
    from requests_app.models import ServiceType
    from requests_app.services import (
        declaration_sign,
        explanation_required,
        procedure_explanation_record,
        support_request_create_draft,
    )

    from .models import ContactEntry
    from .services import contact_record

    representative = users["representative"]
    data = demo_person(FIELD_INTAKE_PERSON, random.Random(FIELD_INTAKE_PERSON))
    channel = Channel.objects.filter(code="representative", is_active=True).first()
    service_type = ServiceType.objects.filter(code="financial_aid", is_active=True).first()
    if (
        channel is None
        or service_type is None
        or beneficiaries_with_national_id(Beneficiary.objects.all(), data["national_id"]).exists()
    ):
        return
    data.update(city="الخرج", district="السيح")
    with demo_clock(demo_day(1, 10)):
        beneficiary = beneficiary_register(
            actor=representative,
            data=data,
            consents=[Consent.Purpose.DATA_PROCESSING, Consent.Purpose.CONTACT],
            confirm_duplicate=True,
        )
        contact_record(
            actor=representative,
            channel=channel,
            purpose=ContactEntry.Purpose.SERVICE_REQUEST,
            beneficiary=beneficiary,
            subject="زيارة ميدانية",
            body="زار المندوب الأسرة في منزلها وسجّل طلبها.",
        )
        id_copy = DocumentType.objects.filter(code="national_id").first()
        if id_copy is not None:
            pdf = ContentFile(b"%PDF-1.4\n% demo\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n", name="id.pdf")
            document_add(beneficiary=beneficiary, document_type=id_copy, uploaded_file=pdf, actor=representative)
        if not procedure_in_force().individual_requests:
            return  # the policy in force runs no individual support requests: the visit is recorded, no draft
        draft = support_request_create_draft(
            beneficiary=beneficiary,
            service_type=service_type,
            channel=channel,
            description="أسرة تحتاج مساعدة مالية عاجلة؛ سُجّلت في زيارة ميدانية.",
            actor=representative,
        )
        if explanation_required():  # step 3 where the policy names it: the procedure was clear to the family
            procedure_explanation_record(support_request=draft, actor=representative, explanation="clear")
        declaration_sign(support_request=draft, actor=representative, signature_data=_png())
