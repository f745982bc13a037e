"""Celery's autodiscovery finds an app's tasks here: each job keeps its own (names stay ``channels_log.tasks.*``)."""

from channels_log.cases.tasks import escalate_overdue_cases  # noqa: F401
from channels_log.messaging.tasks import send_message, sweep_messages  # noqa: F401
