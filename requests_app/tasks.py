from celery import shared_task

from . import services


@shared_task
def requests_reminders_sweep() -> int:
    """Periodic: remind chairs of decidable requests, escalate overdue ones (idempotent, keyed in the database)."""
    return services.reminders_sweep()
