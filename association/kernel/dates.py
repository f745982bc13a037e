"""Gregorian and Umm al-Qura Hijri dates: formatting both, parsing either."""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from hijridate import Gregorian, Hijri

from .text import to_ascii_digits

HIJRI_MONTHS = [
    "محرم",
    "صفر",
    "ربيع الأول",
    "ربيع الآخر",
    "جمادى الأولى",
    "جمادى الآخرة",
    "رجب",
    "شعبان",
    "رمضان",
    "شوال",
    "ذو القعدة",
    "ذو الحجة",
]
# A year below this is read as Hijri (the Umm al-Qura table covers 1343–1500 AH).
HIJRI_YEAR_LIMIT = 1600
_HIJRI_MARK = re.compile(r"\s*(هـ|ه|AH|H)\.?\s*$", re.IGNORECASE)
_GREGORIAN_MARK = re.compile(r"\s*(م|AD|G)\.?\s*$", re.IGNORECASE)
_PARTS = re.compile(r"^(\d{1,4})\s*[-/.\s]\s*(\d{1,2})\s*[-/.\s]\s*(\d{1,4})$")


def to_hijri(value: dt.date) -> Hijri:
    return Gregorian(value.year, value.month, value.day).to_hijri()


def hijri_year(value: dt.date) -> int:
    return to_hijri(value).year


HIJRI_MARK = "هـ"
GREGORIAN_MARK = "م"


def hijri_iso(value: dt.date | None) -> str:
    """``1448-06-12`` (Umm al-Qura), or "" outside the table's years."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    try:
        h = to_hijri(value)
    except (OverflowError, ValueError):
        return ""
    return f"{h.year:04d}-{h.month:02d}-{h.day:02d}"


def format_hijri(value: dt.date | None) -> str:
    """``1448-06-12 هـ``: year-month-day, drawn left to right as one run (see ``association.kernel.bidi``)."""
    iso = hijri_iso(value)
    return f"{iso} {HIJRI_MARK}" if iso else ""


def format_hijri_long(value: dt.date | None) -> str:
    if value is None:
        return ""
    h = to_hijri(value)
    return f"{h.day} {HIJRI_MONTHS[h.month - 1]} {h.year} هـ"


def format_dual(value: dt.date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    hijri = format_hijri(value)
    gregorian = f"{value:%Y-%m-%d} {GREGORIAN_MARK}"
    return f"{gregorian} — {hijri}" if hijri else gregorian


def parse_date_any(text: str) -> dt.date:
    """Parse a Gregorian or Hijri date typed by a person.

    Accepts year-month-day or day/month/year, with - / . or spaces, Arabic-Indic or ASCII digits.
    A trailing هـ (or a year below 1600) means Hijri (Umm al-Qura); a trailing م means Gregorian.
    """
    raw = to_ascii_digits((text or "").strip())
    hijri_mark = bool(_HIJRI_MARK.search(raw))
    raw = _GREGORIAN_MARK.sub("", _HIJRI_MARK.sub("", raw))
    match = _PARTS.match(raw)
    if not match:
        raise ValidationError(
            _("Enter a date as year-month-day, Gregorian or Hijri (e.g. 1990-05-21 or 1410-10-26 هـ)."),
            code="invalid_date",
        )
    a, b, c = match.groups()
    if len(a) == 4 or len(a) == 3:
        year, month, day = int(a), int(b), int(c)
    elif len(c) >= 3:
        day, month, year = int(a), int(b), int(c)
    else:
        raise ValidationError(_("Write the year in full (four digits)."), code="invalid_date")
    is_hijri = hijri_mark or year < HIJRI_YEAR_LIMIT
    try:
        if is_hijri:
            g = Hijri(year, month, day).to_gregorian()
            return dt.date(g.year, g.month, g.day)
        return dt.date(year, month, day)
    except (ValueError, OverflowError):
        if is_hijri:
            raise ValidationError(
                _("This Hijri date does not exist in the Umm al-Qura calendar (years 1343–1500)."),
                code="invalid_hijri",
            ) from None
        raise ValidationError(_("This date does not exist."), code="invalid_date") from None
