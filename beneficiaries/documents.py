"""Printable documents of the registry: one person's data (the PDPL access request)."""

from association.kernel.pdf import document

from .models import Beneficiary
from .privacy.services import subject_pdf


@document("subject_export")
def subject_export_pdf(pk: int) -> tuple[bytes, str]:
    beneficiary = Beneficiary.objects.get(pk=pk)
    return subject_pdf(beneficiary), f"subject-{beneficiary.public_id}.pdf"
