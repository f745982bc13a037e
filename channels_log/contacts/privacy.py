"""What the contact log holds about a person, for the PDPL export and erasure (``beneficiaries.privacy``)."""

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from association.kernel import registry
from beneficiaries.privacy.subject import section

from .models import ContactAttachment, ContactEntry


def contacts_section(*, beneficiary):
    columns = [
        ("at", _("at")),
        ("channel", _("channel")),
        ("direction", _("direction")),
        ("purpose", _("purpose")),
        ("subject", _("subject")),
        ("body", _("details")),
    ]
    entries = (
        ContactEntry.objects.filter(beneficiary=beneficiary).select_related("channel").order_by("created_at", "pk")
    )
    rows = [
        {
            "at": c.created_at,
            "channel": str(c.channel),
            "direction": c.get_direction_display(),
            "purpose": c.get_purpose_display(),
            "subject": c.subject,
            "body": c.body,
        }
        for c in entries
    ]
    return section("contacts", _("Contacts"), columns, rows)


def erase(*, beneficiary) -> dict[str, int]:
    entries = ContactEntry.objects.filter(beneficiary=beneficiary)
    attachments = ContactAttachment.objects.filter(contact__beneficiary=beneficiary)
    files = [name for name in attachments.values_list("file", flat=True) if name]
    removed, _by_model = attachments.delete()
    if files:
        transaction.on_commit(lambda: [default_storage.delete(name) for name in files])
    counts = {"contacts": entries.update(contact_name="", contact_mobile="", subject="", body="")}
    counts["contact_attachments"] = removed
    return counts


def last_activity(*, beneficiary):
    return ContactEntry.objects.filter(beneficiary=beneficiary).aggregate(at=Max("created_at"))["at"]


def register() -> None:
    registry.register("subject_data", contacts_section, order=20)
    registry.register("subject_erasure", erase, order=20)
    registry.register("beneficiary_last_activity", last_activity, order=20)
