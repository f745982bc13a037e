"""Small text helpers shared by every app: digits and masking."""

ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩"
EASTERN_ARABIC_INDIC = "۰۱۲۳۴۵۶۷۸۹"  # Persian/Urdu keyboards send these
_TO_ASCII = str.maketrans(
    {
        **{c: str(i) for i, c in enumerate(ARABIC_INDIC)},
        **{c: str(i) for i, c in enumerate(EASTERN_ARABIC_INDIC)},
        "٫": ".",
        "٬": ",",
        "،": ",",
    }
)
_TO_ARABIC = str.maketrans({str(i): c for i, c in enumerate(ARABIC_INDIC)})


def to_ascii_digits(value: str) -> str:
    """Arabic-Indic (٠–٩) and Eastern Arabic-Indic (۰–۹) digits to ASCII; other characters unchanged."""
    return value.translate(_TO_ASCII) if value else value


def to_arabic_digits(value: str) -> str:
    return value.translate(_TO_ARABIC) if value else value


MASK_BULLET = "•"


def mask(value: str, visible: int = 4) -> str:
    """Show only the last ``visible`` characters: national IDs, IBANs and mobiles in lists."""
    if not value:
        return ""
    value = str(value)
    if len(value) <= visible:
        return MASK_BULLET * len(value)
    return MASK_BULLET * (len(value) - visible) + value[-visible:]


def group_iban(value) -> str:
    """``SA03 8000 0000 6080 1016 7519``: an IBAN in its printed form (groups of four, ISO 13616)."""
    compact = "".join(str(value or "").split()).upper()
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


# What a page, a PDF or a message shows for a person who is not there (a contact the public sent, a
# step the system took): a dash, never an error.
NO_PERSON = "—"


def person_name(user, empty: str = NO_PERSON) -> str:
    """A staff member's name as people read it: the full name, else the username, else ``empty``.

    None-safe: optional people (``recorded_by``, ``assignee``, ``witness``…) may be empty."""
    if not user:
        return empty
    full_name = user.get_full_name().strip() if hasattr(user, "get_full_name") else ""
    if full_name:
        return full_name
    username = user.get_username() if hasattr(user, "get_username") else str(user)
    return username or empty
