"""The Saudi working week: Sunday–Thursday, minus the official holidays given by the caller.

Pure: the holidays come in as an argument (``association.calendar`` passes the official holidays set in
admin and is what the apps call).

Dates are taken in local time (``Asia/Riyadh``): a complaint received at 01:00 on Sunday in Riyadh is
a Sunday complaint even though it is still Saturday in UTC.
"""

import datetime as dt
from collections.abc import Collection

from django.utils import timezone

WEEKEND = {4, 5}  # Python weekday(): Friday=4, Saturday=5


def is_working_day(day: dt.date, holidays: Collection[dt.date] = frozenset()) -> bool:
    return day.weekday() not in WEEKEND and day not in holidays


def _local(moment: dt.datetime) -> dt.datetime:
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


def local_date(value: dt.date | dt.datetime) -> dt.date:
    """The local (Riyadh) day of a moment; a date as it is."""
    return _local(value).date() if isinstance(value, dt.datetime) else value


def holiday_span(start: dt.datetime, days: int) -> tuple[dt.date, dt.date]:
    """The dates whose holidays ``add_working_days(start, days, ...)`` may need: room for weekends and
    long Eid holidays."""
    first = _local(start).date()
    return first, first + dt.timedelta(days=days * 3 + 30)


def add_working_days(start: dt.datetime, days: int, *, holidays: Collection[dt.date] = frozenset()) -> dt.datetime:
    """The moment ``days`` working days after ``start`` (same local time of day).

    Something received on a Thursday afternoon with a one-working-day target is due on Sunday
    afternoon; received on a Friday, it is due at the end of Sunday (the first working day is
    given whole); a holiday is skipped like a weekend day. ``holidays`` should cover ``holiday_span``.
    """
    if days <= 0:
        return start
    current = _local(start)
    if not is_working_day(current.date(), holidays):
        # Counting starts at the first working day: a weekend arrival gets the whole of it.
        day = current.date()
        while not is_working_day(day, holidays):
            day += dt.timedelta(days=1)
        current = current.replace(
            year=day.year, month=day.month, day=day.day, hour=23, minute=59, second=59, microsecond=0
        )
        days -= 1
    while days > 0:
        current += dt.timedelta(days=1)
        if is_working_day(current.date(), holidays):
            days -= 1
    return current


def working_days_between(start: dt.date, end: dt.date, *, holidays: Collection[dt.date] = frozenset()) -> int:
    """Working days after ``start`` up to and including ``end``."""
    start, end = local_date(start), local_date(end)
    if end <= start:
        return 0
    count = 0
    day = start + dt.timedelta(days=1)
    while day <= end:
        if is_working_day(day, holidays):
            count += 1
        day += dt.timedelta(days=1)
    return count
