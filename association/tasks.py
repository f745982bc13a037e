"""Thin Celery tasks of the association app."""

from celery import shared_task

from . import breaches
from .kernel import form_tokens


@shared_task
def form_tokens_sweep() -> int:
    return form_tokens.sweep()


@shared_task
def breach_reminders() -> dict:
    return breaches.breach_reminders()
