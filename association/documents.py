"""Printable documents of the association: the policy."""

from .models import PolicyVersion
from .pdf import document, render_pdf


@document("policy")
def policy_pdf(pk: int) -> tuple[bytes, str]:
    version = PolicyVersion.objects.get(pk=pk)
    sections = list(version.sections.all())
    context = {
        "version": version,
        "sections": sections,
        "has_approval_section": any(section.kind == "approval" for section in sections),
    }
    return render_pdf("association/pdf/policy.html", context), f"policy-v{version.number}.pdf"
