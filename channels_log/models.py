"""Channels the policy names and the log of every contact through them."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from association.channels import Channel

# --- Who may see what: one rule, used by every page, list, card, download and export ---
#
# A complaint about a staff member is never shown to that member, whatever their role: not its contact
# entry, its corrections, the answer logged for it, its attachments, its case or the messages about it.
# The entries carry the member (``staff_subject``) themselves, so each read is one ``exclude``.


def _user_pk(user):
    return user.pk if user is not None and getattr(user, "is_authenticated", False) else None


class ContactEntryQuerySet(models.QuerySet):
    def visible_to(self, user):
        pk = _user_pk(user)
        return self.none() if pk is None else self.exclude(staff_subject_id=pk)


class ContactAttachmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        pk = _user_pk(user)
        return self.none() if pk is None else self.exclude(contact__staff_subject_id=pk)


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user):
        pk = _user_pk(user)
        return self.none() if pk is None else self.exclude(staff_subject_id=pk)


class OutgoingMessageQuerySet(models.QuerySet):
    def visible_to(self, user):
        pk = _user_pk(user)
        return self.none() if pk is None else self.exclude(case__staff_subject_id=pk)


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
    contact_mobile = models.CharField(_("contact mobile"), max_length=13, blank=True)
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
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    objects = ContactEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("contact entry")
        verbose_name_plural = _("contact log")

    def __str__(self):
        who = self.beneficiary or self.contact_name or _("anonymous")
        return f"{self.get_purpose_display()} — {who}"


# --- Contact attachments, cases (inquiries, complaints, suggestions) and their response targets ---


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


class ResponseTarget(models.Model):
    """How many working days the association gives itself to first respond to and to resolve a case
    of one kind (set in admin)."""

    DEFAULTS = {"inquiry": (1, 1), "complaint": (1, 5), "suggestion": (2, 10), "follow_up": (2, 5)}

    kind = models.CharField(
        _("kind"),
        max_length=20,
        unique=True,
        choices=[
            ("inquiry", _("Inquiry")),
            ("complaint", _("Complaint")),
            ("suggestion", _("Suggestion")),
            ("follow_up", _("Follow-up of a low satisfaction score")),
        ],
    )
    first_response_days = models.PositiveSmallIntegerField(_("first response within (working days)"))
    resolution_days = models.PositiveSmallIntegerField(_("resolution within (working days)"))

    class Meta:
        ordering = ["kind"]
        verbose_name = _("response target")
        verbose_name_plural = _("response targets")

    def __str__(self):
        return self.get_kind_display()

    @classmethod
    def days_for(cls, kind: str) -> tuple[int, int]:
        row = cls.objects.filter(kind=kind).values_list("first_response_days", "resolution_days").first()
        return tuple(row) if row else cls.DEFAULTS[kind]


class Case(models.Model):
    """An inquiry, complaint or suggestion that must be answered, opened from the contact that brought it."""

    class Kind(models.TextChoices):
        INQUIRY = "inquiry", _("Inquiry")
        COMPLAINT = "complaint", _("Complaint")
        SUGGESTION = "suggestion", _("Suggestion")
        # Opened by the surveys app for a low score: evaluation leads to improvement, not to a complaint.
        FOLLOW_UP = "follow_up", _("Follow-up of a low satisfaction score")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("case status", "Open")
        IN_PROGRESS = "in_progress", _("In progress")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", pgettext_lazy("case status", "Closed")

    class Outcome(models.TextChoices):
        UPHELD = "upheld", _("Upheld")
        PARTLY_UPHELD = "partly_upheld", _("Partly upheld")
        REJECTED = "rejected", pgettext_lazy("case outcome", "Rejected")
        REFERRED = "referred", _("Referred to a support request")

    reference = models.CharField(_("reference number"), max_length=16, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN, editable=False, db_index=True
    )
    contact = models.OneToOneField(
        ContactEntry, on_delete=models.PROTECT, related_name="case", verbose_name=_("contact entry")
    )
    # Copied from the contact (or the beneficiary's file) so the sender can look the case up.
    mobile = models.CharField(_("mobile"), max_length=13, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("assignee"),
    )
    staff_subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints_about",
        verbose_name=_("staff member complained about"),
    )
    support_request = models.ForeignKey(
        "requests_app.SupportRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("support request"),
    )
    contests_decision = models.BooleanField(_("contests the committee's decision"), default=False)
    response = models.TextField(_("response"), blank=True)
    response_channel = models.ForeignKey(
        Channel, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("answered through")
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("outcome note"), blank=True)
    opened_at = models.DateTimeField(_("opened at"), db_index=True)
    first_response_due = models.DateTimeField(_("first response due"))
    resolution_due = models.DateTimeField(_("resolution due"))
    first_response_at = models.DateTimeField(_("first responded at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True, db_index=True)
    # The public sender asked to be told by SMS when the case is answered (the form's opt-in, on by default).
    sms_updates = models.BooleanField(_("tell the sender by SMS"), default=False)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        permissions = [
            ("assign_case", _("Can assign cases")),
            ("view_case_reports", _("Can view contact and case reports")),
        ]

    def __str__(self):
        return self.reference

    def get_absolute_url(self):
        return reverse("channels_log:case_detail", kwargs={"pk": self.pk})

    def is_overdue(self, now=None) -> bool:
        now = now or timezone.now()
        if self.status in (self.Status.ANSWERED, self.Status.CLOSED):
            return False
        return (self.first_response_at is None and now > self.first_response_due) or now > self.resolution_due


class CaseEvent(models.Model):
    """Append-only history of a case: every status change, assignment, outcome and escalation."""

    class Action(models.TextChoices):
        OPENED = "opened", pgettext_lazy("case event", "Opened")
        ASSIGNED = "assigned", _("Assigned")
        STARTED = "started", _("Work started")
        ANSWERED = "answered", pgettext_lazy("case event", "Answered")
        CLOSED = "closed", pgettext_lazy("case event", "Closed")
        REOPENED = "reopened", _("Reopened")
        OUTCOME = "outcome", _("Outcome recorded")
        ESCALATED = "escalated", _("Escalated to the manager")
        APPEAL = "appeal", _("Appeal opened")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events", verbose_name=_("case"))
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    old_status = models.CharField(_("from"), max_length=20, choices=Case.Status.choices, blank=True)
    new_status = models.CharField(_("to"), max_length=20, choices=Case.Status.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("at"), db_index=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")

    def __str__(self):
        return f"{self.case}: {self.get_action_display()}"


# --- Outgoing messages (issue 7): templates, preferences, the messages and their delivery log ---


class MessageEvent(models.TextChoices):
    """The steps a beneficiary or a staff member is told about (stable codes; other apps queue them)."""

    REQUEST_RECEIVED = "request_received", _("Request received")
    REQUEST_INCOMPLETE = "request_incomplete", _("Request incomplete")
    DECISION_MADE = "decision_made", _("Decision made")
    SURVEY_INVITATION = "survey_invitation", _("Survey invitation")
    COMPLAINT_ANSWERED = "complaint_answered", _("Complaint answered")
    DECISION_WINDOW_OPEN = "decision_window_open", _("Decision window open")
    REQUEST_OVERDUE = "request_overdue", _("Request overdue")
    ESCALATED = "escalated", _("Request escalated")
    CASE_ESCALATED = "case_escalated", _("Case escalated")


class MessageChannel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("Email")


class MessageLanguage(models.TextChoices):
    ARABIC = "ar", _("Arabic")
    ENGLISH = "en", _("English")


class MessageTemplate(models.Model):
    """The wording of one event on one channel in one language. Django template syntax; the context
    each event receives is listed in ``channels_log.messaging``. Defaults come from a data migration."""

    event = models.CharField(_("event"), max_length=40, choices=MessageEvent.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=MessageChannel.choices)
    language = models.CharField(_("language"), max_length=2, choices=MessageLanguage.choices)
    subject = models.CharField(_("subject"), max_length=200, blank=True, help_text=_("Email only."))
    body = models.TextField(_("body"))
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["event", "channel", "language"]
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "channel", "language"], name="one_template_per_event_channel_lang"
            ),
        ]

    def __str__(self):
        return f"{self.get_event_display()} · {self.get_channel_display()} · {self.get_language_display()}"


class MessagePreference(models.Model):
    """How a beneficiary wants to hear from the association. Without a row: SMS to the registered
    mobile, in Arabic, non-essential messages allowed."""

    beneficiary = models.OneToOneField(
        "beneficiaries.Beneficiary",
        on_delete=models.CASCADE,
        related_name="message_preference",
        verbose_name=_("beneficiary"),
    )
    sms_enabled = models.BooleanField(_("SMS to the mobile"), default=True)
    email = models.EmailField(_("email"), blank=True)
    email_enabled = models.BooleanField(_("email"), default=True)
    language = models.CharField(_("language"), max_length=2, choices=MessageLanguage.choices, default="ar")
    opt_out_non_essential = models.BooleanField(
        _("no non-essential messages"),
        default=False,
        help_text=_("Surveys and reminders are not sent. Request status and decisions always are."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("message preference")
        verbose_name_plural = _("message preferences")

    def __str__(self):
        return str(self.beneficiary)


class OutgoingMessage(models.Model):
    """One message to one recipient on one channel. What is due lives here, not only in the broker.

    Lifecycle (``TRANSITIONS``): queued → sending → sent, or back to queued for a retry, or failed;
    skipped when preferences or a missing address mean it is not sent at all. ``key`` is unique: a
    retried task, a re-run sweep or a second ``message_queue`` call can never create or send it twice.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Not sent")

    TRANSITIONS = {
        Status.QUEUED: {Status.SENDING, Status.FAILED},
        Status.SENDING: {Status.SENT, Status.QUEUED, Status.FAILED, Status.SENDING},
        Status.FAILED: {Status.QUEUED},
        Status.SENT: set(),
        Status.SKIPPED: set(),
    }

    key = models.CharField(_("key"), max_length=220, unique=True)
    group_key = models.CharField(_("event key"), max_length=200, db_index=True)
    event = models.CharField(_("event"), max_length=40, choices=MessageEvent.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=MessageChannel.choices)
    language = models.CharField(_("language"), max_length=2, choices=MessageLanguage.choices)
    essential = models.BooleanField(_("essential"), default=True)
    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outgoing_messages",
        verbose_name=_("beneficiary"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outgoing_messages",
        verbose_name=_("staff user"),
    )
    support_request = models.ForeignKey(
        "requests_app.SupportRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outgoing_messages",
        verbose_name=_("support request"),
    )
    case = models.ForeignKey(
        "Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outgoing_messages",
        verbose_name=_("case"),
    )
    recipient = models.CharField(_("recipient"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("text"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("reason"), blank=True)
    provider_id = models.CharField(_("provider id"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now, db_index=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    dispatched_at = models.DateTimeField(_("handed to the worker at"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("sending since"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = OutgoingMessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        permissions = [("retry_outgoingmessage", _("Can retry a failed outgoing message"))]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outmsg_status_due_idx")]

    def __str__(self):
        return f"{self.get_event_display()} → {self.recipient or '—'} ({self.get_status_display()})"

    def can_change_status(self, new: str) -> bool:
        return new in self.TRANSITIONS[self.status]


class DeliveryLogEntry(models.Model):
    """Append-only: what happened to a message, attempt by attempt (queued, sending, sent, failed…)."""

    message = models.ForeignKey(
        OutgoingMessage, on_delete=models.CASCADE, related_name="log", verbose_name=_("message")
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=OutgoingMessage.Status.choices)
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=0)
    detail = models.TextField(_("detail"), blank=True)
    provider_id = models.CharField(_("provider id"), max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("delivery log entry")
        verbose_name_plural = _("delivery log")

    def __str__(self):
        return f"{self.message_id}: {self.get_status_display()}"
