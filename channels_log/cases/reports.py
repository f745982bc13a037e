"""Contact and case reports: volume per channel, purpose and month; median first-response and
resolution times; the share answered within target. Each figure is one grouped query or one bounded
read, never a query per row. The contacts are counted from the contacts per day (``ContactDay``, written with
each contact: channels_log.contacts.daily), not from the log itself. On PostgreSQL the medians and shares are computed by the database
(``percentile_cont``) over every case of the period; SQLite (the embedded mode) computes them in Python."""

import datetime as dt
import statistics

from django.db import connection
from django.db.models import Aggregate, Count, DurationField, ExpressionWrapper, F, FloatField, Q, Sum
from django.db.models.functions import Extract, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from association.branches import Branch
from association.channels import Channel
from association.kernel import memo
from channels_log.contacts.models import ContactDay
from requests_app.models import SupportRequest

from .models import Case, ContactEntry

# SQLite: medians are computed in Python over at most this many cases of the period (newest first).
MAX_CASES = 20000


def default_period(start: dt.date | None, end: dt.date | None) -> tuple[dt.date, dt.date]:
    """Without dates: the last twelve months, from the first day of the month eleven months ago."""
    today = timezone.localdate()
    end = end or today
    if start is None:
        month = end.month - 11
        year = end.year + (month - 1) // 12
        month = (month - 1) % 12 + 1
        start = dt.date(year, month, 1)
    return start, end


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


def _hours(delta: dt.timedelta) -> float:
    return delta.total_seconds() / 3600


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def _share(hits: int, total: int) -> float | None:
    return round(100 * hits / total, 1) if total else None


def _time_figures(rows, now) -> dict:
    first_hours, resolution_hours = [], []
    first_met = first_total = resolved_met = resolved_total = 0
    for opened_at, first_at, answered_at, first_due, resolution_due in rows:
        if first_at is not None:
            first_hours.append(_hours(first_at - opened_at))
        if answered_at is not None:
            resolution_hours.append(_hours(answered_at - opened_at))
        # A case counts once its target has passed or it was met: a young open case is neither.
        if first_at is not None or now > first_due:
            first_total += 1
            first_met += first_at is not None and first_at <= first_due
        if answered_at is not None or now > resolution_due:
            resolved_total += 1
            resolved_met += answered_at is not None and answered_at <= resolution_due
    return {
        "count": len(rows),
        "median_first_response_hours": _median(first_hours),
        "median_resolution_hours": _median(resolution_hours),
        "first_response_within_target": _share(first_met, first_total),
        "resolved_within_target": _share(resolved_met, resolved_total),
    }


class Median(Aggregate):
    """PostgreSQL's continuous median of the (non-null) values."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def _hours_between(later: str, earlier: str):
    return Extract(ExpressionWrapper(F(later) - F(earlier), output_field=DurationField()), "epoch") / 3600.0


def _sql_figures(cases, now) -> dict:
    """``_time_figures`` by the database: one query, per kind and for all."""
    first_counted = Q(first_response_at__isnull=False) | Q(first_response_due__lt=now)
    resolved_counted = Q(answered_at__isnull=False) | Q(resolution_due__lt=now)
    aggregates = {
        "count": Count("pk"),
        "first": Median(_hours_between("first_response_at", "opened_at")),
        "resolution": Median(_hours_between("answered_at", "opened_at")),
        "first_total": Count("pk", filter=first_counted),
        "first_met": Count("pk", filter=Q(first_response_at__lte=F("first_response_due"))),
        "resolved_total": Count("pk", filter=resolved_counted),
        "resolved_met": Count("pk", filter=Q(answered_at__lte=F("resolution_due"))),
    }

    def figures(row) -> dict:
        return {
            "count": row["count"],
            "median_first_response_hours": None if row["first"] is None else round(row["first"], 1),
            "median_resolution_hours": None if row["resolution"] is None else round(row["resolution"], 1),
            "first_response_within_target": _share(row["first_met"], row["first_total"]),
            "resolved_within_target": _share(row["resolved_met"], row["resolved_total"]),
        }

    by_kind = {row["kind"]: figures(row) for row in _with_total(cases.order_by().values("kind").annotate(**aggregates))}
    empty = figures(dict.fromkeys(aggregates, 0) | {"first": None, "resolution": None})
    times = [{"kind": _("All"), **by_kind.get(None, empty)}]
    times += [{"kind": label, **by_kind.get(value, empty)} for value, label in Case.Kind.choices]
    return times


def _with_total(grouped) -> list[dict]:
    """The rows of ``grouped`` (a ``values(one column).annotate(...)`` query) and, with that column None, the same
    aggregates over all its rows: PostgreSQL's ``GROUP BY ROLLUP``, one pass where a second query would read the
    period again. Django has no grouping sets: its compiled ``GROUP BY`` is rolled up. The column must never be
    NULL itself (a case's kind is required)."""
    sql, params = grouped.query.get_compiler(using=grouped.db).as_sql()
    head, group_by, columns = sql.rpartition(" GROUP BY ")
    if not group_by or "," in columns or " " in columns.strip():
        raise ValueError(f"one grouping column expected: {sql}")
    with connection.cursor() as cursor:
        cursor.execute(f"{head} GROUP BY ROLLUP ({columns})", params)
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _case_times(low, high, now) -> tuple[list[dict], bool]:
    cases = Case.objects.filter(opened_at__gte=low, opened_at__lt=high)
    if connection.vendor == "postgresql":
        return _sql_figures(cases, now), False
    case_rows = list(
        cases.order_by("-opened_at").values_list(
            "kind", "opened_at", "first_response_at", "answered_at", "first_response_due", "resolution_due"
        )[:MAX_CASES]
    )
    times = [{"kind": _("All"), **_time_figures([r[1:] for r in case_rows], now)}]
    for value, label in Case.Kind.choices:
        times.append({"kind": label, **_time_figures([r[1:] for r in case_rows if r[0] == value], now)})
    return times, len(case_rows) >= MAX_CASES


def _contact_counts(start: dt.date, end: dt.date):
    """The period's contacts per month, channel, purpose and branch, added up from the contacts per day
    (``ContactDay``, kept with the log): a few rows a day, never the contacts themselves."""
    return (
        ContactDay.objects.filter(day__gte=start, day__lte=end)
        .annotate(month=TruncMonth("day"))
        .values_list("month", "channel_id", "purpose", "branch_id")
        .annotate(n=Sum("count"))
        .order_by()
    )


def _add(totals: dict, key, n: int) -> None:
    totals[key] = totals.get(key, 0) + n


def build(*, start: dt.date, end: dt.date) -> dict:
    low, high = _bounds(start, end)
    now = timezone.now()
    channels = {c.pk: c for c in memo.table_rows(Channel.objects.all())}
    purposes = dict(ContactEntry.Purpose.choices)
    volume: dict[tuple, int] = {}
    by_channel: dict[int, int] = {}
    by_purpose: dict[str, int] = {}
    by_month: dict[dt.date, int] = {}
    by_branch: dict[int | None, int] = {}
    for month, channel_id, purpose, branch_id, n in _contact_counts(start, end):
        month = month.date() if isinstance(month, dt.datetime) else month
        _add(volume, (month, channel_id, purpose), n)
        _add(by_channel, channel_id, n)
        _add(by_purpose, purpose, n)
        _add(by_month, month, n)
        _add(by_branch, branch_id, n)
    times, truncated = _case_times(low, high, now)
    return {
        "volume": [
            {"month": month, "channel": channels[channel_id], "purpose": purposes.get(purpose, purpose), "count": n}
            for (month, channel_id, purpose), n in sorted(volume.items())
        ],
        "by_channel": [(channels[pk], n) for pk, n in sorted(by_channel.items(), key=lambda kv: -kv[1])],
        "by_purpose": [(purposes.get(p, p), n) for p, n in sorted(by_purpose.items(), key=lambda kv: -kv[1])],
        "by_month": sorted(by_month.items()),
        "total": sum(by_channel.values()),
        "times": times,
        "cases_truncated": truncated,
        "by_branch": _by_branch(low, high, contacts=by_branch),
    }


def _by_branch(low: dt.datetime, high: dt.datetime, *, contacts: dict[int | None, int]) -> list[dict]:
    """Contacts (counted by ``build``), support requests and cases of the period per branch (the head office for
    those with none), largest first."""
    branches = {b.pk: b.name for b in memo.table_rows(Branch.objects.all())}
    rows: dict[int | None, dict] = {}

    def row(pk):
        name = branches.get(pk) or _("Head office")
        return rows.setdefault(pk, {"branch": name, "contacts": 0, "requests": 0, "cases": 0, "open_cases": 0})

    for pk, n in contacts.items():
        row(pk)["contacts"] = n
    requests = SupportRequest.objects.filter(created_at__gte=low, created_at__lt=high)
    for pk, n in requests.values_list("branch_id").annotate(n=Count("pk")).order_by():
        row(pk)["requests"] = n
    cases = Case.objects.filter(opened_at__gte=low, opened_at__lt=high)
    open_statuses = (Case.Status.OPEN, Case.Status.IN_PROGRESS)
    for pk, status, n in cases.values_list("branch_id", "status").annotate(n=Count("pk")).order_by():
        row(pk)["cases"] += n
        if status in open_statuses:
            row(pk)["open_cases"] += n
    return sorted(rows.values(), key=lambda r: (-r["contacts"], -r["cases"], str(r["branch"])))


def to_xlsx(report: dict, *, start: dt.date, end: dt.date) -> bytes:
    """Through the one safe writer (association.kernel.spreadsheets): channel names are admin-typed text."""
    from association.kernel.numbers import XLSX_DECIMAL, XLSX_PERCENT
    from association.kernel.spreadsheets import Number, Sheet, xlsx_bytes

    return xlsx_bytes(
        [
            Sheet(
                _("Volume"),
                [_("Month"), _("Channel"), _("Purpose"), _("Contacts")],
                [
                    [r["month"].strftime("%Y-%m"), str(r["channel"]), str(r["purpose"]), r["count"]]
                    for r in report["volume"]
                ],
            ),
            Sheet(_("By channel"), [_("Channel"), _("Contacts")], [[str(c), n] for c, n in report["by_channel"]]),
            Sheet(_("By purpose"), [_("Purpose"), _("Contacts")], [[str(p), n] for p, n in report["by_purpose"]]),
            Sheet(
                _("By branch"),
                [_("Branch"), _("Contacts"), _("Support requests"), _("Cases"), _("Open cases")],
                [
                    [str(r["branch"]), r["contacts"], r["requests"], r["cases"], r["open_cases"]]
                    for r in report["by_branch"]
                ],
            ),
            Sheet(
                _("Response times"),
                [
                    _("Kind"),
                    _("Cases"),
                    _("Median first response (hours)"),
                    _("Median resolution (hours)"),
                    _("First response within target (%)"),
                    _("Answered within target (%)"),
                ],
                [
                    [
                        str(t["kind"]),
                        t["count"],
                        Number(t["median_first_response_hours"], XLSX_DECIMAL),
                        Number(t["median_resolution_hours"], XLSX_DECIMAL),
                        Number(t["first_response_within_target"], XLSX_PERCENT),
                        Number(t["resolved_within_target"], XLSX_PERCENT),
                    ]
                    for t in report["times"]
                ],
            ),
            Sheet(_("Period"), (), [[_("From"), start.isoformat()], [_("To"), end.isoformat()]]),
        ]
    )
