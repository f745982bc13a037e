"""Spreadsheets in and out: one writer for every export, one bounded reader for every upload.

Writing (xlsx and csv). A cell is text somebody typed — a survey answer, a beneficiary's name, a
complaint's subject — so text that starts like a formula (``= + - @``, a tab or a carriage return)
must never run as one when the file is opened (CWE-1236):

- xlsx: such text is written as a string cell with Excel's quote-prefix, so it shows exactly as typed,
  is never evaluated, and stays text when the cell is edited;
- csv: has no cell types, so the text gets a leading apostrophe (``'=…``), which spreadsheets read as
  "this is text"; ``unescape`` takes it off again when such a file is imported.

Numbers, dates and booleans stay what they are. Aware datetimes are written in local time.

Reading (xlsx and csv) streams rows and stops at the caller's row and column limits; a workbook is
first checked by its declared uncompressed size (``association.kernel.uploads.check_zip``).
"""

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .uploads import MB, ZipLimits, check_zip

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


def is_formula_like(text: str) -> bool:
    return bool(text) and text.startswith(FORMULA_TRIGGERS)


def unescape(text: str) -> str:
    """The text a csv export protected with a leading apostrophe, as it was."""
    if len(text) > 1 and text[0] == "'" and text[1:].startswith(FORMULA_TRIGGERS):
        return text[1:]
    return text


@dataclass(frozen=True)
class Number:
    """A number shown with an Excel number format (``association.kernel.numbers.XLSX_*``: «#,##0.00», «0.0"%"»):
    the cell stays a number that sums and sorts; the reader's Excel draws the separators."""

    value: int | float | Decimal | None
    number_format: str


def _plain(value):
    """A cell value as a spreadsheet type: numbers, dates and booleans kept, everything else text."""
    if isinstance(value, Number):
        value = value.value
    if value is None or isinstance(value, (bool, int, float, Decimal, dt.date, dt.time)):
        if isinstance(value, dt.datetime) and timezone.is_aware(value):
            return timezone.localtime(value).replace(tzinfo=None)
        return value
    return str(value)


# --- writing ---------------------------------------------------------------------------------------


@dataclass
class Sheet:
    title: str
    header: Sequence = ()
    rows: Iterable[Sequence] = field(default_factory=list)


def xlsx_bytes(sheets: Iterable[Sheet], *, rtl: bool | None = None) -> bytes:
    """A workbook with one worksheet per ``Sheet`` (header in bold), right-to-left when the interface
    language is Arabic unless ``rtl`` says otherwise. Rows are streamed (openpyxl's write-only mode)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    if rtl is None:
        rtl = (get_language() or "ar").startswith("ar")
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)

    def cell(worksheet, value, header=False):
        number_format = value.number_format if isinstance(value, Number) else None
        value = _plain(value)
        item = WriteOnlyCell(worksheet, value=value)
        if number_format and value is not None:
            item.number_format = number_format
        if isinstance(value, str) and is_formula_like(value):
            # openpyxl made it a formula ("=…"): written as a string it is only ever shown.
            item.data_type = "s"
            item.quotePrefix = True
        if header:
            item.font = bold
        return item

    count = 0
    for sheet in sheets:
        worksheet = workbook.create_sheet(title=str(sheet.title)[:31] or None)
        worksheet.sheet_view.rightToLeft = rtl
        if sheet.header:
            worksheet.append([cell(worksheet, value, header=True) for value in sheet.header])
        for row in sheet.rows:
            worksheet.append([cell(worksheet, value) for value in row])
        count += 1
    if not count:
        workbook.create_sheet()
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_text_cell(value) -> str:
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, str):
        return "'" + value if is_formula_like(value) else value
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def csv_bytes(header: Sequence, rows: Iterable[Sequence]) -> bytes:
    """UTF-8 with a byte-order mark, which lets Excel open Arabic text as UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if header:
        writer.writerow([csv_text_cell(value) for value in header])
    for row in rows:
        writer.writerow([csv_text_cell(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def dataset_bytes(dataset, file_format: str) -> bytes:
    """A tablib dataset (django-import-export's exports) through the same writer."""
    rows = (list(row) for row in dataset)
    if file_format == "xlsx":
        return xlsx_bytes([Sheet(dataset.title or "Sheet1", list(dataset.headers or []), rows)])
    if file_format == "csv":
        return csv_bytes(list(dataset.headers or []), rows)
    raise ValueError(f"unknown spreadsheet format {file_format!r}")


# --- reading ---------------------------------------------------------------------------------------

# A full legitimate upload (5,000 rows of 15 columns, as Excel saves it) opens into about 7 MB of XML,
# its largest part (the sheet or the shared strings) about 4 MB. Parsing 8 MB of shared strings costs
# openpyxl about 1.5 s of CPU, which bounds what a refused file can cost.
XLSX_LIMITS = ZipLimits(max_total=15 * MB, max_member=8 * MB, max_members=500, max_ratio=100)


class TooManyRows(ValidationError):
    pass


def _too_many_rows(limit: int) -> TooManyRows:
    return TooManyRows(
        _("The file has more than %(limit)s rows; import at most %(limit)s at a time.") % {"limit": limit},
        code="rows",
    )


def _too_many_columns(limit: int) -> TooManyRows:
    return TooManyRows(
        _("The file has more than %(limit)s columns; keep only the template's columns.") % {"limit": limit},
        code="columns",
    )


class _Rows:
    """Header, then data rows. Blank rows are held back until a filled row follows (a workbook's
    formatted but empty rows at the end are not data) yet count toward the limit, so reading stops
    after at most ``max_rows + 1`` rows whatever the file holds."""

    def __init__(self, max_rows: int, max_columns: int):
        self.max_rows, self.max_columns = max_rows, max_columns
        self.header: list | None = None
        self.rows: list[list] = []
        self.blank = 0

    def add(self, values: Sequence) -> None:
        values = list(values)
        while values and values[-1] in (None, ""):
            values.pop()
        if len(values) > self.max_columns:
            raise _too_many_columns(self.max_columns)
        if self.header is None:
            self.header = values
            return
        if not any(value not in (None, "") for value in values):
            self.blank += 1
        else:
            self.rows.extend([] for _ in range(self.blank))
            self.blank = 0
            self.rows.append(values)
        if len(self.rows) + self.blank > self.max_rows:
            raise _too_many_rows(self.max_rows)


def read_xlsx(content: bytes, *, max_rows: int, max_columns: int) -> tuple[list, list[list]]:
    """The first worksheet's header and data rows, streamed: refused by declared size before anything
    is inflated, and as soon as row ``max_rows + 1`` or a cell past column ``max_columns`` is read.
    Raises ``UploadTooLarge``/``TooManyRows`` (ValidationError) or the reader's own error for a
    damaged file."""
    check_zip(content, XLSX_LIMITS)
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    table = _Rows(max_rows, max_columns)
    try:
        worksheet = workbook.worksheets[0]
        # The sheet's declared dimensions are not trusted (a file can claim any range): cells are
        # streamed as stored, one column past the limit to notice a wider row.
        worksheet.reset_dimensions()
        for values in worksheet.iter_rows(values_only=True, max_col=max_columns + 1):
            table.add(values)
    finally:
        workbook.close()
    return table.header or [], table.rows


def read_csv(text: str, *, max_rows: int, max_columns: int) -> tuple[list, list[list]]:
    """The header and data rows of a CSV text, stopping at the limits (``csv.Error`` for bad quoting)."""
    table = _Rows(max_rows, max_columns)
    for values in csv.reader(io.StringIO(text, newline="")):
        table.add(values)
    return table.header or [], table.rows
