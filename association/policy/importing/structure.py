"""The structure of a policy: a title area, then sections under Arabic headings, each made of paragraphs and
list items.

Headings are recognised on normalised Arabic by keyword (``HEADINGS``: one pattern a kind), after removing any
numbering and any colon. ``SectionReader`` reads the prepared lines one by one: first the lines it skips
(``SKIP_RULES``: blanks, a table of contents, letterhead noise), then, for a line with text, the first of
``LINE_RULES`` that takes it (a heading, a heading followed by its text, the approval sentence, a title line, an
entry of the current section). Each rule is one small method: a new document shape is a new rule.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from .lines import (
    ARABIC,
    HEADING_HINT,
    LIST_HINT,
    TRAILING_COLON,
    Line,
    clean_heading,
    clean_pdf_line,
    is_noise,
    leading_number,
    norm,
    repeated_lines,
    strip_numbering,
)
from .warnings import ImportWarning, heading_on_item_line, numbering_gap, warn

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
DEFAULT_TITLE = "سياسة تنظيم العلاقة مع المستفيدين"
_TERMINAL = (".", "!", "؟", "?", ":", "؛")

# (kind, pattern on the normalised line without numbering and colon, longest heading in words)
HEADINGS = [
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
_TOC_PAGE_NUMBER = re.compile(r"\d\s*$|^\s*\d")
_TOC_LINE_END = re.compile(r"(?:\d|خطا)\s*\S*\s*$")
_HEADING_AND_TEXT = re.compile(r"^(.{2,80}?)\s*[:：]\s*-?\s*(.+)$")
_INTRODUCES_LIST = re.compile(r"(?:ما ?يلي|التالي|الاتي|كالتالي)")
_APPROVAL_SENTENCE = re.compile(r"^(?:تم|وتم|تمت|اعتمد|اعتمدت)\s+(?:اعتماد|الموافقه|اقرار)?")
# "…أفضل المعايير والممارسات في تقديم الخدمة وذلك عن طريق ما يلي:" opens the practices list.
_PRACTICES_INTRO = re.compile(r"(?:ما ?يلي|التاليه?|الاتيه?)\s*[:：.\-]*\s*$")
_PRACTICES_PHRASE = re.compile(
    r"(ال)?ممارسات.*?(?=\s+(?:وذلك|عن طريق|من خلال|ما ?يلي|كما ?يلي|كمايلي|التاليه?|التالية?)(?:\s|$|[:：.])|$)"
)
_PRACTICES_FOLLOWING = re.compile(r"(?<=ممارسات)\s+(?:[اآ]ل)?(?:تالية|تاليه|آتية|اتية|اتيه)(?=\s+(?:في|ل|عند|من)\s)")
_PRACTICES_TAIL = re.compile(r"\s*(?:[اآ]لتالية|[اآ]لتالي|[اآ]لآتية|[اآ]لاتية|[اآ]لآتي|[اآ]لاتي)?\s*[:：.\-]*\s*$")
# A second practices list (services, then programs) may open inside the first.
_PRACTICES_HOSTS = ("detailed_goals", "general_goal", "preamble", "other", "practices")
# Words a heading may start with, when it shares a line with the item before it.
_HEADING_STARTS = {
    "القنوات",
    "قنوات",
    "الادوات",
    "ادوات",
    "ويتم",
    "يتم",
    "اجراءات",
    "الاجراءات",
    "اليه",
    "اليات",
    "الهدف",
    "الاهداف",
    "اهداف",
    "تمهيد",
    "مقدمه",
    "الممارسات",
    "ممارسات",
    "اعتماد",
    "الاعتماد",
    "قرار",
    "تم",
    "وتم",
}
_ASSOCIATION_IN_TITLE = re.compile(r"(?:^|\s)ل?(جمعي[ةه]\s+[^\n،,.:؛]+?)(?=\s+(?:ال)?سياس|\s+تضع|\s*[،,.:؛]|\s*$)")
_ASSOCIATION_IN_TEXT = re.compile(r"(جمعي[ةه]\s+[^\n،,.:؛]+?)\s+(?:ال)?سياسات")


@dataclass
class ParsedSection:
    kind: str
    heading: str
    # (is_list_item, text) in document order
    entries: list[tuple[bool, str]] = field(default_factory=list)
    line: int = 0  # the source line of its heading (0: none)
    line_text: str = ""

    @property
    def items(self) -> list[str]:
        return [text for _is_item, text in self.entries]

    @property
    def paragraphs(self) -> list[str]:
        return [text for is_item, text in self.entries if not is_item]

    @property
    def list_items(self) -> list[str]:
        return [text for is_item, text in self.entries if is_item]


# --- headings ----------------------------------------------------------------------------------------


def heading_kind(norm_line: str) -> str | None:
    words = norm_line.split()
    for kind, pattern, max_words in HEADINGS:
        if pattern.search(norm_line) and len(words) <= max_words:
            return kind
    return None


def is_heading(norm_line: str) -> bool:
    return heading_kind(norm_line) is not None


def split_heading_and_text(raw: str) -> tuple[str, str] | None:
    """``تمهيد: تضع الجمعية…`` → (``تمهيد``, ``تضع الجمعية…``) when the head is a known heading."""
    match = _HEADING_AND_TEXT.match(raw)
    if not match:
        return None
    head, rest = match.groups()
    if heading_kind(norm(head)) and ARABIC.search(rest):
        return head.strip(), rest.strip()
    return None


def looks_like_free_heading(body: str, after_gap: bool) -> bool:
    """A short line ending with a colon, standing on its own: a section the reader does not know."""
    if not after_gap or not TRAILING_COLON.search(body):
        return False
    if _INTRODUCES_LIST.search(norm(body)):
        return False
    words = norm(clean_heading(body)).split()
    return 1 <= len(words) <= 6


def starts_approval(norm_line: str) -> bool:
    """«تم اعتماد هذه السياسة في اجتماع مجلس الإدارة…» opens the approval even without a heading."""
    return (
        bool(_APPROVAL_SENTENCE.match(norm_line))
        and ("اعتماد" in norm_line or "اعتمد" in norm_line)
        and ("مجلس" in norm_line or "الاداره" in norm_line)
    )


def split_item_heading(raw: str) -> tuple[str, str] | None:
    """«7. الموقع الإلكتروني. الأدوات المتاحة للموظف:» → (the item, the heading that follows it on the same line):
    a known heading after a full stop, or one ending the line with a colon."""
    words = raw.split()
    if not 3 <= len(words) <= 120 or _introduces_practices(raw):
        return None
    for i in range(1, len(words)):
        if norm(words[i]).strip("■•-:.،") not in _HEADING_STARTS:
            continue
        head, tail = " ".join(words[:i]), " ".join(words[i:])
        if not ARABIC.search(head):
            continue
        tail_norm = norm(clean_heading(strip_numbering(tail)[0]))
        after_stop = head.rstrip().endswith((".", "؛", "!", "؟"))
        if heading_kind(tail_norm) and (after_stop or TRAILING_COLON.search(tail)):
            return head, tail
        if after_stop and (starts_approval(tail_norm) or split_heading_and_text(tail)):
            return head, tail
    return None


def practices_heading(text: str) -> str:
    """The heading of the practices list an entry introduces: «…والممارسات في تقديم الخدمة عن طريق ما يلي:»
    → «الممارسات في تقديم الخدمة»."""
    text = _PRACTICES_FOLLOWING.sub("", text)  # «بالممارسات التالية في تقديم البرامج» → «…الممارسات في…»
    match = _PRACTICES_PHRASE.search(text)
    heading = match.group(0) if match else DEFAULT_PRACTICES_HEADING
    heading = _PRACTICES_TAIL.sub("", heading).strip(" :.-") or DEFAULT_PRACTICES_HEADING
    return heading if heading.startswith("ال") else "ال" + heading


def _opens_practices(text: str) -> bool:
    """A sentence of its own that opens a practices list («وتلتزم الجمعية بالممارسات التالية:»), not the end of
    a wrapped item («…المعايير / والممارسات في تقديم الخدمة عن طريق ما يلي:»)."""
    first = norm(text).split()[0] if text.split() else ""
    return _introduces_practices(text) and "ممارسات" not in first


def _introduces_practices(text: str) -> bool:
    text = norm(text)
    return "ممارسات" in text and bool(_PRACTICES_INTRO.search(text))


# --- reading the lines into sections -------------------------------------------------------------------


@dataclass
class Entry:
    """A line with text, ready to be placed: without numbering, and whether it was numbered."""

    hint: str
    body: str
    numbered: bool
    body_norm: str
    line: Line | None = None
    number: int | None = None  # the number it was written with («3.»), when it had one


class SectionReader:
    """Reads prepared lines into ``sections`` (and the lines before the first section into ``title_area``).

    ``source`` is "txt", "docx" or "pdf": a PDF line may carry its numbering at its end, and a .docx line is a
    whole paragraph (never continued by the next line)."""

    def __init__(self, prepared: list[Line], *, source: str = "txt"):
        self.prepared = prepared
        self.from_pdf = source == "pdf"
        self.whole_paragraphs = source == "docx"
        self.repeated = repeated_lines(prepared, is_heading)
        self.title_area: list[str] = []
        self.sections: list[ParsedSection] = []
        self.current: ParsedSection | None = None
        self.gap = False  # a blank or a noise line since the last entry
        self.in_toc = False
        self.approval_closed = False
        self.warnings: list[ImportWarning] = []
        self.line: Line | None = None
        self.last_number: int | None = None  # the last item number of the current section

    def read(self) -> list[ParsedSection]:
        for line in self.prepared:
            self.feed(line)
        return drop_contents_leftovers(self.sections)

    def feed(self, line: Line) -> None:
        self.line = line
        if any(rule(self, line) for rule in self.SKIP_RULES):
            return
        entry = self._entry(line)
        if entry is None:
            return
        for rule in self.LINE_RULES:
            if rule(self, entry):
                return

    # --- lines skipped (each returns True when it took the line) ---

    def _blank(self, line: Line) -> bool:
        if line.norm:
            return False
        self.gap = True
        return True

    def _contents_title(self, line: Line) -> bool:
        if line.norm not in _TOC_TITLES:
            return False
        self.in_toc = True
        return True

    def _contents_entry(self, line: Line) -> bool:
        """Inside a table of contents: its entries; the first other line ends it."""
        if not self.in_toc:
            return False
        if _TOC_ENTRY.search(line.raw) or _TOC_PAGE_NUMBER.search(line.norm):
            return True
        self.in_toc = False
        return False

    def _stray_contents_entry(self, line: Line) -> bool:
        """A table-of-contents line outside the contents page."""
        return bool(_TOC_ENTRY.search(line.raw) and _TOC_LINE_END.search(line.norm))

    def _noise(self, line: Line) -> bool:
        if not is_noise(line.raw, line.norm, self.repeated):
            return False
        self.gap = True
        if self._in("approval") and self.current.entries:
            self.approval_closed = True  # the signature block ended: what follows is letterhead
        return True

    SKIP_RULES = (_blank, _contents_title, _contents_entry, _stray_contents_entry, _noise)

    def _entry(self, line: Line) -> Entry | None:
        text = line.raw.replace("\t", " ")
        pdf_numbered = False
        if self.from_pdf:
            text, pdf_numbered = clean_pdf_line(text)
        number = leading_number(text)
        body, numbered = strip_numbering(text)
        body_norm = norm(clean_heading(body))
        if not body_norm or not ARABIC.search(body):
            return None
        numbered = numbered or pdf_numbered or line.hint == LIST_HINT
        return Entry(line.hint, body, numbered, body_norm, line, number if numbered else None)

    # --- lines with text (each returns True when it took the line) ---

    def _heading(self, entry: Entry) -> bool:
        kind = self._heading_line_kind(entry)
        if kind is None:
            return False
        self.start(kind, clean_heading(entry.body), entry.line)
        return True

    def _heading_line_kind(self, entry: Entry) -> str | None:
        kind = heading_kind(strip_numbering(entry.body_norm)[0])
        if kind is not None and entry.numbered and self._in(kind) and entry.hint != HEADING_HINT:
            return None  # «- قنوات التواصل الاجتماعي» inside the channels list is an item, not a new section
        if kind is None and entry.hint == HEADING_HINT:
            return "other"
        if (
            kind is None
            and not entry.numbered
            and looks_like_free_heading(entry.body, self.gap or self.current is None)
        ):
            return "other"
        return kind

    def _heading_with_text(self, entry: Entry) -> bool:
        split = split_heading_and_text(entry.body)
        if not split:
            return False
        head, rest = split
        self.start(heading_kind(norm(head)) or "other", clean_heading(head), entry.line)
        self.add_entry(rest, False)
        return True

    def _approval_sentence(self, entry: Entry) -> bool:
        if not starts_approval(entry.body_norm) or self._in("approval"):
            return False
        self.start("approval", DEFAULT_APPROVAL_HEADING, entry.line)
        self.add_entry(entry.body, False)
        return True

    def _item_then_heading(self, entry: Entry) -> bool:
        """An item and the next section's heading on one line: the item ends the section, the heading opens
        the next one."""
        if self.current is None or entry.hint == HEADING_HINT:
            return False
        split = split_item_heading(entry.body)
        if split is None:
            return False
        head, tail = split
        self._place(entry, head)
        shown = split_heading_and_text(tail)
        self.warnings.append(warn(entry.line, heading_on_item_line(shown[0] if shown else clean_heading(tail))))
        tail_entry = Entry("", tail, False, norm(clean_heading(tail)), entry.line)
        for rule in self.LINE_RULES:
            if rule is not SectionReader._item_then_heading and rule(self, tail_entry):
                break
        return True

    def _title_line(self, entry: Entry) -> bool:
        if self.current is not None:
            return False
        self.title_area.append(entry.body)
        return True

    def _after_approval(self, entry: Entry) -> bool:
        return self._in("approval") and self.approval_closed

    def _section_entry(self, entry: Entry) -> bool:
        self._place(entry, entry.body)
        return True

    def _place(self, entry: Entry, text: str) -> None:
        self._check_numbering(entry)
        self.add_entry(text, entry.numbered)

    def _check_numbering(self, entry: Entry) -> None:
        """A numbered list that skips a number («1. 2. 4.») may have lost an item: warn, keep reading."""
        if entry.number is None:
            return
        last, self.last_number = self.last_number, entry.number
        if last is not None and entry.number > last + 1:
            self.warnings.append(warn(entry.line, numbering_gap(last, entry.number)))

    LINE_RULES = (
        _heading,
        _heading_with_text,
        _approval_sentence,
        _item_then_heading,
        _title_line,
        _after_approval,
        _section_entry,
    )

    # --- building ---

    def _in(self, kind: str) -> bool:
        return self.current is not None and self.current.kind == kind

    def start(self, kind: str, heading: str, line: Line | None = None) -> ParsedSection:
        self.current = ParsedSection(
            kind=kind, heading=heading, line=line.number if line else 0, line_text=line.source if line else ""
        )
        self.sections.append(self.current)
        self.approval_closed = False
        self.gap = False
        self.last_number = None
        return self.current

    def add_entry(self, text: str, is_item: bool) -> None:
        text = text.strip()
        if not text or not ARABIC.search(text):
            return
        if not is_item and self._continues(text):
            last_item, last = self.current.entries[-1]
            self.current.entries[-1] = (last_item, f"{last} {text}")
        else:
            self.current.entries.append((is_item, text))
        self.gap = False
        self._maybe_practices()

    def _continues(self, text: str) -> bool:
        """A paragraph line that continues the previous entry: a wrapped line, or a line cut by a page break
        (after a gap, only a «و…» continuing a list item)."""
        if self.whole_paragraphs or not self.current.entries:
            return False
        last_item, last = self.current.entries[-1]
        if last.rstrip().endswith(_TERMINAL) or _opens_practices(text):
            return False
        return not self.gap or (last_item and norm(text).startswith("و"))

    def _maybe_practices(self) -> None:
        if self.current.kind not in _PRACTICES_HOSTS:
            return
        _is_item, last = self.current.entries[-1]
        if _introduces_practices(last):
            self.start("practices", practices_heading(last), self.line)


def drop_contents_leftovers(sections: list[ParsedSection]) -> list[ParsedSection]:
    """A contents page without its title leaves empty sections whose headings come again later."""
    later = Counter(norm(s.heading) for s in sections)
    kept = [s for s in sections if s.entries or later[norm(s.heading)] == 1]
    return kept


def policy_title(title_area: list[str]) -> str:
    """The first line of the title area that names a policy (سياسة…), else its first line."""
    for line in title_area:
        if "سياس" in norm(line):
            return line.strip(" :.-")
    return title_area[0].strip(" :.-") if title_area else DEFAULT_TITLE


def association_name(title_area: list[str], sections: list[ParsedSection]) -> str | None:
    """«جمعية …» named in the title area, else in an opening section («تضع جمعية … السياسات»)."""
    for line in title_area:
        match = _ASSOCIATION_IN_TITLE.search(line)
        if match:
            return match.group(1).strip()
    for section in sections:
        if section.kind not in ("preamble", "general_goal", "other"):
            continue
        for text in section.items:
            match = _ASSOCIATION_IN_TEXT.search(text)
            if match:
                return match.group(1).strip()
    return None
