"""Reads that pages, PDFs, dashboards and services share: the committee's dates and quorum, what a request
still lacks, the agenda and the lists, the role home's panels, and the request page.

Nothing here writes. The request page's read (``request_detail``) loads each kind of related row once
(``request_with_history``), so its queries do not grow with the documents, votes, status changes, decisions
or deliveries a request gathers.
"""

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db.models import (
    CharField,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Concat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from association.branches import researchers_for
from association.kernel.crypto import without_secrets
from association.kernel.dates import format_dual
from association.kernel.roles import Role, has_role
from association.policy.procedure import Decider, explanation_step_in_force, procedure_in_force, profile_of
from association.policy.services import policy_decision_window_days
from beneficiaries.selectors import beneficiary_timeline

from .actions import request_actions
from .models import (
    CommitteeDecision,
    CommitteeSettings,
    CommitteeVote,
    Declaration,
    Delivery,
    RequestNotification,
    ServiceType,
    SocialStudy,
    StatusChange,
    SupportRequest,
)
from .transitions import DECIDE_BODY, INTAKE, UNDECIDED, WITNESS

S = SupportRequest.Status
RIYADH = ZoneInfo("Asia/Riyadh")
COMMITTEE_ROLES = (Role.COMMITTEE_MEMBER, Role.COMMITTEE_CHAIR)
# A role home's panel lists at most this many requests; its link opens the whole list.
PANEL_SIZE = 8


# ---- the committee's dates and quorum -------------------------------------------------------------------


def decision_window_days(at=None) -> int | None:
    """The minimum days between submission and decision under the board-approved policy in force (else
    ``settings.DEFAULT_DECISION_WINDOW_DAYS``); ``None`` when the policy sets no window."""
    return policy_decision_window_days(at)


def decidable_from(support_request: SupportRequest) -> dt.datetime | None:
    """The first moment the decision may be taken: 00:00 Riyadh on the submission's Riyadh calendar date plus
    the window in force when it was submitted (submitted any time on day 0 → decidable from day N 00:00); with
    no window, the moment of submission (the decision may come as soon as the request is studied)."""
    if support_request.submitted_at is None:
        return None
    if not support_request.decision_window_days:
        return support_request.submitted_at
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


def branch_researchers(branch) -> QuerySet:
    """The active social researchers a request of ``branch`` may be referred to: the branch's own, or every
    researcher while the branch has none (``association.branches.researchers_for``)."""
    candidates = get_user_model().objects.filter(is_active=True, groups__name=Role.SOCIAL_RESEARCHER).distinct()
    return researchers_for(branch, candidates).order_by("first_name", "pk")


def decidable_filter(now=None) -> Q:
    """Awaiting the committee and decidable by ``now`` (``decidable_from`` in SQL): submitted on a Riyadh day at
    least its own window before today. One range per window length in use (there are few)."""
    now = now or timezone.now()
    today = now.astimezone(RIYADH).date()
    awaiting = SupportRequest.objects.filter(status=S.AWAITING_COMMITTEE, submitted_at__isnull=False)
    windows = awaiting.order_by().values_list("decision_window_days", flat=True).distinct()
    condition = Q(pk__in=[])
    for days in windows:
        if not days:  # no window: decidable once submitted (``decidable_from``)
            condition |= Q(decision_window_days__isnull=True) if days is None else Q(decision_window_days=days)
            continue
        cutoff = dt.datetime.combine(today - dt.timedelta(days=days - 1), dt.time.min, RIYADH)
        condition |= Q(decision_window_days=days, submitted_at__lt=cutoff)
    return Q(status=S.AWAITING_COMMITTEE, submitted_at__isnull=False) & condition


def reminders_due(event: str, users, *, now=None, committee: bool | None = None) -> QuerySet:
    """The requests the reminders sweep still has to notify ``users`` of: ``decision_window_open`` (who decides:
    decidable, this round) or ``request_overdue`` (the managers). Only due rows, never every open request.
    ``committee``: only the committee's requests (True), only those another body decides (False), or all."""
    now = now or timezone.now()
    with_round = event == "decision_window_open"
    base = decidable_filter(now) if with_round else overdue_filter(now)
    queryset = SupportRequest.objects.filter(base)
    if committee is not None:
        by_committee = Q(decider=Decider.COMMITTEE)
        queryset = queryset.filter(by_committee if committee else ~by_committee)
    missing = Q(pk__in=[]) if users else Q()
    for user in users:
        parts = [Value(f"{event}:"), Cast("pk", CharField())]
        if with_round:
            parts += [Value(":r"), Cast("committee_round", CharField())]
        parts.append(Value(f":{user.pk}"))
        name = f"_key_{user.pk}"
        queryset = queryset.annotate(**{name: Concat(*parts, output_field=CharField())})
        missing |= ~Exists(RequestNotification.objects.filter(key=OuterRef(name)))
    return queryset.filter(missing).select_related("service_type").order_by("pk")


def committee_members():
    return get_user_model().objects.filter(is_active=True, groups__name__in=COMMITTEE_ROLES).distinct()


def quorum_required(support_request: SupportRequest | None = None) -> int:
    """Votes needed before the committee decides: the quorum of the policy version the request was submitted
    under (or of the version in force), else the committee settings', else a majority of the active members."""
    if support_request is None:
        policy_quorum = procedure_in_force().quorum
    else:
        version = support_request.policy_version  # loaded with the request (``request_with_history``)
        policy_quorum = profile_of(version).quorum if version is not None else None
    configured = policy_quorum or CommitteeSettings.get_solo().quorum
    if configured:
        return configured
    return committee_members().count() // 2 + 1


def votes_this_round(support_request: SupportRequest) -> QuerySet:
    return CommitteeVote.objects.filter(
        support_request=support_request, committee_round=support_request.committee_round
    )


def votes_cast(support_request: SupportRequest) -> int:
    return votes_this_round(support_request).exclude(vote=CommitteeVote.Vote.RECUSED).count()


# ---- what a request still lacks -------------------------------------------------------------------------


@dataclass(frozen=True)
class ChecklistItem:
    document_type: object
    supplied: bool
    verified: bool


def _documents_by_type(beneficiary, required: list) -> dict[int, list]:
    """The beneficiary's documents of the ``required`` types, newest first per type (one query)."""
    documents: dict[int, list] = {}
    for document in beneficiary.documents.filter(document_type__in=required).order_by("-supplied_at", "-pk"):
        documents.setdefault(document.document_type_id, []).append(document)
    return documents


def _counts(document, today: dt.date) -> bool:
    """A document counts at the gate when staff verified it and it is still valid ``today`` (Riyadh)."""
    return document.verified_at is not None and document.is_valid_on(today)


def _checklist(required: list, documents: dict[int, list]) -> list[ChecklistItem]:
    today = timezone.localdate()
    return [
        ChecklistItem(
            document_type=document_type,
            supplied=bool(documents.get(document_type.pk)),
            verified=any(_counts(d, today) for d in documents.get(document_type.pk, ())),
        )
        for document_type in required
    ]


def _gaps(required: list, documents: dict[int, list], today: dt.date | None = None) -> list[tuple[object, object]]:
    """Each required document without a verified one valid ``today``: (document type, the newest supplied one
    or None)."""
    today = today or timezone.localdate()
    gaps = []
    for document_type in required:
        supplied = documents.get(document_type.pk, [])
        if not any(_counts(d, today) for d in supplied):
            gaps.append((document_type, supplied[0] if supplied else None))
    return gaps


def _expired(document) -> bool:
    """In a gap, a verified document is there only because it has expired."""
    return document is not None and document.verified_at is not None


def required_documents_checklist(*, beneficiary, service_type: ServiceType) -> list[ChecklistItem]:
    """For each document the service requires: has the beneficiary supplied it, and has staff verified it?"""
    required = list(service_type.required_documents.all())
    return _checklist(required, _documents_by_type(beneficiary, required))


def missing_line(document_type, document) -> str:
    if document is None:
        return _("%(document)s: not supplied") % {"document": document_type.name}
    if _expired(document):
        return _("%(document)s: expired on %(date)s; it must be valid at the time of submission") % {
            "document": document_type.name,
            "date": format_dual(document.expires_on),
        }
    return _("%(document)s: supplied but not verified by staff") % {"document": document_type.name}


def explanation_required(at=None) -> bool:
    """Does the policy in force make step 3 (the referral to the social researcher to explain the procedure, or
    the note that it was clear) a recorded step before the declaration?"""
    return explanation_step_in_force(at)


def explanation_missing(support_request: SupportRequest) -> bool:
    """Is step 3 still to be recorded on this request before its declaration?"""
    return (
        support_request.status in INTAKE
        and not support_request.explanation
        and not support_request.has_signed_declaration()
        and explanation_required()
    )


EXPLANATION_MISSING = gettext_lazy(
    "The explanation of the procedure (referral to the social researcher) is not recorded"
)


def missing_items(support_request: SupportRequest, today: dt.date | None = None) -> list[str]:
    """Exactly what stops the request from being submitted (``today``, Riyadh), one line per item."""
    required = list(support_request.service_type.required_documents.all())
    gaps = _gaps(required, _documents_by_type(support_request.beneficiary, required), today)
    items = [missing_line(document_type, document) for document_type, document in gaps]
    if explanation_missing(support_request):
        items.append(str(EXPLANATION_MISSING))
    if not support_request.has_signed_declaration():
        items.append(_("The declaration (إقرار) is not signed"))
    return items


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


def _still_missing(support_request, user, gaps) -> list[MissingItem]:
    if support_request.status not in INTAKE:
        return []
    may_upload = user.has_perm("beneficiaries.add_document")
    may_verify = user.has_perm("beneficiaries.verify_document")
    items = [
        MissingItem(
            label=missing_line(document_type, document),
            document_type=document_type,
            # An expired document is replaced: the upload form, not the verify button.
            document=None if _expired(document) else document,
            may_upload=may_upload and (document is None or _expired(document)),
            may_verify=may_verify,
        )
        for document_type, document in gaps
    ]
    if explanation_missing(support_request):
        items.append(MissingItem(label=str(EXPLANATION_MISSING)))
    if not support_request.has_signed_declaration():
        may_sign = user.has_perm(WITNESS)
        items.append(
            MissingItem(
                label=_("The declaration (إقرار) is not signed"),
                url=reverse("requests_app:declaration", args=[support_request.pk]) if may_sign else "",
            )
        )
    return items


def still_missing(support_request: SupportRequest, user) -> list[MissingItem]:
    """What the request lacks before it can be submitted, while it is completed at the desk (empty
    otherwise), each document with whether ``user`` may hand it in or verify it from the request page."""
    if support_request.status not in INTAKE:
        return []
    required = list(support_request.service_type.required_documents.all())
    return _still_missing(
        support_request, user, _gaps(required, _documents_by_type(support_request.beneficiary, required))
    )


# ---- lists, the agenda and the role home ----------------------------------------------------------------


def _with_list_data(queryset: QuerySet) -> QuerySet:
    return without_secrets(
        queryset.select_related("beneficiary", "service_type", "channel", "researcher", "branch"), "beneficiary"
    )


def request_list(*, filters: dict | None = None) -> QuerySet:
    """Every request, newest first, narrowed by ``filters`` (the list form's cleaned data): ``status``,
    ``service_type``, ``channel``, ``researcher``, ``branch``, ``overdue``."""
    filters = filters or {}
    queryset = _with_list_data(SupportRequest.objects.all())
    if filters.get("status"):
        queryset = queryset.filter(status=filters["status"])
    for name in ("service_type", "channel", "researcher", "branch"):
        if filters.get(name):
            queryset = queryset.filter(**{name: filters[name]})
    if filters.get("overdue"):
        queryset = queryset.filter(overdue_filter())
    return queryset


def research_assignments(*, user) -> QuerySet:
    """The requests in research assigned to ``user``, oldest submission first."""
    return _with_list_data(SupportRequest.objects.filter(status=S.IN_RESEARCH, researcher=user)).order_by(
        "submitted_at", "pk"
    )


@dataclass
class AgendaRow:
    support_request: SupportRequest
    decidable_from: dt.datetime
    days_left: int


def agenda_queryset(user) -> QuerySet:
    """Requests awaiting the committee, oldest first, each with its votes this round and whether ``user``
    voted."""
    # Votes counted by a correlated subquery for the rows shown only (a join with GROUP BY would count every
    # awaiting request's votes before the LIMIT); the order is the (status, submitted_at) index's.
    votes = (
        CommitteeVote.objects.filter(support_request=OuterRef("pk"), committee_round=OuterRef("committee_round"))
        .exclude(vote=CommitteeVote.Vote.RECUSED)
        .order_by()
        .values("support_request")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return (
        _with_list_data(SupportRequest.objects.filter(status=S.AWAITING_COMMITTEE, decider=Decider.COMMITTEE))
        .annotate(
            n_votes=Coalesce(Subquery(votes, output_field=IntegerField()), 0),
            voted_by_me=Exists(
                CommitteeVote.objects.filter(
                    support_request=OuterRef("pk"), committee_round=OuterRef("committee_round"), member=user.pk
                )
            ),
        )
        .order_by("submitted_at", "pk")
    )


def body_decisions_queryset() -> QuerySet:
    """Requests awaiting the decision of the manager or of a competent body (no committee), oldest first."""
    return (
        _with_list_data(SupportRequest.objects.filter(status=S.AWAITING_COMMITTEE))
        .exclude(decider=Decider.COMMITTEE)
        .order_by("submitted_at", "pk")
    )


def agenda_rows(queryset, now=None) -> list[AgendaRow]:
    """Each request with the day it becomes decidable and the days left until then."""
    now = now or timezone.now()
    today = now.astimezone(RIYADH).date()
    rows = []
    for support_request in queryset:
        opens = decidable_from(support_request)
        rows.append(AgendaRow(support_request, opens, max((opens.date() - today).days, 0)))
    return rows


def request_counts(*, user) -> list[tuple[str, str, int]]:
    """(status, label, how many requests) for every status, for who may see requests; empty otherwise."""
    if not user.has_perm("requests_app.view_supportrequest"):
        return []
    # COUNT(*) over the status index alone (an index-only scan); COUNT(id) would read every row.
    by_status = dict(SupportRequest.objects.values_list("status").annotate(n=Count("*")).values_list("status", "n"))
    return [(value, label, by_status.get(value, 0)) for value, label in S.choices]


def role_home(*, user) -> dict:
    """The researcher's assignments, the committee's agenda, the manager's overdue requests and escalations;
    ``None`` hides a panel from who does not do that work."""
    base = SupportRequest.objects.select_related("beneficiary", "service_type")
    context = {"my_assignments": None, "agenda": None, "body_decisions": None, "overdue": None, "escalations": None}
    if has_role(user, Role.SOCIAL_RESEARCHER) and not user.is_superuser:
        context["my_assignments"] = list(
            base.filter(status=S.IN_RESEARCH, researcher=user).order_by("submitted_at")[:PANEL_SIZE]
        )
    if has_role(user, *COMMITTEE_ROLES):
        context["agenda"] = agenda_rows(agenda_queryset(user)[:PANEL_SIZE])
    if user.has_perm(DECIDE_BODY) and (user.is_superuser or has_role(user, Role.MANAGER)):
        rows = agenda_rows(body_decisions_queryset()[:PANEL_SIZE])
        # Shown where the policy in force names no committee, or while such requests still wait.
        context["body_decisions"] = rows if rows or not procedure_in_force().uses_committee else None
    if has_role(user, Role.MANAGER):
        context["overdue"] = list(base.filter(overdue_filter()).order_by("submitted_at", "pk")[:PANEL_SIZE])
        context["escalations"] = list(
            RequestNotification.objects.filter(user=user, event="request_overdue").select_related(
                "support_request__beneficiary"
            )[:PANEL_SIZE]
        )
    return context


# ---- printable documents --------------------------------------------------------------------------------

PDF_LABELS = {
    "acknowledgment": gettext_lazy("Acknowledgment receipt (PDF)"),
    "declaration": gettext_lazy("Declaration (PDF)"),
    "decision": gettext_lazy("Decision letter (PDF)"),
    "minutes": gettext_lazy("Committee minutes (PDF)"),
}
PDF_KINDS = tuple(PDF_LABELS)


def pdf_available(support_request: SupportRequest, kind: str, *, decided: bool | None = None) -> bool:
    """Does the request have this document yet? (``decided``: whether it has a decision, when known.)"""
    if decided is None:
        decided = support_request.decisions.exists()
    if kind == "acknowledgment":
        return bool(support_request.number)
    if kind == "declaration":
        return support_request.has_signed_declaration()
    if kind == "decision":
        return decided
    # The minutes are the committee's: none when the manager or a competent body decides.
    return support_request.uses_committee and (decided or support_request.status == S.AWAITING_COMMITTEE)


# ---- the request page -----------------------------------------------------------------------------------


def request_with_history(pk) -> SupportRequest:
    """The request with everything its page, its actions and its timeline read, one query per kind of row
    (``SupportRequest.DoesNotExist`` if none)."""
    return (
        SupportRequest.objects.select_related(
            "beneficiary",
            "service_type",
            "channel",
            "created_by",
            "researcher",
            "branch",
            "policy_version",
            "declaration__witness",
            "explanation_researcher",
            "explanation_recorded_by",
        )
        .prefetch_related(
            "service_type__required_documents",
            Prefetch("status_changes", queryset=StatusChange.objects.select_related("actor")),
            Prefetch("studies", queryset=SocialStudy.objects.select_related("researcher", "rule_set")),
            Prefetch("votes", queryset=CommitteeVote.objects.select_related("member")),
            Prefetch("decisions", queryset=CommitteeDecision.objects.select_related("chair")),
            Prefetch("deliveries", queryset=Delivery.objects.select_related("delivered_by")),
        )
        .annotate(declaration_signed=Exists(Declaration.objects.filter(support_request=OuterRef("pk"))))
        .get(pk=pk)
    )


@dataclass
class RequestDetail:
    """What the request page shows; the view attaches the forms of ``actions`` and renders."""

    support_request: SupportRequest
    actions: list
    study: SocialStudy | None
    votes: list  # this round's
    my_vote: CommitteeVote | None
    votes_cast: int
    quorum: int | None  # only for who may record the decision
    decidable_from: dt.datetime | None
    is_decidable: bool
    decisions: list
    deliveries: list
    declaration: Declaration | None
    checklist: list
    missing: list
    pdfs: list  # (kind, label)
    timeline: list = field(default_factory=list)


def request_detail(*, support_request: SupportRequest, user, now=None) -> RequestDetail:
    """The request page for ``user``: ``support_request`` as ``request_with_history`` loads it."""
    now = now or timezone.now()
    sr = support_request
    studies = list(sr.studies.all())
    votes = [vote for vote in sr.votes.all() if vote.committee_round == sr.committee_round]
    decisions = list(sr.decisions.all())
    required = list(sr.service_type.required_documents.all())
    documents = _documents_by_type(sr.beneficiary, required)
    actions = request_actions(sr, user)
    opens = decidable_from(sr)
    return RequestDetail(
        support_request=sr,
        actions=actions,
        study=studies[0] if studies else None,
        votes=votes,
        my_vote=next((vote for vote in votes if vote.member_id == user.pk), None),
        votes_cast=sum(1 for vote in votes if vote.vote != CommitteeVote.Vote.RECUSED),
        quorum=quorum_required(sr) if sr.uses_committee and any(a.code == "decide" for a in actions) else None,
        decidable_from=opens,
        is_decidable=opens is not None and now >= opens,
        decisions=decisions,
        deliveries=list(sr.deliveries.all()),
        declaration=sr.declaration if sr.has_signed_declaration() else None,
        checklist=_checklist(required, documents),
        missing=_still_missing(sr, user, _gaps(required, documents)),
        pdfs=[(kind, label) for kind, label in PDF_LABELS.items() if pdf_available(sr, kind, decided=bool(decisions))],
        timeline=beneficiary_timeline(beneficiary=sr.beneficiary, user=user, support_request=sr),
    )
