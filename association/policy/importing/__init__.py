"""Read a beneficiary relationship policy from a .txt, .docx or .pdf file.

The policies associations publish share one structure, whatever their wording and layout: a title,
then sections under Arabic headings (تمهيد، الهدف العام، الأهداف التفصيلية، القنوات، الأدوات، ويتم
التعامل مع المستفيد…، اعتماد مجلس الإدارة), each made of paragraphs and list items. The reader
works on that structure, not on any one document's text, in four steps, one module each:

1. ``reading``: every reader turns its file into plain lines (``.docx`` paragraphs *and* table cells;
   ``.pdf`` page text), within bounds;
2. ``lines``: bidi marks removed, letterhead noise recognised (IBANs, e-mails, spaced-out phone numbers,
   bank names, empty الرقم/التاريخ/المرفقات labels, the basmala, lines repeated on every page), numbering
   taken off (١) 1. 1- - • o ■ أولاً:);
3. ``structure``: the table of contents dropped, headings recognised on normalised Arabic by keyword, the
   rest placed as paragraphs and list items of the current section; a line that continues the previous one
   (a wrapped line, or a line cut by a page break) is joined to it;
4. ``rules`` (channels by keyword sets, tools, the decision window read from the procedure text) and
   ``approval`` (meeting, decision, dates — through ``association.kernel.dates``, the one Hijri parser —
   and signatory).

PDF extraction may reverse digit runs and move numbering to the other end of a line; dates are therefore
read in both directions and only a plausible reading is kept. ``report`` holds the result's shape.
"""

from __future__ import annotations

from . import approval, procedure_rules, rules
from .lines import prepare
from .reading import MAX_LINES, MAX_PDF_PAGES, MAX_TEXT_CHARS, PolicyReadError, PolicyTooLarge, read_lines
from .report import ParsedPolicy, approval_json
from .structure import (
    DEFAULT_APPROVAL_HEADING,
    DEFAULT_PRACTICES_HEADING,
    SECTION_KINDS,
    ParsedSection,
    SectionReader,
    association_name,
    policy_title,
)

__all__ = [
    "DEFAULT_APPROVAL_HEADING",
    "DEFAULT_PRACTICES_HEADING",
    "MAX_LINES",
    "MAX_PDF_PAGES",
    "MAX_TEXT_CHARS",
    "SECTION_KINDS",
    "ParsedPolicy",
    "ParsedSection",
    "PolicyReadError",
    "PolicyTooLarge",
    "approval_json",
    "parse_file",
    "parse_policy",
    "read_lines",
]


def parse_policy(
    lines: list[str], *, source: str = "txt", extra_channels: dict[str, str] | None = None
) -> ParsedPolicy:
    """Parse the lines of a policy into sections and the data that configures the portal.

    ``source`` is "txt", "docx" or "pdf" (see ``read_lines``); ``extra_channels`` maps the codes of channels
    the association added to their Arabic names."""
    reader = SectionReader(prepare(lines), source=source)
    sections = reader.read()
    return ParsedPolicy(
        association=association_name(reader.title_area, sections),
        title=policy_title(reader.title_area),
        sections=sections,
        channels=rules.channels(sections, extra_channels or {}),
        tools=rules.tools(sections),
        decision_window_days=rules.decision_window(sections),
        board_approval=approval.board_approval(sections),
        procedure=procedure_rules.procedure_fields(sections),
    )


def parse_file(data: bytes, filename: str, *, extra_channels: dict[str, str] | None = None) -> ParsedPolicy:
    lines, source = read_lines(data, filename)
    return parse_policy(lines, source=source, extra_channels=extra_channels)
