"""The contact log: every interaction with a beneficiary or a member of the public, in or out, on any
of the policy's channels, and the files that came with it. Append-only."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from association.channels import Channel
from association.kernel.identifiers import validate_mobile

# --- Who may see what: one rule, used by every page, list, card, download and export ---
#
# A complaint about a staff member is never shown to that member, whatever their role: not its contact
# entry, its corrections, the answer logged for it, its attachments, its case or the messages about it.
# The entries carry the member (``staff_subject``) themselves, so each read is one ``exclude``.


def user_pk(user):
    return user.pk if user is not None and getattr(user, "is_authenticated", False) else None


class ContactEntryQuerySet(models.QuerySet):
    def visible_to(self, user):
        pk = user_pk(user)
        return self.none() if pk is None else self.exclude(staff_subject_id=pk)


class ContactAttachmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        pk = user_pk(user)
        return self.none() if pk is None else self.exclude(contact__staff_subject_id=pk)


class ContactEntry(models.Model):
    """One interaction, in or out. Append-only: a correction is a new entry pointing at the old one."""

    class Direction(models.TextChoices):
        INCOMING = "in", _("Incoming")
        OUTGOING = "out", _("Outgoing")

    class Purpose(models.TextChoices):
        INQUIRY = "inquiry", _("Inquiry")
        COMPLAINT = "complaint", _("Complaint")
        SUGGESTION = "suggestion", _("Suggestion")
        NOTE = "note", _("Note")
        FOLLOW_UP = "follow_up", _("Follow-up")
        THANKS = "thanks", _("Thanks")
        SERVICE_REQUEST = "service_request", _("Service request")

    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="contacts", verbose_name=_("channel"))
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices, default=Direction.INCOMING)
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name=_("beneficiary"),
    )
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    contact_mobile = models.CharField(_("contact mobile"), max_length=13, blank=True, validators=[validate_mobile])
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("details"), blank=True)
    support_request = models.ForeignKey(
        "requests_app.SupportRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name=_("support request"),
    )
    branch = models.ForeignKey(
        "association.Branch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name=_("branch"),
    )
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("corrects entry"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    # The staff member a complaint is about; copied to its corrections and to the answer logged for it,
    # so that ``visible_to`` hides the whole thread from that member.
    staff_subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("about staff member"),
        editable=False,
    )
    # What the portal recorded it for, when it recorded it itself (``low_score:<survey response id>``): unique,
    # so a repeated reaction records nothing twice.
    source_key = models.CharField(_("recorded for"), max_length=80, null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    objects = ContactEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The log's order, for keyset pagination (association.kernel.pagination).
            models.Index(fields=["created_at", "id"], name="contact_created_idx"),
            # The log narrowed by one of its filters (channel, purpose, branch), in the same order.
            *(
                models.Index(fields=[field, "created_at", "id"], name=f"contact_{field}_created_idx")
                for field in ("channel", "purpose", "branch")
            ),
        ]
        verbose_name = _("contact entry")
        verbose_name_plural = _("contact log")

    def __str__(self):
        who = self.beneficiary or self.contact_name or _("anonymous")
        return f"{self.get_purpose_display()} — {who}"


class ContactDay(models.Model):
    """How many contacts were logged on one day (in the association's time zone) on one channel, for one purpose,
    at one branch (none: the head office). The contact reports add these up instead of reading every contact of
    the period. Written in the contact's own transaction by ``channels_log.contacts.daily.contact_counted`` (every
    service that logs a contact calls it); ``manage.py rebuild_contact_days`` recomputes them from the log."""

    day = models.DateField(_("day"))
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="+", verbose_name=_("channel"))
    purpose = models.CharField(_("purpose"), max_length=20, choices=ContactEntry.Purpose.choices)
    branch = models.ForeignKey(
        "association.Branch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("branch"),
    )
    count = models.PositiveIntegerField(_("contacts"), default=0)

    class Meta:
        ordering = ["day", "channel", "purpose", "branch"]
        constraints = [
            # One row per day, channel, purpose and branch; the head office (no branch) has its own, as NULLs differ.
            models.UniqueConstraint(
                fields=["day", "channel", "purpose", "branch"],
                condition=models.Q(branch__isnull=False),
                name="contact_day_branch_uniq",
            ),
            models.UniqueConstraint(
                fields=["day", "channel", "purpose"],
                condition=models.Q(branch__isnull=True),
                name="contact_day_head_office_uniq",
            ),
        ]
        # The reports' period: a range of days.
        indexes = [models.Index(fields=["day"], name="contact_day_idx")]
        verbose_name = _("contacts of a day")
        verbose_name_plural = _("contacts per day")

    def __str__(self):
        return f"{self.day:%Y-%m-%d} {self.channel} {self.get_purpose_display()}: {self.count}"


def _attachment_path(instance, filename):
    # Opaque names: the original name is kept in the row, never in the path.
    return f"contacts/{instance.contact_id}/{uuid.uuid4().hex}.{filename.rsplit('.', 1)[-1]}"


class ContactAttachment(models.Model):
    """A file that came with a contact (a letter, a photo of a receipt). Content-checked on upload and
    served only through a permission-checked view."""

    contact = models.ForeignKey(
        ContactEntry, on_delete=models.PROTECT, related_name="attachments", verbose_name=_("contact entry")
    )
    file = models.FileField(_("file"), upload_to=_attachment_path)
    original_name = models.CharField(_("original file name"), max_length=200, blank=True)
    content_type = models.CharField(_("content type"), max_length=60, editable=False)
    size = models.PositiveIntegerField(_("size (bytes)"), editable=False, default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = ContactAttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("contact attachment")
        verbose_name_plural = _("contact attachments")

    def __str__(self):
        return self.original_name or f"#{self.pk}"
