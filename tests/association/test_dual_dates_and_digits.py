"""Dates shown in Gregorian and Umm al-Qura Hijri, typed in either; numbers typed in Arabic-Indic digits."""

import datetime as dt
from decimal import Decimal

import pytest
from django import forms
from django.template import Context, Template
from django.utils import timezone
from django.utils.html import strip_tags

from association.kernel.dates import format_dual, format_hijri, format_hijri_long, parse_date_any
from association.kernel.forms import DualDateField, NumericInput, PortalForm
from beneficiaries.forms import BeneficiaryForm, HouseholdMemberForm

# 21 May 1990 is 26 Shawwal 1410 in Umm al-Qura.
GREGORIAN = dt.date(1990, 5, 21)


def test_a_date_is_shown_in_both_calendars():
    assert format_hijri(GREGORIAN) == "1410-10-26 هـ"
    assert format_hijri_long(GREGORIAN) == "26 شوال 1410 هـ"
    assert format_dual(GREGORIAN) == "1990-05-21 م — 1410-10-26 هـ"


def test_template_filters_show_both_calendars_in_riyadh_time():
    # 21:30 UTC on 21 May is already 22 May in Riyadh (UTC+3): the date shown is Riyadh's.
    moment = dt.datetime(1990, 5, 21, 21, 30, tzinfo=dt.UTC)
    rendered = strip_tags(
        Template("{{ d|dual_date }}|{{ m|dual_date }}|{{ m|dual_datetime }}|{{ d|hijri }}").render(
            Context({"d": GREGORIAN, "m": moment})
        )
    )
    assert rendered == (
        "1990-05-21 م — 1410-10-26 هـ|1990-05-22 م — 1410-10-27 هـ|1990-05-22 م — 1410-10-27 هـ 00:30|1410-10-26 هـ"
    )
    assert timezone.get_current_timezone_name() == "Asia/Riyadh"


def test_a_plain_text_template_gets_the_dates_without_markup():
    """SMS and e-mail templates render with autoescape off: the same characters, no tags, no marks."""
    rendered = Template("{{ d|dual_date }}|{{ d|hijri }}").render(Context({"d": GREGORIAN}, autoescape=False))
    assert rendered == "1990-05-21 م — 1410-10-26 هـ|1410-10-26 هـ"


@pytest.mark.parametrize(
    "typed",
    [
        "1990-05-21",
        "21/05/1990",
        "1990/5/21 م",
        "١٩٩٠-٠٥-٢١",
        "1410-10-26 هـ",
        "1410-10-26",
        "٢٦/١٠/١٤١٠ هـ",
        "26.10.1410H",
    ],
)
def test_parse_date_any_reads_gregorian_or_hijri_in_any_digits(typed):
    assert parse_date_any(typed) == GREGORIAN


class _SampleForm(PortalForm):
    when = forms.DateField(label="when")
    count = forms.IntegerField(label="count")
    amount = forms.DecimalField(label="amount", max_digits=8, decimal_places=2)


def test_portal_form_turns_every_date_field_into_a_dual_date_field():
    form = _SampleForm()
    assert isinstance(form.fields["when"], DualDateField)
    assert isinstance(form.fields["count"].widget, NumericInput)
    # type=number would make the browser refuse Arabic-Indic digits.
    assert 'type="text"' in str(form["count"]) and 'inputmode="numeric"' in str(form["count"])
    assert 'inputmode="decimal"' in str(form["amount"])


def test_portal_form_accepts_arabic_indic_digits_in_numbers_and_a_hijri_date():
    form = _SampleForm({"when": "١٤١٠-١٠-٢٦ هـ", "count": "١٢", "amount": "١٥٠٠٫٧٥"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"when": GREGORIAN, "count": 12, "amount": Decimal("1500.75")}


@pytest.mark.parametrize(
    ("typed", "fragment"),
    [
        ("1410-13-01 هـ", "Umm al-Qura"),
        ("2023-02-30", "does not exist"),
        ("90-5-21", "four digits"),
        ("soon", "year-month-day"),
    ],
)
def test_a_bad_date_is_an_error_at_the_field_and_keeps_what_was_typed(typed, fragment):
    from django.utils import translation

    with translation.override("en"):
        form = _SampleForm({"when": typed, "count": "1", "amount": "1"})
        assert not form.is_valid()
        assert list(form.errors) == ["when"]
        assert fragment in form.errors["when"][0]
        assert f'value="{typed}"' in str(form["when"])


def test_beneficiary_form_takes_a_hijri_birth_date_and_an_arabic_indic_id():
    form = BeneficiaryForm(
        {
            "national_id": "١٠٠٠٠٠٠٠٠٨",
            "first_name": "سارة",
            "father_name": "محمد",
            "grandfather_name": "علي",
            "family_name": "الشمري",
            "gender": "female",
            "birth_date": "٢٦/١٠/١٤١٠ هـ",
            "nationality": "سعودي",
            "marital_status": "single",
            "mobile": "٠٥٥١٢٣٤٥٦٧",
            "city": "الرياض",
            "consents": ["data_processing"],
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["birth_date"] == GREGORIAN
    assert form.cleaned_data["national_id"] == "1000000008"
    assert form.cleaned_data["mobile"] == "+966551234567"


def test_household_form_takes_income_and_birth_date_in_arabic_indic_digits():
    form = HouseholdMemberForm(
        {"relation": "son", "name": "سعد", "national_id": "", "birth_date": "١٤٣٠-٠١-٠١ هـ", "monthly_income": "٢٥٠٠"}
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["monthly_income"] == Decimal("2500")
    assert form.cleaned_data["birth_date"] == parse_date_any("1430-01-01 هـ")
    assert form.cleaned_data["birth_date"].year == 2008


def test_a_stored_date_is_shown_back_in_gregorian_iso_in_the_input():
    form = HouseholdMemberForm(initial={"birth_date": GREGORIAN})
    assert 'value="1990-05-21"' in str(form["birth_date"])
