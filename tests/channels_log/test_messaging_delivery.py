"""Delivering a message: claim → send with the key → sent/retry/failed, the lease, the sweep, staff retry."""

import datetime as dt
import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from channels_log.messaging import services as messaging
from channels_log.messaging.models import MessagePreference, OutgoingMessage
from channels_log.messaging.services import message_deliver, message_queue, message_retry, messages_sweep
from tests.factories import BeneficiaryFactory, UserFactory

from .sms_gateway import LoopbackGateway

pytestmark = pytest.mark.django_db
Status = OutgoingMessage.Status


@pytest.fixture
def http_sms(settings):
    def configure(gateway):
        settings.SMS_BACKEND = "http"
        settings.SMS_GATEWAY_URL = gateway.url
        settings.SMS_GATEWAY_TIMEOUT = 5
        return gateway

    return configure


def _queue(key="k1", **kwargs):
    beneficiary = kwargs.pop("beneficiary", None) or BeneficiaryFactory()
    return message_queue(
        event="request_received", key=key, beneficiary=beneficiary, context={"reference": "R-1"}, **kwargs
    )


def test_http_gateway_gets_the_key_credentials_and_text_and_the_provider_id_is_stored(http_sms, settings):
    settings.SMS_GATEWAY_USER, settings.SMS_GATEWAY_PASSWORD = "assoc", "s3cret"
    with http_sms(LoopbackGateway(user="assoc", password="s3cret")) as gateway:
        [message] = _queue()
        assert message_deliver(message_id=message.pk) is None
    message.refresh_from_db()
    assert message.status == Status.SENT and message.attempts == 1
    assert message.provider_id == "gw-1" and message.sent_at is not None
    assert gateway.hits == {"k1:sms": 1}
    body = gateway.bodies[0]
    assert body["reference"] == "k1:sms" and body["to"] == message.recipient
    assert "استلمنا طلبك R-1" in body["text"]
    assert [e.status for e in message.log.all()] == ["queued", "sending", "sent"]
    assert message.log.last().provider_id == "gw-1"


def test_delivering_twice_sends_once(http_sms):
    with http_sms(LoopbackGateway()) as gateway:
        [message] = _queue()
        message_deliver(message_id=message.pk)
        message_deliver(message_id=message.pk)
    assert gateway.hits == {"k1:sms": 1}


def test_gateway_error_is_retried_with_backoff_then_fails(http_sms, settings):
    settings.MESSAGING_MAX_ATTEMPTS = 2
    settings.MESSAGING_RETRY_BASE_SECONDS = 30
    with http_sms(LoopbackGateway(status=503)):
        [message] = _queue()
        before = timezone.now()
        assert message_deliver(message_id=message.pk) == 30
        message.refresh_from_db()
        assert message.status == Status.QUEUED and "503" in message.last_error
        assert message.next_attempt_at >= before + dt.timedelta(seconds=30)
        # Not due yet: a duplicate task does nothing.
        assert message_deliver(message_id=message.pk) is None
        assert OutgoingMessage.objects.get(pk=message.pk).attempts == 1
        OutgoingMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
        assert message_deliver(message_id=message.pk) is None
    message.refresh_from_db()
    assert message.status == Status.FAILED and message.attempts == 2
    assert [e.status for e in message.log.all()] == ["queued", "sending", "queued", "sending", "failed"]


def test_a_refusal_from_the_gateway_fails_at_once_with_the_reason(http_sms):
    with http_sms(LoopbackGateway(status=400)):
        [message] = _queue()
        message_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == Status.FAILED and message.attempts == 1
    assert "gateway answered 400" in message.last_error


def test_backoff_doubles_and_is_capped(settings):
    settings.MESSAGING_RETRY_BASE_SECONDS = 30
    assert [messaging.retry_delay(n) for n in (1, 2, 3)] == [30, 60, 120]
    assert messaging.retry_delay(20) == 3600


def test_a_message_sending_within_its_lease_is_left_alone_and_resent_with_the_same_key_after(http_sms, settings):
    settings.MESSAGING_LEASE_SECONDS = 120
    with http_sms(LoopbackGateway()) as gateway:
        [message] = _queue()
        now = timezone.now()
        OutgoingMessage.objects.filter(pk=message.pk).update(status=Status.SENDING, claimed_at=now, attempts=1)
        assert message_deliver(message_id=message.pk) is None
        assert gateway.hits == {}
        OutgoingMessage.objects.filter(pk=message.pk).update(claimed_at=now - dt.timedelta(seconds=121))
        message_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == Status.SENT and message.attempts == 2
    assert gateway.hits == {"k1:sms": 1}
    assert message.log.filter(detail__startswith="lease expired").exists()


def test_sweep_hands_over_stale_queued_and_expired_sending_only(settings, django_capture_on_commit_callbacks):
    settings.MESSAGING_REQUEUE_AFTER_SECONDS = 300
    settings.MESSAGING_LEASE_SECONDS = 120
    beneficiary = BeneficiaryFactory()
    fresh, stale, stuck, busy, sent = (_queue(key=f"k{n}", beneficiary=beneficiary)[0] for n in range(5))
    old = timezone.now() - dt.timedelta(seconds=301)
    OutgoingMessage.objects.filter(pk=stale.pk).update(dispatched_at=old, next_attempt_at=old)
    OutgoingMessage.objects.filter(pk=stuck.pk).update(status=Status.SENDING, claimed_at=old)
    OutgoingMessage.objects.filter(pk=busy.pk).update(status=Status.SENDING, claimed_at=timezone.now())
    OutgoingMessage.objects.filter(pk=sent.pk).update(status=Status.SENT, dispatched_at=old)
    with django_capture_on_commit_callbacks() as callbacks:
        assert messages_sweep() == 2
    assert len(callbacks) == 1
    stale.refresh_from_db()
    assert stale.dispatched_at > old  # handed over now: the next sweep waits again
    with django_capture_on_commit_callbacks():
        assert messages_sweep() == 1  # only the expired lease, until a worker claims it


def test_staff_retry_requeues_a_failed_message_and_logs_who(manager, django_capture_on_commit_callbacks):
    [message] = _queue()
    OutgoingMessage.objects.filter(pk=message.pk).update(status=Status.FAILED, attempts=5)
    with django_capture_on_commit_callbacks() as callbacks:
        message_retry(message=message, actor=manager)
    message.refresh_from_db()
    assert message.status == Status.QUEUED and len(callbacks) == 1
    assert message.log.last().actor == manager


def test_only_a_failed_message_can_be_retried(manager):
    from django.core.exceptions import ValidationError

    [message] = _queue()
    with pytest.raises(ValidationError):
        message_retry(message=message, actor=manager)


def test_email_goes_through_django_email_with_the_key_in_the_message_id():
    beneficiary = BeneficiaryFactory()
    MessagePreference.objects.create(beneficiary=beneficiary, email="b@example.org", sms_enabled=False)
    [message] = _queue(beneficiary=beneficiary)
    message_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == Status.SENT and message.channel == "email"
    [email] = mail.outbox
    assert email.to == ["b@example.org"] and email.subject == "استلام طلبك R-1"
    assert "k1.email" in email.extra_headers["Message-ID"] == message.provider_id


def test_staff_email_to_a_user():
    user = UserFactory(email="m@example.org")
    [message] = message_queue(event="case_escalated", key="c-1", user=user, context={"reference": "C-7"})
    message_deliver(message_id=message.pk)
    assert mail.outbox[0].to == ["m@example.org"] and "C-7" in mail.outbox[0].subject


def test_file_backend_writes_one_json_line(settings, tmp_path):
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = str(tmp_path / "sms" / "out.jsonl")
    [message] = _queue()
    message_deliver(message_id=message.pk)
    [line] = (tmp_path / "sms" / "out.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["key"] == "k1:sms"
    assert OutgoingMessage.objects.get(pk=message.pk).provider_id == "file:k1:sms"


def test_unreachable_gateway_is_a_transient_failure(settings):
    settings.SMS_BACKEND = "http"
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:9/sms"  # discard port: nothing listens
    settings.SMS_GATEWAY_TIMEOUT = 2
    [message] = _queue()
    assert message_deliver(message_id=message.pk) is not None
    message.refresh_from_db()
    assert message.status == Status.QUEUED and "unreachable" in message.last_error


def test_a_broker_that_is_down_does_not_break_the_committed_action():
    """dispatch runs after commit: a dead broker is logged and left to the sweep, never raised. In a
    subprocess, so this process's Celery connection pool is not pointed at a dead broker."""
    env = {**os.environ, "CELERY_BROKER_URL": "redis://127.0.0.1:1/0", "DJANGO_SETTINGS_MODULE": "association.settings"}
    script = "import django; django.setup(); from channels_log.messaging.services import dispatch; dispatch([1]); print('returned')"
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "returned" in result.stdout and "waits for the sweep" in result.stderr
