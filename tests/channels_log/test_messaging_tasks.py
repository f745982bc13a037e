"""The Celery side: the sweep is on the beat schedule, tasks are thin and retry with backoff."""

import pytest
from celery.exceptions import Retry
from django.conf import settings

from association.celery import app
from channels_log.messaging import tasks
from channels_log.messaging.models import OutgoingMessage
from channels_log.messaging.services import message_queue
from tests.factories import BeneficiaryFactory

from .sms_gateway import LoopbackGateway

pytestmark = pytest.mark.django_db


def test_the_sweep_is_scheduled_in_code_and_the_worker_knows_the_task():
    entry = settings.CELERY_BEAT_SCHEDULE["channels_log.sweep_messages"]
    assert entry["task"] == "channels_log.tasks.sweep_messages"
    assert entry["schedule"] == float(settings.MESSAGING_SWEEP_SECONDS)
    app.loader.import_default_modules()
    assert {"channels_log.tasks.sweep_messages", "channels_log.tasks.send_message"} <= set(app.tasks)


def test_never_lose_settings_are_on():
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1
    assert tasks.send_message.acks_late and tasks.send_message.reject_on_worker_lost


def test_send_task_delivers_once_and_a_transient_failure_asks_for_a_retry(settings):
    settings.SMS_BACKEND = "http"
    settings.SMS_GATEWAY_TIMEOUT = 5
    settings.MESSAGING_RETRY_BASE_SECONDS = 7
    [ok, bad] = (
        message_queue(event="decision_made", key=f"t{n}", beneficiary=BeneficiaryFactory())[0] for n in range(2)
    )
    with LoopbackGateway() as gateway:
        settings.SMS_GATEWAY_URL = gateway.url
        tasks.send_message.apply(args=[ok.pk])
        tasks.send_message.apply(args=[ok.pk])
    assert gateway.hits == {"t0:sms": 1}
    with LoopbackGateway(status=502) as failing:
        settings.SMS_GATEWAY_URL = failing.url
        with pytest.raises(Retry) as retry:
            tasks.send_message.apply(args=[bad.pk], throw=True)
    assert retry.value.when == 7
    assert OutgoingMessage.objects.get(pk=bad.pk).status == "queued"


def test_sweep_task_returns_how_many_it_handed_over(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        assert tasks.sweep_messages.apply().get() == 0


def test_console_backend_prints_the_message(settings, capsys):
    from channels_log.messaging.services import message_deliver

    settings.SMS_BACKEND = "console"
    [message] = message_queue(
        event="request_received", key="c", beneficiary=BeneficiaryFactory(), context={"reference": "R-3"}
    )
    message_deliver(message_id=message.pk)
    assert "R-3" in capsys.readouterr().out
    assert OutgoingMessage.objects.get(pk=message.pk).provider_id == "console:c:sms"


def test_form_encoded_gateway_body(settings):
    from urllib.parse import parse_qs

    from channels_log.messaging.services import message_deliver

    settings.SMS_BACKEND = "http"
    settings.SMS_GATEWAY_TIMEOUT = 5
    settings.SMS_GATEWAY_CONTENT_TYPE = "application/x-www-form-urlencoded"
    settings.SMS_GATEWAY_BODY_TEMPLATE = "to=$to&msg=$text&ref=$key"
    [message] = message_queue(
        event="request_received", key="f&1", beneficiary=BeneficiaryFactory(), context={"reference": "R-4"}
    )
    with LoopbackGateway() as gateway:
        settings.SMS_GATEWAY_URL = gateway.url
        message_deliver(message_id=message.pk)
    form = parse_qs(gateway.bodies[0]["raw"])
    assert form["ref"] == ["f&1:sms"] and form["to"] == [message.recipient] and "R-4" in form["msg"][0]
