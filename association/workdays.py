"""The Saudi working week: Sunday–Thursday, minus the official holidays set in admin.

Dates are taken in local time (``Asia/Riyadh``): a complaint received at 01:00 on Sunday in Riyadh is
a Sunday complaint even though it is still Saturday in UTC.
"""

import datetime as dt

from django.utils import timezone

WEEKEND = {4, 5}  # Python weekday(): Friday=4, Saturday=5


def is_working_day(day: dt.date, holidays: set[dt.date]) -> bool:
    return day.weekday() not in WEEKEND and day not in holidays


def _local(moment: dt.datetime) -> dt.datetime:
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


def add_working_days(start: dt.datetime, days: int) -> dt.datetime:
    """The moment ``days`` working days after ``start`` (same local time of day).

    Something received on a Thursday afternoon with a one-working-day target is due on Sunday
    afternoon; received on a Friday, it is due at the end of Sunday (the first working day is
    given whole); a holiday is skipped like a weekend day.
    """
    from .models import OfficialHoliday

    if days <= 0:
        return start
    current = _local(start)
    # Enough room for weekends and long Eid holidays.
    holidays = OfficialHoliday.dates_between(current.date(), current.date() + dt.timedelta(days=days * 3 + 30))
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


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end``."""
    from .models import OfficialHoliday

    if isinstance(start, dt.datetime):
        start = _local(start).date()
    if isinstance(end, dt.datetime):
        end = _local(end).date()
    if end <= start:
        return 0
    holidays = OfficialHoliday.dates_between(start, end)
    count = 0
    day = start + dt.timedelta(days=1)
    while day <= end:
        if is_working_day(day, holidays):
            count += 1
        day += dt.timedelta(days=1)
    return count
