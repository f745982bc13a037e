"""The beneficiary registry: people, households, documents, consent and who saw sensitive data."""

import calendar
import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from association.kernel.arabic import normalize_arabic
from association.kernel.crypto import BlindIndexField, EncryptedCharField, EncryptedDecimalField, EncryptedTextField
from association.kernel.identifiers import (
    bank_name_for_iban,
    id_type_for,
    validate_iban,
    validate_mobile,
    validate_national_id,
)
from association.kernel.text import mask


class Beneficiary(models.Model):
    class IdType(models.TextChoices):
        CITIZEN = "citizen", _("Citizen (national ID)")
        RESIDENT = "resident", _("Resident (Iqama)")

    class Gender(models.TextChoices):
        MALE = "male", _("Male")
        FEMALE = "female", _("Female")

    class MaritalStatus(models.TextChoices):
        SINGLE = "single", _("Single")
        MARRIED = "married", _("Married")
        DIVORCED = "divorced", _("Divorced")
        WIDOWED = "widowed", _("Widowed")

    # Opaque id for URLs: the national ID never appears in a URL (DESIGN.md, data protection).
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Encrypted at rest (association.kernel.crypto); found by its keyed hash, unique there. The last four
    # digits have their own keyed hash for the desk search by the digits a masked ID shows.
    national_id = EncryptedCharField(_("national ID / Iqama"), max_length=10, validators=[validate_national_id])
    national_id_hash = BlindIndexField(source="national_id", purpose="national_id", unique=True)
    national_id_last4_hash = BlindIndexField(source="national_id", purpose="national_id_last4", last=4, db_index=True)
    id_type = models.CharField(_("ID type"), max_length=10, choices=IdType.choices, editable=False)
    first_name = models.CharField(_("first name"), max_length=60)
    father_name = models.CharField(_("father's name"), max_length=60)
    grandfather_name = models.CharField(_("grandfather's name"), max_length=60)
    family_name = models.CharField(_("family name"), max_length=60)
    # No index of its own: benef_name_birth_idx (name_normalized, birth_date) answers equality and order, the
    # trigram index fragments; two more btrees here only slowed every insert (migration 0014).
    name_normalized = models.CharField(max_length=260, editable=False)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"))
    nationality = models.CharField(_("nationality"), max_length=60, default="سعودي")
    marital_status = models.CharField(_("marital status"), max_length=10, choices=MaritalStatus.choices)
    mobile = models.CharField(
        _("mobile"),
        max_length=13,
        db_index=True,
        validators=[validate_mobile],
        help_text=_("Saudi mobile, e.g. 05XXXXXXXX"),
    )
    city = models.CharField(_("city"), max_length=60)
    district = models.CharField(_("district"), max_length=80, blank=True)
    iban = EncryptedCharField(_("IBAN"), max_length=24, blank=True, validators=[validate_iban])
    iban_hash = BlindIndexField(source="iban", purpose="iban", db_index=True)
    bank_name = models.CharField(_("bank"), max_length=120, blank=True, editable=False)
    health_notes = EncryptedTextField(_("health notes"), blank=True)
    disability_notes = EncryptedTextField(_("disability notes"), blank=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    branch = models.ForeignKey(
        "association.Branch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="beneficiaries",
        verbose_name=_("branch"),
    )
    # Bumped by every saved edit (profile or household): an edit form carries the version it was
    # opened at, and an edit made from an older one is refused instead of reverting the newer.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    # Computed from the other fields by ``derive_fields``, never typed.
    DERIVED_FIELDS = (
        "name_normalized",
        "id_type",
        "bank_name",
        "national_id_hash",
        "national_id_last4_hash",
        "iban_hash",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("beneficiary")
        verbose_name_plural = _("beneficiaries")
        permissions = [
            ("view_sensitive", _("Can reveal a beneficiary's full ID, IBAN and health notes")),
            (
                "view_assigned_sensitive",
                _("Can reveal the full ID, IBAN, health notes and documents of beneficiaries assigned to them"),
            ),
            ("import_beneficiary", _("Can import beneficiaries from a file")),
            ("export_beneficiary", _("Can export beneficiaries with their full data")),
        ]
        indexes = [
            models.Index(fields=["name_normalized", "birth_date"], name="benef_name_birth_idx"),
            # The list's order (newest first), for keyset pagination (association.kernel.pagination).
            models.Index(fields=["created_at", "id"], name="benef_created_idx"),
        ]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.derive_fields()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = set(update_fields) | set(self.DERIVED_FIELDS)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("beneficiaries:detail", kwargs={"public_id": self.public_id})

    def derive_fields(self) -> None:
        """The one place the derived fields are computed: ``save()`` calls it, and the import (whose
        ``bulk_create`` calls no ``save()``) calls it for each row."""
        self.name_normalized = normalize_arabic(self.full_name)
        if self.national_id:
            self.id_type = id_type_for(self.national_id)
        self.bank_name = bank_name_for_iban(self.iban)

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.father_name, self.grandfather_name, self.family_name) if p)

    @property
    def national_id_masked(self) -> str:
        return mask(self.national_id)

    @property
    def iban_masked(self) -> str:
        return mask(self.iban)

    @property
    def mobile_local(self) -> str:
        """``05XXXXXXXX``: how Saudi staff read and dial a mobile."""
        return "0" + self.mobile[4:] if self.mobile.startswith("+966") else self.mobile

    @property
    def has_sensitive_notes(self) -> bool:
        return bool(self.health_notes or self.disability_notes)


class HouseholdMember(models.Model):
    class Relation(models.TextChoices):
        SPOUSE = "spouse", _("Spouse")
        SON = "son", _("Son")
        DAUGHTER = "daughter", _("Daughter")
        FATHER = "father", _("Father")
        MOTHER = "mother", _("Mother")
        BROTHER = "brother", _("Brother")
        SISTER = "sister", _("Sister")
        OTHER = "other", _("Other relative")

    beneficiary = models.ForeignKey(
        Beneficiary, on_delete=models.CASCADE, related_name="household", verbose_name=_("beneficiary")
    )
    relation = models.CharField(_("relation"), max_length=10, choices=Relation.choices)
    name = models.CharField(_("full name"), max_length=200)
    national_id = EncryptedCharField(
        _("national ID / Iqama"), max_length=10, blank=True, validators=[validate_national_id]
    )
    national_id_hash = BlindIndexField(source="national_id", purpose="national_id", db_index=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    monthly_income = EncryptedDecimalField(_("monthly income (SAR)"), max_digits=10, decimal_places=2, default=0)
    health_notes = EncryptedTextField(_("health notes"), blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("household member")
        verbose_name_plural = _("household members")

    def __str__(self):
        return f"{self.name} ({self.get_relation_display()})"


class DocumentType(models.Model):
    """Kinds of document the association asks for (ID copy, family card, income proof, lease…)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)

    class ValidityUnit(models.TextChoices):
        DAYS = "days", _("days")
        MONTHS = "months", _("months")

    description = models.CharField(_("description"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # How long a document of this type stays valid after it is issued; empty: it does not expire by itself
    # (an expiry date written on the document is still entered and checked).
    validity = models.PositiveSmallIntegerField(
        _("validity"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("How long a document of this type is valid from its issue date; empty if it does not expire."),
    )
    validity_unit = models.CharField(
        _("validity unit"), max_length=10, choices=ValidityUnit.choices, default=ValidityUnit.MONTHS
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("document type")
        verbose_name_plural = _("document types")

    def __str__(self):
        return self.name

    def expiry_for(self, issued_on: dt.date | None) -> dt.date | None:
        """The last day a document of this type issued on ``issued_on`` is valid (None: it does not expire)."""
        if issued_on is None or not self.validity:
            return None
        if self.validity_unit == self.ValidityUnit.DAYS:
            return issued_on + dt.timedelta(days=self.validity - 1)
        month_index = issued_on.month - 1 + self.validity
        year, month = issued_on.year + month_index // 12, month_index % 12 + 1
        day = min(issued_on.day, calendar.monthrange(year, month)[1])
        return dt.date(year, month, day) - dt.timedelta(days=1)


def _document_path(instance, filename):
    # Random file names: an uploaded name may carry an ID number or a person's name.
    return f"documents/{instance.beneficiary.public_id}/{uuid.uuid4().hex}"


class Document(models.Model):
    beneficiary = models.ForeignKey(
        Beneficiary, on_delete=models.CASCADE, related_name="documents", verbose_name=_("beneficiary")
    )
    document_type = models.ForeignKey(
        DocumentType, on_delete=models.PROTECT, related_name="documents", verbose_name=_("document type")
    )
    file = models.FileField(_("file"), upload_to=_document_path)
    original_name = models.CharField(_("original file name"), max_length=200, blank=True)
    content_type = models.CharField(_("content type"), max_length=60, editable=False)
    size = models.PositiveIntegerField(_("size (bytes)"), editable=False, default=0)
    note = models.CharField(_("note"), max_length=200, blank=True)
    supplied_at = models.DateTimeField(_("supplied at"), auto_now_add=True)
    supplied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("received by")
    )
    issued_on = models.DateField(_("issue date"), null=True, blank=True)
    # The last day the document is valid: entered from the document, or computed from its issue date and its
    # type's validity (``DocumentType.expiry_for``). Empty: it does not expire.
    expires_on = models.DateField(_("valid until"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )

    class Meta:
        ordering = ["-supplied_at", "-pk"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        permissions = [("verify_document", _("Can verify a document against the original"))]

    def __str__(self):
        return f"{self.document_type} — {self.beneficiary}"

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    def clean(self):
        if self.issued_on and self.expires_on and self.expires_on < self.issued_on:
            raise ValidationError({"expires_on": _("The expiry date is before the issue date.")})

    def is_valid_on(self, day: dt.date) -> bool:
        """Valid on ``day``: no expiry date, or ``day`` is on or before it."""
        return self.expires_on is None or day <= self.expires_on


class Consent(models.Model):
    """Consent per purpose, with its date; withdrawing keeps the row and records when."""

    class Purpose(models.TextChoices):
        DATA_PROCESSING = "data_processing", _("Processing personal data to study and serve requests")
        CONTACT = "contact", _("Being contacted by SMS, phone or email")
        SURVEYS = "surveys", _("Receiving satisfaction surveys")
        DATA_SHARING = "data_sharing", _("Sharing data with partner entities for services")

    beneficiary = models.ForeignKey(
        Beneficiary, on_delete=models.CASCADE, related_name="consents", verbose_name=_("beneficiary")
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    given_at = models.DateTimeField(_("given at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("recorded by")
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    # Set when the consent came with a bulk import file: the file's declaration is its source.
    source_import = models.ForeignKey(
        "BulkTransfer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="consents",
        verbose_name=_("imported with"),
    )

    class Meta:
        ordering = ["purpose"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.UniqueConstraint(fields=["beneficiary", "purpose"], name="one_consent_per_purpose"),
        ]

    def __str__(self):
        return f"{self.beneficiary} — {self.get_purpose_display()}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class SensitiveAccess(models.Model):
    """Append-only: who revealed which sensitive field or opened which file of whom, and when."""

    class Field(models.TextChoices):
        NATIONAL_ID = "national_id", _("National ID")
        IBAN = "iban", _("IBAN")
        HEALTH = "health", _("Health and disability notes")
        DOCUMENT = "document", _("Document file")
        # A file that came with a contact (channels_log); the caller may have no file of their own.
        CONTACT_ATTACHMENT = "contact_attachment", _("Contact attachment")
        # A household member's ID and health notes; ``item`` names the member.
        HOUSEHOLD = "household", _("Household member's ID and health notes")

    beneficiary = models.ForeignKey(
        Beneficiary,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sensitive_accesses",
        verbose_name=_("beneficiary"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    field = models.CharField(_("field"), max_length=20, choices=Field.choices)
    item = models.CharField(_("item"), max_length=100, blank=True, help_text=_("Which file, when a file was opened."))
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("sensitive data access")
        verbose_name_plural = _("sensitive data accesses")
        indexes = [models.Index(fields=["at"], name="sensitive_access_at_idx")]

    def __str__(self):
        return f"{self.user} → {self.beneficiary} ({self.get_field_display()})"


class BulkTransfer(models.Model):
    """Append-only: every bulk import or export of beneficiaries — who, when, which file, how many rows."""

    class Kind(models.TextChoices):
        IMPORT = "import", _("Import")
        EXPORT = "export", _("Export")
        ACCESS_LOG = "access_log", _("Export of the sensitive-data access log")
        # One person's data (PDPL access request): ``beneficiary`` names whom.
        SUBJECT = "subject", _("Export of one person's data")
        SHARING = "sharing", _("Export shared with a partner entity")
        # The person's own copy, downloaded from the self-service (``user`` empty, ``beneficiary`` the person).
        SELF_COPY = "self_copy", _("Copy downloaded by the person")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # Empty: from the command line (``manage.py subject_export``), by whoever runs the server.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    file_format = models.CharField(_("file format"), max_length=10)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    rows = models.PositiveIntegerField(_("rows imported or exported"), default=0)
    rejected_rows = models.PositiveIntegerField(_("rows rejected"), default=0)
    beneficiary = models.ForeignKey(
        Beneficiary,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("beneficiary"),
    )

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("bulk import or export")
        verbose_name_plural = _("bulk imports and exports")

    def __str__(self):
        return f"{self.get_kind_display()} — {self.user} ({self.rows})"


class ImportRun(models.Model):
    """A confirmed import while a worker runs it: its progress for the page the uploader watches, then its
    outcome (the ``BulkTransfer`` it logged, or the reason nothing was imported). Only the uploader sees it."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        CHECKING = "checking", _("Checking the rows")
        SAVING = "saving", _("Saving")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    FINAL = (Status.DONE, Status.FAILED)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    # The private stash's name for the file (``importing.stash_upload``).
    token = models.CharField(max_length=64)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    expected_rows = models.PositiveIntegerField(_("rows confirmed"))
    # The uploader's interface language: the worker words the outcome in it.
    language = models.CharField(max_length=10, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_checked = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    transfer = models.OneToOneField(
        BulkTransfer, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("import")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("import in progress")
        verbose_name_plural = _("imports in progress")

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"

    # A run not finished and not updated for this long has lost its worker (the import's transaction was
    # rolled back with it, so nothing of it is saved): its page stops waiting and says so.
    STALLED_AFTER = dt.timedelta(minutes=15)

    @property
    def finished(self) -> bool:
        return self.status in self.FINAL

    @property
    def stalled(self) -> bool:
        return not self.finished and self.updated_at < timezone.now() - self.STALLED_AFTER


class BeneficiaryChange(models.Model):
    """Append-only: one saved edit of a beneficiary's file — who, when, and each field from what to what.

    ``changes`` is a list of entries: ``{"field", "old", "new"}`` for the profile; with ``"member"``
    (the member's name) for a household member's field; ``{"member", "action": "added"|"removed"}``
    for a member added or removed. A sensitive field (ID, IBAN, health or disability notes) is
    recorded as changed with ``"sensitive": true`` and no values.
    """

    beneficiary = models.ForeignKey(
        Beneficiary, on_delete=models.CASCADE, related_name="changes", verbose_name=_("beneficiary")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("changed by")
    )
    at = models.DateTimeField(_("changed at"))
    version = models.PositiveIntegerField(_("version"))
    changes = models.JSONField(_("changes"), default=list)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("beneficiary data change")
        verbose_name_plural = _("beneficiary data changes")
        constraints = [
            models.UniqueConstraint(fields=["beneficiary", "version"], name="one_change_per_beneficiary_version"),
        ]

    def __str__(self):
        return f"{self.beneficiary} v{self.version}"

    def entries(self) -> list[dict]:
        """The changes ready to show: ``label``, ``old`` and ``new`` as display text, ``sensitive``,
        ``member`` and ``action``."""
        return [_change_entry(entry) for entry in self.changes]


_MEMBER_ACTIONS = {"added": _("added"), "removed": _("removed")}


def _change_entry(entry: dict) -> dict:
    model = HouseholdMember if entry.get("member") is not None else Beneficiary
    label, old, new = "", entry.get("old"), entry.get("new")
    if entry.get("field"):
        try:
            field = model._meta.get_field(entry["field"])
        except FieldDoesNotExist:  # a field removed since: its name is all there is
            label = entry["field"]
        else:
            label = field.verbose_name
            if field.choices:
                names = dict(field.flatchoices)
                old, new = names.get(old, old), names.get(new, new)
    return {
        "label": label,
        "old": old if old not in (None, "") else "—",
        "new": new if new not in (None, "") else "—",
        "sensitive": bool(entry.get("sensitive")),
        "member": entry.get("member"),
        "action": _MEMBER_ACTIONS.get(entry.get("action"), ""),
    }


# Data protection records (PDPL), kept in their own module.
from .privacy.models import (  # noqa: E402, F401
    ErasureRecord,
    LegalHold,
    RetentionRule,
    SubjectRequest,
    SubjectRequestEvent,
)
