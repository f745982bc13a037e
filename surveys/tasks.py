from celery import shared_task

from . import services


@shared_task
def sweep_survey_invitations():
    """Send due invitations and the one reminder; what is due is read from the database each run."""
    return services.invitation_sweep()
