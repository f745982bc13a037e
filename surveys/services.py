"""Every write with a rule in the surveys app.

Who may do what: every service a person calls names its actor and checks it first with
``association.kernel.permissions.authorize`` (permission codenames; ``PermissionDenied`` when refused). Three
kinds of writes have no person behind them and say so: the public answer (``response_submit``: the secret,
single-use token in the link is the credential), the invitation an event makes (``invitation_for_event``: the
admin's trigger rule decides, see ``surveys.subscribers``) and the periodic sweep that sends invitations and
reminders (``invitation_sweep``).
"""

import datetime as dt
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, IntegerField, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from association.kernel import events, registry
from association.kernel.lifecycle import required_permissions, transition
from association.kernel.permissions import authorize
from beneficiaries.models import Consent

from .models import (
    EVENT_TRIGGERS,
    FIGURES,
    Answer,
    AuditEntry,
    Choice,
    ImprovementAction,
    Invitation,
    Question,
    Response,
    SendChannel,
    Survey,
    SurveySettings,
    SurveyVersion,
    Trigger,
    TriggerRule,
)
from .sending import invitation_message_queue


class InvitationUnavailable(Exception):
    """The token exists but can no longer be answered; ``reason`` is ``"used"`` or ``"expired"``."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _audit(*, actor, action: str, obj, at=None, old: str = "", new: str = "", note: str = "") -> AuditEntry:
    return AuditEntry.objects.create(
        at=at or timezone.now(),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=obj._meta.model_name,
        object_id=obj.pk,
        old_value=old,
        new_value=new,
        note=note,
    )


def new_token() -> str:
    """256 bits from the OS's CSPRNG: unguessable, URL-safe."""
    return secrets.token_urlsafe(32)


# --- Building surveys -------------------------------------------------------------------------------


@transaction.atomic
def survey_create(
    *,
    code: str,
    name_ar: str,
    name_en: str = "",
    title_ar: str = "",
    title_en: str = "",
    intro_ar: str = "",
    intro_en: str = "",
    anonymous: bool = False,
    actor,
) -> Survey:
    """A survey and its first draft version."""
    authorize(actor, "surveys.add_survey")
    if Survey.objects.filter(code=code).exists():
        raise ValidationError({"code": _("A survey with this code exists already.")})
    survey = Survey(code=code, name_ar=name_ar, name_en=name_en, created_by=actor)
    survey.full_clean()
    survey.save()
    version = SurveyVersion(
        survey=survey,
        number=1,
        title_ar=title_ar or name_ar,
        title_en=title_en or name_en,
        intro_ar=intro_ar,
        intro_en=intro_en,
        anonymous=anonymous,
    )
    version.full_clean()
    version.save()
    _audit(actor=actor, action="survey_created", obj=survey)
    _audit(actor=actor, action="version_created", obj=version, new=SurveyVersion.Status.DRAFT)
    return survey


def _locked_draft(version: SurveyVersion) -> SurveyVersion:
    locked = SurveyVersion.objects.select_for_update().get(pk=version.pk)
    if not locked.is_editable:
        raise ValidationError(_("A published version is frozen. Start a new version to change it."))
    return locked


@transaction.atomic
def version_update(
    *,
    version: SurveyVersion,
    title_ar: str,
    title_en: str = "",
    intro_ar: str = "",
    intro_en: str = "",
    anonymous: bool = False,
    actor,
) -> SurveyVersion:
    authorize(actor, "surveys.change_survey")
    version = _locked_draft(version)
    version.title_ar, version.title_en = title_ar, title_en
    version.intro_ar, version.intro_en = intro_ar, intro_en
    version.anonymous = anonymous
    version.full_clean()
    version.save(update_fields=["title_ar", "title_en", "intro_ar", "intro_en", "anonymous"])
    _audit(actor=actor, action="version_updated", obj=version)
    return version


def parse_choices(text: str) -> list[tuple[str, str]]:
    """One choice a line, ``Arabic | English`` (English optional)."""
    choices = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        arabic, _sep, english = line.partition("|")
        if arabic.strip():
            choices.append((arabic.strip()[:200], english.strip()[:200]))
    return choices


@transaction.atomic
def question_add(
    *,
    version: SurveyVersion,
    kind: str,
    text_ar: str,
    text_en: str = "",
    required: bool = True,
    choices_text: str = "",
    actor,
) -> Question:
    authorize(actor, "surveys.change_survey")
    version = _locked_draft(version)
    choices = parse_choices(choices_text)
    if kind in Question.CHOICE_KINDS and len(choices) < 2:
        raise ValidationError({"choices_text": _("A choice question needs at least two choices, one a line.")})
    if kind not in Question.CHOICE_KINDS and choices:
        raise ValidationError({"choices_text": _("Only choice questions have choices.")})
    last = version.questions.aggregate(m=Max("order"))["m"]
    question = Question(
        version=version,
        kind=kind,
        text_ar=text_ar,
        text_en=text_en,
        required=required,
        order=0 if last is None else last + 1,
    )
    question.full_clean()
    question.save()
    rows = [Choice(question=question, order=i, text_ar=ar, text_en=en) for i, (ar, en) in enumerate(choices)]
    for row in rows:
        row.full_clean()
    Choice.objects.bulk_create(rows)
    _audit(actor=actor, action="question_added", obj=question, new=kind)
    return question


@transaction.atomic
def question_move(*, question: Question, direction: str, actor) -> None:
    """Swap with the neighbour above (``up``) or below (``down``); renumbers so orders stay 0..n-1."""
    authorize(actor, "surveys.change_survey")
    version = _locked_draft(question.version)
    ordered = list(version.questions.order_by("order", "pk"))
    index = next(i for i, q in enumerate(ordered) if q.pk == question.pk)
    target = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= target < len(ordered):
        return
    ordered[index], ordered[target] = ordered[target], ordered[index]
    for position, item in enumerate(ordered):
        if item.order != position:
            item.order = position
            item.save(update_fields=["order"])
    _audit(actor=actor, action="question_moved", obj=question, new=direction)


@transaction.atomic
def question_delete(*, question: Question, actor) -> None:
    authorize(actor, "surveys.change_survey")
    _locked_draft(question.version)
    _audit(actor=actor, action="question_deleted", obj=question, note=question.text_ar)
    question.delete()


@transaction.atomic
def version_publish(*, version: SurveyVersion, actor) -> SurveyVersion:
    """Freeze the draft and make it the version new invitations get; the previous one retires
    (its outstanding invitations can still be answered, on the version they were sent)."""
    authorize(actor, "surveys.change_survey")
    now = timezone.now()
    # Lock the survey's versions so two publishers cannot both publish.
    list(SurveyVersion.objects.select_for_update().filter(survey_id=version.survey_id))
    version = _locked_draft(version)
    questions = list(version.questions.prefetch_related("choices"))
    if not questions:
        raise ValidationError(_("Add at least one question before publishing."))
    for question in questions:
        if question.kind in Question.CHOICE_KINDS and len(question.choices.all()) < 2:
            raise ValidationError(_("Every choice question needs at least two choices."))
    for previous in SurveyVersion.objects.filter(survey_id=version.survey_id, status=SurveyVersion.Status.PUBLISHED):
        previous.status = SurveyVersion.Status.RETIRED
        previous.save(update_fields=["status"])
        _audit(
            actor=actor,
            action="version_retired",
            obj=previous,
            at=now,
            old=SurveyVersion.Status.PUBLISHED,
            new=SurveyVersion.Status.RETIRED,
        )
    version.status = SurveyVersion.Status.PUBLISHED
    version.published_at = now
    version.published_by = actor
    version.save(update_fields=["status", "published_at", "published_by"])
    _audit(
        actor=actor,
        action="version_published",
        obj=version,
        at=now,
        old=SurveyVersion.Status.DRAFT,
        new=SurveyVersion.Status.PUBLISHED,
    )
    return version


@transaction.atomic
def version_new_draft(*, survey: Survey, actor) -> SurveyVersion:
    """Editing a published survey: a new draft, a copy of the latest version. One draft at a time."""
    authorize(actor, "surveys.change_survey")
    versions = list(SurveyVersion.objects.select_for_update().filter(survey=survey).order_by("-number"))
    draft = next((v for v in versions if v.status == SurveyVersion.Status.DRAFT), None)
    if draft is not None:
        return draft
    source = versions[0]
    draft = SurveyVersion(
        survey=survey,
        number=source.number + 1,
        title_ar=source.title_ar,
        title_en=source.title_en,
        intro_ar=source.intro_ar,
        intro_en=source.intro_en,
        anonymous=source.anonymous,
    )
    draft.full_clean()
    draft.save()
    for question in source.questions.prefetch_related("choices"):
        copy = Question.objects.create(
            version=draft,
            order=question.order,
            kind=question.kind,
            text_ar=question.text_ar,
            text_en=question.text_en,
            required=question.required,
        )
        Choice.objects.bulk_create(
            Choice(question=copy, order=c.order, text_ar=c.text_ar, text_en=c.text_en) for c in question.choices.all()
        )
    _audit(
        actor=actor, action="version_created", obj=draft, new=SurveyVersion.Status.DRAFT, note=f"from v{source.number}"
    )
    return draft


# --- Invitations ------------------------------------------------------------------------------------


def _consents_to_surveys(beneficiary) -> bool:
    return Consent.objects.filter(
        beneficiary=beneficiary, purpose=Consent.Purpose.SURVEYS, withdrawn_at__isnull=True
    ).exists()


def _published(survey: Survey) -> SurveyVersion:
    version = survey.published_version()
    if version is None:
        raise ValidationError({"survey": _("This survey has no published version yet.")})
    return version


def _invitation_create(
    *,
    version,
    beneficiary,
    trigger,
    send_channel,
    scheduled_for,
    actor,
    related_key="",
    support_request=None,
    subject_key="",
    now=None,
) -> Invitation:
    now = now or timezone.now()
    validity = SurveySettings.load().valid_days
    invitation = Invitation(
        token=new_token(),
        version=version,
        beneficiary=beneficiary,
        trigger=trigger,
        related_key=related_key,
        support_request=support_request,
        subject_key=subject_key,
        send_channel=send_channel,
        scheduled_for=scheduled_for,
        expires_at=max(scheduled_for, now) + dt.timedelta(days=validity),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    # The related rows were just read; the unique (trigger, related key) is the database's to decide (a
    # concurrent duplicate meets it on save).
    invitation.full_clean(
        exclude=["version", "beneficiary", "support_request", "created_by"],
        validate_unique=False,
        validate_constraints=False,
    )
    invitation.save()
    _audit(actor=actor, action="invitation_created", obj=invitation, at=now, new=trigger)
    return invitation


def invitation_for_event(
    *, trigger: str, beneficiary, support_request=None, case=None, actor=None
) -> Invitation | None:
    """The invitation an event makes (``service_delivered``, ``decision_made``, ``complaint_closed``), run by
    the subscribers in ``surveys.subscribers`` when the request workflow or the complaints workflow publishes
    its event. No actor is authorized: the admin's trigger rule decides, and the portal makes the invitation.

    Returns the invitation, the one already made for this event (a second event does nothing more), or
    ``None`` when the trigger is off, has no published survey, or the beneficiary has not consented to
    surveys."""
    if trigger not in EVENT_TRIGGERS or trigger == Trigger.SESSION_HELD:
        raise ValueError(f"unknown survey trigger {trigger!r}")
    if trigger == Trigger.COMPLAINT_CLOSED:
        if case is None:
            raise ValueError("complaint_closed needs the case")
        related_key = f"case:{case.pk}"
    else:
        if support_request is None:
            raise ValueError(f"{trigger} needs the support request")
        related_key = f"support_request:{support_request.pk}"
    rule = TriggerRule.objects.filter(trigger=trigger).select_related("survey").first()
    if rule is None or not rule.enabled or rule.survey is None:
        return None
    version = rule.survey.published_version()
    if version is None or beneficiary is None or not _consents_to_surveys(beneficiary):
        return None
    existing = Invitation.objects.filter(trigger=trigger, related_key=related_key).first()
    if existing is not None:
        return existing
    now = timezone.now()
    try:
        # A savepoint: the caller's transaction survives a concurrent duplicate.
        with transaction.atomic():
            return _invitation_create(
                version=version,
                beneficiary=beneficiary,
                trigger=trigger,
                related_key=related_key,
                support_request=support_request,
                send_channel=rule.send_channel,
                scheduled_for=now + dt.timedelta(days=rule.delay_days),
                actor=actor,
                now=now,
            )
    except IntegrityError:
        # Two workers raced on the same event: the unique constraint kept one invitation.
        return Invitation.objects.get(trigger=trigger, related_key=related_key)


def invitations_for_session(*, session_id: int) -> list[Invitation]:
    """The invitations after a program session (``program_session_held``): surveys does not know programs, so it
    asks the ``session_attendees`` registry slot who attended (``SessionAudience``: the beneficiaries among the
    attendees and the key results are filed under). One invitation per attendee and session
    (``related_key``), for those who consented to surveys, when the admin's ``session_held`` rule is on."""
    rule = TriggerRule.objects.filter(trigger=Trigger.SESSION_HELD).select_related("survey").first()
    if rule is None or not rule.enabled or rule.survey is None:
        return []
    version = rule.survey.published_version()
    if version is None:
        return []
    now = timezone.now()
    made = []
    for audience in registry.collect("session_attendees", session_id=session_id):
        consenting = Consent.objects.filter(
            beneficiary_id__in=audience.beneficiary_ids, purpose=Consent.Purpose.SURVEYS, withdrawn_at__isnull=True
        ).select_related("beneficiary")
        for consent in consenting:
            related_key = f"session:{session_id}:{consent.beneficiary_id}"
            existing = Invitation.objects.filter(trigger=Trigger.SESSION_HELD, related_key=related_key).first()
            if existing is not None:
                made.append(existing)
                continue
            try:
                with transaction.atomic():
                    made.append(
                        _invitation_create(
                            version=version,
                            beneficiary=consent.beneficiary,
                            trigger=Trigger.SESSION_HELD,
                            related_key=related_key,
                            subject_key=audience.subject_key,
                            send_channel=rule.send_channel,
                            scheduled_for=now + dt.timedelta(days=rule.delay_days),
                            actor=None,
                            now=now,
                        )
                    )
            except IntegrityError:  # the same event handled at the same moment: its invitation stands
                made.append(Invitation.objects.get(trigger=Trigger.SESSION_HELD, related_key=related_key))
    return made


@transaction.atomic
def invitations_batch(*, survey: Survey, beneficiaries, send_channel: str, actor) -> list[Invitation]:
    """One invitation per chosen beneficiary who consented to surveys; sent by the next sweep."""
    authorize(actor, "surveys.add_invitation")
    version = _published(survey)
    now = timezone.now()
    batch_key = new_token()[:12]
    created = []
    for beneficiary in beneficiaries:
        if not _consents_to_surveys(beneficiary):
            continue
        created.append(
            _invitation_create(
                version=version,
                beneficiary=beneficiary,
                trigger=Trigger.BATCH,
                send_channel=send_channel,
                scheduled_for=now,
                actor=actor,
                now=now,
                related_key=f"batch:{batch_key}:{beneficiary.pk}",
            )
        )
    return created


@transaction.atomic
def invitation_in_person(*, survey: Survey, beneficiary=None, support_request=None, actor, now=None) -> Invitation:
    """A link for a printed QR code, handed over at the desk; never sent by message. Several may be printed
    for one request (a lost sheet), but once one is answered the request has its in-person answer."""
    authorize(actor, "surveys.add_invitation")
    now = now or timezone.now()
    version = _published(survey)
    if support_request is not None:
        beneficiary = support_request.beneficiary
        if Invitation.objects.filter(answered_key=answered_key(support_request.pk, Trigger.IN_PERSON)).exists():
            raise ValidationError(
                {"request_number": _("The in-person survey of this request has already been answered.")}
            )
    if beneficiary is not None and not _consents_to_surveys(beneficiary):
        # A named link (about a person or their request) needs their consent, at the desk as by SMS; a blank
        # anonymous link needs none.
        raise ValidationError(
            {"request_number": _("This beneficiary has not consented to satisfaction surveys (or withdrew it).")}
        )
    return _invitation_create(
        version=version,
        beneficiary=beneficiary,
        trigger=Trigger.IN_PERSON,
        send_channel=SendChannel.IN_PERSON,
        scheduled_for=now,
        actor=actor,
        support_request=support_request,
        now=now,
    )


def _sendable(queryset, now):
    return queryset.filter(
        used_at__isnull=True,
        expires_at__gt=now,
        beneficiary__isnull=False,
        send_channel__in=[SendChannel.SMS, SendChannel.EMAIL],
    )


@transaction.atomic
def invitation_send(*, invitation_id: int, now=None) -> bool:
    """Send one due invitation. Re-read under lock so two sweeps cannot both send it. The sweep's step: no
    actor (what is due decides)."""
    now = now or timezone.now()
    invitation = (
        _sendable(Invitation.objects.select_for_update(), now)
        .filter(pk=invitation_id, sent_at__isnull=True, scheduled_for__lte=now)
        .select_related("version", "beneficiary")
        .first()
    )
    if invitation is None:
        return False
    if not _consents_to_surveys(invitation.beneficiary):
        # Consent withdrawn after the invitation was made: it is never sent, and the link closes.
        invitation.expires_at = now
        invitation.save(update_fields=["expires_at"])
        _audit(actor=None, action="invitation_cancelled", obj=invitation, at=now, note="consent withdrawn")
        return False
    invitation.sent_at = now
    invitation.save(update_fields=["sent_at"])
    _audit(actor=None, action="invitation_sent", obj=invitation, at=now, new=invitation.send_channel)
    invitation_message_queue(invitation, reminder=False)
    return True


@transaction.atomic
def invitation_remind(*, invitation_id: int, now=None) -> bool:
    """The one reminder: only for a sent, unanswered, unexpired link, and never twice."""
    now = now or timezone.now()
    after = dt.timedelta(days=SurveySettings.load().reminder_after_days)
    invitation = (
        _sendable(Invitation.objects.select_for_update(), now)
        .filter(pk=invitation_id, sent_at__lte=now - after, reminded_at__isnull=True)
        .select_related("version", "beneficiary")
        .first()
    )
    if invitation is None:
        return False
    if not _consents_to_surveys(invitation.beneficiary):
        invitation.expires_at = now
        invitation.save(update_fields=["expires_at"])
        _audit(actor=None, action="invitation_cancelled", obj=invitation, at=now, note="consent withdrawn")
        return False
    invitation.reminded_at = now
    invitation.save(update_fields=["reminded_at"])
    _audit(actor=None, action="invitation_reminded", obj=invitation, at=now, new=invitation.send_channel)
    invitation_message_queue(invitation, reminder=True)
    return True


def invitation_sweep(*, now=None) -> dict:
    """Periodic (Celery beat, ``surveys.tasks``): send what is due and the one reminder. Each invitation in its
    own transaction. No actor: the portal sends what the database says is due."""
    now = now or timezone.now()
    after = dt.timedelta(days=SurveySettings.load().reminder_after_days)
    due = _sendable(Invitation.objects, now).filter(sent_at__isnull=True, scheduled_for__lte=now)
    to_remind = _sendable(Invitation.objects, now).filter(sent_at__lte=now - after, reminded_at__isnull=True)
    sent = sum(invitation_send(invitation_id=pk, now=now) for pk in due.values_list("pk", flat=True))
    reminded = sum(invitation_remind(invitation_id=pk, now=now) for pk in to_remind.values_list("pk", flat=True))
    return {"sent": sent, "reminded": reminded}


# --- Responses --------------------------------------------------------------------------------------


def _validate_answers(version: SurveyVersion, answers: dict) -> None:
    errors = {}
    for question in version.questions.all():
        value = answers.get(question.pk)
        empty = value in (None, "", [], ())
        if empty:
            if question.required:
                errors[question.field_name] = _("Please answer this question.")
            continue
        if question.kind in Question.RANGES:
            low, high = Question.RANGES[question.kind]
            if not isinstance(value, int) or not low <= value <= high:
                errors[question.field_name] = _("Choose a value between %(low)s and %(high)s.") % {
                    "low": low,
                    "high": high,
                }
        elif question.kind in Question.CHOICE_KINDS:
            picked = value if isinstance(value, (list, tuple)) else [value]
            valid = {c.pk for c in question.choices.all()}
            if not {getattr(c, "pk", c) for c in picked} <= valid or (
                question.kind == Question.Kind.SINGLE and len(picked) != 1
            ):
                errors[question.field_name] = _("Choose from the listed answers.")
    if errors:
        raise ValidationError(errors)


def is_low(version: SurveyVersion, answers: dict, settings: SurveySettings) -> bool:
    for question in version.questions.all():
        value = answers.get(question.pk)
        if question.kind not in Question.RANGES or not isinstance(value, int):
            continue
        if question.kind == Question.Kind.RATING and value <= settings.low_rating_threshold:
            return True
        if question.kind == Question.Kind.SCORE and value <= settings.low_score_threshold:
            return True
    return False


LOW_SCORE_RECORDED = "low_score_recorded"
LOW_SCORE_FOLLOWED_UP = "low_score_followed_up"


def low_score_summary(version: SurveyVersion, answers: dict) -> str:
    """The low answer in a line any reader understands, whatever the page's language: the survey's Arabic title,
    its version and every rating and score given (``استبيان الرضا (v2): 2/5 · 3/10``)."""
    figures = []
    for question in version.questions.all():
        value = answers.get(question.pk)
        if question.kind in Question.RANGES and isinstance(value, int):
            figures.append(f"{value}/{Question.RANGES[question.kind][1]}")
    return f"{version.title_ar} (v{version.number}): {' · '.join(figures)}"[:300]


def _low_score_recorded(*, invitation: Invitation, response: Response, answers: dict) -> None:
    """A low score on a named response: the relations team follows it up. The contact log and its cases sit
    below surveys, so surveys says what happened and ``channels_log.cases`` reacts (it subscribes to
    ``low_score_recorded``: a follow-up contact entry on the website channel and a follow-up case with its
    working-day target, for the beneficiary and the request). The payload is plain values, all it needs:

    - ``response_id``: the response (the key that makes the reaction once per response);
    - ``beneficiary_id``, ``support_request_id`` (``None`` for an answer about no request);
    - ``summary``: ``low_score_summary`` — the survey, its version and the scores given.

    Once it has opened them it publishes ``low_score_followed_up(response_id, contact_id, case_id)``, and
    ``surveys.subscribers`` links the response to its follow-up (``Response.follow_up``)."""
    if invitation.beneficiary_id is None:
        return
    events.publish(
        LOW_SCORE_RECORDED,
        response_id=response.pk,
        beneficiary_id=invitation.beneficiary_id,
        support_request_id=invitation.support_request_id,
        summary=low_score_summary(invitation.version, answers),
    )


def follow_up_link(*, response_id: int, contact_id: int) -> bool:
    """Record the follow-up contact of a low-score response (``low_score_followed_up``); the first one stays:
    a second event changes nothing. ``True`` when linked now."""
    return bool(
        Response.objects.filter(pk=response_id, is_anonymous=False, follow_up__isnull=True).update(
            follow_up_id=contact_id
        )
    )


def _figures_from_answers() -> dict:
    """Each stored figure of a response as counted from its answers now (``models.FIGURES``), for an ``UPDATE`` or
    an annotation of responses."""

    def matching(condition):
        counted = Answer.objects.filter(condition, response=OuterRef("pk")).order_by().values("response")
        counted = counted.annotate(n=Count("pk")).values("n")
        return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))

    return {name: matching(condition) for name, condition in FIGURES.items()}


def response_figures_refresh(responses=None) -> int:
    """Recompute the stored figures of ``responses`` (default: all) from their answers, in one ``UPDATE``: after the
    answers are written, and by ``manage.py survey_figures``. Returns the number of responses updated."""
    responses = Response.objects.all() if responses is None else responses
    return responses.order_by().update(**_figures_from_answers())


def response_figures_mismatches(responses=None):
    """The responses whose stored figures differ from their answers: the consistency check, empty when right."""
    responses = Response.objects.all() if responses is None else responses
    computed = responses.order_by().annotate(
        **{f"computed_{name}": value for name, value in _figures_from_answers().items()}
    )
    differs = Q()
    for name in FIGURES:
        differs |= ~Q(**{name: F(f"computed_{name}")})
    return computed.filter(differs)


def answered_key(support_request_id: int, trigger: str) -> str:
    return f"{support_request_id}:{trigger}"


def request_already_answered(invitation: Invitation) -> bool:
    """Another link of the same request and source was answered: this one no longer can be."""
    if not invitation.support_request_id or invitation.used_at is not None:
        return False
    key = answered_key(invitation.support_request_id, invitation.trigger)
    return Invitation.objects.filter(answered_key=key).exists()


def response_submit(*, token: str, answers: dict, language: str = "", now=None) -> Response:
    """Record the answers for a token, once; and for a request, once per source (``trigger``) whatever
    the number of invitations printed or sent for it. ``answers`` maps question id → int, text, or
    choice ids.

    No actor: the public page calls it for whoever holds the link. The token — 256 random bits, secret,
    single-use, expiring — is the credential, and it opens this one questionnaire and nothing else.

    The database decides who is first: the row is locked, and the claim is a conditional
    ``UPDATE … WHERE used_at IS NULL`` that also writes the invitation's unique ``answered_key``; a
    second submission — even at the same instant from another connection, with the same link or another
    link of the same request — finds nothing to claim or meets the unique constraint. Raises
    ``Invitation.DoesNotExist`` for an unknown token, ``InvitationUnavailable`` for a used or expired
    one, or one whose request already answered (``"answered"``), ``ValidationError`` for bad answers."""
    now = now or timezone.now()
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("version", "support_request")
            .get(token=token)
        )
        if invitation.used_at is not None:
            raise InvitationUnavailable("used")
        if invitation.is_expired(now):
            raise InvitationUnavailable("expired")
        if request_already_answered(invitation):
            raise InvitationUnavailable("answered")
        key = answered_key(invitation.support_request_id, invitation.trigger) if invitation.support_request_id else ""
        version = invitation.version
        _validate_answers(version, answers)
        try:
            with transaction.atomic():
                claimed = Invitation.objects.filter(pk=invitation.pk, used_at__isnull=True).update(
                    used_at=now, answered_key=key
                )
        except IntegrityError:  # another link of the same request was answered at the same instant
            raise InvitationUnavailable("answered") from None
        if not claimed:
            raise InvitationUnavailable("used")
        anonymous = version.anonymous
        request = invitation.support_request
        response = Response.objects.create(
            version=version,
            invitation=None if anonymous else invitation,
            is_anonymous=anonymous,
            trigger=invitation.trigger,
            subject_key=invitation.subject_key,
            support_request=None if anonymous else request,
            service_type_id=request.service_type_id if request else None,
            channel_id=request.channel_id if request else None,
            language=language[:5],
            collected_via=invitation.send_channel,
            submitted_on=timezone.localdate(now),
            submitted_at=None if anonymous else now,
            is_low=is_low(version, answers, SurveySettings.load()),
        )
        questions = {q.pk: q for q in version.questions.all()}
        for question_id, value in answers.items():
            question = questions.get(question_id)
            if question is None or value in (None, "", [], ()):
                continue
            answer = Answer.objects.create(
                response=response,
                question=question,
                number=value if question.kind in Question.RANGES else None,
                text=value if question.kind == Question.Kind.TEXT else "",
            )
            if question.kind in Question.CHOICE_KINDS:
                answer.choices.set(value if isinstance(value, (list, tuple)) else [value])
        response_figures_refresh(Response.objects.filter(pk=response.pk))
        # The response alone is audited: naming the invitation here would re-link an anonymous answer.
        _audit(actor=None, action="response_submitted", obj=response, at=now)
        if response.is_low and not anonymous:
            _low_score_recorded(invitation=invitation, response=response, answers=answers)
    return response


# --- Improvement actions ----------------------------------------------------------------------------

ACTION_FIELDS = ("survey", "service_type", "channel", "finding", "kind", "decision", "owner", "due_date")
CLOSED_ACTION_STATUSES = (ImprovementAction.Status.DONE, ImprovementAction.Status.CANCELLED)


@transaction.atomic
def improvement_action_create(*, data: dict, actor) -> ImprovementAction:
    authorize(actor, "surveys.add_improvementaction")
    action = ImprovementAction(created_by=actor, **{k: data.get(k) for k in ACTION_FIELDS if k in data})
    action.full_clean()
    action.save()
    _audit(actor=actor, action="action_created", obj=action, new=action.status)
    return action


def improvement_action_moves(action: ImprovementAction, *, user) -> list[tuple[str, str]]:
    """The statuses ``user`` may move ``action`` to, as (value, label), in the order of the statuses: what the
    action page offers (the one answer; the page recomputes nothing)."""
    steps = ImprovementAction.TRANSITIONS.get(action.status, {})
    return [
        (value, label)
        for value, label in ImprovementAction.Status.choices
        if value in steps
        and all(
            user.has_perm(perm) for perm in required_permissions(ImprovementAction.TRANSITIONS, action.status, value)
        )
    ]


def _action_status_audit(*, obj, old, new, actor, reason, at):
    return _audit(actor=actor, action="action_status", obj=obj, at=at, old=old, new=new, note=reason)


@transaction.atomic
def improvement_action_update(
    *, action: ImprovementAction, data: dict, status: str | None = None, actor
) -> ImprovementAction:
    """Edit the action's content and, when asked, move it along ``ImprovementAction.TRANSITIONS`` (through the
    one lifecycle step, ``association.kernel.lifecycle.transition``: lock, table, permission, audit row)."""
    authorize(actor, "surveys.change_improvementaction")
    now = timezone.now()
    action = ImprovementAction.objects.select_for_update().get(pk=action.pk)
    changed = [k for k in ACTION_FIELDS if k in data and getattr(action, k) != data[k]]
    old = action.status
    if status and status != old and status not in ImprovementAction.TRANSITIONS.get(old, {}):
        raise ValidationError(
            {
                "status": _("An action cannot go from “%(old)s” to “%(new)s”.")
                % {
                    "old": ImprovementAction.Status(old).label,
                    "new": ImprovementAction.Status(status).label
                    if status in ImprovementAction.Status.values
                    else status,
                }
            },
            code="invalid_transition",
        )
    if changed:
        for name in changed:
            setattr(action, name, data[name])
        action.full_clean()
        action.save(update_fields=changed)
        _audit(actor=actor, action="action_updated", obj=action, at=now, note=", ".join(changed))
    if status and status != old:
        action = transition(
            action,
            to=status,
            actor=actor,
            table=ImprovementAction.TRANSITIONS,
            audit=_action_status_audit,
            now=now,
            closed_at=now if status in CLOSED_ACTION_STATUSES else None,
        )
    return action
