"""Form building blocks every app uses.

- Every numeric input and every date input accepts Arabic-Indic digits (٠–٩): their widgets turn
  them into ASCII before the field cleans the value, so the field's own validation stays Django's.
- A date field accepts Gregorian or Umm al-Qura Hijri (``DualDateField``).
- ``PortalFormMixin`` applies both to any form, including ModelForms and admin forms, and keeps every
  integer within its database column's range (``bound_to_column``): a huge number is an error next to
  the field, not an overflow.
- Drop-down lists (``Select``) are drawn in Python (``FastSelect``), the same markup as Django's templates without
  one template include per option: a list's filter form with some thirty options cost about 6 ms to draw.
- National IDs, mobiles and IBANs are typed or pasted as people write them (grouped, with +966 or
  00966, Arabic-Indic digits): ``NationalIdField``, ``MobileField`` and ``IbanField`` normalise first and
  only then check the length, and their inputs never cut what is pasted.
"""

import datetime as dt

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from . import memo
from .dates import format_hijri, parse_date_any
from .identifiers import normalize_iban, normalize_mobile, normalize_national_id
from .text import to_ascii_digits


class LatinDigitsMixin:
    """A widget mixin: Arabic-Indic digits in the submitted value become ASCII."""

    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        if isinstance(value, str):
            return to_ascii_digits(value).strip()
        if isinstance(value, list):
            return [to_ascii_digits(v).strip() if isinstance(v, str) else v for v in value]
        return value


class NumericInput(LatinDigitsMixin, forms.TextInput):
    """A text input for numbers: ``type=number`` would refuse Arabic-Indic digits in the browser."""

    def __init__(self, attrs=None, decimal=False):
        base = {"inputmode": "decimal" if decimal else "numeric", "dir": "ltr", "autocomplete": "off"}
        super().__init__({**base, **(attrs or {})})


class DualDateInput(LatinDigitsMixin, forms.TextInput):
    def __init__(self, attrs=None):
        base = {"dir": "ltr", "placeholder": "1990-05-21 / 1410-10-26 هـ", "autocomplete": "off"}
        super().__init__({**base, **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, dt.date):
            return value.strftime("%Y-%m-%d")
        return value


class DualDateField(forms.DateField):
    """A date typed in Gregorian or Hijri; stored Gregorian. The help text shows both calendars."""

    widget = DualDateInput
    default_error_messages = {"invalid": _("Enter a valid date.")}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("help_text", _("Gregorian (1990-05-21) or Hijri with هـ (1410-10-26 هـ)."))
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        return parse_date_any(str(value))


# What a person may paste into an identifier input: «SA56 8083 5798 …» is 29 characters for a
# 24-character IBAN, «+966 56 929 7620» 16 for a 10-digit mobile. The browser must not cut it; the
# normaliser decides what is valid.
IDENTIFIER_INPUT_MAX = 64


class NormalizedIdentifierField(forms.CharField):
    """A text field whose value is normalised (``normalize``) before any rule about its length.

    The stored value's ``max_length`` (a ModelForm passes the model field's) is deliberately not a
    rule on the typed text: the normaliser returns the canonical value or an Arabic error.
    """

    input_attrs: dict = {}

    def __init__(self, *, max_length=None, min_length=None, empty_value="", **kwargs):
        super().__init__(empty_value="", **kwargs)

    def normalize(self, value: str) -> str:
        raise NotImplementedError

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs["maxlength"] = str(IDENTIFIER_INPUT_MAX)
        defaults = {"dir": "ltr", "autocomplete": "off", "spellcheck": "false", **self.input_attrs}
        # A form's own widget attributes (a placeholder, autocomplete="tel") win over the defaults.
        attrs.update({key: value for key, value in defaults.items() if key not in widget.attrs})
        return attrs

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return self.empty_value
        if len(value) > IDENTIFIER_INPUT_MAX:
            raise ValidationError(
                _("This is too long to be a valid value (%(count)d characters)."),
                code="too_long",
                params={"count": len(value)},
            )
        return self.normalize(value)


class NationalIdField(NormalizedIdentifierField):
    """A national ID or Iqama: 10 ASCII digits after ``normalize_national_id``."""

    input_attrs = {"inputmode": "numeric"}

    def normalize(self, value):
        return normalize_national_id(value)


class MobileField(NormalizedIdentifierField):
    """A Saudi mobile in E.164 (``+9665…``) after ``normalize_mobile``."""

    input_attrs = {"inputmode": "tel", "placeholder": "05XXXXXXXX"}

    def normalize(self, value):
        return normalize_mobile(value)


class IbanField(NormalizedIdentifierField):
    """A Saudi IBAN, compact and upper-case, after ``normalize_iban``."""

    input_attrs = {"placeholder": "SA00 0000 0000 0000 0000 0000", "autocapitalize": "characters"}

    def normalize(self, value):
        return normalize_iban(value)


def hijri_hint(value):
    return format_hijri(value) if isinstance(value, dt.date) else ""


class FastSelect(forms.Select):
    """``forms.Select`` with the markup of Django's ``select.html``, ``select_option.html`` and ``attrs.html``
    written here instead of rendered through the form renderer: one template include per option made a filter
    form the slowest part of a list page."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        groups = []
        for group_name, options, _index in widget["optgroups"]:
            rendered = format_html_join(
                "\n",
                '  <option value="{}"{}>{}</option>',
                (("" if o["value"] is None else o["value"], _attributes(o["attrs"]), o["label"]) for o in options),
            )
            if group_name:
                groups.append(format_html('  <optgroup label="{}">\n{}\n  </optgroup>', group_name, rendered))
            else:
                groups.append(rendered)
        body = format_html_join("\n", "{}", ((group,) for group in groups))
        return format_html('<select name="{}"{}>\n{}\n</select>', widget["name"], _attributes(widget["attrs"]), body)


def _attributes(attrs: dict):
    """Django's ``attrs.html``: in order, ``True`` as a bare name, ``False`` left out."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, str(value)),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


class ListedChoiceIterator(forms.models.ModelChoiceIterator):
    """A drop-down's rows read with one ordinary query (``ModelChoiceIterator`` streams them through a
    server-side cursor on PostgreSQL: three round trips more per drop-down, for lists of a few dozen rows)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        # A small reference table's rows come from the cache (kernel.memo.table_rows).
        for obj in memo.table_rows(self.queryset):
            yield self.choice(obj)


class PortalFormMixin:
    """Numeric and date inputs that accept Arabic-Indic digits, and dates in either calendar."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.ModelChoiceField) and field.iterator is forms.models.ModelChoiceIterator:
                field.iterator = ListedChoiceIterator
                field.widget.choices = field.choices
            if type(field.widget) is forms.Select:
                fast = FastSelect(field.widget.attrs, field.widget.choices)
                fast.is_required = field.widget.is_required
                field.widget = fast
            if isinstance(field, forms.DateField) and not isinstance(field, (DualDateField, forms.DateTimeField)):
                replacement = DualDateField(
                    required=field.required,
                    label=field.label,
                    initial=field.initial,
                    help_text=field.help_text or DualDateField().help_text,
                    validators=field.validators,
                )
                replacement.widget.attrs.update(field.widget.attrs)
                self.fields[name] = replacement
            elif isinstance(field, (forms.IntegerField, forms.DecimalField, forms.FloatField)):
                attrs = {k: v for k, v in field.widget.attrs.items() if k not in ("step",)}
                # DecimalField and FloatField subclass IntegerField: test for them, not for IntegerField.
                decimal = isinstance(field, (forms.DecimalField, forms.FloatField))
                field.widget = NumericInput(attrs, decimal=decimal)
                if not decimal:
                    bound_to_column(field, integer_column_type(self, name))


def integer_column_type(form, name: str) -> str:
    """The kind of integer column a form's number goes to: the model field's in a ModelForm, else the
    widest (a number of a plain form reaches lookups and services, never a narrower column unchecked)."""
    model = getattr(getattr(form, "_meta", None), "model", None)
    if model is not None:
        try:
            internal_type = model._meta.get_field(name).get_internal_type()
        except FieldDoesNotExist:
            pass
        else:
            if internal_type.endswith(("IntegerField", "AutoField")):
                return internal_type
    return "BigIntegerField"


def bound_to_column(field: forms.IntegerField, internal_type: str) -> None:
    """Keep an integer field within what its database column holds: a larger number is a clear error next
    to the field, never an overflow (SQLite cannot bind an integer past 64 bits; PostgreSQL refuses a value
    past the column's range)."""
    low, high = connection.ops.integer_field_range(internal_type)
    if high is not None and (field.max_value is None or field.max_value > high):
        field.max_value = high
        field.validators.append(MaxValueValidator(high, message=_("This number is too large.")))
    if low is not None and (field.min_value is None or field.min_value < low):
        field.min_value = low
        field.validators.append(MinValueValidator(low, message=_("This number is too small.")))


class PortalForm(PortalFormMixin, forms.Form):
    pass


class PortalModelForm(PortalFormMixin, forms.ModelForm):
    pass
