"""The board approval written in a policy: meeting, session, decision number, date and signatory.

«تم اعتماد السياسة في اجتماع مجلس الإدارة (الثاني) بجلسته الأولى بقرار رقم 3/12 بتاريخ ١٤٤٦/٠٣/٠٥هـ» →
meeting 2, session 1, decision "3/12", both dates (``association.kernel.dates.dates_in_text``: the one Hijri
parser), and the signatory from «رئيس مجلس الإدارة / أ. محمد …» or «الاسم: … الصفة: …». Each field is read by
one small function.
"""

from __future__ import annotations

import datetime as dt
import re

from ...kernel.arabic import normalize_arabic
from ...kernel.dates import dates_in_text, hijri_to_gregorian, written_dates
from ...kernel.text import to_ascii_digits
from .lines import norm
from .structure import ParsedSection, starts_approval

# --- numbers in words ------------------------------------------------------------------------------
ORDINAL_UNITS = {
    "اول": 1,
    "اولي": 1,
    "حادي": 1,
    "ثاني": 2,
    "ثانيه": 2,
    "ثالث": 3,
    "ثالثه": 3,
    "رابع": 4,
    "رابعه": 4,
    "خامس": 5,
    "خامسه": 5,
    "سادس": 6,
    "سادسه": 6,
    "سابع": 7,
    "سابعه": 7,
    "ثامن": 8,
    "ثامنه": 8,
    "تاسع": 9,
    "تاسعه": 9,
    "عاشر": 10,
    "عاشره": 10,
}
TENS = {"عشرون": 20, "عشرين": 20, "ثلاثون": 30, "ثلاثين": 30, "اربعون": 40, "اربعين": 40, "خمسون": 50, "خمسين": 50}

_MEETING = re.compile(r"اجتماع\S*\s+(.{0,60}?)(?=\s+(?:بجلست|جلس|المنعقد|بتاريخ|بقرار|في\s|وذلك)|[،,.]|$)")
_MEETING_WORDS = re.compile(r"(?:مجلس الاداره|لمجلس الاداره|مجلس|رقم)")
_SESSION = re.compile(r"(?:^|\s)(?:ب|في\s)?(?:جلسته|الجلسه|جلسه)\s+(.{0,40}?)(?=\s+(?:المنعقد|بتاريخ|في\s)|[،,.]|$)")
# Decision numbers are written freely: «3/12», «17», «م/3-23», «ق 5/1445».
_DECISION = re.compile(
    r"(?:رقم القرار|قرار(?:ه)?\s*(?:مجلس الاداره\s*)?(?:رقم|ذي الرقم)?)\s*[:：(]?\s*\(?\s*"
    r"((?:[\u0621-\u064a]{1,2}\s*[/\-]?\s*)?[0-9][0-9/\-.]*[0-9]|(?:[\u0621-\u064a]{1,2}\s*[/\-]?\s*)?[0-9])"
)
# The session and quarter as written: «بجلسته (الثانية)», «في الجلسة رقم 3», «خلال الربع الثاني من عام 2024م».
_SESSION_WRITTEN = re.compile(
    r"(?:^|\s)(?:ب|في\s+)?(?:جلسته|الجلس[ةه]|جلس[ةه])\s+(.{0,40}?)"
    r"(?=\s+(?:المنعقد|بتاريخ|في\s|الموافق|بقرار|من\s|خلال|للربع|الربع|يوم)|[،,.]|$)"
)
_NOT_A_SESSION = ("المنعقد", "بتاريخ", "الموافق", "في ", "يوم", "مجلس")
_QUARTER = re.compile(
    r"(?:ال|لل)ربع\s+(?:ال)?(?:[أا]ول|ثاني|ثالث|رابع|[أا]خير)\S*"
    r"(?:\s+(?:من|لعام|للعام)\s+(?:عام\s+|العام\s+|سن[ةه]\s+)?[0-9٠-٩]{4}\s*(?:هـ|ه|م)?)?"
)
_WRITTEN_DATE_SPAN = re.compile(
    r"(?:(?:يوم\s+)?(?:ال)?(?:أحد|احد|اثنين|إثنين|ثلاثاء|أربعاء|اربعاء|خميس|جمعة|سبت)\s+)?"
    r"(?:[0-9٠-٩]{1,4}\s*[/\-.]\s*[0-9٠-٩]{1,2}\s*[/\-.]\s*[0-9٠-٩]{1,4}"
    r"|[0-9٠-٩]{1,2}\s+[\u0621-\u064a]+(?:\s+[\u0621-\u064a]+)?\s+[0-9٠-٩]{4})\s*(?:هـ|ه|م)?"
)
_SIGNATORY_TITLES = tuple(
    normalize_arabic(title)
    for title in (
        "نائب رئيس مجلس الاداره",
        "رئيس مجلس الاداره",
        "رئيس المجلس",
        "المدير التنفيذي",
        "امين الصندوق",
        "المشرف العام",
        "رئيس الجمعيه",
    )
)
_NAME_LABEL = re.compile(r"(?:^|\s)(?:الاسم|اسم المعتمد|المعتمد)\s*[:：]\s*(.+?)(?=\s+(?:الصف[ةه]|المنصب|التوقيع)|$)")
_TITLE_LABEL = re.compile(r"(?:الصفة|الصفه|المنصب)\s*[:：]\s*(.+?)(?=\s+(?:التوقيع|الاسم)\b|$)")
_SIGNATURE_TAIL = re.compile(r"(?:التوقيع|الختم)\s*[:：]?.*$")
_NOT_A_NAME = ("تم ", "اعتماد", "بتاريخ", "الموافق", "مجلس")


def ordinal(text: str) -> int | None:
    """«الثاني» → 2, «الحادي عشر» → 11, «(3)» → 3, «الخامس والعشرين» → 25."""
    text = norm(text)
    words = [w[2:] if w.startswith("ال") and len(w) > 3 else w for w in re.findall(r"[\u0621-\u064a]+", text)]
    for i, word in enumerate(words):
        if word in ORDINAL_UNITS:
            return _with_tens(ORDINAL_UNITS[word], words[i + 1] if i + 1 < len(words) else "")
        if word in TENS:
            return TENS[word]
    number = re.search(r"\d{1,3}", text)
    return int(number.group(0)) if number else None


def _with_tens(unit: int, following: str) -> int:
    """A unit and the word after it: «عشر» adds ten, «والعشرين» adds twenty."""
    if following in ("عشر", "عشره"):
        return unit + 10
    tens = following[1:] if following.startswith("و") else ""
    tens = tens[2:] if tens.startswith("ال") else tens
    return unit + TENS.get(tens, 0)


def meeting(norm_text: str) -> int | None:
    match = _MEETING.search(norm_text)
    return ordinal(_MEETING_WORDS.sub(" ", match.group(1))) if match else None


def session(norm_text: str) -> int | None:
    """The session's ordinal («الأولى» → 1)."""
    match = _SESSION.search(norm_text)
    return ordinal(re.sub(r"رقم", " ", match.group(1))) if match else None


def session_written(text: str) -> str | None:
    """The session as written: «بجلسته (الأولى)» → «الأولى», «الجلسة رقم 3» → «3»."""
    match = _SESSION_WRITTEN.search(text)
    if not match:
        return None
    value = re.sub(r"^\s*رقم\s*", "", match.group(1)).strip(" ()[]:：-–")
    if not value or len(value.split()) > 4 or norm(value).startswith(_NOT_A_SESSION):
        return None
    return value


def quarter(text: str) -> str | None:
    """«خلال الربع الثاني من عام 2024م» → «الربع الثاني من عام 2024م»."""
    match = _QUARTER.search(text)
    if not match:
        return None
    value = match.group(0).strip()
    return "ال" + value[2:] if value.startswith("لل") else value


def dates_written(text: str) -> tuple[str, str]:
    """(Hijri, Gregorian) as the document writes them, weekday included («الأحد ١٣/١/١٤٤٢هـ»); '' when absent."""
    hijri = gregorian = ""
    for match in _WRITTEN_DATE_SPAN.finditer(text):
        found = written_dates(match.group(0))
        if not found:
            continue
        if found[0].calendar == "hijri" and not hijri:
            hijri = match.group(0).strip()
        elif found[0].calendar == "gregorian" and not gregorian:
            gregorian = match.group(0).strip()
    return hijri, gregorian


def decision_number(norm_text: str) -> str | None:
    match = _DECISION.search(norm_text)
    return match.group(1) if match else None


# --- the signatory ---------------------------------------------------------------------------------------


def signatory(texts: list[str]) -> tuple[str | None, str | None]:
    """(name, title) from the approval block: «رئيس مجلس الإدارة / أ. محمد …», «الاسم: …»."""
    for index, text in enumerate(texts):
        next_text = texts[index + 1] if index + 1 < len(texts) else None
        found = _labelled_signatory(text) or _titled_signatory(text, next_text)
        if found:
            return found
    return None, None


def _labelled_signatory(text: str) -> tuple[str, str | None] | None:
    """«الاسم: د. هند العمري  الصفة: رئيسة مجلس الإدارة»."""
    label = _NAME_LABEL.search(text)
    name = clean_name(label.group(1)) if label else None
    if not name:
        return None
    title = _TITLE_LABEL.search(text)
    return name, (clean_title(title.group(1)) if title else None)


def _titled_signatory(text: str, next_text: str | None) -> tuple[str, str] | None:
    """«رئيس مجلس الإدارة / أ. محمد …», or the title alone with the name on the next (short) line."""
    text_norm = norm(text)
    for title in _SIGNATORY_TITLES:
        position = text_norm.find(title)
        if position < 0:
            continue
        name = clean_name(_after_normalised(text, text_norm, position + len(title)))
        if not name and next_text is not None and len(next_text.split()) <= 7:
            name = clean_name(next_text)
        if name:
            return name, _original_span(text, text_norm, position, position + len(title))
    return None


def _after_normalised(text: str, text_norm: str, norm_end: int) -> str:
    """The part of ``text`` after the normalised prefix of length ``norm_end`` (word-aligned)."""
    words_before = len(text_norm[:norm_end].split())
    return " ".join(text.split()[words_before:])


def _original_span(text: str, text_norm: str, start: int, end: int) -> str:
    words = text.split()
    first = len(text_norm[:start].split())
    last = len(text_norm[:end].split())
    return " ".join(words[first:last]).strip(" :/-")


def clean_title(text: str) -> str | None:
    """A signatory's title («رئيسة مجلس الإدارة»): a few words without digits."""
    text = _SIGNATURE_TAIL.sub("", text).strip(" :：/-–.،")
    if not text or re.search(r"\d", to_ascii_digits(text)) or len(text.split()) > 8:
        return None
    return text


def clean_name(text: str) -> str | None:
    """A person's name, or ``None`` when the text is not one (digits, a sentence, more than seven words)."""
    text = _SIGNATURE_TAIL.sub("", text).strip(" :：/-–.،")
    if not text or re.search(r"\d", to_ascii_digits(text)) or len(text.split()) > 7:
        return None
    if any(w in norm(text) for w in _NOT_A_NAME):
        return None
    return text


# --- the approval as a whole -------------------------------------------------------------------------------


def approval_texts(sections: list[ParsedSection]) -> list[str]:
    """The approval sections' entries; without one, the lines anywhere that read as the approval sentence."""
    texts = [t for s in sections if s.kind == "approval" for t in s.items]
    if texts:
        return texts
    full_text = "\n".join(entry for s in sections for entry in [s.heading, *s.items])
    return [line for line in full_text.splitlines() if starts_approval(norm(line))]


def board_approval(sections: list[ParsedSection]) -> dict:
    texts = approval_texts(sections)
    joined = " ".join(texts)
    joined_norm = norm(joined)
    gregorian, hijri = dates_in_text(joined)
    name, title = signatory(texts)
    hijri_text, gregorian_text = dates_written(joined)
    return {
        "meeting": meeting(joined_norm),
        "session": session_written(joined),
        "quarter": quarter(joined),
        "decision_number": decision_number(joined_norm),
        "date_hijri_text": hijri_text,
        "date_gregorian_text": gregorian_text,
        "date_gregorian": gregorian.isoformat() if gregorian else None,
        "date_hijri": f"{hijri[0]:04d}-{hijri[1]:02d}-{hijri[2]:02d}" if hijri else None,
        "signatory": name,
        "signatory_title": title,
    }


# --- what does not add up in an approval record --------------------------------------------------------

_WEEKDAYS = {"الاحد": 6, "الاثنين": 0, "الثلاثاء": 1, "الاربعاء": 2, "الخميس": 3, "الجمعه": 4, "السبت": 5}
_WEEKDAY_SHOWN = {"الاحد": "الأحد", "الاربعاء": "الأربعاء", "الجمعه": "الجمعة"}
_WEEKDAY = re.compile(r"(?:يوم\s+)?(الاحد|الاثنين|الثلاثاء|الاربعاء|الخميس|السبت|(?<=يوم )الجمعه)(?![\u0621-\u064a])")
_NAMED_POLICY = re.compile(
    r"اعتماد\s+(?:هذه\s+)?(سياسه\s+.+?)(?=\s+(?:بالجمعيه|للجمعيه|في\s|من\s+قبل|لدي|خلال|بموجب|وذلك)|[،,.(]|$)"
)


def _gregorian_of(written) -> dt.date | None:
    if written.calendar == "hijri":
        return hijri_to_gregorian(*written.parts)
    try:
        return dt.date(*written.parts)
    except ValueError:
        return None


def date_findings(text: str) -> list[tuple[str, str]]:
    """(snippet, message) for each date problem in an approval text: a weekday that is not the date's, a Hijri
    and a Gregorian date that are not the same day (the one converter: ``association.kernel.dates``)."""
    from django.utils.dates import WEEKDAYS

    from . import warnings as w

    findings = []
    text_norm = norm(text)
    dates = written_dates(text)
    hijri = next((d for d in dates if d.calendar == "hijri"), None)
    gregorian = next((d for d in dates if d.calendar == "gregorian"), None)
    if hijri and gregorian and _gregorian_of(hijri) and _gregorian_of(gregorian):
        days = abs((_gregorian_of(hijri) - _gregorian_of(gregorian)).days)
        if days:
            shown_h = "{:04d}/{:02d}/{:02d}".format(*hijri.parts)
            shown_g = "{:04d}/{:02d}/{:02d}".format(*gregorian.parts)
            findings.append((str(hijri.year), w.hijri_gregorian_differ(shown_h, shown_g, days)))
    for match in _WEEKDAY.finditer(text_norm):
        following = written_dates(text_norm[match.end() : match.end() + 40])
        day = _gregorian_of(following[0]) if following else None
        if day is None and len(dates) == 1:
            day = _gregorian_of(dates[0])
        if day is not None and day.weekday() != _WEEKDAYS[match.group(1)]:
            shown = _WEEKDAY_SHOWN.get(match.group(1), match.group(1))
            findings.append((match.group(1), w.weekday_mismatch(shown, str(WEEKDAYS[day.weekday()]))))
    return findings


def other_policy_findings(text: str, title: str) -> list[tuple[str, str]]:
    """The approval sentence names a policy that is not this one («تم اعتماد سياسة استبيان رأي المستفيدين»)."""
    from . import warnings as w

    match = _NAMED_POLICY.search(norm(text))
    if not match:
        return []
    named = match.group(1).strip()
    words = set(named.split()) - {"سياسه", "السياسه", "مع", "في", "هذه"}
    title_words = set(norm(title).split()) - {"سياسه", "السياسه", "مع", "في", "هذه"}
    if not words or not title_words or len(words & title_words) >= min(len(words), len(title_words)) * 0.6:
        return []
    start = len(norm(text)[: match.start(1)].split())
    shown = " ".join(text.split()[start : start + len(named.split())])
    return [(shown or named, w.other_policy(shown or named))]


def approval_findings(board: dict, texts: list[str], title: str) -> list[tuple[str, str]]:
    """Everything the import warns about in the approval: a blank date, dates that disagree, another policy."""
    from . import warnings as w

    joined = " ".join(texts)
    findings = []
    if texts and not board.get("date_gregorian") and not board.get("date_hijri"):
        blank = re.search(r"بتاريخ|الموافق", joined)
        findings.append((blank.group(0) if blank else texts[0][:20], w.date_blank()))
    findings += date_findings(joined)
    findings += other_policy_findings(joined, title)
    return findings
