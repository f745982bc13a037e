"""One rule for amounts, decimals and percentages: «1,500.00 ريال», «87.5%» — or «١٬٥٠٠٫٠٠ ريال», «٨٧٫٥٪» with
Arabic-Indic digits — never the Arabic locale's «1500,00» that a Saudi reader takes for another amount."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import formats, translation
from django.utils.html import strip_tags

from association.kernel import numbers
from association.kernel.numbers import (
    ARABIC_INDIC_DIGITS,
    digits,
    format_amount,
    format_decimal,
    format_percent,
    format_quantity,
    to_decimal,
)


@pytest.fixture(autouse=True)
def arabic():
    with translation.override("ar"):
        yield


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1500, "1,500.00 ريال"),
        (Decimal("1500"), "1,500.00 ريال"),
        (Decimal("1500.5"), "1,500.50 ريال"),
        (1500.005, "1,500.01 ريال"),  # half up, from the float's decimal text
        ("1500.125", "1,500.13 ريال"),
        ("١٥٠٠٫٧٥", "1,500.75 ريال"),  # typed with Arabic-Indic digits
        ("1,234,567.8", "1,234,567.80 ريال"),
        (Decimal("999999.995"), "1,000,000.00 ريال"),
        (0, "0.00 ريال"),
        (Decimal("-0.001"), "0.00 ريال"),
        (-250, "-250.00 ريال"),
        (7, "7.00 ريال"),
    ],
)
def test_amounts_have_a_decimal_point_and_grouped_thousands(value, expected):
    assert format_amount(value) == expected


def test_amounts_with_arabic_indic_digits_use_the_arabic_separators():
    with digits(ARABIC_INDIC_DIGITS):
        assert format_amount(Decimal("1500")) == "١٬٥٠٠٫٠٠ ريال"
        assert format_amount(1234567.5, currency=False) == "١٬٢٣٤٬٥٦٧٫٥٠"
        assert format_percent(87.5) == "٨٧٫٥٪"
        assert format_quantity(Decimal("3.00")) == "٣"
        assert format_quantity(Decimal("2.50")) == "٢٫٥"
    # Back to Western outside the block.
    assert format_amount(1500) == "1,500.00 ريال"


def test_the_currency_speaks_the_language():
    with translation.override("en"):
        assert format_amount(1500) == "1,500.00 SAR"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(100.0, "100.0%"), (87.45, "87.5%"), (0, "0.0%"), (-33.333, "-33.3%"), (Decimal("12.5"), "12.5%")],
)
def test_percentages(value, expected):
    assert format_percent(value) == expected


@pytest.mark.parametrize("value", [None, ""])
def test_no_value_is_empty(value):
    assert format_amount(value) == format_percent(value) == format_decimal(value) == ""


@pytest.mark.parametrize("value", ["1500,5", "abc", "1,50", "NaN", "Infinity", float("nan"), True])
def test_text_that_is_not_a_number_is_never_read_as_one(value):
    """A comma is never taken for a decimal point, and garbage is shown as it is, not as an amount."""
    assert to_decimal(value) is None
    assert "ريال" not in format_amount(value)


def test_quantities_drop_trailing_zeros():
    assert [format_quantity(v) for v in (Decimal("3.00"), Decimal("2.50"), Decimal("1250.25"), 10)] == [
        "3",
        "2.5",
        "1,250.25",
        "10",
    ]


def test_template_filters_isolate_the_number_and_keep_its_unit_on_its_line():
    html = Template(
        "{{ a|amount }}|{{ p|percent }}|{{ n|decimal:1 }}|{{ q|quantity }}|{{ none|amount|default:'—' }}"
    ).render(Context({"a": Decimal("1500"), "p": 100.0, "n": 12.25, "q": Decimal("2.00"), "none": None}))
    assert html.split("|")[0] == '<span class="ltr-unit"><bdi dir="ltr" class="ltr-run">1,500.00</bdi> ريال</span>'
    assert strip_tags(html) == "1,500.00 ريال|100.0%|12.3|2|—"


def test_template_filters_give_plain_text_in_a_plain_text_template():
    """SMS and e-mail templates render with autoescape off: the same rule, no markup."""
    text = Template("{{ a|amount }} {{ p|percent }}").render(Context({"a": 1500, "p": 87.5}, autoescape=False))
    assert text == "1,500.00 ريال 87.5%"


def test_django_itself_localises_numbers_with_a_decimal_point():
    """The admin's lists and any number printed without a filter: «1500.5», never «1500,5»."""
    assert formats.localize(Decimal("1500.5")) == "1500.5"
    assert formats.number_format(Decimal("1234567.5"), 2, force_grouping=True) == "1,234,567.50"
    assert Template("{{ x }}").render(Context({"x": 100.0})) == "100.0"


def test_the_digit_style_is_restored_after_an_error():
    with pytest.raises(RuntimeError), digits(ARABIC_INDIC_DIGITS):
        raise RuntimeError
    assert numbers.digit_style() == numbers.WESTERN
