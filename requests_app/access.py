"""Who works on a beneficiary's case, for the registry's sensitive-data rule
(``beneficiaries.services.sensitive_access_allowed``): registered in ``RequestsAppConfig.ready`` with the
kernel registry's ``sensitive_access`` slot."""

from .models import SupportRequest

# Once a request is closed or withdrawn its researcher no longer needs the person's data.
_FINISHED = (SupportRequest.Status.CLOSED, SupportRequest.Status.WITHDRAWN)


def researcher_assigned(*, actor, beneficiary) -> bool:
    """``actor`` is the social researcher of one of ``beneficiary``'s requests still in progress."""
    return (
        SupportRequest.objects.filter(beneficiary=beneficiary, researcher=actor).exclude(status__in=_FINISHED).exists()
    )
