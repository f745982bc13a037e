"""The kernel's one Hijri/Gregorian parser: a date typed in a field and dates written inside a sentence are
read by the same rules (order of the parts, calendar mark, Umm al-Qura conversion)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from association.kernel.dates import (
    WrittenDate,
    dates_in_text,
    gregorian_to_hijri,
    hijri_to_gregorian,
    is_hijri,
    parse_date_any,
    read_written_date,
    written_dates,
    ymd_order,
)


def test_the_parts_are_read_year_first_or_day_first_and_a_short_year_is_not_read():
    assert ymd_order("1445", "2", "10") == (1445, 2, 10)
    assert ymd_order("10", "2", "1445") == (1445, 2, 10)
    assert ymd_order("10", "2", "45") is None


@pytest.mark.parametrize(
    ("year", "mark", "hijri"),
    [
        (1445, None, True),
        (2023, None, False),
        (1445, "هـ", True),
        (2023, "ه", True),
        (1445, "م", False),
        (2023, "AD", False),
    ],
)
def test_the_calendar_comes_from_the_mark_then_from_the_year(year, mark, hijri):
    assert is_hijri(year, mark) is hijri


def test_conversions_answer_none_outside_the_umm_al_qura_table():
    assert hijri_to_gregorian(1445, 2, 10) == dt.date(2023, 8, 26)
    assert gregorian_to_hijri(dt.date(2023, 8, 26)) == (1445, 2, 10)
    assert hijri_to_gregorian(1445, 13, 1) is None
    assert hijri_to_gregorian(1200, 1, 1) is None
    assert gregorian_to_hijri(dt.date(1800, 1, 1)) is None


def test_a_written_date_is_also_read_with_its_digit_runs_reversed():
    assert read_written_date("5441", "20", "01", "هـ") == WrittenDate("hijri", 1445, 2, 10)
    assert read_written_date("1445", "2", "10", None) == WrittenDate("hijri", 1445, 2, 10)
    assert read_written_date("1445", "2", "40", None) is None  # no plausible reading either way
    assert read_written_date("1200", "1", "1", "هـ") is None  # not a year of our documents


def test_dates_in_a_sentence_in_both_calendars_digit_sets_and_month_names():
    text = "اعتمدت في ١٠/٠٢/١٤٤٥هـ الموافق 2023/8/26م"
    assert written_dates(text) == [WrittenDate("hijri", 1445, 2, 10), WrittenDate("gregorian", 2023, 8, 26)]
    assert dates_in_text(text) == (dt.date(2023, 8, 26), (1445, 2, 10))
    assert dates_in_text("المنعقد يوم الأحد ٥ ربيع الأول ١٤٤٥هـ") == (dt.date(2023, 9, 20), (1445, 3, 5))
    assert dates_in_text("بتاريخ 14 مايو 2023م") == (dt.date(2023, 5, 14), (1444, 10, 24))
    assert dates_in_text("في ٣٠/٠١/١٤٤٥هـ") == (None, None)  # Muharram 1445 has 29 days
    assert dates_in_text("بلا تاريخ") == (None, None)


@pytest.mark.parametrize("typed", ["1445-02-10 هـ", "10/2/1445", "١٤٤٥/٠٢/١٠ه", "10.02.1445 AH", "2023/8/26"])
def test_a_typed_date_and_a_written_one_agree(typed):
    assert parse_date_any(typed) == dt.date(2023, 8, 26)
    assert dates_in_text(f"بتاريخ {typed}") == (dt.date(2023, 8, 26), (1445, 2, 10))


def test_a_typed_date_that_does_not_exist_says_which_calendar():
    with pytest.raises(ValidationError) as hijri:
        parse_date_any("1445-01-30 هـ")
    assert hijri.value.code == "invalid_hijri"
    with pytest.raises(ValidationError) as gregorian:
        parse_date_any("2023-02-30")
    assert gregorian.value.code == "invalid_date"
    with pytest.raises(ValidationError):
        parse_date_any("10/2/45")
