"""Reading a policy file into plain lines: ``.txt`` (UTF-8, UTF-16 or Windows-1256), ``.docx`` (paragraphs
*and* table cells, with heading and list hints) and ``.pdf`` (the page text layer).

Every reader is bounded: a hostile or mistaken upload is refused early (``PolicyTooLarge``, with a message for
the user) instead of costing minutes of CPU; a file that is not what it claims is ``PolicyReadError``.
"""

from __future__ import annotations

import io

from .lines import ARABIC, HEADING_HINT, LIST_HINT

# A policy is a few pages: the two examples have about 120 lines each. These bounds stop a hostile or
# mistaken upload early (a 326 KB .docx declaring 100,000 paragraphs used to cost minutes of CPU).
MAX_LINES = 5000
MAX_PDF_PAGES = 100
MAX_TEXT_CHARS = 2_000_000
_TEXT_ENCODINGS = ("utf-8-sig", "utf-16", "cp1256")


class PolicyReadError(ValueError):
    """The file is not a readable .txt, .docx or .pdf."""


class PolicyTooLarge(PolicyReadError):
    """The file is refused before being read in full; ``message`` says why, in the user's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _too_long() -> PolicyTooLarge:
    from django.utils.translation import gettext as _

    return PolicyTooLarge(
        _(
            "The file has more than %(limit)s lines of text; a policy document is much shorter. Check that "
            "this is the right file."
        )
        % {"limit": MAX_LINES}
    )


def _too_many_pages() -> PolicyTooLarge:
    from django.utils.translation import gettext as _

    return PolicyTooLarge(
        _(
            "The PDF has more than %(limit)s pages; a policy document is much shorter. Check that "
            "this is the right file."
        )
        % {"limit": MAX_PDF_PAGES}
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
        return docx_lines(data), "docx"
    if name.endswith(".pdf") or data[:5] == b"%PDF-":
        return pdf_lines(data), "pdf"
    if name.endswith((".txt", ".text", ".md")) or not name.rpartition(".")[1]:
        return text_lines(data), "txt"
    raise PolicyReadError(f"unsupported file type: {filename}")


# --- .txt ------------------------------------------------------------------------------------------------


def _decode(data: bytes) -> str | None:
    for encoding in _TEXT_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-16" and not ARABIC.search(text):
            continue  # almost any even-length bytes decode as UTF-16: only Arabic text proves it
        return text
    return None


def text_lines(data: bytes) -> list[str]:
    text = _decode(data)
    if text is None:
        raise PolicyReadError("the text file is in an unknown encoding")
    if len(text) > MAX_TEXT_CHARS:
        raise _too_long()
    return _bounded(text.splitlines())


# --- .docx -----------------------------------------------------------------------------------------------


def _docx_limits():
    from ...kernel.uploads import MB, ZipLimits

    # Its XML parts are parsed whole by python-docx: the largest (document.xml, about 1 MB for a long
    # policy as Word saves it) is bounded; images add to the total but are not parsed.
    return ZipLimits(max_total=40 * MB, max_member=5 * MB, max_members=1000, max_ratio=100)


def _check_docx_package(data: bytes) -> None:
    import zipfile

    from django.core.exceptions import ValidationError

    from ...kernel.uploads import check_zip

    try:
        check_zip(data, _docx_limits())
    except ValidationError as exc:
        raise PolicyTooLarge(" ".join(exc.messages)) from None
    except zipfile.BadZipFile as exc:
        raise PolicyReadError(f"not a readable .docx file: {exc}") from exc


def docx_lines(data: bytes) -> list[str]:
    _check_docx_package(data)
    return _DocxReader(data).lines()


class _DocxReader:
    """Paragraphs in document order, then each table's cells row by row (nested tables inside their cell)."""

    def __init__(self, data: bytes):
        try:
            import docx
            from docx.enum.style import WD_STYLE_TYPE
            from docx.table import Table
            from docx.text.paragraph import Paragraph
        except ImportError as exc:  # pragma: no cover - python-docx is a pinned dependency
            raise PolicyReadError(str(exc)) from exc
        self.Paragraph, self.Table = Paragraph, Table
        try:
            self.document = docx.Document(io.BytesIO(data))
            # Style names resolved once: python-docx's paragraph.style scans every style of the document for
            # each paragraph (2 ms a paragraph: minutes for a long file).
            self.style_names = {style.style_id: (style.name or "").lower() for style in self.document.styles}
            default_style = self.document.styles.default(WD_STYLE_TYPE.PARAGRAPH)
        except Exception as exc:  # python-docx raises several types for a broken package
            raise PolicyReadError(f"not a readable .docx file: {exc}") from exc
        self.default_name = (default_style.name or "").lower() if default_style is not None else ""
        self._lines: list[str] = []

    def lines(self) -> list[str]:
        for block in self._blocks(self.document):
            if isinstance(block, self.Paragraph):
                self._add(self._paragraph_line(block))
            else:
                self._walk_table(block)
        # A soft line break inside a paragraph is not a new entry: join it.
        return [line.replace("\n", " ") for line in self._lines]

    def _add(self, line: str) -> None:
        self._lines.append(line)
        if len(self._lines) > MAX_LINES:
            raise _too_long()

    def _style(self, paragraph) -> str:
        style_id = paragraph._p.style
        return self.style_names.get(style_id, self.default_name) if style_id else self.default_name

    def _paragraph_line(self, paragraph) -> str:
        text = paragraph.text
        style = self._style(paragraph)
        ppr = paragraph._p.pPr
        if style.startswith(("heading", "title")) and text.strip():
            return HEADING_HINT + text
        if (ppr is not None and ppr.numPr is not None) or "list" in style:
            return LIST_HINT + text
        return text

    def _walk_table(self, table) -> None:
        # Letterhead and layout tables: read every cell once, row by row; merged cells repeat in
        # python-docx's row.cells, so each underlying cell is read only the first time.
        # Each cell is an entry of its own (a list item when it sits inside a section).
        seen = set()  # the elements themselves: kept alive, lxml hands back the same proxy for each
        for row in table.rows:
            for cell in row.cells:
                if cell._tc not in seen:
                    seen.add(cell._tc)
                    self._read_cell(cell)

    def _read_cell(self, cell) -> None:
        for block in self._blocks(cell):
            if isinstance(block, self.Paragraph):
                line = self._paragraph_line(block)
                self._add(line if line[:1] in (HEADING_HINT, LIST_HINT) else LIST_HINT + line)
            else:
                self._walk_table(block)
        self._add("")

    def _blocks(self, parent):
        element = parent._tc if hasattr(parent, "_tc") else parent.element.body
        for child in element.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                yield self.Paragraph(child, parent)
            elif tag == "tbl":
                yield self.Table(child, parent)


# --- .pdf ------------------------------------------------------------------------------------------------


def _pdf_bounds() -> dict:
    """pypdf's own bounds, tightened for a document of a few pages: what one stream may inflate to, how
    much work parsing one page's content may take, how large the page tree may be."""
    return {
        "zlib_maximum_output_length": 20_000_000,
        "lzw_maximum_output_length": 20_000_000,
        "run_length_maximum_output_length": 20_000_000,
        "brotli_maximum_output_length": 20_000_000,
        "stream_decoding_work_maximum_length": 50_000_000,
        "stream_parsing_work_maximum_count": 500_000,
        "page_tree_maximum_entries": MAX_PDF_PAGES * 10,
        "page_tree_maximum_page_entries": MAX_PDF_PAGES * 10,
    }


def pdf_lines(data: bytes) -> list[str]:
    from pypdf import apply_configuration
    from pypdf.errors import PdfReadError, PyPdfError

    with apply_configuration(**_pdf_bounds()):
        try:
            return _read_pdf(data)
        except PolicyReadError:
            raise
        except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
            raise PolicyReadError(f"not a readable .pdf file: {exc}") from exc


def _read_pdf(data: bytes) -> list[str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    # The declared count first (one number), then the pages actually found.
    declared = reader.trailer["/Root"]["/Pages"].get("/Count", 0)
    if not isinstance(declared, int) or declared > MAX_PDF_PAGES or len(reader.pages) > MAX_PDF_PAGES:
        raise _too_many_pages()
    lines: list[str] = []
    characters = 0
    for page in reader.pages:
        text = page.extract_text() or ""
        characters += len(text)
        if characters > MAX_TEXT_CHARS:
            raise _too_long()
        lines.extend(text.splitlines())
        lines.append("")
        _bounded(lines)
    return lines
