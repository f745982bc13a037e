"""Thin Celery tasks of the registry: the data protection sweeps."""

from celery import shared_task

from .privacy import services


@shared_task
def retention_sweep() -> dict:
    return services.retention_sweep()


@shared_task
def subject_requests_escalate() -> int:
    return services.subject_requests_escalate()
