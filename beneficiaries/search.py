"""Arabic-aware search over the registry (folding: ``association.kernel.arabic``). On PostgreSQL the fragments
and partial numbers are found through trigram indexes (migration 0007, ``pg_trgm``); SQLite scans."""

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from association.kernel.arabic import normalize_arabic
from association.kernel.identifiers import normalize_mobile, strip_separators

__all__ = ["normalize_arabic", "search_beneficiaries"]  # normalize_arabic: DESIGN.md's name for the kernel's


def search_beneficiaries(queryset: QuerySet, query: str) -> QuerySet:
    """Find by national ID (whole or last digits), mobile in any format, or Arabic name fragments."""
    normalized = normalize_arabic(query)
    if not normalized:
        return queryset.none()
    # The same separators the ID, mobile and IBAN fields accept (a number copied out of an RTL page
    # carries bidi marks).
    compact = strip_separators(normalized).replace("+", "")
    if compact.isdigit():
        if len(compact) == 10 and compact[0] in "12":
            # A whole ID: one lookup in its unique index (no mobile ends with a 1 or 2 after its 05).
            return queryset.filter(national_id=compact)
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
