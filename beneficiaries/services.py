"""Every write to the registry that has a rule."""

import datetime as dt
import logging
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from association.branches import branch_of
from association.kernel import registry
from association.kernel.arabic import normalize_arabic
from association.kernel.dates import format_dual
from association.kernel.permissions import authorize
from association.kernel.text import person_name
from association.kernel.uploads import ALLOWED_DOCUMENT_TYPES, uploaded_file_check

from .models import (
    Beneficiary,
    BeneficiaryChange,
    BulkTransfer,
    Consent,
    Document,
    DocumentType,
    HouseholdMember,
    ImportRun,
    SensitiveAccess,
)
from .search import beneficiaries_with_national_id, iban_hash

logger = logging.getLogger(__name__)

# Content types accepted for documents, identified from the file's bytes.


class PossibleDuplicate(Exception):
    """Raised when a new record looks like existing ones; the officer must confirm it is another person."""

    def __init__(self, matches):
        super().__init__("possible duplicate")
        self.matches = matches


def beneficiary_find_duplicates(*, mobile: str, full_name: str, birth_date, iban: str = "", exclude_pk=None):
    """Records with the same mobile, the same IBAN (by its keyed hash: IBANs are encrypted), or the same
    normalised name and birth date (not the same ID: the database refuses that outright)."""
    condition = Q()
    if mobile:
        condition |= Q(mobile=mobile)
    if iban:
        condition |= Q(iban_hash=iban_hash(iban))
    if full_name and birth_date:
        condition |= Q(name_normalized=normalize_arabic(full_name), birth_date=birth_date)
    if not condition:
        return Beneficiary.objects.none()
    matches = Beneficiary.objects.filter(condition)
    if exclude_pk:
        matches = matches.exclude(pk=exclude_pk)
    return matches.order_by("pk")[:10]


def _duplicate_id_error():
    message = _("A beneficiary with this ID number is already registered.")
    return ValidationError({"national_id": ValidationError(message, code="duplicate")})


@transaction.atomic
def beneficiary_register(
    *, actor, data: dict, household: list[dict] = (), consents: list[str] = (), confirm_duplicate: bool = False
) -> Beneficiary:
    """Register a beneficiary with household and consents, all or nothing.

    ``data`` holds cleaned, normalised field values (checked again here: ``full_clean``). Consent to data
    processing is required: the association may not keep a file without it.
    """
    authorize(actor, "beneficiaries.add_beneficiary")
    return _register(
        actor=actor, data=data, household=household, consents=consents, confirm_duplicate=confirm_duplicate
    )


@transaction.atomic
def beneficiary_register_online(*, data: dict, household: list[dict] = (), consents: list[str] = ()) -> Beneficiary:
    """A person registers themselves from the self-service pages (signed in with a code sent to their mobile:
    that session is the key, there is no staff actor). The desk's rules exactly (``full_clean``, consent to
    processing, the same ID and the possible duplicates), but no one may confirm a possible duplicate: it is
    refused (``PossibleDuplicate`` or the ID error) and the caller hands the application to the desk without
    showing the applicant the existing record."""
    return _register(actor=None, data=data, household=household, consents=consents, confirm_duplicate=False)


def _register(*, actor, data: dict, household, consents, confirm_duplicate: bool) -> Beneficiary:
    consents = list(dict.fromkeys(consents))  # a purpose sent twice is one consent, not an IntegrityError
    if Consent.Purpose.DATA_PROCESSING not in consents:
        raise ValidationError({"consents": _("The beneficiary's consent to processing their data is required.")})
    # Served by the branch of the staff member who registers them, unless the form chose one.
    data = {**data, "branch": data.get("branch") or branch_of(actor)}
    beneficiary = Beneficiary(**data, created_by=actor)
    # Uniqueness is checked below, with a clear message, and by the database under a savepoint.
    beneficiary.full_clean(validate_unique=False, validate_constraints=False)
    if beneficiaries_with_national_id(Beneficiary.objects.all(), beneficiary.national_id).exists():
        raise _duplicate_id_error()
    if not confirm_duplicate:
        full_name = " ".join(data.get(k, "") for k in ("first_name", "father_name", "grandfather_name", "family_name"))
        matches = list(
            beneficiary_find_duplicates(
                mobile=data.get("mobile"),
                full_name=full_name,
                birth_date=data.get("birth_date"),
                iban=data.get("iban", ""),
            )
        )
        if matches:
            raise PossibleDuplicate(matches)
    try:
        # A savepoint so that a concurrent registration of the same ID becomes a field error.
        with transaction.atomic():
            beneficiary.save()
    except IntegrityError:
        raise _duplicate_id_error() from None
    for row in household:
        _member_save(HouseholdMember(beneficiary=beneficiary, **row))
    now = timezone.now()
    for purpose in consents:
        consent = Consent(beneficiary=beneficiary, purpose=purpose, given_at=now, recorded_by=actor)
        # One purpose once: deduplicated above. Given online (``actor=None``), no staff member recorded it.
        consent.full_clean(
            exclude=["recorded_by"] if actor is None else None, validate_unique=False, validate_constraints=False
        )
        consent.save()
    return beneficiary


def _member_save(member: HouseholdMember) -> None:
    """Check a household member's values (``full_clean``) and save it. A member's error belongs to the
    household list, under the member's name, never to the beneficiary's field of the same name."""
    try:
        member.full_clean(exclude=["beneficiary"])
    except ValidationError as exc:
        messages = [f"{member.name}: {message}" for message in exc.messages]
        raise ValidationError({"household": messages}) from None
    member.save()


# --- editing a file: conflicts and history ------------------------------------------------------

# The profile fields an edit may change, and those that are never written in clear into the history.
PROFILE_FIELDS = (
    "national_id",
    "first_name",
    "father_name",
    "grandfather_name",
    "family_name",
    "gender",
    "birth_date",
    "nationality",
    "marital_status",
    "mobile",
    "city",
    "district",
    "iban",
    "health_notes",
    "disability_notes",
)
SENSITIVE_FIELDS = frozenset({"national_id", "iban", "health_notes", "disability_notes"})
MEMBER_FIELDS = ("relation", "name", "national_id", "birth_date", "monthly_income", "health_notes")
# Income is encrypted at rest too: the history records that it changed, never the figures.
MEMBER_SENSITIVE_FIELDS = frozenset({"national_id", "health_notes", "monthly_income"})


class EditConflict(ValidationError):
    """The file changed since the edit form was opened: nothing was saved.

    ``changes`` are the edits made since (newest first), ``current_version`` the version to open the
    form at again."""

    def __init__(self, *, changes: list[BeneficiaryChange], current_version: int):
        latest = changes[0] if changes else None
        if latest is not None:
            message = _(
                "%(person)s changed this file at %(time)s, after you opened this form. Nothing was saved: "
                "check their changes below, then save again."
            ) % {"person": person_name(latest.actor), "time": _when(latest.at)}
        else:
            message = _("This file changed after you opened this form. Nothing was saved: check it, then save again.")
        super().__init__(message, code="conflict")
        self.changes = changes
        self.current_version = current_version


def _when(moment: dt.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{format_dual(local.date())} {local:%H:%M}"


def _history_value(value):
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"  # amounts as the pages show them: 1500 and 1500.00 are one value
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _field_change(field: str, old, new, *, sensitive: bool, member: str | None = None) -> dict:
    entry = {"field": field}
    if member is not None:
        entry["member"] = member
    if sensitive:
        entry["sensitive"] = True  # changed, but neither value is written down
    else:
        entry["old"], entry["new"] = _history_value(old), _history_value(new)
    return entry


def _apply(instance, values: dict, fields, sensitive: frozenset, *, member: str | None = None) -> list[dict]:
    """Set ``values`` on ``instance``; the history entries of what really changed."""
    changes = []
    for field in fields:
        if field not in values:
            continue  # left out: kept as it is (a masked sensitive field the user did not retype)
        old, new = getattr(instance, field), values[field]
        if old != new:
            changes.append(_field_change(field, old, new, sensitive=field in sensitive, member=member))
            setattr(instance, field, new)
    return changes


def _household_apply(beneficiary: Beneficiary, rows: list[dict]) -> list[dict]:
    """Make the household what ``rows`` say: a row with ``id`` updates that member, a row without one
    adds a member, a member no row names is removed. Returns the history entries."""
    members = {member.pk: member for member in beneficiary.household.select_for_update().order_by("pk")}
    listed = [row["id"] for row in rows if row.get("id")]
    if any(pk not in members for pk in listed) or len(set(listed)) != len(listed):
        raise ValidationError(
            {"household": _("The household list changed while you were editing it; open the page again.")}
        )
    changes = []
    for pk in sorted(set(members) - set(listed)):
        member = members[pk]
        changes.append({"member": member.name, "action": "removed"})
        member.delete()
    for row in rows:
        values = {field: row[field] for field in MEMBER_FIELDS if field in row}
        if row.get("id"):
            member = members[row["id"]]
            label = member.name
            member_changes = _apply(member, values, MEMBER_FIELDS, MEMBER_SENSITIVE_FIELDS, member=label)
            if member_changes:
                _member_save(member)
                changes.extend(member_changes)
        else:
            member = HouseholdMember(beneficiary=beneficiary, **values)
            _member_save(member)
            changes.append({"member": member.name, "action": "added"})
    return changes


def beneficiary_check_version(*, beneficiary: Beneficiary, expected_version: int, actor) -> None:
    """Raise ``EditConflict`` if someone else saved the file after ``expected_version`` (``beneficiary_update``
    calls it under the row lock). The actor's own later saves are no conflict: the same form sent again
    (a retry, the back button) is not refused as if a colleague had saved in between."""
    current = Beneficiary.objects.filter(pk=beneficiary.pk).values_list("version", flat=True).first()
    if current is None or current == expected_version:
        return
    since = BeneficiaryChange.objects.filter(beneficiary_id=beneficiary.pk, version__gt=expected_version)
    if since.count() == current - expected_version and not since.exclude(actor=actor).exists():
        return
    changes = list(since.select_related("actor").order_by("-version")[:20])
    raise EditConflict(changes=changes, current_version=current)


@transaction.atomic
def beneficiary_update(
    *, beneficiary: Beneficiary, actor, expected_version: int, data: dict, household: list[dict] | None = None
) -> Beneficiary:
    """Save an edit of the profile and, when ``household`` is given, of the household list.

    ``expected_version`` is the version the edit form was opened at: if anyone saved the file since,
    nothing is saved and ``EditConflict`` says who and when. ``data`` holds cleaned profile values; a
    field left out keeps its value (how a masked ID, IBAN or note the officer did not retype stays as
    it is). Household rows are described at ``_household_apply``. Every saved edit bumps the version
    and writes one ``BeneficiaryChange``; an edit that changes nothing writes nothing.
    """
    authorize(actor, "beneficiaries.change_beneficiary")
    unknown = set(data) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    now = timezone.now()
    # Under the row lock two saves are taken one after the other: the second sees the first's version.
    locked = Beneficiary.objects.select_for_update().get(pk=beneficiary.pk)
    beneficiary_check_version(beneficiary=locked, expected_version=expected_version, actor=actor)
    if (
        data.get("national_id")
        and beneficiaries_with_national_id(Beneficiary.objects.exclude(pk=locked.pk), data["national_id"]).exists()
    ):
        raise _duplicate_id_error()
    changes = _apply(locked, data, PROFILE_FIELDS, SENSITIVE_FIELDS)
    if household is not None:
        changes.extend(_household_apply(locked, household))
    if not changes:
        return locked
    locked.full_clean(validate_unique=False, validate_constraints=False)
    locked.version += 1
    try:
        # A savepoint so that a concurrent registration of the same ID becomes a field error.
        with transaction.atomic():
            locked.save()
    except IntegrityError:
        raise _duplicate_id_error() from None
    BeneficiaryChange.objects.create(beneficiary=locked, actor=actor, at=now, version=locked.version, changes=changes)
    return locked


def consent_withdrawal_check(*, beneficiary: Beneficiary, purpose: str) -> None:
    """Refuse (``ValidationError``) to withdraw consent to processing the person's data while the association
    still needs it: the apps above say why (kernel registry slot ``beneficiary_open_work``: an open request)."""
    if purpose != Consent.Purpose.DATA_PROCESSING:
        return
    reasons = registry.collect("beneficiary_open_work", beneficiary=beneficiary)
    if reasons:
        raise ValidationError(
            _("Consent to data processing cannot be withdrawn: %(reason)s") % {"reason": " ".join(reasons)},
            code="in_use",
        )


@transaction.atomic
def consenting(purpose: str):
    """The consents to ``purpose`` in force (given and not withdrawn): every use that needs a purpose asks."""
    return Consent.objects.filter(purpose=purpose, withdrawn_at__isnull=True)


def consent_set(*, beneficiary: Beneficiary, purpose: str, given: bool, actor) -> Consent | None:
    """Give or withdraw consent for one purpose; a withdrawal keeps the row with its date."""
    authorize(actor, "beneficiaries.change_consent")
    return _consent_set(beneficiary=beneficiary, purpose=purpose, given=given, actor=actor)


@transaction.atomic
def consent_set_online(*, beneficiary: Beneficiary, purpose: str, given: bool) -> Consent | None:
    """The person themselves gives or withdraws a consent from the self-service pages (their signed-in
    session is the key): the same rules as at the desk, recorded by no staff member."""
    return _consent_set(beneficiary=beneficiary, purpose=purpose, given=given, actor=None)


def _consent_set(*, beneficiary: Beneficiary, purpose: str, given: bool, actor) -> Consent | None:
    if purpose not in Consent.Purpose.values:
        raise ValidationError({"purpose": _("Choose one of the purposes listed.")})
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
        consent_withdrawal_check(beneficiary=beneficiary, purpose=purpose)
        consent.withdrawn_at = now
        consent.save(update_fields=["withdrawn_at"])
    return consent


@transaction.atomic
def document_add(
    *,
    beneficiary: Beneficiary,
    document_type: DocumentType,
    uploaded_file,
    actor,
    note: str = "",
    issued_on: dt.date | None = None,
    expires_on: dt.date | None = None,
) -> Document:
    """Store a supplied document after checking its real type (from its bytes) and its size.

    Its validity: an expiry date written on the document is entered as it is; otherwise a type with a
    validity needs the issue date, and the expiry is computed from it (``DocumentType.expiry_for``)."""
    authorize(actor, "beneficiaries.add_document")
    return _document_store(
        beneficiary=beneficiary,
        document_type=document_type,
        uploaded_file=uploaded_file,
        actor=actor,
        note=note,
        issued_on=issued_on,
        expires_on=expires_on,
    )


@transaction.atomic
def document_add_online(
    *,
    beneficiary: Beneficiary,
    document_type: DocumentType,
    uploaded_file,
    issued_on: dt.date | None = None,
    expires_on: dt.date | None = None,
) -> Document:
    """A document the person uploads themselves from the self-service pages (their signed-in session is the
    key): the same content and validity checks; received by no staff member and not verified until the desk
    matches it."""
    return _document_store(
        beneficiary=beneficiary,
        document_type=document_type,
        uploaded_file=uploaded_file,
        actor=None,
        issued_on=issued_on,
        expires_on=expires_on,
    )


def _document_store(
    *, beneficiary, document_type, uploaded_file, actor, note: str = "", issued_on=None, expires_on=None
) -> Document:
    if issued_on is not None and issued_on > timezone.localdate():
        raise ValidationError({"issued_on": _("The issue date is in the future.")})
    if expires_on is None and document_type.validity:
        if issued_on is None:
            raise ValidationError(
                {
                    "issued_on": _("Enter the issue date: %(document)s is valid for a limited time from it.")
                    % {"document": document_type.name}
                }
            )
        expires_on = document_type.expiry_for(issued_on)
    content_type = uploaded_file_check(uploaded_file)
    document = Document(
        beneficiary=beneficiary,
        document_type=document_type,
        original_name=(uploaded_file.name or "")[:200],
        content_type=content_type,
        size=uploaded_file.size,
        supplied_by=actor,
        note=note,
        issued_on=issued_on,
        expires_on=expires_on,
    )
    # Uploaded online (``actor=None``), no staff member received it.
    document.full_clean(exclude=["file", "supplied_by"] if actor is None else ["file"])
    document.file.save(f"upload.{ALLOWED_DOCUMENT_TYPES[content_type]}", uploaded_file, save=False)
    document.save()
    return document


@transaction.atomic
def document_verify(*, document: Document, actor) -> Document:
    """Staff matched the document against the original: record who and when (once)."""
    authorize(actor, "beneficiaries.verify_document")
    document = Document.objects.select_for_update().get(pk=document.pk)
    if document.verified_at is None:
        document.verified_at = timezone.now()
        document.verified_by = actor
        document.save(update_fields=["verified_at", "verified_by"])
    return document


# --- who may see sensitive data -----------------------------------------------------------------


def sensitive_access_allowed(*, actor, beneficiary: Beneficiary | None) -> bool:
    """May ``actor`` see this person's sensitive data in full (ID, IBAN, notes, documents, attachments)?

    ``view_sensitive`` (relations officers, managers, admins): anyone's. ``view_assigned_sensitive``
    (social researchers): only the people whose case they are assigned to. A file that belongs to no
    registered person (``beneficiary`` None) needs ``view_sensitive``.
    """
    if not actor.is_authenticated:
        return False
    if actor.has_perm("beneficiaries.view_sensitive"):
        return True
    if beneficiary is None or not actor.has_perm("beneficiaries.view_assigned_sensitive"):
        return False
    # Apps above the registry say who works on the person's case (kernel registry, slot ``sensitive_access``).
    return any(check(actor=actor, beneficiary=beneficiary) for check in registry.providers("sensitive_access"))


def sensitive_reveal(*, beneficiary: Beneficiary | None, field: str, actor, item: str = "") -> None:
    """Record that ``actor`` saw a sensitive field in full or opened a file (``item`` says which); refuse
    those who may not (``sensitive_access_allowed``). Only a contact attachment may belong to no
    registered beneficiary."""
    authorize(actor)
    if not sensitive_access_allowed(actor=actor, beneficiary=beneficiary):
        raise PermissionDenied(_("You are not allowed to do this."))
    if field not in SensitiveAccess.Field.values:
        raise ValidationError(_("Unknown field."))
    if beneficiary is None and field != SensitiveAccess.Field.CONTACT_ATTACHMENT:
        raise ValidationError(_("Unknown field."))
    SensitiveAccess.objects.create(beneficiary=beneficiary, user=actor, field=field, item=item[:100])


ACCESS_LOG_PERMISSION = "beneficiaries.view_sensitiveaccess"


@transaction.atomic
def sensitive_access_export(*, actor, filters: dict) -> bytes:
    """The access log (as filtered on the review page) as a workbook; exporting it is itself logged."""
    authorize(actor, ACCESS_LOG_PERMISSION)
    from association.kernel.spreadsheets import Sheet, xlsx_bytes

    from .selectors import sensitive_access_list

    count = 0

    def rows():
        nonlocal count
        for access in sensitive_access_list(filters=filters).iterator(chunk_size=2000):
            count += 1
            person = access.beneficiary
            yield [
                access.at,
                person_name(access.user),
                access.user.get_username(),
                access.get_field_display(),
                access.item,
                person.full_name if person else "",
                person.national_id_masked if person else "",
            ]

    header = [
        _("At"),
        _("Staff member"),
        _("Username"),
        _("What was seen"),
        _("Item"),
        _("Beneficiary"),
        _("ID (last digits)"),
    ]
    content = xlsx_bytes([Sheet(_("Access log"), header, rows())])
    BulkTransfer.objects.create(
        kind=BulkTransfer.Kind.ACCESS_LOG, user=actor, file_format="xlsx", file_name="access-log.xlsx", rows=count
    )
    return content


EXPORT_LOG_PERMISSIONS = (ACCESS_LOG_PERMISSION, "beneficiaries.view_bulktransfer")


@transaction.atomic
def export_log_export(*, actor, filters: dict) -> bytes:
    """The review of exports and imports (as filtered on its page) as a workbook; exporting it is logged too."""
    authorize(actor, *EXPORT_LOG_PERMISSIONS)
    from association.kernel.spreadsheets import Sheet, xlsx_bytes

    from .selectors import export_list

    count = 0

    def rows():
        nonlocal count
        for transfer in export_list(filters=filters).iterator(chunk_size=2000):
            count += 1
            person = transfer.beneficiary
            yield [
                transfer.at,
                person_name(transfer.user) if transfer.user else _("Command line"),
                transfer.get_kind_display(),
                transfer.file_format,
                transfer.rows,
                person.full_name if person else "",
            ]

    header = [_("At"), _("Staff member"), _("Kind"), _("File format"), _("Rows"), _("Beneficiary")]
    content = xlsx_bytes([Sheet(_("Exports"), header, rows())])
    BulkTransfer.objects.create(
        kind=BulkTransfer.Kind.ACCESS_LOG, user=actor, file_format="xlsx", file_name="exports-log.xlsx", rows=count
    )
    return content


# --- bulk import and export (the resource and the file handling live in importing.py) ----------

EXPORT_PERMISSIONS = ("beneficiaries.view_sensitive", "beneficiaries.export_beneficiary")


@transaction.atomic
def beneficiary_import_record(
    *, actor, beneficiaries: list[Beneficiary], file_name: str, file_format: str, rejected_rows: int = 0
) -> BulkTransfer:
    """Log an import and record each imported beneficiary's consent to data processing with the
    import as its source. Called by the resource inside the import's own transaction."""
    authorize(actor, "beneficiaries.import_beneficiary")
    now = timezone.now()
    transfer = BulkTransfer.objects.create(
        kind=BulkTransfer.Kind.IMPORT,
        user=actor,
        file_format=file_format[:10],
        file_name=file_name[:200],
        rows=len(beneficiaries),
        rejected_rows=rejected_rows,
    )
    Consent.objects.bulk_create(
        Consent(
            beneficiary=beneficiary,
            purpose=Consent.Purpose.DATA_PROCESSING,
            given_at=now,
            recorded_by=actor,
            source_import=transfer,
        )
        for beneficiary in beneficiaries
    )
    return transfer


_IMPORT_FAILED = gettext_lazy("The import failed and nothing was imported; check the file and try again.")


def _import_changed(count: int, expected: int) -> ValidationError:
    return ValidationError(
        _(
            "The file now has %(count)s valid rows instead of the %(expected)s you confirmed; nothing was "
            "imported. Check the preview again."
        )
        % {"count": count, "expected": expected},
        code="changed",
    )


def beneficiary_import(
    *, actor, content: bytes, file_name: str, expected_rows: int, progress=None, saving=None
) -> BulkTransfer:
    """Import the valid rows of a previewed file in one transaction: all of them or none.

    The file is validated again here (never trust the preview the browser saw), by the preview's own
    ``importing.check_rows``: if the count of valid rows is no longer the one the user confirmed — someone
    registered one of its IDs in the meantime, or a second click confirmed it twice — nothing is imported.
    An ID registered between this check and the insert meets the unique index on ``national_id_hash``: the
    whole import fails. ``progress(done, total)`` follows the check; ``saving()`` is called when the writing
    starts (its progress is inside the transaction, so nobody else could see it).
    """
    authorize(actor, "beneficiaries.import_beneficiary")
    from .importing import CHUNK_ROWS, check_rows, file_format_for, read_dataset
    from .resources import registered_ids

    file_format = file_format_for(file_name)
    checked = check_rows(read_dataset(content, file_format), progress=progress)
    if checked.unreadable:
        raise ValidationError(_IMPORT_FAILED, code="failed")
    if len(checked.people) != expected_rows or expected_rows == 0:
        raise _import_changed(len(checked.people), expected_rows)
    if saving is not None:
        saving()
    try:
        with transaction.atomic():
            for person in checked.people:
                person.created_by = actor
            Beneficiary.objects.bulk_create(checked.people, batch_size=CHUNK_ROWS)
            return beneficiary_import_record(
                actor=actor,
                beneficiaries=checked.people,
                file_name=file_name,
                file_format=file_format,
                rejected_rows=len(checked.problems),
            )
    except IntegrityError:
        # Rolled back whole. Say why when it is what can happen here: someone registered one of the IDs.
        if registered_ids(person.national_id for person in checked.people):
            raise ValidationError(
                _(
                    "One of the file's ID numbers was registered while it was being imported; nothing was "
                    "imported. Check the preview again."
                ),
                code="duplicate",
            ) from None
        raise ValidationError(_IMPORT_FAILED, code="failed") from None


def beneficiary_import_start(*, actor, token: str, file_name: str, expected_rows: int) -> ImportRun:
    """Queue the import of a previewed file (kept in the private stash under ``token``) for a worker; the
    page follows the returned run. A second confirmation of the same file while it runs gets the same run."""
    authorize(actor, "beneficiaries.import_beneficiary")
    from .importing import stash_read

    stash_read(token)  # refuses an expired or malformed token now, not in the worker
    active = (
        ImportRun.objects.filter(user=actor, token=token).exclude(status__in=ImportRun.FINAL).order_by("-pk").first()
    )
    if active is not None:
        return active
    run = ImportRun.objects.create(
        user=actor,
        token=token,
        file_name=file_name[:200],
        expected_rows=expected_rows,
        language=translation.get_language() or "",
    )
    transaction.on_commit(lambda: _import_dispatch(run.pk))
    return run


def _import_dispatch(run_pk: int) -> None:
    from .tasks import import_beneficiaries

    try:
        import_beneficiaries.apply_async(args=[run_pk])
    except Exception as exc:  # the broker is down: say so on the page rather than wait forever
        logger.warning("Broker unavailable (%s): import run %s not started", exc, run_pk)
        _import_progress(
            run_pk,
            status=ImportRun.Status.FAILED,
            error=_("The import could not be started; nothing was imported. Try again in a moment."),
        )


def _import_progress(run_pk: int, **fields) -> None:
    # Outside the import's transaction: committed at once, so the uploader's page sees it.
    ImportRun.objects.filter(pk=run_pk).update(updated_at=timezone.now(), **fields)


def beneficiary_import_run(run_pk: int) -> ImportRun | None:
    """The worker's side of an import: check and import the run's file (``beneficiary_import``), recording
    progress on the run and its outcome, in the uploader's language. Runs once: a run no longer queued is
    left alone."""
    if not ImportRun.objects.filter(pk=run_pk, status=ImportRun.Status.QUEUED).update(
        status=ImportRun.Status.CHECKING, updated_at=timezone.now()
    ):
        return None
    run = ImportRun.objects.select_related("user").get(pk=run_pk)
    with translation.override(run.language or settings.LANGUAGE_CODE):
        _import_run(run)
    run.refresh_from_db()
    return run


def _import_run(run: ImportRun) -> None:
    from .importing import stash_discard, stash_read

    run_pk = run.pk
    try:
        transfer = beneficiary_import(
            actor=run.user,
            content=stash_read(run.token),
            file_name=run.file_name,
            expected_rows=run.expected_rows,
            progress=lambda done, total: _import_progress(run_pk, rows_checked=done, rows_total=total),
            saving=lambda: _import_progress(run_pk, status=ImportRun.Status.SAVING),
        )
    except (ValidationError, PermissionDenied) as exc:
        reason = " ".join(getattr(exc, "messages", [])) or _("You may not import beneficiaries.")
        _import_progress(run_pk, status=ImportRun.Status.FAILED, error=reason)
    except Exception:
        logger.exception("Import run %s failed", run_pk)
        _import_progress(run_pk, status=ImportRun.Status.FAILED, error=_IMPORT_FAILED)
    else:
        _import_progress(run_pk, status=ImportRun.Status.DONE, transfer=transfer)
        stash_discard(run.token)


@transaction.atomic
def beneficiary_export(*, actor, queryset, file_format: str, for_partner: bool = False) -> bytes:
    """Every column in full (a data-protection tool: a person's data on request, or the registry for
    the board); only for holders of both permissions, and logged. ``for_partner``: the file goes to a partner
    entity, so only the people whose consent to data sharing is in force are in it (logged as sharing)."""
    authorize(actor, *EXPORT_PERMISSIONS)
    if file_format not in ("xlsx", "csv"):
        raise ValidationError(_("Choose Excel (.xlsx) or CSV."), code="format")
    if for_partner:
        queryset = queryset.filter(pk__in=consenting(Consent.Purpose.DATA_SHARING).values("beneficiary_id"))
    from association.kernel import spreadsheets

    from .resources import BeneficiaryResource

    dataset = BeneficiaryResource().export(queryset=queryset)
    # One writer for every export: text that looks like a formula never runs as one.
    content = spreadsheets.dataset_bytes(dataset, file_format)
    kind = BulkTransfer.Kind.SHARING if for_partner else BulkTransfer.Kind.EXPORT
    BulkTransfer.objects.create(kind=kind, user=actor, file_format=file_format, rows=len(dataset))
    return content
