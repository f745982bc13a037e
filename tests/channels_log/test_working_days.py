"""Working-day arithmetic: Sunday–Thursday, official holidays skipped, dates taken in Riyadh time."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from association.calendar import add_working_days, working_days_between
from association.models import OfficialHoliday
from channels_log.cases.models import ResponseTarget
from tests.channels_log.factories import make_case

RIYADH = ZoneInfo("Asia/Riyadh")
UTC = dt.UTC
# November 2026: Thursday 19, Friday 20, Saturday 21, Sunday 22, Monday 23 ... Thursday 26.


def at(day, hour=14, minute=0, second=0):
    return dt.datetime(2026, 11, day, hour, minute, second, tzinfo=RIYADH)


@pytest.mark.django_db
def test_thursday_afternoon_plus_one_working_day_is_sunday_afternoon():
    assert add_working_days(at(19), 1) == at(22)


@pytest.mark.django_db
def test_friday_arrival_gets_the_whole_of_sunday():
    assert add_working_days(at(20, 9), 1) == at(22, 23, 59, 59)


@pytest.mark.django_db
def test_a_holiday_is_skipped_like_the_weekend():
    OfficialHoliday.objects.create(date=dt.date(2026, 11, 22), name="عطلة")
    assert add_working_days(at(19), 1) == at(23)


@pytest.mark.django_db
def test_five_working_days_across_a_weekend_and_a_holiday():
    OfficialHoliday.objects.create(date=dt.date(2026, 11, 24), name="عطلة")
    # Wednesday 18 → Thu 19, Sun 22, Mon 23, (Tue 24 holiday), Wed 25, Thu 26.
    assert add_working_days(at(18, 10), 5) == at(26, 10)


@pytest.mark.django_db
def test_the_day_is_the_riyadh_day_not_the_utc_day():
    # 22:30 UTC on Saturday is 01:30 on Sunday in Riyadh: a Sunday arrival, due Monday 01:30.
    saturday_utc = dt.datetime(2026, 11, 21, 22, 30, tzinfo=UTC)
    assert add_working_days(saturday_utc, 1) == at(23, 1, 30)


@pytest.mark.django_db
def test_working_days_between_counts_neither_weekend_nor_holiday():
    OfficialHoliday.objects.create(date=dt.date(2026, 11, 23), name="عطلة")
    # After Thursday 19 up to Wednesday 25: Sun 22, Tue 24, Wed 25 (Fri, Sat and the Monday holiday do not count).
    assert working_days_between(dt.date(2026, 11, 19), dt.date(2026, 11, 25)) == 3
    assert working_days_between(dt.date(2026, 11, 19), dt.date(2026, 11, 21)) == 0


@pytest.mark.django_db
def test_case_due_dates_follow_the_targets_set_in_admin():
    OfficialHoliday.objects.create(date=dt.date(2026, 11, 24), name="عطلة")
    ResponseTarget.objects.filter(kind="complaint").update(first_response_days=1, resolution_days=5)
    with time_machine.travel(at(18, 10), tick=False):
        case = make_case(kind="complaint")
    assert case.first_response_due == at(19, 10)
    assert case.resolution_due == at(26, 10)


@pytest.mark.django_db
def test_default_targets_inquiry_one_day_complaint_five_days():
    assert ResponseTarget.days_for("inquiry") == (1, 1)
    assert ResponseTarget.days_for("complaint")[1] == 5
