"""The domain API of DESIGN.md: Saudi ID, mobile and IBAN normalisation, and Arabic folding."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st
from schwifty import IBAN
from stdnum import luhn

from association.kernel.text import ARABIC_INDIC, EASTERN_ARABIC_INDIC
from beneficiaries.search import normalize_arabic
from beneficiaries.validators import normalize_iban, normalize_mobile, normalize_national_id

VALID_CITIZEN_ID = "1000000008"  # 100000000 + Luhn check digit 8
VALID_RESIDENT_ID = "2000000006"


def _raises(func, value) -> ValidationError:
    """Call ``func(value)`` under Arabic and return the ValidationError it must raise."""
    with translation.override("ar"), pytest.raises(ValidationError) as info:
        func(value)
    message = info.value.messages[0]
    assert isinstance(message, str) and message.strip(), "the error must carry a message for the officer"
    return info.value


def test_fixture_ids_are_luhn_valid():
    assert luhn.is_valid(VALID_CITIZEN_ID) and luhn.is_valid(VALID_RESIDENT_ID)


# --- national ID -------------------------------------------------------------------------------


def test_national_id_accepts_arabic_indic_digits_and_spaces():
    assert normalize_national_id("١٠٠٠ ٠٠٠ ٠٠٨") == VALID_CITIZEN_ID
    assert normalize_national_id(" 2000-000-006 ") == VALID_RESIDENT_ID
    assert normalize_national_id("۱۰۰۰۰۰۰۰۰۸") == VALID_CITIZEN_ID


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "required"),
        (None, "required"),
        ("10000000a8", "not_digits"),
        ("100000008", "length"),
        ("10000000080", "length"),
        ("3000000006", "first_digit"),
        ("1000000009", "checksum"),
    ],
)
def test_bad_national_id_is_refused_with_a_coded_message(value, code):
    assert _raises(normalize_national_id, value).code == code


_DIGIT_FORMS = st.sampled_from(["0123456789", ARABIC_INDIC, EASTERN_ARABIC_INDIC])


@st.composite
def valid_ids(draw):
    first = draw(st.sampled_from("12"))
    body = draw(st.text(alphabet="0123456789", min_size=8, max_size=8))
    base = first + body
    return base + luhn.calc_check_digit(base)


@st.composite
def typed_forms(draw, national_id):
    """The ID as a person might type it: each digit in any script, spaces anywhere."""
    out = []
    for ch in national_id:
        if draw(st.booleans()) and draw(st.booleans()):
            out.append(" ")
        out.append(draw(_DIGIT_FORMS)[int(ch)])
    return "".join(out)


@given(data=st.data(), national_id=valid_ids())
def test_any_valid_id_in_any_digit_form_normalises_to_itself(data, national_id):
    typed = data.draw(typed_forms(national_id))
    assert normalize_national_id(typed) == national_id


@given(national_id=valid_ids(), position=st.integers(min_value=0, max_value=9), delta=st.integers(1, 9))
def test_any_single_digit_change_breaks_the_luhn_check(national_id, position, delta):
    digits = list(national_id)
    digits[position] = str((int(digits[position]) + delta) % 10)
    changed = "".join(digits)
    assert changed != national_id
    with pytest.raises(ValidationError) as info:
        normalize_national_id(changed)
    # A changed first digit may no longer be 1/2; every other change is caught by the check digit.
    assert info.value.code == ("checksum" if changed[0] in "12" else "first_digit")


# --- mobile ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "0551234567",
        "551234567",
        "966551234567",
        "00966551234567",
        "+966551234567",
        "+966 55 123 4567",
        "055-123-4567",
        "٠٥٥١٢٣٤٥٦٧",
        "+٩٦٦٥٥١٢٣٤٥٦٧",
        "۰۵۵۱۲۳۴۵۶۷",
    ],
)
def test_mobile_in_every_accepted_form_becomes_e164(value):
    assert normalize_mobile(value) == "+966551234567"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "required"),
        ("05512345ab", "not_digits"),
        ("0112345678", "not_saudi_mobile"),  # a Riyadh landline
        ("+201001234567", "not_saudi_mobile"),  # an Egyptian mobile
        ("055123456", "not_saudi_mobile"),  # a digit short
        ("0521234567", "invalid"),  # 052 is not allocated
    ],
)
def test_bad_mobile_is_refused_with_a_coded_message(value, code):
    assert _raises(normalize_mobile, value).code == code


# --- IBAN --------------------------------------------------------------------------------------

GOOD_IBAN = IBAN.generate("SA", bank_code="80", account_code="000000000000608010").compact


def test_iban_is_compacted_and_upper_cased():
    spaced_lower = " ".join(GOOD_IBAN[i : i + 4] for i in range(0, 24, 4)).lower()
    assert normalize_iban(spaced_lower) == GOOD_IBAN
    assert len(GOOD_IBAN) == 24 and GOOD_IBAN.startswith("SA")


def test_iban_with_arabic_indic_digits_is_accepted():
    typed = "SA" + GOOD_IBAN[2:].translate(str.maketrans("0123456789", ARABIC_INDIC))
    assert normalize_iban(typed) == GOOD_IBAN


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "required"),
        ("AE070331234567890123456", "country"),
        (GOOD_IBAN[:-1], "length"),
        (GOOD_IBAN + "0", "length"),
        (GOOD_IBAN[:2] + ("00" if GOOD_IBAN[2:4] != "00" else "01") + GOOD_IBAN[4:], "checksum"),
        (GOOD_IBAN[:-1] + str((int(GOOD_IBAN[-1]) + 1) % 10), "checksum"),
    ],
)
def test_bad_iban_is_refused_with_a_coded_message(value, code):
    assert _raises(normalize_iban, value).code == code


# --- Arabic folding ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("أحمد", "احمد"),
        ("إبراهيم", "ابراهيم"),
        ("آمنة", "امنه"),
        ("ٱلرحمن", "الرحمن"),
        ("فاطمة", "فاطمه"),
        ("مصطفى", "مصطفي"),
        ("مؤمن", "مومن"),
        ("هائل", "هايل"),
        ("محـــمد", "محمد"),  # tatweel
        ("مُحَمَّدٌ", "محمد"),  # harakat, shadda, tanween
        ("  عبد   الله\tالعتيبي ", "عبد الله العتيبي"),
        ("حي ١٢", "حي 12"),
    ],
)
def test_normalize_arabic_folds_variants_people_type_interchangeably(typed, folded):
    assert normalize_arabic(typed) == folded


def test_normalize_arabic_of_nothing_is_empty():
    assert normalize_arabic(None) == "" and normalize_arabic("") == ""


@given(st.text(alphabet="أإآٱاةهىيؤوئبمحد\u0640\u064e\u064f\u0650\u0651 ١٢٣", max_size=30))
def test_normalize_arabic_is_idempotent_and_leaves_no_variant(text):
    once = normalize_arabic(text)
    assert normalize_arabic(once) == once
    assert not set(once) & set("أإآٱةىؤئ\u0640\u064e\u064f\u0650\u0651١٢٣")
    assert "  " not in once and once == once.strip()
