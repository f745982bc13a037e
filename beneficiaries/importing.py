"""Bulk import of beneficiaries on the staff page: reading an uploaded file, the dry-run preview,
the private stash that keeps the file between its preview and the confirmation, and the forms.
The resource is in ``resources.py``; the writes happen in ``services.beneficiary_import``.
"""

import csv
import re
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

import tablib
from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.formats.base_formats import CSV, XLSX

from association.kernel import spreadsheets
from association.kernel.forms import PortalForm
from association.kernel.private_files import write_private_file

from .models import Beneficiary
from .resources import (
    COLUMNS,
    HEADER_LINES,
    REQUIRED_COLUMNS,
    BeneficiaryResource,
    cell_text,
    column_label,
    header_aliases,
    header_key,
)

FORMATS = {"xlsx": XLSX, "csv": CSV}
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
MAX_COLUMNS = 50  # the template has 15; extra columns are ignored, but not thousands of them

# --- reading an upload --------------------------------------------------------------------------


def file_format_for(name: str) -> str:
    suffix = Path(name or "").suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise ValidationError(_("Upload an Excel workbook (.xlsx) or a CSV file."), code="format")
    return suffix


def _table(content: bytes, file_format: str) -> tuple[list, list[list]]:
    """Header and rows, read within the limits (association.kernel.spreadsheets: refused by the workbook's
    declared uncompressed size before anything is inflated, and at row MAX_ROWS + 1 while streaming)."""
    if file_format == "xlsx":
        if not content.startswith(b"PK\x03\x04"):
            raise ValidationError(_("This file is not an Excel workbook (.xlsx)."), code="format")
        try:
            return spreadsheets.read_xlsx(content, max_rows=MAX_ROWS, max_columns=MAX_COLUMNS)
        except ValidationError:
            raise
        except Exception:  # openpyxl and zipfile raise many kinds of errors for a damaged workbook
            raise ValidationError(
                _("This Excel workbook cannot be read; save it again and retry."), code="format"
            ) from None
    for encoding in ("utf-8-sig", "cp1256"):  # Excel saves Arabic CSV files in Windows-1256
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationError(_("This CSV file cannot be read; save it as UTF-8 and retry."), code="format")
    try:
        return spreadsheets.read_csv(text, max_rows=MAX_ROWS, max_columns=MAX_COLUMNS)
    except ValidationError:
        raise
    except csv.Error:  # bad quoting, a field longer than the csv module's limit
        raise ValidationError(
            _("This CSV file cannot be read; check that every row has the same columns."), code="format"
        ) from None


def read_dataset(content: bytes, file_format: str) -> tablib.Dataset:
    """The file as a dataset, refusing what is not really a workbook or a text file, an empty file,
    too many rows or columns, or a file without the required columns."""
    if not content:
        raise ValidationError(_("The file is empty."), code="empty")
    if len(content) > MAX_BYTES:
        raise ValidationError(
            _("The file is too large; the limit is %(limit)s MB.") % {"limit": MAX_BYTES // 1048576}, code="size"
        )
    headers, rows = _table(content, file_format)
    if not headers or not rows:
        raise ValidationError(_("The file has no rows under its header."), code="empty")
    width = max(len(headers), *(len(row) for row in rows))
    # Rows are as long as their last filled cell; a column beyond the header has no name (and is ignored).
    dataset = tablib.Dataset(headers=[*headers, *[""] * (width - len(headers))])
    for row in rows:
        dataset.append([*row, *[None] * (width - len(row))])
    aliases = header_aliases()
    present = {aliases.get(header_key(h)) for h in dataset.headers}
    missing = [column_label(name) for name in REQUIRED_COLUMNS if name not in present]
    if missing:
        raise ValidationError(
            _("The file has no column for: %(columns)s. Download the template to see the columns.")
            % {"columns": "، ".join(missing)},
            code="columns",
        )
    return dataset


def template_workbook() -> bytes:
    """An empty workbook with the column headers, for staff to fill in."""
    return spreadsheets.dataset_bytes(BeneficiaryResource().export(queryset=Beneficiary.objects.none()), "xlsx")


class BoundedXLSX(XLSX):
    """The admin's import format: the same bounded reader and rules as the staff import page."""

    def create_dataset(self, in_stream):
        return read_dataset(in_stream, "xlsx")


class BoundedCSV(CSV):
    def create_dataset(self, in_stream):
        # The admin decodes text formats first; read_dataset wants the bytes.
        return read_dataset(in_stream.encode("utf-8") if isinstance(in_stream, str) else in_stream, "csv")


# --- the dry run --------------------------------------------------------------------------------


@dataclass
class RowProblem:
    line: int
    name: str
    reasons: list[tuple[str, list[str]]]


@dataclass
class ImportPreview:
    total: int
    valid: int
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def invalid(self) -> int:
        return len(self.problems)


def _row_name(values, headers) -> str:
    row = dict(zip(headers, values, strict=False))
    return " ".join(cell_text(row.get(column_label(n))) for n in ("first_name", "father_name", "family_name")).strip()


def row_problems(result, dataset: tablib.Dataset | None = None) -> list[RowProblem]:
    """The rows of a dry run that will not be imported: their line in the file (the header is line 1),
    the person's name, and each reason under its Arabic column name. The portal's preview and the
    admin's import page both show these, so they number and word the rows alike."""
    labels = {name: column_label(name) for name in COLUMNS}
    problems = []
    for invalid in result.invalid_rows:
        reasons = [
            (labels.get(key, _("Row")) if key != NON_FIELD_ERRORS else _("Row"), list(messages))
            for key, messages in invalid.error_dict.items()
        ]
        # An invalid row's values follow the result's headers (import-export orders them so), not the file's.
        name = _row_name(invalid.values, result.diff_headers)
        problems.append(RowProblem(invalid.number + HEADER_LINES, name, reasons))
    for number, errors in result.row_errors():
        row = next((error.row for error in errors if error.row is not None), None)
        if row is None and dataset is not None:
            row = dict(zip(dataset.headers, dataset[number - 1], strict=False))
        row = dict(row or {})
        problems.append(
            RowProblem(
                number + HEADER_LINES,
                _row_name(list(row.values()), list(row.keys())),
                [(_("Row"), [_("This row could not be read.")])],
            )
        )
    problems.sort(key=lambda problem: problem.line)
    return problems


# Rows checked between two progress reports (and the import's insert batch).
CHUNK_ROWS = 1000


@dataclass
class CheckedFile:
    """A file through every rule: the people ready to insert (derived fields set), and the rows that are not."""

    total: int
    people: list[Beneficiary]
    problems: list[RowProblem]
    # Rows that raised something other than a validation error: the import refuses the whole file.
    unreadable: int = 0


def _unreadable_row(line: int, row: dict) -> RowProblem:
    return RowProblem(
        line, _row_name(list(row.values()), list(row.keys())), [(_("Row"), [_("This row could not be read.")])]
    )


def _problem(line: int, row: dict, errors: dict[str, list[str]]) -> RowProblem:
    reasons = [(column_label(key) if key in COLUMNS else _("Row"), list(messages)) for key, messages in errors.items()]
    return RowProblem(line, _row_name(list(row.values()), list(row.keys())), reasons)


def check_rows(dataset: tablib.Dataset, progress=None) -> CheckedFile:
    """Every row through ``BeneficiaryResource.check_row`` (the rules the admin's import and the registration
    form apply), with the registered IDs looked up by keyed hash a chunk at a time. ``progress(done, total)``
    is called after each CHUNK_ROWS rows. Nothing is written."""
    resource = BeneficiaryResource()
    try:
        resource.before_import(dataset)
    except Exception:  # as import-export's base errors: the registry could not be asked
        raise ValidationError(_("The file could not be checked; nothing was imported."), code="base") from None
    headers = dataset.headers
    checked = CheckedFile(total=0, people=[], problems=[])
    for number, values in enumerate(dataset, start=1):
        row = dict(zip(headers, values, strict=False))
        try:
            instance, errors = resource.check_row(row)
        except Exception:  # what import-export reports as "could not be read": a value no widget expected
            checked.total += 1
            checked.unreadable += 1
            checked.problems.append(_unreadable_row(number + HEADER_LINES, row))
            continue
        if instance is not None:
            checked.total += 1
            if errors:
                checked.problems.append(_problem(number + HEADER_LINES, row, errors))
            else:
                checked.people.append(instance)
        if progress is not None and (number % CHUNK_ROWS == 0 or number == len(dataset)):
            progress(number, len(dataset))
    return checked


def import_preview(dataset: tablib.Dataset) -> ImportPreview:
    """Validate every row without keeping anything: the valid count, and every bad row with its reasons."""
    checked = check_rows(dataset)
    return ImportPreview(total=checked.total, valid=len(checked.people), problems=checked.problems)


# --- the private stash between preview and confirmation -----------------------------------------

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
STASH_MAX_AGE_SECONDS = 24 * 3600


def _stash_dir() -> Path:
    # Under MEDIA_ROOT but never served: the portal serves files only through permission-checked views.
    return Path(settings.MEDIA_ROOT) / "private" / "imports"


def _stash_path(token: str) -> Path:
    if not _TOKEN.match(token or ""):
        raise ValidationError(_("The uploaded file has expired; upload it again."), code="expired")
    return _stash_dir() / f"{token}.upload"


def stash_upload(content: bytes) -> str:
    """Keep an uploaded file under a random name; returns the token the session keeps."""
    directory = _stash_dir()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    cutoff = time.time() - STASH_MAX_AGE_SECONDS
    for old in directory.glob("*.upload"):  # abandoned previews
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(24)
    path = _stash_path(token)
    write_private_file(path, content)
    return token


def stash_read(token: str) -> bytes:
    try:
        return _stash_path(token).read_bytes()
    except FileNotFoundError:
        raise ValidationError(_("The uploaded file has expired; upload it again."), code="expired") from None


def stash_discard(token: str) -> None:
    if token and _TOKEN.match(token):
        _stash_path(token).unlink(missing_ok=True)


# --- forms --------------------------------------------------------------------------------------


class UploadForm(PortalForm):
    file = forms.FileField(
        label=gettext_lazy("File (Excel .xlsx or CSV)"),
        help_text=gettext_lazy("One beneficiary per row, with the template's column headers."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        file_format = file_format_for(uploaded.name)
        if uploaded.size > MAX_BYTES:
            raise ValidationError(
                _("The file is too large; the limit is %(limit)s MB.") % {"limit": MAX_BYTES // 1048576}, code="size"
            )
        content = uploaded.read()
        self.dataset = read_dataset(content, file_format)
        self.content = content
        return uploaded


class ConfirmForm(forms.Form):
    expected_rows = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class ExportForm(PortalForm):
    file_format = forms.ChoiceField(
        label=gettext_lazy("Format"), choices=[("xlsx", gettext_lazy("Excel (.xlsx)")), ("csv", "CSV")], initial="xlsx"
    )
    # Sharing with a partner entity is a purpose of its own: only the people who consented to it go.
    for_partner = forms.BooleanField(
        label=gettext_lazy("For a partner entity (only the beneficiaries who consented to data sharing)"),
        required=False,
    )
