"""A policy's lines before they are read as structure: marks removed, numbering taken off, noise recognised.

Every reader (``reading``) hands over plain lines; a ``.docx`` paragraph in a heading style or with list
numbering starts with ``HEADING_HINT`` or ``LIST_HINT``. ``prepare`` turns them into ``Line``s (hint, text
without bidi marks, normalised text); the rules below are each one small function:

- letterhead noise (``NOISE_RULES``): IBANs, e-mails, spaced-out phone numbers, bank names, empty الرقم/
  التاريخ/المرفقات labels, the basmala, and lines repeated on every page (``repeated_lines``);
- numbering in front of a line (``strip_numbering``: ١) 1. 1- (1) - • o ■ أ- أولاً:), and numbering a PDF's
  text layer moved to the other end of a right-to-left line (``clean_pdf_line``).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import NamedTuple

from ...kernel.arabic import normalize_arabic

HEADING_HINT = "\x01"  # a .docx paragraph in a heading style
LIST_HINT = "\x02"  # a .docx paragraph with list numbering
ARABIC = re.compile("[\u0621-\u064a]")

_BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_SPACES = re.compile(r"[ \u2000-\u200b]+")

# Numbering and bullets in front of a line: ١) 1. 1- (1) - • o ■ أ- أولاً:
# أولاً / أولًا / اولا …: the tanween may sit before or after the alef.
_ORDINAL_ADVERBS = "|".join(
    f"{stem}[\u064b-\u0652]*ا"
    for stem in ("أول", "اول", "ثاني", "ثالث", "رابع", "خامس", "سادس", "سابع", "ثامن", "تاسع", "عاشر")
)
_BULLET = re.compile(
    r"^\s*(?:"
    r"[-–—•●▪■□◆◇◦○►▶✓✔*·➢➤❖◄\uf0a7\uf0b7\uf0d8\uf076\uf0fc\uf0a8]"
    r"|o(?=\s)"
    r"|\(\s*[0-9٠-٩]{1,3}\s*\)"
    r"|[0-9٠-٩]{1,3}\s*[.)\-–:/]"
    r"|[0-9٠-٩]{1,3}(?=\s)"
    r"|[أابجدهوزحطيكلمن]\s*[)\-–]"
    rf"|(?:{_ORDINAL_ADVERBS})[\u064b-\u0652]*\s*[:\-–.)]"
    r")\s*"
)
# "1442 هـ" or "14 يوما" at the start of a sentence are not list numbers.
_NOT_A_NUMBER = re.compile(r"^\s*(?:هـ|ه\b|م\b|يوم|ايام|أيام)")
_PDF_NUMBER_AT_END = re.compile(r"(?<=[\u0621-\u064a\s.])\s*[0-9٠-٩]{1,2}(?:\.[0-9٠-٩]{1,2})*\s*[.\-]?\s*$")
TRAILING_COLON = re.compile(r"\s*[:：]\s*[-–.]?\s*$")
_LEADING_PUNCT = re.compile(r"^[\s:：.\-–،,]+")


class Line(NamedTuple):
    hint: str  # "", HEADING_HINT or LIST_HINT
    raw: str  # the text, bidi marks and odd spaces removed
    norm: str  # ``raw`` normalised (normalize_arabic), tabs as spaces
    number: int = 0  # the line of the source it comes from (1-based), for the import's warnings
    source: str = ""  # that source line as written


def norm(text: str) -> str:
    return normalize_arabic(text)


def prepare(lines: list[str]) -> list[Line]:
    prepared = []
    for number, line in enumerate(lines, start=1):
        hint = ""
        if line.startswith((HEADING_HINT, LIST_HINT)):
            hint, line = line[0], line[1:]
        raw = _BIDI.sub("", line).replace("\u00a0", " ").strip()
        raw = _SPACES.sub(" ", raw)
        prepared.append(Line(hint, raw, norm(raw.replace("\t", " ")), number, raw))
    return prepared


def with_text(line: Line, raw: str, hint: str | None = None) -> Line:
    """``line`` carrying another text (a repaired or split part of it): same source line."""
    raw = _SPACES.sub(" ", raw).strip()
    return line._replace(hint=line.hint if hint is None else hint, raw=raw, norm=norm(raw.replace("\t", " ")))


def strip_numbering(text: str) -> tuple[str, bool]:
    """The line without its leading bullets/numbers, and whether it had any."""
    had = False
    while True:
        match = _BULLET.match(text)
        if not match or match.end() == 0:
            break
        rest = text[match.end() :]
        if _NOT_A_NUMBER.match(rest):
            break
        text, had = rest, True
    return text.strip(), had


def clean_pdf_line(text: str) -> tuple[str, bool]:
    """PDF text layers move the numbering and colon of a right-to-left line to its other end:
    ``. تمهيد1``, ``المقابلة5.1``, ``:. القنوات…``. Returns the text and whether it was numbered."""
    text = re.sub(r"^[\s:：.،,]+", "", text)
    match = _PDF_NUMBER_AT_END.search(text)
    if match and ARABIC.search(text[: match.start()]):
        return text[: match.start()].strip(), True
    return text.strip(), False


def clean_heading(raw: str) -> str:
    text = TRAILING_COLON.sub("", raw).strip()
    text = _LEADING_PUNCT.sub("", text)
    return text.strip(" .-–،")


# --- letterhead noise: one rule a function (raw text, normalised text) -> bool -------------------------

_IBAN = re.compile(r"\bSA\s?\d{2}(?:\s?[0-9A-Z]){18,22}\b", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_EMPTY_LABEL = re.compile(r"^(?:الرقم|التاريخ|المرفقات|المشفوعات|الموضوع)\s*[:：]?\s*[/\s.هـم-]*$")
_LETTERHEAD_LABELS = {"الرقم", "التاريخ", "المرفقات", "المشفوعات", "الموضوع"}
_LICENSE = re.compile(r"(?:رقم الترخيص|ترخيص رقم|مسجله (?:لدى|برقم)|رقم التسجيل|السجل المدني)")
_PAGE = re.compile(r"^(?:صفحه|الصفحه|page)\s*\d+(?:\s*(?:من|of|/)\s*\d+)?$", re.IGNORECASE)
_BANK_WORDS = ("مصرف", "بنك", "البنك", "bank")
_BANK_NAMES = ("الراجحي", "الاهلي", "الانماء", "البلاد", "الجزيره", "الرياض", "ساب", "العربي الوطني", "الاستثمار")
_GREETINGS = {"المملكه العربيه السعوديه", "الحمد لله"}


def _contact_details(raw: str, norm: str) -> bool:
    return bool(_IBAN.search(raw.replace(" ", "")) or _EMAIL.search(raw) or _URL.search(raw))


def _spaced_out(raw: str, norm: str) -> bool:
    """Spaced-out letterhead: "0 5 5 7 3 1 …", "h a y a t _ 6 6"."""
    tokens = raw.split()
    singles = sum(len(t) == 1 and (t.isalnum() or t == "_") for t in tokens)
    return singles >= 4 and singles >= len(tokens) - 1


def _not_arabic(raw: str, norm: str) -> bool:
    """Latin-only or digits-only lines: bank names, phone numbers, page numbers."""
    return not ARABIC.search(raw)


def _letterhead_label(raw: str, norm: str) -> bool:
    letters = re.sub(r"[^\u0621-\u064a ]", "", norm).strip()
    return bool(_EMPTY_LABEL.match(norm) or letters in _LETTERHEAD_LABELS or _LICENSE.search(norm) or _PAGE.match(norm))


def _greeting(raw: str, norm: str) -> bool:
    return "بسم الله" in norm or norm in _GREETINGS


def _bank(raw: str, norm: str) -> bool:
    words = norm.split()
    if len(words) > 4:
        return False
    return any(w in words for w in _BANK_WORDS) or (len(words) <= 2 and any(b in norm for b in _BANK_NAMES))


def _ministry(raw: str, norm: str) -> bool:
    words = norm.split()
    return len(words) <= 4 and bool(words) and words[0] == "وزاره"


NOISE_RULES = (_contact_details, _spaced_out, _not_arabic, _letterhead_label, _greeting, _bank, _ministry)


def is_noise(raw: str, norm: str, repeated: set[str]) -> bool:
    return any(rule(raw, norm) for rule in NOISE_RULES) or norm in repeated


def repeated_lines(prepared: list[Line], is_heading) -> set[str]:
    """Short lines printed on several pages (running headers/footers) are letterhead.

    Long lines printed twice are footers; short ones need three copies (a heading appears twice when the
    document has a table of contents). ``is_heading(norm)`` keeps headings out."""
    counts = Counter(line.norm for line in prepared if line.norm)
    return {
        text
        for text, n in counts.items()
        if (n >= 3 or (n >= 2 and len(text.split()) >= 6)) and not is_heading(strip_numbering(text)[0])
    }


_LEADING_NUMBER = re.compile(r"^\s*\(?\s*([0-9٠-٩]{1,3})\s*(?:[.)\-–:/]|\s)")


def leading_number(text: str) -> int | None:
    """The number a numbered line starts with («3.», «(٤)», «5-»), or ``None``; a year or a duration is none."""
    match = _LEADING_NUMBER.match(text)
    if not match or _NOT_A_NUMBER.match(text[match.end() :]):
        return None
    return int(match.group(1).translate(str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")))
