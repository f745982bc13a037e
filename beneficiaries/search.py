"""Arabic-aware search over the registry."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from association.text import to_ascii_digits

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


def search_beneficiaries(queryset: QuerySet, query: str) -> QuerySet:
    """Find by national ID (whole or last digits), mobile in any format, or Arabic name fragments."""
    from .validators import normalize_mobile, strip_separators

    normalized = normalize_arabic(query)
    if not normalized:
        return queryset.none()
    # The same separators the ID, mobile and IBAN fields accept (a number copied out of an RTL page
    # carries bidi marks).
    compact = strip_separators(normalized).replace("+", "")
    if compact.isdigit():
        condition = Q(national_id__startswith=compact) | Q(national_id__endswith=compact)
        try:
            condition |= Q(mobile=normalize_mobile(compact))
        except ValidationError:
            if len(compact) >= 4:
                condition |= Q(mobile__endswith=compact.lstrip("0"))
        return queryset.filter(condition)
    # Every word must appear in the normalised name, in any order: «محمد العتيبي» finds «محمد بن سعد العتيبي».
    condition = Q()
    for word in normalized.split(" "):
        condition &= Q(name_normalized__contains=word)
    return queryset.filter(condition)
