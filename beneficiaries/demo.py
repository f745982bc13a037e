"""Demo data of the registry: the document types, and 24 people registered over the weeks before the demo's
requests (loaders of the kernel registry's ``demo`` slot; see ``association.demo``)."""

import datetime as dt
import random

from association.demo import demo_clock, demo_day, demo_iban, demo_national_id

from . import services
from .models import Beneficiary, Consent, DocumentType
from .search import beneficiaries_with_national_id

DOCUMENT_TYPES = [
    ("national_id", "صورة الهوية الوطنية / الإقامة"),
    ("family_card", "صورة سجل الأسرة"),
    ("income_proof", "إثبات الدخل أو تعريف بالراتب"),
    ("lease", "عقد الإيجار"),
    ("bank_letter", "خطاب الآيبان من البنك"),
    ("medical_report", "تقرير طبي"),
]

FIRST_NAMES_M = ["محمد", "أحمد", "عبدالرحمن", "سعود", "تركي", "ناصر", "ماجد", "فيصل", "يوسف", "إبراهيم"]
FIRST_NAMES_F = ["فاطمة", "عائشة", "نوف", "سارة", "منيرة", "لطيفة", "هند", "أمل", "جواهر", "مريم"]
FATHERS = ["عبدالله", "سعد", "محمد", "علي", "حمد", "صالح", "عبدالعزيز", "إبراهيم"]
FAMILIES = ["العتيبي", "القحطاني", "الشمري", "الدوسري", "المطيري", "الغامدي", "الزهراني", "العنزي", "الحربي", "السبيعي"]
CITIES = [("الرياض", "النسيم"), ("الرياض", "الشفا"), ("الخرج", "السيح"), ("الدرعية", "العمارية"), ("الرياض", "السويدي")]

DEMO_PEOPLE = 24


# A salary certificate is accepted for three months from its issue date (DocumentType.validity).
DOCUMENT_VALIDITY = {"income_proof": (3, DocumentType.ValidityUnit.MONTHS)}


def seed_catalogue(*, users: dict, stdout, state: dict) -> None:
    for code, name in DOCUMENT_TYPES:
        validity, unit = DOCUMENT_VALIDITY.get(code, (None, DocumentType.ValidityUnit.MONTHS))
        DocumentType.objects.get_or_create(
            code=code, defaults={"name": name, "validity": validity, "validity_unit": unit}
        )


def demo_person(i: int, rng: random.Random) -> dict:
    female = i % 2 == 1
    city, district = CITIES[i % len(CITIES)]
    return {
        "national_id": demo_national_id(i, resident=(i % 6 == 5)),
        "first_name": rng.choice(FIRST_NAMES_F if female else FIRST_NAMES_M),
        "father_name": rng.choice(FATHERS),
        "grandfather_name": rng.choice(FATHERS),
        "family_name": rng.choice(FAMILIES),
        "gender": "female" if female else "male",
        "birth_date": dt.date(1960 + i, 1 + i % 12, 1 + i % 27),
        "nationality": "سعودي" if i % 6 != 5 else "يمني",
        "marital_status": rng.choice(["married", "widowed", "divorced", "single"]),
        "mobile": f"+96650{1000000 + i * 7919:07d}",
        "city": city,
        "district": district,
        "iban": demo_iban(rng.choice(["80", "10", "20", "05"]), 1000 + i) if i % 3 else "",
        "health_notes": "سكري من النوع الثاني" if i % 5 == 0 else "",
    }


def registered_at(i: int) -> dt.datetime:
    """When demo person ``i`` was registered: one every day or so, weeks before the demo's requests."""
    return demo_day(70 - i, 9 + i % 5, 10 * (i % 6))


def seed_people(*, users: dict, stdout, state: dict) -> None:
    """Register the demo people not registered yet; ``state["registered"]``: ``[(index, beneficiary)]`` of
    this run (the intake loaders of other apps add the contact and the draft each came with)."""
    rng = random.Random(2026)  # the same demo every time
    officer = users["officer"]
    registered = []
    for i in range(DEMO_PEOPLE):
        national_id = demo_national_id(i, resident=(i % 6 == 5))
        if beneficiaries_with_national_id(Beneficiary.objects.all(), national_id).exists():
            continue
        data = demo_person(i, rng)
        household = [
            {
                "relation": "son" if k % 2 == 0 else "daughter",
                "name": f"ابن/ابنة رقم {k + 1}",
                "birth_date": dt.date(2005 + k, 3, 1),
                "monthly_income": 0,
            }
            for k in range(i % 4)
        ]
        with demo_clock(registered_at(i)):
            beneficiary = services.beneficiary_register(
                actor=officer,
                data=data,
                household=household,
                consents=[Consent.Purpose.DATA_PROCESSING, Consent.Purpose.CONTACT, Consent.Purpose.SURVEYS],
                confirm_duplicate=True,
            )
        registered.append((i, beneficiary))
    state["registered"] = registered
