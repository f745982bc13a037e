"""Form building blocks every app uses.

- Every numeric input and every date input accepts Arabic-Indic digits (٠–٩): their widgets turn
  them into ASCII before the field cleans the value, so the field's own validation stays Django's.
- A date field accepts Gregorian or Umm al-Qura Hijri (``DualDateField``).
- ``PortalFormMixin`` applies both to any form, including ModelForms and admin forms.
"""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from .dates import format_hijri, parse_date_any
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
        kwargs.setdefault(
            "help_text", _("Gregorian (1990-05-21) or Hijri with هـ (1410-10-26 هـ).")
        )
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        return parse_date_any(str(value))


def hijri_hint(value):
    return format_hijri(value) if isinstance(value, dt.date) else ""


class PortalFormMixin:
    """Numeric and date inputs that accept Arabic-Indic digits, and dates in either calendar."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
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
                field.widget = NumericInput(attrs, decimal=isinstance(field, (forms.DecimalField, forms.FloatField)))


class PortalForm(PortalFormMixin, forms.Form):
    pass


class PortalModelForm(PortalFormMixin, forms.ModelForm):
    pass
