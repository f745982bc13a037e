"""Data protection writes (PDPL): data-subject requests, the subject's export, erasure and retention.

Every function a person calls authorizes its actor first; the sweeps (retention, late requests) have no
actor: what is due in the database decides, and a second run changes nothing.
"""

import datetime as dt
import json
import logging

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from association.kernel import registry
from association.kernel.lifecycle import transition
from association.kernel.permissions import authorize
from association.kernel.roles import Role

from ..models import Beneficiary, BeneficiaryChange, BulkTransfer
from .models import ErasureRecord, LegalHold, RetentionRule, SubjectRequest, SubjectRequestEvent
from .retention import RetentionKind, retention_kinds
from .subject import subject_data

logger = logging.getLogger(__name__)

ERASED_NAME = "محذوف الهوية"
BENEFICIARY_KIND = "beneficiary"
EXPORT_PERMISSION = "beneficiaries.export_subject_data"

S = SubjectRequest.Status
# Who may close a request: a copy or a correction is answered by whoever handles these requests; an erasure
# is the manager's decision (approved: carried out at once; refused: with the reason).
TRANSITIONS = {
    S.OPEN: {S.COMPLETED: "beneficiaries.change_subjectrequest", S.REFUSED: "beneficiaries.change_subjectrequest"}
}
ERASURE_TRANSITIONS = {S.OPEN: {S.COMPLETED: "beneficiaries.decide_erasure", S.REFUSED: "beneficiaries.decide_erasure"}}


# --- Data subject requests ------------------------------------------------------------------------------


@transaction.atomic
def subject_request_create(*, beneficiary: Beneficiary, kind: str, received_on: dt.date, details: str, actor):
    """Log a person's request about their data; due 30 days after it was received."""
    authorize(actor, "beneficiaries.add_subjectrequest")
    if received_on and received_on > timezone.localdate():
        raise ValidationError({"received_on": _("The date is in the future.")})
    subject_request = SubjectRequest(
        beneficiary=beneficiary, kind=kind, received_on=received_on, details=details, created_by=actor
    )
    subject_request.full_clean(exclude=["due_on", "beneficiary", "created_by"])
    subject_request.save()
    SubjectRequestEvent.objects.create(
        subject_request=subject_request, old_status="", new_status=S.OPEN, actor=actor, at=timezone.now()
    )
    return subject_request


def _close(subject_request: SubjectRequest, *, to: str, actor, answer: str, table) -> SubjectRequest:
    now = timezone.now()
    return transition(
        subject_request,
        to=to,
        actor=actor,
        table=table,
        reason=answer,
        audit=SubjectRequestEvent,
        now=now,
        closed_at=now,
        closed_by=actor,
        answer=answer,
    )


def subject_request_close(*, subject_request: SubjectRequest, outcome: str, answer: str, actor) -> SubjectRequest:
    """Answer a copy or a correction request (``outcome``: completed or refused; a refusal gives its reason).
    An erasure request is decided with ``erasure_decide``."""
    if subject_request.kind == SubjectRequest.Kind.ERASURE:
        raise ValidationError(_("An erasure request is decided by the manager."), code="invalid_transition")
    if outcome == S.REFUSED and not answer.strip():
        raise ValidationError({"answer": _("Give the reason for the refusal.")})
    return _close(subject_request, to=outcome, actor=actor, answer=answer.strip(), table=TRANSITIONS)


def erasure_blockers(beneficiary: Beneficiary) -> list[str]:
    """Why this person's data may not be anonymised now (a legal hold, work still open); empty when it may."""
    reasons = [
        _("A legal hold keeps this person's data: %(reason)s") % {"reason": hold.reason}
        for hold in LegalHold.objects.filter(beneficiary=beneficiary, lifted_at__isnull=True)
    ]
    reasons += [str(reason) for reason in registry.collect("beneficiary_open_work", beneficiary=beneficiary)]
    return reasons


def erasure_decide(*, subject_request: SubjectRequest, approve: bool, reason: str, actor) -> SubjectRequest:
    """The manager's decision on an erasure request. Approved: the person's identity is removed at once, the
    same way the retention sweep does it; refused: the reason is kept and shown to the person's file."""
    authorize(actor, "beneficiaries.decide_erasure")
    if subject_request.kind != SubjectRequest.Kind.ERASURE:
        raise ValidationError(_("This is not an erasure request."), code="invalid_transition")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the decision.")})
    if not approve:
        return _close(subject_request, to=S.REFUSED, actor=actor, answer=reason, table=ERASURE_TRANSITIONS)
    with transaction.atomic():
        beneficiary = Beneficiary.objects.select_for_update().get(pk=subject_request.beneficiary_id)
        blockers = erasure_blockers(beneficiary)
        if blockers:
            raise ValidationError({"reason": blockers})
        closed = _close(subject_request, to=S.COMPLETED, actor=actor, answer=reason, table=ERASURE_TRANSITIONS)
        beneficiary_anonymise(
            beneficiary=beneficiary, source=ErasureRecord.Source.REQUEST, actor=actor, subject_request=closed
        )
    return closed


def _managers():
    return get_user_model().objects.filter(is_active=True, groups__name=Role.MANAGER).exclude(email="").distinct()


def _tell_managers(subject: str, body: str) -> None:
    recipients = list(_managers().values_list("email", flat=True))
    if recipients:
        send_mail(subject, body, None, recipients, fail_silently=False)


def subject_requests_escalate(*, now=None) -> int:
    """Periodic: tell the managers, once, of every open request past its 30 days. Re-read under lock, so two
    sweeps cannot both escalate one request."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    late = SubjectRequest.objects.filter(status=S.OPEN, due_on__lt=today, escalated_at__isnull=True)
    escalated = 0
    for pk in late.values_list("pk", flat=True):
        with transaction.atomic():
            row = (
                SubjectRequest.objects.select_for_update()
                .filter(pk=pk, status=S.OPEN, escalated_at__isnull=True)
                .select_related("beneficiary")
                .first()
            )
            if row is None:
                continue
            row.escalated_at = now
            row.save(update_fields=["escalated_at"])
            subject = _("A request about personal data is late")
            body = _("A %(kind)s request received on %(received)s was due on %(due)s and is still open: %(url)s") % {
                "kind": row.get_kind_display(),
                "received": row.received_on.isoformat(),
                "due": row.due_on.isoformat(),
                "url": _site_url(row.get_absolute_url()),
            }
            transaction.on_commit(lambda s=subject, b=body: _tell_managers(s, b))
            escalated += 1
    return escalated


def _site_url(path: str) -> str:
    from django.conf import settings

    return settings.SITE_URL.rstrip("/") + path


# --- The subject's export ----------------------------------------------------------------------------------


def _rows(data: dict) -> int:
    return sum(len(found["rows"]) for found in data["sections"])


def subject_json(beneficiary: Beneficiary) -> bytes:
    return json.dumps(subject_data(beneficiary), ensure_ascii=False, indent=2).encode()


def subject_pdf(beneficiary: Beneficiary) -> bytes:
    from association.kernel.pdf import render_pdf

    data = subject_data(beneficiary)
    for found in data["sections"]:
        # Narrow sections read as a table; wide ones (the profile) one labelled line per value.
        found["wide"] = len(found["columns"]) > 5
        found["cells"] = [[row[col["key"]] for col in found["columns"]] for row in found["rows"]]
        found["pairs"] = [[(col["label"], row[col["key"]]) for col in found["columns"]] for row in found["rows"]]
    return render_pdf("beneficiaries/pdf/subject_export.html", {"data": data, "beneficiary": beneficiary})


def _subject_file(beneficiary: Beneficiary, file_format: str, *, kind: str, actor) -> tuple[bytes, str]:
    if file_format not in ("json", "pdf"):
        raise ValidationError({"file_format": _("Choose JSON or PDF.")})
    content = subject_pdf(beneficiary) if file_format == "pdf" else subject_json(beneficiary)
    name = f"subject-{beneficiary.public_id}.{file_format}"
    BulkTransfer.objects.create(
        kind=kind,
        user=actor,
        beneficiary=beneficiary,
        file_format=file_format,
        file_name=name,
        rows=_rows(subject_data(beneficiary)) if file_format == "pdf" else _rows(json.loads(content)),
    )
    return content, name


def subject_export(*, beneficiary: Beneficiary, file_format: str, actor) -> tuple[bytes, str]:
    """One person's data as ``json`` or ``pdf`` for a member of staff; the export is logged (who, whom, when)
    for the managers' review. ``actor=None``: the command line (``manage.py subject_export``)."""
    if actor is not None:
        authorize(actor, EXPORT_PERMISSION)
    return _subject_file(beneficiary, file_format, kind=BulkTransfer.Kind.SUBJECT, actor=actor)


def subject_copy(*, beneficiary: Beneficiary, file_format: str) -> tuple[bytes, str]:
    """The person's own copy, the same content as the staff export, logged as downloaded by the person. No
    staff permission: the caller (the self-service, once the person has signed in and given the last digits
    of their ID) has established that ``beneficiary`` is the one asking."""
    return _subject_file(beneficiary, file_format, kind=BulkTransfer.Kind.SELF_COPY, actor=None)


# --- Erasure -------------------------------------------------------------------------------------------------


def _delete_files_after_commit(names: list[str]) -> None:
    def delete():
        for name in names:
            try:
                default_storage.delete(name)
            except OSError:  # already gone: the identity is removed either way
                logger.warning("erasure: could not delete a stored file")

    if names:
        transaction.on_commit(delete)


def _scrub_registry(beneficiary: Beneficiary) -> dict[str, int]:
    """Remove identity from what the registry holds; keep what statistics read (gender, city, nationality,
    year of birth, incomes, document kinds, consents, the access log's who and when)."""
    counts = {"beneficiary": 1}
    id_type = beneficiary.id_type
    beneficiary.first_name, beneficiary.father_name, beneficiary.grandfather_name, beneficiary.family_name = (
        ERASED_NAME,
        "",
        "",
        "",
    )
    # Unique and never a real number (real IDs start with 1 or 2).
    beneficiary.national_id = f"0{beneficiary.pk:09d}"[-10:]
    beneficiary.mobile = beneficiary.district = beneficiary.iban = ""
    beneficiary.health_notes = beneficiary.disability_notes = ""
    beneficiary.birth_date = dt.date(beneficiary.birth_date.year, 1, 1)
    beneficiary.version += 1
    beneficiary.save()
    Beneficiary.objects.filter(pk=beneficiary.pk).update(id_type=id_type)
    counts["household"] = beneficiary.household.update(name="", national_id="", health_notes="")
    files = []
    for document in beneficiary.documents.all():
        if document.file:
            files.append(document.file.name)
        document.file, document.original_name, document.note = "", "", ""
        document.save(update_fields=["file", "original_name", "note"])
        counts["documents"] = counts.get("documents", 0) + 1
    _delete_files_after_commit(files)
    # The edit history held old values of names and mobiles; its dates and authors stay.
    counts["history"] = BeneficiaryChange.objects.filter(beneficiary=beneficiary).update(changes=[])
    # An access log line may name a household member or a file.
    beneficiary.sensitive_accesses.exclude(item="").update(item="")
    beneficiary.subject_requests.update(details="")
    return {key: value for key, value in counts.items() if value}


def beneficiary_anonymise(*, beneficiary: Beneficiary, source: str, actor=None, subject_request=None, now=None):
    """Remove this person's identity everywhere (the registry, then every app through the registry slot
    ``subject_erasure``: ``provider(*, beneficiary) -> {label: count}``, called before the registry's own
    values are replaced, so a provider may still match the person's ID hash or mobile) and write the one audit row, which
    says what kinds of records and how many, never their content. Returns the record, or ``None`` when the
    person was anonymised already (idempotent)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Beneficiary.objects.select_for_update().get(pk=beneficiary.pk)
        if ErasureRecord.objects.filter(beneficiary=locked).exists():
            return None
        # The apps first: some find their records by the person's ID or mobile (a volunteer, a self-service
        # sign-in), which the registry's scrub replaces.
        found_in_apps: dict[str, int] = {}
        for found in registry.collect("subject_erasure", beneficiary=locked):
            for key, value in found.items():
                if value:
                    found_in_apps[key] = found_in_apps.get(key, 0) + int(value)
        counts = _scrub_registry(locked)
        for key, value in found_in_apps.items():
            counts[key] = counts.get(key, 0) + value
        record = ErasureRecord.objects.create(
            kind=BENEFICIARY_KIND,
            source=source,
            beneficiary=locked,
            subject_request=subject_request,
            actor=actor,
            at=now,
            records=counts,
        )
    beneficiary.refresh_from_db()
    return record


# --- Retention ---------------------------------------------------------------------------------------------


def held_beneficiary_ids() -> set[int]:
    """People whose data must stay whatever its age: an active legal hold, or a request about their data
    still open."""
    held = set(LegalHold.objects.filter(lifted_at__isnull=True).values_list("beneficiary_id", flat=True))
    held |= set(SubjectRequest.objects.filter(status=S.OPEN).values_list("beneficiary_id", flat=True))
    return held


def _last_activity(beneficiary: Beneficiary):
    moments = [beneficiary.updated_at, *registry.collect("beneficiary_last_activity", beneficiary=beneficiary)]
    return max(moment for moment in moments if moment is not None)


def sweep_beneficiaries(*, cutoff, held: set[int], now) -> int:
    """Kind ``beneficiary``: the files with no activity since ``cutoff`` (in any app), no open work and no
    hold are anonymised."""
    candidates = (
        Beneficiary.objects.filter(updated_at__lt=cutoff, erasures__isnull=True)
        .exclude(pk__in=held)
        .values_list("pk", flat=True)
    )
    done = 0
    for pk in list(candidates):
        beneficiary = Beneficiary.objects.get(pk=pk)
        if _last_activity(beneficiary) >= cutoff or erasure_blockers(beneficiary):
            continue
        if beneficiary_anonymise(beneficiary=beneficiary, source=ErasureRecord.Source.RETENTION, now=now):
            done += 1
    return done


def beneficiary_retention_kind() -> RetentionKind:
    return RetentionKind(
        code=BENEFICIARY_KIND, label=_("Beneficiary files (since their last activity)"), sweep=sweep_beneficiaries
    )


def retention_sweep(*, now=None) -> dict[str, int]:
    """Periodic: for every retention period set in admin, anonymise what is due; never what a hold or an open
    request keeps. Returns ``{kind: records anonymised}``; a kind other than ``beneficiary`` that changed
    records leaves one audit row."""
    now = now or timezone.now()
    kinds = retention_kinds()
    held = held_beneficiary_ids()
    done = {}
    for rule in RetentionRule.objects.filter(is_active=True):
        kind = kinds.get(rule.kind)
        if kind is None:
            continue
        count = kind.sweep(cutoff=now - dt.timedelta(days=rule.days), held=held, now=now)
        done[rule.kind] = count
        if count and rule.kind != BENEFICIARY_KIND:
            ErasureRecord.objects.create(
                kind=rule.kind, source=ErasureRecord.Source.RETENTION, at=now, records={rule.kind: count}
            )
    return done
