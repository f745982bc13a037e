"""Numbers as Saudi readers read them: one rule for amounts, decimals and percentages everywhere.

Western digits with «.» as the decimal point and «,» between thousands («1,500.00 ريال», «87.5%»), or,
when the association prints Arabic-Indic digits, the Arabic decimal and thousands separators
(«١٬٥٠٠٫٠٠ ريال», «٨٧٫٥٪»). Never a comma as the decimal point — Django's Arabic locale writes
«1500,00», which a Saudi reader takes for fifteen hundred thousand.

Pages, messages and exports use Western digits. A printed document follows the association's choice
(``AssociationProfile.document_digits``): ``association.kernel.pdf.render_pdf`` renders inside
``digits(ARABIC_INDIC)``, and every formatter here (and the markup of ``association.kernel.bidi``) follows it.
Spreadsheets keep numbers numeric and say how to show them with ``XLSX_*`` number formats.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from .text import ARABIC_INDIC, to_ascii_digits

# The values of ``AssociationProfile.Digits``.
WESTERN = "western"
ARABIC_INDIC_DIGITS = "arabic_indic"

ARABIC_DECIMAL_SEPARATOR = "\u066b"  # ٫
ARABIC_THOUSANDS_SEPARATOR = "\u066c"  # ٬
ARABIC_PERCENT_SIGN = "\u066a"  # ٪

_ARABIC_STYLE = str.maketrans(
    {**{str(i): c for i, c in enumerate(ARABIC_INDIC)}, ",": ARABIC_THOUSANDS_SEPARATOR, ".": ARABIC_DECIMAL_SEPARATOR}
)

# Number formats for spreadsheet cells (the cell stays a number; the reader's Excel shows the separators).
XLSX_AMOUNT = "#,##0.00"
XLSX_DECIMAL = "#,##0.0"
XLSX_INTEGER = "#,##0"
XLSX_PERCENT = '0.0"%"'  # a percentage stored as 0–100, as the pages show it

_GROUPED = re.compile(r"^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$")

_style: ContextVar[str] = ContextVar("digit_style", default=WESTERN)


@contextmanager
def digits(style: str) -> Iterator[None]:
    """Format numbers with ``style`` (``WESTERN`` or ``ARABIC_INDIC_DIGITS``) inside the block."""
    token = _style.set(ARABIC_INDIC_DIGITS if style == ARABIC_INDIC_DIGITS else WESTERN)
    try:
        yield
    finally:
        _style.reset(token)


def digit_style() -> str:
    return _style.get()


def arabic_indic() -> bool:
    return _style.get() == ARABIC_INDIC_DIGITS


def to_decimal(value) -> Decimal | None:
    """A Decimal from a number or from text in either digits (``١٥٠٠٫٥``, ``1,500.5``); None when empty or not a
    number."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value)) if value == value and abs(value) != float("inf") else None
    text = to_ascii_digits(str(value)).strip()
    if "," in text:
        if not _GROUPED.match(text):
            return None  # «1500,5»: a comma is never read as a decimal point
        text = text.replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _styled(text: str) -> str:
    return text.translate(_ARABIC_STYLE) if arabic_indic() else text


def format_decimal(value, places: int = 2, *, grouping: bool = True) -> str:
    """``1,500.50`` (``places`` decimals, rounded half up; thousands grouped). "" for no value; text that is not a
    number comes back unchanged."""
    number = to_decimal(value)
    if number is None:
        return "" if value is None or value == "" else str(value)
    number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if number == 0:
        number = abs(number)  # never «-0.00»
    text = f"{number:,.{places}f}" if grouping else f"{number:.{places}f}"
    return _styled(text)


def format_quantity(value, places: int = 2) -> str:
    """``3`` or ``2.5``: a count that may have a fraction, without trailing zeros."""
    text = format_decimal(value, places)
    if to_decimal(value) is None or places <= 0:
        return text
    point = ARABIC_DECIMAL_SEPARATOR if arabic_indic() else "."
    zero = ARABIC_INDIC[0] if arabic_indic() else "0"
    return text.rstrip(zero).rstrip(point) if point in text else text


def format_amount(value, *, currency: bool = True, places: int = 2) -> str:
    """``1,500.00 ريال`` — a sum of money in riyals, always with two decimals."""
    text = format_decimal(value, places)
    if not text or not currency or to_decimal(value) is None:
        return text
    return f"{text} {currency_name()}"


def currency_name() -> str:
    return _("SAR")


def format_percent(value, places: int = 1) -> str:
    """``87.5%`` for 87.5 (a share already out of 100); ``٨٧٫٥٪`` with Arabic-Indic digits."""
    text = format_decimal(value, places)
    if not text or to_decimal(value) is None:
        return text
    return text + (ARABIC_PERCENT_SIGN if arabic_indic() else "%")
