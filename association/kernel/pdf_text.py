"""Repair the text layer of PDFs drawn with Amiri.

WeasyPrint writes one ToUnicode entry per glyph, taken from the first cluster the glyph appears
in. Amiri shapes some letters as two glyphs (``خ`` before ``ي`` becomes the letter plus an inserted
connecting glyph, through a multiple substitution); when such a cluster comes first, the letter's
glyph is recorded as "no text" and the connector as ``خ``. From then on every ``خ`` drawn with that
glyph vanishes from the text layer (``الخضراء`` extracts as ``الضراء``), and search and copy fail.

The font itself says which glyph stands for which letter: glyphs reached from the character map
through single substitutions (initial/medial/final forms) are that letter; glyphs that only ever
appear as the inserted part of a multiple substitution (connectors, kashidas) are not text. This module rewrites the
ToUnicode maps of the embedded Amiri fonts accordingly. WeasyPrint keeps the original glyph ids in
its subsets, so the ids in the PDF are the ids of the installed font file.
"""

import io
import re
from collections import defaultdict
from functools import lru_cache

# The PostScript names WeasyPrint writes as BaseFont (after the subset tag) → installed font files.
AMIRI_FILES = {
    "Amiri": "Amiri-Regular.ttf",
    "Amiri-Regular": "Amiri-Regular.ttf",
    "Amiri-Bold": "Amiri-Bold.ttf",
    "Amiri-Italic": "Amiri-Italic.ttf",
    "Amiri-BoldItalic": "Amiri-BoldItalic.ttf",
}
_PRESENTATION_FORMS = (("\ufb50", "\ufdff"), ("\ufe70", "\ufeff"))
_BFCHAR = re.compile(rb"<([0-9a-fA-F]{4})>\s*<([0-9a-fA-F]*)>")


def _font_path(base_font: str) -> str | None:
    from django.contrib.staticfiles import finders

    name = base_font.lstrip("/").split("+", 1)[-1]
    filename = AMIRI_FILES.get(name)
    return finders.find(f"fonts/amiri/{filename}") if filename else None


def _is_presentation_form(char: str) -> bool:
    return any(low <= char <= high for low, high in _PRESENTATION_FORMS)


@lru_cache(maxsize=8)
def glyph_letters(path: str) -> tuple[dict[int, str], frozenset[int]]:
    """(glyph id → the one letter it draws, glyph ids that are never text) for a font file."""
    from fontTools.ttLib import TTFont

    font = TTFont(path, lazy=True)
    ids = {name: index for index, name in enumerate(font.getGlyphOrder())}
    sources: dict[str, set[str]] = defaultdict(set)
    for codepoint, name in font.getBestCmap().items():
        sources[name].add(chr(codepoint))
    singles, multiples = _substitutions(font)
    _spread_letters(sources, _letter_paths(singles, multiples))
    inserted = {glyph for mapping in multiples for sequence in mapping.values() for glyph in sequence[1:]}
    return _letters(sources, ids), _not_text(inserted, sources, ids)


def _substitutions(font) -> tuple[list[dict[str, str]], list[dict[str, list[str]]]]:
    """The font's GSUB mappings: single (and alternate: its first choice) glyph → glyph, and multiple
    glyph → sequence."""
    singles: list[dict[str, str]] = []
    multiples: list[dict[str, list[str]]] = []
    if "GSUB" not in font:
        return singles, multiples
    for lookup in font["GSUB"].table.LookupList.Lookup:
        for subtable in lookup.SubTable:
            kind, subtable = _unwrapped(lookup.LookupType, subtable)
            if kind == 1:
                singles.append(subtable.mapping)
            elif kind == 3:
                singles.append({src: alternates[0] for src, alternates in subtable.alternates.items()})
            elif kind == 2:
                multiples.append(subtable.mapping)
    return singles, multiples


def _unwrapped(kind: int, subtable):
    """An extension subtable (lookup type 7) holds the real one."""
    if kind == 7:
        return subtable.ExtSubTable.LookupType, subtable.ExtSubTable
    return kind, subtable


def _letter_paths(singles, multiples) -> list[tuple[str, str]]:
    """(glyph, glyph it becomes) pairs that keep the letter: single substitutions, and the first glyph of a
    multiple one (the rest is inserted)."""
    pairs = [(src, dst) for mapping in singles for src, dst in mapping.items()]
    pairs += [(src, sequence[0]) for mapping in multiples for src, sequence in mapping.items() if sequence]
    return pairs


def _spread_letters(sources: dict[str, set[str]], pairs: list[tuple[str, str]]) -> None:
    """The closure: forms of forms of a letter are that letter."""
    changed = True
    while changed:
        changed = False
        for src, dst in pairs:
            if sources[src] - sources[dst]:
                sources[dst] |= sources[src]
                changed = True


def _letters(sources: dict[str, set[str]], ids: dict[str, int]) -> dict[int, str]:
    letters = {}
    for name, chars in sources.items():
        base = {c for c in chars if not _is_presentation_form(c)}
        if len(base) == 1 and name in ids:
            letters[ids[name]] = base.pop()
    return letters


def _not_text(inserted: set[str], sources: dict[str, set[str]], ids: dict[str, int]) -> frozenset[int]:
    """Inserted connectors (and kashidas, which decorate but are not text) carry no text of their own."""
    return frozenset(ids[name] for name in inserted if name in ids and sources.get(name, set()) <= {"\u0640"})


def _repair_cmap(data: bytes, letters: dict[int, str], not_text: frozenset[int]) -> bytes:
    def replace(match):
        gid = int(match.group(1), 16)
        text = bytes.fromhex(match.group(2).decode()).decode("utf-16-be", errors="replace")
        if gid in not_text and len(text) <= 1:
            text = ""
        elif not text and gid in letters:
            text = letters[gid]
        return b"<" + match.group(1) + b"> <" + text.encode("utf-16-be").hex().upper().encode() + b">"

    return _BFCHAR.sub(replace, data)


def repair_text_layer(pdf: bytes) -> bytes:
    """The same PDF with the ToUnicode maps of its Amiri fonts corrected (see the module docstring)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter(clone_from=reader)
    done: set[int] = set()
    changed = False
    for page in writer.pages:
        resources = page.get("/Resources")
        fonts = resources.get_object().get("/Font") if resources else None
        if not fonts:
            continue
        for ref in fonts.get_object().values():
            font = ref.get_object()
            to_unicode = font.get(NameObject("/ToUnicode"))
            path = _font_path(str(font.get("/BaseFont", "")))
            if to_unicode is None or path is None or id(to_unicode.get_object()) in done:
                continue
            stream = to_unicode.get_object()
            done.add(id(stream))
            letters, not_text = glyph_letters(path)
            original = stream.get_data()
            repaired = _repair_cmap(original, letters, not_text)
            if repaired != original:
                stream.set_data(repaired)
                changed = True
    if not changed:
        return pdf
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
