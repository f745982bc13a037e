"""Thin Celery tasks of the association app."""

from celery import shared_task

from .kernel import form_tokens


@shared_task
def form_tokens_sweep() -> int:
    return form_tokens.sweep()
