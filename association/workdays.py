"""The Saudi working week: Sunday–Thursday, minus the official holidays set in admin."""

import datetime as dt

WEEKEND = {4, 5}  # Python weekday(): Friday=4, Saturday=5


def is_working_day(day: dt.date, holidays: set[dt.date]) -> bool:
    return day.weekday() not in WEEKEND and day not in holidays


def add_working_days(start: dt.datetime, days: int) -> dt.datetime:
    """The moment ``days`` working days after ``start`` (same time of day).

    Something received on a Thursday afternoon with a one-working-day target is due on Sunday
    afternoon; received on a Friday, it is due at the end of the next working day after Sunday's.
    """
    from .models import OfficialHoliday

    if days <= 0:
        return start
    # Enough room for weekends and long Eid holidays.
    holidays = OfficialHoliday.dates_between(start.date(), start.date() + dt.timedelta(days=days * 3 + 30))
    current = start
    if not is_working_day(current.date(), holidays):
        # Counting starts at the first working day: a weekend arrival gets the whole next day.
        while not is_working_day(current.date(), holidays):
            current = (current + dt.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        current = current.replace(hour=23, minute=59, second=59)
        days -= 1
    while days > 0:
        current += dt.timedelta(days=1)
        if is_working_day(current.date(), holidays):
            days -= 1
    return current


def working_days_between(start: dt.date, end: dt.date) -> int:
    from .models import OfficialHoliday

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
