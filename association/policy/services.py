"""Every write to the association's policy that has a rule, and the reads other apps rely on.

- ``policy_in_force(at)`` / ``policy_decision_window_days(at)``: what the rest of the portal obeys (the procedure
  profile, ``association.policy.procedure.procedure_in_force``, reads the former).
- Drafts are created (by hand, by import, or from an approved version), edited, then approved by the
  manager; approval freezes the version, supersedes the one before it and syncs the channel registry.
"""

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ..kernel import memo
from ..kernel.lifecycle import transition
from ..kernel.permissions import authorize
from .models import (
    ADD_PERMISSION,
    APPROVE_PERMISSION,
    CHANGE_PERMISSION,
    PolicyEvent,
    PolicySection,
    PolicyToolLink,
    PolicyVersion,
    policy_tool_key,
)
from .tools import resolve_targets

logger = logging.getLogger(__name__)

IN_FORCE_STATUSES = (PolicyVersion.Status.APPROVED, PolicyVersion.Status.SUPERSEDED)


# --- reads ----------------------------------------------------------------------------------------


def policy_in_force(at: dt.datetime | None = None) -> PolicyVersion | None:
    """The version in force at ``at`` (default now): the last one approved at or before that moment.

    A superseded version is still the answer for a moment before its successor was approved, so a
    request keeps the rules it was submitted under.
    """
    at = at or timezone.now()
    return (
        PolicyVersion.objects.filter(status__in=IN_FORCE_STATUSES, approved_at__lte=at)
        .order_by("-approved_at", "-number")
        .first()
    )


def policy_decision_window_days(at: dt.datetime | None = None) -> int | None:
    """Days the deciding body must wait after submission under the version in force; ``None``: the policy sets
    no window. ``settings.DEFAULT_DECISION_WINDOW_DAYS`` (14) while no policy is approved
    (``association.policy.procedure.procedure_in_force``)."""
    from .procedure import procedure_in_force

    return procedure_in_force(at).decision_window_days


def policy_tool_links(tools: list[str]) -> list[tuple[str, PolicyToolLink | None]]:
    """Each tool name with the staff page or record linked to it in admin; each link carries ``target_label``
    and ``target_name`` (``association.policy.tools``). One query, and one per kind of record linked."""
    keys = {policy_tool_key(tool): tool for tool in tools}
    links = {link.name_normalized: link for link in PolicyToolLink.objects.filter(name_normalized__in=keys)}
    resolve_targets(links.values())
    return [(tool, links.get(policy_tool_key(tool))) for tool in tools]


# --- helpers --------------------------------------------------------------------------------------


def _clean_channels(codes) -> list[str]:
    from ..channels import Channel

    codes = [str(code).strip() for code in (codes or []) if str(code).strip()]
    known = set(Channel.objects.filter(code__in=codes).values_list("code", flat=True))
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise ValidationError({"channels": _("Unknown channel codes: %(codes)s.") % {"codes": ", ".join(unknown)}})
    return list(dict.fromkeys(codes))


def _clean_sections(sections: list[dict]) -> list[dict]:
    kinds = set(PolicySection.Kind.values)
    cleaned = []
    for section in sections:
        heading = (section.get("heading") or "").strip()
        paragraphs = [p.strip() for p in section.get("paragraphs") or [] if p and p.strip()]
        items = [i.strip() for i in section.get("items") or [] if i and i.strip()]
        if not heading and not paragraphs and not items:
            continue
        if not heading:
            raise ValidationError(_("Every section needs a heading."))
        kind = section.get("kind") or PolicySection.Kind.OTHER
        if kind not in kinds:
            raise ValidationError(_("Unknown section kind: %(kind)s.") % {"kind": kind})
        cleaned.append({"kind": kind, "heading": heading[:300], "paragraphs": paragraphs, "items": items})
    if not cleaned:
        raise ValidationError(_("A policy needs at least one section."))
    return cleaned


def _write_sections(version: PolicyVersion, sections: list[dict]) -> None:
    version.sections.all().delete()
    PolicySection.objects.bulk_create(
        PolicySection(version=version, order=index, **section) for index, section in enumerate(sections)
    )


_VERSION_FIELDS = (
    "title",
    "association_name",
    "channels",
    "tools",
    "individual_requests",
    "program_requests",
    "volunteer_proposals",
    "individual_decider",
    "individual_decider_name",
    "decision_window_days",
    "quorum",
    "programs_decider",
    "programs_decider_name",
    "supervising_body",
    "explanation_step",
    "board_meeting",
    "board_session",
    "decision_number",
    "approval_date",
    "signatory_name",
    "signatory_title",
    "quarter",
    "approval_date_hijri_text",
    "approval_date_gregorian_text",
    "review_due",
)
_TEXT_FIELDS = (
    "decision_number",
    "signatory_name",
    "signatory_title",
    "board_session",
    "quarter",
    "approval_date_hijri_text",
    "approval_date_gregorian_text",
    "individual_decider_name",
    "programs_decider_name",
    "supervising_body",
)


def _apply_data(version: PolicyVersion, data: dict) -> None:
    for name in _VERSION_FIELDS:
        if name in data:
            setattr(version, name, data[name])
    version.title = (version.title or "").strip()
    if not version.title:
        raise ValidationError({"title": _("The policy needs a title.")})
    version.channels = _clean_channels(version.channels)
    version.tools = [t.strip() for t in version.tools or [] if t and t.strip()]
    for name in _TEXT_FIELDS:
        setattr(version, name, str(getattr(version, name) or "").strip())


def _next_number() -> int:
    return (PolicyVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1


# --- writes ---------------------------------------------------------------------------------------


@transaction.atomic
def policy_create_draft(
    *, data: dict, sections: list[dict], actor, source_name: str = "", based_on: PolicyVersion | None = None
) -> PolicyVersion:
    """A new draft version with its sections; ``data`` holds PolicyVersion field values."""
    authorize(actor, ADD_PERMISSION)
    cleaned = _clean_sections(sections)
    version = PolicyVersion(created_by=actor, based_on=based_on, source_name=source_name[:255])
    _apply_data(version, data)
    version.full_clean(exclude=["number"])  # the number is given below, where two drafts at once may race
    # Numbers are unique: two drafts created at once may pick the same one; the loser takes the next.
    for attempt in range(3):
        version.number = _next_number()
        try:
            with transaction.atomic():
                version.save()
            break
        except IntegrityError:
            if attempt == 2:
                raise
    _write_sections(version, cleaned)
    action = PolicyEvent.Action.IMPORTED if source_name else PolicyEvent.Action.CREATED
    PolicyEvent.objects.create(
        version=version, action=action, new_status=version.status, actor=actor, note=source_name[:300]
    )
    return version


@transaction.atomic
def policy_update_draft(*, version: PolicyVersion, data: dict, sections: list[dict] | None, actor) -> PolicyVersion:
    """Edit a draft. An approved or superseded version is frozen: make a new draft from it instead."""
    authorize(actor, CHANGE_PERMISSION)
    version = PolicyVersion.objects.select_for_update().get(pk=version.pk)
    if version.is_frozen:
        raise ValidationError(_("An approved version cannot be edited; create a new draft from it."))
    cleaned = _clean_sections(sections) if sections is not None else None
    _apply_data(version, data)
    version.full_clean()
    version.save()
    if cleaned is not None:
        _write_sections(version, cleaned)
    PolicyEvent.objects.create(version=version, action=PolicyEvent.Action.EDITED, actor=actor)
    return version


@transaction.atomic
def policy_new_draft(*, source: PolicyVersion, actor) -> PolicyVersion:
    """A draft copy of ``source`` (usually the approved version) to edit; board approval data is not copied."""
    data = {name: getattr(source, name) for name in _VERSION_FIELDS}
    data.update(
        board_meeting=None,
        board_session="",
        decision_number="",
        approval_date=None,
        signatory_name="",
        signatory_title="",
        quarter="",
        approval_date_hijri_text="",
        approval_date_gregorian_text="",
        review_due=None,
    )
    sections = [
        {"kind": s.kind, "heading": s.heading, "paragraphs": list(s.paragraphs), "items": list(s.items)}
        for s in source.sections.all()
    ]
    return policy_create_draft(data=data, sections=sections, actor=actor, based_on=source)


@transaction.atomic
def policy_import(*, parsed, actor, source_name: str = "") -> PolicyVersion:
    """A draft from a parsed policy (``association.policy.importing.ParsedPolicy``)."""
    return policy_create_draft(
        data=parsed.version_data(), sections=parsed.section_data(), actor=actor, source_name=source_name or "import"
    )


@transaction.atomic
def policy_approve(
    *,
    version: PolicyVersion,
    actor,
    approval_date: dt.date,
    board_meeting: int | None = None,
    signatory_name: str = "",
    signatory_title: str = "",
    board_session: str = "",
    decision_number: str = "",
    quarter: str = "",
    approval_date_hijri_text: str = "",
    approval_date_gregorian_text: str = "",
    approval_scan=None,
    review_due: dt.date | None = None,
) -> PolicyVersion:
    """Record the board's approval: the version is frozen and in force from now on.

    The record fits Saudi practice: a decision number alone («م/3-23», «17») may stand for the meeting; the
    session and quarter are free text; the signatory is optional; both dates are kept as written beside the
    parsed day (``approval_record_warnings`` says what does not add up, without refusing it); the signed
    page's scan is checked by its content (``association.kernel.uploads``).

    The version approved before it becomes superseded, and the channel registry's active set
    becomes exactly the channels this version names (channels are never deleted). Both status
    changes go through the lifecycle (``PolicyVersion.TRANSITIONS``), each with its ``PolicyEvent``.
    """
    authorize(actor, APPROVE_PERMISSION)
    now = timezone.now()
    # Lock every version (in pk order, so two approvals cannot deadlock): two managers approving two
    # drafts at once are serialised, and only one version ends up approved.
    list(PolicyVersion.objects.select_for_update().order_by("pk").values_list("pk", flat=True))
    version = PolicyVersion.objects.select_for_update().get(pk=version.pk)
    if not version.can_change_status(PolicyVersion.Status.APPROVED):
        raise ValidationError(_("Only a draft can be approved."))
    _check_approval(
        version,
        board_meeting=board_meeting,
        decision_number=decision_number,
        approval_date=approval_date,
        review_due=review_due,
        today=timezone.localdate(now),
    )
    scan_name = _scan_name(approval_scan, version) if approval_scan else None
    for old in PolicyVersion.objects.filter(status=PolicyVersion.Status.APPROVED):
        note = _("Superseded by version %(number)s.") % {"number": version.number}
        _change_status(old, to=PolicyVersion.Status.SUPERSEDED, actor=actor, reason=note, now=now)
    version = _change_status(
        version,
        to=PolicyVersion.Status.APPROVED,
        actor=actor,
        now=now,
        board_meeting=board_meeting or None,
        board_session=str(board_session or "").strip(),
        decision_number=(decision_number or "").strip(),
        approval_date=approval_date,
        signatory_name=(signatory_name or "").strip(),
        signatory_title=(signatory_title or "").strip(),
        quarter=(quarter or "").strip(),
        approval_date_hijri_text=(approval_date_hijri_text or "").strip(),
        approval_date_gregorian_text=(approval_date_gregorian_text or "").strip(),
        review_due=review_due,
        approved_at=now,
        approved_by=actor,
    )
    if scan_name:
        version.approval_scan.save(scan_name, approval_scan, save=False)
        PolicyVersion.objects.filter(pk=version.pk).update(approval_scan=version.approval_scan.name)
    _activate_channels(version.channels)
    number = version.number
    transaction.on_commit(lambda: logger.info("policy version %s approved; it is now in force", number))
    return version


def _scan_name(upload, version) -> str:
    """The stored name of the signed page's scan: its kind read from its bytes, never from its name."""
    from ..kernel.uploads import ALLOWED_DOCUMENT_TYPES, uploaded_file_check

    content_type = uploaded_file_check(upload, field="approval_scan")
    return f"approval-{version.number}.{ALLOWED_DOCUMENT_TYPES[content_type]}"


def _check_approval(version, *, board_meeting, decision_number, approval_date, review_due, today) -> None:
    errors = {}
    if (board_meeting is None or board_meeting < 1) and not (decision_number or "").strip():
        errors["board_meeting"] = _("Enter the board meeting's ordinal or the decision number.")
    if approval_date is None:
        errors["approval_date"] = _("Enter the approval date.")
    elif approval_date > today:
        errors["approval_date"] = _("The approval date cannot be in the future.")
    if review_due is not None and approval_date is not None and review_due <= approval_date:
        errors["review_due"] = _("The review date must come after the approval date.")
    if not version.channels:
        errors["channels"] = _("The policy names no channel; add its channels before approval.")
    if errors:
        raise ValidationError(errors)
    if not version.sections.exists():
        raise ValidationError(_("A policy needs at least one section."))


_STATUS_ACTIONS = {
    PolicyVersion.Status.APPROVED: PolicyEvent.Action.APPROVED,
    PolicyVersion.Status.SUPERSEDED: PolicyEvent.Action.SUPERSEDED,
}


def _policy_event(*, obj, old, new, actor, reason, at) -> PolicyEvent:
    """The audit row of a status change: the version's append-only history."""
    return PolicyEvent.objects.create(
        version=obj, action=_STATUS_ACTIONS[new], old_status=old, new_status=new, actor=actor, note=reason[:300], at=at
    )


def _change_status(version: PolicyVersion, *, to: str, actor, now, reason: str = "", **fields) -> PolicyVersion:
    return transition(
        version,
        to=to,
        actor=actor,
        table=PolicyVersion.TRANSITIONS,
        reason=reason,
        audit=_policy_event,
        now=now,
        **fields,
    )


def _activate_channels(codes: list[str]) -> None:
    """The approved policy's channel list is the registry's active set."""
    from ..channels import Channel

    wanted = set(codes)
    Channel.objects.filter(code__in=wanted).exclude(is_active=True).update(is_active=True)
    Channel.objects.exclude(code__in=wanted).exclude(is_active=False).update(is_active=False)
    memo.forget_table(Channel)


# --- the approval record: what does not add up ----------------------------------------------------------


def approval_record_warnings(version: PolicyVersion) -> list[str]:
    """What the manager should check in a version's approval record, without it being refused: a weekday
    that is not the date's, Hijri and Gregorian dates written for different days (or not the recorded day),
    an approval sentence that names another policy."""
    from .importing.approval import date_findings, other_policy_findings

    written = " ".join(t for t in (version.approval_date_hijri_text, version.approval_date_gregorian_text) if t)
    messages = [message for _snippet, message in date_findings(written)] if written else []
    if version.approval_date and written:
        messages += _recorded_day_differs(version, written)
    sentence = " ".join(
        text for section in version.sections.all() if section.kind == "approval" for text in section.paragraphs
    )
    messages += [message for _snippet, message in other_policy_findings(sentence, version.title)]
    return messages


def _recorded_day_differs(version: PolicyVersion, written: str) -> list[str]:
    from ..kernel.dates import dates_in_text

    gregorian, _hijri = dates_in_text(written)
    if gregorian is None or gregorian == version.approval_date:
        return []
    return [_("The dates as written (%(written)s) are not the recorded approval date.") % {"written": written}]


# --- staff read the version in force («تعميمها») ----------------------------------------------------------

VIEW_PERMISSION = "association.view_policyversion"


@transaction.atomic
def policy_confirm_read(*, version: PolicyVersion, actor):
    """``actor`` confirms having read ``version``, which must be the version in force; twice is once."""
    from .models import PolicyReadConfirmation

    authorize(actor, VIEW_PERMISSION)
    current = policy_in_force()
    if current is None or current.pk != version.pk:
        raise ValidationError(_("Only the version in force can be confirmed as read."))
    confirmation, _created = PolicyReadConfirmation.objects.get_or_create(version=version, user=actor)
    return confirmation


# --- the review date («مراجعتها باستمرار») ----------------------------------------------------------------


def review_reminders_sweep(*, today: dt.date | None = None) -> int:
    """Periodic: remind the managers once when the version in force is due for review. The reminder is
    recorded on the version (``review_reminded_at``) in the same transaction that claims it, so a second
    sweep, or two at once, send nothing more. Returns how many versions were reminded of."""
    today = today or timezone.localdate()
    reminded = 0
    due = PolicyVersion.objects.filter(
        status=PolicyVersion.Status.APPROVED, review_due__lte=today, review_reminded_at__isnull=True
    ).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            version = (
                PolicyVersion.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, review_reminded_at__isnull=True)
                .first()
            )
            if version is None:
                continue
            version.review_reminded_at = timezone.now()
            version.save(update_fields=["review_reminded_at"])
            transaction.on_commit(lambda version=version: _send_review_reminder(version))
            reminded += 1
    return reminded


def _send_review_reminder(version: PolicyVersion) -> None:
    from django.contrib.auth import get_user_model
    from django.core.mail import send_mail
    from django.urls import reverse
    from django.utils import translation

    from ..kernel.roles import Role

    managers = get_user_model().objects.filter(is_active=True, groups__name=Role.MANAGER).exclude(email="")
    recipients = sorted(set(managers.values_list("email", flat=True)))
    if not recipients:
        logger.warning("policy version %s is due for review; no manager has an e-mail address", version.number)
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("The beneficiary relations policy is due for review")
        body = _(
            "Version %(number)s of «%(title)s» was to be reviewed by %(due)s. Review it and, if it changes, "
            "approve a new version: %(url)s"
        ) % {
            "number": version.number,
            "title": version.title,
            "due": version.review_due.isoformat(),
            "url": settings.SITE_URL.rstrip("/") + reverse("policy:detail", args=[version.pk]),
        }
    send_mail(subject, body, None, recipients)


def association_name_warning(parsed):
    """A warning when the document names an association other than the profile's (``None`` when it agrees)."""
    from ..kernel.arabic import normalize_arabic
    from ..models import AssociationProfile
    from .importing import ImportWarning
    from .importing import warnings as import_warnings

    profile = AssociationProfile.objects.filter(pk=1).first()
    if profile is None or not parsed.association or not profile.name:
        return None

    def words(text):
        return set(normalize_arabic(text).replace("لجمعيه", "جمعيه").split()) - {"جمعيه", "الخيريه", "في", "ب"}

    document, own = words(parsed.association), words(profile.name)
    if document and own and (document <= own or own <= document):
        return None
    return ImportWarning(0, parsed.association, import_warnings.name_differs(parsed.association, profile.name))
