"""One person's records in every state the /my/ pages show, for the follow-up and the isolation tests."""

from dataclasses import dataclass

from django.utils import timezone

from channels_log.cases.models import Case
from requests_app.models import CommitteeDecision, Delivery, SupportRequest
from tests.channels_log.factories import make_contact
from tests.factories import BeneficiaryFactory, DocumentTypeFactory, ServiceTypeFactory
from tests.requests_app.factories import force_status, make_complete, submitted_request

from .helpers import signed_in_client


@dataclass
class Person:
    mobile: str
    beneficiary: object
    rejected: SupportRequest
    incomplete: SupportRequest
    delivered: SupportRequest
    delivery: Delivery
    case: Case
    client: object = None


def person(mobile: str, *, officer, chair, tag: str) -> Person:
    beneficiary = BeneficiaryFactory(mobile=mobile, family_name=f"العائلة-{tag}", district=f"حي-{tag}")
    now = timezone.now()
    rejected = submitted_request(officer, beneficiary=beneficiary, description=f"مرفوض-{tag}")
    rejected = force_status(rejected, "rejected", decided_at=now)
    CommitteeDecision.objects.create(
        support_request=rejected, outcome="rejected", reasons=f"أسباب-{tag}", chair=chair, decided_at=now
    )
    service = ServiceTypeFactory()
    service.required_documents.set([DocumentTypeFactory(name=f"عقد الإيجار-{tag}")])
    incomplete = SupportRequest.objects.create(
        beneficiary=beneficiary,
        service_type=service,
        channel=rejected.channel,
        description=f"ناقص-{tag}",
        created_by=officer,
    )
    incomplete = force_status(incomplete, "incomplete", missing_items=[f"عقد الإيجار-{tag}"], submitted_at=None)
    delivered = make_complete(
        SupportRequest.objects.create(
            beneficiary=beneficiary,
            service_type=ServiceTypeFactory(),
            channel=rejected.channel,
            description=f"مسلم-{tag}",
            created_by=officer,
        ),
        officer,
    )
    delivered = force_status(delivered, "service_delivered", decided_at=now)
    delivery = Delivery.objects.create(
        support_request=delivered,
        delivered_on=timezone.localdate(),
        what=f"سلة-{tag}",
        quantity=1,
        delivered_by=officer,
        recorded_at=now,
    )
    contact = make_contact(beneficiary=beneficiary, subject=f"استفسار-{tag}", body=f"نص-{tag}")
    case = contact.case
    Case.objects.filter(pk=case.pk).update(response=f"جواب-{tag}", status="answered")
    return Person(mobile, beneficiary, rejected, incomplete, delivered, delivery, case)


def signed_in(p: Person, address: str) -> Person:
    p.client = signed_in_client(p.mobile, address=address, last_four=p.beneficiary.national_id[-4:])
    return p
