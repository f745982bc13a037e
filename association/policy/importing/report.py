"""What the importer hands back: ``ParsedPolicy`` and its JSON shape (``import_policy FILE --json``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ...kernel.dates import hijri_to_gregorian
from .structure import ParsedSection

# The board approval as the ``--json`` contract names it (the session and the signatory's title are read too,
# for the draft, but are not part of the contract).
APPROVAL_JSON_KEYS = ("meeting", "decision_number", "date_gregorian", "date_hijri", "signatory")


@dataclass
class ParsedPolicy:
    association: str | None
    title: str
    sections: list[ParsedSection]
    channels: list[str]
    tools: list[str]
    decision_window_days: int | None
    board_approval: dict
    procedure: dict = field(default_factory=dict)  # the procedure profile (``procedure_rules``)

    def as_json(self) -> dict:
        return {
            "association": self.association,
            "title": self.title,
            "sections": [{"kind": s.kind, "heading": s.heading, "items": s.items} for s in self.sections],
            "channels": self.channels,
            "tools": self.tools,
            "decision_window_days": self.decision_window_days,
            "board_approval": approval_json(self.board_approval),
            "procedure": self.procedure,
        }

    @property
    def approval_date(self) -> dt.date | None:
        """The board approval's day (Gregorian), from either calendar the document wrote."""
        approval = self.board_approval
        if approval.get("date_gregorian"):
            return dt.date.fromisoformat(approval["date_gregorian"])
        if approval.get("date_hijri"):
            return hijri_to_gregorian(*(int(part) for part in approval["date_hijri"].split("-")))
        return None

    def version_data(self) -> dict:
        """What a draft version takes from the file (``PolicyVersion`` field values): one mapping for the
        import command and the import screen's preview."""
        approval = self.board_approval
        return {
            "title": self.title,
            "association_name": self.association or "",
            "channels": self.channels,
            "tools": self.tools,
            "decision_window_days": self.decision_window_days,
            "board_meeting": approval.get("meeting"),
            "board_session": approval.get("session"),
            "decision_number": approval.get("decision_number") or "",
            "approval_date": self.approval_date,
            "signatory_name": approval.get("signatory") or "",
            "signatory_title": approval.get("signatory_title") or "",
            **self.procedure,
        }

    def section_data(self) -> list[dict]:
        """The sections as a draft stores them: paragraphs and list items apart."""
        return [
            {"kind": s.kind, "heading": s.heading, "paragraphs": s.paragraphs, "items": s.list_items}
            for s in self.sections
        ]


def approval_json(board_approval: dict) -> dict:
    """The board approval as the ``--json`` contract names it."""
    return {key: board_approval.get(key) for key in APPROVAL_JSON_KEYS}
