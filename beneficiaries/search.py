"""Arabic-aware search over the registry (folding: ``association.kernel.arabic``). On PostgreSQL name
fragments and partial mobiles are found through trigram indexes (migration 0007, ``pg_trgm``; 0012 dropped the
one on the encrypted ID); SQLite scans.

National IDs and IBANs are encrypted at rest (``association.kernel.crypto``): every lookup by them goes
through the keyed hashes below — ``national_id_condition`` is the one place the desk search, the
duplicate checks, the import and the admin search find a person by ID.
"""

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from association.kernel.arabic import normalize_arabic
from association.kernel.crypto import blind_index
from association.kernel.identifiers import normalize_mobile, strip_separators
from association.kernel.text import to_ascii_digits

from .models import Beneficiary

__all__ = [
    "beneficiaries_with_national_id",
    "iban_hash",
    "national_id_condition",
    "national_id_hash",
    "normalize_arabic",  # DESIGN.md's name for the kernel's
    "search_beneficiaries",
]

ID_LENGTH = 10
# The fewest last digits the search matches (what a masked ID shows).
TAIL_DIGITS = 4


def national_id_hash(national_id: str) -> str | None:
    """The blind index of a national ID in its stored form (10 ASCII digits)."""
    return blind_index(national_id, purpose="national_id")


def iban_hash(iban: str) -> str | None:
    """The blind index of an IBAN in its stored form (compact, upper case): the duplicate check by IBAN."""
    return blind_index(iban, purpose="iban")


def beneficiaries_with_national_id(queryset: QuerySet, national_id: str) -> QuerySet:
    """The beneficiaries of ``queryset`` registered with exactly this (normalised) ID: at most one."""
    return queryset.filter(national_id_hash=national_id_hash(national_id))


def national_id_condition(digits: str) -> Q | None:
    """The condition finding an ID typed whole (10 digits) or by its last digits (4 to 9), or None.

    Whole: one indexed lookup of its keyed hash. Last digits: the keyed hash of the last four narrows to
    about one row in ten thousand, whose IDs are decrypted to keep those ending with every digit typed."""
    digits = to_ascii_digits(digits)
    if len(digits) == ID_LENGTH:
        return Q(national_id_hash=national_id_hash(digits))
    if not TAIL_DIGITS <= len(digits) < ID_LENGTH:
        return None
    tail = blind_index(digits, purpose="national_id_last4", last=TAIL_DIGITS)
    candidates = Beneficiary.objects.filter(national_id_last4_hash=tail).values_list("pk", "national_id")
    return Q(pk__in=[pk for pk, national_id in candidates if national_id.endswith(digits)])


def _may_end_a_mobile(digits: str) -> bool:
    """Whether ``digits`` can be the end of a stored mobile (``+9665`` and 8 digits). A whole ID cannot:
    its search stays one indexed lookup instead of a scan of every mobile."""
    head = digits[: max(0, len(digits) - 8)]
    return len(digits) <= 12 and "9665".endswith(head)


def search_beneficiaries(queryset: QuerySet, query: str) -> QuerySet:
    """Find by national ID (whole or last digits), mobile in any format, or Arabic name fragments."""
    normalized = normalize_arabic(query)
    if not normalized:
        return queryset.none()
    # The same separators the ID, mobile and IBAN fields accept (a number copied out of an RTL page
    # carries bidi marks).
    compact = to_ascii_digits(strip_separators(normalized).replace("+", ""))
    if compact.isdigit():
        condition = national_id_condition(compact) or Q(pk__in=[])
        try:
            condition |= Q(mobile=normalize_mobile(compact))
        except ValidationError:
            suffix = compact.lstrip("0")
            if len(compact) >= TAIL_DIGITS and _may_end_a_mobile(suffix):
                condition |= Q(mobile__endswith=suffix)
        return queryset.filter(condition)
    # Every word must appear in the normalised name, in any order: «محمد العتيبي» finds «محمد بن سعد العتيبي».
    condition = Q()
    for word in normalized.split(" "):
        condition &= Q(name_normalized__contains=word)
    return queryset.filter(condition)
