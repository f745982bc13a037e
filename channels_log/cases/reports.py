"""Contact and case reports: volume per channel, purpose and month; median first-response and
resolution times; the share answered within target. Each figure is one grouped query or one bounded
read, never a query per row."""

import datetime as dt
import statistics

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from association.branches import Branch
from association.channels import Channel
from requests_app.models import SupportRequest

from .models import Case, ContactEntry

# Medians are computed in Python over at most this many cases of the period (newest first).
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


def build(*, start: dt.date, end: dt.date) -> dict:
    low, high = _bounds(start, end)
    now = timezone.now()
    channels = {c.pk: c for c in Channel.objects.all()}
    purposes = dict(ContactEntry.Purpose.choices)
    volume_rows = (
        ContactEntry.objects.filter(created_at__gte=low, created_at__lt=high)
        .annotate(month=TruncMonth("created_at"))
        .values_list("month", "channel_id", "purpose")
        .annotate(n=Count("pk"))
        .order_by("month", "channel_id", "purpose")
    )
    volume = []
    by_channel: dict[int, int] = {}
    by_purpose: dict[str, int] = {}
    by_month: dict[dt.date, int] = {}
    for month, channel_id, purpose, n in volume_rows:
        month = month.date() if isinstance(month, dt.datetime) else month
        volume.append(
            {"month": month, "channel": channels[channel_id], "purpose": purposes.get(purpose, purpose), "count": n}
        )
        by_channel[channel_id] = by_channel.get(channel_id, 0) + n
        by_purpose[purpose] = by_purpose.get(purpose, 0) + n
        by_month[month] = by_month.get(month, 0) + n
    case_rows = list(
        Case.objects.filter(opened_at__gte=low, opened_at__lt=high)
        .order_by("-opened_at")
        .values_list("kind", "opened_at", "first_response_at", "answered_at", "first_response_due", "resolution_due")[
            :MAX_CASES
        ]
    )
    times = [{"kind": _("All"), **_time_figures([r[1:] for r in case_rows], now)}]
    by_branch = _by_branch(low, high)
    for value, label in Case.Kind.choices:
        times.append({"kind": label, **_time_figures([r[1:] for r in case_rows if r[0] == value], now)})
    return {
        "volume": volume,
        "by_channel": [(channels[pk], n) for pk, n in sorted(by_channel.items(), key=lambda kv: -kv[1])],
        "by_purpose": [(purposes.get(p, p), n) for p, n in sorted(by_purpose.items(), key=lambda kv: -kv[1])],
        "by_month": sorted(by_month.items()),
        "total": sum(by_channel.values()),
        "times": times,
        "cases_truncated": len(case_rows) >= MAX_CASES,
        "by_branch": by_branch,
    }


def _by_branch(low: dt.datetime, high: dt.datetime) -> list[dict]:
    """Contacts, support requests and cases of the period per branch (the head office for those with none),
    largest first."""
    branches = {b.pk: b.name for b in Branch.objects.all()}
    rows: dict[int | None, dict] = {}

    def row(pk):
        name = branches.get(pk) or _("Head office")
        return rows.setdefault(pk, {"branch": name, "contacts": 0, "requests": 0, "cases": 0, "open_cases": 0})

    contacts = ContactEntry.objects.filter(created_at__gte=low, created_at__lt=high)
    for pk, n in contacts.values_list("branch_id").annotate(n=Count("pk")).order_by():
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
