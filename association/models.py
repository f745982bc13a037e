"""The association's own records: its profile (letterhead), bank accounts and official holidays."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .branches import Branch, StaffBranch  # noqa: F401 — branch offices, registered with this app
from .breaches import Breach  # noqa: F401 — the breach register (PDPL), registered with this app
from .channels import Channel  # noqa: F401 — the channel reference data, registered with this app
from .kernel import memo
from .kernel.identifiers import bank_name_for_iban, normalize_iban
from .kernel.models import FormSubmission, KeyRotation  # noqa: F401 — the kernel's table, registered with this app


class AssociationProfile(models.Model):
    """One row: the association itself. Every page's header and every PDF's letterhead read it."""

    class Digits(models.TextChoices):
        ARABIC_INDIC = "arabic_indic", _("Arabic-Indic digits (١٢٣)")
        WESTERN = "western", _("Western digits (123)")

    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    license_number = models.CharField(_("license number"), max_length=50, blank=True)
    supervising_authority = models.CharField(_("supervising authority"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    x_account = models.CharField(_("X (Twitter) account"), max_length=100, blank=True)
    instagram = models.CharField(_("Instagram account"), max_length=100, blank=True)
    snapchat = models.CharField(_("Snapchat account"), max_length=100, blank=True)
    whatsapp = models.CharField(_("WhatsApp number"), max_length=30, blank=True)
    logo = models.ImageField(_("logo"), upload_to="association/", blank=True)
    document_digits = models.CharField(
        _("digits in printed documents"), max_length=20, choices=Digits.choices, default=Digits.WESTERN
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("association profile")
        verbose_name_plural = _("association profile")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.pk = 1  # one row: the association running this portal
        super().save(*args, **kwargs)

    @classmethod
    def get_solo(cls) -> "AssociationProfile":
        profile = memo.read(memo.table_kind(cls), "solo", lambda: cls.objects.filter(pk=1).first())
        return profile or cls(pk=1, name=str(_("The association")))

    @property
    def social_accounts(self) -> list[tuple[str, str]]:
        pairs = [
            (_("X"), self.x_account),
            (_("Instagram"), self.instagram),
            (_("Snapchat"), self.snapchat),
            (_("WhatsApp"), self.whatsapp),
        ]
        return [(label, value) for label, value in pairs if value]


class BankAccount(models.Model):
    profile = models.ForeignKey(
        AssociationProfile, on_delete=models.CASCADE, related_name="bank_accounts", verbose_name=_("association")
    )
    bank_name = models.CharField(_("bank"), max_length=120, blank=True, help_text=_("Filled from the IBAN when empty."))
    iban = models.CharField(_("IBAN"), max_length=34, unique=True)
    account_name = models.CharField(_("account name"), max_length=200, blank=True)
    purpose = models.CharField(_("purpose"), max_length=120, blank=True, help_text=_("e.g. zakat, general donations"))
    is_active = models.BooleanField(_("shown on documents"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("bank account")
        verbose_name_plural = _("bank accounts")

    def __str__(self):
        return f"{self.bank_name} {self.iban}"

    def clean(self):
        try:
            self.iban = normalize_iban(self.iban)
        except ValidationError as exc:
            raise ValidationError({"iban": exc.messages}) from None
        if not self.bank_name:
            self.bank_name = bank_name_for_iban(self.iban)


class OfficialHoliday(models.Model):
    """A day off besides Friday and Saturday (Eid holidays, Founding Day, National Day…)."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        ordering = ["date"]
        verbose_name = _("official holiday")
        verbose_name_plural = _("official holidays")

    def __str__(self):
        return f"{self.name} ({self.date:%Y-%m-%d})"

    @classmethod
    def dates_between(cls, start: dt.date, end: dt.date) -> set[dt.date]:
        return set(cls.objects.filter(date__range=(start, end)).values_list("date", flat=True))


# The policy's models live in association/policy/ and belong to this app: imported here so Django registers them.
from .policy.models import (  # noqa: E402, F401
    PolicyEvent,
    PolicyReadConfirmation,
    PolicySection,
    PolicyToolLink,
    PolicyVersion,
)
