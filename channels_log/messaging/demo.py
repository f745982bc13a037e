"""Demo data for outgoing messages: every message the demo's own flows queued — receipts, returns,
decisions, reminders, escalations, answers, survey links — delivered as the worker would have, right after
each was queued. A delivered message is not sent twice."""

import datetime as dt

from django.utils import timezone

from association.demo import demo_clock


def seed(*, users: dict, stdout, state: dict) -> None:
    stdout.write(f"channels_log: {deliver_demo_messages()} demo messages delivered")


def deliver_demo_messages() -> int:
    """Hand every queued message to its gateway as the worker would have, just after it was queued (the
    demo's history is in the past; the log reads as if the worker had been running)."""
    from .models import OutgoingMessage
    from .services import message_deliver

    now = timezone.now()
    queued = list(
        OutgoingMessage.objects.filter(status=OutgoingMessage.Status.QUEUED)
        .order_by("created_at", "pk")
        .values_list("pk", "created_at")
    )
    for message_id, queued_at in queued:
        at = queued_at + dt.timedelta(seconds=20)
        if at < now:
            with demo_clock(at):
                message_deliver(message_id=message_id)
        else:
            message_deliver(message_id=message_id)
    return OutgoingMessage.objects.filter(pk__in=[pk for pk, _at in queued], status=OutgoingMessage.Status.SENT).count()
