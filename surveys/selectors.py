"""Reads that the surveys pages, the role home and the timeline share.

Results: CSAT, NPS and response rate, by dimension, and the geometry of the SVG charts.

- CSAT: the share of answers to 1–5 rating questions that are 4 or 5, in percent.
- NPS: percent of 0–10 scores that are 9–10 (promoters) minus percent that are 0–6 (detractors).

Each figure is one aggregate query over answers (one per breakdown, never one per row), so the results page
costs the same number of queries whatever the number of responses.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from association.channels import Channel
from association.kernel.registry import TIMELINE_PER_SOURCE, TimelineItem
from requests_app.models import ServiceType

from .models import Answer, ImprovementAction, Invitation, Question, Response, SendChannel, Survey, Trigger

RATING = Question.Kind.RATING
SCORE = Question.Kind.SCORE
HOME_PANEL_SIZE = 5


# --- Results ----------------------------------------------------------------------------------------


@dataclass
class Row:
    key: object
    label: str
    responses: int
    rating_n: int
    satisfied: int
    score_n: int
    promoters: int
    detractors: int

    @property
    def csat(self) -> float | None:
        return round(100 * self.satisfied / self.rating_n, 1) if self.rating_n else None

    @property
    def nps(self) -> float | None:
        return round(100 * (self.promoters - self.detractors) / self.score_n, 1) if self.score_n else None


def _metrics():
    rating = Q(question__kind=RATING)
    score = Q(question__kind=SCORE)
    return {
        "responses": Count("response", distinct=True),
        "rating_n": Count("pk", filter=rating),
        "satisfied": Count("pk", filter=rating & Q(number__gte=4)),
        "score_n": Count("pk", filter=score),
        "promoters": Count("pk", filter=score & Q(number__gte=9)),
        "detractors": Count("pk", filter=score & Q(number__lte=6)),
    }


def filter_responses(*, survey=None, date_from=None, date_to=None, service_type=None, channel=None):
    queryset = Response.objects.all()
    if survey is not None:
        queryset = queryset.filter(version__survey=survey)
    if date_from:
        queryset = queryset.filter(submitted_on__gte=date_from)
    if date_to:
        queryset = queryset.filter(submitted_on__lte=date_to)
    if service_type is not None:
        queryset = queryset.filter(service_type=service_type)
    if channel is not None:
        queryset = queryset.filter(channel=channel)
    return queryset


def overall(responses) -> Row:
    data = Answer.objects.filter(response__in=responses).aggregate(**_metrics())
    # Responses without a rated answer (free text only) still count as responses.
    data["responses"] = responses.count()
    return Row(key=None, label="", **data)


def breakdown(responses, dimension: str, labels: dict | None = None) -> list[Row]:
    """Rows per ``service_type``, ``channel``, ``trigger``, ``collected_via`` or ``month``."""
    answers = Answer.objects.filter(response__in=responses)
    if dimension == "month":
        answers = answers.annotate(key=TruncMonth("response__submitted_on"))
    else:
        answers = answers.annotate(key=F(f"response__{dimension}"))
    rows = answers.values("key").annotate(**_metrics()).order_by("key")
    labels = labels or {}
    result = []
    for row in rows:
        key = row.pop("key")
        if dimension == "month" and key is not None:
            label = f"{key:%Y-%m}"
        else:
            label = str(labels.get(key, "—" if key is None else key))
        result.append(Row(key=key, label=label, **row))
    return result


def collection_labels() -> dict:
    """How an answer came in, for the breakdown; answers recorded before it was kept have no value."""
    return {**dict(SendChannel.choices), "": _("Not recorded")}


def response_rate(*, survey=None, date_from=None, date_to=None, now=None) -> dict:
    """Answered invitations over issued ones (those whose send time has come), in the period they were issued."""
    now = now or timezone.now()
    invitations = Invitation.objects.filter(scheduled_for__lte=now)
    if survey is not None:
        invitations = invitations.filter(version__survey=survey)
    if date_from:
        invitations = invitations.filter(scheduled_for__date__gte=date_from)
    if date_to:
        invitations = invitations.filter(scheduled_for__date__lte=date_to)
    data = invitations.aggregate(issued=Count("pk"), answered=Count("pk", filter=Q(used_at__isnull=False)))
    data["rate"] = round(100 * data["answered"] / data["issued"], 1) if data["issued"] else None
    return data


def bar_chart(rows: list[Row], metric: str, *, low: float, high: float, width: int = 640, height: int = 220) -> dict:
    """Geometry for a server-drawn SVG bar chart (no script, no CDN). Values without data are skipped."""
    points = [(row.label, getattr(row, metric)) for row in rows]
    points = [(label, value) for label, value in points if value is not None]
    if not points:
        return {"bars": [], "width": width, "height": height}
    top, bottom, side = 20, 40, 36
    plot_h = height - top - bottom
    slot = (width - side) / len(points)
    bar_w = max(6.0, slot * 0.6)
    zero_y = top + plot_h * high / (high - low)
    bars = []
    for i, (label, value) in enumerate(points):
        y_value = top + plot_h * (high - value) / (high - low)
        bars.append(
            {
                "label": label,
                "value": value,
                "x": round(side + i * slot + (slot - bar_w) / 2, 1),
                "y": round(min(y_value, zero_y), 1),
                "w": round(bar_w, 1),
                "h": round(max(abs(zero_y - y_value), 1), 1),
                "cx": round(side + i * slot + slot / 2, 1),
                "negative": value < 0,
                "ty": round(y_value + 12 if value < 0 else y_value - 4, 1),
            }
        )
    return {
        "bars": bars,
        "width": width,
        "height": height,
        "zero_y": round(zero_y, 1),
        "top": top,
        "bottom_y": top + plot_h,
        "label_y": height - bottom + 16,
        "side": side,
        "tick_x": side - 4,
        "high": high,
        "low": low,
    }


def comments(responses):
    """Free-text answers, newest first (a queryset: paginate it)."""
    return (
        Answer.objects.filter(response__in=responses, question__kind=Question.Kind.TEXT)
        .exclude(text="")
        .select_related("question", "response__service_type", "response__version")
        .order_by("-response__submitted_on", "-pk")
    )


def results_summary(filters: dict) -> dict:
    """Every figure of the results page and its export for ``filters`` (``survey``, ``date_from``, ``date_to``,
    ``service_type``, ``channel``; empty ones ignored): a fixed number of queries."""
    filters = {key: value for key, value in filters.items() if value}
    responses = filter_responses(**filters)
    service_names = dict(ServiceType.objects.values_list("pk", "name"))
    channel_names = {channel.pk: channel.name for channel in Channel.objects.all()}
    by_month = breakdown(responses, "month")
    return {
        "filters": filters,
        "responses": responses,
        "overall": overall(responses),
        "rate": response_rate(
            survey=filters.get("survey"), date_from=filters.get("date_from"), date_to=filters.get("date_to")
        ),
        "by_month": by_month,
        "by_service": breakdown(responses, "service_type", service_names),
        "by_channel": breakdown(responses, "channel", channel_names),
        "by_trigger": breakdown(responses, "trigger", dict(Trigger.choices)),
        "by_collection": breakdown(responses, "collected_via", collection_labels()),
        "csat_chart": bar_chart(by_month, "csat", low=0, high=100),
        "nps_chart": bar_chart(by_month, "nps", low=-100, high=100),
    }


def export_answers(responses):
    """Every answer of ``responses`` with what the export writes beside it (iterate it in chunks)."""
    return (
        Answer.objects.filter(response__in=responses)
        .select_related("question", "response__version__survey", "response__service_type", "response__channel")
        .prefetch_related("choices")
        .order_by("response__submitted_on", "response_id", "question__order")
    )


# --- Lists ------------------------------------------------------------------------------------------


def survey_list():
    return Survey.objects.annotate(
        version_count=Count("versions", distinct=True),
        published_count=Count("versions", filter=Q(versions__status="published"), distinct=True),
        draft_count=Count("versions", filter=Q(versions__status="draft"), distinct=True),
    ).order_by("code")


def survey_versions(survey: Survey):
    return survey.versions.annotate(
        question_count=Count("questions", distinct=True), response_count=Count("responses", distinct=True)
    ).order_by("-number")


def invitation_list(*, state: str | None, now):
    """Invitations, newest first; ``state`` ``open``, ``used`` or ``expired`` narrows them."""
    queryset = Invitation.objects.select_related("version__survey", "beneficiary", "support_request")
    if state == "open":
        queryset = queryset.filter(used_at__isnull=True, expires_at__gt=now)
    elif state == "used":
        queryset = queryset.filter(used_at__isnull=False)
    elif state == "expired":
        queryset = queryset.filter(used_at__isnull=True, expires_at__lte=now)
    return queryset


def improvement_action_list(*, status: str | None = None):
    queryset = ImprovementAction.objects.select_related("owner", "survey", "service_type", "channel")
    if status in ImprovementAction.Status.values:
        queryset = queryset.filter(status=status)
    return queryset


def open_improvement_actions(limit: int = HOME_PANEL_SIZE) -> list[ImprovementAction]:
    """Open improvement actions, the most urgent first."""
    actions = ImprovementAction.objects.filter(
        status__in=[ImprovementAction.Status.OPEN, ImprovementAction.Status.IN_PROGRESS]
    ).select_related("owner")
    return list(actions.order_by("due_date", "pk")[:limit])


# --- Provider: the timeline ------------------------------------------------------------------------


def timeline_items(*, beneficiary, user, support_request=None) -> list[TimelineItem]:
    """Slot ``timeline``: the invitations sent to ``beneficiary`` and the answers they gave (an anonymous answer
    is linked to no one, so it never shows), newest first; two queries."""
    invitations = Invitation.objects.filter(beneficiary=beneficiary)
    if support_request is not None:
        invitations = invitations.filter(support_request=support_request)
    invitations = invitations.select_related("version", "response__version").order_by("-created_at", "-pk")
    items = []
    for invitation in invitations[:TIMELINE_PER_SOURCE]:
        items.append(
            TimelineItem(
                at=invitation.sent_at or invitation.created_at,
                kind="survey",
                kind_label=_("Survey"),
                title=_("Survey invitation: %(survey)s") % {"survey": invitation.version},
                badge=invitation.get_send_channel_display(),
                icon="clipboard-check",
            )
        )
        response = getattr(invitation, "response", None)
        if response is not None and not response.is_anonymous:
            answered = response.submitted_at or timezone.make_aware(
                dt.datetime.combine(response.submitted_on, dt.time(12))
            )
            items.append(
                TimelineItem(
                    at=answered,
                    kind="survey",
                    kind_label=_("Survey"),
                    title=_("Survey answered: %(survey)s") % {"survey": response.version},
                    badge=_("Low score") if response.is_low else "",
                    icon="clipboard-check",
                )
            )
    items.sort(key=lambda item: item.at, reverse=True)
    return items
