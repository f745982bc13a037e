"""Repairs on the prepared lines before they are read as structure, each one small function:

- ``tables``: a table written with «|» (``| 1 | المقابلة | الحضور إلى المقر |``): its header and rule rows are
  dropped, each other row becomes a list item (its first text cell, the other cells after «—»);
- ``unglue``: digits glued to letters («رقم3بتاريخ١٤٤٢/١/١٣هـ») are spaced out;
- ``word_order``: text copied from a PDF may hold each line's words in reverse order; a document where most
  lines read better reversed is turned back, and a line that is a heading only when reversed is turned back too;
- ``split_inline``: several numbered items or bullets written on one line («1- المقابلة 2- الهاتف») are split.

Each repair reports what it did as ``ImportWarning``s on the line it changed.
"""

from __future__ import annotations

import re

from . import warnings as w
from .lines import ARABIC, LIST_HINT, Line, norm, strip_numbering, with_text
from .warnings import ImportWarning

TABLE_CELL_SEPARATOR = " — "  # between a table row's first cell and the others (``rules.first_cell``)

# --- tables ---------------------------------------------------------------------------------------------

_RULE_ROW = re.compile(r"^[\s|:+\-–—=]+$")
_HEADER_CELLS = {
    "م",
    "#",
    "ر",
    "الرقم",
    "رقم",
    "التسلسل",
    "تسلسل",
    "القناه",
    "القنوات",
    "قناه التواصل",
    "الوصف",
    "البيان",
    "الاداه",
    "الادوات",
    "الوسيله",
    "ملاحظات",
    "الملاحظات",
    "التفاصيل",
    "الاليه",
    "المسؤول",
    "الجهه",
}
_NUMBER_CELL = re.compile(r"^[\s(]*[0-9٠-٩]{1,3}[\s).\-]*$|^[\s(]*[أابجدهوزحطي][\s).\-]*$")


def _cells(raw: str) -> list[str] | None:
    if raw.count("|") < 2 and not (raw.startswith("|") or raw.endswith("|")):
        return None
    return [cell.strip() for cell in raw.strip().strip("|").split("|")]


def _is_header(cells: list[str]) -> bool:
    texts = [norm(c).strip(" :") for c in cells if c.strip()]
    return bool(texts) and all(t in _HEADER_CELLS for t in texts)


def tables(lines: list[Line], found: list[ImportWarning]) -> list[Line]:
    out: list[Line] = []
    warned = False
    for index, line in enumerate(lines):
        cells = _cells(line.raw) if "|" in line.raw else None
        if cells is None:
            out.append(line)
            warned = False
            continue
        if _RULE_ROW.match(line.raw):
            continue
        following = lines[index + 1].raw if index + 1 < len(lines) else ""
        if _is_header(cells) or ("|" in following and _RULE_ROW.match(following)):
            continue
        texts = [c for c in cells if c and not _NUMBER_CELL.match(c) and ARABIC.search(c)]
        if not texts:
            continue
        if not warned:
            found.append(w.warn(line, w.table_row()))
            warned = True
        item = texts[0] if len(texts) == 1 else texts[0] + TABLE_CELL_SEPARATOR + "، ".join(texts[1:])
        out.append(with_text(line, item, hint=LIST_HINT))
    return out


# --- digits glued to letters ------------------------------------------------------------------------------

# A calendar mark after a date («١٤٤٥هـ», «2024م») stays on it, as written.
_GLUED = re.compile(
    r"(?<=[\u0621-\u064a])(?=[0-9٠-٩])|(?<=[0-9٠-٩])(?=[\u0621-\u064a])(?!(?:هـ|ه|م)(?:[^\u0621-\u064a]|$))"
)


_MARK_GLUED = re.compile(r"(?<=[0-9٠-٩])(\s?)(هـ|ه(?!ـ))(?=[\u0621-\u063f\u0641-\u064a])")


def _unglued(raw: str) -> str:
    raw = _MARK_GLUED.sub(r"\1\2 ", raw)  # «١٤٤٥/٠٣/٠٥هـالموافق»
    return _GLUED.sub(" ", raw)


def unglue(lines: list[Line]) -> list[Line]:
    return [
        with_text(line, _unglued(line.raw)) if _GLUED.search(line.raw) or _MARK_GLUED.search(line.raw) else line
        for line in lines
    ]


# --- word order -----------------------------------------------------------------------------------------------

# Word pairs a policy of this kind uses, as ``normalize_arabic`` folds them: read forwards in a document typed
# in order, backwards in one whose lines were copied from a PDF with their words reversed.
_PAIRS = {
    ("مع", "المستفيدين"),
    ("مع", "المستفيد"),
    ("مجلس", "الاداره"),
    ("الموقع", "الالكتروني"),
    ("التواصل", "الاجتماعي"),
    ("البحث", "الاجتماعي"),
    ("لجنه", "البحث"),
    ("للجنه", "البحث"),
    ("تقديم", "الخدمه"),
    ("رضا", "المستفيد"),
    ("في", "اجتماع"),
    ("هذه", "السياسه"),
    ("اعتماد", "السياسه"),
    ("اعتماد", "مجلس"),
    ("خلال", "مده"),
    ("لا", "تقل"),
    ("تقل", "عن"),
    ("عن", "طريق"),
    ("من", "خلال"),
    ("ما", "يلي"),
    ("كما", "يلي"),
    ("بالشكل", "التالي"),
    ("طلب", "المساعده"),
    ("الاتصالات", "الهاتفيه"),
    ("وسائل", "التواصل"),
    ("اللائحه", "الاساسيه"),
    ("الهدف", "العام"),
    ("الاهداف", "التفصيليه"),
    ("سياسه", "تنظيم"),
    ("تنظيم", "العلاقه"),
    ("العلاقه", "مع"),
    ("يتم", "التعامل"),
    ("التعامل", "مع"),
    ("القنوات", "المستخدمه"),
    ("الادوات", "المتاحه"),
    ("المملكه", "العربيه"),
    ("العربيه", "السعوديه"),
}
_WORD = re.compile(r"[\u0621-\u064a]+")


def _pair_score(norm_line: str) -> int:
    """Known pairs read forwards minus those read backwards."""
    words = _WORD.findall(norm_line)
    pairs = list(zip(words, words[1:], strict=False))
    return sum((a, b) in _PAIRS for a, b in pairs) - sum((b, a) in _PAIRS for a, b in pairs)


def _reversed(line: Line) -> Line:
    return with_text(line, " ".join(reversed(line.raw.split())))


def _heading_only_when_reversed(line: Line, is_heading) -> bool | None:
    """True: a heading only when its words are turned back; False: only as written; None: neither says."""
    forward = is_heading(strip_numbering(line.norm.strip(" :.-"))[0])
    backward = is_heading(strip_numbering(_reversed(line).norm.strip(" :.-"))[0])
    return None if forward == backward else backward


def word_order(lines: list[Line], found: list[ImportWarning], is_heading) -> tuple[list[Line], bool]:
    """The lines in the right word order, and whether the document was written backwards: its known word pairs
    and its headings read backwards clearly more often than forwards."""
    texts = [line for line in lines if ARABIC.search(line.raw) and len(line.raw.split()) >= 2]
    scores = [_pair_score(line.norm) for line in texts]
    headings = [_heading_only_when_reversed(line, is_heading) for line in texts]
    backwards = sum(1 for s in scores if s < 0) + 2 * headings.count(True)
    forwards = sum(1 for s in scores if s > 0) + 2 * headings.count(False)
    whole = backwards >= 3 and backwards > 2 * forwards
    out = []
    first_fixed = None
    for line in lines:
        if not ARABIC.search(line.raw) or len(line.raw.split()) < 2:
            out.append(line)
            continue
        score = _pair_score(line.norm)
        turn = (whole and score <= 0) or (score < 0 and _heading_only_when_reversed(line, is_heading) is not False)
        turn = turn or _heading_only_when_reversed(line, is_heading) is True
        out.append(_reversed(line) if turn else line)
        if turn and first_fixed is None:
            first_fixed = line
    if first_fixed is not None:
        found.append(w.warn(first_fixed, w.reversed_words()))
    return out, whole


# --- several items on one line -----------------------------------------------------------------------------

_INLINE_NUMBER = re.compile(r"(?:(?<=\s)|^)\(?([0-9٠-٩]{1,2})\s*[.)\-–]\s*(?=[\u0621-\u064a])")
_INLINE_BULLET = re.compile(r"\s*[•●▪■◆►➢➤❖✓✔\uf0a7\uf0b7\uf0d8\uf076\uf0fc]\s*")
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")


def _numbered_parts(raw: str) -> list[str] | None:
    matches = list(_INLINE_NUMBER.finditer(raw))
    if len(matches) < 2:
        return None
    values = [int(m.group(1).translate(_DIGITS)) for m in matches]
    if any(b != a + 1 for a, b in zip(values, values[1:], strict=False)):
        return None
    starts = [m.start() for m in matches]
    parts = [raw[a:b] for a, b in zip(starts, [*starts[1:], len(raw)], strict=False)]
    head = raw[: starts[0]].strip()
    if head:
        if not ARABIC.search(head):
            return None
        parts.insert(0, head)
    return [p.strip() for p in parts if p.strip()]


def _bulleted_parts(raw: str) -> list[str] | None:
    pieces = [p.strip() for p in _INLINE_BULLET.split(raw)]
    pieces = [p for p in pieces if p]
    if len(pieces) < 2 or len(_INLINE_BULLET.findall(raw)) < 2:
        return None
    return ["• " + p for p in pieces]


def split_inline(lines: list[Line], found: list[ImportWarning]) -> list[Line]:
    out = []
    for line in lines:
        parts = _numbered_parts(line.raw) or _bulleted_parts(line.raw) if ARABIC.search(line.raw) else None
        if not parts or len(parts) < 2:
            out.append(line)
            continue
        numbered = sum(1 for part in parts if strip_numbering(part)[1])
        found.append(w.warn(line, w.split_items(numbered or len(parts))))
        out.extend(with_text(line, part) for part in parts)
    return out


def repair(lines: list[Line], is_heading) -> tuple[list[Line], list[ImportWarning], bool]:
    """The repaired lines, what was repaired, and whether the text was written backwards (read it as a PDF's)."""
    found: list[ImportWarning] = []
    lines = tables(lines, found)
    lines, backwards = word_order(lines, found, is_heading)
    lines = unglue(lines)
    lines = split_inline(lines, found)
    return lines, found, backwards
