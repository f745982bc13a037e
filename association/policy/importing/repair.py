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
        item = texts[0] if len(texts) == 1 else f"{texts[0]} — {'، '.join(texts[1:])}"
        out.append(with_text(line, item, hint=LIST_HINT))
    return out


# --- digits glued to letters ------------------------------------------------------------------------------

_GLUED = re.compile(r"(?<=[\u0621-\u064a])(?=[0-9٠-٩])|(?<=[0-9٠-٩])(?=[\u0621-\u064a])")


def unglue(lines: list[Line]) -> list[Line]:
    return [with_text(line, _GLUED.sub(" ", line.raw)) if _GLUED.search(line.raw) else line for line in lines]


# --- word order -----------------------------------------------------------------------------------------------

# Words that come before their complement («في الجمعية», «مع المستفيدين»): in a line written backwards the
# complement comes first.
_LEADING_WORDS = {"في", "من", "على", "الى", "مع", "عن", "لدى", "حتى", "بين", "خلال", "الي", "عبر", "نحو"}


def _order_score(norm_line: str) -> int:
    """Positive: the words read forwards; negative: backwards; 0: no evidence."""
    words = norm_line.split()
    score = 0
    for i, word in enumerate(words):
        if word not in _LEADING_WORDS:
            continue
        after = words[i + 1] if i + 1 < len(words) else ""
        before = words[i - 1] if i else ""
        if after.startswith(("ال", "وال", "بال", "لل")):
            score += 1
        elif before.startswith(("ال", "وال", "بال", "لل")) or not after:
            score -= 1
    return score


def _reversed(line: Line) -> Line:
    return with_text(line, " ".join(reversed(line.raw.split())))


def word_order(lines: list[Line], found: list[ImportWarning], is_heading) -> tuple[list[Line], bool]:
    """The lines in the right word order, and whether the document was written backwards."""
    scores = [_order_score(line.norm) for line in lines if ARABIC.search(line.raw)]
    backwards = sum(1 for s in scores if s < 0)
    forwards = sum(1 for s in scores if s > 0)
    whole = backwards >= 3 and backwards > 2 * forwards
    out = []
    first_fixed = None
    for line in lines:
        if not ARABIC.search(line.raw) or len(line.raw.split()) < 2:
            out.append(line)
            continue
        turned = _reversed(line)
        if whole or (
            not is_heading(strip_numbering(line.norm)[0]) and is_heading(strip_numbering(turned.norm)[0])
        ):
            out.append(turned)
            first_fixed = first_fixed or line
        else:
            out.append(line)
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
        found.append(w.warn(line, w.split_items(len(parts))))
        out.extend(with_text(line, part) for part in parts)
    return out


def repair(lines: list[Line], is_heading) -> tuple[list[Line], list[ImportWarning], bool]:
    """The repaired lines, what was repaired, and whether the text was written backwards (read it as a PDF's)."""
    found: list[ImportWarning] = []
    lines = tables(lines, found)
    lines = unglue(lines)
    lines, backwards = word_order(lines, found, is_heading)
    lines = split_inline(lines, found)
    return lines, found, backwards
