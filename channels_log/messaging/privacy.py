"""What the outbox holds about a person, for the PDPL export and erasure (``beneficiaries.privacy``), and the
retention of sent messages (record kind ``outgoing_message``)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from association.kernel import registry
from beneficiaries.privacy.retention import RetentionKind
from beneficiaries.privacy.subject import section

from .models import DeliveryLogEntry, MessagePreference, OutgoingMessage
from .registry import message_event

FINISHED = (OutgoingMessage.Status.SENT, OutgoingMessage.Status.FAILED, OutgoingMessage.Status.SKIPPED)


def _event_label(code: str) -> str:
    try:
        return str(message_event(code).label)
    except ValueError:
        return code


def messages_section(*, beneficiary):
    columns = [
        ("at", _("queued at")),
        ("event", _("event")),
        ("channel", _("channel")),
        ("status", _("status")),
        ("text", _("text")),
    ]
    rows = [
        {
            "at": m.created_at,
            "event": _event_label(m.event),
            "channel": m.get_channel_display(),
            "status": m.get_status_display(),
            "text": m.body,
        }
        for m in OutgoingMessage.objects.filter(beneficiary=beneficiary).order_by("created_at", "pk")
    ]
    return section("messages", _("Messages sent"), columns, rows)


def _scrub(messages) -> int:
    ids = list(messages.values_list("pk", flat=True))
    DeliveryLogEntry.objects.filter(message_id__in=ids).exclude(detail="").update(detail="")
    return OutgoingMessage.objects.filter(pk__in=ids).update(recipient="", subject="", body="")


def erase(*, beneficiary) -> dict[str, int]:
    MessagePreference.objects.filter(beneficiary=beneficiary).update(email="")
    return {"messages": _scrub(OutgoingMessage.objects.filter(beneficiary=beneficiary))}


def sweep_messages(*, cutoff, held: set[int], now) -> int:
    """Kind ``outgoing_message``: finished messages older than ``cutoff`` lose their address and text (the
    event, channel, status and dates stay for the delivery statistics); a held person's are kept."""
    due = (
        OutgoingMessage.objects.filter(created_at__lt=cutoff, status__in=FINISHED)
        .exclude(recipient="", subject="", body="")
        .exclude(beneficiary_id__in=held)
    )
    return _scrub(due)


def messages_retention_kind() -> RetentionKind:
    return RetentionKind(
        code="outgoing_message", label=gettext_lazy("Sent messages (address and text)"), sweep=sweep_messages
    )


def register() -> None:
    registry.register("subject_data", messages_section, order=30)
    registry.register("subject_erasure", erase, order=30)
    registry.register("retention_kinds", messages_retention_kind, order=30)
