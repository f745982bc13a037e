"""Thin Celery tasks: take ids, call a service in ``channels_log.messaging.services``; safe to run twice.

Their names stay ``channels_log.tasks.*`` (beat's schedule and any task already in the broker use them)."""

from celery import shared_task

from . import services


@shared_task(
    name="channels_log.tasks.send_message", bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None
)
def send_message(self, message_id: int) -> None:
    """Deliver one outgoing message. A transient failure is retried with backoff; the sweep is the backstop
    should this retry be lost with the broker."""
    delay = services.message_deliver(message_id=message_id)
    if delay is not None:
        raise self.retry(countdown=delay)


@shared_task(name="channels_log.tasks.sweep_messages")
def sweep_messages() -> int:
    """Periodic (beat): hand over again what is due and stuck — a lost broker loses nothing."""
    return services.messages_sweep()
