"""What the importer hands back: ``ParsedPolicy`` and its JSON shape (``import_policy FILE --json``)."""

from __future__ import annotations

from dataclasses import dataclass

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


def approval_json(board_approval: dict) -> dict:
    """The board approval as the ``--json`` contract names it."""
    return {key: board_approval.get(key) for key in APPROVAL_JSON_KEYS}
