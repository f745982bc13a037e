"""Every write to a support request that has a rule."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ServiceType, StatusChange, SupportRequest


@dataclass(frozen=True)
class ChecklistItem:
    document_type: object
    supplied: bool
    verified: bool


def required_documents_checklist(*, beneficiary, service_type: ServiceType) -> list[ChecklistItem]:
    """For each document the service requires: has the beneficiary supplied it, and has staff verified it?"""
    required = list(service_type.required_documents.all())
    supplied: dict[int, bool] = {}
    for type_id, verified_at in beneficiary.documents.values_list("document_type_id", "verified_at"):
        supplied[type_id] = supplied.get(type_id, False) or verified_at is not None
    return [
        ChecklistItem(document_type=dt, supplied=dt.pk in supplied, verified=supplied.get(dt.pk, False))
        for dt in required
    ]


@transaction.atomic
def support_request_create_draft(*, beneficiary, service_type: ServiceType, channel, description: str, actor) -> SupportRequest:
    """Open a draft request at the intake desk; it gets its number only when submitted."""
    if not service_type.is_active:
        raise ValidationError({"service_type": _("This service is not offered at the moment.")})
    support_request = SupportRequest.objects.create(
        beneficiary=beneficiary, service_type=service_type, channel=channel, description=description, created_by=actor
    )
    StatusChange.objects.create(
        support_request=support_request, old_status="", new_status=SupportRequest.Status.DRAFT,
        actor=actor, reason=_("Opened at the intake desk"), at=timezone.now(),
    )
    return support_request
