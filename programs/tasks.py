from celery import shared_task


@shared_task
def permit_expiry_sweep():
    """Remind each permit's owner once before it expires (``services.permit_expiry_sweep``)."""
    from .services import permit_expiry_sweep as sweep

    return sweep()
