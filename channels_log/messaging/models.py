"""Outgoing messages: templates, preferences, the messages and their delivery log.

The outbox knows no other app: the events its messages are sent for and the records they are about are
registered by the producing apps (``channels_log.messaging.registry``); a message names what it is about by
``subject_kind`` and ``subject_id``, and the staff member a complaint is about by ``staff_subject``."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .registry import message_event_label


def _user_pk(user):
    return user.pk if user is not None and getattr(user, "is_authenticated", False) else None


class OutgoingMessageQuerySet(models.QuerySet):
    def visible_to(self, user):
        pk = _user_pk(user)
        return self.none() if pk is None else self.exclude(staff_subject_id=pk)


class MessageChannel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("Email")


class MessageLanguage(models.TextChoices):
    ARABIC = "ar", _("Arabic")
    ENGLISH = "en", _("English")


class MessageTemplate(models.Model):
    """The wording of one event on one channel in one language. Django template syntax; the context
    each event receives is listed in ``channels_log.messaging.services``. The events are the ones the producing
    apps register (``channels_log.messaging.registry``); their default wording is created after ``migrate``."""

    event = models.CharField(_("event"), max_length=40)
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

    def get_event_display(self):
        return message_event_label(self.event)


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
    event = models.CharField(_("event"), max_length=40)
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
    # What the message is about: a kind a producing app registered (``message_subject_register``) and its id.
    subject_kind = models.CharField(_("about"), max_length=40, blank=True)
    subject_id = models.PositiveBigIntegerField(_("about (number)"), null=True, blank=True)
    # The staff member a complaint is about: a message about it is never shown to them (``visible_to``).
    staff_subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("about staff member"),
        editable=False,
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
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outmsg_status_due_idx"),
            models.Index(fields=["subject_kind", "subject_id"], name="outmsg_subject_idx"),
        ]

    def __str__(self):
        return f"{self.get_event_display()} → {self.recipient or '—'} ({self.get_status_display()})"

    def get_event_display(self):
        return message_event_label(self.event)

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
