from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Channel, ContactEntry


@transaction.atomic
def contact_record(
    *, actor, channel: Channel, purpose: str, direction: str = ContactEntry.Direction.INCOMING,
    beneficiary=None, contact_name: str = "", contact_mobile: str = "", subject: str = "", body: str = "",
    support_request=None, corrects: ContactEntry | None = None,
) -> ContactEntry:
    """Log one interaction. A contact without a registered beneficiary must say who it was."""
    if not channel.is_active:
        raise ValidationError({"channel": _("This channel is no longer in use.")})
    if beneficiary is None and not (contact_name or contact_mobile):
        raise ValidationError(
            {"contact_name": _("Give the contact's name or mobile, or open the beneficiary's file first.")}
        )
    if support_request is not None and beneficiary is not None and support_request.beneficiary_id != beneficiary.pk:
        raise ValidationError({"support_request": _("This request belongs to another beneficiary.")})
    return ContactEntry.objects.create(
        channel=channel, purpose=purpose, direction=direction, beneficiary=beneficiary,
        contact_name=contact_name, contact_mobile=contact_mobile, subject=subject, body=body,
        support_request=support_request, corrects=corrects, recorded_by=actor,
    )
