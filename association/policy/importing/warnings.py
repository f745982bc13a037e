"""What the import tells the manager about the document: one ``ImportWarning`` a finding, with the source line.

The messages are the user's language (Arabic first); ``import_policy --json`` prints them in Arabic."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class ImportWarning:
    line: int  # 1-based line of the source (0: the document as a whole)
    text: str  # that line as written
    message: str

    def as_json(self) -> dict:
        return {"line": self.line, "text": self.text, "message": self.message}


def warn(line, message: str) -> ImportWarning:
    """A warning about a prepared ``Line`` (or ``None``: the document as a whole)."""
    if line is None:
        return ImportWarning(0, "", message)
    return ImportWarning(line.number, line.source, message)


def reversed_words() -> str:
    return _(
        "The words of this line and the lines like it were in reverse order (text copied from a PDF); "
        "they were read in the right order. Check the sections below."
    )


def split_items(count: int) -> str:
    return _("This line held %(count)s list items written one after the other; they were read as separate items.") % {
        "count": count
    }


def table_row() -> str:
    return _("A table row written with «|»: its first cell was read as the item.")


def heading_on_item_line(heading: str) -> str:
    return _("The heading «%(heading)s» shares this line with the item before it; it was read as a new section.") % {
        "heading": heading
    }


def numbering_gap(last: int, found: int) -> str:
    return _("The numbering jumps from %(last)s to %(found)s: an item may be missing here.") % {
        "last": last,
        "found": found,
    }


def no_section(kind_label: str) -> str:
    return _("The document has no «%(section)s» section that the import recognised.") % {"section": kind_label}


def unknown_section(heading: str) -> str:
    return _("The section «%(heading)s» is not one the portal knows; it is kept as «Other».") % {"heading": heading}


def date_blank() -> str:
    return _("The approval date is left blank in the document; enter it from the board's minutes.")


def other_policy(named: str) -> str:
    return _("The approval sentence names another policy («%(named)s»); check that this is the right approval.") % {
        "named": named
    }


def hijri_gregorian_differ(hijri: str, gregorian: str, days: int) -> str:
    return _(
        "The Hijri date (%(hijri)s) and the Gregorian date (%(gregorian)s) are not the same day: they are "
        "%(days)s days apart."
    ) % {"hijri": hijri, "gregorian": gregorian, "days": days}


def weekday_mismatch(written: str, actual: str) -> str:
    return _("The document says «%(written)s», but that date is a %(actual)s.") % {"written": written, "actual": actual}


def name_differs(document: str, profile: str) -> str:
    return _("The document names the association «%(document)s», but the association profile says «%(profile)s».") % {
        "document": document,
        "profile": profile,
    }
