"""Left-to-right runs inside right-to-left text: numbers, references, dates, amounts, IBANs, phones, addresses.

Every page and every PDF shows them through this module (the template filters in
``association.templatetags.portal`` call it), so they are drawn in one order and never broken across lines:

- A run is a ``<bdi dir="ltr" class="ltr-run">``: a bidi isolate. The Unicode bidi algorithm turns digits
  that follow an Arabic letter into "Arabic numbers", and a hyphen does not join two of those, so
  «الرقم: 1448-000005» was drawn «000005-1448» and «التاريخ: 1448-06-12» as «12-06-1448». Inside an
  isolate the run keeps its own order and does not reorder its neighbours. ``white-space: nowrap`` (the
  ``ltr-run`` class, in ``static/css/portal.css`` and in the PDF stylesheet) keeps it on one line.
- A mark that belongs to the run (هـ, م, ريال) joins it in a ``<span class="ltr-unit">`` that does not
  break either, so «هـ» never starts a line of its own; the mark stays on the right-to-left side.
- With Arabic-Indic digits (printed documents, when the association chooses them) each group of digits
  is an isolate of its own: Arabic-Indic digits are Arabic numbers whatever the direction around them, and
  «١٤٤٨-٠٠٠٠٠٥» would be reversed even inside a left-to-right run.
- Codes that are never written in Arabic-Indic digits (IBANs, e-mail and web addresses) carry
  ``data-digits="latin"``; the PDF digit pass leaves them alone.

No invisible marks (LRM and friends) are inserted: what is copied from a page or extracted from a PDF is
exactly the number. Browsers isolate ``<bdi>`` by default; WeasyPrint lays out the text of every inline
element on its own with that element's direction, which isolates it as well.

Plain-text outputs (SMS, e-mail, spreadsheets) use the formatters of ``association.kernel.dates`` and
``association.kernel.numbers`` directly: they have no markup and need none.
"""

import datetime as dt
import functools
import re

from django.utils import timezone
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeString, mark_safe

from .dates import GREGORIAN_MARK, HIJRI_MARK, hijri_iso
from .numbers import (
    arabic_indic,
    currency_name,
    format_amount,
    format_decimal,
    format_percent,
    format_quantity,
    to_decimal,
)
from .text import MASK_BULLET, to_arabic_digits

_DIGIT_GROUP = re.compile(r"[0-9\u0660-\u0669][0-9\u0660-\u0669\u066b\u066c]*")
# A date, a reference, a time or a decimal written in free text («1446/03/05 هـ», «3/12», «10:30»), with the
# calendar mark that follows it; a bare number needs no isolation.
_TEXT_RUN = re.compile(
    r"[0-9\u0660-\u0669]+(?:[-/.:,\u066b\u066c][0-9\u0660-\u0669]+)+"
    r"(?:\s?(?P<mark>هـ|ه|م)(?![\u0620-\u064a\u0640]))?"
)


def ltr(value, *, latin: bool = False) -> SafeString:
    """``value`` as one isolated left-to-right run that does not break. ``latin``: keep its digits Western
    (an IBAN, an address) even where the document prints Arabic-Indic digits."""
    text = str(value if value is not None else "")
    if not text:
        return mark_safe("")
    if latin:
        return format_html('<bdi dir="ltr" class="ltr-run" data-digits="latin">{}</bdi>', text)
    if arabic_indic():
        # A masking bullet beside an Arabic-Indic zero (٠, itself a dot) would read as one more zero.
        text = to_arabic_digits(text).replace(MASK_BULLET, "*")
        groups = list(_DIGIT_GROUP.finditer(text))
        if len(groups) > 1 or (groups and groups[0].group() != text):
            return mark_safe(f'<bdi dir="ltr" class="ltr-run">{_isolate_groups(text)}</bdi>')
    return format_html('<bdi dir="ltr" class="ltr-run">{}</bdi>', text)


def _isolate_groups(text: str) -> str:
    out, last = [], 0
    for match in _DIGIT_GROUP.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(f'<bdi dir="ltr">{match.group()}</bdi>')
        last = match.end()
    out.append(escape(text[last:]))
    return "".join(out)


def with_unit(run: SafeString, unit: str) -> SafeString:
    """A run and the word that belongs to it (``هـ``, ``م``, ``ريال``), kept together on one line."""
    return format_html('<span class="ltr-unit">{} {}</span>', run, unit)


def local_date(value) -> dt.date | None:
    """The calendar day of a date or a datetime, in Riyadh time for an aware datetime."""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def hijri_date(value) -> SafeString:
    """``1448-06-12 هـ``"""
    iso = hijri_iso(local_date(value)) if value else ""
    return with_unit(ltr(iso), HIJRI_MARK) if iso else mark_safe("")


def gregorian_date(value) -> SafeString:
    """``2026-11-22 م``"""
    day = local_date(value) if value else None
    return with_unit(ltr(f"{day:%Y-%m-%d}"), GREGORIAN_MARK) if day else mark_safe("")


def dual_date(value) -> SafeString:
    """``2026-11-22 م — 1448-06-12 هـ``: each date whole on its line; the line may break only between them."""
    if not value:
        return mark_safe("")
    return _dual_day(local_date(value), arabic_indic())


@functools.lru_cache(maxsize=4096)
def _dual_day(day: dt.date, indic: bool) -> SafeString:
    # Drawn once per day and digit style: a list shows each row's dates (the Hijri conversion and the markup
    # cost ~40 µs a date), mostly the same few days.
    hijri = hijri_date(day)
    gregorian = gregorian_date(day)
    return format_html("{} — {}", gregorian, hijri) if hijri else gregorian


def dual_datetime(value) -> SafeString:
    """``2026-11-22 م — 1448-06-12 هـ 10:30`` in Riyadh time."""
    if not value:
        return mark_safe("")
    local = timezone.localtime(value) if isinstance(value, dt.datetime) and timezone.is_aware(value) else value
    if not isinstance(local, dt.datetime):
        return dual_date(local)
    return format_html("{} {}", dual_date(local), ltr(f"{local:%H:%M}"))


def amount(value, *, currency: bool = True) -> SafeString:
    """``1,500.00 ريال`` (``association.kernel.numbers.format_amount``), isolated and unbroken."""
    if to_decimal(value) is None:
        return conditional_escape("" if value is None else value)
    run = ltr(format_amount(value, currency=False))
    return with_unit(run, currency_name()) if currency else run


def percent(value, places: int = 1) -> SafeString:
    """``87.5%``"""
    if to_decimal(value) is None:
        return conditional_escape("" if value is None else value)
    return ltr(format_percent(value, places))


def decimal(value, places: int = 2) -> SafeString:
    """``1,234.50``"""
    if to_decimal(value) is None:
        return conditional_escape("" if value is None else value)
    return ltr(format_decimal(value, places))


def outline_number(*numbers) -> SafeString:
    """The number of a section («7.») or of an item in it («7.1»). With Arabic-Indic digits a hyphen
    («٧-» / «٧-١»): a full stop beside an Arabic-Indic digit reads as a zero (٠)."""
    separator = "-" if arabic_indic() else "."
    parts = [str(n) for n in numbers]
    if len(parts) == 1:
        return conditional_escape(_in_digits(parts[0]) + separator)
    return ltr(separator.join(parts))


def _in_digits(text: str) -> str:
    return to_arabic_digits(text) if arabic_indic() else text


def quantity(value) -> SafeString:
    """``2.5``"""
    if to_decimal(value) is None:
        return conditional_escape("" if value is None else value)
    return ltr(format_quantity(value))


def ltr_runs(text) -> SafeString:
    """Free text (a policy paragraph, a note) with each date, reference or decimal in it isolated and kept
    whole with its calendar mark; the rest escaped as usual."""
    text = str(text or "")
    out, last = [], 0
    for match in _TEXT_RUN.finditer(text):
        before = text[match.start() - 1] if match.start() else ""
        if before.isascii() and before.isalnum():
            continue  # part of a longer code («A1-2»): left as written
        out.append(escape(text[last : match.start()]))
        run_text = match.group()
        mark = match.group("mark")
        if mark:
            number = run_text[: -len(mark)].rstrip()
            out.append(str(with_unit(ltr(number), mark)))
        else:
            out.append(str(ltr(run_text)))
        last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))
