"""The support requests' part of the ONE timeline (kernel registry slot ``timeline``, merged by
``beneficiaries.selectors.beneficiary_timeline``): registered in ``RequestsAppConfig.ready``.

On a person's timeline, each status change of each of their requests. On a request's page, everything the
request went through: its status changes, the declaration, the research assessment, the committee's votes
and decisions, the deliveries. A request loaded by ``selectors.request_with_history`` costs no query here.
"""

from django.utils.translation import gettext as _

from association.kernel.registry import TIMELINE_PER_SOURCE, TimelineItem
from association.kernel.text import person_name

from .models import StatusChange, SupportRequest

VIEW = "requests_app.view_supportrequest"


def _name(user) -> str:
    return person_name(user, "")


def _person_items(beneficiary) -> list[TimelineItem]:
    changes = (
        StatusChange.objects.filter(support_request__beneficiary=beneficiary)
        .select_related("support_request", "actor")
        .order_by("-at", "-pk")[:TIMELINE_PER_SOURCE]
    )
    return [
        TimelineItem(
            at=change.at,
            kind="status",
            kind_label=_("Request"),
            title=_("Request %(request)s: %(status)s")
            % {"request": change.support_request, "status": change.get_new_status_display()},
            body=change.reason,
            actor=_name(change.actor),
            url=change.support_request.get_absolute_url(),
        )
        for change in changes
    ]


def _status_items(support_request: SupportRequest) -> list[TimelineItem]:
    items = []
    for change in support_request.status_changes.all():
        title = change.get_new_status_display()
        if change.old_status:
            title = f"{change.get_old_status_display()} ← {title}"
        items.append(
            TimelineItem(
                at=change.at,
                kind="status",
                kind_label=_("Request"),
                title=title,
                body=change.reason,
                actor=_name(change.actor),
            )
        )
    return items


def _explanation_items(support_request: SupportRequest) -> list[TimelineItem]:
    """Step 3, apart from the eligibility study: the procedure clear, or explained by the social researcher."""
    if not support_request.explanation:
        return []
    researcher = _name(support_request.explanation_researcher) if support_request.explanation_researcher else ""
    return [
        TimelineItem(
            at=support_request.explanation_at,
            kind="explanation",
            kind_label=_("Procedure explained"),
            title=support_request.get_explanation_display(),
            body=" — ".join(part for part in (researcher, support_request.explanation_note) if part),
            actor=_name(support_request.explanation_recorded_by),
        )
    ]


def _declaration_items(support_request: SupportRequest) -> list[TimelineItem]:
    if not support_request.has_signed_declaration():
        return []
    declaration = support_request.declaration
    return [
        TimelineItem(
            at=declaration.signed_at,
            kind="declaration",
            kind_label=_("Declaration"),
            title=_("Declaration signed (%(method)s)") % {"method": declaration.get_method_display()},
            actor=_name(declaration.witness),
        )
    ]


def _study_items(support_request: SupportRequest) -> list[TimelineItem]:
    return [
        TimelineItem(
            at=study.assessed_at,
            kind="study",
            kind_label=_("Social research"),
            title=_("Social research assessment recorded"),
            body=_("Eligibility score: %(score)s") % {"score": study.score if study.score is not None else "—"},
            actor=_name(study.researcher),
        )
        for study in support_request.studies.all()
        if study.assessed_at
    ]


def _committee_items(support_request: SupportRequest) -> list[TimelineItem]:
    items = [
        TimelineItem(
            at=vote.at,
            kind="vote",
            kind_label=_("Committee vote"),
            title=_("Committee vote: %(vote)s") % {"vote": vote.get_vote_display()},
            body=vote.note,
            actor=_name(vote.member),
        )
        for vote in support_request.votes.all()
    ]
    items += [
        TimelineItem(
            at=decision.decided_at,
            kind="decision",
            kind_label=_("Committee decision") if decision.by_committee else _("Decision"),
            title=(
                _("Committee decision: %(outcome)s") % {"outcome": decision.get_outcome_display()}
                if decision.by_committee
                else _("Decision of %(body)s: %(outcome)s")
                % {"body": decision.deciding_body, "outcome": decision.get_outcome_display()}
            ),
            body=decision.reasons,
            actor=_name(decision.chair),
        )
        for decision in support_request.decisions.all()
    ]
    return items


def _delivery_items(support_request: SupportRequest) -> list[TimelineItem]:
    return [
        TimelineItem(
            at=delivery.recorded_at,
            kind="delivery",
            kind_label=_("Delivery"),
            title=_("Delivery: %(what)s") % {"what": delivery.what},
            body=delivery.receipt_note,
            actor=_name(delivery.delivered_by),
        )
        for delivery in support_request.deliveries.all()
    ]


def request_timeline(*, beneficiary, user, support_request: SupportRequest | None = None) -> list[TimelineItem]:
    """Slot ``timeline``: what the requests app recorded about ``beneficiary`` (about ``support_request`` only,
    when given), for who may see requests. No item holds sensitive data."""
    if not user.has_perm(VIEW):
        return []
    if support_request is None:
        return _person_items(beneficiary)
    items = []
    for source in (
        _status_items,
        _explanation_items,
        _declaration_items,
        _study_items,
        _committee_items,
        _delivery_items,
    ):
        items += source(support_request)[-TIMELINE_PER_SOURCE:]
    return items
