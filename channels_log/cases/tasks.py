"""Thin Celery task: the overdue sweep. Its name stays ``channels_log.tasks.escalate_overdue_cases`` (beat)."""

from celery import shared_task

from . import services


@shared_task(name="channels_log.tasks.escalate_overdue_cases")
def escalate_overdue_cases() -> int:
    """Periodic (beat): escalate each overdue inquiry, complaint or suggestion to the manager(s), once."""
    return services.cases_escalate_overdue()
