"""Small text helpers shared by every app: digits and masking."""

ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩"
EASTERN_ARABIC_INDIC = "۰۱۲۳۴۵۶۷۸۹"  # Persian/Urdu keyboards send these
_TO_ASCII = str.maketrans(
    {**{c: str(i) for i, c in enumerate(ARABIC_INDIC)}, **{c: str(i) for i, c in enumerate(EASTERN_ARABIC_INDIC)},
     "٫": ".", "٬": ",", "،": ","}
)
_TO_ARABIC = str.maketrans({str(i): c for i, c in enumerate(ARABIC_INDIC)})


def to_ascii_digits(value: str) -> str:
    """Arabic-Indic (٠–٩) and Eastern Arabic-Indic (۰–۹) digits to ASCII; other characters unchanged."""
    return value.translate(_TO_ASCII) if value else value


def to_arabic_digits(value: str) -> str:
    return value.translate(_TO_ARABIC) if value else value


def mask(value: str, visible: int = 4) -> str:
    """Show only the last ``visible`` characters: national IDs, IBANs and mobiles in lists."""
    if not value:
        return ""
    value = str(value)
    if len(value) <= visible:
        return "•" * len(value)
    return "•" * (len(value) - visible) + value[-visible:]
