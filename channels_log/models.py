"""Channels the policy names and the log of every contact through them."""

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Channel(models.Model):
    """A way beneficiaries reach the association. The eight policy channels always exist
    (data migration ``0002``); more may be added in admin."""

    CORE_CODES = (
        "interview", "phone", "social_media", "letter", "help_request", "volunteering", "website", "representative",
    )

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_ar = models.CharField(_("Arabic name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=120)
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("channel")
        verbose_name_plural = _("channels")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "ar").startswith("en") else self.name_ar

    @property
    def is_core(self) -> bool:
        return self.code in self.CORE_CODES


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
        "beneficiaries.Beneficiary", on_delete=models.PROTECT, null=True, blank=True,
        related_name="contacts", verbose_name=_("beneficiary"),
    )
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    contact_mobile = models.CharField(_("contact mobile"), max_length=13, blank=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("details"), blank=True)
    support_request = models.ForeignKey(
        "requests_app.SupportRequest", on_delete=models.PROTECT, null=True, blank=True,
        related_name="contacts", verbose_name=_("support request"),
    )
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections",
        verbose_name=_("corrects entry"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("contact entry")
        verbose_name_plural = _("contact log")

    def __str__(self):
        who = self.beneficiary or self.contact_name or _("anonymous")
        return f"{self.get_purpose_display()} — {who}"
