"""Every write to the registry that has a rule."""

import filetype
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Beneficiary, BulkTransfer, Consent, Document, DocumentType, HouseholdMember, SensitiveAccess
from .search import normalize_arabic
from .validators import bank_name_for_iban

# Content types accepted for documents, identified from the file's bytes.
ALLOWED_DOCUMENT_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


class PossibleDuplicate(Exception):
    """Raised when a new record looks like existing ones; the officer must confirm it is another person."""

    def __init__(self, matches):
        super().__init__("possible duplicate")
        self.matches = matches


def beneficiary_find_duplicates(*, mobile: str, full_name: str, birth_date, exclude_pk=None):
    """Records with the same mobile, or the same normalised name and birth date (not the same ID:
    the database refuses that outright)."""
    condition = Q()
    if mobile:
        condition |= Q(mobile=mobile)
    if full_name and birth_date:
        condition |= Q(name_normalized=normalize_arabic(full_name), birth_date=birth_date)
    if not condition:
        return Beneficiary.objects.none()
    matches = Beneficiary.objects.filter(condition)
    if exclude_pk:
        matches = matches.exclude(pk=exclude_pk)
    return matches.order_by("pk")[:10]


def _duplicate_id_error():
    return ValidationError({"national_id": _("A beneficiary with this ID number is already registered.")})


@transaction.atomic
def beneficiary_register(
    *, actor, data: dict, household: list[dict] = (), consents: list[str] = (), confirm_duplicate: bool = False
) -> Beneficiary:
    """Register a beneficiary with household and consents, all or nothing.

    ``data`` holds cleaned, normalised field values. Consent to data processing is required: the
    association may not keep a file without it.
    """
    consents = list(dict.fromkeys(consents))  # a purpose sent twice is one consent, not an IntegrityError
    if Consent.Purpose.DATA_PROCESSING not in consents:
        raise ValidationError({"consents": _("The beneficiary's consent to processing their data is required.")})
    if Beneficiary.objects.filter(national_id=data["national_id"]).exists():
        raise _duplicate_id_error()
    if not confirm_duplicate:
        full_name = " ".join(
            data.get(k, "") for k in ("first_name", "father_name", "grandfather_name", "family_name")
        )
        matches = list(
            beneficiary_find_duplicates(mobile=data.get("mobile"), full_name=full_name, birth_date=data.get("birth_date"))
        )
        if matches:
            raise PossibleDuplicate(matches)
    beneficiary = Beneficiary(**data, created_by=actor)
    beneficiary.bank_name = bank_name_for_iban(beneficiary.iban)
    try:
        # A savepoint so that a concurrent registration of the same ID becomes a field error.
        with transaction.atomic():
            beneficiary.save()
    except IntegrityError:
        raise _duplicate_id_error() from None
    for member in household:
        HouseholdMember.objects.create(beneficiary=beneficiary, **member)
    now = timezone.now()
    for purpose in consents:
        Consent.objects.create(beneficiary=beneficiary, purpose=purpose, given_at=now, recorded_by=actor)
    return beneficiary


@transaction.atomic
def beneficiary_update(*, beneficiary: Beneficiary, actor, data: dict, household: list[dict] | None = None) -> Beneficiary:
    """Update the profile (and, when given, replace the household list)."""
    beneficiary = Beneficiary.objects.select_for_update().get(pk=beneficiary.pk)
    if data.get("national_id") and Beneficiary.objects.exclude(pk=beneficiary.pk).filter(
        national_id=data["national_id"]
    ).exists():
        raise _duplicate_id_error()
    for field, value in data.items():
        setattr(beneficiary, field, value)
    beneficiary.bank_name = bank_name_for_iban(beneficiary.iban)
    try:
        with transaction.atomic():
            beneficiary.save()
    except IntegrityError:
        raise _duplicate_id_error() from None
    if household is not None:
        beneficiary.household.all().delete()
        for member in household:
            HouseholdMember.objects.create(beneficiary=beneficiary, **member)
    return beneficiary


@transaction.atomic
def consent_set(*, beneficiary: Beneficiary, purpose: str, given: bool, actor) -> Consent | None:
    """Give or withdraw consent for one purpose; a withdrawal keeps the row with its date."""
    now = timezone.now()
    consent = Consent.objects.select_for_update().filter(beneficiary=beneficiary, purpose=purpose).first()
    if given:
        if consent is None:
            return Consent.objects.create(beneficiary=beneficiary, purpose=purpose, given_at=now, recorded_by=actor)
        if consent.withdrawn_at is not None:
            consent.given_at, consent.withdrawn_at, consent.recorded_by = now, None, actor
            consent.save(update_fields=["given_at", "withdrawn_at", "recorded_by"])
        return consent
    if consent is not None and consent.withdrawn_at is None:
        if purpose == Consent.Purpose.DATA_PROCESSING and beneficiary.requests.exclude(
            status__in=["closed", "withdrawn", "rejected"]
        ).exists():
            raise ValidationError(_("Consent to data processing cannot be withdrawn while a request is open."))
        consent.withdrawn_at = now
        consent.save(update_fields=["withdrawn_at"])
    return consent


def _detect_content_type(uploaded_file) -> str | None:
    uploaded_file.seek(0)
    head = uploaded_file.read(8192)
    uploaded_file.seek(0)
    kind = filetype.guess(head)
    return kind.mime if kind else None


def uploaded_file_check(uploaded_file, *, field: str = "file") -> str:
    """The rule for every uploaded document, attachment or signed scan: not empty, within the size limit,
    and a PDF, JPEG or PNG by its bytes (not its name). Returns the detected content type; errors name
    ``field``."""
    if uploaded_file.size > settings.DOCUMENT_MAX_BYTES:
        raise ValidationError(
            {field: _("The file is too large (%(size)s MB); the limit is %(limit)s MB.")
             % {"size": round(uploaded_file.size / 1048576, 1), "limit": settings.DOCUMENT_MAX_BYTES // 1048576}}
        )
    if uploaded_file.size == 0:
        raise ValidationError({field: _("The file is empty.")})
    content_type = _detect_content_type(uploaded_file)
    if content_type not in ALLOWED_DOCUMENT_TYPES:
        raise ValidationError(
            {field: _("Only PDF, JPEG or PNG files are accepted; this file's content is not one of them.")}
        )
    return content_type


@transaction.atomic
def document_add(*, beneficiary: Beneficiary, document_type: DocumentType, uploaded_file, actor, note: str = "") -> Document:
    """Store a supplied document after checking its real type (from its bytes) and its size."""
    content_type = uploaded_file_check(uploaded_file)
    document = Document(
        beneficiary=beneficiary,
        document_type=document_type,
        original_name=(uploaded_file.name or "")[:200],
        content_type=content_type,
        size=uploaded_file.size,
        supplied_by=actor,
        note=note,
    )
    document.file.save(f"upload.{ALLOWED_DOCUMENT_TYPES[content_type]}", uploaded_file, save=False)
    document.save()
    return document


@transaction.atomic
def document_verify(*, document: Document, actor) -> Document:
    """Staff matched the document against the original: record who and when (once)."""
    if not actor.has_perm("beneficiaries.verify_document"):
        raise PermissionDenied
    document = Document.objects.select_for_update().get(pk=document.pk)
    if document.verified_at is None:
        document.verified_at = timezone.now()
        document.verified_by = actor
        document.save(update_fields=["verified_at", "verified_by"])
    return document


def sensitive_reveal(*, beneficiary: Beneficiary | None, field: str, actor, item: str = "") -> None:
    """Record that ``actor`` saw a sensitive field in full or opened a file (``item`` says which); refuse
    those without the permission. Only a contact attachment may belong to no registered beneficiary."""
    if not actor.has_perm("beneficiaries.view_sensitive"):
        raise PermissionDenied
    if field not in SensitiveAccess.Field.values:
        raise ValidationError(_("Unknown field."))
    if beneficiary is None and field != SensitiveAccess.Field.CONTACT_ATTACHMENT:
        raise ValidationError(_("Unknown field."))
    SensitiveAccess.objects.create(beneficiary=beneficiary, user=actor, field=field, item=item[:100])


# --- bulk import and export (the resource and the file handling live in importing.py) ----------

EXPORT_PERMISSIONS = ("beneficiaries.view_sensitive", "beneficiaries.export_beneficiary")


@transaction.atomic
def beneficiary_import_record(
    *, actor, beneficiaries: list[Beneficiary], file_name: str, file_format: str, rejected_rows: int = 0
) -> BulkTransfer:
    """Log an import and record each imported beneficiary's consent to data processing with the
    import as its source. Called by the resource inside the import's own transaction."""
    now = timezone.now()
    transfer = BulkTransfer.objects.create(
        kind=BulkTransfer.Kind.IMPORT, user=actor, file_format=file_format[:10], file_name=file_name[:200],
        rows=len(beneficiaries), rejected_rows=rejected_rows,
    )
    Consent.objects.bulk_create(
        Consent(
            beneficiary=beneficiary, purpose=Consent.Purpose.DATA_PROCESSING, given_at=now,
            recorded_by=actor, source_import=transfer,
        )
        for beneficiary in beneficiaries
    )
    return transfer


def beneficiary_import(*, actor, content: bytes, file_name: str, expected_rows: int) -> BulkTransfer:
    """Import the valid rows of a previewed file in one transaction: all of them or none.

    The file is validated again here (never trust the preview the browser saw): if the count of
    valid rows is no longer the one the user confirmed — someone registered one of its IDs in the
    meantime, or a second click confirmed it twice — nothing is imported. Two confirmations racing
    on PostgreSQL meet the unique index on ``national_id``: the loser's import fails whole.
    """
    if not actor.has_perm("beneficiaries.import_beneficiary"):
        raise PermissionDenied
    from .importing import file_format_for, read_dataset
    from .resources import BeneficiaryResource

    file_format = file_format_for(file_name)
    dataset = read_dataset(content, file_format)
    resource = BeneficiaryResource()
    with transaction.atomic():
        result = resource.import_data(
            dataset, dry_run=False, use_transactions=True, raise_errors=False,
            user=actor, file_name=file_name, file_format=file_format,
        )
        if result.has_errors() or resource.transfer is None:
            raise ValidationError(
                _("The import failed and nothing was imported; check the file and try again."), code="failed"
            )
        if resource.transfer.rows != expected_rows or expected_rows == 0:
            raise ValidationError(
                _("The file now has %(count)s valid rows instead of the %(expected)s you confirmed; nothing was "
                  "imported. Check the preview again.") % {"count": resource.transfer.rows, "expected": expected_rows},
                code="changed",
            )
    return resource.transfer


@transaction.atomic
def beneficiary_export(*, actor, queryset, file_format: str) -> bytes:
    """Every column in full (a data-protection tool: a person's data on request, or the registry for
    the board); only for holders of both permissions, and logged."""
    if not actor.has_perms(EXPORT_PERMISSIONS):
        raise PermissionDenied
    if file_format not in ("xlsx", "csv"):
        raise ValidationError(_("Choose Excel (.xlsx) or CSV."), code="format")
    from association import spreadsheets

    from .resources import BeneficiaryResource

    dataset = BeneficiaryResource().export(queryset=queryset)
    # One writer for every export: text that looks like a formula never runs as one.
    content = spreadsheets.dataset_bytes(dataset, file_format)
    BulkTransfer.objects.create(kind=BulkTransfer.Kind.EXPORT, user=actor, file_format=file_format, rows=len(dataset))
    return content
