"""Every write to a support request that has a rule.

The lifecycle is the ``TRANSITIONS`` table below: from each status, the statuses it may go to and the
roles that may take that step. Each step is a service here that runs in one transaction, re-reads the
request under a row lock, checks the actor against the table, writes an append-only ``StatusChange``
and records its notifications. Nothing else assigns ``SupportRequest.status``.
"""

import base64
import binascii
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from association.kernel.actions import Action
from association.kernel.dates import hijri_year
from association.kernel.roles import Role, has_role
from association.policy.services import policy_decision_window_days, policy_in_force
from surveys.services import invitation_for_event

from .models import (
    CommitteeDecision,
    CommitteeSettings,
    CommitteeVote,
    Declaration,
    Delivery,
    EligibilityRule,
    EligibilityRuleSet,
    RequestNotification,
    RequestSequence,
    ServiceType,
    SocialStudy,
    StatusChange,
    SupportRequest,
)
from .wording import decision_statement_lazy

S = SupportRequest.Status
OFFICER, RESEARCHER = Role.RELATIONS_OFFICER, Role.SOCIAL_RESEARCHER
MEMBER, CHAIR, MANAGER = Role.COMMITTEE_MEMBER, Role.COMMITTEE_CHAIR, Role.MANAGER
COMMITTEE_ROLES = (MEMBER, CHAIR)

# The lifecycle on one screen: status -> {next status: roles that may take the step}. Superusers may take any.
TRANSITIONS: dict[str, dict[str, tuple[str, ...]]] = {
    S.DRAFT: {S.SUBMITTED: (OFFICER,), S.INCOMPLETE: (OFFICER,), S.WITHDRAWN: (OFFICER,)},
    S.INCOMPLETE: {S.SUBMITTED: (OFFICER,), S.WITHDRAWN: (OFFICER,)},
    S.SUBMITTED: {
        S.IN_RESEARCH: (OFFICER, CHAIR),
        S.AWAITING_COMMITTEE: (OFFICER,),
        S.INCOMPLETE: (OFFICER,),
        S.WITHDRAWN: (OFFICER,),
    },
    S.IN_RESEARCH: {S.AWAITING_COMMITTEE: (RESEARCHER,), S.INCOMPLETE: (RESEARCHER,), S.WITHDRAWN: (OFFICER,)},
    S.AWAITING_COMMITTEE: {
        S.APPROVED: (CHAIR,),
        S.REJECTED: (CHAIR,),
        S.IN_RESEARCH: (CHAIR,),
        S.WITHDRAWN: (OFFICER,),
    },
    S.APPROVED: {S.REGISTERED: (OFFICER,)},
    # Back to the committee is the one appeal (reconsideration).
    S.REJECTED: {S.AWAITING_COMMITTEE: (OFFICER,), S.CLOSED: (OFFICER, MANAGER)},
    S.REGISTERED: {S.SERVICE_DELIVERED: (OFFICER,)},
    S.SERVICE_DELIVERED: {S.CLOSED: (OFFICER, MANAGER)},
    S.CLOSED: {},
    S.WITHDRAWN: {},
}

# Statuses in which a request waits for the association (used for overdue and escalation).
UNDECIDED = (S.SUBMITTED, S.IN_RESEARCH, S.AWAITING_COMMITTEE)

RIYADH = ZoneInfo("Asia/Riyadh")

# The declaration (إقرار) is a legal text: the exact version signed is stored with the request, so it is
# kept here verbatim in Arabic rather than translated. A new wording is a new version key.
DECLARATION_VERSION = "1447-1"
DECLARATION_TEXTS = {
    "1447-1": (
        "أقر أنا مقدم الطلب بأن جميع البيانات والمعلومات والمستندات التي قدمتها إلى الجمعية صحيحة وكاملة "
        "ومطابقة للأصل، وأنني المسؤول مسؤولية مباشرة عن صحتها، وأتعهد بإبلاغ الجمعية بأي تغيير يطرأ عليها، "
        "وأقبل بأن تتحقق الجمعية منها بالوسائل النظامية، وأعلم أن تقديم بيانات غير صحيحة يلغي الطلب وما ترتب عليه."
    ),
}
SIGNATURE_MAX_BYTES = 512 * 1024
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def can_transition(user, old: str, new: str) -> bool:
    roles = TRANSITIONS.get(old, {}).get(new)
    return roles is not None and has_role(user, *roles)


def allowed_targets(user, status: str) -> list[str]:
    return [new for new in TRANSITIONS.get(status, {}) if can_transition(user, status, new)]


def _forbidden() -> ValidationError:
    return ValidationError(_("You may not take this step on this request."), code="forbidden")


def _lock(support_request: SupportRequest) -> SupportRequest:
    # Re-read under a row lock: two people acting on the same request at once are serialised here,
    # and the second sees the first one's status.
    return SupportRequest.objects.select_for_update().get(pk=support_request.pk)


def _transition(locked: SupportRequest, *, new: str, actor, reason: str, now, extra_fields=()) -> StatusChange:
    old = locked.status
    if new not in TRANSITIONS.get(old, {}):
        raise ValidationError(
            _("A request in status “%(old)s” cannot move to “%(new)s”.") % {"old": S(old).label, "new": S(new).label},
            code="invalid_transition",
        )
    if not can_transition(actor, old, new):
        raise _forbidden()
    locked.status = new
    locked.save(update_fields=["status", *extra_fields])
    return StatusChange.objects.create(
        support_request=locked, old_status=old, new_status=new, actor=actor, reason=reason, at=now
    )


def _notify(
    *, event: str, key: str, support_request: SupportRequest, beneficiary=None, user=None, context=None
) -> bool:
    """The one place a lifecycle notification leaves this app: recorded here once per ``key`` (a rerun of a
    sweep finds the key and sends nothing) and queued as outgoing messages by ``channels_log.messaging.services``.
    Called inside the caller's transaction: a rolled-back step notifies no one, and the messages are
    handed to the workers on commit."""
    from channels_log.messaging.services import message_queue

    context = {
        "reference": support_request.number or "",
        "service": support_request.service_type.name,
        **(context or {}),
    }
    if user is not None:
        context["url"] = settings.SITE_URL.rstrip("/") + support_request.get_absolute_url()
    _row, created = RequestNotification.objects.get_or_create(
        key=key,
        defaults={
            "event": event,
            "support_request": support_request,
            "user": user,
            "context": {k: str(v) for k, v in context.items()},
            "created_at": timezone.now(),
        },
    )
    if created:
        message_queue(
            event=event,
            key=f"requests:{key}",
            beneficiary=None if user is not None else beneficiary,
            user=user,
            context={**context, "support_request": support_request},
        )
    return created


# ---- policy numbers -------------------------------------------------------------------------------------


def decision_window_days(at=None) -> int:
    """The committee's minimum days between submission and decision: the board-approved policy in force,
    else ``settings.DEFAULT_DECISION_WINDOW_DAYS``."""
    return int(policy_decision_window_days(at))


def decidable_from(support_request: SupportRequest) -> dt.datetime | None:
    """The first moment the committee may decide: 00:00 Riyadh on the submission's Riyadh calendar date plus
    the window in force when it was submitted (submitted any time on day 0 → decidable from day N 00:00)."""
    if support_request.submitted_at is None:
        return None
    day0 = support_request.submitted_at.astimezone(RIYADH).date()
    return dt.datetime.combine(day0 + dt.timedelta(days=support_request.decision_window_days), dt.time.min, RIYADH)


def decision_due(support_request: SupportRequest) -> dt.datetime | None:
    """After this moment an undecided request is overdue and escalates to the manager."""
    if support_request.submitted_at is None:
        return None
    day0 = support_request.submitted_at.astimezone(RIYADH).date()
    days = CommitteeSettings.get_solo().overdue_days
    return dt.datetime.combine(day0 + dt.timedelta(days=days), dt.time.min, RIYADH)


def overdue_filter(now=None) -> Q:
    """Undecided requests submitted ``overdue_days`` or more Riyadh calendar days ago."""
    now = now or timezone.now()
    days = CommitteeSettings.get_solo().overdue_days
    cutoff_day = now.astimezone(RIYADH).date() - dt.timedelta(days=days)
    cutoff = dt.datetime.combine(cutoff_day + dt.timedelta(days=1), dt.time.min, RIYADH)
    return Q(status__in=UNDECIDED, submitted_at__lt=cutoff)


def committee_members():
    return get_user_model().objects.filter(is_active=True, groups__name__in=COMMITTEE_ROLES).distinct()


def quorum_required() -> int:
    configured = CommitteeSettings.get_solo().quorum
    if configured:
        return configured
    return committee_members().count() // 2 + 1


def _next_number(now) -> str:
    year = hijri_year(now.astimezone(RIYADH).date())
    # get_or_create survives two first submissions of a year racing; the row lock then serialises the count.
    RequestSequence.objects.get_or_create(hijri_year=year)
    sequence = RequestSequence.objects.select_for_update().get(hijri_year=year)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return f"{year}-{sequence.last_number:06d}"


# ---- intake ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChecklistItem:
    document_type: object
    supplied: bool
    verified: bool


def required_documents_checklist(*, beneficiary, service_type: ServiceType) -> list[ChecklistItem]:
    """For each document the service requires: has the beneficiary supplied it, and has staff verified it?"""
    required = list(service_type.required_documents.all())
    supplied: dict[int, bool] = {}
    for type_id, verified_at in beneficiary.documents.values_list("document_type_id", "verified_at"):
        supplied[type_id] = supplied.get(type_id, False) or verified_at is not None
    return [
        ChecklistItem(document_type=dt_, supplied=dt_.pk in supplied, verified=supplied.get(dt_.pk, False))
        for dt_ in required
    ]


def _document_gaps(support_request: SupportRequest) -> list[tuple[object, object]]:
    """Each required document the request still lacks: (document type, the supplied document awaiting
    verification or None when nothing was supplied). One query for the types, one for the documents."""
    required = list(support_request.service_type.required_documents.all())
    documents: dict[int, list] = {}
    for document in support_request.beneficiary.documents.filter(document_type__in=required).order_by("-supplied_at"):
        documents.setdefault(document.document_type_id, []).append(document)
    gaps = []
    for document_type in required:
        supplied = documents.get(document_type.pk, [])
        if not any(d.verified_at is not None for d in supplied):
            gaps.append((document_type, supplied[0] if supplied else None))
    return gaps


def _missing_line(document_type, document) -> str:
    if document is None:
        return _("%(document)s: not supplied") % {"document": document_type.name}
    return _("%(document)s: supplied but not verified by staff") % {"document": document_type.name}


def missing_items(support_request: SupportRequest) -> list[str]:
    """Exactly what stops the request from being submitted, one line per item."""
    items = [_missing_line(document_type, document) for document_type, document in _document_gaps(support_request)]
    if not Declaration.objects.filter(support_request=support_request).exists():
        items.append(_("The declaration (إقرار) is not signed"))
    return items


# The statuses in which the applicant still completes the request at the desk.
INTAKE = (S.DRAFT, S.INCOMPLETE)


@dataclass(frozen=True)
class MissingItem:
    """One line of «still missing» on the request page, with what this user may do about it there."""

    label: str
    document_type: object = None  # None for the declaration
    document: object = None  # a supplied document waiting to be verified against the original
    may_upload: bool = False
    may_verify: bool = False
    url: str = ""  # the declaration page, for the declaration line
    form: object = None  # attached by the view


def still_missing(support_request: SupportRequest, user) -> list[MissingItem]:
    """What the request lacks before it can be submitted, while it is completed at the desk (empty
    otherwise), each document with whether ``user`` may hand it in or verify it from the request page."""
    if support_request.status not in INTAKE:
        return []
    may_upload = user.has_perm("beneficiaries.add_document")
    may_verify = user.has_perm("beneficiaries.verify_document")
    items = [
        MissingItem(
            label=_missing_line(document_type, document),
            document_type=document_type,
            document=document,
            may_upload=may_upload and document is None,
            may_verify=may_verify,
        )
        for document_type, document in _document_gaps(support_request)
    ]
    if not Declaration.objects.filter(support_request=support_request).exists():
        may_sign = has_role(user, OFFICER) and user.has_perm("requests_app.process_supportrequest")
        items.append(
            MissingItem(
                label=_("The declaration (إقرار) is not signed"),
                url=reverse("requests_app:declaration", args=[support_request.pk]) if may_sign else "",
            )
        )
    return items


@transaction.atomic
def request_document_supply(
    *, support_request: SupportRequest, document_type, uploaded_file, actor, verified: bool = False
):
    """A missing document handed in at the desk, from the request page: stored with the registry's upload
    rule (size, real type) and, when the officer matched it against the original, verified at once.
    A refused file leaves nothing behind."""
    from beneficiaries.services import document_add, document_verify

    if not actor.has_perm("beneficiaries.add_document"):
        raise PermissionDenied
    if verified and not actor.has_perm("beneficiaries.verify_document"):
        raise PermissionDenied
    locked = _intake_locked(support_request, document_type)
    document = document_add(
        beneficiary=locked.beneficiary, document_type=document_type, uploaded_file=uploaded_file, actor=actor
    )
    if verified:
        document = document_verify(document=document, actor=actor)
    return document


@transaction.atomic
def request_document_verify(*, support_request: SupportRequest, document_type, actor):
    """The officer matched the supplied document against the original, from the request page."""
    from beneficiaries.services import document_verify

    if not actor.has_perm("beneficiaries.verify_document"):
        raise PermissionDenied
    locked = _intake_locked(support_request, document_type)
    document = locked.beneficiary.documents.filter(document_type=document_type).order_by("-supplied_at", "-pk").first()
    if document is None:
        raise ValidationError(_("No %(document)s was supplied yet.") % {"document": document_type.name})
    return document_verify(document=document, actor=actor)


def _intake_locked(support_request: SupportRequest, document_type) -> SupportRequest:
    locked = _lock(support_request)
    if locked.status not in INTAKE:
        raise ValidationError(
            _("Documents are added from the request page while it is a draft or returned as incomplete."),
            code="invalid_transition",
        )
    if not locked.service_type.required_documents.filter(pk=document_type.pk).exists():
        raise ValidationError(
            _("The service of this request does not require %(document)s.") % {"document": document_type.name}
        )
    return locked


@transaction.atomic
def support_request_create_draft(
    *, beneficiary, service_type: ServiceType, channel, description: str, actor
) -> SupportRequest:
    """Open a draft request at the intake desk; it gets its number only when submitted."""
    if not has_role(actor, OFFICER):
        raise _forbidden()
    if not service_type.is_active:
        raise ValidationError({"service_type": _("This service is not offered at the moment.")})
    support_request = SupportRequest.objects.create(
        beneficiary=beneficiary, service_type=service_type, channel=channel, description=description, created_by=actor
    )
    StatusChange.objects.create(
        support_request=support_request,
        old_status="",
        new_status=S.DRAFT,
        actor=actor,
        reason=_("Opened at the intake desk"),
        at=timezone.now(),
    )
    return support_request


@transaction.atomic
def support_request_submit(*, support_request: SupportRequest, actor) -> SupportRequest:
    """The completeness gate: every required document supplied and verified, the declaration signed.
    A complete request gets its number (once) and the decision window in force today."""
    now = timezone.now()
    locked = _lock(support_request)
    if not can_transition(actor, locked.status, S.SUBMITTED):
        if S.SUBMITTED not in TRANSITIONS.get(locked.status, {}):
            raise ValidationError(
                _("This request cannot be submitted in its current status."), code="invalid_transition"
            )
        raise _forbidden()
    missing = missing_items(locked)
    if missing:
        raise ValidationError([ValidationError(m, code="incomplete") for m in missing])
    if not locked.number:
        locked.number = _next_number(now)
    locked.submitted_at = now
    # The request keeps the policy version (and its window) in force when it was submitted.
    locked.policy_version = policy_in_force(now)
    locked.decision_window_days = decision_window_days(now)
    locked.missing_items = []
    _transition(
        locked,
        new=S.SUBMITTED,
        actor=actor,
        now=now,
        reason=_("Complete: documents verified and declaration signed"),
        extra_fields=["number", "submitted_at", "policy_version", "decision_window_days", "missing_items"],
    )
    _notify(
        event="request_received",
        key=f"request_received:{locked.pk}:{now.isoformat()}",
        support_request=locked,
        beneficiary=locked.beneficiary,
        context={"due_date": decidable_from(locked).date().isoformat()},
    )
    return locked


@transaction.atomic
def support_request_return_incomplete(*, support_request: SupportRequest, actor, note: str = "") -> SupportRequest:
    """Return the request to the beneficiary with the list of what is missing (computed, plus the staff note)."""
    now = timezone.now()
    locked = _lock(support_request)
    if locked.status == S.IN_RESEARCH and not actor.is_superuser and locked.researcher_id != actor.pk:
        # During research only the assigned researcher sends the case back.
        raise _forbidden()
    items = missing_items(locked)
    if note.strip():
        items.append(note.strip())
    if not items:
        raise ValidationError({"note": _("Nothing is missing: write what the beneficiary still has to supply.")})
    locked.missing_items = items
    _transition(locked, new=S.INCOMPLETE, actor=actor, now=now, reason="\n".join(items), extra_fields=["missing_items"])
    _notify(
        event="request_incomplete",
        key=f"request_incomplete:{locked.pk}:{now.isoformat()}",
        support_request=locked,
        beneficiary=locked.beneficiary,
        context={"missing": "، ".join(items)},
    )
    return locked


@transaction.atomic
def support_request_withdraw(*, support_request: SupportRequest, actor, reason: str) -> SupportRequest:
    if not reason.strip():
        raise ValidationError({"reason": _("Write why the request is withdrawn.")})
    locked = _lock(support_request)
    _transition(locked, new=S.WITHDRAWN, actor=actor, now=timezone.now(), reason=reason.strip())
    return locked


@transaction.atomic
def support_request_send_to_committee(*, support_request: SupportRequest, actor, reason: str = "") -> SupportRequest:
    """A clear case goes from intake straight to the committee (unclear ones go to research first)."""
    locked = _lock(support_request)
    if locked.status != S.SUBMITTED:
        # From research the recommendation sends it; from a rejection only the appeal does.
        raise ValidationError(
            _("Only a submitted request is sent straight to the committee."), code="invalid_transition"
        )
    _transition(
        locked,
        new=S.AWAITING_COMMITTEE,
        actor=actor,
        now=timezone.now(),
        reason=reason.strip() or _("Clear case: referred to the research committee"),
    )
    return locked


# ---- declaration ----------------------------------------------------------------------------------------


def _signature_from_data_url(data_url: str) -> bytes:
    prefix = "data:image/png;base64,"
    if not data_url.startswith(prefix):
        raise ValidationError({"signature_data": _("The on-screen signature is not a PNG image.")})
    try:
        data = base64.b64decode(data_url[len(prefix) :], validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError({"signature_data": _("The on-screen signature could not be read.")}) from None
    if not data.startswith(PNG_MAGIC):
        raise ValidationError({"signature_data": _("The on-screen signature is not a PNG image.")})
    if len(data) > SIGNATURE_MAX_BYTES:
        raise ValidationError({"signature_data": _("The on-screen signature is too large.")})
    from association.kernel.uploads import check_image_pixels

    try:
        check_image_pixels(data)  # the declaration's PDF decodes it
    except ValidationError:
        raise ValidationError({"signature_data": _("The on-screen signature is too large.")}) from None
    return data


@transaction.atomic
def declaration_sign(
    *, support_request: SupportRequest, actor, signature_scan=None, signature_data: str = ""
) -> Declaration:
    """The applicant signs the current declaration text before the officer (the witness): a signed scan
    (checked by its bytes, like any document) or a signature drawn on screen (a PNG)."""
    from association.kernel.uploads import uploaded_file_check

    now = timezone.now()
    locked = _lock(support_request)
    if not has_role(actor, OFFICER):
        raise _forbidden()
    if locked.status not in (S.DRAFT, S.INCOMPLETE):
        raise ValidationError(_("The declaration is signed before the request is submitted."))
    if Declaration.objects.filter(support_request=locked).exists():
        raise ValidationError(_("The declaration of this request is already signed."))
    if signature_scan is not None:
        content_type = uploaded_file_check(signature_scan, field="signature_scan")
        content, method = signature_scan, Declaration.Method.SCAN
    elif signature_data:
        content_type = "image/png"
        content, method = ContentFile(_signature_from_data_url(signature_data)), Declaration.Method.SCREEN
    else:
        raise ValidationError(_("Upload the signed declaration or have the applicant sign on screen."))
    declaration = Declaration(
        support_request=locked,
        text_version=DECLARATION_VERSION,
        text=DECLARATION_TEXTS[DECLARATION_VERSION],
        signed_at=now,
        witness=actor,
        method=method,
        signature_content_type=content_type,
    )
    declaration.signature_file.save("signature", content, save=False)
    declaration.save()
    return declaration


# ---- social research ------------------------------------------------------------------------------------


@transaction.atomic
def research_refer(*, support_request: SupportRequest, actor, researcher, reason: str) -> SocialStudy:
    """Refer an unclear case (the officer at intake, or the chair from the committee) to a researcher."""
    now = timezone.now()
    if not reason.strip():
        raise ValidationError({"reason": _("Write why the request is referred to social research.")})
    if not (researcher.is_active and researcher.groups.filter(name=RESEARCHER).exists()):
        raise ValidationError({"researcher": _("Choose an active social researcher.")})
    locked = _lock(support_request)
    locked.researcher = researcher
    _transition(locked, new=S.IN_RESEARCH, actor=actor, now=now, reason=reason.strip(), extra_fields=["researcher"])
    return SocialStudy.objects.create(
        support_request=locked,
        researcher=researcher,
        referred_by=actor,
        referral_reason=reason.strip(),
        referred_at=now,
    )


def active_rule_set(service_type: ServiceType) -> EligibilityRuleSet | None:
    return service_type.rule_sets.filter(is_active=True).order_by("-version").first()


def eligibility_score(*, study: SocialStudy, rule_set: EligibilityRuleSet | None) -> tuple[Decimal | None, int | None]:
    """Income per person and the score the rules give it. Each rule that holds adds its points (max 100)."""
    income_per_person = None
    if study.monthly_income is not None and study.household_size:
        income_per_person = (Decimal(study.monthly_income) / study.household_size).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
    if rule_set is None:
        return income_per_person, None
    C = EligibilityRule.Criterion
    score = 0
    for rule in rule_set.rules.all():
        holds = False
        if rule.criterion == C.INCOME_PER_PERSON_AT_MOST:
            holds = income_per_person is not None and income_per_person <= rule.threshold
        elif rule.criterion == C.HOUSEHOLD_SIZE_AT_LEAST:
            holds = study.household_size is not None and study.household_size >= rule.threshold
        elif rule.criterion == C.EXPENSES_RATIO_AT_LEAST:
            holds = (
                study.monthly_expenses is not None
                and study.monthly_income is not None
                and (study.monthly_income == 0 or study.monthly_expenses * 100 >= rule.threshold * study.monthly_income)
            )
        elif rule.criterion == C.HOUSING_RENTED:
            holds = study.housing == SocialStudy.Housing.RENTED
        elif rule.criterion == C.HOUSING_INADEQUATE:
            holds = study.housing == SocialStudy.Housing.INADEQUATE
        elif rule.criterion == C.HEALTH_CONDITION:
            holds = study.has_health_condition
        if holds:
            score += rule.points
    return income_per_person, min(score, 100)


STUDY_FIELDS = (
    "visit_date",
    "income_sources",
    "monthly_income",
    "monthly_expenses",
    "housing",
    "health",
    "has_health_condition",
    "household_size",
    "household_notes",
)


def _lock_study(study: SocialStudy, actor) -> SocialStudy:
    study = SocialStudy.objects.select_for_update().select_related("support_request").get(pk=study.pk)
    if not (actor.is_superuser or (study.researcher_id == actor.pk and has_role(actor, RESEARCHER))):
        raise _forbidden()
    if study.support_request.status != S.IN_RESEARCH or study.recommended_at is not None:
        raise ValidationError(_("This study is closed."), code="closed")
    return study


@transaction.atomic
def study_record(*, study: SocialStudy, actor, data: dict) -> SocialStudy:
    """The researcher's visit and assessment; the score uses the service's rules in force (kept with the study)."""
    study = _lock_study(study, actor)
    for field in STUDY_FIELDS:
        if field in data:
            setattr(study, field, data[field])
    if study.household_size is not None and study.household_size < 1:
        raise ValidationError({"household_size": _("A household has at least one person.")})
    study.rule_set = active_rule_set(study.support_request.service_type)
    study.income_per_person, study.score = eligibility_score(study=study, rule_set=study.rule_set)
    study.assessed_at = timezone.now()
    study.save()
    return study


@transaction.atomic
def study_recommend(*, study: SocialStudy, actor, recommendation: str, reasons: str) -> SocialStudy:
    """The researcher's recommendation, with reasons; the request goes on to the committee."""
    now = timezone.now()
    study = _lock_study(study, actor)
    if study.assessed_at is None:
        raise ValidationError(_("Record the visit and assessment before recommending."))
    if recommendation not in SocialStudy.Recommendation.values:
        raise ValidationError({"recommendation": _("Choose a recommendation.")})
    if not reasons.strip():
        raise ValidationError({"reasons": _("Write the reasons for the recommendation.")})
    study.recommendation, study.recommendation_reasons, study.recommended_at = recommendation, reasons.strip(), now
    study.save(update_fields=["recommendation", "recommendation_reasons", "recommended_at"])
    locked = _lock(study.support_request)
    _transition(
        locked,
        new=S.AWAITING_COMMITTEE,
        actor=actor,
        now=now,
        reason=_("Research recommendation: %(recommendation)s")
        % {"recommendation": study.get_recommendation_display()},
    )
    return study


# ---- research committee ---------------------------------------------------------------------------------


def _votes_this_round(support_request: SupportRequest):
    return CommitteeVote.objects.filter(
        support_request=support_request, committee_round=support_request.committee_round
    )


@transaction.atomic
def committee_vote(*, support_request: SupportRequest, actor, vote: str, note: str = "") -> CommitteeVote:
    """A member's vote in the current round: approve, reject, abstain — or ``recused`` to declare a conflict of
    interest, after which the member takes no further part in this request's round."""
    locked = _lock(support_request)
    if not has_role(actor, *COMMITTEE_ROLES):
        raise _forbidden()
    if locked.status != S.AWAITING_COMMITTEE:
        raise ValidationError(_("Only a request awaiting the committee can be voted on."), code="not_awaiting")
    if vote not in CommitteeVote.Vote.values:
        raise ValidationError({"vote": _("Choose approve, reject or abstain.")})
    if SocialStudy.objects.filter(support_request=locked, researcher=actor).exists():
        raise ValidationError(_("The researcher who wrote the study cannot vote on it."), code="author")
    existing = _votes_this_round(locked).filter(member=actor).first()
    if existing and existing.vote == CommitteeVote.Vote.RECUSED:
        raise ValidationError(_("You declared a conflict of interest on this request."), code="recused")
    if vote == CommitteeVote.Vote.RECUSED and not note.strip():
        raise ValidationError({"note": _("Describe the conflict of interest.")})
    obj, _created = CommitteeVote.objects.update_or_create(
        support_request=locked,
        committee_round=locked.committee_round,
        member=actor,
        defaults={"vote": vote, "note": note.strip(), "at": timezone.now()},
    )
    return obj


def committee_declare_conflict(*, support_request: SupportRequest, actor, note: str) -> CommitteeVote:
    return committee_vote(support_request=support_request, actor=actor, vote=CommitteeVote.Vote.RECUSED, note=note)


def votes_cast(support_request: SupportRequest) -> int:
    return _votes_this_round(support_request).exclude(vote=CommitteeVote.Vote.RECUSED).count()


GRANT_FIELDS = ("grant_kind", "grant_amount", "grant_items", "grant_period_months")


@transaction.atomic
def committee_decide(
    *, support_request: SupportRequest, actor, outcome: str, reasons: str, grant: dict | None = None
) -> CommitteeDecision:
    """The chair records the committee's decision — only with quorum, and never before the decision window
    has passed (``decidable_from``, Riyadh time, taken from the server clock whatever the client sends)."""
    now = timezone.now()
    if outcome not in CommitteeDecision.Outcome.values:
        raise ValidationError({"outcome": _("Choose approve or reject.")})
    if not has_role(actor, CHAIR):
        raise ValidationError(_("Only the committee chair records the decision."), code="forbidden")
    locked = _lock(support_request)
    if locked.status != S.AWAITING_COMMITTEE:
        # The second of two chairs deciding at once arrives here, after the first one's commit.
        raise ValidationError(_("This request is not awaiting the committee's decision."), code="not_awaiting")
    if _votes_this_round(locked).filter(member=actor, vote=CommitteeVote.Vote.RECUSED).exists():
        raise ValidationError(_("You declared a conflict of interest on this request."), code="recused")
    opens = decidable_from(locked)
    if now < opens:
        raise ValidationError(
            _("The committee may not decide before %(date)s (%(days)s days after submission).")
            % {"date": timezone.localtime(opens).strftime("%Y-%m-%d %H:%M"), "days": locked.decision_window_days},
            code="too_early",
        )
    needed, cast = quorum_required(), votes_cast(locked)
    if cast < needed:
        raise ValidationError(
            _("No quorum: %(cast)s votes cast, %(needed)s needed.") % {"cast": cast, "needed": needed},
            code="no_quorum",
        )
    if not (reasons or "").strip():
        raise ValidationError({"reasons": _("Write the reasons for the decision.")})
    grant = grant or {}
    if outcome == CommitteeDecision.Outcome.APPROVED:
        if not grant.get("grant_kind"):
            raise ValidationError({"grant_kind": _("Record what is granted.")})
        if not (grant.get("grant_amount") or grant.get("grant_items")):
            raise ValidationError({"grant_amount": _("Record the amount or the items granted.")})
    else:
        grant = {}
    decision = CommitteeDecision.objects.create(
        support_request=locked,
        committee_round=locked.committee_round,
        outcome=outcome,
        reasons=reasons.strip(),
        chair=actor,
        decided_at=now,
        **{k: grant.get(k) or (None if k in ("grant_amount", "grant_period_months") else "") for k in GRANT_FIELDS},
    )
    locked.decided_at = now
    _transition(locked, new=outcome, actor=actor, now=now, reason=reasons.strip(), extra_fields=["decided_at"])
    _notify(
        event="decision_made",
        key=f"decision_made:{locked.pk}:r{locked.committee_round}",
        support_request=locked,
        beneficiary=locked.beneficiary,
        # The decision as a sentence («الموافقة على طلبكم رقم … المقدَّم بتاريخ …»), as the letter words it.
        context={"outcome": decision_statement_lazy(decision)},
    )
    invitation_for_event(trigger="decision_made", beneficiary=locked.beneficiary, support_request=locked, actor=actor)
    return decision


@transaction.atomic
def support_request_appeal(*, support_request: SupportRequest, actor, appeal_text: str) -> SupportRequest:
    """A rejected request may be appealed once: the committee reconsiders it in a new round with the appeal."""
    now = timezone.now()
    if not appeal_text.strip():
        raise ValidationError({"appeal_text": _("Write the appeal.")})
    locked = _lock(support_request)
    if locked.status != S.REJECTED:
        raise ValidationError(_("Only a rejected request can be appealed."), code="invalid_transition")
    if locked.appealed_at is not None:
        raise ValidationError(_("This request was already appealed once."), code="appealed")
    locked.appeal_text, locked.appealed_at = appeal_text.strip(), now
    locked.committee_round += 1
    _transition(
        locked,
        new=S.AWAITING_COMMITTEE,
        actor=actor,
        now=now,
        reason=_("Appeal for reconsideration: %(text)s") % {"text": appeal_text.strip()},
        extra_fields=["appeal_text", "appealed_at", "committee_round"],
    )
    return locked


# ---- registration and delivery --------------------------------------------------------------------------


@transaction.atomic
def support_request_register(*, support_request: SupportRequest, actor) -> SupportRequest:
    locked = _lock(support_request)
    _transition(locked, new=S.REGISTERED, actor=actor, now=timezone.now(), reason=_("Registered for the service"))
    return locked


@transaction.atomic
def delivery_record(
    *,
    support_request: SupportRequest,
    actor,
    delivered_on,
    what: str,
    quantity=None,
    amount=None,
    receipt_confirmed: bool = False,
    receipt_note: str = "",
) -> Delivery:
    """One delivery of what was granted; the first one moves the request to ``service_delivered``."""
    now = timezone.now()
    locked = _lock(support_request)
    if not has_role(actor, OFFICER):
        raise _forbidden()
    if locked.status not in (S.REGISTERED, S.SERVICE_DELIVERED):
        raise ValidationError(_("Deliveries are recorded for a registered request."), code="not_registered")
    if not what.strip():
        raise ValidationError({"what": _("Write what was delivered.")})
    if quantity is None and amount is None:
        raise ValidationError({"quantity": _("Record the quantity or the amount delivered.")})
    if delivered_on > timezone.localdate(now):
        raise ValidationError({"delivered_on": _("A delivery cannot be in the future.")})
    delivery = Delivery.objects.create(
        support_request=locked,
        delivered_on=delivered_on,
        what=what.strip(),
        quantity=quantity,
        amount=amount,
        delivered_by=actor,
        receipt_confirmed=receipt_confirmed,
        receipt_note=receipt_note.strip(),
        recorded_at=now,
    )
    if locked.status == S.REGISTERED:
        _transition(locked, new=S.SERVICE_DELIVERED, actor=actor, now=now, reason=what.strip())
        invitation_for_event(
            trigger="service_delivered", beneficiary=locked.beneficiary, support_request=locked, actor=actor
        )
    return delivery


@transaction.atomic
def support_request_close(*, support_request: SupportRequest, actor, reason: str = "") -> SupportRequest:
    locked = _lock(support_request)
    if locked.status == S.SERVICE_DELIVERED and not locked.deliveries.filter(receipt_confirmed=True).exists():
        raise ValidationError(_("Close the request after the beneficiary confirmed receipt of a delivery."))
    _transition(locked, new=S.CLOSED, actor=actor, now=timezone.now(), reason=reason.strip() or _("Closed"))
    return locked


# ---- reminders ------------------------------------------------------------------------------------------


def reminders_sweep(*, now=None) -> int:
    """Remind the chairs when a request becomes decidable and escalate overdue ones to the managers.
    Every reminder has its key: a rerun (or a second beat) sends nothing twice. Returns how many were new."""
    now = now or timezone.now()
    User = get_user_model()
    chairs = list(User.objects.filter(is_active=True, groups__name=CHAIR))
    managers = list(User.objects.filter(is_active=True, groups__name=MANAGER))
    created = 0
    awaiting = SupportRequest.objects.filter(status=S.AWAITING_COMMITTEE).select_related("service_type")
    for support_request in awaiting.iterator():
        if decidable_from(support_request) > now:
            continue
        for chair in chairs:
            with transaction.atomic():
                created += _notify(
                    event="decision_window_open",
                    key=f"decision_window_open:{support_request.pk}:r{support_request.committee_round}:{chair.pk}",
                    support_request=support_request,
                    user=chair,
                )
    for support_request in SupportRequest.objects.filter(overdue_filter(now)).select_related("service_type").iterator():
        for manager in managers:
            with transaction.atomic():
                created += _notify(
                    event="request_overdue",
                    key=f"request_overdue:{support_request.pk}:{manager.pk}",
                    support_request=support_request,
                    user=manager,
                    context={"due_date": decision_due(support_request).date().isoformat()},
                )
    return created


# ---- what a user may do next ----------------------------------------------------------------------------


def request_actions(support_request: SupportRequest, user) -> list[Action]:
    """The steps ``user`` may take on the request now, the natural next one first — from the lifecycle table
    and the same rules the services above apply (the assigned researcher, a recusal, the study's author, the
    one appeal). The request page renders exactly this list."""
    sr, status = support_request, support_request.status

    def url(name: str) -> str:
        return reverse(f"requests_app:{name}", args=[sr.pk])

    targets = set(allowed_targets(user, status))
    withdraw = Action("withdraw", _("Withdraw the request"), url("withdraw"), style="danger")
    actions: list[Action] = []
    if status in INTAKE:
        if has_role(user, OFFICER) and not Declaration.objects.filter(support_request=sr).exists():
            actions.append(
                Action(
                    "declaration",
                    _("Sign the declaration"),
                    url("declaration"),
                    method="get",
                    hint=_("The applicant signs that the data is correct, before you as witness."),
                )
            )
        if S.SUBMITTED in targets:
            actions.append(
                Action(
                    "submit",
                    _("Submit the request"),
                    url("submit"),
                    hint=_("Submitting checks every required document and the declaration."),
                )
            )
        if S.INCOMPLETE in targets:
            actions.append(Action("return", _("Return as incomplete"), url("return"), style="warning"))
    elif status == S.SUBMITTED:
        if S.IN_RESEARCH in targets:
            actions.append(Action("refer", _("Refer to social research"), url("refer")))
        if S.AWAITING_COMMITTEE in targets:
            actions.append(Action("to_committee", _("Send to the committee (clear case)"), url("to_committee")))
        if S.INCOMPLETE in targets:
            actions.append(Action("return", _("Return as incomplete"), url("return"), style="warning"))
    elif status == S.IN_RESEARCH:
        study = sr.studies.first()
        mine = study is not None and (
            user.is_superuser or (study.researcher_id == user.pk and has_role(user, RESEARCHER))
        )
        if mine and study.recommended_at is None:
            record = Action("study", _("Save the assessment"), url("study"), title=_("Visit and assessment"))
            if study.assessed_at is None:
                actions.append(record)
            else:
                actions += [
                    Action(
                        "recommend",
                        _("Recommend and send to the committee"),
                        url("recommend"),
                        title=_("Recommendation"),
                    ),
                    record,
                ]
        if S.INCOMPLETE in targets and (user.is_superuser or sr.researcher_id == user.pk):
            actions.append(Action("return", _("Return as incomplete"), url("return"), style="warning"))
    elif status == S.AWAITING_COMMITTEE:
        my_vote = None
        if has_role(user, *COMMITTEE_ROLES):
            my_vote = _votes_this_round(sr).filter(member=user).first()
        recused = my_vote is not None and my_vote.vote == CommitteeVote.Vote.RECUSED
        vote = decide = None
        if (
            has_role(user, *COMMITTEE_ROLES)
            and not recused
            and not SocialStudy.objects.filter(support_request=sr, researcher=user).exists()
        ):
            vote = Action(
                "vote",
                _("Record my vote"),
                url("vote"),
                title=_("Your vote"),
                hint=_("Your vote: %(vote)s") % {"vote": my_vote.get_vote_display()} if my_vote else "",
            )
        if S.APPROVED in targets and not recused:
            decide = Action(
                "decide",
                _("Record the decision"),
                url("decide"),
                style="success",
                title=_("Committee decision"),
                detail_template="requests_app/_decide_detail.html",
            )
        # The chair votes first, then records the decision.
        order = (decide, vote) if my_vote is not None else (vote, decide)
        actions += [action for action in order if action is not None]
        if S.IN_RESEARCH in targets:
            actions.append(Action("refer", _("Refer to social research"), url("refer")))
    elif status == S.APPROVED:
        if S.REGISTERED in targets:
            actions.append(Action("register", _("Register for the service"), url("register")))
    elif status == S.REJECTED:
        if S.AWAITING_COMMITTEE in targets and sr.appealed_at is None:
            actions.append(Action("appeal", _("Record the appeal (once)"), url("appeal")))
    elif status in (S.REGISTERED, S.SERVICE_DELIVERED) and has_role(user, OFFICER):
        actions.append(Action("delivery", _("Record the delivery"), url("delivery_new"), title=_("Record a delivery")))
    if S.CLOSED in targets:
        close = Action("close", _("Close the request"), url("close"), style="secondary")
        # After a confirmed receipt closing is what is left to do; before it, another delivery.
        if status == S.SERVICE_DELIVERED and sr.deliveries.filter(receipt_confirmed=True).exists():
            actions.insert(0, close)
        else:
            actions.append(close)
    if S.WITHDRAWN in targets:
        actions.append(withdraw)
    return actions
