"""Reads of the contact log that pages share: the list with its filters and one entry's page. A complaint
about the viewer (its entry, corrections and answer) is never among them (``visible_to``)."""

from django.db.models import Prefetch

from association.kernel.crypto import without_secrets

from .models import ContactEntry


def contact_list(user, *, channel: str = "", purpose: str = "", branch: str = ""):
    queryset = without_secrets(
        ContactEntry.objects.visible_to(user).select_related("channel", "beneficiary", "recorded_by", "branch"),
        "beneficiary",
    )
    if branch.isdigit() and len(branch) < 10:
        queryset = queryset.filter(branch_id=int(branch))
    if channel:
        queryset = queryset.filter(channel__code=channel)
    if purpose in ContactEntry.Purpose.values:
        queryset = queryset.filter(purpose=purpose)
    return queryset


def contact_detail(user, pk: int) -> ContactEntry:
    """One visible entry with its attachments and the corrections the user may see (``DoesNotExist`` when the
    user may not see it)."""
    corrections = ContactEntry.objects.visible_to(user).select_related("recorded_by")
    return (
        ContactEntry.objects.visible_to(user)
        .select_related("channel", "beneficiary", "recorded_by", "corrects", "support_request")
        .prefetch_related("attachments", Prefetch("corrections", queryset=corrections, to_attr="visible_corrections"))
        .get(pk=pk)
    )
