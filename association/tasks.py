"""Thin Celery tasks of the association app."""

from celery import shared_task

from . import breaches
from .kernel import form_tokens


@shared_task
def form_tokens_sweep() -> int:
    return form_tokens.sweep()


@shared_task
def policy_review_reminders_sweep() -> int:
    """Periodic: remind the managers once when the policy in force is due for review."""
    from .policy.services import review_reminders_sweep

    return review_reminders_sweep()


@shared_task
def breach_reminders() -> dict:
    return breaches.breach_reminders()
