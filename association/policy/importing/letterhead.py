"""The letterhead a policy is printed on: license number, city, phone, e-mail and bank accounts (IBANs).

Read from every line of the document (the structure reader skips them as noise); what is found is only a
proposal for the association profile and its bank accounts (``association.profile_services``), never written
by the import itself."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

from ...kernel.identifiers import normalize_iban
from ...kernel.text import to_ascii_digits
from .lines import Line, norm

_LICENSE = re.compile(
    r"(?:رقم الترخيص|ترخيص رقم|رقم التسجيل|مسجله برقم|تسجيل رقم|الترخيص)\s*[:：]?\s*\(?\s*([0-9][0-9/\-]{0,14})"
)
_IBAN = re.compile(r"SA\d{2}[0-9A-Z]{20}", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE_LABEL = re.compile(r"(?:هاتف|جوال|الهاتف|الجوال|تلفون|ت|ج|واتساب)\s*[:：]?\s*(\+?[0-9][0-9 \-]{7,16}[0-9])")
_CITY_LABEL = re.compile(r"(?:المدينه|المقر|مقر الجمعيه)\s*[:：]\s*([\u0621-\u064a ]{2,30})")
# Saudi cities and governorates an association's letterhead names, as ``normalize_arabic`` folds them.
SAUDI_CITIES = (
    "الرياض",
    "جده",
    "مكه المكرمه",
    "المدينه المنوره",
    "الدمام",
    "الخبر",
    "الظهران",
    "الاحساء",
    "الهفوف",
    "المبرز",
    "القطيف",
    "الجبيل",
    "حفر الباطن",
    "الطائف",
    "تبوك",
    "بريده",
    "عنيزه",
    "الرس",
    "حائل",
    "عرعر",
    "رفحاء",
    "طريف",
    "سكاكا",
    "القريات",
    "دومه الجندل",
    "جازان",
    "صبيا",
    "نجران",
    "ابها",
    "خميس مشيط",
    "بيشه",
    "الباحه",
    "ينبع",
    "القنفذه",
    "الخرج",
    "المجمعه",
    "الزلفي",
    "شقراء",
    "الدوادمي",
    "وادي الدواسر",
    "الافلاج",
    "العلا",
    "محايل عسير",
    "رابغ",
    "الليث",
    "املج",
    "الوجه",
    "ضباء",
)
_CITY_IN_LINE = re.compile(
    r"(?:^|\s)(?:في|ب|بمدينه|بمحافظه|مدينه|محافظه)\s*(" + "|".join(sorted(SAUDI_CITIES, key=len, reverse=True)) + r")\b"
)
_MOBILE = re.compile(r"^(?:05\d{8}|9665\d{8}|01\d{7,8}|9200\d{5}|800\d{7})$")


def _phone(raw: str) -> str | None:
    """A phone number: labelled («هاتف: 0114…»), or a letterhead line of digits alone, spaced out or not."""
    label = _PHONE_LABEL.search(norm(raw))
    candidate = label.group(1) if label else (raw if not re.search(r"[^\d\s+\-()]", to_ascii_digits(raw)) else "")
    digits = re.sub(r"\D", "", to_ascii_digits(candidate))
    return digits if _MOBILE.match(digits) else None


def _ibans(raw: str) -> list[str]:
    found = []
    for match in _IBAN.finditer(to_ascii_digits(raw).replace(" ", "").upper()):
        try:
            found.append(normalize_iban(match.group(0)))
        except ValidationError:
            continue
    return found


def _city(raw: str, text: str) -> str | None:
    label = _CITY_LABEL.search(text)
    if label and label.group(1).strip() in SAUDI_CITIES:
        return label.group(1).strip()
    if len(text.split()) > 12:
        return None
    match = _CITY_IN_LINE.search(text)
    return match.group(1) if match else None


def _original_city(raw: str, city_norm: str) -> str:
    """The city as the document spells it («عرعر», «مكة المكرمة»)."""
    words = raw.split()
    size = len(city_norm.split())
    for i in range(len(words) - size + 1):
        candidate = " ".join(words[i : i + size])
        if norm(candidate).lstrip("ب") == city_norm or norm(candidate) == city_norm:
            return candidate.lstrip("ب") if norm(candidate).startswith("ب") and city_norm[0] != "ب" else candidate
    return city_norm


def letterhead(lines: list[Line]) -> dict:
    """{license_number, city, phone, email, ibans}: the first of each found (IBANs: all, once each)."""
    found = {"license_number": "", "city": "", "phone": "", "email": "", "ibans": []}
    for line in lines:
        raw = line.raw
        if not raw:
            continue
        text = norm(raw)
        if not found["license_number"]:
            match = _LICENSE.search(text)
            found["license_number"] = match.group(1).strip("/-") if match else ""
        if not found["email"]:
            match = _EMAIL.search(raw)
            found["email"] = match.group(0).lower() if match else ""
        if not found["phone"]:
            found["phone"] = _phone(raw) or ""
        if not found["city"]:
            city = _city(raw, text)
            found["city"] = _original_city(raw, city) if city else ""
        for iban in _ibans(raw):
            if iban not in found["ibans"]:
                found["ibans"].append(iban)
    return found


def has_any(data: dict) -> bool:
    return any(data.get(key) for key in ("license_number", "city", "phone", "email", "ibans"))
