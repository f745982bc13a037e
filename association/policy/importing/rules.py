"""What the sections configure in the portal: the channels named (by keyword), the tools listed and the
decision window stated in the procedure («خلال مدة لا تقل عن أسبوعين» → 14 days)."""

from __future__ import annotations

import re

from ...kernel.arabic import normalize_arabic
from .lines import norm
from .repair import TABLE_CELL_SEPARATOR
from .structure import ParsedSection

# --- channels: code → keywords on normalised text (checked in this order) ------------------------
CHANNEL_KEYWORDS: list[tuple[str, tuple[str, ...]]] = [
    (
        "social_media",
        (
            "تواصل الاجتماعي",
            "التواصل الاجتماعي",
            "منصات التواصل",
            "شبكات التواصل",
            "وسائل التواصل",
            "تويتر",
            "سناب",
            "انستقرام",
            "انستجرام",
            "واتساب",
            "واتس اب",
            "فيسبوك",
        ),
    ),
    ("help_request", ("طلب المساعده", "طلبات المساعده", "طلب مساعده", "طلبات الدعم", "طلب الدعم")),
    ("volunteering", ("تطوع",)),
    ("representative", ("مندوب", "مناديب", "المكاتب الفرعيه", "الفروع", "فروع الجمعيه")),
    (
        "website",
        (
            "الموقع الالكتروني",
            "موقع الجمعيه",
            "الموقع الرسمي",
            "البوابه الالكترونيه",
            "المنصه الالكترونيه",
            "الموقع",
            "بوابه",
            "موقع",
        ),
    ),
    ("phone", ("هاتف", "اتصال", "جوال", "الرقم الموحد", "مركز الاتصال")),
    ("letter", ("خطاب", "مراسل", "البريد", "المكاتبات")),
    ("interview", ("مقابل", "الحضور", "زياره المقر", "الاستقبال")),
]
# Keywords are compared with normalised text (ئ → ي, ة → ه…): fold them the same way once.
CHANNEL_KEYWORDS = [(code, tuple(normalize_arabic(k) for k in keys)) for code, keys in CHANNEL_KEYWORDS]
_LIST_SEPARATORS = re.compile(r"[،,؛;]")


def channel_code(fragment: str, extra: dict[str, str]) -> str | None:
    """The channel one normalised fragment names: by keyword, else by the name of a channel the association
    added (``extra``: code → normalised name)."""
    for code, keys in CHANNEL_KEYWORDS:
        if any(k in fragment for k in keys):
            return code
    for code, name in extra.items():
        if name and (name in fragment or fragment in name):
            return code
    return None


def channels(sections: list[ParsedSection], extra: dict[str, str]) -> list[str]:
    """The channel codes the channels sections name, in order, once each. One item may name several channels:
    «المقابلة، الهاتف، الموقع الإلكتروني»."""
    found: list[str] = []
    extra_norm = {code: norm(name) for code, name in extra.items() if name}
    for section in sections:
        if section.kind != "channels":
            continue
        for item in section.items:
            for fragment in _LIST_SEPARATORS.split(first_cell(item)):
                fragment = norm(fragment)
                code = channel_code(fragment, extra_norm) if fragment else None
                if code and code not in found:
                    found.append(code)
    return found


# --- tools --------------------------------------------------------------------------------------------


def item_text(text: str) -> str:
    return first_cell(text).strip().strip(" .:-،؛")


def first_cell(text: str) -> str:
    """A table row's item is its first cell (``repair.tables`` writes the others after «—»)."""
    return text.split(TABLE_CELL_SEPARATOR, 1)[0]


def tools(sections: list[ParsedSection]) -> list[str]:
    return [item_text(t) for s in sections if s.kind == "tools" for t in s.items if item_text(t)]


# --- the decision window: durations in words ------------------------------------------------------------

CARDINALS = {
    "واحد": 1,
    "يوم واحد": 1,
    "اثنين": 2,
    "اثنان": 2,
    "ثلاث": 3,
    "ثلاثه": 3,
    "اربع": 4,
    "اربعه": 4,
    "خمس": 5,
    "خمسه": 5,
    "ست": 6,
    "سته": 6,
    "سبع": 7,
    "سبعه": 7,
    "ثمان": 8,
    "ثمانيه": 8,
    "تسع": 9,
    "تسعه": 9,
    "عشر": 10,
    "عشره": 10,
    "خمسه عشر": 15,
    "خمس عشره": 15,
    "عشرين": 20,
    "عشرون": 20,
    "ثلاثين": 30,
    "ثلاثون": 30,
}
_DURATION = re.compile(
    r"(?:\(?\s*(?P<num>\d{1,3})\s*\)?\s*|(?P<word>" + "|".join(sorted(CARDINALS, key=len, reverse=True)) + r")\s+)?"
    r"(?P<unit>اسبوعين|اسبوعا|اسابيع|اسبوع|يومين|يوما|ايام|يوم|شهرين|شهرا|اشهر|شهور|شهر)"
)
_UNIT_DAYS = {"اسبوعين": 14, "يومين": 2, "شهرين": 60}
_UNIT_MULTIPLIER = {
    "اسبوعا": 7,
    "اسابيع": 7,
    "اسبوع": 7,
    "يوما": 1,
    "ايام": 1,
    "يوم": 1,
    "شهرا": 30,
    "اشهر": 30,
    "شهور": 30,
    "شهر": 30,
}
_WINDOW_CONTEXT = re.compile(r"(?:لا تقل عن|لا يقل عن|لا تقل|خلال|مده|في غضون|بعد مضي|بعد)")
_DECISION_WORDS = ("لجنه", "الرد", "قبول", "رفض", "البت", "للبت", "دراسه", "القرار", "جهه الاختصاص")


def duration_days(text: str) -> int | None:
    """The first duration in normalised ``text``, in days: «اسبوعين» 14, «(10) ايام» 10, «شهر» 30."""
    match = _DURATION.search(text)
    if not match:
        return None
    unit = match.group("unit")
    if unit in _UNIT_DAYS:
        return _UNIT_DAYS[unit]
    count = int(match.group("num")) if match.group("num") else CARDINALS.get(match.group("word") or "", 1)
    return count * _UNIT_MULTIPLIER[unit]


def _window_in(text: str) -> int | None:
    """The window a sentence about the decision states: a duration after «خلال», «لا تقل عن», «بعد»…"""
    text = norm(text)
    if not any(w in text for w in _DECISION_WORDS):
        return None
    for context in _WINDOW_CONTEXT.finditer(text):
        days = duration_days(text[context.end() : context.end() + 40])
        if days:
            return days
    return None


def decision_window(sections: list[ParsedSection]) -> int | None:
    """Days the committee waits, from the procedure first, then from any other section but the approval, the
    channels and the tools."""
    procedure = [t for s in sections if s.kind == "procedure" for t in s.items]
    # A channel's or a tool's response time («الرد خلال يوم عمل») is not the committee's window.
    others = [t for s in sections if s.kind not in ("procedure", "approval", "channels", "tools") for t in s.items]
    for text in [*procedure, *others]:
        days = _window_in(text)
        if days:
            return days
    return None
