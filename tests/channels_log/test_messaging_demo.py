"""The demo's messages come from the portal's own flows — a receipt for each submission, a return, the
decisions, the chair's and the manager's reminders, an escalated case, an answer, a survey link — each
delivered just after it was queued; a rerun adds and sends nothing."""

import io

import pytest
from django.core.management import call_command

from channels_log.messaging.models import OutgoingMessage
from channels_log.messaging.registry import message_events

pytestmark = pytest.mark.django_db

# No flow of the portal sends «escalated» (a request's escalation goes to the manager as «request_overdue»);
# the demo shows what the portal really sends.
NOT_SENT_BY_ANY_FLOW = {"escalated"}


def test_demo_messages_are_the_flows_own_delivered_and_idempotent(settings, tmp_path):
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = str(tmp_path / "sms.jsonl")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("seed_demo", stdout=io.StringIO())
    events = set(OutgoingMessage.objects.values_list("event", flat=True))
    assert events == {event.code for event in message_events()} - NOT_SENT_BY_ANY_FLOW
    statuses = set(OutgoingMessage.objects.values_list("status", flat=True))
    assert statuses <= {"sent", "skipped"} and "sent" in statuses
    for message in OutgoingMessage.objects.filter(status="sent"):
        assert 0 <= (message.sent_at - message.created_at).total_seconds() < 120, message.group_key
    count = OutgoingMessage.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert OutgoingMessage.objects.count() == count
    assert set(OutgoingMessage.objects.values_list("status", flat=True)) == statuses
