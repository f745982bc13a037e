"""The demo tells every step of one request's life, delivered, and a rerun adds nothing."""

import io

import pytest

from channels_log.demo import DEMO_EVENTS, seed_messages
from channels_log.models import MessageEvent, OutgoingMessage
from tests.factories import SupportRequestFactory

pytestmark = pytest.mark.django_db


def test_demo_messages_cover_every_event_are_sent_and_idempotent(settings, tmp_path, chair, manager):
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = str(tmp_path / "sms.jsonl")
    SupportRequestFactory()
    users = {"chair": chair, "manager": manager}
    seed_messages(users=users, stdout=io.StringIO())
    assert {event for event, _to, _extra in DEMO_EVENTS} == set(MessageEvent.values)
    assert set(OutgoingMessage.objects.values_list("event", flat=True)) == set(MessageEvent.values)
    assert set(OutgoingMessage.objects.values_list("status", flat=True)) == {"sent"}
    count = OutgoingMessage.objects.count()
    seed_messages(users=users, stdout=io.StringIO())
    assert OutgoingMessage.objects.count() == count
