"""Normalise and validate Saudi identifiers: national ID / Iqama, mobile, IBAN.

Each function returns the canonical form and raises ``ValidationError`` with an Arabic message. DESIGN.md's
"Domain API" names them ``beneficiaries.validators.normalize_*``: that module re-exports these.
"""

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException
from stdnum import luhn

from .text import to_ascii_digits

_SEPARATORS = re.compile(r"[\s\-\u200e\u200f\u202a-\u202e\u2066-\u2069().]")


# Canonical values already found valid (a bounded memo): a form or an import normalises a value, then the
# model's validator checks the canonical form again; the second check is a lookup, not a second parse.
_CANONICAL: dict[str, set[str]] = {"mobile": set(), "iban": set(), "national_id": set()}
_CANONICAL_LIMIT = 50_000


def _remember(kind: str, value: str) -> str:
    known = _CANONICAL[kind]
    if len(known) >= _CANONICAL_LIMIT:
        known.clear()
    known.add(value)
    return value


_E164_SAUDI_MOBILE = re.compile(r"\+9665\d{8}")
_LOCAL_SAUDI_MOBILE = re.compile(r"05\d{8}")


def strip_separators(value: str) -> str:
    """Remove what people type or paste between digits: spaces, dashes, dots, brackets, bidi marks."""
    return _SEPARATORS.sub("", value)


# SAMA bank codes (IBAN positions 5–6): Arabic name and BIC. Public facts; schwifty's Saudi
# registry has the banks' BICs and names but not these codes.
SAUDI_BANKS = {
    "05": ("مصرف الإنماء", "INMASARI"),
    "10": ("البنك الأهلي السعودي", "NCBKSAJE"),
    "15": ("بنك البلاد", "ALBISARI"),
    "20": ("بنك الرياض", "RIBLSARI"),
    "30": ("البنك العربي الوطني", "ARNBSARI"),
    "40": ("البنك الأهلي السعودي (سامبا سابقًا)", "SAMBSARI"),
    "45": ("البنك السعودي الأول (ساب)", "SABBSARI"),
    "50": ("البنك السعودي الأول (الأول سابقًا)", "AAALSARI"),
    "55": ("البنك السعودي الفرنسي", "BSFRSARI"),
    "60": ("بنك الجزيرة", "BJAZSAJE"),
    "65": ("البنك السعودي للاستثمار", "SIBCSARI"),
    "80": ("مصرف الراجحي", "RJHISARI"),
    "90": ("بنك الخليج الدولي", "GULFSARI"),
}


def normalize_national_id(value) -> str:
    """A Saudi national ID (starts with 1) or Iqama (starts with 2): 10 digits with a Luhn check digit."""
    if isinstance(value, str) and value in _CANONICAL["national_id"]:
        return value
    digits = _SEPARATORS.sub("", to_ascii_digits(str(value or "")))
    if not digits:
        raise ValidationError(_("Enter the national ID or Iqama number."), code="required")
    if not digits.isdigit() or not digits.isascii():
        raise ValidationError(_("The ID number must contain digits only."), code="not_digits")
    if len(digits) != 10:
        raise ValidationError(
            _("The ID number must be 10 digits; you entered %(count)d.") % {"count": len(digits)},
            code="length",
        )
    if digits[0] not in "12":
        raise ValidationError(_("The ID number must start with 1 (citizen) or 2 (resident)."), code="first_digit")
    if not luhn.is_valid(digits):
        raise ValidationError(
            _("This ID number is not valid (its check digit does not match); check it against the card."),
            code="checksum",
        )
    return _remember("national_id", digits)


def id_type_for(national_id: str) -> str:
    return "citizen" if national_id.startswith("1") else "resident"


def normalize_mobile(value) -> str:
    """A Saudi mobile number in E.164 (``+9665XXXXXXXX``) from 05…, 5…, 9665…, 009665… or +9665…."""
    if isinstance(value, str) and value in _CANONICAL["mobile"]:
        return value
    raw = _SEPARATORS.sub("", to_ascii_digits(str(value or "")))
    if _E164_SAUDI_MOBILE.fullmatch(raw) or _LOCAL_SAUDI_MOBILE.fullmatch(raw):
        # The common shapes, checked against the numbering plan without the general parser.
        number = phonenumbers.PhoneNumber(country_code=966, national_number=int(raw[-9:]))
        if phonenumbers.is_valid_number(number):
            return _remember("mobile", "+966" + raw[-9:])
    if not raw:
        raise ValidationError(_("Enter the mobile number."), code="required")
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    elif raw.startswith("966"):
        raw = "+" + raw
    elif raw.startswith("5") and len(raw) == 9:
        raw = "0" + raw
    if not re.fullmatch(r"\+?\d+", raw):
        raise ValidationError(_("The mobile number must contain digits only."), code="not_digits")
    try:
        number = phonenumbers.parse(raw, "SA")
    except phonenumbers.NumberParseException:
        raise ValidationError(_("This is not a valid mobile number."), code="invalid") from None
    national = str(number.national_number)
    if number.country_code != 966 or len(national) != 9 or not national.startswith("5"):
        raise ValidationError(_("Enter a Saudi mobile number such as 05XXXXXXXX."), code="not_saudi_mobile")
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(_("This Saudi mobile number does not exist."), code="invalid")
    return _remember("mobile", phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def normalize_iban(value) -> str:
    """A Saudi IBAN, compact and upper-case: ``SA`` + 22 digits, ISO 13616 mod-97 checked."""
    if isinstance(value, str) and value in _CANONICAL["iban"]:
        return value
    raw = _SEPARATORS.sub("", to_ascii_digits(str(value or ""))).upper()
    if not raw:
        raise ValidationError(_("Enter the IBAN."), code="required")
    if not raw.startswith("SA"):
        raise ValidationError(_("The IBAN must be a Saudi IBAN starting with SA."), code="country")
    if len(raw) != 24:
        raise ValidationError(
            _("A Saudi IBAN is 24 characters; you entered %(count)d.") % {"count": len(raw)}, code="length"
        )
    try:
        iban = IBAN(raw)
    except SchwiftyException:
        raise ValidationError(
            _("This IBAN is not valid (its check digits do not match); check it against the bank letter."),
            code="checksum",
        ) from None
    return _remember("iban", iban.compact)


def bank_name_for_iban(iban: str) -> str:
    if not iban or len(iban) < 6:
        return ""
    known = SAUDI_BANKS.get(iban[4:6])
    return known[0] if known else ""


# --- model field validators: a stored identifier is valid and in its one written form ----------------
# Forms normalise what people type (``kernel.forms.NationalIdField``...); these refuse, at ``full_clean``,
# a value that reached a model another way (admin, an import, a service called with raw data).


def validate_national_id(value) -> None:
    if normalize_national_id(value) != value:
        raise ValidationError(_("Write the ID number as its 10 digits, with nothing between them."), code="form")


def validate_mobile(value) -> None:
    if normalize_mobile(value) != value:
        raise ValidationError(_("Write the mobile number in its international form, +9665XXXXXXXX."), code="form")


def validate_iban(value) -> None:
    if normalize_iban(value) != value:
        raise ValidationError(_("Write the IBAN as SA and 22 digits, with nothing between them."), code="form")
