"""Arabic text folding for search and matching (DESIGN.md "Domain API" names it
``beneficiaries.search.normalize_arabic``: that module re-exports this one)."""

import re
import unicodedata

from .text import to_ascii_digits

_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ؤ": "و", "ئ": "ي"})
_TATWEEL = "\u0640"
_SPACES = re.compile(r"\s+")


def normalize_arabic(text) -> str:
    """Fold the letter variants people type interchangeably so a search finds every spelling.

    أ إ آ ٱ → ا, ة → ه, ى → ي, ؤ → و, ئ → ي; removes tatweel and diacritics (harakat, shadda,
    superscript alef); collapses spaces; Arabic-Indic digits → ASCII.
    """
    if not text:
        return ""
    text = str(text).replace(_TATWEEL, "")
    # Diacritics are combining marks (category Mn): fatha, damma, kasra, sukun, shadda, tanween…
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = to_ascii_digits(text.translate(_FOLD))
    return _SPACES.sub(" ", text).strip().lower()
