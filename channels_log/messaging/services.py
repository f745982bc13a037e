"""Outgoing messages: queue them inside the caller's transaction, deliver them exactly once.

Why a message is never lost
    ``message_queue`` writes the messages as rows in the caller's transaction, so a message exists
    exactly when the step that caused it was committed. The Celery task is only a wake-up call, sent with
    ``transaction.on_commit``; if the broker is down or loses it (Redis flushed, a worker killed with the
    task reserved), ``messages_sweep`` — run by beat — finds rows still queued after
    ``MESSAGING_REQUEUE_AFTER_SECONDS`` and hands them to a worker again.

Why a message is never sent twice
    Delivery is at-least-once towards the gateway, made exactly-once by an idempotency key:
    ``message_deliver`` claims the row under ``select_for_update(skip_locked=True)`` and moves it
    queued → sending in its own short transaction (so a duplicate task or a second worker sees ``sending``
    and does nothing), calls the backend, then records sent/failed. The one window left is a crash
    after the gateway accepted the message and before ``sent`` was committed: the row stays ``sending``.
    Only after the lease (``MESSAGING_LEASE_SECONDS``, longer than any gateway timeout) is it claimed
    again and sent once more *with the same key*: the HTTP SMS gateway receives the key as
    ``Idempotency-Key`` header and in the body (``$key``), so the provider recognises the repeat and
    delivers once. A gateway that cannot dedupe would have to be reconciled by hand for that one
    message; nothing else is ever repeated. Emails carry the key as their Message-ID for the same reason.

Events and their context
    The events are those the producing apps register (``channels_log.messaging.registry``), each with its
    default wording and whether it may be declined. Every template receives ``beneficiary_name``,
    ``user_name``, ``association_name``, ``site_url`` and whatever the caller passes in ``context``. The
    default templates use, when given: ``reference`` (the record's reference), ``url`` (absolute link),
    ``due_date``, ``reason``, and the values each event documents (``service``, ``outcome``, ``missing``,
    ``answer``...). A message names what it is about (``subject_kind``/``subject_id``, a kind a producer
    registered) and, for a complaint about a staff member, that member (``staff_subject``), from whom it is
    then hidden.
"""

import logging
import os
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template import Context, Template
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from association.kernel.permissions import authorize
from association.kernel.text import person_name

from .models import DeliveryLogEntry, MessageChannel, MessagePreference, MessageTemplate, OutgoingMessage
from .registry import MessageEventType, message_event, message_events

logger = logging.getLogger(__name__)

Status = OutgoingMessage.Status
# Reasons recorded on a message or its log are stored in English (gettext_noop) and translated when shown.


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def lease_seconds() -> int:
    return _setting("MESSAGING_LEASE_SECONDS", 120)


def requeue_after_seconds() -> int:
    return _setting("MESSAGING_REQUEUE_AFTER_SECONDS", 300)


def max_attempts() -> int:
    return _setting("MESSAGING_MAX_ATTEMPTS", 5)


def retry_delay(attempts: int) -> int:
    """Exponential backoff: base, 2×base, 4×base… capped at one hour."""
    base = _setting("MESSAGING_RETRY_BASE_SECONDS", 30)
    return min(3600, base * 2 ** max(0, attempts - 1))


# --- Queueing -------------------------------------------------------------------------------------------


def _render(text: str, context: dict) -> str:
    # Plain text (SMS and text email): no HTML escaping of "&" or quotes.
    return Template(text).render(Context(context, autoescape=False)).strip()


def _template_for(event: str, channel: str, language: str) -> MessageTemplate | None:
    templates = {t.language: t for t in MessageTemplate.objects.filter(event=event, channel=channel, is_active=True)}
    return templates.get(language) or templates.get("ar") or templates.get("en")


def _consent_missing(beneficiary, purpose: str) -> bool:
    """A non-essential message needs the general "contact" consent not withdrawn and, when its producer names
    a purpose (surveys, data sharing), that consent given and in force: an opt-in, never assumed."""
    consents = {c.purpose: c.withdrawn_at is None for c in beneficiary.consents.all()}
    if consents.get("contact") is False:
        return True
    return bool(purpose) and not consents.get(purpose, False)


def _beneficiary_targets(beneficiary, event: MessageEventType) -> tuple[str, list[tuple[str, str]], str]:
    """(language, [(channel, address)], reason when nothing may be sent)."""
    preference = MessagePreference.objects.filter(beneficiary=beneficiary).first() or MessagePreference(
        beneficiary=beneficiary
    )
    if not event.essential:
        # Surveys and reminders may be declined; request status, decisions and answers always go.
        if preference.opt_out_non_essential:
            return preference.language, [], gettext_noop("opted out of non-essential messages")
        if _consent_missing(beneficiary, event.consent_purpose):
            return preference.language, [], gettext_noop("consent withdrawn")
    targets = []
    if preference.sms_enabled and beneficiary.mobile:
        targets.append((MessageChannel.SMS, beneficiary.mobile))
    if preference.email_enabled and preference.email:
        targets.append((MessageChannel.EMAIL, preference.email))
    if not targets and event.essential and beneficiary.mobile:
        # Essential messages always go: with every channel switched off, the registered mobile.
        targets.append((MessageChannel.SMS, beneficiary.mobile))
    return preference.language, targets, "" if targets else gettext_noop("no channel to reach the beneficiary")


def _base_context(*, beneficiary, user, context: dict) -> dict:
    from association.models import AssociationProfile

    profile = AssociationProfile.objects.first()
    return {
        "association_name": profile.name if profile else "",
        "site_url": settings.SITE_URL,
        "beneficiary_name": beneficiary.full_name if beneficiary else "",
        "beneficiary": beneficiary,
        "user_name": person_name(user, empty=""),
        **context,
    }


def _targets(*, event: MessageEventType, beneficiary, user, mobile: str) -> tuple[str, list[tuple[str, str]], str]:
    """(language, [(channel, address)], reason when nothing may be sent) for the one recipient given."""
    if beneficiary is not None:
        return _beneficiary_targets(beneficiary, event)
    if mobile:
        return settings.LANGUAGE_CODE[:2], [(MessageChannel.SMS, mobile)], ""
    targets = [(MessageChannel.EMAIL, user.email)] if user.email and user.is_active else []
    return (
        settings.LANGUAGE_CODE[:2],
        targets,
        "" if targets else gettext_noop("the staff user has no email address or is inactive"),
    )


def _subject(event: MessageEventType, subject_kind: str | None, subject_id, context: dict) -> tuple[str, int | None]:
    """What the message is about: the kind given or the event's, and the id given or the pk of the context's
    entry named after the kind (``context["support_request"]`` for a ``support_request`` event)."""
    kind = event.subject_kind if subject_kind is None else subject_kind
    if subject_id is None and kind:
        subject_id = getattr(context.get(kind), "pk", None)
    return (kind, subject_id) if subject_id is not None else ("", None)


def _render_into(row: OutgoingMessage, template: MessageTemplate, context: dict) -> None:
    row.language = template.language
    # Lazy labels in the context (an outcome, a kind) speak the message's language, not the staff's.
    with translation.override(template.language):
        row.subject = _render(template.subject, context)[:200]
        row.body = _render(template.body, context)


def _save_new(rows: list[OutgoingMessage], *, key: str, now) -> list[OutgoingMessage] | None:
    """Save the rows and their first log entry; None when a concurrent caller committed the same key first."""
    try:
        # A savepoint: the caller's transaction goes on and gets that caller's rows.
        with transaction.atomic():
            for row in rows:
                row.save()
                DeliveryLogEntry.objects.create(message=row, at=now, status=row.status, detail=row.last_error)
    except IntegrityError:
        return None
    return rows


def message_queue(
    *,
    event: str,
    key: str,
    beneficiary=None,
    user=None,
    mobile: str = "",
    subject_kind: str | None = None,
    subject_id: int | None = None,
    staff_subject=None,
    context: dict | None = None,
) -> list[OutgoingMessage]:
    """Queue the messages for one event to a beneficiary (by their preferred channels: SMS to their mobile,
    email if they have one), to a staff user (email), or to a bare ``mobile`` (SMS, in Arabic: someone with
    no file, such as a public sender who asked to be told). Idempotent: a second call with the same `key`
    creates nothing. Must be called inside the caller's transaction; sending is queued with
    transaction.on_commit.

    ``event`` is a code a producing app registered (``registry.message_event_register``). The message is about
    ``subject_id`` of the event's ``subject_kind`` (or ``subject_kind`` given here); without ``subject_id``,
    the context's entry named after the kind, when it is a record. ``staff_subject``: the staff member a
    complaint is about, from whom the message is hidden (``OutgoingMessage.objects.visible_to``).

    A message that may not or cannot be sent (opted out, no address, no template) is still recorded, as
    ``skipped`` with the reason, so the delivery log shows every event and the key stays used.
    """
    event_type = message_event(event)
    if sum((beneficiary is not None, user is not None, bool(mobile))) != 1:
        raise ValueError("message_queue needs exactly one of beneficiary, user or mobile")
    if not key or len(key) > 200:
        raise ValueError("message_queue needs a key of 1 to 200 characters")
    existing = list(OutgoingMessage.objects.filter(group_key=key).order_by("pk"))
    if existing:
        return existing

    context = dict(context or {})
    kind, about = _subject(event_type, subject_kind, subject_id, context)
    language, targets, reason = _targets(event=event_type, beneficiary=beneficiary, user=user, mobile=mobile)
    full_context = _base_context(beneficiary=beneficiary, user=user, context=context)
    now = timezone.now()

    rows = []
    for channel, address in targets or [(MessageChannel.EMAIL if user else MessageChannel.SMS, "")]:
        row = OutgoingMessage(
            key=f"{key}:{channel}",
            group_key=key,
            event=event,
            channel=channel,
            language=language,
            essential=event_type.essential,
            beneficiary=beneficiary,
            user=user,
            subject_kind=kind,
            subject_id=about,
            staff_subject=staff_subject,
            recipient=address,
            created_at=now,
            next_attempt_at=now,
            dispatched_at=now,
        )
        template = _template_for(event, channel, language) if targets else None
        if not targets:
            row.status, row.last_error = Status.SKIPPED, reason
        elif template is None:
            row.status, row.last_error = Status.SKIPPED, gettext_noop("no active template for this event and channel")
        else:
            _render_into(row, template, full_context)
        rows.append(row)

    created = _save_new(rows, key=key, now=now)
    if created is None:
        return list(OutgoingMessage.objects.filter(group_key=key).order_by("pk"))
    to_send = [row.pk for row in created if row.status == Status.QUEUED]
    if to_send:
        transaction.on_commit(lambda: dispatch(to_send))
    return created


def dispatch(message_ids: list[int]) -> None:
    """Wake a worker for each message. Runs after commit; a broker error is logged, never raised to the
    user whose action already committed — the sweep hands the message over later."""
    from .tasks import send_message

    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        # The embedded broker is a folder; a fresh VAR_DIR has none until the worker starts.
        for folder in ("data_folder_in", "data_folder_out", "processed_folder"):
            os.makedirs(settings.CELERY_BROKER_TRANSPORT_OPTIONS[folder], exist_ok=True)
    for pk in message_ids:
        try:
            send_message.apply_async(args=[pk])
        except Exception as exc:
            logger.warning("Broker unavailable (%s): message %s waits for the sweep", exc, pk)


# --- Delivery -------------------------------------------------------------------------------------------


def _log(message: OutgoingMessage, status: str, *, at, detail: str = "", provider_id: str = "", actor=None):
    DeliveryLogEntry.objects.create(
        message=message,
        at=at,
        status=status,
        attempt=message.attempts,
        detail=detail[:2000],
        provider_id=provider_id,
        actor=actor,
    )


def _claim(message_id: int, now) -> OutgoingMessage | None:
    """Move one message to ``sending`` and commit, or return None when it is not ours to send now."""
    with transaction.atomic():
        # skip_locked: a second worker holding the same id moves on instead of waiting to send it again.
        message = OutgoingMessage.objects.select_for_update(skip_locked=True).filter(pk=message_id).first()
        if message is None:
            return None
        if message.status == Status.QUEUED:
            if message.next_attempt_at > now:
                return None
            detail = ""
        elif message.status == Status.SENDING and message.claimed_at < now - timedelta(seconds=lease_seconds()):
            # The worker that claimed it died mid-send; the gateway dedupes on the same key.
            detail = gettext_noop("lease expired; sending again with the same key")
        else:
            return None
        message.status = Status.SENDING
        message.claimed_at = now
        message.attempts += 1
        message.save(update_fields=["status", "claimed_at", "attempts"])
        _log(message, Status.SENDING, at=now, detail=detail)
        return message


def message_deliver(*, message_id: int) -> int | None:
    """Send one queued message once. Returns the seconds after which a retry is due, or None.

    Safe to call any number of times, from any number of workers: only the caller that claims the row
    sends it (see the module docstring for the crash window and the idempotency key).
    """
    from .backends import SendError, get_backend

    message = _claim(message_id, timezone.now())
    if message is None:
        return None
    try:
        provider_id = get_backend(message.channel).send(message)
    except SendError as exc:
        error, permanent = str(exc), exc.permanent
    except Exception as exc:  # a backend bug or an unreachable host must not leave the row in `sending`
        logger.exception("Sending message %s failed", message.pk)
        error, permanent = f"{type(exc).__name__}: {exc}", False
    else:
        error, permanent = None, False

    now = timezone.now()
    with transaction.atomic():
        message = OutgoingMessage.objects.select_for_update().get(pk=message.pk)
        if message.status != Status.SENDING:
            return None
        if error is None:
            message.status, message.provider_id, message.sent_at = Status.SENT, provider_id[:200], now
            message.last_error = ""
            message.save(update_fields=["status", "provider_id", "sent_at", "last_error"])
            _log(message, Status.SENT, at=now, provider_id=message.provider_id)
            return None
        message.last_error = error[:2000]
        if permanent or message.attempts >= max_attempts():
            message.status = Status.FAILED
            message.save(update_fields=["status", "last_error"])
            _log(message, Status.FAILED, at=now, detail=error)
            return None
        delay = retry_delay(message.attempts)
        message.status = Status.QUEUED
        message.next_attempt_at = message.dispatched_at = now + timedelta(seconds=delay)
        message.save(update_fields=["status", "last_error", "next_attempt_at", "dispatched_at"])
        _log(message, Status.QUEUED, at=now, detail=error)
        return delay


def messages_sweep(*, limit: int = 500) -> int:
    """Hand over again what is due and not moving: queued longer than the re-queue delay (the broker lost
    it, or it was never reached) and sending longer than the lease (the worker died). Returns the count."""
    now = timezone.now()
    stale_queue = now - timedelta(seconds=requeue_after_seconds())
    stale_lease = now - timedelta(seconds=lease_seconds())
    with transaction.atomic():
        due = (
            OutgoingMessage.objects.select_for_update(skip_locked=True)
            .filter(
                Q(status=Status.QUEUED, next_attempt_at__lte=now, dispatched_at__lte=stale_queue)
                | Q(status=Status.SENDING, claimed_at__lte=stale_lease)
            )
            .order_by("next_attempt_at", "pk")
        )
        ids = list(due.values_list("pk", flat=True)[:limit])
        if ids:
            OutgoingMessage.objects.filter(pk__in=ids, status=Status.QUEUED).update(dispatched_at=now)
            transaction.on_commit(lambda: dispatch(ids))
    return len(ids)


def message_retry(*, message: OutgoingMessage, actor) -> OutgoingMessage:
    """Staff send a failed message again (same key, so a gateway that did get it still delivers once)."""
    authorize(actor, "channels_log.retry_outgoingmessage")
    with transaction.atomic():
        message = OutgoingMessage.objects.select_for_update().get(pk=message.pk)
        if message.status != Status.FAILED:
            raise ValidationError(_("Only a failed message can be sent again."))
        now = timezone.now()
        message.status = Status.QUEUED
        message.next_attempt_at = message.dispatched_at = now
        message.save(update_fields=["status", "next_attempt_at", "dispatched_at"])
        _log(message, Status.QUEUED, at=now, detail=gettext_noop("retry requested"), actor=actor)
        pk = message.pk
        transaction.on_commit(lambda: dispatch([pk]))
    return message


def message_preference_set(
    *,
    beneficiary,
    actor,
    sms_enabled: bool,
    email: str,
    email_enabled: bool,
    language: str,
    opt_out_non_essential: bool,
) -> MessagePreference:
    """Record how a beneficiary wants to be told (staff record it on the beneficiary's request)."""
    authorize(actor, "channels_log.change_messagepreference")
    with transaction.atomic():
        preference, _created = MessagePreference.objects.select_for_update().get_or_create(beneficiary=beneficiary)
        preference.sms_enabled = sms_enabled
        preference.email = email
        preference.email_enabled = email_enabled
        preference.language = language
        preference.opt_out_non_essential = opt_out_non_essential
        preference.updated_by = actor
        preference.full_clean()
        preference.save()
    return preference


# --- Templates ------------------------------------------------------------------------------------------

# Every preview gets these; an event adds its own sample values (``message_event_register(sample=...)``).
SAMPLE_CONTEXT = {
    "beneficiary_name": "محمد عبدالله سعد العتيبي",
    "user_name": "ريم السبيعي",
    "reference": "R-2026-0001",
    "url": "https://portal.example.org/s/example",
    "due_date": "1448/05/20",
    "reason": "تجاوز المدة",
}


def template_check(text: str) -> None:
    """Raise ValidationError when admin-edited wording is not a valid template."""
    from django.template import TemplateSyntaxError

    try:
        Template(text)
    except TemplateSyntaxError as exc:
        raise ValidationError(_("The template has an error: %(error)s"), params={"error": exc}) from exc


def template_preview(template: MessageTemplate) -> tuple[str, str]:
    """(subject, body) of a template rendered with sample data, as the admin preview shows it."""
    try:
        sample = message_event(template.event).sample
    except ValueError:  # an event no app registers any more: its rows stay readable
        sample = {}
    context = _base_context(beneficiary=None, user=None, context={**SAMPLE_CONTEXT, **sample})
    return _render(template.subject, context), _render(template.body, context)


def message_templates_ensure(**_signal_kwargs) -> int:
    """Create the default wording of every registered event, channel and language that has no template yet
    (run after ``migrate``: a producer registered later gets its templates too). Wording an admin edited
    or deactivated is never touched. Returns how many were created."""
    existing = set(MessageTemplate.objects.values_list("event", "channel", "language"))
    created = 0
    for event in message_events():
        for channel, language, subject, body in event.default_templates():
            if (event.code, channel, language) not in existing:
                _obj, new = MessageTemplate.objects.get_or_create(
                    event=event.code, channel=channel, language=language, defaults={"subject": subject, "body": body}
                )
                created += new
    return created
