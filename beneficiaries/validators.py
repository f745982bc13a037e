"""Saudi identifiers (DESIGN.md "Domain API": ``beneficiaries.validators.normalize_*``).

The public face of ``association.kernel.identifiers``, where the rules live; the portal's own code imports
the kernel.
"""

from association.kernel.identifiers import (
    SAUDI_BANKS,
    bank_name_for_iban,
    id_type_for,
    normalize_iban,
    normalize_mobile,
    normalize_national_id,
    strip_separators,
)

__all__ = [
    "SAUDI_BANKS",
    "bank_name_for_iban",
    "id_type_for",
    "normalize_iban",
    "normalize_mobile",
    "normalize_national_id",
    "strip_separators",
]
