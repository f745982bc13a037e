"""Working days with the association's official holidays (set in admin): what the apps call.

The counting itself is the kernel's (``association.kernel.workdays``, pure); this module supplies the
holidays from ``OfficialHoliday``.
"""

import datetime as dt

from .kernel import workdays
from .models import OfficialHoliday


def add_working_days(start: dt.datetime, days: int) -> dt.datetime:
    """The moment ``days`` working days after ``start`` (see ``workdays.add_working_days``)."""
    if days <= 0:
        return start
    holidays = OfficialHoliday.dates_between(*workdays.holiday_span(start, days))
    return workdays.add_working_days(start, days, holidays=holidays)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end``, official holidays left out."""
    first = workdays.local_date(start)
    last = workdays.local_date(end)
    if last <= first:
        return 0
    return workdays.working_days_between(first, last, holidays=OfficialHoliday.dates_between(first, last))
