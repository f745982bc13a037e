"""Demo data for channels_log (shared: each area adds one function and calls it from ``seed``).
Idempotent: a rerun creates nothing new."""

from django.db import transaction

from requests_app.models import SupportRequest


def seed(*, users: dict, stdout) -> None:
    seed_messages(users=users, stdout=stdout)


# Every step of one request's life, told to the beneficiary and to the staff concerned.
DEMO_EVENTS = [
    ("request_received", "beneficiary", {}),
    ("request_incomplete", "beneficiary", {"missing": "عقد الإيجار"}),
    ("decision_window_open", "chair", {}),
    ("request_overdue", "manager", {"due_date": "—"}),
    ("escalated", "manager", {"reason": "تجاوز مدة المعالجة"}),
    ("decision_made", "beneficiary", {"outcome": "قبول الطلب"}),
    ("survey_invitation", "beneficiary", {"url": "/"}),
    ("complaint_answered", "beneficiary", {"answer": "تمت معالجة ملاحظتك"}),
    ("case_escalated", "manager", {"reason": "تجاوز مدة الرد"}),
]


def seed_messages(*, users: dict, stdout) -> None:
    """Queue and deliver (through the configured backends: a file and the console in the embedded mode)
    one message for every event of a demo request, so the delivery log shows each of them."""
    from django.conf import settings

    from .messaging import message_deliver, message_queue
    from .models import MessagePreference, OutgoingMessage

    support_request = SupportRequest.objects.select_related("beneficiary", "service_type").order_by("pk").first()
    if support_request is None:
        stdout.write("channels_log: no support request to show messages for")
        return
    beneficiary = support_request.beneficiary
    for name in ("chair", "manager"):
        user = users[name]
        if not user.email:
            user.email = f"{user.username}@demo.invalid"
            user.save(update_fields=["email"])
    MessagePreference.objects.get_or_create(beneficiary=beneficiary, defaults={"email": "beneficiary@demo.invalid"})
    reference = support_request.number or str(support_request.pk)
    created = []
    with transaction.atomic():
        for event, to, extra in DEMO_EVENTS:
            context = {"reference": reference, "service": str(support_request.service_type),
                       "support_request": support_request, **extra}
            if event == "survey_invitation":
                context["url"] = settings.SITE_URL + "/"
            target = {"beneficiary": beneficiary} if to == "beneficiary" else {"user": users[to]}
            key = f"demo-request-{support_request.pk}-{event}"
            if not OutgoingMessage.objects.filter(group_key=key).exists():
                created += message_queue(event=event, key=key, context=context, **target)
    for message in created:
        if message.status == OutgoingMessage.Status.QUEUED:
            message_deliver(message_id=message.pk)
    stdout.write(f"channels_log: {len(created)} demo messages queued and delivered")
