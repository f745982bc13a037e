"""Hostile uploads, built in the test: small files that open into huge workbooks, documents or PDFs.

Each is a real file of its kind (a minimal workbook or document made by openpyxl / python-docx, whose
main part is replaced), so a reader that does not check what it inflates really pays for it.
"""

import io
import zipfile

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _replace_parts(original: bytes, parts: dict[str, bytes]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(original))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for info in source.infolist():
            archive.writestr(info.filename, parts.pop(info.filename, None) or source.read(info.filename))
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


def _workbook() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["رقم الهوية"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet(rows_xml: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>{rows_xml}</sheetData></worksheet>'
    ).encode()


def _row(number: int | None, values: list[str]) -> str:
    """A row; without a number, rows and cells carry no reference (allowed: they follow one another),
    so identical rows compress to almost nothing."""
    if number is None:
        return "<row>" + "".join(f'<c t="inlineStr"><is><t>{value}</t></is></c>' for value in values) + "</row>"
    cells = "".join(
        f'<c r="{_column(i)}{number}" t="inlineStr"><is><t>{value}</t></is></c>' for i, value in enumerate(values)
    )
    return f'<row r="{number}">{cells}</row>'


def _column(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def xlsx_rows(count: int, values: list[str], *, numbered: bool = True) -> bytes:
    """A workbook of ``count`` rows, all alike."""
    rows = "".join(_row(n if numbered else None, values) for n in range(1, count + 1))
    return _replace_parts(_workbook(), {"xl/worksheets/sheet1.xml": _sheet(rows)})


def xlsx_padding(megabytes: int) -> bytes:
    """One row, then megabytes of blank space in the sheet: a compression ratio in the thousands."""
    rows = _row(1, ["رقم الهوية"]) + " " * (megabytes * 1024 * 1024)
    return _replace_parts(_workbook(), {"xl/worksheets/sheet1.xml": _sheet(rows)})


def xlsx_wide(columns: int, rows: int = 3) -> bytes:
    return _replace_parts(
        _workbook(), {"xl/worksheets/sheet1.xml": _sheet("".join(_row(n, ["x"] * columns) for n in range(1, rows + 1)))}
    )


def docx_paragraphs(count: int) -> bytes:
    """A .docx whose body is ``count`` short paragraphs."""
    import docx

    document = docx.Document()
    document.add_paragraph("سياسة تنظيم العلاقة مع المستفيدين")
    buffer = io.BytesIO()
    document.save(buffer)
    original = buffer.getvalue()
    xml = zipfile.ZipFile(io.BytesIO(original)).read("word/document.xml").decode()
    head, _body, tail = xml.partition("<w:body>")
    paragraph = "<w:p><w:r><w:t>يلتزم الموظف بخدمة المستفيد</w:t></w:r></w:p>"
    return _replace_parts(original, {"word/document.xml": (head + "<w:body>" + paragraph * count + tail).encode()})


def pdf_pages(count: int) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(count):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def png_pixels(width: int, height: int) -> bytes:
    """A PNG whose header declares ``width`` × ``height`` one-bit pixels, with a few rows of data: a few
    hundred bytes that a decoder would inflate into width × height / 8 bytes (or far more once converted)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = zlib.compress(b"\x00" + b"\x00" * ((width + 7) // 8) * 4)
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
