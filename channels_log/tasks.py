"""Thin Celery tasks: take ids, call a service in ``channels_log.messaging``; safe to run twice."""

from celery import shared_task

from . import messaging


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)
def send_message(self, message_id: int) -> None:
    """Deliver one outgoing message. A transient failure is retried with backoff; the sweep is the backstop
    should this retry be lost with the broker."""
    delay = messaging.message_deliver(message_id=message_id)
    if delay is not None:
        raise self.retry(countdown=delay)


@shared_task
def sweep_messages() -> int:
    """Periodic (beat): hand over again what is due and stuck — a lost broker loses nothing."""
    return messaging.messages_sweep()


@shared_task
def escalate_overdue_cases() -> int:
    """Periodic (beat): escalate each overdue inquiry, complaint or suggestion to the manager(s), once."""
    from .services import cases_escalate_overdue

    return cases_escalate_overdue()
