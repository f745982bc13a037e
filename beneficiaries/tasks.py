"""Thin Celery tasks of the registry: the data protection sweeps, and running a confirmed import."""

from celery import shared_task

from . import services as registry_services
from .privacy import services


@shared_task
def retention_sweep() -> dict:
    return services.retention_sweep()


@shared_task
def subject_requests_escalate() -> int:
    return services.subject_requests_escalate()


@shared_task(name="beneficiaries.tasks.import_beneficiaries", acks_late=True, reject_on_worker_lost=True)
def import_beneficiaries(run_pk: int) -> None:
    """Run one confirmed import (``beneficiaries.services.beneficiary_import_run``); safe to receive twice."""
    registry_services.beneficiary_import_run(run_pk)
