"""Support requests: what a beneficiary asks for, and every status it passes through."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class ServiceType(models.Model):
    """A service the association offers; it names the documents a request for it must carry."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    required_documents = models.ManyToManyField(
        "beneficiaries.DocumentType", blank=True, related_name="service_types", verbose_name=_("required documents")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("service type")
        verbose_name_plural = _("service types")

    def __str__(self):
        return self.name


class SupportRequest(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        INCOMPLETE = "incomplete", _("Incomplete")
        IN_RESEARCH = "in_research", _("In social research")
        AWAITING_COMMITTEE = "awaiting_committee", _("Awaiting the committee")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        REGISTERED = "registered", _("Registered")
        SERVICE_DELIVERED = "service_delivered", _("Service delivered")
        CLOSED = "closed", _("Closed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    number = models.CharField(_("number"), max_length=20, unique=True, null=True, blank=True, editable=False)
    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary", on_delete=models.PROTECT, related_name="requests", verbose_name=_("beneficiary")
    )
    service_type = models.ForeignKey(
        ServiceType, on_delete=models.PROTECT, related_name="requests", verbose_name=_("service type")
    )
    channel = models.ForeignKey(
        "channels_log.Channel", on_delete=models.PROTECT, related_name="requests", verbose_name=_("channel received")
    )
    description = models.TextField(_("description"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False, db_index=True
    )
    decision_window_days = models.PositiveSmallIntegerField(_("decision window (days)"), default=14)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("created by")
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("support request")
        verbose_name_plural = _("support requests")

    def __str__(self):
        return self.number or _("Draft #%(pk)s") % {"pk": self.pk}

    def get_absolute_url(self):
        return reverse("requests_app:detail", kwargs={"pk": self.pk})


class StatusChange(models.Model):
    """Append-only history of a request's status."""

    support_request = models.ForeignKey(
        SupportRequest, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("support request")
    )
    old_status = models.CharField(_("from"), max_length=20, choices=SupportRequest.Status.choices, blank=True)
    new_status = models.CharField(_("to"), max_length=20, choices=SupportRequest.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("by")
    )
    reason = models.TextField(_("reason"), blank=True)
    at = models.DateTimeField(_("at"), db_index=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self):
        return f"{self.support_request}: {self.old_status or '∅'} → {self.new_status}"
