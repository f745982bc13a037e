"""The django-import-export resource for beneficiaries, shared by the admin and the staff import page.

Every value goes through the registry's own validators, so a file is held to the same rules as the
registration form. Column headers are the fields' Arabic verbose names.
"""

import datetime as dt
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation
from django.utils.translation import gettext as _
from import_export import resources, widgets

from association.kernel import spreadsheets
from association.kernel.arabic import normalize_arabic
from association.kernel.dates import parse_date_any
from association.kernel.identifiers import normalize_iban, normalize_mobile, normalize_national_id

from .models import Beneficiary
from .search import national_id_hash

# The file's columns, in order. Headers are the fields' Arabic verbose names.
COLUMNS = [
    "national_id",
    "first_name",
    "father_name",
    "grandfather_name",
    "family_name",
    "gender",
    "birth_date",
    "nationality",
    "marital_status",
    "mobile",
    "city",
    "district",
    "iban",
    "health_notes",
    "disability_notes",
]
REQUIRED_COLUMNS = [
    "national_id",
    "first_name",
    "father_name",
    "grandfather_name",
    "family_name",
    "gender",
    "birth_date",
    "marital_status",
    "mobile",
    "city",
]
# The header is line 1 of the file, so data row n (1-based) is line n + 1.
HEADER_LINES = 1

# Words people type for the choices, besides the codes and the labels in either language.
CHOICE_ALIASES = {
    "gender": {
        Beneficiary.Gender.MALE: ["ذكر", "رجل", "m"],
        Beneficiary.Gender.FEMALE: ["أنثى", "انثى", "امرأة", "f"],
    },
    "marital_status": {
        Beneficiary.MaritalStatus.SINGLE: ["أعزب", "عزباء", "عازب"],
        Beneficiary.MaritalStatus.MARRIED: ["متزوج", "متزوجة"],
        Beneficiary.MaritalStatus.DIVORCED: ["مطلق", "مطلقة"],
        Beneficiary.MaritalStatus.WIDOWED: ["أرمل", "أرملة"],
    },
}


def column_label(name: str) -> str:
    """The column header of a field: its Arabic verbose name, whatever the interface language, so a
    file exported by one user always imports for another."""
    with translation.override("ar"):
        return str(Beneficiary._meta.get_field(name).verbose_name)


def header_key(value) -> str:
    return normalize_arabic(str(value or "")).lower().replace("_", " ").strip()


def header_aliases() -> dict[str, str]:
    """Every way a header may be written (Arabic or English verbose name, field name) → the field."""
    aliases = {}
    for name in COLUMNS:
        verbose = Beneficiary._meta.get_field(name).verbose_name
        for language in ("ar", "en"):
            with translation.override(language):
                aliases[header_key(verbose)] = name
        aliases[header_key(name)] = name
    return aliases


def cell_text(value) -> str:
    """A cell as clean text: numbers that a spreadsheet stored as numbers lose their ``.0``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = " ".join(str(value).split())
    # A csv export protects text that looks like a formula with an apostrophe: it comes back unprotected.
    return spreadsheets.unescape(text)


# The registered-ID lookup asks for this many keyed hashes per query.
HASH_CHUNK = 1000


def registered_ids(national_ids) -> set[str]:
    """Which of these (normalised) ID numbers are registered already: one query per HASH_CHUNK IDs, by the
    keyed hash (the ID itself is encrypted)."""
    hashes = [national_id_hash(national_id) for national_id in national_ids]
    size = min(HASH_CHUNK, connection.features.max_query_params or HASH_CHUNK)  # SQLite: 999 at most
    found: set[str] = set()
    for start in range(0, len(hashes), size):
        chunk = hashes[start : start + size]
        found.update(Beneficiary.objects.filter(national_id_hash__in=chunk).values_list("national_id", flat=True))
    return found


def _validation_message(exc: ValidationError) -> str:
    return " ".join(exc.messages)


class TextWidget(widgets.Widget):
    """Text both ways. Exports go through association.kernel.spreadsheets, which keeps text that looks like a
    formula from ever running as one."""

    def clean(self, value, row=None, **kwargs):
        return cell_text(value)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class NormalizedWidget(TextWidget):
    """Runs a registry validator; its (Arabic) message becomes the row's reason for that field."""

    def __init__(self, normalize, required=True):
        super().__init__()
        self.normalize = normalize
        self.required = required

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text and not self.required:
            return ""
        try:
            return self.normalize(text)
        except ValidationError as exc:
            raise ValueError(_validation_message(exc)) from None


class MobileWidget(NormalizedWidget):
    def render(self, value, obj=None, **kwargs):
        # 05XXXXXXXX: how staff read a mobile, and no leading + for a spreadsheet to take as a formula.
        return "0" + value[4:] if value and value.startswith("+966") else (value or "")


class DualDateWidget(widgets.Widget):
    """A date cell, or text in Gregorian or Hijri (``association.kernel.dates.parse_date_any``)."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = cell_text(value)
        if not text:
            raise ValueError(_("Enter the birth date."))
        try:
            return parse_date_any(text)
        except ValidationError as exc:
            raise ValueError(_validation_message(exc)) from None

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class ChoiceWidget(widgets.Widget):
    """Accepts the code, the label in Arabic or English, and the usual Arabic words (ذكر، متزوجة…)."""

    def __init__(self, field_name: str):
        super().__init__()
        self.model_field = Beneficiary._meta.get_field(field_name)
        self.lookup = {}
        for code, label in self.model_field.choices:
            self.lookup[header_key(code)] = code
            for language in ("ar", "en"):
                with translation.override(language):
                    self.lookup[header_key(label)] = code
            for alias in CHOICE_ALIASES.get(field_name, {}).get(code, []):
                self.lookup[header_key(alias)] = code

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            raise ValueError(_("This field is required."))
        code = self.lookup.get(header_key(text))
        if code is None:
            raise ValueError(
                _("“%(value)s” is not one of: %(choices)s.")
                % {"value": text, "choices": "، ".join(str(label) for _code, label in self.model_field.choices)}
            )
        return code

    def render(self, value, obj=None, **kwargs):
        with translation.override("ar"):
            return str(dict(self.model_field.choices).get(value, value or ""))


def _widget_for(name: str) -> widgets.Widget:
    return {
        "national_id": NormalizedWidget(normalize_national_id),
        "mobile": MobileWidget(normalize_mobile),
        "iban": NormalizedWidget(normalize_iban, required=False),
        "birth_date": DualDateWidget(),
        "gender": ChoiceWidget("gender"),
        "marital_status": ChoiceWidget("marital_status"),
    }.get(name) or TextWidget()


class BeneficiaryResource(resources.ModelResource):
    """One row per beneficiary. Rows are always new registrations: an ID that is already registered,
    or that appears twice in the file, is refused rather than merged."""

    class Meta:
        model = Beneficiary
        fields = COLUMNS
        import_order = COLUMNS
        export_order = COLUMNS
        # Never look rows up one by one: duplicates are found for the whole file in before_import.
        force_init_instance = True
        use_bulk = True
        batch_size = 500
        clean_model_instances = True
        skip_diff = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        for name in COLUMNS:
            self.fields[name].column_name = column_label(name)
            self.fields[name].widget = _widget_for(name)
        self._import_fields = None
        self.existing_ids: set[str] = set()
        self.lines_by_id: dict[str, list[int]] = {}
        self.saved: list[Beneficiary] = []
        self.transfer = None

    # --- reading ---------------------------------------------------------------------------------

    def get_import_fields(self):
        # import-export works the list out again for every row; the columns are fixed once __init__ ran.
        if self._import_fields is None:
            self._import_fields = super().get_import_fields()
        return self._import_fields

    def before_import(self, dataset, **kwargs):
        aliases = header_aliases()
        dataset.headers = [
            column_label(aliases[header_key(h)]) if header_key(h) in aliases else (h or "") for h in dataset.headers
        ]
        # One query for the whole file: which of its ID numbers are registered already.
        id_column = column_label("national_id")
        self.lines_by_id = {}
        if id_column in dataset.headers:
            for index, value in enumerate(dataset[id_column], start=1):
                try:
                    national_id = normalize_national_id(cell_text(value))
                except ValidationError:
                    continue
                self.lines_by_id.setdefault(national_id, []).append(index + HEADER_LINES)
        self.existing_ids = registered_ids(self.lines_by_id)

    def check_row(self, row: dict) -> tuple[Beneficiary | None, dict[str, list[str]]]:
        """One row through every rule, without import-export's per-row bookkeeping: the instance (its
        derived fields set) and its errors by field (empty when valid), or (None, {}) for a blank row.
        The staff import's bulk path uses this; the admin's ``import_data`` runs the same two methods."""
        if self.is_blank(row):
            return None, {}
        instance = Beneficiary()
        errors: dict = {}
        try:
            self.import_instance(instance, row)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        try:
            self.validate_instance(instance, errors)
        except ValidationError as exc:
            return instance, exc.message_dict
        return instance, {}

    @staticmethod
    def is_blank(row) -> bool:
        return all(not cell_text(value) for value in row.values())

    def skip_row(self, instance, original, row, import_validation_errors=None):
        return self.is_blank(row)

    def import_instance(self, instance, row, **kwargs):
        if self.is_blank(row):
            return
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if "national_id" not in errors and instance.national_id:
            reasons = []
            if instance.national_id in self.existing_ids:
                reasons.append(_("A beneficiary with this ID number is already registered."))
            lines = self.lines_by_id.get(instance.national_id, [])
            if len(lines) > 1:
                reasons.append(
                    _("This ID number appears more than once in the file (rows %(rows)s).")
                    % {"rows": "، ".join(str(line) for line in lines)}
                )
            if reasons:
                errors["national_id"] = [ValidationError(reason, code="duplicate") for reason in reasons]
        if not instance.nationality:
            instance.nationality = Beneficiary._meta.get_field("nationality").default
        # bulk_create does not call save(): derive what save() would.
        instance.derive_fields()
        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        # Uniqueness was checked for the whole file at once; per-row unique checks would be N queries.
        errors = dict(import_validation_errors or {})
        try:
            instance.full_clean(exclude=[*errors, "created_by"], validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    # --- writing ---------------------------------------------------------------------------------

    def before_save_instance(self, instance, row, **kwargs):
        instance.created_by = kwargs.get("user")

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        # A dry run writes nothing (not even inside a rolled-back transaction): the preview stays
        # cheap, and its query count does not grow with the file.
        if dry_run:
            self.create_instances.clear()
            return
        super().bulk_create(using_transactions, dry_run, raise_errors, batch_size=batch_size, result=result)

    def save_instance(self, instance, is_create, row, **kwargs):
        super().save_instance(instance, is_create, row, **kwargs)
        self.saved.append(instance)

    def after_import(self, dataset, result, **kwargs):
        if self._is_dry_run(kwargs) or result.has_errors():
            return
        # No super(): it resets the primary-key sequence, which only matters when a file carries ids;
        # ours never does, and the reset would read the whole table.
        from .services import beneficiary_import_record

        file_name = kwargs.get("file_name") or ""
        self.transfer = beneficiary_import_record(
            actor=kwargs["user"],
            beneficiaries=self.saved,
            file_name=file_name,
            file_format=kwargs.get("file_format") or Path(file_name).suffix.lstrip(".").lower(),
            rejected_rows=len(result.invalid_rows),
        )
