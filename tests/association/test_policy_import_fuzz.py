"""The import never crashes, whatever shape a document takes: a few hundred variants of the self-written shape
documents with shuffled spacing, other numbering styles (Arabic-Indic, Latin, letters, bullets), lines broken or
joined, table pipes, reversed lines and random deletions. Seeded, so a failure is reproducible."""

import random
import re
from pathlib import Path

import pytest
from django.utils import translation

from association.policy.importing import SECTION_KINDS, parse_policy

SHAPES = Path(__file__).parent / "policy_shapes"
DOCUMENTS = sorted(SHAPES.glob("*.txt"))
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
LETTERS = "أبجدهوزحطي"
BULLETS = ["-", "•", "●", "▪", "■", "➢", "\uf0b7", "o", "*", "✓"]
_NUMBERING = re.compile(r"^\s*(?:[-•●▪■*]|\(?\d{1,2}\s*[.)\-]|[٠-٩]{1,2}\s*[.)\-])\s*")


def _renumber(line: str, index: int, rng: random.Random) -> str:
    body = _NUMBERING.sub("", line)
    style = rng.randrange(7)
    if style == 0:
        return f"{index}. {body}"
    if style == 1:
        return f"{str(index).translate(ARABIC_INDIC)}) {body}"
    if style == 2:
        return f"{LETTERS[index % len(LETTERS)]}- {body}"
    if style == 3:
        return f"{rng.choice(BULLETS)} {body}"
    if style == 4:
        return f"({index}){body}"
    if style == 5:
        return f"{body} {index}."  # numbering moved to the end, as a PDF's text layer does
    return body


def _mutate(line: str, index: int, rng: random.Random) -> list[str]:
    roll = rng.random()
    if roll < 0.08:
        return []  # deleted
    if roll < 0.2 and line.strip():
        return [_renumber(line, index, rng)]
    if roll < 0.28:
        words = line.split()
        cut = rng.randrange(len(words) + 1) if words else 0
        return [" ".join(words[:cut]), " ".join(words[cut:])]  # a line broken in two
    if roll < 0.34:
        return [" ".join(reversed(line.split()))]  # words reversed
    if roll < 0.4:
        return [re.sub(r"\s+", lambda _m: " " * rng.randint(0, 4) + rng.choice(["", "\t", "\u00a0"]), line)]
    if roll < 0.45:
        return ["| " + " | ".join(line.split(" ", 2)) + " |"]
    if roll < 0.5:
        return [line + " " + rng.choice(["ما يلي:", "مايلي:", "التالي:", ":", ".", "هـ", "1442/01/13هـ"])]
    if roll < 0.53:
        return ["", line, ""]
    return [line]


def _variant(seed: int) -> list[str]:
    rng = random.Random(seed)
    lines = DOCUMENTS[seed % len(DOCUMENTS)].read_text(encoding="utf-8").splitlines()
    if rng.random() < 0.3:  # two documents glued together
        lines += DOCUMENTS[(seed * 7 + 3) % len(DOCUMENTS)].read_text(encoding="utf-8").splitlines()
    out: list[str] = []
    for index, line in enumerate(lines, start=1):
        out.extend(_mutate(line, index, rng))
    if rng.random() < 0.2:
        out = [" ".join(out)]  # every line break lost
    return out


@pytest.mark.parametrize("chunk", range(6))
def test_the_import_never_crashes_on_shuffled_documents(chunk):
    with translation.override("ar"):
        for seed in range(chunk * 50, chunk * 50 + 50):
            lines = _variant(seed)
            parsed = parse_policy(lines, source="pdf" if seed % 5 == 0 else "txt")
            data = parsed.as_json()
            assert all(section["kind"] in SECTION_KINDS for section in data["sections"]), seed
            assert all(w["line"] <= len(lines) and isinstance(w["message"], str) for w in data["warnings"]), seed
            assert data["decision_window_days"] is None or 0 < data["decision_window_days"] <= 365, seed
            assert isinstance(data["letterhead"]["ibans"], list), seed
            parsed.version_data()  # the draft's values are computed without error


def test_the_variants_are_not_all_the_same():
    """The fuzz does change the documents (a mutation that did nothing would test nothing)."""
    originals = {tuple(p.read_text(encoding="utf-8").splitlines()) for p in DOCUMENTS}
    changed = sum(tuple(_variant(seed)) not in originals for seed in range(60))
    assert changed >= 55
