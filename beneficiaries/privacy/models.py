"""Data protection records (PDPL): data-subject requests, legal holds, retention rules and erasures.

Imported by ``beneficiaries.models`` so Django finds them under the ``beneficiaries`` app.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# The PDPL gives the controller thirty days to answer a data subject.
SUBJECT_REQUEST_DAYS = 30


class SubjectRequest(models.Model):
    """A person's request about their own data: a copy, a correction or an erasure; answered within 30 days."""

    class Kind(models.TextChoices):
        ACCESS = "access", _("Access or copy of the data")
        CORRECTION = "correction", _("Correction")
        ERASURE = "erasure", _("Erasure")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        COMPLETED = "completed", _("Completed")
        REFUSED = "refused", _("Refused")

    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary",
        on_delete=models.PROTECT,
        related_name="subject_requests",
        verbose_name=_("beneficiary"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN, editable=False)
    received_on = models.DateField(_("received on"))
    due_on = models.DateField(_("due on"), editable=False)
    details = models.TextField(_("what the person asks"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("recorded by")
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("closed by"),
    )
    answer = models.TextField(_("answer or reason"), blank=True, editable=False)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("data subject request")
        verbose_name_plural = _("data subject requests")
        permissions = [
            ("decide_erasure", _("Can approve or refuse a person's erasure request")),
            ("export_subject_data", _("Can export all the data held about one person")),
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="subject_request_due_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.beneficiary}"

    def save(self, *args, **kwargs):
        if self.received_on and not self.due_on:
            self.due_on = self.received_on + dt.timedelta(days=SUBJECT_REQUEST_DAYS)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("beneficiaries:subject_request", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def is_late(self, today: dt.date) -> bool:
        return self.is_open and today > self.due_on


class SubjectRequestEvent(models.Model):
    """Append-only: each status change of a data subject request (the lifecycle's audit row)."""

    subject_request = models.ForeignKey(
        SubjectRequest, on_delete=models.CASCADE, related_name="events", verbose_name=_("data subject request")
    )
    old_status = models.CharField(_("from"), max_length=12, choices=SubjectRequest.Status.choices, blank=True)
    new_status = models.CharField(_("to"), max_length=12, choices=SubjectRequest.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("by")
    )
    reason = models.TextField(_("reason"), blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("data subject request step")
        verbose_name_plural = _("data subject request steps")

    def __str__(self):
        return f"{self.subject_request_id}: {self.old_status} → {self.new_status}"


class LegalHold(models.Model):
    """While active, nothing of this person is anonymised: not by the retention sweep, not by an erasure."""

    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary", on_delete=models.PROTECT, related_name="legal_holds", verbose_name=_("beneficiary")
    )
    reason = models.CharField(_("reason"), max_length=300)
    placed_at = models.DateTimeField(_("placed at"), auto_now_add=True)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("placed by")
    )
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)

    class Meta:
        ordering = ["-placed_at", "-pk"]
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")

    def __str__(self):
        return f"{self.beneficiary} — {self.reason}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None


class RetentionRule(models.Model):
    """How long one kind of record is kept before the sweep anonymises it (kinds: ``retention.retention_kinds``)."""

    kind = models.CharField(_("record kind"), max_length=40, unique=True)
    days = models.PositiveIntegerField(_("kept for (days)"))
    is_active = models.BooleanField(_("applied"), default=True)
    note = models.CharField(_("legal basis or note"), max_length=300, blank=True)

    class Meta:
        ordering = ["kind"]
        verbose_name = _("retention period")
        verbose_name_plural = _("retention periods")

    def __str__(self):
        from .retention import kind_label

        return f"{kind_label(self.kind)} — {self.days}"


class ErasureRecord(models.Model):
    """Append-only: that identity was removed — of whom (the row, now anonymous), of what kind, how many records,
    by which rule or request. It never holds what was removed."""

    class Source(models.TextChoices):
        RETENTION = "retention", _("Retention period ended")
        REQUEST = "request", _("The person's erasure request")

    kind = models.CharField(_("record kind"), max_length=40)
    source = models.CharField(_("why"), max_length=12, choices=Source.choices)
    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="erasures",
        verbose_name=_("beneficiary"),
    )
    subject_request = models.ForeignKey(
        SubjectRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("request")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("decided by")
    )
    at = models.DateTimeField(_("at"))
    records = models.JSONField(_("records anonymised"), default=dict)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("erasure record")
        verbose_name_plural = _("erasure records")
        constraints = [
            # A person is anonymised once: a second sweep or a repeated request finds this row and stops.
            models.UniqueConstraint(
                fields=["beneficiary"], condition=models.Q(beneficiary__isnull=False), name="one_erasure_per_person"
            )
        ]

    def __str__(self):
        return f"{self.kind} — {self.at:%Y-%m-%d}"

    @property
    def total(self) -> int:
        return sum(int(v) for v in self.records.values())
