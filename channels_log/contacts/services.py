"""The contact log's services: record an interaction (an incoming inquiry, complaint or suggestion opens
its case), and open a contact's attachments under the sensitive-data rule."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from association.branches import branch_of
from association.channels import Channel
from association.kernel.permissions import authorize
from channels_log.cases.services import CASE_KINDS, case_open

from .daily import contact_counted
from .models import ContactAttachment, ContactEntry

ADD = "channels_log.add_contactentry"


def _check(
    *, actor, channel, purpose, beneficiary, contact_name, contact_mobile, support_request, corrects, staff_subject
):
    """The contact's own rules (who it was, whose request, which entry it corrects, who a complaint is about)."""
    if actor is not None and not channel.is_active:
        raise ValidationError({"channel": _("This channel is no longer in use.")})
    if beneficiary is None and not (contact_name or contact_mobile):
        raise ValidationError(
            {"contact_name": _("Give the contact's name or mobile, or open the beneficiary's file first.")}
        )
    if support_request is not None and beneficiary is not None and support_request.beneficiary_id != beneficiary.pk:
        raise ValidationError({"support_request": _("This request belongs to another beneficiary.")})
    if corrects is not None and beneficiary is not None and corrects.beneficiary_id not in (None, beneficiary.pk):
        raise ValidationError({"corrects": _("The corrected entry belongs to another beneficiary.")})
    if staff_subject is not None and purpose != ContactEntry.Purpose.COMPLAINT:
        raise ValidationError({"staff_subject": _("Only a complaint can be about a staff member.")})


@transaction.atomic
def contact_record(
    *,
    actor,
    channel: Channel,
    purpose: str,
    direction: str = ContactEntry.Direction.INCOMING,
    beneficiary=None,
    contact_name: str = "",
    contact_mobile: str = "",
    subject: str = "",
    body: str = "",
    support_request=None,
    corrects: ContactEntry | None = None,
    attachments=(),
    staff_subject=None,
    contests_decision: bool = False,
    source_key: str | None = None,
    branch=None,
    about: str = "",
) -> ContactEntry:
    """Log one interaction. A contact without a registered beneficiary must say who it was.

    An incoming inquiry, complaint or suggestion (not a correction of an earlier entry) opens a case.
    ``actor=None`` is the portal itself (the public form, a survey follow-up): it records the channel the
    message really came through, whether or not the policy lists it (see ``system_channel``); staff choose
    only among the policy's active channels and need ``add_contactentry``. A complaint about a staff member,
    its corrections and its answer are hidden from that member (``ContactEntry.objects.visible_to``).
    ``source_key``: what the portal recorded it for (``low_score:<response id>``), unique, so a repeated
    reaction records nothing twice. ``branch``: the branch it was recorded at — given, else the recording
    staff member's, else its request's (the portal's own entries: the request's or none).
    """
    if actor is not None:
        authorize(actor, ADD)
    for uploaded_file in attachments:
        _check_attachment(uploaded_file)
    _check(
        actor=actor,
        channel=channel,
        purpose=purpose,
        beneficiary=beneficiary,
        contact_name=contact_name,
        contact_mobile=contact_mobile,
        support_request=support_request,
        corrects=corrects,
        staff_subject=staff_subject,
    )
    # A correction repeats what it corrects: it stays hidden from the member the original is about.
    hidden_from = corrects.staff_subject if corrects is not None and corrects.staff_subject_id else staff_subject
    entry = ContactEntry(
        channel=channel,
        purpose=purpose,
        direction=direction,
        beneficiary=beneficiary,
        contact_name=contact_name,
        contact_mobile=contact_mobile,
        subject=subject,
        body=body,
        support_request=support_request,
        corrects=corrects,
        recorded_by=actor,
        staff_subject=hidden_from,
        source_key=source_key or None,
        branch=branch or branch_of(actor) or (support_request.branch if support_request is not None else None),
    )
    entry.full_clean()
    entry.save()
    contact_counted(entry)
    for uploaded_file in attachments:
        _store_attachment(contact=entry, uploaded_file=uploaded_file, actor=actor)
    if purpose in CASE_KINDS and direction == ContactEntry.Direction.INCOMING and corrects is None:
        case_open(
            contact=entry,
            actor=actor,
            staff_subject=staff_subject,
            support_request=support_request,
            contests_decision=contests_decision,
            about=about,
        )
    elif contests_decision:
        raise ValidationError({"contests_decision": _("Only an incoming complaint can contest a decision.")})
    return entry


# --- Attachments ---


def _check_attachment(uploaded_file) -> str:
    from association.kernel.uploads import uploaded_file_check

    return uploaded_file_check(uploaded_file, field="attachment")


# Opening a contact's attachment is an access to sensitive data, exactly like a beneficiary's document.


def contact_attachment_allowed(*, actor, contact: ContactEntry) -> bool:
    """May ``actor`` open this contact's attachments? The documents' rule
    (``beneficiaries.services.sensitive_access_allowed``) for the caller's file; a caller with no file
    needs the sensitive-data permission itself."""
    from beneficiaries.services import sensitive_access_allowed

    return actor is not None and sensitive_access_allowed(actor=actor, beneficiary=contact.beneficiary)


def contact_attachment_open(*, attachment: ContactAttachment, actor):
    """Open an attachment's file for ``actor``: refused (``PermissionDenied``) to whoever may not see the
    caller's sensitive data, and logged in the same access log as documents
    (``beneficiaries.services.sensitive_reveal``). The caller must already have been allowed to see the
    contact (``ContactAttachment.objects.visible_to``). Raises ``Http404`` when the file is missing."""
    from django.http import Http404

    from beneficiaries.models import SensitiveAccess
    from beneficiaries.services import sensitive_reveal

    if actor is None:
        raise PermissionDenied
    sensitive_reveal(
        beneficiary=attachment.contact.beneficiary,
        field=SensitiveAccess.Field.CONTACT_ATTACHMENT,
        actor=actor,
        item=f"contact {attachment.contact_id} / attachment {attachment.pk}",
    )
    try:
        return attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None


def _store_attachment(*, contact: ContactEntry, uploaded_file, actor) -> ContactAttachment:
    from association.kernel.uploads import ALLOWED_DOCUMENT_TYPES

    content_type = _check_attachment(uploaded_file)
    attachment = ContactAttachment(
        contact=contact,
        original_name=(uploaded_file.name or "")[:200],
        content_type=content_type,
        size=uploaded_file.size,
        uploaded_by=actor,
    )
    attachment.file.save(f"upload.{ALLOWED_DOCUMENT_TYPES[content_type]}", uploaded_file, save=False)
    attachment.save()
    return attachment
