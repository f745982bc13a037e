"""Printable documents of the association: the policy.

A published policy version (approved, or superseded by a later one) is one fixed document: it is
rendered once and served as a stored file (``policy_pdf_file``), not rendered again for every visitor
of the public page (about a second of CPU each). It is rendered again only when what it shows changes:
its status, the letterhead (profile and bank accounts), or the PDF layout of a new release.
"""

import functools
import hashlib
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from .. import letterhead
from ..kernel import pdf
from ..kernel.pdf import document, render_pdf
from ..models import AssociationProfile, BankAccount
from .models import PolicyVersion

PUBLISHED = (PolicyVersion.Status.APPROVED, PolicyVersion.Status.SUPERSEDED)


@document("policy")
def policy_pdf(pk: int) -> tuple[bytes, str]:
    version = PolicyVersion.objects.get(pk=pk)
    sections = list(version.sections.all())
    context = {
        "version": version,
        "sections": sections,
        "has_approval_section": any(section.kind == "approval" for section in sections),
    }
    return render_pdf("association/pdf/policy.html", context), policy_pdf_name(version)


def policy_pdf_name(version: PolicyVersion) -> str:
    return f"policy-v{version.number}.pdf"


@functools.cache
def _layout_digest() -> str:
    """The PDF layout of this release: its templates and the renderer (read once per process)."""
    digest = hashlib.sha256()
    templates = Path(settings.BASE_DIR) / "templates" / "association"
    sources = sorted([*templates.glob("pdf/*.html"), *templates.glob("policy/*.html")])
    for path in [*sources, Path(pdf.__file__), Path(letterhead.__file__)]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def policy_pdf_fingerprint(version: PolicyVersion) -> str:
    """What the stored PDF depends on. A published version's text is frozen; its status is not, and the
    letterhead is the association's current one."""
    profile = AssociationProfile.objects.filter(pk=1).values_list("updated_at", "logo").first()
    accounts = list(BankAccount.objects.filter(profile_id=1).order_by("pk").values_list())
    parts = [version.pk, version.number, version.status, version.approved_at, profile, accounts, _layout_digest()]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def policy_pdf_file(version: PolicyVersion):
    """The stored PDF of a published version (a ``FieldFile``), rendered first if it is missing or stale.

    Two first visitors at once: the row lock lets one render while the other waits, then finds it."""
    if version.status not in PUBLISHED:
        raise ValueError("only a published version has a stored PDF")
    fingerprint = policy_pdf_fingerprint(version)
    if _is_current(version, fingerprint):
        return version.pdf
    with transaction.atomic():
        locked = PolicyVersion.objects.select_for_update().get(pk=version.pk)
        if not _is_current(locked, fingerprint):
            data, _name = policy_pdf(locked.pk)
            stale = locked.pdf.name
            locked.pdf.save(f"policy-v{locked.number}-{fingerprint[:12]}.pdf", ContentFile(data), save=False)
            # update(), not save(): the version's own updated_at is not touched by printing it.
            PolicyVersion.objects.filter(pk=locked.pk).update(pdf=locked.pdf.name, pdf_fingerprint=fingerprint)
            if stale and stale != locked.pdf.name:
                transaction.on_commit(lambda: locked.pdf.storage.delete(stale))
        version.pdf, version.pdf_fingerprint = locked.pdf, fingerprint
    return version.pdf


def _is_current(version: PolicyVersion, fingerprint: str) -> bool:
    return bool(version.pdf) and version.pdf_fingerprint == fingerprint and version.pdf.storage.exists(version.pdf.name)
