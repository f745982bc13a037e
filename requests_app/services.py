"""Every write to a support request that has a rule.

The lifecycle is the table in ``requests_app.transitions``: from each status, the statuses it may go to and
the permission each step needs. Each step is a service here: it authorizes its actor first
(``association.kernel.permissions.authorize``, ``PermissionDenied``), re-reads the request under a row lock,
validates, and moves the status through ``association.kernel.lifecycle.transition`` (the table again, the
model's ``full_clean``, an append-only ``StatusChange``, the domain event after commit). Nothing else assigns
``SupportRequest.status``.

Events published (``association.kernel.events``; apps above subscribe in their ``AppConfig.ready``):
``request_submitted(request_id)``, ``decision_made(request_id, decision_id)``,
``delivery_recorded(request_id, delivery_id, first)``, ``request_received_online(request_id)``,
``request_returned_incomplete(request_id)``. Subscribed: ``complaint_contested_decision`` opens the
appeal (``subscribers.py``).
"""

import base64
import binascii
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from association.branches import branch_of
from association.kernel import events
from association.kernel.dates import hijri_year
from association.kernel.lifecycle import transition
from association.kernel.permissions import authorize
from association.kernel.roles import Role
from association.policy.procedure import procedure_in_force
from association.policy.services import policy_in_force

from .actions import request_actions  # noqa: F401 - the DESIGN name: services.request_actions
from .models import (
    CommitteeDecision,
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
from .selectors import (  # noqa: F401 - reads the services use, under their historical names too
    RIYADH,
    branch_researchers,
    decidable_from,
    decision_due,
    decision_window_days,
    explanation_required,
    missing_items,
    overdue_filter,
    quorum_required,
    reminders_due,
    required_documents_checklist,
    still_missing,
    votes_cast,
    votes_this_round,
)
from .transitions import (  # noqa: F401 - the table and its checks, as services.TRANSITIONS etc.
    DECIDE,
    INTAKE,
    PROCESS,
    RESEARCH,
    TRANSITIONS,
    UNDECIDED,
    VOTE,
    WITNESS,
    allowed_targets,
    can_transition,
    check_step,
    decide_permission,
    table_for,
)
from .wording import decision_statement_lazy, window_phrase_lazy

S = SupportRequest.Status

RESEARCHER, CHAIR, MANAGER = Role.SOCIAL_RESEARCHER, Role.COMMITTEE_CHAIR, Role.MANAGER

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


def _forbidden() -> PermissionDenied:
    return PermissionDenied(_("You may not take this step on this request."))


def _lock(support_request: SupportRequest) -> SupportRequest:
    # Re-read under a row lock: two people acting on the same request at once are serialised here,
    # and the second sees the first one's status.
    return SupportRequest.objects.select_for_update().get(pk=support_request.pk)


def _move(locked: SupportRequest, *, to: str, actor, reason: str, now, table=None, **kwargs) -> SupportRequest:
    """The one way a request's status changes: ``lifecycle.transition`` with the request's table (``to`` allowed
    from the status, the permission it names: ``transitions.table_for``), ``full_clean``, the ``StatusChange`` row
    and ``event`` after commit. ``kwargs``: the fields saved with the status, and ``event``/``event_ids``."""
    table = table if table is not None else table_for(locked)
    return transition(locked, to=to, actor=actor, table=table, reason=reason, audit=StatusChange, now=now, **kwargs)


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
        # The events and their wording are registered with the outbox by ``requests_app.messages``.
        message_queue(
            event=event,
            key=f"requests:{key}",
            beneficiary=None if user is not None else beneficiary,
            user=user,
            subject_id=support_request.pk,
            context={**context, "support_request": support_request},
        )
    return created


def _next_number(now) -> str:
    year = hijri_year(now.astimezone(RIYADH).date())
    # get_or_create survives two first submissions of a year racing; the row lock then serialises the count.
    RequestSequence.objects.get_or_create(hijri_year=year)
    sequence = RequestSequence.objects.select_for_update().get(hijri_year=year)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return f"{year}-{sequence.last_number:06d}"


def _procedure_fields(profile) -> dict:
    """What a request keeps of the procedure in force (``association.policy.procedure``): who decides, under
    what name, and the window (``None``: none)."""
    return {
        "decider": profile.individual_decider,
        "decider_name": profile.individual_decider_name,
        "decision_window_days": profile.decision_window_days,
    }


def procedure_context(support_request: SupportRequest) -> dict:
    """The request's procedure for its messages: the deciding body, whether a committee, the window in words."""
    return {
        "decider": support_request.deciding_body,
        "committee": support_request.uses_committee,
        "window": window_phrase_lazy(support_request.decision_window_days),
    }


# ---- intake ---------------------------------------------------------------------------------------------


@transaction.atomic
def request_document_supply(
    *,
    support_request: SupportRequest,
    document_type,
    uploaded_file,
    actor,
    verified: bool = False,
    issued_on=None,
    expires_on=None,
):
    """A missing document handed in at the desk, from the request page: stored with the registry's upload
    rule (size, real type) and, when the officer matched it against the original, verified at once.
    A refused file leaves nothing behind."""
    from beneficiaries.services import document_add, document_verify

    authorize(actor, "beneficiaries.add_document", *(["beneficiaries.verify_document"] if verified else []))
    locked = _intake_locked(support_request, document_type)
    document = document_add(
        beneficiary=locked.beneficiary,
        document_type=document_type,
        uploaded_file=uploaded_file,
        actor=actor,
        issued_on=issued_on,
        expires_on=expires_on,
    )
    if verified:
        document = document_verify(document=document, actor=actor)
    return document


@transaction.atomic
def request_document_verify(*, support_request: SupportRequest, document_type, actor):
    """The officer matched the supplied document against the original, from the request page."""
    from beneficiaries.services import document_verify

    authorize(actor, "beneficiaries.verify_document")
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
    *, beneficiary, service_type: ServiceType, channel, description: str, actor, branch=None
) -> SupportRequest:
    """Open a draft request at the intake desk (or in the field), with its first status-history row; it gets
    its number only when submitted. Its branch: the one chosen, else the recording staff member's, else the
    beneficiary's."""
    # The desk's officers and the representatives in the field (who take no later step) open drafts.
    authorize(actor, "requests_app.add_supportrequest")
    if not service_type.is_active:
        raise ValidationError({"service_type": _("This service is not offered at the moment.")})
    profile = procedure_in_force()
    if not profile.individual_requests:
        raise ValidationError(_("The policy in force runs no individual support requests."), code="not_offered")
    support_request = SupportRequest(
        beneficiary=beneficiary,
        service_type=service_type,
        channel=channel,
        description=(description or "").strip(),
        created_by=actor,
        branch=branch or branch_of(actor) or beneficiary.branch,
        **_procedure_fields(profile),
    )
    support_request.full_clean()
    support_request.save()
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
def support_request_receive_online(
    *, beneficiary, service_type: ServiceType, description: str, signature_data: str
) -> SupportRequest:
    """A request the applicant sends from the self-service pages (signed in with a code sent to their mobile:
    that session is the key, there is no staff actor). It arrives at the intake desk as a draft received
    through the ``website`` channel (``received_online_at``), with the declaration the applicant signed on
    their screen; the officer verifies the data and documents and submits it (``support_request_submit``),
    from which the window and every later step are those of a request made at the desk. Publishes
    ``request_received_online(request_id)``."""
    from association.channels import system_channel

    now = timezone.now()
    if not service_type.is_active:
        raise ValidationError({"service_type": _("This service is not offered at the moment.")})
    if not procedure_in_force().individual_requests:
        raise ValidationError(_("The policy in force runs no individual support requests."), code="not_offered")
    signature = _signature_from_data_url(signature_data or "")  # checked before anything is written
    support_request = SupportRequest(
        beneficiary=beneficiary,
        service_type=service_type,
        channel=system_channel("website"),
        description=(description or "").strip(),
        received_online_at=now,
        branch=beneficiary.branch,  # no staff member recorded it: the beneficiary's branch
    )
    support_request.full_clean()
    support_request.save()
    StatusChange.objects.create(
        support_request=support_request,
        old_status="",
        new_status=S.DRAFT,
        actor=None,
        reason=_("Received online: awaiting the officer's verification of the data and documents"),
        at=now,
    )
    _declaration_store(
        support_request,
        witness=None,
        method=Declaration.Method.ONLINE,
        content=ContentFile(signature),
        content_type="image/png",
        now=timezone.now(),  # signed on the request it is attached to: not before the row was written
    )
    events.publish("request_received_online", request_id=support_request.pk)
    return support_request


@transaction.atomic
def request_document_supply_online(*, support_request: SupportRequest, document_type, uploaded_file, issued_on=None):
    """A missing document the applicant uploads from the self-service pages while the request is completed
    (a draft, or returned as incomplete): stored with the registry's content check, verified later by the desk."""
    from beneficiaries.services import document_add_online

    locked = _intake_locked(support_request, document_type)
    return document_add_online(
        beneficiary=locked.beneficiary, document_type=document_type, uploaded_file=uploaded_file, issued_on=issued_on
    )


@transaction.atomic
def support_request_submit(*, support_request: SupportRequest, actor) -> SupportRequest:
    """The completeness gate: every required document supplied and verified, the declaration signed.
    A complete request gets its number (once) and the decision window in force today."""
    now = timezone.now()
    locked = _lock(support_request)
    check_step(locked, actor=actor, to=S.SUBMITTED)
    # Every document must be valid on the day of submission (Riyadh): an expired one is named.
    missing = missing_items(locked, today=timezone.localdate(now))
    if missing:
        raise ValidationError([ValidationError(m, code="incomplete") for m in missing])
    locked = _move(
        locked,
        to=S.SUBMITTED,
        actor=actor,
        now=now,
        reason=_("Complete: documents verified and declaration signed"),
        event="request_submitted",
        event_ids={"request_id": locked.pk},
        number=locked.number or _next_number(now),
        submitted_at=now,
        # The request keeps the policy version in force when it was submitted, with its procedure: who decides
        # and the window (or none).
        policy_version=policy_in_force(now),
        **_procedure_fields(procedure_in_force(now)),
        missing_items=[],
    )
    _notify(
        event="request_received",
        key=f"request_received:{locked.pk}:{now.isoformat()}",
        support_request=locked,
        beneficiary=locked.beneficiary,
        context={"due_date": decidable_from(locked).date().isoformat(), **procedure_context(locked)},
    )
    return locked


@transaction.atomic
def support_request_return_incomplete(*, support_request: SupportRequest, actor, note: str = "") -> SupportRequest:
    """Return the request to the beneficiary with the list of what is missing (computed, plus the staff note)."""
    now = timezone.now()
    locked = _lock(support_request)
    check_step(locked, actor=actor, to=S.INCOMPLETE)
    if locked.status == S.IN_RESEARCH and not actor.is_superuser and locked.researcher_id != actor.pk:
        # During research only the assigned researcher sends the case back.
        raise _forbidden()
    items = missing_items(locked)
    if note.strip():
        items.append(note.strip())
    if not items:
        raise ValidationError({"note": _("Nothing is missing: write what the beneficiary still has to supply.")})
    locked = _move(
        locked,
        to=S.INCOMPLETE,
        actor=actor,
        now=now,
        reason="\n".join(items),
        missing_items=items,
        event="request_returned_incomplete",
        event_ids={"request_id": locked.pk},
    )
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
    locked = _lock(support_request)
    check_step(locked, actor=actor, to=S.WITHDRAWN)
    if not reason.strip():
        raise ValidationError({"reason": _("Write why the request is withdrawn.")})
    return _move(locked, to=S.WITHDRAWN, actor=actor, now=timezone.now(), reason=reason.strip())


@transaction.atomic
def support_request_send_to_committee(*, support_request: SupportRequest, actor, reason: str = "") -> SupportRequest:
    """A clear case goes from intake straight to the deciding body — the committee, the manager or the competent
    body of the request's procedure (unclear ones go to research first)."""
    locked = _lock(support_request)
    if locked.status != S.SUBMITTED:
        # From research the recommendation sends it; from a rejection only the appeal does.
        raise ValidationError(
            _("Only a submitted request is sent straight to the committee."), code="invalid_transition"
        )
    check_step(locked, actor=actor, to=S.AWAITING_COMMITTEE)
    if locked.uses_committee:
        default = _("Clear case: referred to the research committee")
    else:
        default = _("Clear case: sent to %(body)s for a decision") % {"body": locked.deciding_body}
    return _move(locked, to=S.AWAITING_COMMITTEE, actor=actor, now=timezone.now(), reason=reason.strip() or default)


# ---- the procedure explained (step 3) -------------------------------------------------------------------


@transaction.atomic
def procedure_explanation_record(
    *, support_request: SupportRequest, actor, explanation: str, researcher=None, note: str = ""
) -> SupportRequest:
    """Step 3 of the policy's procedure, apart from the eligibility study: the procedure was clear to the
    applicant, or the officer referred them to the social researcher (named), who explained it. Recorded once,
    with who recorded it and when, while the request is completed at the desk and before the declaration."""
    authorize(actor, WITNESS)  # whoever takes the declaration (the desk or a representative in the field)
    now = timezone.now()
    locked = _lock(support_request)
    if locked.status not in INTAKE or Declaration.objects.filter(support_request=locked).exists():
        raise ValidationError(
            _("The explanation of the procedure is recorded before the declaration is signed."), code="too_late"
        )
    if locked.explanation:
        raise ValidationError(_("The explanation of the procedure is already recorded."), code="recorded")
    if explanation not in SupportRequest.Explanation.values:
        raise ValidationError({"explanation": _("Choose whether the procedure was clear or explained.")})
    referred = explanation == SupportRequest.Explanation.REFERRED
    if referred and not (
        researcher is not None and researcher.is_active and researcher.groups.filter(name=RESEARCHER).exists()
    ):
        raise ValidationError({"researcher": _("Choose the social researcher who explained the procedure.")})
    locked.explanation = explanation
    locked.explanation_researcher = researcher if referred else None
    locked.explanation_recorded_by = actor
    locked.explanation_at = now
    locked.explanation_note = (note or "").strip()
    locked.full_clean()
    locked.save(
        update_fields=[
            "explanation",
            "explanation_researcher",
            "explanation_recorded_by",
            "explanation_at",
            "explanation_note",
        ]
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

    authorize(actor, WITNESS)
    now = timezone.now()
    locked = _lock(support_request)
    if locked.status not in INTAKE:
        raise ValidationError(_("The declaration is signed before the request is submitted."))
    if Declaration.objects.filter(support_request=locked).exists():
        raise ValidationError(_("The declaration of this request is already signed."))
    if not locked.explanation and explanation_required(now):
        raise ValidationError(
            _(
                "Before the declaration, record whether the procedure was clear to the applicant or explained by "
                "the social researcher."
            ),
            code="explanation_missing",
        )
    if signature_scan is not None:
        content_type = uploaded_file_check(signature_scan, field="signature_scan")
        content, method = signature_scan, Declaration.Method.SCAN
    elif signature_data:
        content_type = "image/png"
        content, method = ContentFile(_signature_from_data_url(signature_data)), Declaration.Method.SCREEN
    else:
        raise ValidationError(_("Upload the signed declaration or have the applicant sign on screen."))
    return _declaration_store(locked, witness=actor, method=method, content=content, content_type=content_type, now=now)


def _declaration_store(support_request, *, witness, method, content, content_type, now) -> Declaration:
    declaration = Declaration(
        support_request=support_request,
        text_version=DECLARATION_VERSION,
        text=DECLARATION_TEXTS[DECLARATION_VERSION],
        signed_at=now,
        witness=witness,
        method=method,
        signature_content_type=content_type,
    )
    # Checked before the file is stored, so a refused row leaves no file behind.
    declaration.full_clean(exclude=["signature_file"], validate_unique=False)
    declaration.signature_file.save("signature", content, save=False)
    declaration.save()
    return declaration


# ---- social research ------------------------------------------------------------------------------------


@transaction.atomic
def research_refer(*, support_request: SupportRequest, actor, researcher, reason: str) -> SocialStudy:
    """Refer an unclear case (the officer at intake, or the chair from the committee) to a researcher."""
    now = timezone.now()
    locked = _lock(support_request)
    check_step(locked, actor=actor, to=S.IN_RESEARCH)
    if not reason.strip():
        raise ValidationError({"reason": _("Write why the request is referred to social research.")})
    if not (researcher.is_active and researcher.groups.filter(name=RESEARCHER).exists()):
        raise ValidationError({"researcher": _("Choose an active social researcher.")})
    if not branch_researchers(locked.branch).filter(pk=researcher.pk).exists():
        # A branch's requests go to its own researchers (any researcher while it has none).
        raise ValidationError(
            {"researcher": _("Choose a social researcher of the %(branch)s branch.") % {"branch": locked.branch}}
        )
    study = SocialStudy(
        support_request=locked,
        researcher=researcher,
        referred_by=actor,
        referral_reason=reason.strip(),
        referred_at=now,
    )
    study.full_clean()
    _move(locked, to=S.IN_RESEARCH, actor=actor, now=now, reason=reason.strip(), researcher=researcher)
    study.save()
    return study


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
    authorize(actor, RESEARCH)
    study = SocialStudy.objects.select_for_update().select_related("support_request").get(pk=study.pk)
    if not (actor.is_superuser or study.researcher_id == actor.pk):
        # The study is its assigned researcher's alone.
        raise _forbidden()
    if study.support_request.status != S.IN_RESEARCH or study.recommended_at is not None:
        raise ValidationError(_("This study is closed."), code="closed")
    return study


def study_for(*, support_request: SupportRequest, actor) -> SocialStudy:
    """The request's current study, when ``actor`` is its researcher (``PermissionDenied`` otherwise): the
    study pages check this before reading their form."""
    authorize(actor, RESEARCH)
    study = support_request.studies.first()
    if study is None or not (actor.is_superuser or study.researcher_id == actor.pk):
        raise _forbidden()
    return study


@transaction.atomic
def study_record(*, study: SocialStudy, actor, data: dict) -> SocialStudy:
    """The researcher's visit and assessment; the score uses the service's rules in force (kept with the study)."""
    study = _lock_study(study, actor)
    for name in STUDY_FIELDS:
        if name in data:
            setattr(study, name, data[name])
    if study.household_size is not None and study.household_size < 1:
        raise ValidationError({"household_size": _("A household has at least one person.")})
    study.full_clean()
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
    _move(
        _lock(study.support_request),
        to=S.AWAITING_COMMITTEE,
        actor=actor,
        now=now,
        reason=_("Research recommendation: %(recommendation)s")
        % {"recommendation": study.get_recommendation_display()},
    )
    return study


# ---- research committee ---------------------------------------------------------------------------------


@transaction.atomic
def committee_vote(*, support_request: SupportRequest, actor, vote: str, note: str = "") -> CommitteeVote:
    """A member's vote in the current round: approve, reject, abstain — or ``recused`` to declare a conflict of
    interest, after which the member takes no further part in this request's round."""
    authorize(actor, VOTE)
    locked = _lock(support_request)
    if locked.status != S.AWAITING_COMMITTEE:
        raise ValidationError(_("Only a request awaiting the committee can be voted on."), code="not_awaiting")
    if not locked.uses_committee:
        raise ValidationError(
            _("%(body)s decides this request: there is no committee vote.") % {"body": locked.deciding_body},
            code="no_committee",
        )
    if vote not in CommitteeVote.Vote.values:
        raise ValidationError({"vote": _("Choose approve, reject or abstain.")})
    if SocialStudy.objects.filter(support_request=locked, researcher=actor).exists():
        raise ValidationError(_("The researcher who wrote the study cannot vote on it."), code="author")
    row = votes_this_round(locked).filter(member=actor).first()
    if row and row.vote == CommitteeVote.Vote.RECUSED:
        raise ValidationError(_("You declared a conflict of interest on this request."), code="recused")
    if vote == CommitteeVote.Vote.RECUSED and not note.strip():
        raise ValidationError({"note": _("Describe the conflict of interest.")})
    row = row or CommitteeVote(support_request=locked, committee_round=locked.committee_round, member=actor)
    row.vote, row.note, row.at = vote, note.strip(), timezone.now()
    row.full_clean()
    row.save()
    return row


def committee_declare_conflict(*, support_request: SupportRequest, actor, note: str) -> CommitteeVote:
    return committee_vote(support_request=support_request, actor=actor, vote=CommitteeVote.Vote.RECUSED, note=note)


GRANT_FIELDS = ("grant_kind", "grant_amount", "grant_items", "grant_period_months")


def _decision_refusal(locked: SupportRequest, actor, now) -> ValidationError | None:
    """Why the chair may not decide on the request now, if anything stops it."""
    if locked.status != S.AWAITING_COMMITTEE:
        # The second of two chairs deciding at once arrives here, after the first one's commit.
        return ValidationError(_("This request is not awaiting the committee's decision."), code="not_awaiting")
    if votes_this_round(locked).filter(member=actor, vote=CommitteeVote.Vote.RECUSED).exists():
        return ValidationError(_("You declared a conflict of interest on this request."), code="recused")
    opens = decidable_from(locked)
    if now < opens:
        return ValidationError(
            _("The committee may not decide before %(date)s (%(days)s days after submission).")
            % {"date": timezone.localtime(opens).strftime("%Y-%m-%d %H:%M"), "days": locked.decision_window_days},
            code="too_early",
        )
    if not locked.uses_committee:
        return None  # the manager or the competent body: no vote, no quorum
    needed, cast = quorum_required(locked), votes_cast(locked)
    if cast < needed:
        return ValidationError(
            _("No quorum: %(cast)s votes cast, %(needed)s needed.") % {"cast": cast, "needed": needed},
            code="no_quorum",
        )
    return None


def _grant(outcome: str, grant: dict | None) -> dict:
    """What an approval grants (the kind, and the amount or the items); a rejection grants nothing."""
    grant = grant or {}
    if outcome != CommitteeDecision.Outcome.APPROVED:
        return {"grant_kind": "", "grant_amount": None, "grant_items": "", "grant_period_months": None}
    if not grant.get("grant_kind"):
        raise ValidationError({"grant_kind": _("Record what is granted.")})
    if not (grant.get("grant_amount") or grant.get("grant_items")):
        raise ValidationError({"grant_amount": _("Record the amount or the items granted.")})
    return {
        name: grant.get(name) or (None if name in ("grant_amount", "grant_period_months") else "")
        for name in GRANT_FIELDS
    }


def decision_authorize(*, support_request: SupportRequest, actor) -> None:
    """``PermissionDenied`` unless ``actor`` records this request's decision: the chair when a committee decides
    it, the manager when the manager decides or records the competent body's decision."""
    authorize(actor, decide_permission(support_request), obj=support_request)


@transaction.atomic
def committee_decide(
    *, support_request: SupportRequest, actor, outcome: str, reasons: str, grant: dict | None = None
) -> CommitteeDecision:
    """Record the decision on the request, by the deciding body of its procedure (``SupportRequest.decider``):
    the committee's chair — only with quorum — or, where the policy names no committee, the manager (deciding,
    or recording the named competent body's decision), with no vote. Never before the decision window has
    passed, when there is one (``decidable_from``, Riyadh time, from the server clock whatever the client sends)."""
    now = timezone.now()
    decision_authorize(support_request=support_request, actor=actor)
    if outcome not in CommitteeDecision.Outcome.values:
        raise ValidationError({"outcome": _("Choose approve or reject.")})
    locked = _lock(support_request)
    decision_authorize(support_request=locked, actor=actor)
    refusal = _decision_refusal(locked, actor, now)
    if refusal is not None:
        raise refusal
    if not (reasons or "").strip():
        raise ValidationError({"reasons": _("Write the reasons for the decision.")})
    decision = CommitteeDecision(
        support_request=locked,
        committee_round=locked.committee_round,
        outcome=outcome,
        reasons=reasons.strip(),
        chair=actor,
        decided_at=now,
        decider=locked.decider,
        decider_name=locked.deciding_body,
        **_grant(outcome, grant),
    )
    decision.full_clean()
    decision.save()
    locked = _move(
        locked,
        to=outcome,
        actor=actor,
        now=now,
        reason=reasons.strip(),
        event="decision_made",
        event_ids={"request_id": locked.pk, "decision_id": decision.pk},
        decided_at=now,
    )
    _notify(
        event="decision_made",
        key=f"decision_made:{locked.pk}:r{locked.committee_round}",
        support_request=locked,
        beneficiary=locked.beneficiary,
        # The decision as a sentence («الموافقة على طلبكم رقم … المقدَّم بتاريخ …»), as the letter words it, and
        # who took it.
        context={"outcome": decision_statement_lazy(decision), **procedure_context(locked)},
    )
    return decision


# Reconsideration opened by the portal itself (a complaint contesting the decision, see ``subscribers``):
# the same step, with no person to authorize.
SYSTEM_APPEAL = {S.REJECTED: {S.AWAITING_COMMITTEE: None}}


def _appeal(locked: SupportRequest, *, actor, appeal_text: str, now, table=None) -> SupportRequest:
    if locked.appealed_at is not None:
        raise ValidationError(_("This request was already appealed once."), code="appealed")
    return _move(
        locked,
        to=S.AWAITING_COMMITTEE,
        actor=actor,
        now=now,
        table=table,
        reason=_("Appeal for reconsideration: %(text)s") % {"text": appeal_text},
        appeal_text=appeal_text,
        appealed_at=now,
        committee_round=locked.committee_round + 1,
    )


@transaction.atomic
def support_request_appeal(*, support_request: SupportRequest, actor, appeal_text: str) -> SupportRequest:
    """A rejected request may be appealed once: the committee reconsiders it in a new round with the appeal."""
    now = timezone.now()
    locked = _lock(support_request)
    if locked.status != S.REJECTED:
        raise ValidationError(_("Only a rejected request can be appealed."), code="invalid_transition")
    check_step(locked, actor=actor, to=S.AWAITING_COMMITTEE)
    if not appeal_text.strip():
        raise ValidationError({"appeal_text": _("Write the appeal.")})
    return _appeal(locked, actor=actor, appeal_text=appeal_text.strip(), now=now)


@transaction.atomic
def support_request_appeal_by_complaint(
    *, support_request_id: int, appeal_text: str, actor=None
) -> SupportRequest | None:
    """A complaint contests the committee's decision: the request's one appeal, opened by the portal. ``actor``
    is who handled the complaint, when known: they must hold the step's permission as on the request page;
    without one the portal takes the step itself. Idempotent: a request that is no longer rejected, or was
    appealed already, is left as it is (``None``)."""
    locked = SupportRequest.objects.select_for_update().filter(pk=support_request_id).first()
    if locked is None or locked.status != S.REJECTED or locked.appealed_at is not None:
        return None
    text = appeal_text.strip() or _("A complaint contests the committee's decision.")
    table = None if actor is not None else SYSTEM_APPEAL
    return _appeal(locked, actor=actor, appeal_text=text, now=timezone.now(), table=table)


# ---- registration and delivery --------------------------------------------------------------------------


@transaction.atomic
def support_request_register(*, support_request: SupportRequest, actor) -> SupportRequest:
    locked = _lock(support_request)
    check_step(locked, actor=actor, to=S.REGISTERED)
    return _move(locked, to=S.REGISTERED, actor=actor, now=timezone.now(), reason=_("Registered for the service"))


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
    """One delivery of what was granted; the first one moves the request to ``service_delivered``. Every
    delivery publishes ``delivery_recorded`` (``first`` for the one that delivered the service)."""
    now = timezone.now()
    authorize(actor, PROCESS)
    locked = _lock(support_request)
    if locked.status not in (S.REGISTERED, S.SERVICE_DELIVERED):
        raise ValidationError(_("Deliveries are recorded for a registered request."), code="not_registered")
    if not what.strip():
        raise ValidationError({"what": _("Write what was delivered.")})
    if quantity is None and amount is None:
        raise ValidationError({"quantity": _("Record the quantity or the amount delivered.")})
    if delivered_on > timezone.localdate(now):
        raise ValidationError({"delivered_on": _("A delivery cannot be in the future.")})
    delivery = Delivery(
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
    delivery.full_clean()
    delivery.save()
    first = locked.status == S.REGISTERED
    if first:
        _move(locked, to=S.SERVICE_DELIVERED, actor=actor, now=now, reason=what.strip())
    events.publish("delivery_recorded", request_id=locked.pk, delivery_id=delivery.pk, first=first)
    return delivery


@transaction.atomic
def delivery_confirm_receipt_online(*, delivery: Delivery) -> Delivery:
    """The beneficiary confirms, from the self-service pages, that they received this delivery (their
    signed-in session is the key). Idempotent: a confirmed delivery stays as it is."""
    locked = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if not locked.receipt_confirmed:
        locked.receipt_confirmed = True
        locked.receipt_note = locked.receipt_note or _("Confirmed online by the beneficiary")
        locked.full_clean()
        locked.save(update_fields=["receipt_confirmed", "receipt_note"])
    return locked


@transaction.atomic
def support_request_close(*, support_request: SupportRequest, actor, reason: str = "") -> SupportRequest:
    locked = _lock(support_request)
    check_step(locked, actor=actor, to=S.CLOSED)
    if locked.status == S.SERVICE_DELIVERED and not locked.deliveries.filter(receipt_confirmed=True).exists():
        raise ValidationError(_("Close the request after the beneficiary confirmed receipt of a delivery."))
    return _move(locked, to=S.CLOSED, actor=actor, now=timezone.now(), reason=reason.strip() or _("Closed"))


# ---- reminders ------------------------------------------------------------------------------------------


# The reminders sweep reads and notifies this many due requests at a time.
REMINDER_BATCH = 500


def reminders_sweep(*, now=None, batch: int = REMINDER_BATCH) -> int:
    """Remind who decides when a request becomes decidable — the chairs for a committee's request, the managers
    for one the manager or a competent body decides — and escalate overdue ones to the managers.
    Every reminder has its key: a rerun (or a second beat) sends nothing twice. Reads only what is due
    (``selectors.reminders_due``: due and not yet notified, ``batch`` rows at a time), so with nothing due it
    costs two queries per round whatever the number of open requests. Returns how many were new."""
    now = now or timezone.now()
    User = get_user_model()
    chairs = list(User.objects.filter(is_active=True, groups__name=CHAIR))
    managers = list(User.objects.filter(is_active=True, groups__name=MANAGER))
    # (event, who is told, which requests: the committee's, another body's, or all)
    rounds = [
        ("decision_window_open", chairs, True),
        ("decision_window_open", managers, False),
        ("request_overdue", managers, None),
    ]
    created = 0
    for event, users, committee in rounds:
        if not users:
            continue
        while True:
            due = list(reminders_due(event, users, now=now, committee=committee)[:batch])
            new = sum(_remind(event, support_request, users) for support_request in due)
            created += new
            if len(due) < batch or not new:
                break
    return created


def _remind(event: str, support_request: SupportRequest, users) -> int:
    created = 0
    for user in users:
        if event == "decision_window_open":
            key = f"decision_window_open:{support_request.pk}:r{support_request.committee_round}:{user.pk}"
            context = procedure_context(support_request)
        else:
            key = f"request_overdue:{support_request.pk}:{user.pk}"
            context = {"due_date": decision_due(support_request).date().isoformat()}
        with transaction.atomic():
            created += _notify(event=event, key=key, support_request=support_request, user=user, context=context)
    return created
