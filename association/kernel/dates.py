"""Gregorian and Umm al-Qura Hijri dates: formatting both, parsing either — the one Hijri parser.

- ``parse_date_any(text)``: a date typed by a person in a form field (one date, either calendar).
- ``dates_in_text(text)``: the dates written inside a sentence (a policy's board approval: «بتاريخ
  ١٤٤٥/٠٢/١٠هـ الموافق 26/8/2023م», «٥ ربيع الأول ١٤٤٥هـ»), digit runs read in both directions because a
  PDF's text layer may reverse them.
Both read the parts of a date the same way (``ymd_order``, ``is_hijri``) and convert through
``hijri_to_gregorian`` / ``gregorian_to_hijri``.
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from hijridate import Gregorian, Hijri

from .arabic import normalize_arabic
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


def ymd_order(a: str, b: str, c: str) -> tuple[int, int, int] | None:
    """(year, month, day) from three digit runs: year first when the first run has three or four digits,
    day first when the last one has; ``None`` when neither does (a two-digit year is not read)."""
    if len(a) >= 3:
        return int(a), int(b), int(c)
    if len(c) >= 3:
        return int(c), int(b), int(a)
    return None


def is_hijri(year: int, mark: str | None = None) -> bool:
    """A date is Hijri when marked هـ (or AH), Gregorian when marked م (or AD); unmarked, a year below
    ``HIJRI_YEAR_LIMIT`` is Hijri."""
    if mark and _HIJRI_MARK.fullmatch(mark):
        return True
    if mark and _GREGORIAN_MARK.fullmatch(mark):
        return False
    return year < HIJRI_YEAR_LIMIT


def hijri_to_gregorian(year: int, month: int, day: int) -> dt.date | None:
    """The Gregorian day of an Umm al-Qura date; ``None`` when that Hijri date does not exist."""
    try:
        g = Hijri(year, month, day).to_gregorian()
    except (ValueError, OverflowError):
        return None
    return dt.date(g.year, g.month, g.day)


def gregorian_to_hijri(value: dt.date) -> tuple[int, int, int] | None:
    """(year, month, day) in Umm al-Qura; ``None`` outside the table's years."""
    try:
        h = to_hijri(value)
    except (ValueError, OverflowError):
        return None
    return h.year, h.month, h.day


def parse_date_any(text: str) -> dt.date:
    """Parse a Gregorian or Hijri date typed by a person.

    Accepts year-month-day or day/month/year, with - / . or spaces, Arabic-Indic or ASCII digits.
    A trailing هـ (or a year below 1600) means Hijri (Umm al-Qura); a trailing م means Gregorian.
    """
    raw = to_ascii_digits((text or "").strip())
    hijri_mark = _HIJRI_MARK.search(raw)
    raw = _GREGORIAN_MARK.sub("", _HIJRI_MARK.sub("", raw))
    match = _PARTS.match(raw)
    if not match:
        raise ValidationError(
            _("Enter a date as year-month-day, Gregorian or Hijri (e.g. 1990-05-21 or 1410-10-26 هـ)."),
            code="invalid_date",
        )
    parts = ymd_order(*match.groups())
    if parts is None:
        raise ValidationError(_("Write the year in full (four digits)."), code="invalid_date")
    year, month, day = parts
    if is_hijri(year, hijri_mark.group(1) if hijri_mark else None):
        value = hijri_to_gregorian(year, month, day)
        if value is None:
            raise ValidationError(
                _("This Hijri date does not exist in the Umm al-Qura calendar (years 1343–1500)."),
                code="invalid_hijri",
            )
        return value
    try:
        return dt.date(year, month, day)
    except (ValueError, OverflowError):
        raise ValidationError(_("This date does not exist."), code="invalid_date") from None


# --- dates written in a sentence ----------------------------------------------------------------

_WRITTEN_DATE = re.compile(r"(\d{1,4})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{1,4})\s*(هـ|ه|م|AH|AD)?(?![\w/])")
# Month names as ``normalize_arabic`` folds them (ة → ه, ى → ي, أ → ا).
HIJRI_MONTH_NUMBERS = {
    "محرم": 1,
    "صفر": 2,
    "ربيع الاول": 3,
    "ربيع الاخر": 4,
    "ربيع الثاني": 4,
    "جمادي الاولي": 5,
    "جمادي الاول": 5,
    "جمادي الاخره": 6,
    "جمادي الثانيه": 6,
    "جمادي الاخر": 6,
    "رجب": 7,
    "شعبان": 8,
    "رمضان": 9,
    "شوال": 10,
    "ذو القعده": 11,
    "ذي القعده": 11,
    "ذو الحجه": 12,
    "ذي الحجه": 12,
}
GREGORIAN_MONTH_NUMBERS = {
    "يناير": 1,
    "فبراير": 2,
    "مارس": 3,
    "ابريل": 4,
    "مايو": 5,
    "يونيو": 6,
    "يوليو": 7,
    "اغسطس": 8,
    "سبتمبر": 9,
    "اكتوبر": 10,
    "نوفمبر": 11,
    "ديسمبر": 12,
}
_MONTH_NAME_DATE = re.compile(
    r"(\d{1,2})\s+("
    + "|".join(sorted({**HIJRI_MONTH_NUMBERS, **GREGORIAN_MONTH_NUMBERS}, key=len, reverse=True))
    + r")\s+(\d{4})\s*(هـ|ه|م)?"
)


@dataclass(frozen=True)
class WrittenDate:
    """A date as written: its calendar ("hijri" or "gregorian") and its parts, not yet checked to exist."""

    calendar: str
    year: int
    month: int
    day: int

    @property
    def parts(self) -> tuple[int, int, int]:
        return self.year, self.month, self.day


def plausible_year(year: int, hijri: bool) -> bool:
    """A year a document of our time may carry: 1300–1500 AH, 1900–2100 AD."""
    return 1300 <= year <= 1500 if hijri else 1900 <= year <= 2100


def read_written_date(a: str, b: str, c: str, mark: str | None) -> WrittenDate | None:
    """One date written with digits (``a/b/c`` and its calendar mark); the digit runs are also read
    reversed (a PDF's text layer may reverse them). The first plausible reading, or ``None``."""
    for x, y, z in ((a, b, c), (a[::-1], b[::-1], c[::-1])):
        parts = ymd_order(x, y, z)
        if parts is None:
            continue
        year, month, day = parts
        hijri = is_hijri(year, mark)
        if plausible_year(year, hijri) and 1 <= month <= 12 and 1 <= day <= 31:
            return WrittenDate("hijri" if hijri else "gregorian", year, month, day)
    return None


def written_dates(text: str) -> list[WrittenDate]:
    """Every plausible date written in ``text``: those in digits first, then those with a month name
    («٥ ربيع الأول ١٤٤٥هـ», «14 مايو 2023م»)."""
    found = []
    for match in _WRITTEN_DATE.finditer(to_ascii_digits(text.replace("\u0640", ""))):
        reading = read_written_date(*match.groups())
        if reading:
            found.append(reading)
    for match in _MONTH_NAME_DATE.finditer(normalize_arabic(text)):
        day, month_name, year, _mark = match.groups()
        hijri = month_name in HIJRI_MONTH_NUMBERS
        month = HIJRI_MONTH_NUMBERS.get(month_name) or GREGORIAN_MONTH_NUMBERS[month_name]
        if plausible_year(int(year), hijri):
            found.append(WrittenDate("hijri" if hijri else "gregorian", int(year), month, int(day)))
    return found


def dates_in_text(text: str) -> tuple[dt.date | None, tuple[int, int, int] | None]:
    """(Gregorian date, Hijri (year, month, day)): the first existing date of each calendar written in
    ``text``; when only one calendar is written, the other is the same day converted."""
    gregorian: dt.date | None = None
    hijri: tuple[int, int, int] | None = None
    for written in written_dates(text):
        if written.calendar == "hijri":
            if hijri is None and hijri_to_gregorian(*written.parts):
                hijri = written.parts
        elif gregorian is None:
            gregorian = _existing_date(*written.parts)
    if gregorian is None and hijri is not None:
        gregorian = hijri_to_gregorian(*hijri)
    if hijri is None and gregorian is not None:
        hijri = gregorian_to_hijri(gregorian)
    return gregorian, hijri


def _existing_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
