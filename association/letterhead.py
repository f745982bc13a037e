"""The association's letterhead for every PDF (registered with the kernel's PDF renderer in ``apps.py``)."""

import mimetypes

from .kernel.pdf import Letterhead
from .models import AssociationProfile


def letterhead() -> Letterhead:
    profile = AssociationProfile.get_solo()
    accounts = list(profile.bank_accounts.filter(is_active=True)) if profile.pk and profile.name else []
    return Letterhead(
        context={"association": profile, "bank_accounts": accounts},
        digits=profile.document_digits,
        logo=_logo_reader(profile) if profile.logo else None,
    )


def _logo_reader(profile: AssociationProfile):
    def read() -> tuple[bytes, str] | None:
        with profile.logo.open("rb") as handle:
            return handle.read(), mimetypes.guess_type(profile.logo.name)[0] or "image/png"

    return read
