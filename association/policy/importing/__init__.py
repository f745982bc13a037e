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

from . import approval, letterhead, procedure_rules, rules
from . import warnings as w
from .lines import Line, prepare
from .reading import MAX_LINES, MAX_PDF_PAGES, MAX_TEXT_CHARS, PolicyReadError, PolicyTooLarge, read_lines
from .repair import repair
from .report import ParsedPolicy, approval_json
from .structure import (
    DEFAULT_APPROVAL_HEADING,
    DEFAULT_PRACTICES_HEADING,
    SECTION_KINDS,
    ParsedSection,
    SectionReader,
    association_name,
    is_heading,
    policy_title,
)
from .warnings import ImportWarning

__all__ = [
    "DEFAULT_APPROVAL_HEADING",
    "DEFAULT_PRACTICES_HEADING",
    "MAX_LINES",
    "MAX_PDF_PAGES",
    "MAX_TEXT_CHARS",
    "SECTION_KINDS",
    "ImportWarning",
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
    prepared = prepare(lines)
    repaired, found, backwards = repair(prepared, is_heading)
    reader = SectionReader(repaired, source="pdf" if backwards else source)
    sections = reader.read()
    title = policy_title(reader.title_area)
    board = approval.board_approval(sections)
    found += reader.warnings
    found += _section_warnings(sections)
    found += _approval_warnings(board, sections, title, repaired)
    head = letterhead.letterhead(repaired)
    return ParsedPolicy(
        association=association_name(reader.title_area, sections),
        title=title,
        sections=sections,
        channels=rules.channels(sections, extra_channels or {}),
        tools=rules.tools(sections),
        decision_window_days=rules.decision_window(sections),
        board_approval=board,
        procedure=procedure_rules.procedure_fields(sections),
        warnings=sorted(found, key=lambda warning: warning.line),
        letterhead=head,
    )


def _section_warnings(sections: list[ParsedSection]) -> list[ImportWarning]:
    from django.utils.translation import gettext as _

    found = [
        ImportWarning(s.line, s.line_text, w.unknown_section(s.heading))
        for s in sections
        if s.kind == "other" and s.line
    ]
    kinds = {s.kind for s in sections}
    if "channels" not in kinds:
        found.append(w.warn(None, w.no_section(_("Channels"))))
    if "approval" not in kinds:
        found.append(w.warn(None, w.no_section(_("Board approval"))))
    return found


def _approval_warnings(board: dict, sections: list[ParsedSection], title: str, lines: list[Line]):
    """The approval's findings, each on the source line that holds its snippet (else the approval heading)."""
    texts = approval.approval_texts(sections)
    section = next((s for s in sections if s.kind == "approval"), None)
    found = []
    for snippet, message in approval.approval_findings(board, texts, title):
        line = next((ln for ln in lines if snippet and snippet in ln.raw), None)
        line = line or next((ln for ln in lines if snippet and snippet in ln.norm), None)
        if line is not None:
            found.append(w.warn(line, message))
        elif section is not None:
            found.append(ImportWarning(section.line, section.line_text, message))
        else:
            found.append(w.warn(None, message))
    return found


def parse_file(data: bytes, filename: str, *, extra_channels: dict[str, str] | None = None) -> ParsedPolicy:
    lines, source = read_lines(data, filename)
    return parse_policy(lines, source=source, extra_channels=extra_channels)
