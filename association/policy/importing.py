"""Read a beneficiary relationship policy from a .txt, .docx or .pdf file.

The policies associations publish share one structure, whatever their wording and layout: a title,
then sections under Arabic headings (تمهيد، الهدف العام، الأهداف التفصيلية، القنوات، الأدوات، ويتم
التعامل مع المستفيد…، اعتماد مجلس الإدارة), each made of paragraphs and list items. The reader
works on that structure, not on any one document's text:

1. every reader turns its file into plain lines (``.docx`` paragraphs *and* table cells; ``.pdf``
   page text with the bidi marks removed);
2. letterhead noise (IBANs, e-mails, spaced-out phone numbers, bank names, empty الرقم/التاريخ/
   المرفقات labels, the basmala, lines repeated on every page) and the table of contents are dropped;
3. headings are recognised on normalised Arabic by keyword, after removing any numbering
   (١) 1. 1- - • o ■ أولاً:) and any colon (``:`` ``:-`` or none);
4. the rest becomes paragraphs and list items of the current section; a line that continues the
   previous one (a wrapped line, or a line cut by a page break) is joined to it.

Channels are mapped to their codes by keyword sets, the decision window is read from the
procedure text and the board approval from the approval text. PDF extraction may reverse digit
runs and move numbering to the other end of a line; dates are therefore read in both directions and
only a plausible reading is kept.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import Counter
from dataclasses import dataclass, field

from ..kernel.arabic import normalize_arabic
from ..kernel.text import to_ascii_digits

SECTION_KINDS = (
    "preamble",
    "general_goal",
    "detailed_goals",
    "practices",
    "channels",
    "tools",
    "procedure",
    "approval",
    "other",
)
DEFAULT_APPROVAL_HEADING = "اعتماد مجلس الإدارة"
DEFAULT_PRACTICES_HEADING = "الممارسات"

_BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_HEADING_HINT = "\x01"  # a .docx paragraph in a heading style
_LIST_HINT = "\x02"  # a .docx paragraph with list numbering
_ARABIC = re.compile("[\u0621-\u064a]")

# Numbering and bullets in front of a line: ١) 1. 1- (1) - • o ■ أ- أولاً:
# أولاً / أولًا / اولا …: the tanween may sit before or after the alef.
_ORDINAL_ADVERBS = "|".join(
    f"{stem}[\u064b-\u0652]*ا"
    for stem in ("أول", "اول", "ثاني", "ثالث", "رابع", "خامس", "سادس", "سابع", "ثامن", "تاسع", "عاشر")
)
_BULLET = re.compile(
    r"^\s*(?:"
    r"[-–—•●▪■□◆◇◦○►▶✓✔*·]"
    r"|o(?=\s)"
    r"|\(\s*[0-9٠-٩]{1,3}\s*\)"
    r"|[0-9٠-٩]{1,3}\s*[.)\-–:/]"
    r"|[0-9٠-٩]{1,3}(?=\s)"
    r"|[أابجدهوزحطيكلمن]\s*[)\-–]"
    rf"|(?:{_ORDINAL_ADVERBS})[\u064b-\u0652]*\s*[:\-–.)]"
    r")\s*"
)
_TRAILING_COLON = re.compile(r"\s*[:：]\s*[-–.]?\s*$")
_LEADING_PUNCT = re.compile(r"^[\s:：.\-–،,]+")
_TERMINAL = (".", "!", "؟", "?", ":", "؛")

# --- letterhead noise --------------------------------------------------------------------------
_IBAN = re.compile(r"\bSA\s?\d{2}(?:\s?[0-9A-Z]){18,22}\b", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_EMPTY_LABEL = re.compile(r"^(?:الرقم|التاريخ|المرفقات|المشفوعات|الموضوع)\s*[:：]?\s*[/\s.هـم-]*$")
_LETTERHEAD_LABELS = {"الرقم", "التاريخ", "المرفقات", "المشفوعات", "الموضوع"}
_LICENSE = re.compile(r"(?:رقم الترخيص|ترخيص رقم|مسجله (?:لدى|برقم)|رقم التسجيل|السجل المدني)")
_PAGE = re.compile(r"^(?:صفحه|الصفحه|page)\s*\d+(?:\s*(?:من|of|/)\s*\d+)?$", re.IGNORECASE)
_BANK_WORDS = ("مصرف", "بنك", "البنك", "bank")
_BANK_NAMES = ("الراجحي", "الاهلي", "الانماء", "البلاد", "الجزيره", "الرياض", "ساب", "العربي الوطني", "الاستثمار")

# --- headings ----------------------------------------------------------------------------------
# (kind, pattern on the normalised line without numbering and colon, longest heading in words)
_HEADINGS = [
    ("approval", re.compile(r"^(?:اعتماد (?:مجلس الاداره|السياسه|المجلس)|الاعتماد|قرار (?:مجلس الاداره|الاعتماد))"), 8),
    ("channels", re.compile(r"^(?:ال)?قنوات\b"), 12),
    ("tools", re.compile(r"^(?:ال)?ادوات\b"), 14),
    (
        "procedure",
        re.compile(
            r"^(?:و?يتم التعامل مع|(?:ال)?اجراءات التعامل|(?:ال)?يه التعامل|(?:ال)?اليه التعامل|(?:ال)?اليات التعامل|(?:ال)?اجراءات تقديم الخدمه)"
        ),
        16,
    ),
    ("detailed_goals", re.compile(r"^(?:ال)?اهداف(?: (?:التفصيليه|الفرعيه|الخاصه|التفصيل))?$"), 4),
    ("general_goal", re.compile(r"^(?:ال)?هدف (?:العام|الرئيسي|الرئيس)$"), 4),
    ("preamble", re.compile(r"^(?:ال)?(?:تمهيد|مقدمه)$"), 2),
    ("practices", re.compile(r"^(?:ال)?ممارسات\b"), 8),
]
_TOC_TITLES = {"جدول المحتويات", "المحتويات", "الفهرس", "فهرس المحتويات", "فهرس", "contents", "table of contents"}
_TOC_ENTRY = re.compile(r"(?:\.{3,}|…{2,}|\t|الاشاره المرجعيه|خطا!)")

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

# --- numbers in words ------------------------------------------------------------------------------
_ORDINAL_UNITS = {
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
_TENS = {"عشرون": 20, "عشرين": 20, "ثلاثون": 30, "ثلاثين": 30, "اربعون": 40, "اربعين": 40, "خمسون": 50, "خمسين": 50}
_CARDINALS = {
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
    r"(?:\(?\s*(?P<num>\d{1,3})\s*\)?\s*|(?P<word>" + "|".join(sorted(_CARDINALS, key=len, reverse=True)) + r")\s+)?"
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
_DECISION_WORDS = ("لجنه", "الرد", "قبول", "رفض", "البت", "دراسه", "القرار")

# --- dates -------------------------------------------------------------------------------------
_DATE = re.compile(r"(\d{1,4})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{1,4})\s*(هـ|ه|م|AH|AD)?(?![\w/])")
_HIJRI_MONTHS = {
    "محرم": 1,
    "صفر": 2,
    "ربيع الاول": 3,
    "ربيع الاخر": 4,
    "ربيع الثاني": 4,
    "جمادي الاولي": 5,
    "جمادي الاول": 5,
    "جمادي الاخره": 6,
    "جمادي الثانيه": 6,
    "جمادي الاخر": 6,
    "رجب": 7,
    "شعبان": 8,
    "رمضان": 9,
    "شوال": 10,
    "ذو القعده": 11,
    "ذي القعده": 11,
    "ذو الحجه": 12,
    "ذي الحجه": 12,
}
_GREGORIAN_MONTHS = {
    "يناير": 1,
    "فبراير": 2,
    "مارس": 3,
    "ابريل": 4,
    "مايو": 5,
    "يونيو": 6,
    "يوليو": 7,
    "اغسطس": 8,
    "سبتمبر": 9,
    "اكتوبر": 10,
    "نوفمبر": 11,
    "ديسمبر": 12,
}
_MONTH_NAME_DATE = re.compile(
    r"(\d{1,2})\s+("
    + "|".join(sorted({**_HIJRI_MONTHS, **_GREGORIAN_MONTHS}, key=len, reverse=True))
    + r")\s+(\d{4})\s*(هـ|ه|م)?"
)
_SIGNATORY_TITLES = (
    "نائب رئيس مجلس الاداره",
    "رئيس مجلس الاداره",
    "رئيس المجلس",
    "المدير التنفيذي",
    "امين الصندوق",
    "المشرف العام",
    "رئيس الجمعيه",
)
# Keywords are compared with normalised text (ئ → ي, ة → ه…): fold them the same way once.
_SIGNATORY_TITLES = tuple(normalize_arabic(t) for t in _SIGNATORY_TITLES)
CHANNEL_KEYWORDS = [(code, tuple(normalize_arabic(k) for k in keys)) for code, keys in CHANNEL_KEYWORDS]


@dataclass
class ParsedSection:
    kind: str
    heading: str
    # (is_list_item, text) in document order
    entries: list[tuple[bool, str]] = field(default_factory=list)

    @property
    def items(self) -> list[str]:
        return [text for _is_item, text in self.entries]

    @property
    def paragraphs(self) -> list[str]:
        return [text for is_item, text in self.entries if not is_item]

    @property
    def list_items(self) -> list[str]:
        return [text for is_item, text in self.entries if is_item]


@dataclass
class ParsedPolicy:
    association: str | None
    title: str
    sections: list[ParsedSection]
    channels: list[str]
    tools: list[str]
    decision_window_days: int | None
    board_approval: dict

    def as_json(self) -> dict:
        return {
            "association": self.association,
            "title": self.title,
            "sections": [{"kind": s.kind, "heading": s.heading, "items": s.items} for s in self.sections],
            "channels": self.channels,
            "tools": self.tools,
            "decision_window_days": self.decision_window_days,
            "board_approval": approval_json(self.board_approval),
        }


class PolicyReadError(ValueError):
    """The file is not a readable .txt, .docx or .pdf."""


class PolicyTooLarge(PolicyReadError):
    """The file is refused before being read in full; ``message`` says why, in the user's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# === readers =======================================================================================

# A policy is a few pages: the two examples have about 120 lines each. These bounds stop a hostile or
# mistaken upload early (a 326 KB .docx declaring 100,000 paragraphs used to cost minutes of CPU).
MAX_LINES = 5000
MAX_PDF_PAGES = 100
MAX_TEXT_CHARS = 2_000_000


def _docx_limits():
    from ..kernel.uploads import MB, ZipLimits

    # Its XML parts are parsed whole by python-docx: the largest (document.xml, about 1 MB for a long
    # policy as Word saves it) is bounded; images add to the total but are not parsed.
    return ZipLimits(max_total=40 * MB, max_member=5 * MB, max_members=1000, max_ratio=100)


def _too_long() -> PolicyTooLarge:
    from django.utils.translation import gettext as _

    return PolicyTooLarge(
        _(
            "The file has more than %(limit)s lines of text; a policy document is much shorter. Check that "
            "this is the right file."
        )
        % {"limit": MAX_LINES}
    )


def _bounded(lines: list[str]) -> list[str]:
    if len(lines) > MAX_LINES:
        raise _too_long()
    return lines


def read_lines(data: bytes, filename: str) -> tuple[list[str], str]:
    """The file's text as lines, and its format ("txt", "docx" or "pdf"): a PDF's text layer needs
    repairs, and a .docx line is a whole paragraph while a text line may be a wrapped one.

    Raises ``PolicyTooLarge`` (with a message for the user) as soon as the file is found to exceed
    the bounds above, before or while it is read."""
    name = (filename or "").lower()
    if name.endswith(".docx") or data[:2] == b"PK":
        return _docx_lines(data), "docx"
    if name.endswith(".pdf") or data[:5] == b"%PDF-":
        return _pdf_lines(data), "pdf"
    if name.endswith((".txt", ".text", ".md")) or not name.rpartition(".")[1]:
        return _text_lines(data), "txt"
    raise PolicyReadError(f"unsupported file type: {filename}")


def _text_lines(data: bytes) -> list[str]:
    for encoding in ("utf-8-sig", "utf-16", "cp1256"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-16" and not _ARABIC.search(text):
            continue
        if len(text) > MAX_TEXT_CHARS:
            raise _too_long()
        return _bounded(text.splitlines())
    raise PolicyReadError("the text file is in an unknown encoding")


def _docx_lines(data: bytes) -> list[str]:
    import zipfile

    from django.core.exceptions import ValidationError

    from ..kernel.uploads import check_zip

    try:
        check_zip(data, _docx_limits())
    except ValidationError as exc:
        raise PolicyTooLarge(" ".join(exc.messages)) from None
    except zipfile.BadZipFile as exc:
        raise PolicyReadError(f"not a readable .docx file: {exc}") from exc
    try:
        import docx
        from docx.enum.style import WD_STYLE_TYPE
        from docx.table import Table
        from docx.text.paragraph import Paragraph
    except ImportError as exc:  # pragma: no cover - python-docx is a pinned dependency
        raise PolicyReadError(str(exc)) from exc
    try:
        document = docx.Document(io.BytesIO(data))
        # Style names resolved once: python-docx's paragraph.style scans every style of the document for
        # each paragraph (2 ms a paragraph: minutes for a long file).
        style_names = {style.style_id: (style.name or "").lower() for style in document.styles}
        default_style = document.styles.default(WD_STYLE_TYPE.PARAGRAPH)
    except Exception as exc:  # python-docx raises several types for a broken package
        raise PolicyReadError(f"not a readable .docx file: {exc}") from exc
    default_name = (default_style.name or "").lower() if default_style is not None else ""

    lines: list[str] = []

    def add(line: str) -> None:
        lines.append(line)
        if len(lines) > MAX_LINES:
            raise _too_long()

    def paragraph_line(paragraph) -> str:
        text = paragraph.text
        style_id = paragraph._p.style
        style = style_names.get(style_id, default_name) if style_id else default_name
        ppr = paragraph._p.pPr
        if style.startswith(("heading", "title")) and text.strip():
            return _HEADING_HINT + text
        if (ppr is not None and ppr.numPr is not None) or "list" in style:
            return _LIST_HINT + text
        return text

    def walk_table(table):
        # Letterhead and layout tables: read every cell once, row by row; merged cells repeat in
        # python-docx's row.cells, so each underlying cell is read only the first time.
        # Each cell is an entry of its own (a list item when it sits inside a section).
        seen = set()  # the elements themselves: kept alive, lxml hands back the same proxy for each
        for row in table.rows:
            for cell in row.cells:
                if cell._tc in seen:
                    continue
                seen.add(cell._tc)
                for block in _blocks(cell):
                    if isinstance(block, Paragraph):
                        line = paragraph_line(block)
                        add(line if line[:1] in (_HEADING_HINT, _LIST_HINT) else _LIST_HINT + line)
                    else:
                        walk_table(block)
                add("")

    def _blocks(parent):
        element = parent._tc if hasattr(parent, "_tc") else parent.element.body
        for child in element.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                yield Paragraph(child, parent)
            elif tag == "tbl":
                yield Table(child, parent)

    for block in _blocks(document):
        if isinstance(block, Paragraph):
            add(paragraph_line(block))
        else:
            walk_table(block)
    # A soft line break inside a paragraph is not a new entry: join it.
    return [line.replace("\n", " ") for line in lines]


def _pdf_lines(data: bytes) -> list[str]:
    from django.utils.translation import gettext as _
    from pypdf import PdfReader, apply_configuration
    from pypdf.errors import PdfReadError, PyPdfError

    lines: list[str] = []
    # pypdf's own bounds, tightened for a document of a few pages: what one stream may inflate to, how
    # much work parsing one page's content may take, how large the page tree may be.
    with apply_configuration(
        zlib_maximum_output_length=20_000_000,
        lzw_maximum_output_length=20_000_000,
        run_length_maximum_output_length=20_000_000,
        brotli_maximum_output_length=20_000_000,
        stream_decoding_work_maximum_length=50_000_000,
        stream_parsing_work_maximum_count=500_000,
        page_tree_maximum_entries=MAX_PDF_PAGES * 10,
        page_tree_maximum_page_entries=MAX_PDF_PAGES * 10,
    ):
        try:
            reader = PdfReader(io.BytesIO(data))
            # The declared count first (one number), then the pages actually found.
            declared = reader.trailer["/Root"]["/Pages"].get("/Count", 0)
            if not isinstance(declared, int) or declared > MAX_PDF_PAGES or len(reader.pages) > MAX_PDF_PAGES:
                raise PolicyTooLarge(
                    _(
                        "The PDF has more than %(limit)s pages; a policy document is much shorter. Check that "
                        "this is the right file."
                    )
                    % {"limit": MAX_PDF_PAGES}
                )
            characters = 0
            for page in reader.pages:
                text = page.extract_text() or ""
                characters += len(text)
                if characters > MAX_TEXT_CHARS:
                    raise _too_long()
                lines.extend(text.splitlines())
                lines.append("")
                _bounded(lines)
        except PolicyReadError:
            raise
        except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
            raise PolicyReadError(f"not a readable .pdf file: {exc}") from exc
    return lines


# === line cleaning =================================================================================


def _norm(text: str) -> str:
    return normalize_arabic(text)


def _is_noise(raw: str, norm: str, repeated: set[str]) -> bool:
    if _IBAN.search(raw.replace(" ", "")) or _EMAIL.search(raw) or _URL.search(raw):
        return True
    tokens = raw.split()
    singles = sum(len(t) == 1 and (t.isalnum() or t == "_") for t in tokens)
    if singles >= 4 and singles >= len(tokens) - 1:
        return True  # spaced-out letterhead: "0 5 5 7 3 1 …", "h a y a t _ 6 6"
    if not _ARABIC.search(raw):
        return True  # Latin-only or digits-only lines: bank names, phone numbers, page numbers
    letters = re.sub(r"[^\u0621-\u064a ]", "", norm).strip()
    if _EMPTY_LABEL.match(norm) or letters in _LETTERHEAD_LABELS or _LICENSE.search(norm) or _PAGE.match(norm):
        return True
    if "بسم الله" in norm or norm in {"المملكه العربيه السعوديه", "الحمد لله"}:
        return True
    words = norm.split()
    if len(words) <= 4 and (
        any(w in words for w in _BANK_WORDS) or (len(words) <= 2 and any(b in norm for b in _BANK_NAMES))
    ):
        return True
    if len(words) <= 4 and words and words[0] == "وزاره":
        return True
    return norm in repeated


def _strip_numbering(text: str) -> tuple[str, bool]:
    """The line without its leading bullets/numbers, and whether it had any."""
    had = False
    while True:
        match = _BULLET.match(text)
        if not match or match.end() == 0:
            break
        rest = text[match.end() :]
        # "1442 هـ" or "14 يوما" at the start of a sentence are not list numbers.
        if re.match(r"^\s*(?:هـ|ه\b|م\b|يوم|ايام|أيام)", rest):
            break
        text, had = rest, True
    return text.strip(), had


def _clean_pdf_line(text: str) -> tuple[str, bool]:
    """PDF text layers move the numbering and colon of a right-to-left line to its other end:
    ``. تمهيد1``, ``المقابلة5.1``, ``:. القنوات…``. Returns the text and whether it was numbered."""
    text = re.sub(r"^[\s:：.،,]+", "", text)
    match = re.search(r"(?<=[\u0621-\u064a\s.])\s*[0-9٠-٩]{1,2}(?:\.[0-9٠-٩]{1,2})*\s*[.\-]?\s*$", text)
    if match and _ARABIC.search(text[: match.start()]):
        return text[: match.start()].strip(), True
    return text.strip(), False


def _heading_kind(norm_line: str) -> str | None:
    words = norm_line.split()
    for kind, pattern, max_words in _HEADINGS:
        if pattern.search(norm_line) and len(words) <= max_words:
            return kind
    return None


def _split_heading_and_text(raw: str) -> tuple[str, str] | None:
    """``تمهيد: تضع الجمعية…`` → (``تمهيد``, ``تضع الجمعية…``) when the head is a known heading."""
    match = re.match(r"^(.{2,80}?)\s*[:：]\s*-?\s*(.+)$", raw)
    if not match:
        return None
    head, rest = match.groups()
    kind = _heading_kind(_norm(head))
    if kind and _ARABIC.search(rest):
        return head.strip(), rest.strip()
    return None


def _clean_heading(raw: str) -> str:
    text = _TRAILING_COLON.sub("", raw).strip()
    text = _LEADING_PUNCT.sub("", text)
    return text.strip(" .-–،")


# === parsing =======================================================================================


def parse_policy(
    lines: list[str], *, source: str = "txt", extra_channels: dict[str, str] | None = None
) -> ParsedPolicy:
    """Parse the lines of a policy into sections and the data that configures the portal.

    ``source`` is "txt", "docx" or "pdf" (see ``read_lines``)."""
    from_pdf = source == "pdf"
    whole_paragraphs = source == "docx"
    prepared: list[tuple[str, str, str]] = []  # (hint, raw, normalised)
    for line in lines:
        hint = ""
        if line.startswith((_HEADING_HINT, _LIST_HINT)):
            hint, line = line[0], line[1:]
        raw = _BIDI.sub("", line).replace("\u00a0", " ").strip()
        raw = re.sub(r"[ \u2000-\u200b]+", " ", raw)
        prepared.append((hint, raw, _norm(raw.replace("\t", " "))))

    # Short lines printed on several pages (running headers/footers) are letterhead.
    # Long lines printed twice are footers; short ones need three copies (a heading appears twice
    # when the document has a table of contents).
    counts = Counter(norm for _h, raw, norm in prepared if norm)
    repeated = {
        norm
        for norm, n in counts.items()
        if (n >= 3 or (n >= 2 and len(norm.split()) >= 6)) and _heading_kind(_strip_numbering(norm)[0]) is None
    }

    title = ""
    title_area: list[str] = []
    sections: list[ParsedSection] = []
    current: ParsedSection | None = None
    gap = False  # a blank or a noise line since the last entry
    in_toc = False
    approval_closed = False

    def start(kind: str, heading: str) -> ParsedSection:
        nonlocal current, approval_closed, gap
        current = ParsedSection(kind=kind, heading=heading)
        sections.append(current)
        approval_closed = False
        gap = False
        return current

    def add_entry(text: str, is_item: bool, hint: str):
        nonlocal gap
        text = text.strip()
        if not text or not _ARABIC.search(text):
            return
        assert current is not None
        if current.entries and not is_item:
            last_item, last = current.entries[-1]
            terminated = last.rstrip().endswith(_TERMINAL)
            continues = (
                not whole_paragraphs and not terminated and (not gap or (last_item and _norm(text).startswith("و")))
            )
            if continues:
                current.entries[-1] = (last_item, f"{last} {text}")
                gap = False
                _maybe_practices()
                return
        current.entries.append((is_item, text))
        gap = False
        _maybe_practices()

    def _maybe_practices():
        # "…أفضل المعايير والممارسات في تقديم الخدمة وذلك عن طريق ما يلي:" opens the practices list.
        if current is None or current.kind not in ("detailed_goals", "general_goal", "preamble", "other"):
            return
        _is_item, last = current.entries[-1]
        norm = _norm(last)
        if "ممارسات" in norm and re.search(r"(?:ما يلي|كما يلي|التاليه?|الاتيه?)\s*[:：.\-]*\s*$", norm):
            match = re.search(r"(ال)?ممارسات.*?(?=\s+(?:وذلك|عن طريق|من خلال|ما يلي|كما يلي|التاليه?)\b|$)", last)
            heading = match.group(0) if match else DEFAULT_PRACTICES_HEADING
            heading = re.sub(
                r"\s*(?:[اآ]لتالية|[اآ]لتالي|[اآ]لآتية|[اآ]لاتية|[اآ]لآتي|[اآ]لاتي)?\s*[:：.\-]*\s*$", "", heading
            )
            heading = heading.strip(" :.-") or DEFAULT_PRACTICES_HEADING
            if not heading.startswith("ال"):
                heading = "ال" + heading
            start("practices", heading)

    for hint, raw, norm in prepared:
        if not norm:
            gap = True
            continue
        if norm in _TOC_TITLES:
            in_toc = True
            continue
        if in_toc:
            if _TOC_ENTRY.search(raw) or re.search(r"\d\s*$|^\s*\d", norm):
                continue
            in_toc = False
        if _TOC_ENTRY.search(raw) and re.search(r"(?:\d|خطا)\s*\S*\s*$", norm):
            continue  # a table-of-contents line outside the contents page
        if _is_noise(raw, norm, repeated):
            gap = True
            if current is not None and current.kind == "approval" and current.entries:
                approval_closed = True
            continue

        text = raw.replace("\t", " ")
        pdf_numbered = False
        if from_pdf:
            text, pdf_numbered = _clean_pdf_line(text)
        body, numbered = _strip_numbering(text)
        numbered = numbered or pdf_numbered or hint == _LIST_HINT
        body_norm = _norm(_clean_heading(body))
        if not body_norm or not _ARABIC.search(body):
            continue

        kind = _heading_kind(_strip_numbering(body_norm)[0])
        if kind is not None and numbered and current is not None and kind == current.kind and hint != _HEADING_HINT:
            kind = None  # «- قنوات التواصل الاجتماعي» inside the channels list is an item, not a new section
        if kind is None and hint == _HEADING_HINT:
            kind = "other"
        if kind is None and not numbered and _looks_like_free_heading(body, gap or current is None):
            kind = "other"
        if kind is not None:
            start(kind, _clean_heading(body))
            continue
        split = _split_heading_and_text(body)
        if split:
            head, rest = split
            start(_heading_kind(_norm(head)) or "other", _clean_heading(head))
            add_entry(rest, False, hint)
            continue
        if _starts_approval(body_norm) and (current is None or current.kind != "approval"):
            start("approval", DEFAULT_APPROVAL_HEADING)
            add_entry(body, False, hint)
            continue
        if current is None:
            title_area.append(body)
            continue
        if current.kind == "approval" and approval_closed:
            continue
        add_entry(body, numbered, hint)

    # A contents page without its title leaves empty sections whose headings come again later.
    later = Counter(_norm(s.heading) for s in sections)
    sections = [s for s in sections if s.entries or later[_norm(s.heading)] == 1]
    for s in sections:
        later[_norm(s.heading)] -= 1

    for line in title_area:
        if "سياس" in _norm(line):
            title = line.strip(" :.-")
            break
    if not title:
        title = title_area[0].strip(" :.-") if title_area else "سياسة تنظيم العلاقة مع المستفيدين"

    full_text = "\n".join(entry for s in sections for entry in [s.heading, *s.items])
    return ParsedPolicy(
        association=_association_name(title_area, sections),
        title=title,
        sections=sections,
        channels=_channels(sections, extra_channels or {}),
        tools=[_item_text(t) for s in sections if s.kind == "tools" for t in s.items if _item_text(t)],
        decision_window_days=_decision_window(sections),
        board_approval=_board_approval(sections, full_text),
    )


def _looks_like_free_heading(body: str, after_gap: bool) -> bool:
    """A short line ending with a colon, standing on its own: a section the reader does not know."""
    if not after_gap or not _TRAILING_COLON.search(body):
        return False
    norm = _norm(body)
    if re.search(r"(?:ما يلي|التالي|الاتي|كالتالي|كما يلي)", norm):
        return False
    words = _norm(_clean_heading(body)).split()
    return 1 <= len(words) <= 6


def _starts_approval(norm: str) -> bool:
    return (
        bool(re.match(r"^(?:تم|وتم|تمت|اعتمد|اعتمدت)\s+(?:اعتماد|الموافقه|اقرار)?", norm))
        and ("اعتماد" in norm or "اعتمد" in norm)
        and ("مجلس" in norm or "الاداره" in norm)
    )


def _item_text(text: str) -> str:
    return text.strip().strip(" .:-،؛")


def _association_name(title_area: list[str], sections: list[ParsedSection]) -> str | None:
    pattern = re.compile(r"(?:^|\s)ل?(جمعي[ةه]\s+[^\n،,.:؛]+?)(?=\s+(?:ال)?سياس|\s+تضع|\s*[،,.:؛]|\s*$)")
    for line in title_area:
        match = pattern.search(line)
        if match:
            return match.group(1).strip()
    for section in sections:
        if section.kind in ("preamble", "general_goal", "other"):
            for text in section.items:
                match = re.search(r"(جمعي[ةه]\s+[^\n،,.:؛]+?)\s+(?:ال)?سياسات", text)
                if match:
                    return match.group(1).strip()
    return None


def _channels(sections: list[ParsedSection], extra: dict[str, str]) -> list[str]:
    found: list[str] = []
    extra_norm = {code: _norm(name) for code, name in extra.items() if name}
    for section in sections:
        if section.kind != "channels":
            continue
        for item in section.items:
            # One item may name several channels: «المقابلة، الهاتف، الموقع الإلكتروني».
            for fragment in re.split(r"[،,؛;]", item):
                norm = _norm(fragment)
                if not norm:
                    continue
                code = next((c for c, keys in CHANNEL_KEYWORDS if any(k in norm for k in keys)), None)
                if code is None:
                    code = next((c for c, name in extra_norm.items() if name and (name in norm or norm in name)), None)
                if code and code not in found:
                    found.append(code)
    return found


def _duration_days(text: str) -> int | None:
    match = _DURATION.search(text)
    if not match:
        return None
    unit = match.group("unit")
    if unit in _UNIT_DAYS:
        return _UNIT_DAYS[unit]
    count = int(match.group("num")) if match.group("num") else _CARDINALS.get(match.group("word") or "", 1)
    return count * _UNIT_MULTIPLIER[unit]


def _decision_window(sections: list[ParsedSection]) -> int | None:
    procedure = [t for s in sections if s.kind == "procedure" for t in s.items]
    others = [t for s in sections if s.kind not in ("procedure", "approval") for t in s.items]
    for texts in (procedure, others):
        for text in texts:
            norm = _norm(text)
            if not any(w in norm for w in _DECISION_WORDS):
                continue
            for context in _WINDOW_CONTEXT.finditer(norm):
                days = _duration_days(norm[context.end() : context.end() + 40])
                if days:
                    return days
    return None


def _ordinal(text: str) -> int | None:
    """«الثاني» → 2, «الحادي عشر» → 11, «(3)» → 3, «الخامس والعشرين» → 25."""
    text = _norm(text)
    number = re.search(r"\d{1,3}", text)
    words = re.findall(r"[\u0621-\u064a]+", text)
    words = [w[2:] if w.startswith("ال") and len(w) > 3 else w for w in words]
    for i, word in enumerate(words):
        if word in _ORDINAL_UNITS:
            value = _ORDINAL_UNITS[word]
            following = words[i + 1] if i + 1 < len(words) else ""
            if following in ("عشر", "عشره"):
                return value + 10
            tens = following[1:] if following.startswith("و") else ""
            tens = tens[2:] if tens.startswith("ال") else tens
            if tens in _TENS:
                return value + _TENS[tens]
            return value
        if word in _TENS:
            return _TENS[word]
    if number:
        return int(number.group(0))
    return None


def _plausible(year: int, hijri: bool) -> bool:
    return 1300 <= year <= 1500 if hijri else 1900 <= year <= 2100


def _read_date(a: str, b: str, c: str, mark: str | None) -> tuple[str, tuple[int, int, int]] | None:
    """One written date → ("hijri"|"gregorian", (y, m, d)); digit runs are also tried reversed."""
    from ..kernel.dates import HIJRI_YEAR_LIMIT

    for parts in ((a, b, c), (a[::-1], b[::-1], c[::-1])):
        x, y, z = parts
        if len(x) >= 3:
            year, month, day = int(x), int(y), int(z)
        elif len(z) >= 3:
            day, month, year = int(x), int(y), int(z)
        else:
            continue
        if mark in ("هـ", "ه", "AH"):
            hijri = True
        elif mark in ("م", "AD"):
            hijri = False
        else:
            hijri = year < HIJRI_YEAR_LIMIT
        if not (_plausible(year, hijri) and 1 <= month <= 12 and 1 <= day <= 31):
            continue
        return ("hijri" if hijri else "gregorian"), (year, month, day)
    return None


def _to_gregorian(hijri: tuple[int, int, int]) -> dt.date | None:
    from hijridate import Hijri

    try:
        g = Hijri(*hijri).to_gregorian()
    except (ValueError, OverflowError):
        return None
    return dt.date(g.year, g.month, g.day)


def _to_hijri(value: dt.date) -> tuple[int, int, int] | None:
    from hijridate import Gregorian

    try:
        h = Gregorian(value.year, value.month, value.day).to_hijri()
    except (ValueError, OverflowError):
        return None
    return h.year, h.month, h.day


def _dates(text: str) -> tuple[dt.date | None, tuple[int, int, int] | None]:
    ascii_text = to_ascii_digits(text.replace("\u0640", ""))
    gregorian: dt.date | None = None
    hijri: tuple[int, int, int] | None = None
    found: list[tuple[str, tuple[int, int, int]]] = []
    for match in _DATE.finditer(ascii_text):
        reading = _read_date(*match.groups())
        if reading:
            found.append(reading)
    norm = _norm(text)
    for match in _MONTH_NAME_DATE.finditer(norm):
        day, month_name, year, mark = match.groups()
        is_hijri = month_name in _HIJRI_MONTHS
        month = _HIJRI_MONTHS.get(month_name) or _GREGORIAN_MONTHS[month_name]
        if _plausible(int(year), is_hijri):
            found.append(("hijri" if is_hijri else "gregorian", (int(year), month, int(day))))
    for calendar, (y, m, d) in found:
        if calendar == "hijri" and hijri is None and _to_gregorian((y, m, d)):
            hijri = (y, m, d)
        elif calendar == "gregorian" and gregorian is None:
            try:
                gregorian = dt.date(y, m, d)
            except ValueError:
                continue
    # One calendar written: the other is the same day converted, so both can be shown.
    if gregorian is None and hijri is not None:
        gregorian = _to_gregorian(hijri)
    if hijri is None and gregorian is not None:
        hijri = _to_hijri(gregorian)
    return gregorian, hijri


def _signatory(texts: list[str]) -> tuple[str | None, str | None]:
    """(name, title) from the approval block: «رئيس مجلس الإدارة / أ. محمد …», «الاسم: …»."""
    for index, text in enumerate(texts):
        norm = _norm(text)
        label = re.search(
            r"(?:^|\s)(?:الاسم|اسم المعتمد|المعتمد)\s*[:：]\s*(.+?)(?=\s+(?:الصف[ةه]|المنصب|التوقيع)|$)", text
        )
        if label:
            name = _clean_name(label.group(1))
            title_match = re.search(r"(?:الصفة|الصفه|المنصب)\s*[:：]\s*(.+?)(?=\s+(?:التوقيع|الاسم)\b|$)", text)
            if name:
                return name, (_clean_name(title_match.group(1)) if title_match else None)
        for title in _SIGNATORY_TITLES:
            position = norm.find(title)
            if position < 0:
                continue
            rest = _after_normalised(text, norm, position + len(title))
            name = _clean_name(rest)
            if not name and index + 1 < len(texts) and len(texts[index + 1].split()) <= 7:
                name = _clean_name(texts[index + 1])
            if name:
                return name, _original_span(text, norm, position, position + len(title))
    return None, None


def _after_normalised(text: str, norm: str, norm_end: int) -> str:
    """The part of ``text`` after the normalised prefix of length ``norm_end`` (word-aligned)."""
    words_before = len(norm[:norm_end].split())
    return " ".join(text.split()[words_before:])


def _original_span(text: str, norm: str, start: int, end: int) -> str:
    words = text.split()
    first = len(norm[:start].split())
    last = len(norm[:end].split())
    return " ".join(words[first:last]).strip(" :/-")


def _clean_name(text: str) -> str | None:
    text = re.sub(r"(?:التوقيع|الختم)\s*[:：]?.*$", "", text)
    text = text.strip(" :：/-–.،")
    if not text or re.search(r"\d", to_ascii_digits(text)) or len(text.split()) > 7:
        return None
    norm = _norm(text)
    if any(w in norm for w in ("تم ", "اعتماد", "بتاريخ", "الموافق", "مجلس")):
        return None
    return text


def _board_approval(sections: list[ParsedSection], full_text: str) -> dict:
    texts = [t for s in sections if s.kind == "approval" for t in s.items]
    if not texts:
        texts = [line for line in full_text.splitlines() if _starts_approval(_norm(line))]
    joined = " ".join(texts)
    norm = _norm(joined)

    meeting = None
    match = re.search(r"اجتماع\S*\s+(.{0,60}?)(?=\s+(?:بجلست|جلس|المنعقد|بتاريخ|بقرار|في\s|وذلك)|[،,.]|$)", norm)
    if match:
        meeting = _ordinal(re.sub(r"(?:مجلس الاداره|لمجلس الاداره|مجلس|رقم)", " ", match.group(1)))
    session = None
    match = re.search(
        r"(?:^|\s)(?:ب|في\s)?(?:جلسته|الجلسه|جلسه)\s+(.{0,40}?)(?=\s+(?:المنعقد|بتاريخ|في\s)|[،,.]|$)", norm
    )
    if match:
        session = _ordinal(re.sub(r"رقم", " ", match.group(1)))
    decision = None
    match = re.search(
        r"(?:رقم القرار|قرار(?:ه)?\s*(?:مجلس الاداره\s*)?(?:رقم|ذي الرقم)?)\s*[:：(]?\s*\(?\s*([0-9][0-9/\-.]*[0-9]|[0-9])",
        norm,
    )
    if match:
        decision = match.group(1)
    gregorian, hijri = _dates(joined)
    name, _title = _signatory(texts)
    return {
        "meeting": meeting,
        "session": session,
        "decision_number": decision,
        "date_gregorian": gregorian.isoformat() if gregorian else None,
        "date_hijri": f"{hijri[0]:04d}-{hijri[1]:02d}-{hijri[2]:02d}" if hijri else None,
        "signatory": name,
        "signatory_title": _title,
    }


def parse_file(data: bytes, filename: str, *, extra_channels: dict[str, str] | None = None) -> ParsedPolicy:
    lines, source = read_lines(data, filename)
    return parse_policy(lines, source=source, extra_channels=extra_channels)


def approval_json(board_approval: dict) -> dict:
    """The board approval as the ``--json`` contract names it."""
    keys = ("meeting", "decision_number", "date_gregorian", "date_hijri", "signatory")
    return {key: board_approval.get(key) for key in keys}
