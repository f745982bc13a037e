"""The kernel's working days are pure: the holidays come in as an argument (no database)."""

import datetime as dt
from zoneinfo import ZoneInfo

from association.kernel.workdays import add_working_days, holiday_span, is_working_day, working_days_between

RIYADH = ZoneInfo("Asia/Riyadh")
THURSDAY = dt.datetime(2026, 11, 19, 14, 0, tzinfo=RIYADH)


def test_weekend_is_friday_and_saturday():
    days = [dt.date(2026, 11, 19) + dt.timedelta(days=n) for n in range(7)]  # Thursday..Wednesday
    assert [is_working_day(day) for day in days] == [True, False, False, True, True, True, True]


def test_given_holidays_are_skipped_like_a_weekend():
    assert add_working_days(THURSDAY, 1) == THURSDAY + dt.timedelta(days=3)  # Sunday
    assert add_working_days(THURSDAY, 1, holidays={dt.date(2026, 11, 22)}) == THURSDAY + dt.timedelta(days=4)
    assert working_days_between(dt.date(2026, 11, 19), dt.date(2026, 11, 25)) == 4
    assert working_days_between(dt.date(2026, 11, 19), dt.date(2026, 11, 25), holidays={dt.date(2026, 11, 23)}) == 3


def test_the_span_covers_the_days_counted():
    first, last = holiday_span(THURSDAY, 10)
    assert first == dt.date(2026, 11, 19)
    assert last >= add_working_days(THURSDAY, 10).date()
