"""Reads that the surveys pages, the role home and the timeline share.

Results: CSAT, NPS and response rate, by dimension, and the geometry of the SVG charts.

- CSAT: the share of answers to 1–5 rating questions that are 4 or 5, in percent.
- NPS: percent of 0–10 scores that are 9–10 (promoters) minus percent that are 0–6 (detractors).

Each response stores its own counts (``models.FIGURES``: its ratings, ratings of 4–5, scores, promoters,
detractors), written with its answers; the overall figures and every breakdown are sums of those over the filtered
responses, read in one grouped query that touches no answer, so the results page costs the same number of queries
whatever the number of responses.
"""

import datetime as dt
import itertools
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from association.channels import Channel
from association.kernel.registry import TIMELINE_PER_SOURCE, TimelineItem
from requests_app.models import ServiceType

from .models import (
    Answer,
    ImprovementAction,
    Invitation,
    Question,
    Response,
    SendChannel,
    Survey,
    SurveyVersion,
    Trigger,
)

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


SUMMED = ("rating_n", "satisfied", "score_n", "promoters", "detractors")
DIMENSIONS = ("month", "service_type", "channel", "trigger", "collected_via")


def _add(total: dict, group: dict, responses: int) -> None:
    total["responses"] = total.get("responses", 0) + responses
    for name in SUMMED:
        total[name] = total.get(name, 0) + (group[name] or 0)


def _label(dimension: str, key, labels: dict) -> str:
    if dimension == "month" and key is not None:
        return f"{key:%Y-%m}"
    return str(labels.get(key, "—" if key is None else key))


def _sets_in_python(responses):
    """The overall sums and each dimension's sums per key, rolled up here from one grouped query over responses
    (one row per month, request type, channel, source and collected-via met): any database."""
    sums = {name: Sum(name) for name in SUMMED}
    groups = (
        responses.order_by()
        .annotate(month=TruncMonth("submitted_on"))
        .values(*DIMENSIONS)
        .annotate(all_responses=Count("pk"), answered=Count("pk", filter=Q(answer_count__gt=0)), **sums)
    )
    overall, totals = {}, {dimension: {} for dimension in DIMENSIONS}
    for group in groups:
        _add(overall, group, group["all_responses"])
        if group["answered"]:
            for dimension in DIMENSIONS:
                _add(totals[dimension].setdefault(group[dimension], {}), group, group["answered"])
    return overall, totals


def _sets_in_database(responses):
    """The same sums computed by PostgreSQL in one pass over the filtered responses (``GROUPING SETS``): a row for
    all of them and a row per key of each dimension, however many combinations of keys the responses hold."""
    columns = {f"g_{name}": TruncMonth("submitted_on") if name == "month" else F(name) for name in DIMENSIONS}
    stored = {f"f_{name}": F(name) for name in ("answer_count", *SUMMED)}
    sql, params = responses.order_by().values(**columns, **stored).query.sql_with_params()
    flags = ", ".join(f"GROUPING(g_{name})" for name in DIMENSIONS)
    keys = ", ".join("CAST(g_month AS date)" if name == "month" else f"g_{name}" for name in DIMENSIONS)
    sets = ", ".join(["()", *(f"(g_{name})" for name in DIMENSIONS)])
    sums = ", ".join(f"COALESCE(SUM(f_{name}), 0)" for name in SUMMED)
    query = (
        f"SELECT {flags}, {keys}, COUNT(*), COUNT(*) FILTER (WHERE f_answer_count > 0), {sums} "
        f"FROM ({sql}) AS filtered GROUP BY GROUPING SETS ({sets})"
    )
    overall, totals = {}, {dimension: {} for dimension in DIMENSIONS}
    width = len(DIMENSIONS)
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        for row in cursor.fetchall():
            grouped, key_values, (everyone, answered), values = (
                row[:width],
                row[width : 2 * width],
                row[2 * width : 2 * width + 2],
                row[2 * width + 2 :],
            )
            group = dict(zip(SUMMED, values, strict=True))
            if all(grouped):
                _add(overall, group, everyone)
            elif answered:
                dimension = DIMENSIONS[grouped.index(0)]
                _add(totals[dimension].setdefault(key_values[grouped.index(0)], {}), group, answered)
    return overall, totals


def figures(responses, labels: dict | None = None) -> dict:
    """The overall row (every response counts) and, per dimension of ``DIMENSIONS``, a row per key in key order (a
    response counts there when it has an answer, as it always has), from one query over the filtered responses that
    reads no answer. ``labels`` maps a dimension to the names of its keys."""
    in_database = connection.vendor == "postgresql"
    overall, totals = _sets_in_database(responses) if in_database else _sets_in_python(responses)
    labels = labels or {}
    result = {"overall": Row(key=None, label="", **(overall or dict.fromkeys(("responses", *SUMMED), 0)))}
    for dimension, rows in totals.items():
        names = labels.get(dimension, {})
        result[dimension] = [
            Row(key=key, label=_label(dimension, key, names), **rows[key])
            for key in sorted(rows, key=lambda key: (key is None, key))
        ]
    return result


def overall(responses) -> Row:
    return figures(responses)["overall"]


def breakdown(responses, dimension: str, labels: dict | None = None) -> list[Row]:
    """Rows per ``service_type``, ``channel``, ``trigger``, ``collected_via`` or ``month``."""
    return figures(responses, {dimension: labels or {}})[dimension]


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
    labels = {
        "service_type": dict(ServiceType.objects.values_list("pk", "name")),
        "channel": {channel.pk: channel.name for channel in Channel.objects.all()},
        "trigger": dict(Trigger.choices),
        "collected_via": collection_labels(),
    }
    rows = figures(responses, labels)
    by_month = rows["month"]
    return {
        "filters": filters,
        "responses": responses,
        "overall": rows["overall"],
        "rate": response_rate(
            survey=filters.get("survey"), date_from=filters.get("date_from"), date_to=filters.get("date_to")
        ),
        "by_month": by_month,
        "by_service": rows["service_type"],
        "by_channel": rows["channel"],
        "by_trigger": rows["trigger"],
        "by_collection": rows["collected_via"],
        "csat_chart": bar_chart(by_month, "csat", low=0, high=100),
        "nps_chart": bar_chart(by_month, "nps", low=-100, high=100),
    }


EXPORT_CHUNK = 2000
EXPORT_FIELDS = (
    "pk",
    "response_id",
    "response__version_id",
    "response__submitted_on",
    "response__service_type_id",
    "response__channel_id",
    "response__trigger",
    "response__collected_via",
    "response__is_anonymous",
    "question_id",
    "number",
    "text",
)


def _export_names() -> dict:
    """The names the export writes beside each answer, read once: surveys, questions, request types and channels
    are few beside the answers."""
    versions = SurveyVersion.objects.select_related("survey")
    return {
        "version": {version.pk: (version.survey.name, version.number) for version in versions},
        "question": {question.pk: question.text for question in Question.objects.all()},
        "service_type": dict(ServiceType.objects.values_list("pk", "name")),
        "channel": {channel.pk: channel.name for channel in Channel.objects.all()},
        "trigger": {value: str(label) for value, label in Trigger.choices},
        "collected_via": {value: str(label) for value, label in SendChannel.choices},
        "anonymous": {True: _("Yes"), False: _("No")},
    }


def _chosen(answer_ids: list) -> dict:
    """The options chosen in each of ``answer_ids``, in their order, joined by commas (one query)."""
    chosen = {}
    links = Answer.choices.through.objects.filter(answer_id__in=answer_ids).select_related("choice")
    for link in links.order_by("choice__order", "choice__pk"):
        chosen.setdefault(link.answer_id, []).append(link.choice.text)
    return {answer_id: ", ".join(texts) for answer_id, texts in chosen.items()}


def export_rows(responses):
    """Every answer of ``responses`` as the export's row (response, survey, version, date, request type, channel,
    source, collected via, anonymous, question, answer), in the order the answers were given: read as plain values
    in chunks, each chunk's chosen options in one more query, names looked up from ``_export_names``."""
    answers = (
        Answer.objects.filter(response__in=responses)
        .order_by("response__submitted_on", "response_id", "question__order")
        .values_list(*EXPORT_FIELDS)
        .iterator(chunk_size=EXPORT_CHUNK)
    )
    names = _export_names()
    while chunk := list(itertools.islice(answers, EXPORT_CHUNK)):
        chosen = _chosen([row[0] for row in chunk if row[10] is None and not row[11]])
        for pk, response, version, day, service_type, channel, trigger, via, anonymous, question, number, text in chunk:
            survey_name, version_number = names["version"][version]
            yield [
                response,
                survey_name,
                version_number,
                day,
                names["service_type"].get(service_type, ""),
                names["channel"].get(channel, ""),
                names["trigger"].get(trigger, trigger),
                names["collected_via"].get(via, via),
                names["anonymous"][anonymous],
                names["question"][question],
                number if number is not None else text or chosen.get(pk, ""),
            ]


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
