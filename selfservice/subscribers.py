"""Telling the applicant at each step, by SMS with the link to /my/ (``messages``): reactions to the events
of the apps below, registered in ``SelfServiceConfig.ready``. Each message has a key built from the event's
ids, so a second publish or a retry queues nothing more (idempotent). The outbox applies the person's
preferences and opt-outs (``my_update`` is non-essential: the request's own messages carry what is essential).

Only people who use the self-service pages (an applicant linked to their file) get ``my_update``; the receipt
of an online request goes to whoever sent it."""

from django.conf import settings
from django.urls import reverse

from channels_log.messaging.services import message_queue

from . import messages
from .models import Applicant


def _my_url() -> str:
    return settings.SITE_URL.rstrip("/") + reverse("selfservice:home")


def _request(request_id: int):
    from requests_app.models import SupportRequest

    return SupportRequest.objects.select_related("beneficiary", "service_type").filter(pk=request_id).first()


def _uses_my_pages(beneficiary) -> bool:
    return Applicant.objects.filter(beneficiary=beneficiary).exists()


def _tell(*, step: str, key: str, beneficiary, subject_kind: str, subject_id: int, reference: str) -> None:
    if beneficiary is None or not _uses_my_pages(beneficiary):
        return
    message_queue(
        event=messages.UPDATE,
        key=f"my:{step}:{key}",
        beneficiary=beneficiary,
        subject_kind=subject_kind,
        subject_id=subject_id,
        context={"step": step, "reference": reference, "url": _my_url()},
    )


def on_received_online(*, request_id: int, **_ids) -> None:
    support_request = _request(request_id)
    if support_request is None:
        return
    message_queue(
        event=messages.RECEIVED_ONLINE,
        key=f"my:received_online:{request_id}",
        beneficiary=support_request.beneficiary,
        subject_id=support_request.pk,
        context={"service": support_request.service_type.name, "url": _my_url()},
    )


def _request_step(step: str, request_id: int, key: str) -> None:
    support_request = _request(request_id)
    if support_request is not None:
        _tell(
            step=step,
            key=key,
            beneficiary=support_request.beneficiary,
            subject_kind="support_request",
            subject_id=support_request.pk,
            reference=support_request.number or "",
        )


def on_submitted(*, request_id: int, **_ids) -> None:
    _request_step("submitted", request_id, str(request_id))


def on_returned_incomplete(*, request_id: int, **_ids) -> None:
    from requests_app.models import StatusChange

    # One message per return: the how-many-th return is in the key.
    returns = StatusChange.objects.filter(support_request_id=request_id, new_status="incomplete").count()
    _request_step("incomplete", request_id, f"{request_id}:{returns}")


def on_decision(*, request_id: int, decision_id: int, **_ids) -> None:
    _request_step("decision", request_id, str(decision_id))


def on_delivery(*, request_id: int, delivery_id: int, first: bool = False, **_ids) -> None:
    if first:
        _request_step("delivery", request_id, str(delivery_id))


def on_case_closed(*, case_id: int, **_ids) -> None:
    from channels_log.cases.models import Case

    case = Case.objects.select_related("contact__beneficiary").filter(pk=case_id).first()
    if case is not None:
        _tell(
            step="case_closed",
            key=str(case_id),
            beneficiary=case.contact.beneficiary,
            subject_kind="case",
            subject_id=case.pk,
            reference=case.reference,
        )


HANDLERS = {
    "request_received_online": on_received_online,
    "request_submitted": on_submitted,
    "request_returned_incomplete": on_returned_incomplete,
    "decision_made": on_decision,
    "delivery_recorded": on_delivery,
    "case_closed": on_case_closed,
}
