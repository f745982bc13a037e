"""Realistic Saudi names and identifiers for the bench data set (pure: no database).

First names come in the spellings people really type: with and without hamza (أحمد / احمد, إبراهيم / ابراهيم),
taa marbuta or haa (فاطمة / فاطمه), alif maqsura or yaa (مصطفى / مصطفي), so the desk search is measured on the
variants ``normalize_arabic`` folds."""

import random

from stdnum import luhn

MALE = [
    "محمد",
    "أحمد",
    "احمد",
    "عبدالله",
    "عبد الله",
    "إبراهيم",
    "ابراهيم",
    "خالد",
    "سعد",
    "فهد",
    "سلطان",
    "فيصل",
    "عبدالرحمن",
    "ناصر",
    "تركي",
    "بندر",
    "مصطفى",
    "مصطفي",
    "يوسف",
    "عمر",
    "علي",
    "حمزة",
    "حمزه",
    "أسامة",
    "اسامه",
    "إسماعيل",
    "اسماعيل",
    "مؤمن",
    "مامون",
    "عائض",
    "عايض",
    "رائد",
    "زياد",
    "ماجد",
    "نايف",
    "مشعل",
]
FEMALE = [
    "فاطمة",
    "فاطمه",
    "عائشة",
    "عايشة",
    "عائشه",
    "نورة",
    "نوره",
    "منيرة",
    "منيره",
    "سارة",
    "ساره",
    "هيفاء",
    "هيفا",
    "أمل",
    "امل",
    "إيمان",
    "ايمان",
    "مريم",
    "لطيفة",
    "لطيفه",
    "أسماء",
    "اسماء",
    "رقية",
    "رقيه",
    "هدى",
    "هدي",
    "ليلى",
    "ليلي",
    "جواهر",
    "العنود",
    "شيخة",
    "شيخه",
    "آمنة",
    "امنه",
    "وفاء",
    "وفا",
]
FAMILY = [
    "العتيبي",
    "القحطاني",
    "الشهري",
    "الغامدي",
    "الزهراني",
    "الدوسري",
    "المطيري",
    "الحربي",
    "العنزي",
    "الشمري",
    "السبيعي",
    "البقمي",
    "الرشيدي",
    "الجهني",
    "العمري",
    "الأحمدي",
    "الاحمدي",
    "آل سعود",
    "المالكي",
    "الهاجري",
    "اليامي",
    "العسيري",
    "الأسمري",
    "الاسمري",
    "البلوي",
    "الثبيتي",
    "الخالدي",
    "السهلي",
    "القرني",
    "المري",
    "الفيفي",
    "الشهراني",
    "الحارثي",
    "السلمي",
    "الصاعدي",
    "الزهراني",
    "باعشن",
    "بن لادن",
    "الراشد",
    "الفائز",
]
CITIES = [
    ("الرياض", ["النسيم", "الملز", "العليا", "السويدي", "الشفا", "النظيم"]),
    ("جدة", ["الصفا", "الروضة", "البوادي", "الفيصلية"]),
    ("مكة المكرمة", ["العزيزية", "الشوقية", "النوارية"]),
    ("المدينة المنورة", ["قباء", "العوالي", "السيح"]),
    ("الدمام", ["الفيصلية", "الشاطئ", "الجلوية"]),
    ("أبها", ["المنسك", "الخالدية"]),
    ("تبوك", ["المروج", "السليمانية"]),
    ("بريدة", ["الإسكان", "الريان"]),
    ("حائل", ["النقرة", "صديان"]),
    ("جازان", ["الروضة", "الشاطئ"]),
]
SUBJECTS = [
    "استفسار عن موعد صرف المساعدة",
    "متابعة طلب الدعم",
    "شكوى من تأخر الرد",
    "اقتراح لتحسين الخدمة",
    "تحديث رقم الجوال",
    "استفسار عن المستندات المطلوبة",
    "شكر وتقدير",
    "طلب زيارة ميدانية",
    "السؤال عن حالة الطلب",
    "تعديل بيانات الأسرة",
    "استلام السلة الغذائية",
    "موعد المقابلة",
]
BANK_CODES = ["10", "20", "30", "40", "45", "50", "55", "60", "65", "80"]


def national_id(n: int, *, resident: bool) -> str:
    """The ``n``-th ID of the bench range: 1 (citizen) or 2 (resident), 8 digits, the Luhn check digit."""
    base = f"{2 if resident else 1}{n:08d}"
    return base + luhn.calc_check_digit(base)


def mobile(n: int) -> str:
    """A Saudi mobile in E.164 from the 05[0-9] ranges (unique for n < 10**7 per prefix)."""
    prefix = ("50", "53", "54", "55", "56", "58", "59")[n % 7]
    return f"+966{prefix}{n % 10**7:07d}"


def iban(rng: random.Random) -> str:
    """A Saudi IBAN with valid ISO 13616 check digits for a known bank."""
    bban = rng.choice(BANK_CODES) + "".join(rng.choice("0123456789") for _ in range(18))
    numeric = int(bban + "2810" + "00")  # the country code moved to the end, S=28 A=10, check digits 00
    check = 98 - numeric % 97
    return f"SA{check:02d}{bban}"


def person(rng: random.Random) -> dict:
    """Four-part name, gender, city and district."""
    female = rng.random() < 0.45
    city, districts = rng.choice(CITIES)
    return {
        "first_name": rng.choice(FEMALE if female else MALE),
        "father_name": rng.choice(MALE),
        "grandfather_name": rng.choice(MALE),
        "family_name": rng.choice(FAMILY),
        "gender": "female" if female else "male",
        "city": city,
        "district": rng.choice(districts),
    }
